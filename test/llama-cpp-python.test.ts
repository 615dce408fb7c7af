// llama-cpp-python 0.2.x (runtimes/llama-cpp-python-0.2.yaml): llama.cpp-2023's kernels plus the Python each generated
// token runs between two llama_decode calls — the logits copied through a Python list and into the sampler's candidate
// array (41 ns per vocabulary entry, bench/host/llama-cpp-python-token.py), llama.cpp's C sampler chain with the 1.1
// repeat penalty (4.08 ns per entry, runtimes/ollama.yaml), and 34 us of calls that do not scale with the vocabulary.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const run = (model: string, hw: string, rt: string, dtype = 'q4_0') =>
  simulate(buildRequest({ model, hardware: hw, dtype, 'input-tokens': 11, 'output-tokens': 512, batch: 1 }, libraryModel(model), bindRuntime(lib.hardware[hw]!, libraryRuntime(rt)), libraryModel));

describe('llama-cpp-python 0.2 (high-level API over llama.cpp 2023-24)', () => {
  it('prices the measured Python list copy plus the C sampler per vocabulary entry, and the fixed calls per token', () => {
    const rt = libraryRuntime('llama-cpp-python-0.2');
    // 41 ns (the bench's 40.8-41.1) + 4.08 ns = 45.08 ns; the YAML keeps two digits
    expect(Math.abs(rt.hostSamplingPerVocabS! / (41e-9 + 4.08e-9) - 1)).toBeLessThan(0.005);
    expect(rt.stepOverheadS).toBeCloseTo(31e-6 + 3e-6, 9);
    expect(rt.launch?.graphs).toBe('none'); // llama.cpp-2023's kernels: before CUDA graphs
  });
  it('a Llama 2 7B token on an A100 costs llama.cpp-2023 plus 34 us + 45 ns x 32,000 entries (1.47 ms)', () => {
    const v = (libraryModel('llama-2-7b') as DecoderModel).vocab;
    expect(v).toBe(32000);
    const py = run('llama-2-7b', 'a100-sxm4-80gb', 'llama-cpp-python-0.2').tpot_s!;
    const c = run('llama-2-7b', 'a100-sxm4-80gb', 'llama.cpp-2023').tpot_s!;
    expect(py - c).toBeCloseTo(34e-6 + 45e-9 * v, 6);
  });
  it('the cost grows with the vocabulary: a 128K-entry model pays four times the per-entry part', () => {
    const rt = libraryRuntime('llama-cpp-python-0.2');
    const v = (libraryModel('llama-3.1-8b') as DecoderModel).vocab;
    const py = run('llama-3.1-8b', 'rtx-4090', 'llama-cpp-python-0.2').tpot_s!;
    const c = run('llama-3.1-8b', 'rtx-4090', 'llama.cpp-2023').tpot_s!;
    expect(py - c).toBeCloseTo(rt.stepOverheadS! + rt.hostSamplingPerVocabS! * v, 6);
    expect(v).toBeGreaterThan(4 * 32000);
  });
});
