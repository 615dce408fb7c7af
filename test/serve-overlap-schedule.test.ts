// An overlapped scheduler (scheduler.overlap_schedule: SGLang's event_loop_overlap, the default since v0.4.0) composes
// batch n+1 and launches it while batch n runs on the device, then waits for batch n's results: the loop receives new
// requests only at the top of each round, which comes when the batch before the one in flight has finished. So a
// batch that follows its predecessor back to back holds only the requests that had reached the scheduler when that
// predecessor began; a request that arrives during a step waits out the next one too. From idle (nothing in flight)
// the round composes at once, and a composition with nothing to run launches nothing, so no step is lost then.
import { describe, expect, it } from 'vitest';
import { Replica, type Job, type SchedulerConfig } from '../src/serve/scheduler.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { applySetPlain } from '../src/hardware/set-path.js';
import { serve } from '../src/serve/serve.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const job = (id: number, input: number, output: number): Job => ({
  id, sent: 0, input, output, prompt: input, computed: 0, done: 0, firstToken: -1, firstSched: -1, decStart: 0, decDone0: 0,
  gen: 0, state: 0, ready: false, chunk: 0, runPos: 0, queued: 0,
});

function replica(overlap: boolean) {
  const cfg: SchedulerConfig = {
    policy: 'preempt', maxBatchedTokens: 1000, maxSeqs: 8, chunked: true, kvTokens: 1e6, perStep: 1, queryTokens: 1,
    prefixHit: 0, role: 'mixed', overlap,
    price: (d, _ctx, p) => ({ seconds: 1, flops: d + p, bytes: 0 }),
  };
  return new Replica(cfg, { finish: () => {}, firstToken: () => {}, prefilled: () => {}, preempted: () => {} });
}

// a (50 in / 10 out) starts on an idle replica at t = 0; b arrives at t = 1.5, half-way through the second step
function arrivalMidStep(overlap: boolean): { bFirstSched: number; prefills: number[] } {
  const r = replica(overlap);
  const a = job(0, 50, 10), b = job(1, 50, 10);
  r.enqueue(a, 0);
  const prefills: number[] = [];
  let t = 0;
  for (let i = 0; i < 6; i++) {
    if (t === 2) r.enqueue(b, 1.5); // reached the queue at 1.5, while the step [1, 2] ran
    const rec = r.begin(t)!;
    prefills.push(rec.prefill);
    t += rec.seconds;
    r.end(t);
  }
  return { bFirstSched: b.firstSched, prefills };
}

describe('overlap scheduling: the next batch is composed while the current one runs', () => {
  it('a request that arrives during a step waits for the step after the next one', () => {
    const plain = arrivalMidStep(false), over = arrivalMidStep(true);
    expect(plain.bFirstSched).toBe(2); // scheduled as soon as the step it arrived in ends
    expect(plain.prefills).toEqual([50, 0, 50, 0, 0, 0]);
    expect(over.bFirstSched).toBe(3); // the batch starting at 2 was composed at 1, before it arrived
    expect(over.prefills).toEqual([50, 0, 0, 50, 0, 0]);
  });
  it('from idle the first batch takes every queued request: no step is lost', () => {
    for (const overlap of [false, true]) {
      const r = replica(overlap);
      const a = job(0, 50, 3);
      r.enqueue(a, 5);
      const rec = r.begin(5)!;
      expect(rec.prefill).toBe(50);
      expect(a.firstSched).toBe(5);
    }
  });
  it('a request queued before the step in flight began joins the next batch; one queued as it began, the one after', () => {
    for (const [at, joins] of [[0.9, 2], [1, 3]] as const) {
      const r = replica(true);
      const a = job(0, 50, 10), b = job(1, 50, 10);
      r.enqueue(a, 0);
      let t = 0;
      while (b.firstSched < 0) {
        if (t === 1) r.enqueue(b, at); // reached the queue during [0, 1], or as [1, 2] began (a closed-loop client's
        const rec = r.begin(t)!; //    next request, sent when a step ended: the overlap loop had composed [2, 3] by then)
        t += rec.seconds;
        r.end(t);
      }
      expect(b.firstSched).toBe(joins);
    }
  });
  it('SGLang runs it (v0.4 on, as the 0.4 and 0.5 files inherit); the 0.3 release, vLLM and TensorRT-LLM files do not', () => {
    const lib = getLibrary();
    const hw = (rt: string) => bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime(rt));
    expect(serveRuntime(hw('sglang'), undefined).overlapSchedule).toBe(true);
    expect(serveRuntime(hw('sglang-0.4'), undefined).overlapSchedule).toBe(true);
    expect(serveRuntime(hw('sglang-0.3'), undefined).overlapSchedule).toBe(false);
    expect(serveRuntime(hw('vllm'), undefined).overlapSchedule).toBe(false);
    expect(serveRuntime(hw('tensorrt-llm'), undefined).overlapSchedule).toBe(false);
    // named apart from the bound runtime: the engine's default, no overlap
    expect(serveRuntime(hw('vllm'), 'sglang').overlapSchedule).toBe(false);
  });
  it("--set runtime.overlap_schedule: the run's own (vLLM's async scheduling, the default from v0.14)", () => {
    const lib = getLibrary();
    const v = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('vllm'));
    expect(serveRuntime(applySetPlain(v, 'runtime.overlap_schedule=true'), undefined).overlapSchedule).toBe(true);
    const sg = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('sglang'));
    expect(serveRuntime(applySetPlain(sg, 'runtime.overlap_schedule=false'), undefined).overlapSchedule).toBe(false);
    expect(() => applySetPlain(v, 'runtime.overlap_schedule=yes')).toThrow(/expected one of true, false/);
  });
  it('at a steady arrival rate the first token comes about one step later; throughput is the same', () => {
    const lib = getLibrary();
    const sg = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('sglang'));
    const off: NormalizedHardware = { ...sg, runtime: { ...sg.runtime!, scheduler: { ...sg.runtime!.scheduler, overlapSchedule: false } } };
    const run = (hardware: NormalizedHardware) =>
      serve({ model: lib.models['llama-3.1-8b']! as DecoderModel, hardware, inputTokens: 'sharegpt:218', outputTokens: 'sharegpt:194', rate: 8, requests: 600 }).result;
    const on = run(sg), no = run(off);
    const step = no.itl_s.p50;
    expect(on.ttft_s.p50).toBeGreaterThan(no.ttft_s.p50 + 0.5 * step);
    expect(on.ttft_s.p50).toBeLessThan(no.ttft_s.p50 + 2 * step);
    expect(Math.abs(on.throughput_tok_s / no.throughput_tok_s - 1)).toBeLessThan(0.01);
  });
});
