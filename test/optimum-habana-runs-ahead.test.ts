// optimum-habana's decode loop runs ahead of the device (runtimes/optimum-habana.yaml host.runs_ahead): with
// run_generation.py's default --ignore_eos the generate() loop reads nothing back from the HPU between steps, so a
// step's host time costs it only where it outlasts the step's device work (src/runtime/host.ts hostStepSeconds).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { exposedBeyondDevice, hostStepSeconds } from '../src/runtime/host.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { serve } from '../src/serve/serve.js';
import { libraryModel } from '../src/spec/library.js';
import { simulate as simulateCli } from '../src/index.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const M = lib.models['llama-3.1-8b']! as DecoderModel;
const gaudi = bindRuntime(lib.hardware['gaudi2']!, libraryRuntime('optimum-habana'));
// the runtime file's host step, whatever its value (a lockstep loop pays it in full)
const hostStep = libraryRuntime('optimum-habana').stepOverheadS;
const withHost = (hw: NormalizedHardware, o: { stepOverheadS?: number; hostRunsAhead?: boolean }): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, ...o } });
const tpot = (hw: NormalizedHardware, batch = 1) =>
  simulate(buildRequest({ batch, input_tokens: 8, output_tokens: 128, dtype: 'fp8', kv_cache: 'fp8' }, M, hw, libraryModel)).tpot_s!;

describe('host.runs_ahead: a loop that never reads the device between steps', () => {
  it('the runtime file says so for optimum-habana; vLLM on Gaudi and TensorRT-LLM do not', () => {
    expect(libraryRuntime('optimum-habana').hostRunsAhead).toBe(true);
    expect(libraryRuntime('vllm-gaudi').hostRunsAhead).toBeUndefined();
    expect(libraryRuntime('tensorrt-llm').hostRunsAhead).toBeUndefined();
  });

  it('exposes only the host time that outlasts the device step, per-sequence part included', () => {
    const rt = { stepOverheadS: 580e-6, hostPerSequenceS: 10e-6, hostOverlap: true, hostRunsAhead: true };
    // a 1 ms device step hides 580 us + 4 x 10 us of host work entirely
    expect(hostStepSeconds(rt, 4, 1e-3, 0, 1, 4)).toBe(0);
    // a 100 us device step leaves 620 - 100 = 520 us exposed (the per-sequence part is not hidden a second time)
    expect(hostStepSeconds(rt, 4, 100e-6, 0, 1, 4)).toBeCloseTo(520e-6, 12);
    // a prompt-only step (no decodes) opens the loop: its fixed part is exposed, the per-sequence part overlapped as before
    expect(hostStepSeconds(rt, 4, 1e-3)).toBeCloseTo(580e-6, 12);
    // the same host in lockstep adds its fixed part whatever the device does; overlap hides only the per-sequence part
    expect(hostStepSeconds({ ...rt, hostRunsAhead: false }, 4, 1e-3, 0, 1, 4)).toBeCloseTo(580e-6, 12);
    expect(exposedBeyondDevice(3e-3, 1e-3)).toBeCloseTo(2e-3, 12);
    expect(exposedBeyondDevice(1e-3, -1)).toBeCloseTo(1e-3, 12);
  });

  it('simulate: a batch-1 Llama 3.1 8B fp8 step on a Gaudi 2 (device ~5 ms) pays no host step; in lockstep it pays the file\'s host step', () => {
    const ahead = tpot(gaudi);
    expect(ahead).toBeCloseTo(tpot(withHost(gaudi, { stepOverheadS: 0 })), 12);
    expect(hostStep).toBeGreaterThan(0);
    expect(tpot(withHost(gaudi, { hostRunsAhead: false })) - ahead).toBeCloseTo(hostStep, 9);
    // the prompt step opens the loop (nothing queued before it): its host time stays exposed
    const ttft = (hw: NormalizedHardware) => simulate(buildRequest({ batch: 1, input_tokens: 8, output_tokens: 128, dtype: 'fp8', kv_cache: 'fp8' }, M, hw, libraryModel)).ttft_s!;
    expect(ttft(gaudi)).toBeCloseTo(ttft(withHost(gaudi, { hostRunsAhead: false })), 12);
    expect(ttft(gaudi) - ttft(withHost(gaudi, { stepOverheadS: 0 }))).toBeCloseTo(hostStep, 9);
    // a host slower than the device step sets the step: 20 ms of host a step, step = 20 ms
    expect(tpot(withHost(gaudi, { stepOverheadS: 20e-3 }))).toBeCloseTo(20e-3, 9);
  });

  it('serve prices its iterations the same way', () => {
    const r = (hw: NormalizedHardware) => serve({ model: M, hardware: hw, inputTokens: 256, outputTokens: 64, rate: 1, requests: 8, dtype: 'fp8' }).result.tpot_s.mean;
    expect(r(gaudi)).toBeCloseTo(r(withHost(gaudi, { stepOverheadS: 0 })), 9);
    expect(r(withHost(gaudi, { hostRunsAhead: false }))).toBeGreaterThan(r(gaudi) + 400e-6);
  });

  it('--set runtime.runs_ahead=false prices a run that reads the device every step (--no-ignore_eos): one host step more a token', async () => {
    const run = (set?: string[]) => simulateCli({ model: 'llama-3.1-8b', hardware: 'gaudi2', runtime: 'optimum-habana', tp: 1, dtype: 'fp8', kvCache: 'fp8', inputTokens: 8, outputTokens: 128, batch: 1, set });
    const ahead = await run();
    const lockstep = await run(['runtime.runs_ahead=false']);
    expect(lockstep.tpot_s! - ahead.tpot_s!).toBeCloseTo(hostStep, 9);
    expect((await run(['runtime.runs_ahead=true'])).tpot_s!).toBeCloseTo(ahead.tpot_s!, 12);
  });
});
