// SGLang 0.5.x runs block-FP8 linear layers on SM100 through DeepGEMM (fp8 GEMM backend "auto": DeepGEMM first when JIT
// DeepGEMM is on), a kernel that splits no K but streams a CTA's strip of W far faster than the Triton
// w8a8_block_fp8_matmul whose 30 GB/s per SM runtimes/sglang.yaml keeps for the Triton fused MoE:
// runtimes/sglang.yaml by_hardware b200 tiled_gemm.block_fp8_linear. aiconfigurator times the call on a B200.
import { describe, expect, it } from 'vitest';
import type { Op } from '../src/model/op.js';
import { opCost } from '../src/sim/roofline.js';
import { tiledStreamS } from '../src/sim/kernel-physics.js';
import { bound } from './helpers/bound.js';
import { blockFp8TableOps, decodePassOps } from './helpers/decode-pass.js';

// DeepSeek-V3 at TP 8 (fp8), a decode step of T sequences
const decodeOps = (T: number) => decodePassOps('deepseek-v3', 8, T);

// ai-dynamo/aiconfigurator @095f58a5 systems/data/b200_sxm/gemm/sglang/0.5.14/gemm_perf.parquet, kernel_source
// sglang_deepgemm_gemm_nt_f8f8bf16 (fp8_block): per-token-group quantization + DeepGEMM, and DeepGEMM's per-call transform
// of the fp32 weight scales the collector passes (four small kernels SGLang's serving path does not run): the median over
// the table's 22 row counts M = 1-64 (single points scatter: q_b_proj 24.3 us at M = 1, 14.4 at M = 4)
const table: Record<string, { n: number; k: number; us: number }> = {
  q_a_proj: { n: 1536, k: 7168, us: 19.0 },
  q_b_proj: { n: 3072, k: 1536, us: 14.8 },
  kv_b_proj: { n: 4096, k: 512, us: 14.3 },
  o_proj: { n: 7168, k: 2048, us: 19.8 },
  shared_up: { n: 512, k: 7168, us: 17.8 },
  shared_down: { n: 7168, k: 256, us: 16.7 },
};

describe('SGLang 0.5.x block-FP8 linear layers on B200 run DeepGEMM at its own per-strip rate', () => {
  it('the rate is the table\'s growth with K at N = 128 (one strip, one CTA): 11.0 us at K 1024 -> 25.7 us at K 16384', () => {
    const b200 = bound('b200', 'sglang');
    const strip = (k: number) => tiledStreamS({ kind: 'gemm', name: 'x', n: 128, k, m: 1, weightBytes: 128 * k, fp8Block: true, dtype: 'fp8' } as Op, b200)!;
    const grew = strip(16384) - strip(1024);
    expect(grew / (25.7e-6 - 11.0e-6)).toBeGreaterThan(0.9);
    expect(grew / (25.7e-6 - 11.0e-6)).toBeLessThan(1.1);
  });

  it('prices DeepSeek-V3 TP 8 linears at or below the timed call and above it less the collector\'s four transform kernels', () => {
    const b200 = bound('b200', 'sglang');
    for (const T of [1, 8, 64]) {
      for (const [name, op, row] of blockFp8TableOps(decodeOps(T), table)) {
        const r = opCost(op, b200, 'decode').seconds / (row.us * 1e-6);
        // four small graph-replayed kernels take >= ~1.3 us each on this part (the same table's 2-kernel fp8 path: ~5.3 us)
        expect(r, `${name} T=${T}`).toBeGreaterThan(0.45);
        expect(r, `${name} T=${T}`).toBeLessThan(1.0);
      }
    }
  });

  it('the Triton strip (30 GB/s) priced q_a_proj ~2x the timed call; the spring-2025 releases keep it', () => {
    const q = decodeOps(1).find((o) => o.name === 'q_a_proj')!;
    const b200 = bound('b200', 'sglang');
    expect(b200.runtime!.kernels!.tiledGemm!.blockFp8Linear).toEqual({ rateBytePerS: 130e9, tileN: 128 });
    const t = b200.runtime!.kernels!.tiledGemm!;
    const triton = { ...b200, runtime: { ...b200.runtime!, kernels: { ...b200.runtime!.kernels!, tiledGemm: { ...t, blockFp8Linear: undefined } } } };
    expect(opCost(q, triton, 'decode').seconds / 19.0e-6).toBeGreaterThan(1.8);
    expect(tiledStreamS(q, bound('b200', 'sglang-0.4.5'))).toBeCloseTo((7168 * 128) / 30e9, 9);
    expect(tiledStreamS(q, bound('b200', 'sglang-0.4'))).toBeCloseTo((7168 * 128) / 30e9, 9);
    expect(tiledStreamS(q, b200)).toBeCloseTo((7168 * 128) / 130e9, 9);
    // experts keep their own settings: no strip for the FlashInfer TRT-LLM MoE
    expect(tiledStreamS(decodeOps(1).find((o) => o.name === 'experts_up')!, b200)).toBeUndefined();
    // Hopper: DeepGEMM at its own SM90 strip rate (test/sglang-hopper-deepgemm-linear.test.ts)
    expect(tiledStreamS(q, bound('h200-sxm', 'sglang'))).toBeCloseTo((7168 * 128) / 119e9, 9);
  });
});
