// Long-context decode under TensorRT-LLM at TP 8 on 8x H100 (Llama-3.1-70B, FP8 cache): the two costs that dominate a
// step at ~150 sequences × 8-17 K tokens, checked point by point against the kernel tables they come from
// (ai-dynamo/aiconfigurator @095f58a5 systems/data/h100_sxm, TensorRT-LLM 1.3.0rc20):
// - generation_attention_perf, 8 query heads over 1 KV head (TP 8 of 64 / 8), head dim 128, fp8 cache, bf16 query:
//   64 × 16384 tokens 101.7 us, 128 × 8192 101.2 us, 128 × 16384 186.8 us, 256 × 4096 100.9 us (the fit in
//   runtimes/tensorrt-llm.yaml by_hardware h100-sxm decode_attention kv8 reads them within 3%);
// - custom_allreduce_perf, 8 GPUs, bf16: 2 MiB 35.5 us, 4 MiB 51.9 us (a 156-token × 8192 hidden all-reduce is 2.5 MiB).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { opCost } from '../src/sim/roofline.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { customAllreduceSeconds } from '../src/runtime/collectives.js';
import type { DecoderModel } from '../src/spec/types.js';
import type { GraphOp } from '../src/model/decoder-graph.js';

const lib = getLibrary();
const h100 = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('tensorrt-llm')!);
const llama = lib.models['llama-3.1-70b'] as DecoderModel;
const L = buildLayout(llama, 8, 1, undefined, undefined);

const decodeCall = (seqs: number, ctx: number): GraphOp => {
  const o = buildDecoderPass(llama, L, resolvePrecision('fp8'), { prefillSeqs: 0, prefillLen: 0, decodeSeqs: seqs }).find((x) => x.name === 'attention_decode')!;
  return { ...o, bytes: o.bytes + o.bytesPerCtx * ctx, flops: o.flops + o.flopsPerCtx * ctx };
};

describe('TensorRT-LLM long-context decode at TP 8 on H100 against the kernel tables', () => {
  it('decode attention over an fp8 cache at 64-256 sequences × 4-16 K tokens prices within 5% of the measured call', () => {
    const call = decodeCall(128, 16384);
    expect(call.kvHeadSeqs).toBe(128); // one KV head a rank at TP 8
    expect(call.kvElemBytes).toBe(1);
    for (const [seqs, ctx, measuredS] of [[64, 16384, 101.7e-6], [128, 8192, 101.2e-6], [128, 16384, 186.8e-6], [256, 4096, 100.9e-6]] as const) {
      const priced = opCost(decodeCall(seqs, ctx), h100).seconds;
      expect(priced / measuredS, `${seqs} x ${ctx}`).toBeGreaterThan(0.95);
      expect(priced / measuredS, `${seqs} x ${ctx}`).toBeLessThan(1.05);
    }
    // linear in context at these sizes: doubling the context of 128 sequences costs ~1.85x (186.8 / 101.2 measured)
    const ratio = opCost(decodeCall(128, 16384), h100).seconds / opCost(decodeCall(128, 8192), h100).seconds;
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2);
  });

  it('the per-layer TP-8 all-reduce of a 156-sequence decode step (2.5 MiB bf16) prices between the 2 and 4 MiB measured points', () => {
    const bytes = 156 * llama.hidden * 2;
    expect(bytes).toBeGreaterThan(2097152);
    expect(bytes).toBeLessThan(4194304);
    const t = customAllreduceSeconds(h100, bytes, 8)!;
    expect(t).toBeGreaterThanOrEqual(35.5e-6);
    expect(t).toBeLessThanOrEqual(51.9e-6);
  });
});
