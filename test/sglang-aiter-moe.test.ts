// SGLang 0.5.x on ROCm runs AITER's fused MoE (CK two-stage / asm fmoe) instead of the Triton strip kernels: its
// tuned-config tables time each shape on the 304-CU gfx942 (MI300X / MI325X), and runtimes/sglang.yaml by_vendor amd
// prices the experts from them; runtimes/sglang-0.4.yaml keeps the Triton kernels of the early-2025 releases.
import { describe, expect, it } from 'vitest';
import { opCost } from '../src/sim/roofline.js';
import { tiledStreamS } from '../src/sim/kernel-physics.js';
import { bound } from './helpers/bound.js';
import { decodePassOps as decodeOps } from './helpers/decode-pass.js';

describe('SGLang 0.5.x expert GEMMs on MI300X run AITER fused MoE', () => {
  it("reproduces AITER's tuned CK fused-MoE times for Qwen3-235B bf16 at TP 8 on 304 CUs within 25% (ROCm/aiter qwen3_235b_bf16_tuned_fmoe.csv)", () => {
    const hw = bound('mi300x', 'sglang');
    // cu_num 304, model_dim 4096, inter_dim 192, 128 experts, top 8: us1 + us2 (gemm1 + gemm2) per token count
    const measured: [number, number][] = [[1, 23.3811 + 9.3291], [2, 28.6858 + 15.1888], [4, 31.6933 + 21.6785], [8, 48.8876 + 33.9763]];
    for (const [T, us] of measured) {
      let s = 0;
      for (const op of decodeOps('qwen3-235b-a22b', 8, T, 'bf16')) if (op.name === 'experts_up' || op.name === 'experts_down') s += opCost(op, hw, 'decode').seconds;
      const r = s / (us * 1e-6);
      expect(r, `T = ${T}`).toBeGreaterThan(0.75);
      expect(r, `T = ${T}`).toBeLessThan(1.25);
    }
  });

  it('64-wide strips at 23 GB/s for bf16 experts, 128-wide at 12.4 GB/s for block-FP8 experts; the Triton strip stays on sglang-0.4', () => {
    const now = bound('mi300x', 'sglang');
    const old = bound('mi300x', 'sglang-0.4');
    expect(now.units).toBe(304);
    const scoutUp = decodeOps('llama-4-scout', 8, 1, 'bf16').find((o) => o.name === 'experts_up')!;
    const strip64 = (scoutUp.weightBytes / ((scoutUp.groups ?? 1) * scoutUp.n!)) * 64;
    expect(tiledStreamS(scoutUp, now)).toBeCloseTo(Math.max(strip64, scoutUp.weightBytes / 304) / 23e9, 12);
    const dsUp = decodeOps('deepseek-v3', 8, 1, 'fp8').find((o) => o.name === 'experts_up')!;
    expect(dsUp.fp8Block).toBe(true);
    expect(tiledStreamS(dsUp, now)).toBeCloseTo((7168 * 128) / 12.4e9, 12);
    expect(tiledStreamS(dsUp, old)).toBeCloseTo((7168 * 128) / 7.7e9, 12);
    // AITER's fused MoE runs each bf16 expert strip ~4x faster than the Triton kernel sglang-0.4 prices
    expect(tiledStreamS(scoutUp, old)! / tiledStreamS(scoutUp, now)!).toBeGreaterThan(3);
  });

  it("block-FP8 linear layers on gfx942 run AITER's Triton gemm_a8w8_blockscale on its default config (one 128-wide strip per workgroup, no split-K); CDNA 4 keeps the CK price", () => {
    const q = decodeOps('deepseek-v3', 8, 1, 'fp8').find((o) => o.name === 'q_a_proj')!;
    expect(q.fp8Block).toBe(true);
    const mi300x = bound('mi300x', 'sglang');
    expect(tiledStreamS(q, mi300x)).toBeCloseTo((7168 * 128) / 7.7e9, 12);
    expect(tiledStreamS(q, bound('mi325x', 'sglang'))).toBeCloseTo((7168 * 128) / 7.7e9, 12);
    expect(tiledStreamS(q, bound('mi355x', 'sglang'))).toBeUndefined();
    expect(tiledStreamS(q, bound('mi300x', 'sglang-0.4'))).toBeGreaterThan(0);
    // builds before sglang PR #13617 (sglang-0.4.10, Aug 2025) called AITER's CK blockscale GEMM: no strip, no prompt cap
    const ck = bound('mi300x', 'sglang-0.4.10');
    expect(tiledStreamS(q, ck)).toBeUndefined();
    expect(ck.runtime!.kernels!.fp8BlockEfficiency).toBe(1);
    // the experts keep AITER's fused MoE (12.4 GB/s per CU), not the linear layers' Triton strip
    const dsUp = decodeOps('deepseek-v3', 8, 1, 'fp8').find((o) => o.name === 'experts_up')!;
    expect(tiledStreamS(dsUp, mi300x)).toBeCloseTo((7168 * 128) / 12.4e9, 12);
    // ROCm/aiter PR #1930's check, not an input: DeepSeek's fused q_a + kv_a projection (N 2112, K 7168) at decode
    // sizes, 17 strips of 917 KB: ~119 us, where a tuned gfx942 config cut median TPOT by ~110 us per layer
    const fused = { ...q, n: 2112, weightBytes: 2112 * 7168 };
    for (const T of [1, 4, 16]) {
      const s = opCost({ ...fused, m: T }, mi300x, 'decode').seconds;
      expect(s, `T = ${T}`).toBeGreaterThan(115e-6);
      expect(s, `T = ${T}`).toBeLessThan(140e-6);
    }
  });

  it('the untuned Triton linear at prompt sizes reaches at most 0.18 of the fp8 peak on gfx942 (GEAK: 2.60 ms at M 13645, N 5120, K 8704); sglang-0.4 keeps 0.24, CDNA 4 no cap', () => {
    const o = decodeOps('deepseek-v3', 8, 1, 'fp8').find((x) => x.name === 'o_proj')!;
    const M = 8192;
    const big = { ...o, m: M, flops: 2 * M * o.n! * o.k!, bytes: o.weightBytes + M * (o.n! + o.k!) * 2 };
    const mi300x = bound('mi300x', 'sglang');
    const s = opCost(big, mi300x, 'prefill').computeS;
    expect(big.flops / s / 2614.9e12).toBeLessThanOrEqual(0.18 + 1e-9);
    expect(big.flops / s / 2614.9e12).toBeGreaterThan(0.15);
    expect(mi300x.runtime!.kernels!.fp8BlockEfficiency).toBe(0.18);
    expect(bound('mi300x', 'sglang-0.4').runtime!.kernels!.fp8BlockEfficiency).toBe(0.24);
    expect(bound('mi355x', 'sglang').runtime!.kernels!.fp8BlockEfficiency).toBeUndefined();
  });

  it("MLA's kv_b_proj in a decode pass (the absorbed BMMs) takes no strip floor; its prompt pass does", () => {
    const hw = bound('mi300x', 'sglang');
    const kvb = decodeOps('deepseek-v3', 8, 16, 'fp8').find((o) => o.name === 'kv_b_proj')!;
    const strip = (512 * 128) / 7.7e9;
    expect(opCost(kvb, hw, 'decode').memoryS).toBeLessThan(strip);
    expect(opCost(kvb, hw, 'prefill').memoryS).toBeGreaterThanOrEqual(strip);
  });
});
