// llama.cpp's layer split pipelines a prompt's ubatches across the devices (scheduler.pipeline_copies, ggml
// GGML_SCHED_MAX_COPIES = 4): src/sim/pipelined-prefill.ts. Pinned: the stage-time count, and what simulate gives
// for a prompt of one ubatch (serial, as before) and of eight (two calls of four ubatches, pipelined).
import { describe, expect, it } from 'vitest';
import { pipelinedPrefillSeconds, pipelinedStageTimes } from '../src/sim/pipelined-prefill.js';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { applySetPlain } from '../src/hardware/set-path.js';

const lib = getLibrary();
const prefillRate = (model: string, pp: number, tokens: number, set?: string, runtime = 'llama.cpp'): number => {
  const h0 = bindRuntime(lib.hardware['mi300x']!, libraryRuntime(runtime));
  const hw = set ? applySetPlain(h0, set) : h0;
  const r = simulate(buildRequest({ model, hardware: 'mi300x', tp: 1, pp, dtype: 'q4_k_m', batch: 1, 'input-tokens': tokens, 'output-tokens': 1 }, libraryModel(model), hw, libraryModel));
  return r.prefill_tok_s as number;
};

describe('pipelined prefill over a layer split', () => {
  it('counts k + P - 1 stage-times while the copies last, k·P with one copy or one ubatch', () => {
    expect(pipelinedStageTimes(4, 8, 4)).toBe(11);
    expect(pipelinedStageTimes(1, 8, 4)).toBe(8);
    expect(pipelinedStageTimes(0.5, 8, 4)).toBe(4);
    expect(pipelinedStageTimes(8, 8, 4)).toBe(8 + 3 + 4 * 2); // 2P + C - 1 = 19 at a multiple of C
    expect(pipelinedStageTimes(3, 2, 4)).toBe(4);             // P <= C: the copies never bind
    // serial: one copy, or one stage
    expect(pipelinedPrefillSeconds(1, 4096, 512, 2048, 8, 1)).toBe(8);
    expect(pipelinedPrefillSeconds(1, 4096, 512, 2048, 1, 4)).toBe(1);
    // two calls of four ubatches over eight stages: 2·11 of 8 ubatch-times, for a stage time of 1 (8 ubatches)
    expect(pipelinedPrefillSeconds(1, 4096, 512, 2048, 8, 4)).toBeCloseTo(22 / 8, 12);
  });

  it('a 4096-token prompt on 8 stages runs ~2.9x the rate of a 512-token one (8x MI300X measured 2.99x); 1 copy: serial', () => {
    const r512 = prefillRate('llama-3.1-70b', 8, 512), r4096 = prefillRate('llama-3.1-70b', 8, 4096);
    expect(r4096 / r512).toBeGreaterThan(2.5);
    expect(r4096 / r512).toBeLessThan(3.2);
    // the same prompt with the pipeline off is priced serially: no faster than the one-ubatch prompt's rate
    const serial = prefillRate('llama-3.1-70b', 8, 4096, 'runtime.pipeline_copies=1');
    expect(serial).toBeLessThan(r512 * 1.05);
    expect(r4096 / serial).toBeGreaterThan(2.5);
    // one stage: unchanged by the copies
    expect(prefillRate('llama-3.1-8b', 1, 4096)).toBeCloseTo(prefillRate('llama-3.1-8b', 1, 4096, 'runtime.pipeline_copies=1'), 9);
  });

  it('builds whose MoE GEMM syncs the host (before llama.cpp PR #15525) run a MoE prompt serially, dense prompts pipelined', () => {
    for (const rt of ['llama.cpp-2025-08', 'llama.cpp-2024', 'ollama']) expect(libraryRuntime(rt).scheduler?.moeHostSync).toBe(true);
    expect(libraryRuntime('llama.cpp').scheduler?.moeHostSync).toBeUndefined();
    // DeepSeek-V3 pp4096 over 8x MI300X: b5997 measured 420 t/s against 439 at pp512 (flat); current builds pipeline it
    const moe512 = prefillRate('deepseek-v3', 8, 512, undefined, 'llama.cpp-2025-08'), moe4096 = prefillRate('deepseek-v3', 8, 4096, undefined, 'llama.cpp-2025-08');
    expect(moe4096).toBeLessThan(moe512 * 1.05);
    expect(prefillRate('deepseek-v3', 8, 4096) / moe4096).toBeGreaterThan(2.5);
    // the same build pipelines a dense model's ubatches
    expect(prefillRate('llama-3.1-70b', 8, 4096, undefined, 'llama.cpp-2025-08') / prefillRate('llama-3.1-70b', 8, 512, undefined, 'llama.cpp-2025-08')).toBeGreaterThan(2.5);
  });

  it('the host time of the step is paid once, after the pipelined ubatches: the cold prefill never falls as the prompt grows (property seed 526)', () => {
    // gpt-j-6b q4_0 under llama-cpp-python 0.2 on 2 H100s at pp 2, batch 255: the host samples 255 sequences over a
    // 50,400-entry vocabulary (~0.58 s) after the call; split over the ubatches by their tokens, the cold prefill fell
    // from 0.629 s at 2 input tokens (one ubatch of 510) to 0.509 s at 4 (two)
    const cold = (input: number) => {
      const f = { tp: 1, pp: 2, batch: 255, 'input-tokens': input, 'output-tokens': 484, dtype: 'q4_0' };
      const m = lib.models['gpt-j-6b']!;
      return simulate(buildRequest(f, m, bindRuntime(lib.hardware['h100-sxm-hbm2e-500w']!, libraryRuntime('llama-cpp-python-0.2')), (id) => lib.models[id]!)).ttft_cold_s!;
    };
    let last = 0;
    for (const input of [2, 3, 4, 8, 64]) {
      const t = cold(input);
      expect(t, `${input} input tokens`).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });
});
