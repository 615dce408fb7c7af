// vLLM runs models with attention sinks (gpt-oss) on its Triton unified attention off Hopper, whose prefill program holds
// 16 query rows and re-streams the causal K/V prefix per 16 rows: a prompt's attention reaches at most
// kernels.sink_attention_rate (runtimes/vllm.yaml by_architecture ampere cites vllm PR #20690's H100 A/B bound).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { passOps } from '../src/sim/decoder.js';
import { opCost } from '../src/sim/roofline.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const bound = (hwId: string, rt: string) => bindRuntime(lib.hardware[hwId]!, libraryRuntime(rt));
// the same runtime on the same part without the key (the fused-attention fraction alone)
const withoutRate = (hwId: string, rt: string) => {
  const hw = bound(hwId, rt);
  return { ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, sinkAttentionFlopPerS: undefined } } };
};
const PROMPT = { prefillSeqs: 1, prefillLen: 32000, decodeSeqs: 0 };
const prefillAttn = (model: string, hwId: string, rt: string, dtype = 'bf16', bare = false) => {
  const m = libraryModel(model) as DecoderModel;
  const hw = bare ? withoutRate(hwId, rt) : bound(hwId, rt);
  const ops = passOps(m, hw, buildLayout(m, 1, 1, 1, 1, false), resolvePrecision(dtype as never, undefined, undefined, undefined), PROMPT);
  const op = ops.find((o) => o.name === 'attention_prefill')!;
  return { op, s: opCost(op, hw, 'other').computeS };
};

describe('prompt attention of sink models under vLLM off Hopper (kernels.sink_attention_rate)', () => {
  it('vLLM on Ampere states the rate; Hopper (FlashAttention 3 carries the sinks) and Ada do not', () => {
    expect(bound('a100-sxm4-80gb', 'vllm').runtime?.kernels?.sinkAttentionFlopPerS).toBeCloseTo(89.6e12, -9);
    expect(bound('h100-sxm', 'vllm').runtime?.kernels?.sinkAttentionFlopPerS).toBeUndefined();
    expect(bound('l40s', 'vllm').runtime?.kernels?.sinkAttentionFlopPerS).toBeUndefined();
  });
  it('a 32K gpt-oss prompt\'s full-attention op on an A100 takes at least its FLOPs at the rate', () => {
    const { op, s } = prefillAttn('gpt-oss-20b', 'a100-sxm4-80gb', 'vllm', 'fp4');
    expect(op.sinks).toBe(true);
    expect(s).toBeGreaterThanOrEqual(op.flops / 89.6e12 - 1e-12);
    // the fused-attention fraction alone priced it ~2x faster (0.54 s for the 12 full layers' 101 TFLOP on one A100)
    expect(s).toBeGreaterThan(1.8 * prefillAttn('gpt-oss-20b', 'a100-sxm4-80gb', 'vllm', 'fp4', true).s);
  });
  it('models without sinks keep the fused-attention price; gpt-oss on Hopper too', () => {
    const q = prefillAttn('qwen3-8b', 'a100-sxm4-80gb', 'vllm');
    expect(q.op.sinks).toBeUndefined();
    expect(q.s).toBeCloseTo(prefillAttn('qwen3-8b', 'a100-sxm4-80gb', 'vllm', 'bf16', true).s, 9);
    expect(q.s).toBeLessThan(q.op.flops / 89.6e12);
    const h = prefillAttn('gpt-oss-20b', 'h100-sxm', 'vllm', 'fp4');
    expect(h.s).toBeLessThan(h.op.flops / 89.6e12);
  });
});
