// The H200's measured W4A16 kernel table (runtimes/tensorrt-llm.yaml kernels.w4a16_stream) is carried, as an
// ASSUMPTION, to the other GH100 parts bound to TensorRT-LLM (same SM90 weightOnlyBatchedGemv / fpA_intB kernels):
// with it on the H200 only, an H200 ran the same W4A16 decode step slower than an H100 (review-mid M2).
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { w4a16Stream } from '../src/sim/w4a16-gemm.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const model = 'llama-3.1-8b';
const tpot = (hardware: string, batch: number) =>
  simulate(buildRequest({ model, hardware, dtype: 'int4', 'input-tokens': 2048, 'output-tokens': 128, batch }, libraryModel(model), bound(hardware, 'tensorrt-llm'), libraryModel)).tpot_s!;

describe('TensorRT-LLM W4A16 across GH100 parts', () => {
  it('an h200-sxm step is never slower than an h100-sxm one (batch 1 / 8 / 64)', () => {
    for (const batch of [1, 8, 64]) {
      const h100 = tpot('h100-sxm', batch);
      const h200 = tpot('h200-sxm', batch);
      expect(h100).toBeGreaterThan(0);
      expect(h200).toBeLessThanOrEqual(h100);
    }
  });
  it('every GH100 part bound to tensorrt-llm runs its int4 linears on the same kernel table', () => {
    const m = libraryModel(model) as DecoderModel;
    const op = buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), resolvePrecision('int4', undefined, undefined, undefined), { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 8 }).find((o) => o.name === 'qkv_proj')!;
    const ref = w4a16Stream(op, bound('h200-sxm', 'tensorrt-llm'))!;
    for (const hw of ['h100-sxm', 'h100-pcie', 'h100-sxm-hbm2e-500w', 'h800-sxm', 'h200-nvl', 'gh200']) {
      expect(w4a16Stream(op, bound(hw, 'tensorrt-llm'))).toEqual(ref);
    }
  });
});
