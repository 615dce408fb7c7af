// FlashAttention-2 under PyTorch on the RTX 4090 (half-rate fp32 accumulation) runs at the part's GEMM rate:
// runtimes/pytorch.yaml by_hardware rtx-4090 attention_efficiency 1.0 (ROCm/flash-attention issue #27: 171.8-173.0
// TFLOP/s at head dim 64, 2k-16k tokens, of the 165.2 TFLOP/s rated peak). Other runtimes' own attention kernels
// (llama.cpp) and other parts keep theirs.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import { attentionCore } from '../src/model/transformer-block.js';
import { bound } from './helpers/bound.js';

const lib = getLibrary();
// the benchmark's shape at 8k tokens: batch 2, 2048 / 64 = 32 heads of 64, non-causal, fp16
const op = attentionCore('attn', { batch: 2, q: 8192, kv: 8192, heads: 32, headDim: 64 }, { compute: 'fp16', actBytes: 2, weightBytes: 2, kvBytes: 2 }, true);
const tflops = (hw: ReturnType<typeof bound>) => op.flops / opCost(op, hw).seconds / 1e12;

describe('FA2 on the RTX 4090 under PyTorch', () => {
  it('a long-sequence fused attention runs near the measured 172.8 TFLOP/s (within 10% under it)', () => {
    const r = tflops(bound('rtx-4090', 'pytorch'));
    expect(r).toBeGreaterThan(172.8 * 0.9);
    expect(r).toBeLessThanOrEqual(172.8);
  });

  it('diffusers (extends pytorch) inherits it; llama.cpp (its own kernels) and the A100 under PyTorch do not', () => {
    expect(bound('rtx-4090', 'diffusers').efficiency.attention).toBe(1);
    expect(bound('rtx-4090', 'llama.cpp').efficiency.attention).toBe(lib.hardware['rtx-4090']!.efficiency.attention);
    expect(bound('a100-sxm4-80gb', 'pytorch').efficiency.attention).toBe(lib.hardware['a100-sxm4-80gb']!.efficiency.attention);
    expect(tflops(bound('rtx-4090', 'pytorch')) / tflops(bound('rtx-4090', 'llama.cpp'))).toBeGreaterThan(1.5);
  });
});
