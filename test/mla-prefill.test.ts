// SGLang 0.4's Triton backend runs MLA prefill absorbed over the latent (runtimes/sglang-0.4.yaml kernels.mla_prefill,
// src/runtime/mla-cache.ts): deepseek_v2.py takes forward_normal only for an extend batch without a cached prefix.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { modelForRuntime } from '../src/runtime/mla-cache.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildLayout } from '../src/sim/parallel.js';
import type { DecoderModel } from '../src/index.js';
import { opCost } from '../src/sim/roofline.js';
import { bound } from './helpers/bound.js';

const ds = libraryModel('deepseek-v3') as DecoderModel;
const layout = buildLayout(ds, 8, 1, 1, 8, false);
const shape = { prefillSeqs: 1, prefillLen: 8192, decodeSeqs: 0 };
const attn = (m: DecoderModel, kv: string) => buildDecoderPass(m, layout, resolvePrecision('fp8', undefined, undefined, kv), shape).find((o) => o.name === 'attention_prefill')!;

describe('MLA prefill absorbed over the latent (SGLang 0.4 Triton backend)', () => {
  it('sglang-0.4 binds mla_prefill absorbed; sglang and vllm keep the expanded prefill', () => {
    expect(bound('mi300x', 'sglang-0.4').runtime!.kernels.mlaPrefill).toBe('absorbed');
    expect(bound('h200-sxm', 'sglang-0.4').runtime!.kernels.mlaPrefill).toBe('absorbed');
    expect(bound('h200-sxm', 'sglang').runtime!.kernels.mlaPrefill).toBeUndefined();
    expect(modelForRuntime(ds, bound('h200-sxm', 'sglang'))).toBe(ds);
    expect(modelForRuntime(ds, bound('h200-sxm', 'vllm-0.7'))).toBe(ds);
    const a = modelForRuntime(ds, bound('mi300x', 'sglang-0.4'));
    expect(a).not.toBe(ds);
    expect((a as DecoderModel).attention!.kind === 'mla' && (a as DecoderModel).attention!.prefill).toBe('absorbed');
    expect(modelForRuntime(ds, bound('h200-sxm', 'sglang-0.4'))).toBe(a); // one derived object per model (pass memo keys)
    const llama = libraryModel('llama-3.1-8b');
    expect(modelForRuntime(llama, bound('h200-sxm', 'sglang-0.4'))).toBe(llama);
  });
  it('absorbed prefill costs (576 + 512) / (192 + 128) = 3.4x the attention FLOPs; the cache is unchanged', () => {
    const a = modelForRuntime(ds, bound('mi300x', 'sglang-0.4')) as DecoderModel;
    expect(attn(a, 'bf16').flops / attn(ds, 'bf16').flops).toBeCloseTo(1088 / 320, 6);
    const kvOp = (m: DecoderModel) => buildDecoderPass(m, layout, resolvePrecision('fp8', undefined, undefined, 'bf16'), { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 8 }).find((o) => o.name === 'attention_decode')!;
    expect(kvOp(a).bytesPerCtx).toBe(kvOp(ds).bytesPerCtx);
    expect(kvOp(a).flopsPerCtx).toBe(kvOp(ds).flopsPerCtx);
  });
});

// What the Hopper MLA context kernels reach, NVIDIA aiconfigurator @095f58a5 systems/data/{h100_sxm,h200_sxm}/mla
// (bench/aiconfigurator/mla-context-rates.py; runtimes/sglang.yaml has the reading): non-absorbed 192/128 context MLA at
// 16 local heads (TP 8), batch 1, 8K-32K tokens: TensorRT-LLM 1.3.0rc20 0.54-0.61 of the 989.4 TFLOP/s bf16 peak, vLLM
// 0.14.0 (kv_b_proj inside the timed call) 0.54-0.79. SGLang 0.5.9's table on Hopper is FA3's absorbed kernel (576/512
// over one latent "KV head"): 0.62-0.69 of the peak counted by its own FLOPs, ~0.19 counted as 192/128 heads.
describe('MLA prefill attention on Hopper against the measured context kernels', () => {
  const rate = (hwId: string, rt: string, tp: number, L: number) => {
    const h = bound(hwId, rt);
    const m = modelForRuntime(ds, h) as DecoderModel;
    const lay = buildLayout(ds, tp, 1, 1, tp, false);
    const a = buildDecoderPass(m, lay, resolvePrecision('fp8', undefined, undefined, 'bf16'), { prefillSeqs: 1, prefillLen: L, decodeSeqs: 0 }).find((o) => o.name === 'attention_prefill')!;
    const s = opCost({ ...a, count: 1 }, h, 'prefill').seconds;
    const mha = 2 * ((L * (L + 1)) / 2) * (128 / tp) * (192 + 128); // the non-absorbed form's work
    return { mha: mha / s / 989.4e12, own: a.flops / s / 989.4e12 };
  };
  it('non-absorbed (vllm, sglang, tensorrt-llm) at 8K-32K tokens prices inside the measured 0.54-0.79, at TP 8 and at 128 heads per rank', () => {
    for (const hw of ['h100-sxm', 'h200-sxm']) {
      for (const rt of ['vllm', 'sglang', 'tensorrt-llm']) {
        for (const tp of [8, 1]) {
          for (const L of [8192, 16384, 32768]) {
            const r = rate(hw, rt, tp, L);
            expect(r.mha).toBeGreaterThan(0.54);
            expect(r.mha).toBeLessThan(0.79);
          }
        }
      }
    }
  });
  it('absorbed (sglang-0.4) runs 3.4x the work at about the rate SGLang fa3 absorbed kernel reaches by its own FLOPs', () => {
    for (const L of [8192, 32768]) {
      const r = rate('h200-sxm', 'sglang-0.4', 8, L);
      expect(r.own).toBeGreaterThan(0.5);
      expect(r.own).toBeLessThan(0.7);
      expect(r.mha).toBeLessThan(0.21); // the ~0.19 the absorbed table reads when counted as 192/128 heads
    }
  });
});
