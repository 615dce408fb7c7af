// gpt-oss's MXFP4 experts on CDNA 3 under vLLM run OpenAI's triton_kernels matmul_ogs (get_mxfp4_backend: TRITON on ROCm,
// vllm @afdb4a4 quantization/mxfp4.py), one 256-wide strip per CTA at decode sizes; ROCm/triton issue #970 times the
// gate_up call of gpt-oss-20b at one token on an MI300X at 82.28 us (triton 3.6.0). runtimes/vllm.yaml by_architecture
// cdna3 kernels.tiled_gemm.weight_only_moe cites both; the strip width follows compute_block_nk (opt_flags_amd.py).
import { describe, expect, it } from 'vitest';
import { gridStripWidth, tiledStreamS } from '../src/sim/kernel-physics.js';
import { bound } from './helpers/bound.js';
import { decodePassOps } from './helpers/decode-pass.js';

describe('triton_kernels matmul_ogs MXFP4 experts on CDNA 3 (kernels.tiled_gemm.weight_only_moe)', () => {
  it('block_n = next_pow2(grid_m * n * xcds // CUs) between 32 and 256, n itself for a power of two up to 128', () => {
    expect(gridStripWidth(4, 6144, 8, 304, 256)).toBe(256); // the 32x256x128 call: 4 experts, N 6144
    expect(gridStripWidth(4, 768, 8, 304, 256)).toBe(128); // gpt-oss-120b's gate_up at TP 8 (n 720 padded)
    expect(gridStripWidth(1, 1000, 8, 304, 256)).toBe(32); // floor
    expect(gridStripWidth(4, 128, 8, 304, 256)).toBe(128);
  });
  for (const rt of ['vllm', 'vllm-0.8']) {
    it(`${rt}: gpt-oss-20b's gate_up at one token on an MI300X streams in the measured 82.28 us (within 10%)`, () => {
      const hw = bound('mi300x', rt);
      const up = decodePassOps('gpt-oss-20b', 1, 1, 'fp4').find((o) => o.name === 'experts_up')!;
      expect(up.mxfp4).toBe(true);
      const s = tiledStreamS(up, hw)!;
      expect(s / 82.28e-6).toBeGreaterThan(0.9);
      expect(s / 82.28e-6).toBeLessThan(1.1);
    });
  }
  it("the call is the matmul_ogs kernel's: it moves with that kernel's rate and strip width, not the vendor's", () => {
    const hw = bound('mi300x', 'vllm');
    const up = decodePassOps('gpt-oss-20b', 1, 1, 'fp4').find((o) => o.name === 'experts_up')!;
    const t = hw.runtime!.kernels.tiledGemm!;
    const w = t.weightOnlyMoe!;
    const withKernel = (k: typeof w | undefined) => ({ ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, tiledGemm: { ...t, weightOnlyMoe: k } } } });
    const s = tiledStreamS(up, hw)!;
    expect(tiledStreamS(up, withKernel({ ...w, rateBytePerS: w.rateBytePerS / 2 }))! / s).toBeCloseTo(2, 9);
    // the widest strip (one 256-wide CTA per strip at one token) sets the call: half the width, half the strip
    expect(tiledStreamS(up, withKernel({ ...w, tileN: w.tileN / 2 }))! / s).toBeCloseTo(0.5, 9);
    // without the kernel the experts take the vendor's fused_moe strip, another time
    expect(Math.abs(tiledStreamS(up, withKernel(undefined))! / s - 1)).toBeGreaterThan(0.1);
  });
  it('at TP 8 the narrower strip of the grid halves the gate_up call; CDNA 4 and Hopper keep their own kernels', () => {
    const hw = bound('mi300x', 'vllm');
    const tp1 = tiledStreamS(decodePassOps('gpt-oss-120b', 1, 1, 'fp4').find((o) => o.name === 'experts_up')!, hw)!;
    const tp8 = tiledStreamS(decodePassOps('gpt-oss-120b', 8, 1, 'fp4').find((o) => o.name === 'experts_up')!, hw)!;
    expect(tp8 / tp1).toBeCloseTo(0.5, 2);
    expect(bound('mi355x', 'vllm').runtime!.kernels.tiledGemm!.weightOnlyMoe).toBeUndefined();
    expect(bound('h100-sxm', 'vllm').runtime!.kernels.tiledGemm!.weightOnlyMoe!.xcds).toBeUndefined();
  });
});
