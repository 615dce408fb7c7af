// MLX (mlx-lm) decode on Apple GPUs: a step is a chain of dependent dispatch stages. MLX encodes each eval into one
// concurrent compute encoder and puts a memory barrier only before a dispatch that reads a buffer written since the
// last barrier, so independent dispatches (q / k / v, gate / up) share one stage (runtimes/mlx.yaml decode_graph).
// Each stage costs the measured GPU time of one dependent Metal dispatch, 2.54 us (penta2himajin/qwisp PR #158, M1
// Max: 39 dispatches folded away, -0.0990 ms per step), in place of the hardware files' assumed 10 us.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const HW = 'apple-m2-ultra';
const STAGE_S = 0.099e-3 / 39;

const tpot = (hw: NormalizedHardware, model: string) =>
  simulate(buildRequest({ model, hardware: HW, dtype: 'q4_0', 'input-tokens': 32, 'output-tokens': 64, batch: 1 }, libraryModel(model), hw, libraryModel)).tpot_s!;
// dispatch stages in one decode step: the step's time per second of per-stage cost (without the Ultra's command-buffer
// floor, test/mlx-command-buffers.test.ts, under which a short buffer's stages cost nothing more)
const stages = (model: string) => {
  const b = bound(HW, 'mlx');
  const hw = { ...b, runtime: { ...b.runtime!, kernels: { ...b.runtime!.kernels, commandBuffer: undefined } } };
  const zero = { ...hw, efficiency: { ...hw.efficiency, kernelOverheadS: 0 } };
  return (tpot(hw, model) - tpot(zero, model)) / hw.efficiency.kernelOverheadS;
};

describe('MLX decode: dependent dispatch stages at the measured Metal dispatch time', () => {
  it('one stage costs 2.54 us under MLX; ggml-metal (llama.cpp) keeps the part\'s own figure', () => {
    const hw = bound(HW, 'mlx');
    expect(Math.abs(hw.efficiency.kernelOverheadS / STAGE_S - 1)).toBeLessThan(2e-3);
    expect(bound(HW, 'llama.cpp').efficiency.kernelOverheadS).toBe(getLibrary().hardware[HW]!.efficiency.kernelOverheadS);
  });
  it('a dense Llama layer is 13 stages (norm, qkv, rope k, cache updates, rope q, sdpa, o, add, norm, gate+up, swiglu, down, add)', () => {
    // 28 layers x 13 + embedding, final norm, LM head, sampling
    expect(stages('llama-3.2-3b')).toBeCloseTo(28 * 13 + 4, 0);
  });
  it('a Qwen3 MoE layer is 19: the attention half\'s 10 with the q/k norms as one more, then router, softmax, argpartition, gate+up, swiglu, down, multiply, sum and the add', () => {
    expect(stages('qwen3-30b-a3b')).toBeCloseTo(48 * 19 + 4, 0);
  });
});
