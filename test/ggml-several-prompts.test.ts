// llama.cpp runs a pass of several prompts in ubatches as it does one prompt, each prompt's masked attention over its
// own cells (KV streams per sequence, llama-batched-bench's default since ggml-org/llama.cpp PR #14363): B prompts cost
// B times one prompt's attention, so prefill throughput does not fall as prompts are added. (Priced before as one
// unbatched pass, several long prompts each paid the whole L×L view: a batch of 2-80 4K prompts served fewer tokens per
// second than one; the property test's counterexample, seed 51 at scale 10.) ggml-cpu's per-head attention calls are
// counted for every ubatch of a pass, cold prefill and server step alike (seed 54: counted for one and not the other,
// a run's e2e fell as output tokens grew).
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { ggmlKernelCounts } from '../src/sim/ggml-kernels.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

describe('several prompts in ubatches (llama.cpp)', () => {
  it('B prompts of 4K tokens: prefill throughput stays at one prompt\'s, not 1.8x the attention per prompt', () => {
    const hw = bound('rtx-pro-6000', 'llama.cpp-2023');
    const run = (batch: number) => simulate(buildRequest({ model: 'olmo-2-7b', hardware: 'rtx-pro-6000', tp: 8, devices: 8, dtype: 'fp8', runtime: 'llama.cpp-2023', 'input-tokens': 4095, 'output-tokens': 1, batch }, libraryModel('olmo-2-7b'), hw, libraryModel));
    const one = run(1), two = run(2), many = run(80);
    expect(two.throughput_tok_s!).toBeGreaterThanOrEqual(one.throughput_tok_s!);
    expect(many.throughput_tok_s!).toBeGreaterThanOrEqual(two.throughput_tok_s!);
    // and the cold prefill of two prompts is twice one prompt's work, attention ubatch by ubatch included
    expect(two.phases[0]!.flops / one.phases[0]!.flops).toBeCloseTo(2, 6);
  });
  it('ggml-cpu\'s per-head attention calls count every ubatch of the pass: prompts and decodes beside them alike', () => {
    const hw = bound('xeon-6980p', 'llama.cpp');
    const m = libraryModel('llama-3.1-8b') as DecoderModel;
    const p = resolvePrecision('q4_0', undefined, undefined, undefined);
    const kernels = (prompts: number, decodes = 0) => ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: prompts, prefillLen: 1024, decodeSeqs: decodes }), hw, decodes === 0 ? 512 : undefined, prompts * 1024 + decodes).find((o) => o.name === 'attention_prefill')!.kernels!;
    expect(kernels(4)).toBeCloseTo(4 * kernels(1), 6);
    // a server step: one prompt beside 512 decodes runs in 3 ubatches of 512, not one
    expect(kernels(1, 512)).toBeCloseTo(1.5 * kernels(1), 6);
  });
});
