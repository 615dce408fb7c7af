// Prompt attention over an fp8 KV cache under vLLM on ROCm multiplies in 16 bits: the Triton backend quantizes the query
// only on CUDA (vllm/v1/attention/backends/triton_attn.py: supports_quant_query_input = current_platform.is_cuda()), and
// its kernels dequantize each fp8 K/V tile to the bf16 query before tl.dot (triton_unified_attention.py, prefix_prefill.py).
// runtimes/vllm.yaml by_vendor amd: kernels.attention_quantized_query false; src/sim/peaks.ts opPeak.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildLayout } from '../src/sim/parallel.js';
import { opCost, matrixPeak } from '../src/sim/roofline.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel } from '../src/index.js';
import { bound } from './helpers/bound.js';
import { request } from './helpers/nondecoder-fixtures.js';

const qwen = libraryModel('qwen3-30b-a3b') as DecoderModel;
const pass = (kv: string) => buildDecoderPass(qwen, buildLayout(qwen, 1, 1, 1, 1, false), resolvePrecision('fp8', undefined, undefined, kv), { prefillSeqs: 1, prefillLen: 10000, decodeSeqs: 0 });
const attention = (kv: string) => pass(kv).find((o) => o.kind === 'attention' && o.flops > 0)!;
const rate = (op: ReturnType<typeof attention>, hw: ReturnType<typeof bound>) => op.flops / opCost(op, hw).computeS;

describe('fp8-cache prompt attention under vLLM on ROCm runs at the 16-bit rate', () => {
  it('the graph asks for fp8 attention over an fp8 cache (the 8-bit kernels of other runtimes)', () => {
    expect(attention('fp8').dtype).toBe('fp8');
  });
  it('vLLM on MI300X prices it at the bf16 peak: half the rate the same op reaches where the query is quantized', () => {
    const op = attention('fp8');
    const amd = bound('mi300x', 'vllm');
    const ideal = bound('mi300x', 'ideal');
    expect(amd.runtime!.kernels.attentionQuantizedQuery).toBe(false);
    expect(rate(op, amd)).toBeLessThanOrEqual(matrixPeak(amd, 'bf16').flopPerS);
    expect(rate(op, amd) / rate(op, ideal)).toBeCloseTo(matrixPeak(amd, 'bf16').flopPerS / matrixPeak(amd, 'fp8').flopPerS, 2);
    expect(opCost(op, amd).dtype).toBe('bf16');
  });
  it('is the rate of the same prompt over a bf16 cache (the math is the same 16-bit tl.dot)', () => {
    const amd = bound('mi300x', 'vllm');
    expect(rate(attention('fp8'), amd)).toBeCloseTo(rate(attention('bf16'), amd), -9);
  });
  it('leaves vLLM on CUDA (query quantized for FlashAttention 3 / Triton) and the V0 engines on NVIDIA alone', () => {
    for (const rt of ['vllm', 'vllm-0.6']) expect(bound('h100-sxm', rt).runtime!.kernels.attentionQuantizedQuery).toBeUndefined();
    expect(bound('mi300x', 'vllm-0.6').runtime!.kernels.attentionQuantizedQuery).toBe(false);
  });
  it('a 10K-token prompt prefills slower under vLLM on MI300X with an fp8 cache, and says nothing about a missing fp8 path', () => {
    const hw = bound('mi300x', 'vllm');
    const quantized = { ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, attentionQuantizedQuery: true } } };
    const run = (h: typeof hw) => simulate({ ...request('qwen3-30b-a3b', h, { batch: 1, inputTokens: 10000, outputTokens: 1, dtype: 'fp8', kvCache: 'fp8' }) });
    const ours = run(hw);
    const q8 = run(quantized);
    expect(ours.ttft_s!).toBeGreaterThan(q8.ttft_s! * 1.1);
    expect(ours.warnings.join(' ')).not.toMatch(/no native fp8/);
  });
});
