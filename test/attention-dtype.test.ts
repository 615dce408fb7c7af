// Fused attention multiplies in the KV cache's element type: 8-bit attention kernels (TensorRT-LLM FP8 context FMHA,
// FA3 fp8) run only over an 8-bit cache. Source: src/model/quant.ts attentionDtype.
import { describe, expect, it } from 'vitest';
import { attentionDtype, resolvePrecision } from '../src/model/quant.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();

describe('attention dtype follows the KV cache', () => {
  it.each([
    ['fp8', undefined, 'fp8'], // fp8 scheme keeps an fp8 cache: FP8 FMHA
    ['fp8', 'bf16', 'bf16'], // FP8 checkpoint without KV scales: 16-bit FMHA
    ['int8', undefined, 'fp16'], // W8A8 int8 keeps a 16-bit cache
    ['int8', 'int8', 'int8'],
    ['bf16', undefined, 'bf16'],
    ['bf16', 'fp8', 'bf16'], // 16-bit GEMMs over an fp8 cache: unchanged
    ['fp4', undefined, 'fp8'], // fp4 scheme: fp8 cache, FP8 context FMHA (no fp4 attention kernel)
    ['fp4', 'bf16', 'bf16'], // fp4 GEMMs over a 16-bit cache: 16-bit FMHA
    ['q4_0', undefined, 'fp16'],
  ] as const)('--dtype %s --kv-cache %s → %s', (dtype, kv, want) => {
    expect(attentionDtype(resolvePrecision(dtype, undefined, undefined, kv))).toBe(want);
  });

  it('a 32k prefill of an FP8 model over a bf16 cache attends at the bf16 peak, half the fp8 rate', () => {
    const m = lib.models['qwen3-32b'] as DecoderModel;
    const hw = lib.hardware['h100-sxm']!;
    const L = buildLayout(m, 1, 1, undefined, undefined);
    const attn = (kv?: string) => buildDecoderPass(m, L, resolvePrecision('fp8', undefined, undefined, kv), { prefillSeqs: 1, prefillLen: 32000, decodeSeqs: 0 }).find((o) => o.name === 'attention_prefill')!;
    const a16 = attn('bf16');
    const a8 = attn();
    expect(a16.dtype).toBe('bf16');
    expect(a8.dtype).toBe('fp8');
    expect(a16.flops).toBe(a8.flops);
    const ratio = opCost(a16, hw).seconds / opCost(a8, hw).seconds;
    expect(ratio).toBeGreaterThan(1.9);
    expect(ratio).toBeLessThan(2.1);
    // the GEMMs stay fp8 either way
    expect(buildDecoderPass(m, L, resolvePrecision('fp8', undefined, undefined, 'bf16'), { prefillSeqs: 1, prefillLen: 512, decodeSeqs: 0 }).find((o) => o.name === 'qkv_proj')!.dtype).toBe('fp8');
  });
  it('a long NVFP4 prefill on a B200 attends at the FP8 rate, not the fp4 peak (no fp4 attention kernel)', () => {
    const m = lib.models['llama-3.1-8b'] as DecoderModel;
    const hw = lib.hardware['b200']!;
    const L = buildLayout(m, 1, 1, undefined, undefined);
    const attn = (dtype: string) => buildDecoderPass(m, L, resolvePrecision(dtype), { prefillSeqs: 1, prefillLen: 16000, decodeSeqs: 0 }).find((o) => o.name === 'attention_prefill')!;
    const a4 = attn('fp4');
    const a8 = attn('fp8');
    expect(a4.dtype).toBe('fp8');
    expect(opCost(a4, hw).seconds).toBeCloseTo(opCost(a8, hw).seconds, 12);
    // while the GEMMs keep the fp4 path
    expect(buildDecoderPass(m, L, resolvePrecision('fp4'), { prefillSeqs: 1, prefillLen: 512, decodeSeqs: 0 }).find((o) => o.name === 'ffn_up')!.dtype).toBe('fp4');
  });
});

