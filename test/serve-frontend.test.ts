// serve's front end (src/serve/frontend.ts): the API-server process between the client and the engine, a serial
// resource that takes each request in and streams each output token back. runtimes/vllm.yaml prices the parts timed on
// their own (a lower bound: runtimes/vllm.yaml frontend); SGLang's none (nothing of its own timed); `--set
// runtime.frontend_per_token / frontend_per_request / api_servers` prices it for a run; `serve --frontend none` (offline
// runs, in-process MLPerf harnesses) leaves it out whatever the runtime file says.
import { describe, expect, it } from 'vitest';
import { Frontend } from '../src/serve/frontend.js';
import { runEngine, type EngineSetup } from '../src/serve/engine.js';
import { makeSource } from '../src/serve/arrivals.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { applySet, applySetPlain } from '../src/hardware/set-path.js';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { loadSpecData, type SpecContext } from '../src/spec/load.js';
import type { NormalizedRuntime } from '../src/spec/types.js';
import { serve } from '../src/serve/serve.js';
import { parseCommand } from '../src/sim/accuracy.js';

// a burst of n requests (input / output tokens) on `replicas` replicas whose iteration costs 1 ms + 1 µs per token
function burst(n: number, input: number, output: number, frontend?: EngineSetup['frontend'], replicas = 1) {
  return runEngine({
    source: makeSource({ requests: n, seed: 0, burstiness: 1, input: { kind: 'fixed', n: input }, output: { kind: 'fixed', n: output }, maxContext: 1e6 }),
    entry: {
      name: 'mixed', replicas, devicesPerReplica: 1,
      sched: {
        policy: 'preempt', maxBatchedTokens: 8192, maxSeqs: 1024, chunked: true, kvTokens: 1e9, perStep: 1, queryTokens: 1,
        prefixHit: 0, role: 'mixed', price: (d, _c, p) => ({ seconds: 1e-3 + (d + p) * 1e-6, flops: 0, bytes: 0 }),
      },
    },
    router: 'round-robin',
    slo: {},
    frontend,
  });
}

describe('front end: closed forms', () => {
  it('takes requests in one after another, ahead of the tokens queued behind it', () => {
    const f = new Frontend({ perRequestS: 1e-3, perTokenS: 1e-4 });
    expect([f.intake(0), f.intake(0), f.intake(0)]).toEqual([1e-3, 2e-3, 3e-3]);
    expect(f.stream(1e-3, 10)).toBeCloseTo(4e-3, 12); // 3 ms of intake, then 10 tokens at 0.1 ms
    expect(f.intake(3.5e-3)).toBeCloseTo(4.5e-3, 12); // intake does not wait for the tokens
    expect(f.delivered).toBeCloseTo(5e-3, 12); // they wait for it
    expect(f.stream(1, 2)).toBeCloseTo(1.0002, 12); // idle since: starts when the tokens do
  });
});

describe('front end in the engine loop', () => {
  it('costs of 0, or none, leave every metric as the engine gives it', () => {
    const a = burst(200, 100, 50), b = burst(200, 100, 50, { perRequestS: 0, perTokenS: 0 });
    expect(b.duration).toBe(a.duration);
    expect(b.ttft.summary().mean).toBe(a.ttft.summary().mean);
    expect(b.tpot.summary().mean).toBe(a.tpot.summary().mean);
  });
  it('streaming slower than the engine produces paces the run: output tokens ≤ 1 / per-token cost', () => {
    const n = 200, out = 50;
    const eng = burst(n, 100, out);
    const perTokenS = 2 * eng.duration / (n * out); // half the engine's token rate
    const fe = burst(n, 100, out, { perRequestS: 0, perTokenS });
    expect(eng.outputTokens / eng.duration).toBeGreaterThan(1 / perTokenS);
    expect(fe.outputTokens / fe.duration).toBeLessThanOrEqual(1 / perTokenS * (1 + 1e-9));
    expect(fe.duration).toBeGreaterThanOrEqual(n * out * perTokenS * (1 - 1e-9));
    expect(fe.tpot.summary().mean).toBeGreaterThan(eng.tpot.summary().mean); // the tokens reach the client later and later
    expect(fe.itl.summary().mean).toBe(eng.itl.summary().mean); // the engine's iterations are unchanged
  });
  it('a front end in the engine\'s own process (vLLM before 0.6, PR #6883) is serial with its iterations: each waits for the tokens of the one before', () => {
    const n = 200, out = 50, perTokenS = 2e-6;
    const eng = burst(n, 100, out);
    const apart = burst(n, 100, out, { perRequestS: 0, perTokenS });
    const shared = burst(n, 100, out, { perRequestS: 0, perTokenS, sharedWithEngine: true });
    // the same iterations, each pushed back by the streaming of the tokens before it: the run lasts the engine's time
    // plus every token's frame
    expect(shared.duration).toBeCloseTo(eng.duration + n * out * perTokenS, 9);
    expect(apart.duration).toBeLessThan(shared.duration); // apart, streaming overlaps the next iteration
    expect(shared.itl.summary().mean).toBeGreaterThan(eng.itl.summary().mean); // the wait is in the token gaps
    expect(apart.itl.summary().mean).toBe(eng.itl.summary().mean);
    expect(shared.outputTokens).toBe(eng.outputTokens);
    // each replica is a server of its own: one replica does not wait for another's tokens, so two replicas serve twice
    // the requests in the time one serves half
    const fe = { perRequestS: 0, perTokenS, sharedWithEngine: true };
    const two = burst(2 * n, 100, out, fe, 2);
    // (the client-side delivery of both replicas' last tokens is the run's one front end: 0.07% here; one front end
    // gating both engines would add a second n·out·perTokenS, +20%)
    expect(Math.abs(two.duration / shared.duration - 1)).toBeLessThan(0.005);
    expect(two.outputTokens).toBe(2 * shared.outputTokens);
    // the intake (the prompt's tokenization) is the replica's own work too, serial with its engine: a burst's requests
    // are all taken in before the engine gets past its first iteration
    const perRequestS = 1e-4;
    const intakeShared = burst(n, 100, out, { perRequestS, perTokenS: 0, sharedWithEngine: true });
    const intakeApart = burst(n, 100, out, { perRequestS, perTokenS: 0 });
    expect(intakeShared.duration).toBeGreaterThanOrEqual(eng.duration + 0.9 * n * perRequestS);
    expect(intakeApart.duration).toBeLessThan(intakeShared.duration);
  });
  it('a fast front end changes little; a per-request cost delays the burst\'s first tokens by about half the intake', () => {
    const eng = burst(200, 100, 50);
    const fast = burst(200, 100, 50, { perRequestS: 0, perTokenS: 1e-9 });
    expect(fast.duration / eng.duration).toBeLessThan(1.01);
    const perRequestS = 1e-3;
    const slow = burst(200, 100, 50, { perRequestS, perTokenS: 0 });
    // request i reaches the engine at i ms (mean (n + 1)/2 ms), where the burst's requests waited in the engine's
    // queue instead; trickling in, they also run in more, smaller iterations
    const added = slow.ttft.summary().mean - eng.ttft.summary().mean;
    expect(added).toBeGreaterThan(0.5 * (201 / 2) * perRequestS);
    expect(slow.duration).toBeGreaterThanOrEqual(200 * perRequestS);
  });
});

describe('front end: the shape of a burst paced by intake (validation/README.md "Bursts through an API server")', () => {
  it('an intake that holds the output stream puts every first token in one narrow band at its end and flushes the tokens made meanwhile', () => {
    const n = 200, perRequestS = 2e-3; // intake ends at 0.4 s; the engine alone serves the burst in well under that
    const eng = burst(n, 100, 4);
    const fe = burst(n, 100, 4, { perRequestS, perTokenS: 0 });
    const t = fe.ttft.summary();
    expect(eng.duration).toBeLessThan(n * perRequestS);
    expect(t.p50).toBeGreaterThan(0.9 * n * perRequestS); // first tokens wait for the last intake
    expect(t.max - t.p50).toBeLessThan(0.1 * t.p50); // ... all of them: a narrow band
    // the tokens the engine made meanwhile reach the client at once: TPOT falls below the engine's step, which is
    // why a per-request intake alone cannot give N1889's page (TTFT band 5.5-5.8 s AND TPOT at the engine's pace)
    expect(fe.tpot.summary().mean).toBeLessThan(0.5 * eng.itl.summary().mean);
  });
});

describe('front end: runtime settings', () => {
  const lib = getLibrary();
  it('vLLM\'s whole API server reproduces its measurement with the model removed (PR #43469: 4 API servers, 32 in / 512 out, 806.77 req/s) and stays above the parts timed on their own', () => {
    const hw = bindRuntime(lib.hardware['gb200']!, libraryRuntime('vllm'));
    const c = hw.runtime!.frontend!;
    expect(c.perOutputTokenS).toBeGreaterThanOrEqual(8.7e-6); // SSE frame 7.5 us + DecodeStream 1.2 us: a floor
    expect(c.perRequestS).toBeGreaterThanOrEqual(0.1e-3); // the prompt's tokenization: a floor
    // 1024 requests in flight (the PR's concurrency), each taken in and then streamed 512 tokens: four processes get
    // through them in 1024 / 806.77 s
    const f = new Frontend(serveRuntime(applySetPlain(hw, 'runtime.api_servers=4'), undefined).frontend!);
    for (let i = 0; i < 1024; i++) f.intake(0);
    const done = f.stream(0, 1024 * 512);
    expect(done).toBeGreaterThan(0.99 * 1024 / 806.77);
    expect(done).toBeLessThan(1.01 * 1024 / 806.77);
  });

  it('vLLM prices the parts timed (0.1 ms tokenization) and the measured whole per token (9.5 us); V0 the frame alone; SGLang none; --set overrides, runtime.api_servers shares', async () => {
    const hw = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('vllm'));
    expect(hw.runtime!.frontend).toEqual({ perRequestS: expect.closeTo(0.1e-3, 15), perOutputTokenS: expect.closeTo(9.5e-6, 15), processes: 1 });
    const v0 = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('vllm-0.6'));
    expect(v0.runtime!.frontend!.perOutputTokenS).toBeCloseTo(7.5e-6, 15); // V0 detokenizes in the engine process
    expect(v0.runtime!.frontend!.perRequestS).toBeCloseTo(0.1e-3, 15);
    expect(bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('sglang')).runtime!.frontend).toBeUndefined();
    // before 0.6 the API server and the engine share a process: the same costs, serial with the engine's steps
    expect(v0.runtime!.frontend!.sharedWithEngine).toBeUndefined();
    for (const id of ['vllm-0.5', 'vllm-0.2']) {
      const old = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime(id));
      expect(old.runtime!.frontend!.sharedWithEngine).toBe(true);
      expect(old.runtime!.frontend!.perOutputTokenS).toBeCloseTo(7.5e-6, 15);
      expect(serveRuntime(old, undefined).frontend!.sharedWithEngine).toBe(true);
    }
    expect(serveRuntime(v0, undefined).frontend!.sharedWithEngine).toBeUndefined();
    // a burst of 1000 requests sent at once: the last reaches the engine after 1000 intakes, 0.1 s; 4 API servers, 25 ms
    const lib1 = serveRuntime(hw, undefined).frontend!;
    const f1 = new Frontend(lib1);
    let last = 0;
    for (let i = 0; i < 1000; i++) last = f1.intake(0);
    expect(last).toBeCloseTo(0.1, 9);
    const f4 = new Frontend(serveRuntime(applySetPlain(hw, 'runtime.api_servers=4'), undefined).frontend!);
    for (let i = 0; i < 1000; i++) last = f4.intake(0);
    expect(last).toBeCloseTo(0.025, 9);
    let set = await applySet(hw, 'runtime.frontend_per_token=80us');
    set = await applySet(set, 'runtime.frontend_per_request=2ms');
    const one = serveRuntime(set, undefined).frontend!;
    expect(one.perRequestS).toBeCloseTo(2e-3, 15);
    expect(one.perTokenS).toBeCloseTo(80e-6, 15);
    set = applySetPlain(set, 'runtime.api_servers=4');
    const fe = serveRuntime(set, undefined).frontend!;
    expect(fe.perRequestS).toBeCloseTo(0.5e-3, 15);
    expect(fe.perTokenS).toBeCloseTo(20e-6, 15);
    // an engine named apart from the bound runtime has none priced
    expect(serveRuntime(set, 'sglang').frontend).toBeUndefined();
  });
  it('the library vLLM front end delays a burst\'s first tokens more the bigger the burst; --frontend none leaves them', async () => {
    const hw = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('vllm'));
    const ttft = async (requests: number, frontend: 'api' | 'none') =>
      (await serve({ model: lib.models['llama-3.2-1b']!, hardware: hw, concurrency: requests, requests, inputTokens: 128, outputTokens: 4, frontend })).result.ttft_s.mean;
    const gap = async (n: number) => (await ttft(n, 'api')) - (await ttft(n, 'none'));
    const [g100, g1000] = [await gap(100), await gap(1000)];
    expect(g100).toBeGreaterThan(0);
    expect(g1000).toBeGreaterThan(5 * g100); // intake is serial: ~n x 0.1 ms / 2 on average
  });

});

describe('front end: the runtime file block', () => {
  const load = async (frontend: Record<string, unknown>) => {
    const ctx: SpecContext = { file: 'x.yaml', docs: [], errors: [], warnings: [] };
    const r = await loadSpecData({ kind: 'runtime', id: 'x', name: 'X', role: 'serving', frontend, sources: ['test'] }, ctx);
    return { errors: r.errors, rt: (r.value as { spec?: NormalizedRuntime } | undefined)?.spec };
  };
  it('reads per_request, per_output_token and processes, and asks for a source', async () => {
    const ok = await load({ per_request: '1.5 ms', per_output_token: '60 us', processes: 2, source: 'a profile' });
    expect(ok.errors).toEqual([]);
    expect(ok.rt!.frontend!.perRequestS).toBeCloseTo(1.5e-3, 15);
    expect(ok.rt!.frontend!.perOutputTokenS).toBeCloseTo(60e-6, 15);
    expect(ok.rt!.frontend!.processes).toBe(2);
    expect((await load({ per_output_token: '60 us' })).errors.map((e) => e.message).join()).toMatch(/source/);
    const shared = await load({ per_output_token: '60 us', shared_with_engine: true, source: 'a PR' });
    expect(shared.errors).toEqual([]);
    expect(shared.rt!.frontend!.sharedWithEngine).toBe(true);
    expect((await load({ per_output_token: '60 us', shared_with_engine: 'yes', source: 'a PR' })).errors.length).toBeGreaterThan(0);
  });
});

describe('front end: the per-run switch (--frontend api|none)', () => {
  const lib = getLibrary();
  // a burst that the engine alone runs at ~12k output tok/s on one A100 (vLLM), with a front end that streams at most
  // 10k tok/s: only a run that enters through the API server pays for it
  const run = async (frontend?: 'api' | 'none') => {
    const hw = await applySet(bindRuntime(lib.hardware['a100-sxm4-80gb']!, libraryRuntime('vllm')), 'runtime.frontend_per_token=100us');
    return serve({ model: lib.models['llama-3.2-1b']!, hardware: hw, concurrency: 200, requests: 400, inputTokens: 200, outputTokens: 100, frontend }).result;
  };
  it('api (the default) prices the runtime file\'s front end and says so; none runs the engine alone', async () => {
    const [def, api, none] = [await run(), await run('api'), await run('none')];
    expect(def).toEqual(api);
    expect(api.frontend).toBe('api');
    expect(api.frontend_per_token_s).toBeCloseTo(100e-6, 15);
    expect(none.frontend).toBe('none');
    expect(none.frontend_per_token_s).toBe(0);
    expect(none.frontend_per_request_s).toBe(0);
    expect(none.throughput_tok_s).toBeGreaterThan(1e4); // the engine alone beats the front end's cap
    expect(api.throughput_tok_s).toBeLessThanOrEqual(1e4 * (1 + 1e-9)); // the API server paces the run
    expect(api.itl_s.mean).toBe(none.itl_s.mean); // the engine's iterations are the same
  });
  it('the accuracy harness reads --frontend none from a row\'s command', () => {
    expect(parseCommand('hwperf serve --model m --hardware h --concurrency 8 --frontend none --json').flags.frontend).toBe('none');
  });
  it('anything but api or none is an error naming the flag', async () => {
    const hw = lib.hardware['a100-sxm4-80gb']!;
    expect(() => serve({ model: lib.models['llama-3.2-1b']!, hardware: hw, concurrency: 2, requests: 2, frontend: 'offline' as 'none' })).toThrow(/--frontend/);
  });
});
