// llama.cpp Vulkan's prompt flash attention on AMD Strix Halo (Radeon 8060S, gfx1151), priced from its kernel times
// (runtimes/llama.cpp-vulkan.yaml by_hardware ryzen-ai-max-plus-395 kernels.prefill_attention): FLASH_ATTN_EXT at head
// dim 128, 32 query / 4 KV heads, 2048 query rows per call, GGML_VK_PERF_LOGGER (Nathanw1014/strix-halo-llamacpp
// benchmarks/results/op-probes/vk-perflog.txt @7ef8af2f). Source: src/sim/roofline.ts prefillKernelEfficiency.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { opCost } from '../src/sim/roofline.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const strix = lib.hardware['ryzen-ai-max-plus-395']!;
const vulkan = bindRuntime(strix, libraryRuntime('llama.cpp-vulkan')!);
const hip = bindRuntime(strix, libraryRuntime('llama.cpp-hip-2025')!);

// the perf log's calls: kv length -> microseconds for 2048 query rows (the first call's causal square included)
const CALLS: [number, number][] = [[2048, 4390.72], [4096, 16472.6], [6144, 31129.7], [8192, 45590.4], [10240, 59911.5]];
const HEADS = 32;
const HD = 128;
// FLOP/s over the q x kv rectangle at this kv: linear between the measured kv, held outside them
function rate(kv: number): number {
  const r = CALLS.map(([k, us]) => [k, (4 * 2048 * k * HD * HEADS) / (us * 1e-6)] as const);
  if (kv <= r[0]![0]) return r[0]![1];
  if (kv >= r[r.length - 1]![0]) return r[r.length - 1]![1];
  const i = r.findIndex(([k]) => k >= kv);
  const [k0, r0] = r[i - 1]!;
  const [k1, r1] = r[i]!;
  return r0 + ((kv - k0) / (k1 - k0)) * (r1 - r0);
}
// one layer's prompt attention as llama-bench runs it: 512-token ubatches over kv = 512, 1024, ... L
function promptSeconds(L: number): number {
  let s = 0;
  for (let kv = 512; kv <= L; kv += 512) s += (4 * 512 * kv * HD * HEADS) / rate(kv);
  return s;
}

// Qwen3-30B-A3B has Qwen3-Coder-30B-A3B's attention shape (32 query heads, 4 KV heads, head dim 128)
const qwen = lib.models['qwen3-30b-a3b'] as DecoderModel;
const layout = buildLayout(qwen, 1, 1, undefined, undefined);
const prefill = (len: number) => buildDecoderPass(qwen, layout, resolvePrecision('q4_0'), { prefillSeqs: 1, prefillLen: len, decodeSeqs: 0 }).find((o) => o.name === 'attention_prefill')!;

describe('llama.cpp Vulkan prompt attention on Strix Halo (FLASH_ATTN_EXT kernel times)', () => {
  it('the table is the perf log integrated over 512-token ubatches, as a fraction of the fp16 peak', () => {
    const t = vulkan.runtime!.kernels.prefillAttention!.bf16!;
    const peak = 59.4e12;
    t.sizes.forEach((L, i) => {
      const flops = 2 * ((L * (L + 1)) / 2) * HEADS * 2 * HD; // hwperf's causal count
      expect(t.values[i]!, `L = ${L}`).toBeCloseTo(flops / promptSeconds(L) / peak, 3);
    });
    // the ggml-hip runtimes have no such table (their FA kernels are other code)
    expect(hip.runtime?.kernels?.prefillAttention).toBeUndefined();
  });

  it('a long prompt pays the measured kernel time, not the part\'s 0.6 fused-attention fraction', () => {
    for (const L of [4096, 8192, 32768]) {
      const op = prefill(L);
      const perLayer = opCost(op, vulkan).seconds; // one layer's call
      expect(perLayer / promptSeconds(L), `L = ${L}`).toBeGreaterThan(0.97);
      expect(perLayer / promptSeconds(L), `L = ${L}`).toBeLessThan(1.03);
      // the same op under a runtime without the table is priced at least 3x faster
      expect(opCost(op, hip).seconds).toBeLessThan(opCost(op, vulkan).seconds / 3);
    }
  });
});
