// H20: the part's own kernel timings replace the H100 efficiencies it inherited (hardware/nvidia/h20.yaml). The H20 runs
// a quarter of the H100's MMA rate per SM and clock, so its tensor kernels reach a larger share of its lower peak.
//  - fused prefill attention: FlashAttention-3 forward on an H20, head dim 128, batch 2, 16 heads, seqlen 2048:
//    non-causal 0.545 ms (126.2 TFLOP/s), causal 0.319 ms (107.8) (Dao-AILab/flash-attention issue #1310);
//  - fp8 GEMMs: block-scaled FP8 GEMMs at DeepSeek-V3 shapes, the fastest backend (torch block-wise _scaled_mm), µs per
//    call (vllm-project/vllm PR #49932);
//  - 16-bit GEMMs: torch.mm square bf16 sweep 1024³-10240³ (zzc0721/torch-performance-test-data issue #77).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import { largeGemmEfficiency } from '../src/sim/peaks.js';
import type { Op } from '../src/model/op.js';
import { denseGemmOp } from './helpers/gemm-op.js';

const lib = getLibrary();
const h20 = lib.hardware['h20']!;
const h100 = lib.hardware['h100-sxm']!;

// the kernel's own time: the priced op less the part's per-kernel gap the benchmark loop does not pay in full
const kernelS = (op: Op, hw = h20) => opCost(op, hw).seconds - hw.efficiency.kernelOverheadS;

// FA3 benchmark attention: batch 2 × 16 heads of 128 over s tokens; useful FLOPs 4·b·h·s²·d, halved when causal
const attention = (s: number, causal: boolean): Op => ({
  name: 'attention_prefill', kind: 'attention', flops: (4 * 2 * 16 * s * s * 128) / (causal ? 2 : 1), bytes: 4 * 2 * s * 16 * 128 * 2,
  weightBytes: 0, dtype: 'bf16', count: 1, attn: { q: s, kv: s, headDim: 128 },
});

describe('H20 fused prefill attention (FlashAttention-3 on an H20, flash-attention issue #1310)', () => {
  it('prices the non-causal 2k forward at the measured 0.545 ms (126.2 TFLOP/s) within 3%', () => {
    const op = attention(2048, false);
    expect(op.flops / 0.545e-3 / 1e12).toBeCloseTo(126.1, 0); // the issue's own FLOP count
    const ratio = kernelS(op) / 0.545e-3;
    expect(ratio).toBeGreaterThan(0.97);
    expect(ratio).toBeLessThan(1.03);
  });
  it('prices the causal 2k forward faster than the measured 0.319 ms, by the flat fraction’s short-sequence gap (< 20%)', () => {
    const ratio = kernelS(attention(2048, true)) / 0.319e-3;
    expect(ratio).toBeLessThan(1);
    expect(ratio).toBeGreaterThan(0.8);
  });
  it('is the part’s own: a larger share of its peak than the H100’s class value; fp8 attention keeps the class default', () => {
    expect(h20.efficiency.attention).toBeCloseTo(126.2 / 148, 2);
    expect(h20.efficiency.attention).toBeGreaterThan(h100.efficiency.attention);
    expect(h20.efficiency.attentionByDtype?.fp8).toBe(0.6);
  });
});

describe('H20 fp8 GEMMs (block-wise FP8 GEMM backends on an H20, vllm PR #49932)', () => {
  const measured: [number, number, number, number][] = [
    [1024, 32768, 512, 137.32], [4096, 32768, 512, 508.2], [8192, 32768, 512, 1003.16],
    [1024, 7168, 16384, 897.15], [4096, 7168, 16384, 3411.01], [8192, 7168, 16384, 6806.97],
    [1024, 24576, 7168, 1306.04], [4096, 24576, 7168, 5112.92], [8192, 24576, 7168, 10207.52],
  ];
  it('prices each compute-bound shape (M ≥ 1024) at the measured time within 3%', () => {
    for (const [m, n, k, us] of measured) {
      const ratio = kernelS(denseGemmOp(m, n, k, 'fp8')) / (us * 1e-6);
      expect(ratio, `${m}x${n}x${k}`).toBeGreaterThan(0.97);
      expect(ratio, `${m}x${n}x${k}`).toBeLessThan(1.03);
    }
  });
  it('reaches ~0.95 of the 296 TFLOP/s fp8 peak at large M, above the H100’s cuBLASLt fp8 fraction', () => {
    expect(largeGemmEfficiency(h20, 'fp8')).toBeCloseTo(0.955, 3);
    expect(largeGemmEfficiency(h20, 'fp8')).toBeGreaterThan(largeGemmEfficiency(h100, 'fp8') + 0.2);
  });
});

describe('H20 16-bit GEMMs (torch.mm square sweep on an H20, torch-performance-test-data issue #77)', () => {
  const bf16: [number, number][] = [[1024, 95.12], [2048, 120.27], [4096, 133.41], [8192, 138.6], [10240, 142.25]];
  it('prices each square bf16 GEMM at the measured rate within 3% (the priced kernel with the 2 us ramp a loop still pays)', () => {
    for (const [n, tf] of bf16) {
      const op = denseGemmOp(n, n, n, 'bf16');
      const ratio = (kernelS(op) + 2e-6) / (op.flops / (tf * 1e12));
      expect(ratio, `${n}^3`).toBeGreaterThan(0.97);
      expect(ratio, `${n}^3`).toBeLessThan(1.03);
    }
  });
  it('reaches 0.96 of 148 at large sizes, where the H100’s table (LLM-shape GEMMs) stops at 0.69', () => {
    expect(largeGemmEfficiency(h20, 'bf16')).toBeCloseTo(142.25 / 148, 2);
    expect(largeGemmEfficiency(h100, 'bf16')).toBeLessThan(0.7);
  });
});
