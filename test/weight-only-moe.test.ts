// Narrow-float MoE experts on a part without their tensor cores (MXFP4 gpt-oss on A100 / H100, FP8 on A100) run
// weight-only through vLLM's fused Marlin MoE, capped at the fraction of the 16-bit peak that kernel reaches at large M:
// 0.54 (vLLM fused_marlin_moe MXFP4 on an H20, flagos-ai/FlagGems PR #4483; runtimes/vllm.yaml by_vendor nvidia), 0.29 on
// Hopper (the whole call timed on an H100 SXM by aiconfigurator; by_architecture hopper).
// Dense GEMMs of the same model (attention projections, bf16) and native-fp4 parts (Blackwell, FP4 activations) are not capped.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildLayout } from '../src/sim/parallel.js';
import { opCost, matrixPeak } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/index.js';
import { bound } from './helpers/bound.js';

const oss = libraryModel('gpt-oss-20b') as DecoderModel;
const fp4 = resolvePrecision('fp4', undefined, undefined, 'bf16');
const ops = buildDecoderPass(oss, buildLayout(oss, 1, 1, undefined, 1, false), fp4, { prefillSeqs: 1, prefillLen: 8192, decodeSeqs: 0 });
const up = ops.find((o) => o.name === 'experts_up')!;
const qkv = ops.find((o) => o.name === 'qkv_proj')!;
const rate = (op: typeof up, hw: ReturnType<typeof bound>) => op.flops / opCost(op, hw).computeS;

describe('weight-only MoE experts under vLLM run the fused Marlin MoE (0.54 of the 16-bit peak, 0.29 on Hopper)', () => {
  it('gpt-oss-20b MXFP4 experts of an 8192-token prefill stay at or below 0.54 of the fp16 peak on A100, 0.29 on Hopper', () => {
    // Hopper's own cap: Marlin's mma.sync tiles reach 0.27-0.30 of an H100's peak (aiconfigurator h100_sxm
    // vllm_marlin_moe, runtimes/vllm.yaml by_architecture hopper)
    for (const [hwId, cap] of [['a100-sxm4-80gb', 0.54], ['h100-pcie', 0.29], ['h100-sxm', 0.29], ['h200-sxm', 0.29]] as const) {
      const hw = bound(hwId, 'vllm');
      const peak = matrixPeak(hw, 'fp4').flopPerS; // the 16-bit peak the weight-only GEMM runs at
      expect(rate(up, hw)).toBeLessThanOrEqual(cap * peak * 1.000001);
      expect(rate(up, hw)).toBeGreaterThan(0.9 * cap * peak); // a large grouped GEMM reaches the cap
    }
  });
  it('without the cap (ideal runtime) the same experts run at the cuBLAS table, above it; the bf16 attention projections are not capped', () => {
    const ideal = bound('a100-sxm4-80gb', 'ideal');
    expect(rate(up, ideal)).toBeGreaterThan(0.6 * matrixPeak(ideal, 'fp4').flopPerS);
    const hw = bound('a100-sxm4-80gb', 'vllm');
    expect(rate(qkv, hw)).toBeCloseTo(rate(qkv, bound('a100-sxm4-80gb', 'ideal')), 6);
  });
  it('a part with fp4 tensor cores (B200) runs the experts natively under a runtime that feeds them FP4: no cap', () => {
    // (vLLM's own SM100 default feeds them BF16 activations: test/mxfp4-moe-activations.test.ts)
    const hw = bound('b200', 'ideal');
    expect(rate(up, hw)).toBeGreaterThan(0.54 * matrixPeak(hw, 'fp16').flopPerS);
  });
});
