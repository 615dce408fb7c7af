// vLLM V0's multi-step scheduling (--num-scheduler-steps N; scheduler.steps, `--set runtime.scheduler_steps=N`): the
// scheduler and the input preparation run once per N decode steps (LLMEngine.step reuses its cached scheduler outputs
// while _has_remaining_steps; MultiStepModelRunner prepares inputs on a run's first step and advances them on the GPU
// after it), so a step's decoding sequences pay 1/N of host.per_sequence and its prompts all of it; the fixed
// step_overhead stays per step (src/runtime/host.ts).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { applySetPlain } from '../src/hardware/set-path.js';
import { hostPerSequenceSeconds, hostStepSeconds } from '../src/runtime/host.js';
import { StepCoster } from '../src/serve/step-cost.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const v06 = (hw: string): NormalizedHardware => bindRuntime(lib.hardware[hw]!, libraryRuntime('vllm-0.6'));
const set = (hw: NormalizedHardware, ...a: string[]) => a.reduce(applySetPlain, hw);
const PER = 19e-6; // runtimes/vllm.yaml host.per_sequence, which vllm-0.6 inherits

describe('multi-step scheduling amortises the per-sequence host work of decodes', () => {
  it('the knob: absent is 1; --set runtime.scheduler_steps sets scheduler.steps; 0 and fractions are refused', () => {
    const v = v06('mi355x');
    expect(v.runtime!.hostPerSequenceS).toBeCloseTo(PER, 12);
    expect(v.runtime!.scheduler.steps).toBeUndefined();
    expect(set(v, 'runtime.scheduler_steps=19').runtime!.scheduler.steps).toBe(19);
    expect(() => set(v, 'runtime.scheduler_steps=0')).toThrow(/runtime\.scheduler_steps: expected a whole number/);
    expect(() => set(v, 'runtime.scheduler_steps=2.5')).toThrow(/runtime\.scheduler_steps: expected a whole number/);
  });
  it('per step: decodes pay 1/N, prompts all of it, the fixed part stays', () => {
    const rt = set(v06('mi355x'), 'runtime.scheduler_steps=10').runtime!;
    expect(hostPerSequenceSeconds(rt, 1000, 0, 0, 1000)).toBeCloseTo((1000 * PER) / 10, 12);
    expect(hostPerSequenceSeconds(rt, 1000, 0, 0, 0)).toBeCloseTo(1000 * PER, 12);
    expect(hostPerSequenceSeconds(rt, 1000, 0, 0, 600)).toBeCloseTo(400 * PER + (600 * PER) / 10, 12);
    // decodes never count beyond the step's sequences
    expect(hostPerSequenceSeconds(rt, 100, 0, 0, 1e9)).toBeCloseTo((100 * PER) / 10, 12);
    const fixed = rt.stepOverheadS!;
    expect(fixed).toBeGreaterThan(0);
    expect(hostStepSeconds(rt, 1000, 0, 0, 1, 1000)).toBeCloseTo(fixed + (1000 * PER) / 10, 12);
  });
  it("serve's decode iteration sheds (1 - 1/N) of the per-sequence time; a prompt iteration sheds nothing", () => {
    const m = lib.models['llama-2-70b'] as DecoderModel;
    const L = buildLayout(m, 1, 1, undefined, undefined);
    const p = resolvePrecision('fp8');
    const one = new StepCoster(m, v06('mi355x'), L, p);
    const n19 = new StepCoster(m, set(v06('mi355x'), 'runtime.scheduler_steps=19'), L, p);
    const decode = (c: StepCoster) => c.compute(2000, 400, 0, 0).seconds;
    expect(decode(one) - decode(n19)).toBeCloseTo(2000 * PER * (1 - 1 / 19), 9);
    const prompt = (c: StepCoster) => c.compute(0, 0, 4096, 4096 * 222).seconds;
    expect(prompt(n19)).toBe(prompt(one));
  });
  it("simulate's decode step sheds the same, and throughput rises without passing the step's own bound", () => {
    const flags = { model: 'llama-2-70b', hardware: 'mi355x', tp: 1, dtype: 'fp8', 'kv-cache': 'fp8', 'input-tokens': 222, 'output-tokens': 1024, batch: 256 };
    const run = (hw: NormalizedHardware) => simulate(buildRequest(flags, lib.models['llama-2-70b']!, hw, (id) => lib.models[id]!));
    const v = set(v06('mi355x'), 'runtime.max_num_seqs=256');
    const a = run(v), b = run(set(v, 'runtime.scheduler_steps=19'));
    // V0 without chunked prefill runs its prompts in steps of their own (src/sim/decoder.ts unmixedCycleSteps): the
    // cycle's O − 1 decode steps carry all 256 decodes, the prompt steps none, so tpot sheds the whole per-sequence share
    expect(a.tpot_s! - b.tpot_s!).toBeGreaterThan(0.9999 * 256 * PER * (1 - 1 / 19));
    expect(a.tpot_s! - b.tpot_s!).toBeLessThan(1.0001 * 256 * PER * (1 - 1 / 19));
    expect(b.throughput_tok_s!).toBeGreaterThan(a.throughput_tok_s!);
    // the step's own bound is Little's law (throughput = batch·O / e2e); batch / tpot bounds it only where ttft ≥ tpot,
    // and here a prompt step alone (ttft) is shorter than a token's mean time, which carries the other prompt steps
    expect(b.ttft_s!).toBeLessThan(b.tpot_s!);
    expect(b.throughput_tok_s!).toBeCloseTo((256 * 1024) / b.e2e_s!, 6);
  });
  it('invariants hold with it: finite, throughput <= batch / tpot, throughput monotone in the batch, never below steps 1', () => {
    const base = { model: 'llama-3.1-8b', hardware: 'h100-sxm', tp: 1, dtype: 'bf16', 'input-tokens': 512, 'output-tokens': 256 };
    const hw = (n: number) => set(bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('vllm-0.6')), 'runtime.max_num_seqs=256', `runtime.scheduler_steps=${n}`);
    let last = 0;
    for (const batch of [1, 4, 32, 128, 256]) {
      const run = (n: number) => simulate(buildRequest({ ...base, batch }, lib.models['llama-3.1-8b']!, hw(n), (id) => lib.models[id]!));
      const r = run(8);
      expect(Number.isFinite(r.throughput_tok_s!) && Number.isFinite(r.tpot_s!)).toBe(true);
      expect(r.throughput_tok_s!).toBeLessThanOrEqual(batch / r.tpot_s! + 1e-6);
      expect(r.throughput_tok_s!).toBeGreaterThanOrEqual(last);
      expect(r.throughput_tok_s!).toBeGreaterThanOrEqual(run(1).throughput_tok_s!);
      last = r.throughput_tok_s!;
    }
  });
});
