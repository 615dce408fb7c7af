// Ollama v0.30+ (runtimes/ollama-0.30.yaml): every GGUF model in a llama-server subprocess (ollama PR #16031): mainline
// llama.cpp kernels, -b / -ub num_batch (512), and Ollama's sampling options sent with every request, sampled on the
// CPU with the full-vocabulary repeat-penalty scan (4.08 ns per entry, as the llama.cpp runner of runtimes/ollama.yaml).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { serve } from '../src/serve/serve.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const run = (model: string, hw: string, rt: string, input = 32) =>
  simulate(buildRequest({ model, hardware: hw, dtype: 'q4_k_m', 'input-tokens': input, 'output-tokens': 256, batch: 1 }, libraryModel(model), bindRuntime(lib.hardware[hw]!, libraryRuntime(rt)), libraryModel));

describe('ollama-0.30 (llama-server for every GGUF model)', () => {
  it('a decode token costs mainline llama.cpp\'s kernels plus the CPU sampler with the penalty scan', () => {
    for (const [model, hw] of [['llama-3.1-8b', 'rtx-4090'], ['qwen3-8b', 'apple-m4']] as const) {
      const v = (libraryModel(model) as DecoderModel).vocab;
      expect(run(model, hw, 'ollama-0.30').tpot_s! - run(model, hw, 'llama.cpp').tpot_s!).toBeCloseTo(4.08e-9 * v, 7);
    }
  });
  it('prompts go num_batch = 512 tokens per step (-b 512): streams decoding beside a long prompt wait for 512-token chunks, not 2048', () => {
    const itlMax = (rt: string) =>
      serve({ model: libraryModel('llama-3.1-8b') as DecoderModel, hardware: lib.hardware['rtx-4090']!, dtype: 'q4_k_m', runtime: rt, inputTokens: 4096, outputTokens: 64, concurrency: 4, requests: 16 }).result.itl_s.max;
    expect(itlMax('ollama-0.30')).toBeLessThan(0.5 * itlMax('llama.cpp'));
  });
});
