// A scheduler that runs prompts in steps of their own puts no decode in a prefill call's query tiles
// (src/sim/mixed-decode-tiles.ts mixesSteps): vLLM-Ascend's AscendScheduler (prefill-first, chunked prefill off) and
// vLLM V0 without chunked prefill. Property seed 56 at scale 10: qwen2.5-7b int4 on 2x RTX 6000 Ada under vllm-ascend
// lost 0.8% of its throughput from batch 138 to 207, its mixed steps' decodes priced in FlashAttention-2's 64-row
// varlen tiles, which only vLLM V1's own scheduler (prompts and decodes in one step) runs into.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { mixesSteps } from '../src/sim/mixed-decode-tiles.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';

const lib = getLibrary();
const ada = (rt: string) => bindRuntime(lib.hardware['rtx-6000-ada']!, libraryRuntime(rt));
const run = (rt: string, batch: number) =>
  simulate(buildRequest({ model: 'qwen2.5-7b', tp: 2, batch, 'input-tokens': 3283, 'output-tokens': 294, dtype: 'int4' }, libraryModel('qwen2.5-7b'), ada(rt), libraryModel));

describe('mixed-step decode tiles follow the scheduler', () => {
  it('vllm-ascend runs prompts apart (no tiles); vLLM V1 mixes; V0 without chunked prefill does not', () => {
    expect(mixesSteps(ada('vllm-ascend'))).toBe(false);
    expect(mixesSteps(ada('vllm'))).toBe(true);
    expect(mixesSteps(ada('vllm-0.6'))).toBe(false);
    // serve reads the same scheduler: vllm-ascend's iterations do not mix
    expect(serveRuntime(ada('vllm-ascend'), undefined).mixedBatches).toBe(false);
  });
  it('seed 56: under vllm-ascend throughput does not fall from batch 138 to 207', () => {
    expect(run('vllm-ascend', 207).throughput_tok_s!).toBeGreaterThanOrEqual(run('vllm-ascend', 138).throughput_tok_s!);
  });
  it('the tiles stay on vLLM V1: its mixed step prices each decode as 64 query rows, vllm-ascend as one', () => {
    const decodeFlops = (rt: string) => {
      const r = simulate(buildRequest({ model: 'qwen2.5-7b', tp: 2, batch: 207, 'input-tokens': 3283, 'output-tokens': 294, dtype: 'int4', verbose: true }, libraryModel('qwen2.5-7b'), ada(rt), libraryModel));
      // the shown decode phase is the cycle's commonest step: at 207 sequences over 294 tokens, under vLLM the step with a
      // prompt beside 206 decodes; vllm-ascend runs its prompts in steps of their own (src/sim/decoder.ts
      // unmixedCycleSteps), so its commonest step is a decode step of all 207
      return r.ops!.filter((o) => o.phase !== 'prefill' && o.name === 'attention_decode').reduce((a, o) => a + o.flops, 0);
    };
    expect(decodeFlops('vllm') / decodeFlops('vllm-ascend')).toBeCloseTo((64 * 206) / 207, 6);
  });
  it('seed 85: under vLLM V1 on 2x A100 40GB the fall of throughput with batch is no larger than the tiles\' own share', () => {
    const a100 = (tiles: boolean) => {
      const h = bindRuntime(lib.hardware['a100-sxm4-40gb']!, libraryRuntime('vllm'));
      return tiles ? h : { ...h, runtime: { ...h.runtime!, kernels: { ...h.runtime!.kernels, mixedDecodeTileRows: 0 } } };
    };
    const thr = (batch: number, tiles: boolean) =>
      simulate(buildRequest({ model: 'qwen2.5-7b', tp: 2, batch, 'input-tokens': 2917, 'output-tokens': 228, dtype: 'bf16' }, libraryModel('qwen2.5-7b'), a100(tiles), libraryModel)).throughput_tok_s!;
    const [onA, onB, offA, offB] = [thr(91, true), thr(237, true), thr(91, false), thr(237, false)];
    expect(offB).toBeGreaterThanOrEqual(offA); // every other term: no fall
    const fall = 1 - onB / onA; // with the tiles: the engine's fall
    const tileShare = 1 - onB / offB; // the share of batch 237's time the tiles add
    expect(fall).toBeGreaterThan(0);
    expect(fall).toBeLessThanOrEqual(tileShare);
  });
});
