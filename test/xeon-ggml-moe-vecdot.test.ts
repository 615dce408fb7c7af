// llama.cpp's CPU backend multiplies MoE experts (MUL_MAT_ID) with vec_dot over each expert's routed rows, one
// (weight row, routed row) pair per call: no tile, so no padded rows, and its x86 Q8_0 dot product folds every 32-weight
// block into one accumulator (acc = _mm256_fmadd_ps(d, q, acc)), one block per 4-cycle FMA latency: at most 64 FLOP /
// 4 cycles = 16 FLOP per core per clock (runtimes/llama.cpp.yaml by_hardware xeon-6980p, ggml @84ec81d7).
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { ggmlKernelCounts } from '../src/sim/ggml-kernels.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { opCost } from '../src/sim/roofline.js';
import { kernelPhysics, paddedGroupRowsFor } from '../src/sim/kernel-physics.js';
import { ggufGroupGemmPeak } from '../src/hardware/efficiency.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const FMA_LATENCY = 4; // cycles, VFMADD231PS ymm (Golden Cove / Redwood Cove)
const BLOCK_FLOP = 2 * 32; // one Q8_0 block: 32 multiply-adds

const experts = (model: string, hw: NormalizedHardware, len: number) => {
  const m = libraryModel(model) as DecoderModel;
  const ops = ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), resolvePrecision('q8_0', undefined, undefined, undefined), { prefillSeqs: 1, prefillLen: len, decodeSeqs: 0 }), hw, 512);
  return ops.find((o) => o.name === 'experts_up')!;
};
const withoutGroupRate = (hw: NormalizedHardware): NormalizedHardware => {
  const k = { ...hw.runtime!.kernels };
  delete k.ggufGroupFlopPerUnitClock;
  return { ...hw, runtime: { ...hw.runtime!, kernels: k } };
};

describe('llama.cpp MoE experts on the Xeon 6980P (ggml-cpu MUL_MAT_ID vec_dot)', () => {
  const hw = bound('xeon-6980p', 'llama.cpp');

  it('the grouped GGUF ceiling is one Q8_0 block per FMA latency per core: 16 FLOP per core-clock', () => {
    expect(hw.runtime!.kernels.ggufGroupFlopPerUnitClock).toBe(BLOCK_FLOP / FMA_LATENCY);
    expect(ggufGroupGemmPeak(hw)).toBeCloseTo(16 * 128 * 2.0e9, -6);
    expect(ggufGroupGemmPeak(bound('rtx-4090', 'llama.cpp'))).toBeUndefined();
  });

  it('routed rows are not padded to tiles (vec_dot per row)', () => {
    const kp = kernelPhysics(hw);
    for (const m of [4, 16, 32, 100]) expect(paddedGroupRowsFor(m, 512, kp) / m).toBeLessThan(1 + 0.5 / m + 1e-12);
  });

  it('a prompt\'s expert GEMMs run no faster than that ceiling, and at it for Qwen3-235B and DeepSeek-V3', () => {
    for (const model of ['qwen3-235b-a22b', 'deepseek-v3']) {
      const op = experts(model, hw, 512);
      const c = opCost(op, hw, 'prefill');
      const floor = op.flops / ggufGroupGemmPeak(hw)!;
      expect(c.computeS).toBeGreaterThanOrEqual(floor * (1 - 1e-12));
      expect(c.computeS / floor).toBeLessThan(1.05);
      expect(opCost(op, withoutGroupRate(hw), 'prefill').computeS).toBeLessThan(c.computeS);
    }
  });

  it('decode steps keep the matrix-vector path (one token: each expert streams its weights once)', () => {
    const run = (h: NormalizedHardware) => simulate(buildRequest({ model: 'qwen3-235b-a22b', hardware: 'xeon-6980p', dtype: 'q8_0', 'input-tokens': 1024, 'output-tokens': 1024, batch: 1 }, libraryModel('qwen3-235b-a22b'), h, libraryModel));
    const now = run(hw);
    const before = run(withoutGroupRate(hw));
    expect(now.tpot_s!).toBeCloseTo(before.tpot_s!, 12);
    expect(now.ttft_s!).toBeGreaterThan(before.ttft_s!);
  });
});
