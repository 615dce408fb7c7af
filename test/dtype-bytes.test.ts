// One table of bytes per element (src/model/dtype-bytes.ts) is read by the GEMM op, calibrate's bench points, a
// pipeline stage's own dtype, the KV-cache sizes and the weight cast. Before it, calibrate kept a shorter copy that
// priced a hand-written fp6 / fp4 / int4 GEMM point at 2 bytes an element.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { DTYPE_BYTES } from '../src/model/dtype-bytes.js';
import { opGemm } from '../src/sim/ops.js';
import { calibrate } from '../src/bench/calibrate.js';
import { opCost } from '../src/sim/roofline.js';
import { linear } from '../src/model/op.js';
import { resolvePrecision } from '../src/model/quant.js';
import { DTYPES } from '../src/spec/types.js';
import type { BenchResult } from '../src/bench/types.js';

const lib = getLibrary();

describe('bytes per element: one table', () => {
  it('op gemm moves A, B and C at the table size of every dtype', () => {
    for (const d of DTYPES) expect(opGemm(lib.hardware['b200']!, 256, 512, 128, d).bytes).toBe((256 * 128 + 128 * 512 + 256 * 512) * DTYPE_BYTES[d]);
  });

  it('calibrate prices an fp4 GEMM point at half a byte an element, not 2', () => {
    const hw = lib.hardware['b200']!;
    const bench = { memory_bandwidth_bytes_per_s: 7e12, peak_flops_per_s: {}, gemm: [{ m: 64, n: 64, k: 64, dtype: 'fp4', flops_per_s: 1e12 }] } as unknown as BenchResult;
    const point = calibrate(bench, hw).points.find((p) => p.kind === 'gemm')!;
    expect(point.predicted_before_s).toBe(opCost(linear('gemm', 64, 64, 64, 'fp4', 0.5, 0.5), hw).seconds);
  });

  it('a plain KV-cache dtype is its element size; a block-quantized one adds its scales', () => {
    const kv = (k: string) => resolvePrecision('bf16', undefined, undefined, k).kvBytes;
    for (const d of ['fp32', 'tf32', 'bf16', 'fp16', 'fp8', 'int8', 'fp6'] as const) expect(kv(d)).toBe(DTYPE_BYTES[d]);
    expect([kv('fp4'), kv('int4'), kv('q8_0'), kv('q4_0')]).toEqual([4.5 / 8, 4.25 / 8, 8.5 / 8, 4.5 / 8]);
  });
});
