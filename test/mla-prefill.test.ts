// SGLang 0.4's Triton backend runs MLA prefill absorbed over the latent (runtimes/sglang-0.4.yaml kernels.mla_prefill,
// src/runtime/mla-cache.ts): deepseek_v2.py takes forward_normal only for an extend batch without a cached prefix.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { modelForRuntime } from '../src/runtime/mla-cache.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildLayout } from '../src/sim/parallel.js';
import type { DecoderModel } from '../src/index.js';
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
