// Attention's matrix products run in the dtype of the KV cache they read when it is wider than the GEMM inputs
// (src/model/decoder-graph.ts attentionDtype), and SGLang 0.4's Triton backend runs MLA prefill absorbed over the latent
// (runtimes/sglang-0.4.yaml kernels.mla_prefill, src/runtime/mla-cache.ts).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { modelForRuntime } from '../src/runtime/mla-cache.js';
import { attentionDtype, buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildLayout } from '../src/sim/parallel.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/index.js';

const lib = getLibrary();
const bound = (hwId: string, rt: string) => bindRuntime(lib.hardware[hwId]!, libraryRuntime(rt));
const ds = libraryModel('deepseek-v3') as DecoderModel;
const layout = buildLayout(ds, 8, 1, 1, 8, false);
const shape = { prefillSeqs: 1, prefillLen: 8192, decodeSeqs: 0 };
const attn = (m: DecoderModel, kv: string) => buildDecoderPass(m, layout, resolvePrecision('fp8', undefined, undefined, kv), shape).find((o) => o.name === 'attention_prefill')!;

describe('attention runs in the KV cache dtype when it is wider than the GEMM inputs', () => {
  it('fp8 GEMMs over a bf16 cache: bf16; over an fp8 cache: fp8; fp4 GEMMs over the default fp8 cache: fp8', () => {
    expect(attentionDtype(resolvePrecision('fp8', undefined, undefined, 'bf16'))).toBe('bf16');
    expect(attentionDtype(resolvePrecision('fp8', undefined, undefined, 'fp16'))).toBe('fp16');
    expect(attentionDtype(resolvePrecision('fp8'))).toBe('fp8');
    expect(attentionDtype(resolvePrecision('fp4'))).toBe('fp8');
    expect(attentionDtype(resolvePrecision('bf16'))).toBe('bf16');
    expect(attentionDtype(resolvePrecision('bf16', undefined, undefined, 'fp8'))).toBe('bf16'); // never wider than the GEMMs
    expect(attentionDtype(resolvePrecision('q4_0'))).toBe('fp16');
  });
  it('DeepSeek-V3 prefill attention over a bf16 cache takes about twice as long on H200 as over an fp8 one', () => {
    const hw = bound('h200-sxm', 'vllm-0.7');
    const b = attn(ds, 'bf16');
    const f = attn(ds, 'fp8');
    expect(b.dtype).toBe('bf16');
    expect(f.dtype).toBe('fp8');
    expect(b.flops).toBe(f.flops);
    const r = opCost(b, hw).computeS / opCost(f, hw).computeS;
    expect(r).toBeGreaterThan(1.8);
    expect(r).toBeLessThan(2.2);
  });
});

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
