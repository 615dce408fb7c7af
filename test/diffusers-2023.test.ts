// diffusers-2023: PyTorch 2.0 / 2.1's SDPA flash backend is FlashAttention-1, at the top of the 25-40% of peak the
// FlashAttention-2 paper (arXiv:2307.08691, abstract) gives it; Hopper and the RTX 4090 keep pytorch's FA2 figures.
import { describe, expect, it } from 'vitest';
import { opCost } from '../src/sim/roofline.js';
import { attentionCore } from '../src/model/transformer-block.js';
import { bound } from './helpers/bound.js';
import { runtimeOps } from '../src/sim/runtime-ops.js';

const op = attentionCore('attn', { batch: 2, q: 4096, kv: 4096, heads: 10, headDim: 64 }, { compute: 'fp16', actBytes: 2, weightBytes: 2, kvBytes: 2 }, true);
const seconds = (hw: string, rt: string) => opCost(op, bound(hw, rt)).seconds;

describe('diffusers on PyTorch 2.0 / 2.1 (FlashAttention-1)', () => {
  it('an A100 runs SDXL-sized fused attention at 0.40 of peak, 1.5x the FA2-era diffusers time', () => {
    expect(bound('a100-sxm4-80gb', 'diffusers-2023').efficiency.attention).toBe(0.4);
    expect(seconds('a100-sxm4-80gb', 'diffusers-2023') / seconds('a100-sxm4-80gb', 'diffusers')).toBeCloseTo(0.6 / 0.4, 1);
  });

  it('Hopper keeps FA2 (0.337, measured) and the RTX 4090 its measured FA2 rate', () => {
    expect(bound('h100-sxm', 'diffusers-2023').efficiency.attention).toBe(0.337);
    expect(bound('rtx-4090', 'diffusers-2023').efficiency.attention).toBe(bound('rtx-4090', 'diffusers').efficiency.attention);
  });
});

// PyTorch 2.0 / 2.1 for ROCm had no flash or memory-efficient SDPA kernel (pytorch/pytorch issue #112997): SDPA ran its
// math backend (attention.cpp _scaled_dot_product_attention_math: scale q and k, copies, QKᵀ bmm, fp16 softmax, v copy,
// AV bmm), which writes the [b, h, q, kv] scores out at 8 bytes a score in 8 kernels.
describe('diffusers on PyTorch 2.0 / 2.1 for ROCm (SDPA math backend)', () => {
  const scores = 2 * 10 * 4096 * 4096;
  it('an AMD part writes the scores out: 8 bytes a score, 8 kernels, 4 bytes a score alive', () => {
    const [out] = runtimeOps([op], bound('mi250x-gcd', 'diffusers-2023'), 2);
    expect(out!.bytes - op.bytes).toBe(8 * scores);
    expect(out!.kernels).toBe(8);
    expect(out!.attn).toBeUndefined(); // plain batched GEMMs: no flash tile padding
    expect(bound('mi250x-gcd', 'diffusers-2023').runtime!.kernels.attentionScores!.liveBytesPerScore).toBe(4);
  });

  it('an NVIDIA part keeps the fused FlashAttention-1 kernel', () => {
    expect(bound('a100-sxm4-80gb', 'diffusers-2023').runtime!.kernels.attentionScores).toBeUndefined();
    const [out] = runtimeOps([op], bound('a100-sxm4-80gb', 'diffusers-2023'), 2);
    expect(out!.bytes).toBe(op.bytes);
  });
});

// IPEX XPU of the PyTorch 2.0 / 2.1 era on Arc A-series (Xe-HPG): SDPA runs the math composite (an Intel IPEX developer,
// intel/intel-extension-for-pytorch issue #749), priced as the ROCm math backend above; later parts and modern torch keep
// the fused kernel.
describe('diffusers on PyTorch 2.0 / 2.1 under IPEX on Arc A-series (SDPA math composite)', () => {
  const scores = 2 * 10 * 4096 * 4096;
  it('an Arc A770 writes the scores out: 8 bytes a score, 8 kernels, 4 bytes a score alive', () => {
    const hw = bound('arc-a770', 'diffusers-2023');
    const [out] = runtimeOps([op], hw, 2);
    expect(out!.bytes - op.bytes).toBe(8 * scores);
    expect(out!.kernels).toBe(8);
    expect(hw.runtime!.kernels.attentionScores!.liveBytesPerScore).toBe(4);
    expect(seconds('arc-a770', 'diffusers-2023')).toBeGreaterThan(seconds('arc-a770', 'diffusers'));
  });

  it('Xe2 parts and the modern diffusers runtime keep the fused kernel', () => {
    for (const [hw, rt] of [['arc-b580', 'diffusers-2023'], ['core-ultra-7-258v', 'diffusers-2023'], ['arc-a770', 'diffusers']] as const) {
      expect(bound(hw, rt).runtime!.kernels.attentionScores, `${hw} ${rt}`).toBeUndefined();
      const [out] = runtimeOps([op], bound(hw, rt), 2);
      expect(out!.bytes, `${hw} ${rt}`).toBe(op.bytes);
    }
  });
});
