// Today's vLLM and SGLang on Hopper run the block-FP8 experts of DeepSeek-V3 through the Triton fused MoE, whose
// prompt-sized calls aiconfigurator timed on an H200 SXM (ai-dynamo/aiconfigurator @095f58a5 systems/data/h200_sxm/moe/
// vllm/0.14.0 and sglang/0.5.9 moe_perf.parquet, moe_dtype fp8_block, TP 8, balanced routing; bench/aiconfigurator/
// moe-block-fp8-rates.py): far below the part's per-tensor fp8 GEMM table. runtimes/vllm.yaml and runtimes/sglang.yaml
// (by_architecture hopper, kernels.fp8_block_moe_efficiency) cite the numbers.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildLayout } from '../src/sim/parallel.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/index.js';
import { bound } from './helpers/bound.js';

const ds = libraryModel('deepseek-v3') as DecoderModel;
const fp8 = resolvePrecision('fp8', undefined, undefined, 'bf16');
const layout = buildLayout(ds, 8, 1, 1, 8, false);
// the ops of one fused MoE call (routing, sort, both grouped GEMMs, activation, top-k sum) in a prompt of `tokens`
const MOE_CALL = ['moe_topk', 'moe_sort', 'moe_permute', 'experts_up', 'experts_act', 'experts_down', 'moe_finalize'];
const moeCall = (hw: ReturnType<typeof bound>, tokens: number, names = MOE_CALL) => {
  const ops = buildDecoderPass(ds, layout, fp8, { prefillSeqs: 1, prefillLen: tokens, decodeSeqs: 0 });
  return names.reduce((s, n) => {
    const o = ops.find((x) => x.name === n);
    return o ? s + opCost({ ...o, count: 1 }, hw, 'prefill').seconds : s;
  }, 0);
};

describe('the Triton fused MoE on block-FP8 experts at prompt sizes (Hopper, vllm / sglang)', () => {
  it('vllm and sglang carry the measured caps; the early-2025 and V0 runtimes keep their own', () => {
    expect(bound('h200-sxm', 'vllm').runtime!.kernels.fp8BlockMoeEfficiency).toBe(0.22);
    expect(bound('h100-sxm', 'vllm').runtime!.kernels.fp8BlockMoeEfficiency).toBe(0.22);
    expect(bound('h200-sxm', 'sglang').runtime!.kernels.fp8BlockMoeEfficiency).toBe(0.29);
    expect(bound('h200-sxm', 'vllm-0.6').runtime!.kernels.fp8BlockMoeEfficiency).toBe(0.32);
    expect(bound('h200-sxm', 'vllm-0.7').runtime!.kernels.fp8BlockMoeEfficiency).toBe(0.053);
    expect(bound('h200-sxm', 'sglang-0.4').runtime!.kernels.fp8BlockMoeEfficiency).toBe(0.053);
  });
  it('vLLM 0.14 on an H200: the priced call is within 0.85-1.25x of the measured one from 512 to 16384 tokens (one cap for every size: 1.2x at 2048, the tile config the kernel picks there)', () => {
    // measured whole FusedMoE forward, us: aiconfigurator h200_sxm/moe/vllm/0.14.0, DeepSeek-V3 experts, TP 8
    const hw = bound('h200-sxm', 'vllm');
    for (const [tokens, us] of [[512, 463.3], [1024, 599.9], [2048, 739.2], [4096, 1245.4], [8192, 2328.0], [16384, 4493.0]] as const) {
      const s = moeCall(hw, tokens);
      expect(s).toBeGreaterThan(0.85 * us * 1e-6);
      expect(s).toBeLessThan(1.25 * us * 1e-6);
    }
  });
  it('at an 8192-token prompt chunk both engines price the call at the measured time (within 12%), about twice the fp8 table', () => {
    // vllm 2328.0 us, sglang 1892.7 us (hwperf's sglang fuses the shared expert into the call: 9 experts per token, 8/9 of it)
    const v = moeCall(bound('h200-sxm', 'vllm'), 8192);
    expect(v / 2328.0e-6).toBeGreaterThan(0.88);
    expect(v / 2328.0e-6).toBeLessThan(1.12);
    const s = moeCall(bound('h200-sxm', 'sglang'), 8192) * (8 / 9);
    expect(s / 1892.7e-6).toBeGreaterThan(0.88);
    expect(s / 1892.7e-6).toBeLessThan(1.12);
    // the same call on the part's own fp8 table (a runtime without the cap: tensorrt-llm's CUTLASS MoE is another kernel)
    const plain = bound('h200-sxm', 'vllm');
    const uncapped = { ...plain, runtime: { ...plain.runtime!, kernels: { ...plain.runtime!.kernels, fp8BlockMoeEfficiency: undefined } } };
    expect(v / moeCall(uncapped, 8192)).toBeGreaterThan(1.6);
  });
  it('sglang-0.4 on a B200: the measured cap of the Triton kernel (b200_sxm/moe/sglang/0.5.9: 1310 / 2439 us at 8192 / 16384 tokens); current sglang runs flashinfer_trtllm there, with its own cap (test/sglang-b200-trtllm-moe.test.ts)', () => {
    expect(bound('b200', 'sglang-0.4.5').runtime!.kernels.fp8BlockMoeEfficiency).toBe(0.18);
    const hw = bound('b200', 'sglang-0.4');
    expect(hw.runtime!.kernels.fp8BlockMoeEfficiency).toBe(0.18);
    for (const [tokens, us] of [[4096, 755], [8192, 1310], [16384, 2439]] as const) {
      const r = (moeCall(hw, tokens) * (8 / 9)) / (us * 1e-6);
      expect(r).toBeGreaterThan(0.88);
      expect(r).toBeLessThan(1.15);
    }
  });
  it('more prompt tokens never make the call cheaper', () => {
    for (const rt of ['vllm', 'sglang']) {
      const hw = bound('h200-sxm', rt);
      let prev = 0;
      for (let t = 256; t <= 32768; t *= 1.25) {
        const s = moeCall(hw, Math.round(t));
        expect(s).toBeGreaterThanOrEqual(prev);
        prev = s;
      }
    }
  });
  it('out of sample: Qwen3-235B-A22B experts (another model, part and TP) priced within 0.9-1.25x of the measured calls', () => {
    // aiconfigurator @095f58a5 h100_sxm/moe/vllm/0.14.0 at TP 4 and h200_sxm/moe/sglang/0.5.9 at TP 8 (hidden 4096,
    // 1536 per expert, 128 experts, top-8): whole FusedMoE forward, us
    const qwen = libraryModel('qwen3-235b-a22b') as DecoderModel;
    const call = (hw: ReturnType<typeof bound>, tp: number, tokens: number) => {
      const ops = buildDecoderPass(qwen, buildLayout(qwen, tp, 1, 1, tp, false), fp8, { prefillSeqs: 1, prefillLen: tokens, decodeSeqs: 0 });
      return MOE_CALL.reduce((s, n) => {
        const o = ops.find((x) => x.name === n);
        return o ? s + opCost({ ...o, count: 1 }, hw, 'prefill').seconds : s;
      }, 0);
    };
    for (const [tokens, us] of [[4096, 962], [8192, 1847], [16384, 3503]] as const) {
      const r = call(bound('h100-sxm', 'vllm'), 4, tokens) / (us * 1e-6);
      expect(r).toBeGreaterThan(0.9);
      expect(r).toBeLessThan(1.25);
    }
    for (const [tokens, us] of [[4096, 431], [8192, 820], [16384, 1588]] as const) {
      const r = call(bound('h200-sxm', 'sglang'), 8, tokens) / (us * 1e-6);
      expect(r).toBeGreaterThan(0.9);
      expect(r).toBeLessThan(1.25);
    }
  });
});
