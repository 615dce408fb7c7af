// SGLang 0.5.x runs block-FP8 linear layers on SM90 through DeepGEMM after the activations' per-token-group quantization
// (PR #5628). aiconfigurator times that pair under CUDA-graph replay on an H100 and an H200: one 128-wide strip per CTA at
// ~119 GB/s, and ~3.5 us a call beyond it (runtimes/sglang.yaml by_architecture hopper tiled_gemm.block_fp8_linear),
// where the part's per-kernel gap charged the two kernels 8 us. The fixed time is the graph-replayed call's only.
import { describe, expect, it } from 'vitest';
import { opCost } from '../src/sim/roofline.js';
import { tiledStreamS } from '../src/sim/kernel-physics.js';
import { bound } from './helpers/bound.js';
import { blockFp8TableOps, decodePassOps } from './helpers/decode-pass.js';

// DeepSeek-V3 at TP 8 (fp8), a decode step of T sequences
const decodeOps = (T: number) => decodePassOps('deepseek-v3', 8, T);

// ai-dynamo/aiconfigurator @095f58a5 systems/data/{h100_sxm,h200_sxm}/gemm/sglang/0.5.14/gemm_perf.parquet, kernel_source
// sglang_deepgemm_gemm_nt_f8f8bf16 (fp8_block), DeepSeek-V3 TP 8 shapes: the median over the table's 22 row counts M = 1-64
const table: Record<string, { n: number; k: number; h100: number; h200: number }> = {
  q_a_proj: { n: 1536, k: 7168, h100: 13.1, h200: 13.5 },
  q_b_proj: { n: 3072, k: 1536, h100: 6.1, h200: 5.7 },
  o_proj: { n: 7168, k: 2048, h100: 10.4, h200: 9.2 },
  shared_up: { n: 512, k: 7168, h100: 11.9, h200: 11.2 },
  shared_down: { n: 7168, k: 256, h100: 4.2, h200: 4.2 },
};

describe('SGLang 0.5.x block-FP8 linear layers on Hopper: DeepGEMM at its per-strip rate and its call time', () => {
  it('the settings: 119 GB/s a strip, 3.5 us a call on H100 and H200; the 0.4 releases keep the Triton strip and the gap', () => {
    for (const hw of ['h100-sxm', 'h200-sxm']) {
      expect(bound(hw, 'sglang').runtime!.kernels!.tiledGemm!.blockFp8Linear).toEqual({ rateBytePerS: 119e9, tileN: 128, fixedS: 3.5e-6 });
      // sglang-0.4.5 (April 2025) ran DeepGEMM on SM90 already (PR #5628): inherited
      expect(bound(hw, 'sglang-0.4.5').runtime!.kernels!.tiledGemm!.blockFp8Linear).toEqual({ rateBytePerS: 119e9, tileN: 128, fixedS: 3.5e-6 });
      // the 0.4.0-0.4.4 releases ran the Triton w8a8_block_fp8_matmul (runtimes/sglang-0.4.yaml restates block_fp8_linear: false)
      expect(bound(hw, 'sglang-0.4').runtime!.kernels!.tiledGemm!.blockFp8Linear).toBeUndefined();
    }
    const q = decodeOps(1).find((o) => o.name === 'q_a_proj')!;
    expect(tiledStreamS(q, bound('h100-sxm', 'sglang'))).toBeCloseTo((7168 * 128) / 119e9, 12);
    expect(tiledStreamS(q, bound('h100-sxm', 'sglang-0.4'))).toBeCloseTo((7168 * 128) / 30e9, 12);
  });

  it('prices DeepSeek-V3 TP 8 linears in a graph-replayed decode step within 0.75-1.1x of the timed call', () => {
    for (const hw of ['h100-sxm', 'h200-sxm'] as const) {
      const h = bound(hw, 'sglang');
      for (const T of [1, 8, 64]) {
        for (const [name, op, row] of blockFp8TableOps(decodeOps(T), table)) {
          const r = opCost(op, h, 'decode').seconds / ((hw === 'h100-sxm' ? row.h100 : row.h200) * 1e-6);
          expect(r, `${hw} ${name} T=${T}`).toBeGreaterThan(0.75);
          expect(r, `${hw} ${name} T=${T}`).toBeLessThan(1.1);
        }
      }
    }
  });

  it('the call time replaces the two kernels\' gaps only where the step is replayed: an eager step keeps 2 x the gap', () => {
    const h = bound('h100-sxm', 'sglang');
    const op = decodeOps(1).find((o) => o.name === 'shared_down')!; // N 7168, K 256: the body is well under a microsecond
    const gap = h.efficiency.kernelOverheadS;
    const t = h.runtime!.kernels!.tiledGemm!;
    // the same runtime without the call time: the part's gap on both kernels
    const noFixed = { ...h, runtime: { ...h.runtime!, kernels: { ...h.runtime!.kernels!, tiledGemm: { ...t, blockFp8Linear: { rateBytePerS: 119e9, tileN: 128 } } } } };
    expect(opCost(op, noFixed, 'decode').seconds - opCost(op, h, 'decode').seconds).toBeCloseTo(2 * gap - 3.5e-6, 12);
    expect(opCost(op, noFixed, 'decode_eager').seconds).toBeCloseTo(opCost(op, h, 'decode_eager').seconds, 12);
    expect(opCost(op, noFixed, 'prefill').seconds).toBeCloseTo(opCost(op, h, 'prefill').seconds, 12);
    // MLA's kv_b_proj at decode stands for the absorbed attention's two bf16 BMMs: no pair, the gap on each
    const kvb = decodeOps(1).find((o) => o.name === 'kv_b_proj')!;
    expect(opCost(kvb, h, 'decode').seconds).toBeCloseTo(opCost(kvb, noFixed, 'decode').seconds, 12);
  });
});
