// int4 (AWQ / GPTQ) MoE experts under vLLM on Hopper run its fused Marlin MoE (awq_marlin.py / gptq_marlin.py:
// AWQMarlinMoEMethod / GPTQMarlinMoEMethod, the moe wna16 Marlin kernel of vllm-project/vllm PR #14447), and under
// SGLang 0.5.x sgl-kernel's port of it: at decode sizes a weight stream at 18 GB/s per SM (kernels.tiled_gemm.int4_moe),
// at prompt sizes under Marlin's cap (int4_moe.efficiency 0.29). Checked against aiconfigurator's whole-call timings of that kernel on an H100 SXM
// (ai-dynamo/aiconfigurator @095f58a5 systems/data/h100_sxm/moe/vllm/0.24.0 compressed-tensors WNA16 Marlin at
// Kimi-K2's shape, 0.14.0 vllm_marlin_moe at Mixtral's; int4_wo, power_law_1.01 routing, CUDA graph; runtimes/vllm.yaml
// by_architecture hopper). The releases before PR #14447 (vllm-0.6 and the files extending it) ran other int4 MoE
// kernels and keep the Triton strip rate.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildLayout } from '../src/sim/parallel.js';
import { opCost, matrixPeak } from '../src/sim/roofline.js';
import { tiledStreamS } from '../src/sim/kernel-physics.js';
import type { DecoderModel, NormalizedHardware } from '../src/index.js';
import { bound } from './helpers/bound.js';

const int4 = resolvePrecision('int4', undefined, undefined, 'bf16');
const MOE_CALL = ['moe_topk', 'moe_sort', 'moe_permute', 'experts_up', 'experts_act', 'experts_down', 'moe_finalize'];
const pass = (id: string, tp: number, tokens: number) => {
  const m = libraryModel(id) as DecoderModel;
  const shape = tokens > 256 ? { prefillSeqs: 1, prefillLen: tokens, decodeSeqs: 0 } : { prefillSeqs: 0, prefillLen: 0, decodeSeqs: tokens };
  return buildDecoderPass(m, buildLayout(m, tp, 1, undefined, tp, false), int4, shape);
};
// one MoE call (routing, sort, both grouped GEMMs, activation, finalize) of `tokens` tokens, a decode step up to 256
const moeCall = (id: string, tp: number, tokens: number, hw: NormalizedHardware) => {
  const ops = pass(id, tp, tokens);
  return MOE_CALL.reduce((s, n) => {
    const o = ops.find((x) => x.name === n);
    return o ? s + opCost({ ...o, count: 1 }, hw, tokens > 256 ? 'prefill' : 'decode').seconds : s;
  }, 0);
};
const withoutInt4Moe = (hw: NormalizedHardware): NormalizedHardware => ({
  ...hw,
  runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, tiledGemm: { ...hw.runtime!.kernels.tiledGemm!, int4Moe: undefined } } },
});

// measured whole calls, us (power_law_1.01): [tokens, us]
const KIMI_TP8 = [[1, 39.8], [2, 56.7], [4, 81.0], [8, 121.8], [16, 189.5], [32, 248.2], [64, 360.8], [128, 435.6], [256, 548.0], [512, 652.1], [1024, 1026.2], [2048, 1565.3], [8192, 4695.8]] as const;
// SGLang 0.5.10's port of the kernel (h100_sxm/moe/sglang/0.5.10 sglang_marlin_moe, int4_wo, power_law_1.01)
const SGL_DSV3_TP8 = [[1, 32.1], [2, 45.2], [4, 65.4], [8, 103.7], [16, 139.3], [32, 177.8], [64, 251.1], [128, 340.4], [256, 391.8], [512, 629.3], [1024, 1008.1], [2048, 1571.0], [8192, 4416.5]] as const;
const SGL_MIXTRAL_TP1 = [[1, 89.3], [2, 145.3], [4, 180.1], [8, 283.9], [16, 290.2], [32, 312.2], [64, 451.0], [128, 640.1], [256, 986.6], [512, 1540.0], [1024, 2794.9], [2048, 5346.6], [8192, 21829.8]] as const;
const MIXTRAL_TP1 = [[1, 107.0], [2, 144.9], [4, 170.2], [8, 259.1], [16, 283.3], [32, 319.7], [64, 423.5], [128, 621.9], [256, 988.0], [512, 1547.7], [1024, 2676.0], [2048, 5170.9], [8192, 19859.3]] as const;

describe('int4 MoE experts under vLLM and SGLang on Hopper: the fused Marlin MoE', () => {
  it('vllm names the Marlin stream for int4 experts on Hopper; vllm-0.6 / vllm-0.7 (per-expert Marlin, Triton moe_wna16) do not', () => {
    const hw = bound('h100-sxm', 'vllm');
    expect(hw.runtime!.kernels.tiledGemm!.int4Moe).toEqual({ rateBytePerS: 18e9, tileN: 64, efficiency: 0.29 });
    expect(bound('h100-sxm', 'sglang').runtime!.kernels.tiledGemm!.int4Moe).toEqual({ rateBytePerS: 18e9, tileN: 64, efficiency: 0.29 });
    for (const rt of ['vllm-0.6', 'vllm-0.7', 'sglang-0.4', 'sglang-0.4.5', 'sglang-0.3']) expect(bound('h100-sxm', rt).runtime!.kernels.tiledGemm!.int4Moe).toBeUndefined();
    // the flag rides on int4 experts only: not on the dense projections, not on fp8 / bf16 experts
    const ops = pass('kimi-k2', 8, 8);
    expect(ops.find((o) => o.name === 'experts_up')!.int4).toBe(true);
    expect(ops.find((o) => o.name === 'q_a_proj' || o.name === 'o_proj')!.int4).toBeFalsy();
    const m = libraryModel('kimi-k2') as DecoderModel;
    const fp8 = buildDecoderPass(m, buildLayout(m, 8, 1, undefined, 8, false), resolvePrecision('fp8', undefined, undefined, 'bf16'), { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 8 });
    expect(fp8.find((o) => o.name === 'experts_up')!.int4).toBeFalsy();
  });
  it('a decode step\'s int4 experts stream no faster than 18 GB/s per SM, and at least one 64-wide K strip per SM', () => {
    const hw = bound('h100-sxm', 'vllm');
    const up = pass('kimi-k2', 8, 1).find((o) => o.name === 'experts_up')!;
    const stream = tiledStreamS(up, hw)!;
    expect(stream).toBeCloseTo(Math.max((up.weightBytes / (up.groups! * up.n!)) * 64, up.weightBytes / hw.units!) / 18e9, 12);
    expect(opCost({ ...up, count: 1 }, hw, 'decode').seconds).toBeGreaterThanOrEqual(stream);
    // vllm-0.7 keeps the Triton strip (30 GB/s per SM, 128 wide)
    expect(tiledStreamS(up, bound('h100-sxm', 'vllm-0.7'))).toBeCloseTo(Math.max((up.weightBytes / (up.groups! * up.n!)) * 128, up.weightBytes / hw.units!) / 30e9, 12);
  });
  it('the priced call stays within 0.7-1.3x of the timed one from 1 to 8192 tokens, where it read up to 2.1x fast before', () => {
    const hw = bound('h100-sxm', 'vllm');
    const sgl = bound('h100-sxm', 'sglang');
    for (const [id, tp, table, rt] of [['kimi-k2', 8, KIMI_TP8, hw], ['mixtral-8x7b', 1, MIXTRAL_TP1, hw], ['deepseek-v3', 8, SGL_DSV3_TP8, sgl], ['mixtral-8x7b', 1, SGL_MIXTRAL_TP1, sgl]] as const) {
      for (const [tokens, us] of table) {
        const r = us / (moeCall(id, tp, tokens, rt) * 1e6);
        if (process.env.SHOW) console.log(id, rt.runtime!.id ?? '', tokens, r.toFixed(2), (us / (moeCall(id, tp, tokens, withoutInt4Moe(rt)) * 1e6)).toFixed(2));
        expect(r, `${id} ${tokens} tokens`).toBeGreaterThan(0.7);
        expect(r, `${id} ${tokens} tokens`).toBeLessThan(1.3);
      }
      // before: the Triton strip rate and no Marlin cap read the 8192-token call 1.9-2.2x fast
      const [tokens, us] = table[table.length - 1]!;
      expect(us / (moeCall(id, tp, tokens, withoutInt4Moe(rt)) * 1e6)).toBeGreaterThan(1.8);
    }
  });
  it('at prompt sizes int4 experts take Marlin\'s cap under vllm, not under vllm-0.7', () => {
    const up = pass('mixtral-8x7b', 1, 8192).find((o) => o.name === 'experts_up')!;
    const rate = (hw: NormalizedHardware) => up.flops / opCost({ ...up, count: 1 }, hw, 'prefill').computeS;
    const vllm = bound('h100-sxm', 'vllm');
    expect(rate(vllm)).toBeLessThanOrEqual(0.29 * matrixPeak(vllm, 'fp16').flopPerS * 1.000001);
    expect(rate(vllm)).toBeGreaterThan(0.9 * 0.29 * matrixPeak(vllm, 'fp16').flopPerS);
    expect(rate(bound('h100-sxm', 'vllm-0.7')) / rate(vllm)).toBeGreaterThan(1.5);
  });
});
