// One decode step's ops as the simulator builds them (src/model/decoder-graph.ts buildDecoderPass): T sequences after a
// 1-token prompt, at tensor parallel tp with the experts split as wide (ep = tp), for tests that price a layer's kernels
// directly through opCost / tiledStreamS. And the rows of a kernel table matched to those ops, each checked to be the
// block-FP8 GEMM of the row's shape before it is compared with its timing.
import { expect } from 'vitest';
import { getLibrary } from '../../src/spec/library.js';
import { buildDecoderPass } from '../../src/model/decoder-graph.js';
import { buildLayout } from '../../src/sim/parallel.js';
import { resolvePrecision } from '../../src/model/quant.js';
import type { DecoderModel } from '../../src/spec/types.js';
import type { Op } from '../../src/model/op.js';

export function decodePassOps(model: string | DecoderModel, tp: number, T: number, dtype = 'fp8'): Op[] {
  const m = typeof model === 'string' ? (getLibrary().models[model] as DecoderModel) : model;
  const L = buildLayout(m, tp, 1, undefined, tp, false);
  return buildDecoderPass(m, L, resolvePrecision(dtype), { prefillSeqs: 0, prefillLen: 1, decodeSeqs: T });
}

/** [name, op, row] for each row of a table of block-FP8 linear timings keyed by op name, the op checked to match */
export function blockFp8TableOps<R extends { n: number; k: number }>(ops: Op[], table: Record<string, R>): [string, Op, R][] {
  return Object.entries(table).map(([name, row]) => {
    const op = ops.find((o) => o.name === name)!;
    expect(op.fp8Block, name).toBe(true);
    expect([op.n, op.k], name).toEqual([row.n, row.k]);
    return [name, op, row];
  });
}
