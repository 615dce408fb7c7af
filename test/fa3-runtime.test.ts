// pytorch-fa3 / diffusers-fa3: eager model code calling FlashAttention-3 on Hopper, at FA3's measured non-causal
// forward rate (0.64 of an H100's peak: FA3 paper figure, pytorch/pytorch issue #142132, pytorch/benchmark PR #2391);
// FA3 is sm90-only, so every other part keeps the parent runtime's FlashAttention-2 figures.
import { describe, expect, it } from 'vitest';
import { opCost } from '../src/sim/roofline.js';
import { attentionCore } from '../src/model/transformer-block.js';
import { bound } from './helpers/bound.js';

// one HunyuanVideo attention call at 736p, 117 frames: 24 heads x 128, ~113k tokens, full (non-causal) self-attention
const op = attentionCore('attn', { batch: 1, q: 113_416, kv: 113_416, heads: 24, headDim: 128 }, { compute: 'bf16', actBytes: 2, weightBytes: 2, kvBytes: 2 }, true);
const seconds = (hw: string, rt: string) => opCost(op, bound(hw, rt)).seconds;

describe('FlashAttention-3 runtimes', () => {
  it('Hopper runs video-length attention at FA3 rate, 0.64 / 0.337 = 1.9x faster than SDPA (FA2)', () => {
    for (const hw of ['h100-sxm', 'h200-sxm']) {
      expect(bound(hw, 'pytorch-fa3').efficiency.attention).toBe(0.64);
      expect(bound(hw, 'diffusers-fa3').efficiency.attention).toBe(0.64);
      expect(seconds(hw, 'pytorch') / seconds(hw, 'pytorch-fa3')).toBeCloseTo(0.64 / 0.337, 2);
    }
    // the achieved rate is FA3's (600-650 TFLOP/s on an H100), not SDPA's ~330
    const tflops = op.flops / seconds('h100-sxm', 'diffusers-fa3') / 1e12;
    expect(tflops).toBeGreaterThan(600);
    expect(tflops).toBeLessThan(650);
  });

  it('other parts keep the parent runtime (FA3 has no kernels off sm90)', () => {
    for (const hw of ['a100-sxm4-80gb', 'b200', 'rtx-4090']) {
      expect(seconds(hw, 'pytorch-fa3')).toBe(seconds(hw, 'pytorch'));
      expect(seconds(hw, 'diffusers-fa3')).toBe(seconds(hw, 'diffusers'));
    }
  });

  it('keeps the parent runtime on Hopper for everything but attention', () => {
    const fa3 = bound('h100-sxm', 'diffusers-fa3').runtime!;
    const base = bound('h100-sxm', 'diffusers').runtime!;
    expect(base.kernels.rope).toBeDefined();
    expect(base.kernels.elementwise).toBeDefined();
    expect(fa3.kernels.rope).toEqual(base.kernels.rope);
    expect(fa3.kernels.elementwise).toEqual(base.kernels.elementwise);
  });
});
