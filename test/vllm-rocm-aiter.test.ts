// vLLM on ROCm with VLLM_ROCM_USE_AITER=1 (runtimes/vllm-rocm-aiter.yaml, vllm-0.8-rocm-aiter.yaml) runs AITER's
// fused MoE (aiter.fused_moe: CK two-stage / asm fmoe) and CK a8w8 blockscale GEMM, the kernels SGLang 0.5.x runs on
// ROCm: the strip figures are runtimes/sglang.yaml by_vendor amd's (AITER's tuned CSVs, cu_num 304), held equal here.
// `vllm` (upstream default, AITER off) keeps the Triton strip kernels.
import { describe, expect, it } from 'vitest';
import { opCost } from '../src/sim/roofline.js';
import { tiledStreamS } from '../src/sim/kernel-physics.js';
import { bound } from './helpers/bound.js';
import { denseGemmOp } from './helpers/gemm-op.js';
import { decodePassOps as decodeOps } from './helpers/decode-pass.js';

const expertsS = (hwId: string, rt: string, T: number) => {
  let s = 0;
  for (const op of decodeOps('qwen3-235b-a22b', 8, T, 'fp8')) if (op.name === 'experts_up' || op.name === 'experts_down') s += opCost(op, bound(hwId, rt), 'decode').seconds;
  return s;
};

describe('vLLM on ROCm with AITER on', () => {
  it("prices AITER's kernels with SGLang's figures, one set of numbers for both runtimes", () => {
    for (const hw of ['mi300x', 'mi325x', 'mi355x']) {
      const sg = bound(hw, 'sglang').runtime!.kernels!.tiledGemm!;
      expect(sg.rateBytePerS).toBeCloseTo(23e9, -6);
      // SGLang's block-FP8 linears on gfx942 run AITER's Triton blockscale GEMM (sglang PR #13617, by_architecture cdna3);
      // vLLM's AITER path keeps the CK blockscale GEMM (fp8_block false): the experts' numbers are the ones shared
      const { fp8Block: sgLinear, blockFp8Linear: _l, ...sgExperts } = sg;
      expect(sgLinear, hw).toBe(hw !== 'mi355x');
      // vLLM's own MXFP4 expert kernel aside (matmul_ogs, tiled_gemm.weight_only_moe of vllm's by_architecture cdna3)
      for (const rt of ['vllm-rocm-aiter', 'vllm-0.8-rocm-aiter']) {
        const { weightOnlyMoe: _, fp8Block, blockFp8Linear: _b, ...aiter } = bound(hw, rt).runtime!.kernels!.tiledGemm!;
        expect(aiter, `${rt} on ${hw}`).toEqual(sgExperts);
        expect(fp8Block, `${rt} on ${hw}`).toBe(false);
      }
      // AITER off: the Triton strip, 7.7 GB/s per CU at 128 wide
      expect(bound(hw, 'vllm').runtime!.kernels!.tiledGemm?.rateBytePerS).toBeCloseTo(7.7e9, -6);
    }
    // the 0.8-era file changes only the decode graphs, as vllm-0.8 does
    expect(bound('mi355x', 'vllm-0.8-rocm-aiter').runtime!.launch).toEqual(bound('mi355x', 'vllm-0.8').runtime!.launch);
    expect(bound('mi355x', 'vllm-rocm-aiter').runtime!.launch).toEqual(bound('mi355x', 'vllm').runtime!.launch);
  });

  it("reads AITER's gfx950 tables for Qwen3-235B-FP8's TP-8 / EP-8 experts within 20% (ROCm/aiter a8w8_blockscale_tuned_fmoe_qwen3_235b.csv, cu_num 256)", () => {
    // model_dim 4096, inter 1536, 16 local experts, top 8; the table's first version (@c585d6f6, PR #1378, 2025-11-18,
    // the nearest to the Sept 2025 image: asm fmoe_bf16_blockscaleFp8_g1u1_vs_silu_1tg_32x256) at 1 and 64 tokens.
    // Priced 60.3 / 109.6 us. Not held: its retune (@e4048607) reads 44.5 us at one token (+36%), 90.8 at 64 (+21%),
    // and at 256 tokens both read slower than the strip bound (237.6 / 142.2 us against 111 us priced).
    const hw = bound('mi355x', 'vllm-rocm-aiter');
    expect(hw.units).toBe(256);
    for (const [T, us] of [[1, 67.4568], [64, 96.2795]] as const) {
      const r = expertsS('mi355x', 'vllm-rocm-aiter', T) / (us * 1e-6);
      expect(r, `T = ${T}`).toBeGreaterThan(0.8);
      expect(r, `T = ${T}`).toBeLessThan(1.2);
    }
    // AITER off, the Triton strip prices the same experts ~1.5x slower
    expect(expertsS('mi355x', 'vllm', 64) / expertsS('mi355x', 'vllm-rocm-aiter', 64)).toBeGreaterThan(1.4);
  });

  it("reads AITER's gfx950 bf16 CK two-stage fused MoE within 5% (qwen3_235b_bf16_tuned_fmoe.csv @e4048607 and tuned_fmoe.csv @c146ddb2, cu_num 256)", () => {
    // Qwen3-235B's TP-4 experts (model_dim 4096, inter 384, 128 experts, top 8): gemm1 + gemm2 at 1 token
    // (25.6519 + 9.2504 us) and at 64 tokens, ~126 of 128 experts touched (136.4991 + 75.3558 us, the Sept 2025 table);
    // gemm1 streams 12 strips of 4096 x 64 bf16 per expert
    const hw = bound('mi355x', 'vllm-rocm-aiter');
    const up = decodeOps('qwen3-235b-a22b', 4, 64, 'bf16').find((o) => o.name === 'experts_up')!;
    expect(up.n).toBe(768);
    for (const [T, us] of [[1, 25.6519 + 9.2504], [64, 136.4991 + 75.3558]] as const) {
      let s = 0;
      for (const op of decodeOps('qwen3-235b-a22b', 4, T, 'bf16')) if (op.name === 'experts_up' || op.name === 'experts_down') s += opCost(op, hw, 'decode').seconds;
      expect(s / (us * 1e-6), `T = ${T}`).toBeGreaterThan(0.95);
      expect(s / (us * 1e-6), `T = ${T}`).toBeLessThan(1.05);
    }
  });

  it("block-FP8 linear layers run the CK blockscale GEMM: no strip, no hipBLASLt set-up; 16-bit library GEMMs keep it", () => {
    const aiter = bound('mi355x', 'vllm-rocm-aiter'), off = bound('mi355x', 'vllm');
    const qkv = decodeOps('qwen3-235b-a22b', 8, 2, 'fp8').find((o) => o.name === 'qkv_proj')!;
    expect(qkv.fp8Block).toBe(true);
    expect(tiledStreamS(qkv, aiter)).toBeUndefined();
    // 1152 x 4096 fp8 (4.7 MB): AITER's CK blockscale GEMM took 6.62 us for 4.7 MB on gfx942
    // (a8w8_blockscale_tuned_gemm_ds_v3.csv, M 1, N 3072, K 1536); the Triton strip of AITER off 9 x 524 KB at 7.7 GB/s
    expect(opCost(qkv, aiter, 'decode').seconds).toBeLessThan(13.9e-6);
    expect(opCost(qkv, off, 'decode').seconds).toBeGreaterThan(60e-6);
    // a bf16 GEMM of 8 rows is still hipBLASLt's, with its fixed time (runtimes/vllm.yaml by_architecture cdna4)
    const bf = denseGemmOp(8, 1152, 4096, 'bf16');
    expect(opCost(bf, aiter, 'decode').seconds).toBeCloseTo(opCost(bf, off, 'decode').seconds, 12);
  });
});
