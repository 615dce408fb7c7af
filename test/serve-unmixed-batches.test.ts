// SGLang does not mix prefill and decode in one iteration (enable_mixed_chunk False; Scheduler.get_next_batch_to_run
// "Run prefill first if possible"): an iteration that can form prefill chunks runs them alone and the running decodes
// wait for the next decode-only iteration. vLLM and TensorRT-LLM mix them. runtimes/sglang.yaml scheduler.mixed_batches.
import { describe, expect, it } from 'vitest';
import { Replica, type Job, type SchedulerConfig } from '../src/serve/scheduler.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { serve } from '../src/serve/serve.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const job = (id: number, input: number, output: number): Job => ({
  id, sent: 0, input, output, prompt: input, computed: 0, done: 0, firstToken: -1, firstSched: -1, decStart: 0, decDone0: 0,
  gen: 0, state: 0, ready: false, chunk: 0, runPos: 0,
});

function replica(mixed: boolean | undefined, finished: Job[]) {
  const cfg: SchedulerConfig = {
    policy: 'preempt', maxBatchedTokens: 100, maxSeqs: 8, chunked: true, mixed, kvTokens: 1e6, perStep: 1, queryTokens: 1,
    prefixHit: 0, role: 'mixed',
    price: (d, _ctx, p) => ({ seconds: 1, flops: d + p, bytes: 0 }),
  };
  return new Replica(cfg, { finish: (j) => finished.push(j), firstToken: () => {}, prefilled: () => {}, preempted: () => {} });
}

// request a (50 in / 4 out) queued on a fresh replica, b (150 in / 2 out) for the test to enqueue; step() runs one
// iteration of one second
function twoRequests(mixed: boolean | undefined) {
  const fin: Job[] = [];
  const r = replica(mixed, fin);
  const a = job(0, 50, 4), b = job(1, 150, 2);
  r.enqueue(a);
  let t = 0;
  const step = () => { const rec = r.begin(t); t += 1; r.end(t); return rec!; };
  return { fin, r, a, b, step };
}

describe('unmixed batches (SGLang): prefill-only iterations first, decodes wait', () => {
  it('a prompt that arrives while another decodes runs alone; the decode resumes after it', () => {
    const { fin, r, a, b, step } = twoRequests(false);
    expect(step()).toMatchObject({ decode: 0, prefill: 50 }); // a's prompt; its first token
    expect(a.done).toBe(1);
    r.enqueue(b);
    // b's two chunks run alone: a's decode does not advance through them
    expect(step()).toMatchObject({ decode: 0, prefill: 100 });
    expect(step()).toMatchObject({ decode: 0, prefill: 50 });
    expect(fin).toHaveLength(0);
    // nothing left to prefill: decode-only iterations, both requests
    expect(step()).toMatchObject({ decode: 2, prefill: 0 });
    expect(fin.map((j) => j.id)).toEqual([1]); // b: 1 token from its prefill + 1 decode
    expect(step()).toMatchObject({ decode: 1, prefill: 0 });
    expect(step()).toMatchObject({ decode: 1, prefill: 0 });
    expect(fin.map((j) => j.id)).toEqual([1, 0]); // a: 1 + 3 decodes, none lost to the prefill iterations
    expect(a.done).toBe(4);
  });
  it('mixed (vLLM, the default): the decode rides in the prefill iterations and takes its budget', () => {
    const { fin, r, b, step } = twoRequests(undefined);
    step();
    r.enqueue(b);
    expect(step()).toMatchObject({ decode: 1, prefill: 99 });
    expect(step()).toMatchObject({ decode: 1, prefill: 51 });
    expect(step()).toMatchObject({ decode: 2, prefill: 0 });
    expect(fin.map((j) => j.id)).toEqual([0, 1]); // a: 1 + 3 decodes, two of them inside the prefill iterations
  });
  it('the runtimes: SGLang unmixed, vLLM and TensorRT-LLM mixed', () => {
    const lib = getLibrary();
    const hw = (rt: string) => bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime(rt));
    expect(serveRuntime(hw('sglang'), undefined).mixedBatches).toBe(false);
    expect(serveRuntime(hw('vllm'), undefined).mixedBatches).toBe(true);
    expect(serveRuntime(hw('tensorrt-llm'), undefined).mixedBatches).toBe(true);
  });
  it('under a burst: decode-only iterations are short but the decodes wait out the queue; ITL counts the wait', () => {
    const lib = getLibrary();
    const sg = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('sglang'));
    const mixed: NormalizedHardware = { ...sg, runtime: { ...sg.runtime!, scheduler: { ...sg.runtime!.scheduler, mixedBatches: true } } };
    const run = (hardware: NormalizedHardware) =>
      serve({ model: lib.models['qwen3-8b']! as DecoderModel, hardware, inputTokens: 2000, outputTokens: 100, requests: 300, concurrency: 300 }).result;
    const u = run(sg), m = run(mixed);
    // the decodes that rode in the 8192-token prefill iterations now run alone: most gaps are a decode-only step
    expect(u.itl_s.p50).toBeLessThanOrEqual(m.itl_s.p50 * (1 + 1e-9));
    // but the first requests wait for the whole queue's prefill before their second token
    expect(u.itl_s.max).toBeGreaterThan(m.itl_s.max);
    for (const x of [u, m]) {
      expect(Number.isFinite(x.throughput_tok_s)).toBe(true);
      expect(x.throughput_tok_s).toBeGreaterThan(0);
    }
  });
});
