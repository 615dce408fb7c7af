// vLLM on ROCm without AITER, before 0.19, runs its own Triton unified attention (TRITON_ATTN: 16-row query tiles over
// 32-key K/V tiles), not AITER's assembly FMHA the part's fused-attention fraction prices. runtimes/
// vllm-rocm-triton-attn.yaml caps a prompt's attention on CDNA 4 at the rate of AITER's tuned copy of that kernel
// (ROCm/aiter PR #1336: 490 TFLOP/s at 32K on gfx950), an upper bound; `vllm` (the AITER path) keeps the FMHA rate.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { passOps } from '../src/sim/decoder.js';
import { opCost } from '../src/sim/roofline.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const RT = 'vllm-rocm-triton-attn';
const bound = (hwId: string, rt: string) => bindRuntime(lib.hardware[hwId]!, libraryRuntime(rt));
const attnCost = (hwId: string, rt: string, prefillLen: number, decode = false) => {
  const m = libraryModel('llama-3.3-70b') as DecoderModel;
  const hw = bound(hwId, rt);
  const shape = decode ? { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 8 } : { prefillSeqs: 1, prefillLen, decodeSeqs: 0 };
  const ops = passOps(m, hw, buildLayout(m, 8, 1, 1, 8, false), resolvePrecision('fp8', undefined, undefined, 'fp8'), shape);
  const op = ops.find((o) => o.kind === 'attention')!;
  return { op, s: opCost(op, hw, 'other').computeS };
};

describe('vLLM TRITON_ATTN on ROCm (runtimes/vllm-rocm-triton-attn.yaml)', () => {
  it('caps prompt attention on CDNA 4 only; the AITER path (`vllm`) and CDNA 3 keep the fused-attention fraction', () => {
    expect(bound('mi355x', RT).runtime?.kernels?.promptAttentionFlopPerS).toBeCloseTo(490e12, -9);
    expect(bound('mi350x', RT).runtime?.kernels?.promptAttentionFlopPerS).toBeCloseTo(490e12, -9);
    expect(bound('mi355x', 'vllm').runtime?.kernels?.promptAttentionFlopPerS).toBeUndefined();
    expect(bound('mi300x', RT).runtime?.kernels?.promptAttentionFlopPerS).toBeUndefined();
    // the attention call stays 16-bit over an fp8 cache (inherited from vllm by_vendor amd)
    expect(bound('mi355x', RT).runtime?.kernels?.attentionQuantizedQuery).toBe(false);
  });
  it('a 32K Llama-3.3-70B prompt (TP 8) takes at least its causal FLOPs at 490 TFLOP/s, ~2.5x the AITER FMHA price', () => {
    const t = attnCost('mi355x', RT, 32768), a = attnCost('mi355x', 'vllm', 32768);
    expect(t.op.flops).toBeCloseTo(a.op.flops, -3);
    expect(t.s).toBeGreaterThanOrEqual(t.op.flops / 490e12 - 1e-12);
    expect(t.s).toBeGreaterThan(2 * a.s);
    // MI300X under this runtime prices as under vllm (no gfx942 timing)
    expect(attnCost('mi300x', RT, 32768).s).toBeCloseTo(attnCost('mi300x', 'vllm', 32768).s, 12);
  });
  it('decode attention is not capped (memory-bound, one query row per sequence)', () => {
    const t = attnCost('mi355x', RT, 1, true), a = attnCost('mi355x', 'vllm', 1, true);
    expect(t.op.prefill).toBeFalsy();
    expect(t.s).toBeCloseTo(a.s, 12);
  });
});
