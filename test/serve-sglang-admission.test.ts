// SGLang admits by estimate (scheduler.admission: estimate, runtimes/sglang.yaml): PrefillAdder.add_one_req takes a
// waiting request only while its input + output fits beside the round's free KV less new_token_ratio x the running
// requests' outputs to come and the whole input + output of the requests admitted earlier in the round
// (python/sglang/srt/managers/schedule_policy.py); the ratio starts at 0.7, falls by (0.7 - 0.098) / 600 per
// decode-only iteration, returns to 0.7 when idle and is reset by retract_decode (src/serve/new-token-ratio.ts).
import { describe, expect, it } from 'vitest';
import { Replica, type Job, type Policy, type SchedulerConfig } from '../src/serve/scheduler.js';
import { NEW_TOKEN_RATIO } from '../src/serve/new-token-ratio.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import type { NormalizedHardware } from '../src/spec/types.js';

const job = (id: number, input: number, output: number): Job => ({
  id, sent: 0, input, output, prompt: input, computed: 0, done: 0, firstToken: -1, firstSched: -1, decStart: 0, decDone0: 0,
  gen: 0, state: 0, ready: false, chunk: 0, runPos: 0,
});

function replica(policy: Policy, kvTokens: number, events: { preempted?: () => void } = {}) {
  const cfg: SchedulerConfig = {
    policy, maxBatchedTokens: 10_000, maxSeqs: 64, chunked: true, mixed: false, kvTokens, perStep: 1, queryTokens: 1,
    prefixHit: 0, role: 'mixed',
    price: (d, _ctx, p) => ({ seconds: 1, flops: d + p, bytes: 0 }),
  };
  return new Replica(cfg, { finish: () => {}, firstToken: () => {}, prefilled: () => {}, preempted: events.preempted ?? (() => {}) });
}

describe('SGLang admission by new_token_ratio estimate', () => {
  it('charges each request admitted in a round its whole input + output; preempt admits while prompts fit', () => {
    const est = replica('estimate', 1000), pre = replica('preempt', 1000);
    for (let i = 0; i < 12; i++) { est.enqueue(job(i, 100, 100)); pre.enqueue(job(i, 100, 100)); }
    // 200 < 1000, 800, 600, 400 admit four; 200 >= 200 stops the fifth
    expect(est.begin(0)).toMatchObject({ prefill: 400, decode: 0 });
    expect(pre.begin(0)).toMatchObject({ prefill: 1000, decode: 0 });
    est.end(1);
    // next round: 4 running, 404 KV used, 4 x 99 outputs to come at 0.7 = 277.2 held back: 200 < 596 - 277.2 admits
    // one more (offset 477.2), then 200 >= 118.8 stops
    expect(est.begin(1)).toMatchObject({ prefill: 100, decode: 0 });
  });
  it('the ratio falls a step per decode-only iteration and returns to its start when the engine idles', () => {
    const r = replica('estimate', 1e6);
    r.enqueue(job(0, 10, 5));
    let t = 0;
    const step = () => { const rec = r.begin(t); t += 1; if (rec) r.end(t); return rec; };
    step(); // prefill
    expect(r.ratio).toBe(NEW_TOKEN_RATIO.init);
    step(); step();
    const min = NEW_TOKEN_RATIO.init * NEW_TOKEN_RATIO.minFactor;
    expect(r.ratio).toBeCloseTo(NEW_TOKEN_RATIO.init - (2 * (NEW_TOKEN_RATIO.init - min)) / NEW_TOKEN_RATIO.decaySteps, 12);
    while (step()) { /* drain */ }
    expect(r.ratio).toBe(NEW_TOKEN_RATIO.init);
  });
  it('retraction sets the ratio from the kept decodes: (generated + 20 per request) / outputs, at most 1', () => {
    let retracted = 0;
    // 10 in / 2000 out in a 3000-token cache: the first request is charged 2010 alone; the second waits until the
    // ratio has decayed enough (about 300 decode iterations), and the two together outgrow the cache later
    const r = replica('estimate', 3000, { preempted: () => retracted++ });
    for (let i = 0; i < 3; i++) r.enqueue(job(i, 10, 2000));
    let t = 0, before = 0;
    for (let i = 0; i < 6000 && retracted === 0; i++) { before = r.ratio; const rec = r.begin(t); t += 1; if (rec) r.end(t); }
    expect(retracted).toBeGreaterThan(0);
    // the ratio had decayed to its floor; retraction raised it to the kept decode's (generated + 20) / output
    expect(before).toBeCloseTo(NEW_TOKEN_RATIO.init * NEW_TOKEN_RATIO.minFactor, 9);
    expect(r.ratio).toBeGreaterThan(0.5);
    expect(r.ratio).toBeLessThanOrEqual(1);
  });
  it('sglang binds estimate admission; vLLM keeps preempt', () => {
    const lib = getLibrary();
    const hw = (rt: string): NormalizedHardware => bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime(rt)!);
    expect(serveRuntime(hw('sglang'), undefined).policy).toBe('estimate');
    expect(serveRuntime(hw('vllm'), undefined).policy).toBe('preempt');
  });
  it('the outputs to come are kept in closed form: equal to the per-request sum with outputs past the clip, finishes and retractions', () => {
    let retracted = 0;
    // outputs of 5000 and 4200 cross the 4096 clip a few hundred decode steps in; a small cache forces retractions
    const r = replica('estimate', 14_000, { preempted: () => retracted++ });
    for (let i = 0; i < 6; i++) r.enqueue(job(i, 50 + i, i % 2 ? 4200 : 5000));
    for (let i = 0; i < 4; i++) r.enqueue(job(10 + i, 30, 300));
    let t = 0, checked = 0, sawLong = false;
    for (let i = 0; i < 20_000; i++) {
      const rec = r.begin(t);
      t += 1;
      if (!rec) break;
      const byRequest = r.decodeRemainingByRequest();
      if (byRequest > 4096) sawLong = true;
      expect(r.decodeRemaining()).toBeCloseTo(byRequest, 6);
      checked++;
      r.end(t);
    }
    expect(checked).toBeGreaterThan(5000);
    expect(sawLong).toBe(true);
    expect(retracted).toBeGreaterThan(0);
  });
});

