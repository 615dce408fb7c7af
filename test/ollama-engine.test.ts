// Ollama's Go engine (runtimes/ollama-engine.yaml): the models OllamaEngineRequired lists run Ollama's own Go graph on
// its vendored ggml; the Go sampler has no repeat penalty but builds a slice of the whole vocabulary every token
// (5.6 ns per entry, bench/host/ollama-sampler.sh); prompts go num_batch = 512 tokens per graph; the Go graph's node
// order leaves the gate/up, top-k MoE and add-chain fusions of llama.cpp's graph out.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { hostStepSeconds } from '../src/runtime/host.js';
import { ggmlKernelCounts } from '../src/sim/ggml-kernels.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const lib = getLibrary();
const tpot = (model: string, hw: string, rt: string) =>
  simulate(buildRequest({ model, hardware: hw, dtype: 'q4_k_m', 'input-tokens': 32, 'output-tokens': 256, batch: 1 }, libraryModel(model), bindRuntime(lib.hardware[hw]!, libraryRuntime(rt)), libraryModel)).tpot_s!;
// kernels of one decode step's layers as the runtime counts them
const kernelsPerLayer = (hwId: string, rt: string, model: string, dtype: string) => {
  const m = libraryModel(model) as DecoderModel;
  const p = resolvePrecision(dtype, undefined, undefined, undefined);
  const ops = ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 }), bound(hwId, rt));
  return ops.filter((o) => o.count === m.layers).reduce((s, o) => s + (o.kernels ?? 1) * o.count, 0) / m.layers;
};

describe('ollama-engine (Ollama Go engine, v0.12.6-v0.13.4)', () => {
  it('a decode token costs llama-bench\'s kernels plus the Go sampler over the whole vocabulary (Apple: same ggml-metal kernels)', () => {
    for (const model of ['qwen3-8b', 'llama-3.1-8b']) {
      const v = (libraryModel(model) as DecoderModel).vocab;
      const go = tpot(model, 'apple-m3-ultra', 'ollama-engine');
      expect(go - tpot(model, 'apple-m3-ultra', 'llama.cpp')).toBeCloseTo(5.6e-9 * v, 7); // ~0.85 ms on Qwen3's 151,936 entries
    }
    // two sequences pay it twice; no vocabulary, nothing
    const rt = libraryRuntime('ollama-engine');
    expect(hostStepSeconds(rt, 2, 0, 1000)).toBeCloseTo(2 * hostStepSeconds(rt, 1, 0, 1000), 15);
    expect(hostStepSeconds(rt, 1, 0)).toBe(0);
  });
  it('evaluates a prompt 512 tokens per graph (num_batch), as the llama.cpp runner does', () => {
    const s = libraryRuntime('ollama-engine').scheduler;
    expect(s.maxNumBatchedTokens).toBe(512);
    expect(s.ubatch).toBe(512);
    expect(libraryRuntime('llama.cpp').scheduler.maxNumBatchedTokens).toBe(2048);
  });
  it('a dense layer: fused norms and flash attention, but gate and up apart and a swiglu node (17 nodes at fp16)', () => {
    // attn_norm 1, q k v 3, rope q/k + cache copies + flash_attn_ext 5, o 1, add + ffn norm 2, gate + up 2, swiglu 1, down 1, add 1
    expect(kernelsPerLayer('rtx-4090', 'ollama-engine', 'llama-2-7b', 'fp16')).toBe(17);
    expect(kernelsPerLayer('rtx-4090', 'ollama-engine', 'llama-2-7b', 'fp16')).toBeLessThan(kernelsPerLayer('rtx-4090', 'ollama', 'llama-2-7b', 'fp16'));
  });
  it('a MoE layer: the top-k selection and the 8 experts\' sum unfused, gate/up/glu apart: more kernels than llama.cpp', () => {
    const go = kernelsPerLayer('rtx-4090', 'ollama-engine', 'qwen3-30b-a3b', 'fp16');
    const cpp = kernelsPerLayer('rtx-4090', 'llama.cpp', 'qwen3-30b-a3b', 'fp16');
    // moe_topk 5 vs 1, experts gate/up + glu 3 vs 1, finalize 8 vs 2
    expect(go - cpp).toBe(4 + 2 + 6);
  });
});

describe('ollama-0.11.5 (llama.cpp runner on ggml e54d41be, v0.11.5-v0.12.3)', () => {
  it('the runner of ollama (sampler, batch) with fused rms_norm + mul and the one-node swiglu: 20 nodes a dense fp16 layer', () => {
    expect(libraryRuntime('ollama-0.11.5').hostSamplingPerVocabS).toBe(libraryRuntime('ollama').hostSamplingPerVocabS);
    expect(libraryRuntime('ollama-0.11.5').scheduler.maxNumBatchedTokens).toBe(512);
    // attn_norm 1, q k v 3, attention without flash attention 8, o 1, add + ffn norm 2, gate + up 2, swiglu 1, down 1, add 1
    expect(kernelsPerLayer('rtx-4090', 'ollama-0.11.5', 'llama-2-7b', 'fp16')).toBe(20);
    expect(kernelsPerLayer('rtx-4090', 'ollama', 'llama-2-7b', 'fp16')).toBe(23);
    // flash attention on in the Go engine's releases: 3 fewer attention nodes
    expect(kernelsPerLayer('rtx-4090', 'ollama-engine', 'llama-2-7b', 'fp16')).toBe(17);
  });
});
