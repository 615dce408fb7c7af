// ggml runtimes launch a kernel per graph node (src/sim/ggml-kernels.ts): a batch-1 llama.cpp decode step costs at least
// its kernels × the runtime's per-kernel device time (kernels.kernel_cycles / the part's clock) beside its bytes.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { ggmlKernelCounts } from '../src/sim/ggml-kernels.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const lib = getLibrary();
const decode = (hwId: string, rt: string, model: string, dtype: string) => {
  const hw = bound(hwId, rt);
  return simulate(buildRequest({ model, hardware: hwId, dtype, 'input-tokens': 1, 'output-tokens': 128, batch: 1 }, libraryModel(model), hw, libraryModel));
};
// kernels of one decode step's layers as the runtime counts them (the graph's ops on this model, with their counts)
const kernelsPerStep = (hwId: string, rt: string, model: string, dtype: string) => {
  const m = libraryModel(model) as DecoderModel;
  const hw = bound(hwId, rt);
  const p = resolvePrecision(dtype, undefined, undefined, undefined);
  const ops = ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 }), hw);
  return ops.filter((o) => o.count === m.layers).reduce((s, o) => s + (o.kernels ?? 1) * o.count, 0);
};

describe('ggml decode kernels', () => {
  it('counts matmuls twice for GGUF weights (activation quantization) and once for 16-bit weights', () => {
    const q = kernelsPerStep('h100-pcie', 'llama.cpp-2024', 'llama-2-7b', 'q4_0');
    const f = kernelsPerStep('h100-pcie', 'llama.cpp-2024', 'llama-2-7b', 'fp16');
    expect(q / 32).toBe(30); // 23 graph nodes + 7 quantize_q8_1 per layer (runtimes/llama.cpp-2024.yaml)
    expect(f / 32).toBe(23);
    // late-2025 ggml-cuda fuses norms, rope + KV write and gate/up/glu: fewer kernels per layer
    expect(kernelsPerStep('h100-pcie', 'llama.cpp', 'llama-2-7b', 'q4_0')).toBeLessThan(q);
  });
  it('a runtime without decode_graph leaves the graph as built', () => {
    const m = libraryModel('llama-2-7b') as DecoderModel;
    const p = resolvePrecision('q4_0', undefined, undefined, undefined);
    const ops = buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 });
    const hw = bound('h100-sxm', 'tensorrt-llm');
    expect(ggmlKernelCounts(ops, hw).every((o) => o.kernels === undefined)).toBe(true);
  });
  for (const [hwId, rt] of [['h100-pcie', 'llama.cpp-2023'], ['a100-sxm4-80gb', 'llama.cpp-2024'], ['rtx-4090', 'llama.cpp'], ['rtx-3090', 'llama.cpp-2024']] as const) {
    it(`${hwId} under ${rt}: a batch-1 decode step lasts at least its kernels × kernel_cycles / clock`, () => {
      const hw = bound(hwId, rt);
      const perKernel = hw.runtime!.kernels.kernelCycles! / hw.clockHz!;
      expect(hw.efficiency.kernelOverheadS).toBeCloseTo(perKernel, 12);
      for (const dtype of ['q4_0', 'fp16']) {
        const r = decode(hwId, rt, 'llama-2-7b', dtype);
        const floor = kernelsPerStep(hwId, rt, 'llama-2-7b', dtype) * perKernel;
        expect(r.tpot_s!).toBeGreaterThanOrEqual(floor);
        // and never less than streaming the weights at the achieved bandwidth
        expect(r.tpot_s!).toBeGreaterThan(r.memory.weights_bytes / (hw.memory.bandwidthBytePerS * hw.efficiency.memory));
      }
    });
  }
  it('a sliding-window layer\'s decode attention launches the attention_decode nodes of a full layer (gpt-oss, gemma)', () => {
    for (const [model, rt] of [['gpt-oss-20b', 'llama.cpp'], ['gpt-oss-20b', 'ollama-engine'], ['gemma-3-27b', 'llama.cpp-2024']] as const) {
      const m = libraryModel(model) as DecoderModel;
      const p = resolvePrecision('q4_0', undefined, undefined, undefined);
      const ops = ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 }), bound('h100-pcie', rt));
      const full = ops.find((o) => o.name === 'attention_decode')!;
      const local = ops.filter((o) => o.name.startsWith('attention_decode_'));
      expect(local.length).toBeGreaterThan(0);
      expect(full.kernels).toBe(bound('h100-pcie', rt).runtime!.kernels.decodeGraph!.attention_decode);
      for (const o of local) expect(o.kernels).toBe(full.kernels);
    }
  });
  it('the same kernels take longer on a slower clock, and longer without CUDA graphs', () => {
    const a = bound('a100-sxm4-80gb', 'llama.cpp-2024'), h = bound('h100-pcie', 'llama.cpp-2024');
    expect(a.efficiency.kernelOverheadS).toBeGreaterThan(h.efficiency.kernelOverheadS);
    expect(bound('h100-pcie', 'llama.cpp-2023').efficiency.kernelOverheadS).toBeGreaterThan(h.efficiency.kernelOverheadS);
    expect(decode('h100-pcie', 'llama.cpp-2023', 'llama-2-7b', 'q4_0').tpot_s!).toBeGreaterThan(decode('h100-pcie', 'llama.cpp-2024', 'llama-2-7b', 'q4_0').tpot_s!);
  });
  it('ggml-hip on AMD counts ggml-cuda\'s kernels (same sources, same fusions, q8_1 quantization); ggml-vulkan does not', () => {
    for (const hwId of ['radeon-ai-pro-r9700', 'mi300x', 'ryzen-ai-max-plus-395']) {
      expect(kernelsPerStep(hwId, 'llama.cpp', 'llama-2-7b', 'q4_0')).toBe(kernelsPerStep('rtx-4090', 'llama.cpp', 'llama-2-7b', 'q4_0'));
      // the pre-fusion builds (llama.cpp-2024, and ollama on it): 30 kernels per layer for q4_0, as on NVIDIA
      expect(kernelsPerStep(hwId, 'llama.cpp-2024', 'llama-2-7b', 'q4_0') / 32).toBe(30);
      expect(kernelsPerStep(hwId, 'ollama', 'llama-2-7b', 'q4_0') / 32).toBe(30);
      // the per-kernel time stays the part's own (kernel_cycles is measured on NVIDIA only)
      expect(bound(hwId, 'llama.cpp').efficiency.kernelOverheadS).toBe(lib.hardware[hwId]!.efficiency.kernelOverheadS);
    }
    // the quantization kernels cost decode time: a q4_0 step is slower than with the ops counted once each
    const hw = bound('radeon-ai-pro-r9700', 'llama.cpp');
    const rt = libraryRuntime('llama.cpp');
    const once = bindRuntime(lib.hardware['radeon-ai-pro-r9700']!, { ...rt, id: 'llama.cpp-uncounted', byVendor: { ...rt.byVendor, amd: undefined } } as typeof rt);
    const m = libraryModel('llama-2-7b');
    const tpot = (h: typeof hw) => simulate(buildRequest({ model: 'llama-2-7b', hardware: 'radeon-ai-pro-r9700', dtype: 'q4_0', 'input-tokens': 1, 'output-tokens': 128, batch: 1 }, m, h, libraryModel), m, h, libraryModel).tpot_s!;
    expect(tpot(hw)).toBeGreaterThan(1.1 * tpot(once));
    // ggml-vulkan keeps one kernel per priced op on AMD: 23 nodes' worth collapse to the graph's own ops, no quantization
    const vk = kernelsPerStep('radeon-ai-pro-r9700', 'llama.cpp-vulkan', 'llama-2-7b', 'q4_0');
    expect(vk).toBeLessThan(kernelsPerStep('radeon-ai-pro-r9700', 'llama.cpp', 'llama-2-7b', 'q4_0'));
    expect(bound('radeon-ai-pro-r9700', 'llama.cpp-vulkan').runtime!.kernels.quantizeActivations).toBe(false);
  });
  it('Apple parts keep the hardware per-dispatch cost (the kernel fields are NVIDIA-only)', () => {
    const hw = bound('apple-m2-ultra', 'llama.cpp');
    expect(hw.efficiency.kernelOverheadS).toBe(lib.hardware['apple-m2-ultra']!.efficiency.kernelOverheadS);
    expect(hw.runtime!.kernels.decodeGraph).toBeUndefined();
  });
});

describe('a runtime-measured matrix-vector rate caps the matrix-vector kernels and the 8-rows-at-a-time floor', () => {
  it('ryzen-ai-max-plus-395 under llama.cpp-hip-2025: GGUF prompt GEMMs run no faster than the measured MMVQ rate (gemv_rate)', () => {
    const hw = bound('ryzen-ai-max-plus-395', 'llama.cpp-hip-2025');
    const rate = hw.runtime!.kernels.gemvFlopPerS!;
    expect(rate).toBeGreaterThan(0);
    const r = simulate(buildRequest({ model: 'llama-3.2-3b', hardware: hw.id, dtype: 'q4_0', 'input-tokens': 512, 'output-tokens': 1, batch: 1 }, libraryModel('llama-3.2-3b'), hw, libraryModel));
    const m = libraryModel('llama-3.2-3b') as DecoderModel;
    const p = resolvePrecision('q4_0', undefined, undefined, undefined);
    const gemmFlops = buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 1, prefillLen: 512, decodeSeqs: 0 })
      .filter((o) => o.kind === 'gemm' && o.gguf).reduce((s, o) => s + o.flops * o.count, 0);
    // the prompt lasts at least its quantized GEMMs at the faster of the two measured kernels (MMVQ 8 rows at a time, tiled)
    expect(r.ttft_cold_s!).toBeGreaterThanOrEqual(gemmFlops / Math.max(rate, hw.runtime!.kernels.ggufFlopPerS!));
    // without the measured rates the same part runs them at its 16-bit WMMA tables, several times faster
    const plain = simulate(buildRequest({ model: 'llama-3.2-3b', hardware: hw.id, dtype: 'q4_0', 'input-tokens': 512, 'output-tokens': 1, batch: 1 }, libraryModel('llama-3.2-3b'), bound('ryzen-ai-max-plus-395', 'ideal'), libraryModel));
    expect(plain.ttft_cold_s!).toBeLessThan(r.ttft_cold_s! / 2);
  });
});

describe('ggml-metal decode attention reads K/V once per query head (kernels.kv_per_query_head)', () => {
  const m = libraryModel('qwen2.5-7b') as DecoderModel; // 28 query heads, 4 KV heads
  const attn = (hwId: string, rt: string) => {
    const p = resolvePrecision('q4_0', undefined, undefined, undefined);
    const ops = ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 }), bound(hwId, rt));
    return ops.find((o) => o.name === 'attention_decode')!;
  };
  const tpot = (hwId: string, rt: string, ctx: number) => {
    const hw = bound(hwId, rt);
    return simulate(buildRequest({ model: 'qwen2.5-7b', hardware: hwId, dtype: 'q4_0', 'input-tokens': ctx, 'output-tokens': 32, batch: 1 }, libraryModel('qwen2.5-7b'), hw, libraryModel)).tpot_s;
  };
  it('Apple under llama.cpp: the cache bytes per context token scale by heads / kv_heads; NVIDIA keeps them once', () => {
    const metal = attn('apple-m2-ultra', 'llama.cpp');
    const cuda = attn('rtx-4090', 'llama.cpp');
    expect(metal.queriesPerKv).toBe(7);
    expect(metal.bytesPerCtx).toBeCloseTo(7 * cuda.bytesPerCtx, 6);
    // the older builds extend llama.cpp and keep it (same kernel addressing)
    expect(attn('apple-m2-ultra', 'llama.cpp-2024').bytesPerCtx).toBeCloseTo(metal.bytesPerCtx, 6);
  });
  it('so a long-context decode step on Apple grows 7x faster with depth than the cache alone would make it', () => {
    const grow = (rt: string, hw: string) => tpot(hw, rt, 8192) - tpot(hw, rt, 1);
    const mlx = grow('mlx', 'apple-m2-ultra'); // MLX keeps one read per KV head (no measurement says otherwise)
    const gg = grow('llama.cpp', 'apple-m2-ultra');
    expect(gg / mlx).toBeGreaterThan(5);
    expect(gg / mlx).toBeLessThan(7.5);
    // a step with an empty cache is unchanged
    expect(tpot('apple-m2-ultra', 'llama.cpp', 1)).toBeLessThan(tpot('apple-m2-ultra', 'llama.cpp', 8192) / 1.3);
  });
});
