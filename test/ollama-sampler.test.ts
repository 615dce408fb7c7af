// Ollama's llama.cpp runner (runtimes/ollama.yaml): the vendored ggml of v0.4.0-v0.11.4 is llama.cpp-2024's kernel set
// (CUDA graphs, no fusion, flash attention off), and every token the runner samples on the CPU with llama.cpp's
// common_sampler under Ollama's defaults, whose repeat penalty walks the whole vocabulary: 4.08 ns per vocabulary entry
// per sequence (0.63 ns: llama_perf_sampler_print, llama.cpp issues #15223 / #17058; 3.45 ns: the penalty-scan A/B of
// unslothai/llama.cpp PR #95). llama-bench (runtime llama.cpp) samples nothing.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { hostStepSeconds } from '../src/runtime/host.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const tpot = (model: string, hw: string, rt: string, batch = 1) =>
  simulate(buildRequest({ model, hardware: hw, dtype: 'q4_0', 'input-tokens': 32, 'output-tokens': 400, batch }, libraryModel(model), bindRuntime(lib.hardware[hw]!, libraryRuntime(rt)), libraryModel)).tpot_s;

// the per-entry cost recomputed from the sources' figures
const chain = (0.08e-3 / 128_256 + 0.13e-3 / 201_088) / 2; // llama_perf_sampler_print, default chain, no penalty
const scan = (1 / 130.29 - 1 / 146.66) / 248_320; // PR #95: stock vs patched penalty loop, 248,320 entries

describe('ollama (llama.cpp runner, v0.4.0-v0.11.4)', () => {
  it('prices 4.08 ns per vocabulary entry: the sampler chain plus the full-vocabulary penalty scan', () => {
    // 4.085 ns from the figures; the YAML keeps three digits
    expect(Math.abs(libraryRuntime('ollama').hostSamplingPerVocabS! / (chain + scan) - 1)).toBeLessThan(0.005);
  });
  it('a step pays it for each sequence, in proportion to the model vocabulary', () => {
    const rt = libraryRuntime('ollama');
    const v = (libraryModel('llama-3.2-3b') as DecoderModel).vocab;
    expect(hostStepSeconds(rt, 1, 0, v)).toBeCloseTo(4.08e-9 * v, 12);
    expect(hostStepSeconds(rt, 4, 0, v)).toBeCloseTo(4 * hostStepSeconds(rt, 1, 0, v), 12);
    expect(hostStepSeconds(rt, 1, 0, 2 * v)).toBeCloseTo(2 * hostStepSeconds(rt, 1, 0, v), 12);
    expect(hostStepSeconds(rt, 1, 0)).toBe(0); // no vocabulary given: nothing
  });
  it('on an RTX 4090 a token costs llama.cpp-2024 kernels plus the sampler: ~0.5 ms more than llama-bench of that era', () => {
    const v = (libraryModel('llama-3.2-3b') as DecoderModel).vocab;
    const o = tpot('llama-3.2-3b', 'rtx-4090', 'ollama');
    const old = tpot('llama-3.2-3b', 'rtx-4090', 'llama.cpp-2024');
    expect(o - old).toBeCloseTo(4.08e-9 * v, 6);
    // the unfused 2024 kernel set (and attention without flash attention) is slower than mainline's fused one
    expect(old).toBeGreaterThan(tpot('llama-3.2-3b', 'rtx-4090', 'llama.cpp'));
  });
  it('llama.cpp (llama-bench: no sampling) and other runtimes pay no sampler time', () => {
    for (const id of ['llama.cpp', 'llama.cpp-2024', 'vllm', 'mlx']) expect(libraryRuntime(id).hostSamplingPerVocabS ?? 0).toBe(0);
  });
});
