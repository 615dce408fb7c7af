// simulate's steady state under a scheduler that never puts prompts and decodes in one step (SGLang's default,
// enable_mixed_chunk False: Scheduler.get_next_batch_to_run "Run prefill first if possible"; vLLM V0 without chunked
// prefill, _schedule_default): a replacement's prompt runs in a step of its own between decode steps of the whole batch,
// and every request's tpot carries the other requests' prompt steps (src/sim/decoder.ts unmixedCycleSteps). The
// SGLang cookbook's closed-loop rows (N3999/N4000: bench_serving mean TPOT 17.6 / 40.1 ms against a ~15 / 27 ms decode
// step) are the symptom; this pins the mechanism, not those rows.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { cycleSteps, stepsMix } from '../src/sim/decoder.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const bound = (hw: string, rt: string): NormalizedHardware => bindRuntime(lib.hardware[hw]!, libraryRuntime(rt));
const mixing = (h: NormalizedHardware): NormalizedHardware => ({ ...h, runtime: { ...h.runtime!, scheduler: { ...h.runtime!.scheduler, mixedBatches: true } } });
const model = (id: string) => lib.models[id]! as DecoderModel;
const sum = (steps: ReturnType<typeof cycleSteps>, f: (s: (typeof steps)[number]) => number) => steps.reduce((a, s) => a + f(s) * s.count, 0);

describe('unmixed steady state: prompts in steps of their own', () => {
  it('the cycle: O − 1 decode steps of all mb, prompt steps carrying the mb prompts; batch 1 the single stream', () => {
    const c = cycleSteps(100, 504, false);
    expect(sum(c, (s) => s.prefills)).toBeCloseTo(100, 9); // every request's prompt once
    expect(sum(c, (s) => s.decodes)).toBeCloseTo(100 * 503, 6); // and its O − 1 decodes
    expect(c.filter((s) => s.prefills > 0 && s.decodes > 0)).toEqual([]); // no step mixes them
    expect(c.find((s) => s.decodes > 0)).toEqual({ prefills: 0, decodes: 100, count: 503 });
    // the mixed cycle's premise, finishes evenly staggered: fewer finish per decode step than one, so one prompt a step
    expect(c.find((s) => s.prefills > 0)).toEqual({ prefills: 1, decodes: 0, count: 100 });
    // more requests finish per decode step than one: a prompt step after every decode step, mb / (O − 1) prompts each
    const many = cycleSteps(5000, 10, false).find((s) => s.prefills > 0)!;
    expect(many.count).toBeCloseTo(9, 3);
    expect(many.prefills).toBeCloseTo(5000 / 9, 0);
    // batch 1 and one output token are the mixed cycle's
    expect(sum(cycleSteps(1, 128, false), (s) => s.prefills)).toBe(1);
    expect(cycleSteps(1, 128, false).find((s) => s.decodes > 0)).toEqual({ prefills: 0, decodes: 1, count: 127 });
    expect(cycleSteps(64, 1, false)).toEqual([{ prefills: 64, decodes: 0, count: 1 }]);
  });

  it('which runtimes: SGLang and vLLM V0 at a short context do not mix; V0 above 32K, vLLM V1 and attention DP do', () => {
    const dp = { attentionDp: true }, no = { attentionDp: false };
    expect(stepsMix(bound('b200', 'sglang'), no, model('deepseek-v3'))).toBe(false);
    expect(stepsMix(bound('b200', 'sglang'), dp, model('deepseek-v3'))).toBe(true);
    expect(stepsMix(bound('mi300x', 'vllm-0.6'), no, model('llama-2-70b'))).toBe(false);
    // vLLM V0 turns chunked prefill (and mixed steps) on above a 32K max_model_len (runtimes/vllm-0.6.yaml long_context)
    expect(stepsMix(bound('mi300x', 'vllm-0.6'), no, model('llama-3.1-8b'))).toBe(true);
    expect(stepsMix(bound('h100-sxm', 'vllm'), no, model('llama-2-70b'))).toBe(true);
    expect(stepsMix(bound('h100-sxm', 'tensorrt-llm'), no, model('llama-2-70b'))).toBe(true);
  });

  const flags = { model: 'deepseek-v3', tp: 8, dtype: 'fp8', 'input-tokens': 500, 'output-tokens': 504 };
  const run = (hw: NormalizedHardware, batch: number) => simulate(buildRequest({ ...flags, batch }, model('deepseek-v3'), hw, (id) => lib.models[id]!));

  it('SGLang at batch 100: e2e = the O − 1 decode steps + the prompt steps; ttft is one prompt step', () => {
    const sg = bound('b200', 'sglang');
    const r = run(sg, 100);
    const decode = r.phases.find((p) => p.name === 'decode')!.seconds; // the commonest step: a decode step of all 100
    expect(r.e2e_s!).toBeCloseTo(503 * decode + 100 * r.ttft_s!, 9);
    expect(r.throughput_tok_s!).toBeCloseTo((100 * 504) / r.e2e_s!, 6);
    expect(r.tpot_s!).toBeGreaterThan(decode * 1.05); // the other requests' prompt steps
    // against the same runtime with mixed steps: the prompt no longer rides a decode step, so its weights are read
    // again: throughput falls and tpot grows; the first token comes from a step without the other 99 decodes
    const m = run(mixing(sg), 100);
    expect(r.throughput_tok_s!).toBeLessThan(m.throughput_tok_s! * 0.95);
    expect(r.tpot_s!).toBeGreaterThan(m.tpot_s!);
    expect(r.ttft_s!).toBeLessThan(m.ttft_s!);
  });

  it('batch 1 is the single stream whether or not the steps mix', () => {
    const sg = bound('b200', 'sglang');
    const a = run(sg, 1), b = run(mixing(sg), 1);
    for (const k of ['ttft_s', 'tpot_s', 'e2e_s', 'throughput_tok_s'] as const) expect(a[k]!).toBeCloseTo(b[k]!, 12);
  });

  it('monotone in the batch and in the output: tpot, ttft and e2e never fall, throughput never falls with the batch', () => {
    const sg = bound('mi300x', 'sglang');
    let last = run(sg, 1);
    for (const batch of [2, 8, 64, 503, 504, 600, 2000]) {
      const r = run(sg, batch);
      if (!r.memory.fits) break;
      for (const k of ['ttft_s', 'tpot_s', 'e2e_s'] as const) expect(r[k]!, `${k} at ${batch}`).toBeGreaterThanOrEqual(last[k]! * (1 - 1e-9));
      expect(r.throughput_tok_s!).toBeGreaterThanOrEqual(last.throughput_tok_s! * (1 - 1e-9));
      last = r;
    }
    const out = (O: number) => simulate(buildRequest({ ...flags, 'output-tokens': O, batch: 64 }, model('deepseek-v3'), sg, (id) => lib.models[id]!));
    let prev = out(2);
    for (const O of [3, 16, 63, 64, 65, 500]) {
      const r = out(O);
      expect(r.e2e_s!).toBeGreaterThanOrEqual(prev.e2e_s! * (1 - 1e-9));
      prev = r;
    }
  });
});
