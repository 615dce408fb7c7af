// vLLM V1's absorbed MLA decode module launches more kernels than the decoder graph's ops price (runtimes/vllm.yaml
// by_architecture hopper / blackwell kernels.mla_decode_kernels): aiconfigurator's vLLM 0.19 module table (one
// DeepseekV2MLAAttention forward under a CUDA graph, fp8_block linears, bf16 cache, 16 heads = TP 8's local heads) reads
// a median 46.4 us a layer above the same ops on h100-sxm and 53.6 us on b200: 12 and 13 kernels at the 4 us gap; its
// growth with the context gives the decode kernel's stream of the latent cache (kernels.mla_decode_memory / _kv8).
// V0 (vllm-0.6 and the files extending it) keeps none: the table is V1's code (KNOWN GAP in runtimes/vllm-0.6.yaml).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const lib = getLibrary();
const ds = lib.models['deepseek-v3'] as DecoderModel;
const MODULE = new Set(['q_a_proj', 'q_b_proj', 'kv_a_proj', 'kv_b_proj', 'attention_decode', 'o_proj']);

const run = (hw: NormalizedHardware, batch: number, input: number, output: number, verbose = false) =>
  simulate(buildRequest({ model: 'deepseek-v3', hardware: hw.id, tp: 8, dtype: 'fp8', 'kv-cache': 'bf16', 'input-tokens': input, 'output-tokens': output, batch, verbose }, ds, hw, (id) => lib.models[id]!));

/** the decode step's MLA attention module (the six graph ops) per layer, in us */
const moduleUs = (hw: NormalizedHardware, batch: number, context: number): number => {
  const r = run(hw, batch, context - 32, 64, true);
  const ops = (r.ops ?? []).filter((o) => o.phase === 'decode' && MODULE.has(o.name));
  expect(ops.length).toBe(MODULE.size);
  return ops.reduce((s, o) => s + o.seconds / o.count, 0) * 1e6;
};

describe('vLLM V1 absorbed MLA decode: the module kernels the op list misses', () => {
  it('the counts by architecture and release', () => {
    expect(bound('h100-sxm', 'vllm').runtime!.kernels.mlaDecodeKernels).toBe(12);
    expect(bound('h200-sxm', 'vllm').runtime!.kernels.mlaDecodeKernels).toBe(12);
    expect(bound('b200', 'vllm').runtime!.kernels.mlaDecodeKernels).toBe(13);
    expect(bound('h200-sxm', 'vllm-0.8').runtime!.kernels.mlaDecodeKernels).toBe(12);
    for (const rt of ['vllm-0.6', 'vllm-0.7', 'vllm-0.7.0']) {
      expect(bound('h200-sxm', rt).runtime!.kernels.mlaDecodeKernels, rt).toBe(0);
      expect(bound('b200', rt).runtime!.kernels.mlaDecodeKernels, rt).toBe(0);
    }
    expect(bound('a100-sxm4-80gb', 'vllm').runtime!.kernels.mlaDecodeKernels).toBeUndefined();
    expect(bound('mi300x', 'vllm').runtime!.kernels.mlaDecodeKernels).toBeUndefined();
  });

  it('a decode step pays layers x 12 x the gap more than under vllm-0.8 without them; the prompt pass nothing', () => {
    const hw = bound('h200-sxm', 'vllm');
    const none: NormalizedHardware = { ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, mlaDecodeKernels: undefined } } };
    const a = run(hw, 1, 512, 128);
    const b = run(none, 1, 512, 128);
    expect((a.tpot_s! - b.tpot_s!) / (ds.layers * 12 * hw.efficiency.kernelOverheadS)).toBeCloseTo(1, 6);
    expect(a.ttft_s!).toBeCloseTo(b.ttft_s!, 12);
  });

  // the decode attention's stream of the latent cache (kernels.mla_decode_memory): the module's growth from 4096 to
  // 16384 cached tokens at 16 sequences (only the attention depends on the context), measured 70.7 us on the H100 and
  // 39.6 us on the B200 (bf16 cache), priced within 10%
  it.each([['h100-sxm', 208.1 - 137.4], ['b200', 177.7 - 138.1]] as const)('%s: the latent stream from 4096 to 16384 tokens within 0.9-1.1x of %f us', (hwId, measured) => {
    const hw = bound(hwId, 'vllm');
    const grown = moduleUs(hw, 16, 16384) - moduleUs(hw, 16, 4096);
    expect(grown / measured).toBeGreaterThan(0.9);
    expect(grown / measured).toBeLessThan(1.1);
  });

  it('the fractions by architecture, and the op over per-head K/V keeps the part\'s', () => {
    expect(bound('h200-sxm', 'vllm').runtime!.kernels.mlaDecodeMemory).toBe(0.95);
    expect(bound('h200-sxm', 'vllm').runtime!.kernels.mlaDecodeMemoryKv8).toBe(0.9);
    expect(bound('b200', 'vllm').runtime!.kernels.mlaDecodeMemory).toBe(0.72);
    expect(bound('b200', 'vllm').runtime!.kernels.mlaDecodeMemoryKv8).toBe(0.84);
    expect(bound('a100-sxm4-80gb', 'vllm').runtime!.kernels.mlaDecodeMemory).toBeUndefined();
    // a per-head K/V model's decode attention on the same runtime is untouched by the MLA fractions
    const hw = bound('b200', 'vllm');
    const none: NormalizedHardware = { ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, mlaDecodeMemory: undefined, mlaDecodeMemoryKv8: undefined } } };
    const llama = lib.models['llama-3.1-70b'] as DecoderModel;
    const req = (h: NormalizedHardware) => simulate(buildRequest({ model: 'llama-3.1-70b', hardware: h.id, tp: 8, dtype: 'fp8', 'input-tokens': 4096, 'output-tokens': 128, batch: 16 }, llama, h, (id) => lib.models[id]!));
    expect(req(hw).tpot_s!).toBe(req(none).tpot_s!);
  });

  // check against ai-dynamo/aiconfigurator @095f58a5 systems/data/h100_sxm/mla/vllm/0.19.0/mla_generation_module_perf.parquet
  // (DeepSeek-V3, fp8_block, bf16 cache, 16 heads; latency in us) and b200_sxm's: within 15% at 1-16 sequences (b200 reads
  // 0.82 at 16 sequences x 4096 tokens: the B200 attention kernel's own time, not these kernels; not pinned)
  it.each([
    ['h100-sxm', 1, 256, 94.7], ['h100-sxm', 4, 1024, 102.7], ['h100-sxm', 16, 4096, 137.4],
    ['b200', 1, 256, 97.0], ['b200', 4, 1024, 105.3], ['b200', 16, 1024, 116.3],
  ] as const)('%s: %i sequences at %i tokens: the module within 0.85-1.15x of %f us', (hwId, batch, context, measured) => {
    const priced = moduleUs(bound(hwId, 'vllm'), batch, context);
    expect(priced / measured).toBeGreaterThan(0.85);
    expect(priced / measured).toBeLessThan(1.15);
  });
});
