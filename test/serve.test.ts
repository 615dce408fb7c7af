// The serving simulator: pure parts (sketch, lengths, trace), agreement with simulate's steady state (design.md
// "Contract, second round"), and one test per mechanism (queue growth, preemption, disaggregation, speculative
// decoding). Expected numbers come from simulate or from the step-cost function itself, never from constants.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { serve, type ServeOptions } from '../src/serve/serve.js';
import { QuantileSketch } from '../src/serve/sketch.js';
import { parseLength, sampleLength } from '../src/serve/lengths.js';
import { makeRng } from '../src/serve/rng.js';
import { resolveRuntime } from '../src/runtime/resolve.js';
import { useScratchDir } from './helpers/scratch.js';
import { parseTrace } from '../src/serve/trace.js';
import { StepCoster } from '../src/serve/step-cost.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { makeDrafter, specPrice, tokensPerStep } from '../src/serve/spec-decode.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const M = lib.models['llama-3.1-8b']! as DecoderModel;
const H100 = lib.hardware['h100-sxm']!;
const sim = (batch: number | 'max', L: number, O: number, extra: Record<string, unknown> = {}) =>
  simulate(buildRequest({ batch, input_tokens: L, output_tokens: O, ...extra }, M, H100, libraryModel));
const run = (o: Partial<ServeOptions>) => serve({ model: M, hardware: H100, inputTokens: 1024, outputTokens: 256, ...o }).result;
const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe('sketch', () => {
  it('is exact for few samples (numpy linear interpolation) and within 1% for many', () => {
    const s = new QuantileSketch();
    for (const x of [1, 2, 3, 4, 5]) s.add(x);
    expect(s.quantile(0.5)).toBe(3);
    expect(s.quantile(0.9)).toBeCloseTo(4.6, 12);
    const big = new QuantileSketch();
    const rng = makeRng(1);
    const xs: number[] = [];
    for (let i = 0; i < 50000; i++) {
      const x = Math.exp(3 * rng());
      xs.push(x);
      big.add(x);
    }
    xs.sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99]) expect(rel(big.quantile(q), xs[Math.floor(q * (xs.length - 1))]!)).toBeLessThan(0.01);
    expect(big.max).toBe(xs[xs.length - 1]);
  });
});

describe('lengths and traces', () => {
  it('lognormal:mean,sd has that mean and sd of the count itself', () => {
    const d = parseLength('input-tokens', 'lognormal:1000,500', 512, 1);
    const rng = makeRng(7);
    let s = 0, s2 = 0;
    const n = 40000;
    for (let i = 0; i < n; i++) {
      const x = sampleLength(d, rng, 1);
      s += x;
      s2 += x * x;
    }
    const mean = s / n, sd = Math.sqrt(s2 / n - mean * mean);
    expect(rel(mean, 1000)).toBeLessThan(0.02);
    expect(rel(sd, 500)).toBeLessThan(0.05);
  });
  it('a bad trace row is one error naming the file and line', () => {
    expect(() => parseTrace('input_tokens,output_tokens\n10,5\n-3,5\n', 't.csv', 8192)).toThrow(/^t\.csv:3: input_tokens must be an integer ≥ 1, found "-3"$/);
    expect(() => parseTrace('{"input_tokens": 5, "output_tokens": 2}\n{"input_tokens": 5}\n', 't.jsonl', 8192)).toThrow(/^t\.jsonl:2: output_tokens is missing/);
    const rows = parseTrace('{"arrival_s": 0.5, "input_tokens": 5, "output_tokens": 2, "prefix_id": "sys", "prefix_tokens": 3}\n', 't.jsonl', 8192);
    expect(rows).toEqual([{ arrival: 0.5, input: 5, output: 2, prefixId: 'sys', prefixTokens: 3 }]);
  });
});

describe('agreement with simulate (steady state)', () => {
  it('very low rate: p50 TTFT and TPOT within 10% of simulate --batch 1', () => {
    const s = sim(1, 1024, 256);
    const r = run({ rate: 0.05, requests: 100 });
    expect(rel(r.ttft_s.p50, s.ttft_s!)).toBeLessThan(0.1);
    expect(rel(r.tpot_s.p50, s.tpot_s!)).toBeLessThan(0.1);
  });
  it('closed loop at the batch simulate --batch max picks: throughput within 15%', () => {
    const s = sim('max', 1024, 256);
    const r = run({ concurrency: s.batch!, requests: 4000, maxNumSeqs: s.batch! });
    expect(rel(r.throughput_tok_s, s.throughput_tok_s!)).toBeLessThan(0.15);
  });
  it('llama.cpp: a decode step at a fixed batch prices the pass simulate prices (ggml kernel counts included)', () => {
    const model = lib.models['llama-2-7b']! as DecoderModel;
    const L0 = 512, O = 128;
    for (const [hwId, dtype, batch] of [['rtx-4090', 'q4_0', 1], ['h100-pcie', 'q4_0', 8], ['h100-pcie', 'fp16', 4]] as const) {
      const hw = bindRuntime(lib.hardware[hwId]!, libraryRuntime('llama.cpp-2024'));
      const s = simulate(buildRequest({ batch, input_tokens: L0, output_tokens: O, dtype }, model, hw, libraryModel));
      const coster = new StepCoster(model, hw, buildLayout(model, 1, 1, undefined, undefined), resolvePrecision(dtype, undefined, undefined, undefined, hw.runtime?.kernels));
      // simulate's decode phase: `batch` decodes over the context L0 … L0 + O (linear, so its mean prices it)
      const step = coster.compute(batch, L0 + O / 2, 0, 0).seconds;
      const simStep = s.phases.find((x) => x.name === 'decode')!;
      expect(rel(step, simStep.seconds)).toBeLessThan(1e-6);
      // and the kernel counts matter here: the graph as built (one kernel per op) prices the step lower
      const bare = { ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, decodeGraph: undefined } } };
      expect(new StepCoster(model, bare, buildLayout(model, 1, 1, undefined, undefined), resolvePrecision(dtype, undefined, undefined, undefined, hw.runtime?.kernels)).compute(batch, L0 + O / 2, 0, 0).seconds).toBeLessThan(step * 0.97);
    }
  });
  it("Little's law: mean in system = request throughput × mean e2e (within 5%)", () => {
    for (const o of [{ rate: 10 }, { rate: 40, burstiness: 0.5 }, { concurrency: 32 }] as Partial<ServeOptions>[]) {
      const r = run({ ...o, requests: 2000 });
      expect(rel(r.mean_in_system, r.request_throughput_per_s * r.e2e_s.mean)).toBeLessThan(0.05);
      expect(r.mean_running).toBeLessThanOrEqual(r.mean_in_system + 1e-9);
    }
  });
});

describe('mechanisms', () => {
  it('past capacity the queue grows without bound (with the number of requests)', () => {
    const cap = sim('max', 1024, 256).throughput_tok_s! / 256; // requests/s at saturation
    const a = run({ rate: 2 * cap, requests: 1000 });
    const b = run({ rate: 2 * cap, requests: 4000 });
    expect(b.queue_s.mean).toBeGreaterThan(3 * a.queue_s.mean);
    expect(b.mean_in_system - b.mean_running).toBeGreaterThan(3 * (a.mean_in_system - a.mean_running)); // mean queue length
    const under = run({ rate: 0.5 * cap, requests: 4000 });
    expect(under.queue_s.p99).toBeLessThan(1);
  });
  it('a full KV cache makes vLLM preempt and TensorRT-LLM hold requests back', () => {
    // the same usable memory for both (TensorRT-LLM's share of what is free, bound first), so that only the
    // scheduler policy differs
    const small: NormalizedHardware = bindRuntime({ ...H100, memory: { ...H100.memory, capacityBytes: 20e9 } }, libraryRuntime('tensorrt-llm'));
    // an engine built for the 256 clients (max_batch_size 256): its per-slot buffers (runtimes/tensorrt-llm.yaml
    // memory.slot) at the 2048 default would take 3.3 GB of the 20
    const o: Partial<ServeOptions> = { hardware: small, concurrency: 256, requests: 600, inputTokens: 512, outputTokens: 2048, maxNumSeqs: 256 };
    const v = run({ ...o, runtime: 'vllm' });
    const t = run({ ...o, runtime: 'tensorrt-llm' });
    expect(v.preemptions).toBeGreaterThan(0);
    expect(t.preemptions).toBe(0);
    const capBytes = 20e9; // peak KV never exceeds the device
    expect(v.kv_peak_bytes).toBeLessThan(capBytes);
    expect(t.mean_running).toBeLessThan(v.mean_running);
  });
  it('disaggregation: decode no longer waits for prefills (TPOT falls); TTFT pays the KV transfer', () => {
    const o: Partial<ServeOptions> = { rate: 6, requests: 600, inputTokens: 4096, outputTokens: 256 };
    const agg = run({ ...o, devices: 2 });
    const dis = run({ ...o, prefillDevices: 1, decodeDevices: 1 });
    expect(dis.tpot_s.p99).toBeLessThan(agg.tpot_s.p99);
    // at a very low rate TTFT = prefill + transfer, above the aggregated prefill alone
    const lowA = run({ rate: 0.05, requests: 50, inputTokens: 4096, outputTokens: 64, devices: 2 });
    const lowD = run({ rate: 0.05, requests: 50, inputTokens: 4096, outputTokens: 64, prefillDevices: 1, decodeDevices: 1 });
    expect(lowD.ttft_s.p50).toBeGreaterThan(lowA.ttft_s.p50);
    expect(lowD.devices).toBe(2);
  });
  it('speculative decoding: speed-up = accepted tokens per step over the step cost', () => {
    const k = 3, a = 0.7;
    const E = tokensPerStep(k, a);
    expect(E).toBeCloseTo((1 - a ** 4) / (1 - a), 12);
    const draft = lib.models['llama-3.2-1b']! as DecoderModel;
    const spec = { kind: 'draft' as const, k, acceptance: a, draftModel: draft };
    const plain = run({ rate: 0.02, requests: 30, inputTokens: 512, outputTokens: 512 });
    const fast = run({ rate: 0.02, requests: 30, inputTokens: 512, outputTokens: 512, spec });
    // the expected speed-up from the step costs at the mean context
    const L = buildLayout(M, 1, 1, undefined, undefined);
    const p = resolvePrecision('bf16');
    const coster = new StepCoster(M, H100, L, p);
    const ctx = 512 + 256;
    const expected = (E * coster.compute(1, ctx, 0, 0).seconds) / specPrice(coster, makeDrafter(spec, M, H100, L, p), k)(1, ctx, 0, 0).seconds;
    expect(rel(plain.tpot_s.mean / fast.tpot_s.mean, expected)).toBeLessThan(0.05);
    expect(expected).toBeGreaterThan(1);
  });
  it('speculative decoding on simulate: tpot falls by E over the step-cost ratio; acceptance 0 only costs', () => {
    const base = sim(8, 1024, 512);
    const mtp = sim(8, 1024, 512, { mtp: 2, acceptance: 0.8 });
    const none = sim(8, 1024, 512, { mtp: 2, acceptance: 0 });
    const E = tokensPerStep(2, 0.8);
    expect(mtp.tpot_s!).toBeLessThan(base.tpot_s!);
    expect(none.tpot_s!).toBeGreaterThan(base.tpot_s!); // E = 1, the verify and draft passes cost more
    // the step barely depends on A (only the replacements' prefill share grows with E), so tpot·E is nearly constant
    expect(rel(mtp.tpot_s! * E, none.tpot_s! * 1)).toBeLessThan(0.03);
    expect(rel(mtp.throughput_tok_s! / none.throughput_tok_s!, E)).toBeLessThan(0.03);
  });
  it('replicas behind a router share the load; least-loaded is never worse at the tail', () => {
    const one = run({ rate: 20, requests: 1500 });
    const rr = run({ rate: 20, requests: 1500, devices: 2 });
    const ll = run({ rate: 20, requests: 1500, devices: 2, router: 'least-loaded' });
    expect(rr.mean_running).toBeLessThan(one.mean_running);
    expect(ll.e2e_s.p99).toBeLessThanOrEqual(rr.e2e_s.p99 * 1.02);
  });
  it('prefix caching shortens TTFT', () => {
    const a = run({ rate: 0.05, requests: 30, inputTokens: 4096, outputTokens: 16 });
    const b = run({ rate: 0.05, requests: 30, inputTokens: 4096, outputTokens: 16, prefixHit: 0.75 });
    expect(b.ttft_s.p50).toBeLessThan(0.5 * a.ttft_s.p50);
  });
});

describe('plan', () => {
  it('options meet the SLOs, cheapest first; more load never needs fewer devices', async () => {
    const { plan } = await import('../src/serve/plan.js');
    const base = { model: M, hardware: [H100, lib.hardware['h200-sxm']!], resolveModel: libraryModel, sloTtftS: 2, sloTpotS: 0.05, inputTokens: 1024, outputTokens: 256, maxDevices: 16, requests: 400, prices: new Map(), priceAll: 3 };
    const a = plan({ ...base, rate: 5 });
    const b = plan({ ...base, rate: 40 });
    for (const r of [a, b]) {
      expect(r.options.length).toBeGreaterThan(0);
      for (const o of r.options) {
        expect(o.ttft_s).toBeLessThanOrEqual(2);
        expect(o.tpot_s).toBeLessThanOrEqual(0.05);
        expect(o.usd_per_hour).toBeCloseTo(o.devices * 3, 9);
      }
      const cost = r.options.map((o) => o.usd_per_hour);
      expect([...cost].sort((x, y) => x - y)).toEqual(cost);
    }
    expect(b.options[0]!.devices).toBeGreaterThanOrEqual(a.options[0]!.devices);
  });
  it('none: one error naming the closest and the limit it misses', async () => {
    const { plan } = await import('../src/serve/plan.js');
    expect(() => plan({ model: M, hardware: [H100], resolveModel: libraryModel, rate: 5, sloTpotS: 0.001, maxDevices: 8, prices: new Map(), inputTokens: 512, outputTokens: 64 })).toThrow(
      /^no configuration of at most 8 devices on h100-sxm meets p99 TPOT ≤ 1 ms at 5 req\/s; closest: .*TPOT .* misses 1 ms by /,
    );
  });
});

describe('library API', () => {
  it('serve and plan take the flags as an object (camelCase) and return the --json result', async () => {
    const api = await import('../src/index.js');
    const r = await api.serve({ model: 'llama-3.1-8b', hardware: 'h100-sxm', rate: 2, requests: 50, inputTokens: 'uniform:100,300', outputTokens: 32, sloTtft: '1s' });
    expect(r.requests).toBe(50);
    expect(r.slo_attainment).toBeGreaterThan(0.9);
    expect(r.tco_usd_per_mtok === null || r.tco_usd_per_mtok > 0).toBe(true);
    const p = await api.plan({ model: 'llama-3.1-8b', hardware: ['h100-sxm'], rate: 2, sloTpot: '50ms', maxDevices: 2, requests: 100 });
    expect(p.options[0]!.hardware).toBe('h100-sxm');
  });
});

describe('admission policy (runtime scheduler.admission)', () => {
  const scratch = useScratchDir('hwperf-adm-');
  const m70 = lib.models['llama-2-70b']! as DecoderModel;
  const trt = bindRuntime(lib.hardware['b200']!, libraryRuntime('tensorrt-llm'));
  const maxUtil: NormalizedHardware = { ...trt, runtime: { ...trt.runtime!, scheduler: { ...trt.runtime!.scheduler, admission: 'preempt' } } };
  const load = (hw: NormalizedHardware) => serve({ model: m70, hardware: hw, dtype: 'fp4', inputTokens: 222, outputTokens: 301, maxNumSeqs: 2048, concurrency: 2048, requests: 6000 });
  it('TensorRT-LLM reserves by default (GUARANTEED_NO_EVICT), vLLM preempts, SGLang admits by estimate and preempts', () => {
    expect(serveRuntime(trt, undefined).policy).toBe('reserve');
    expect(serveRuntime(maxUtil, undefined).policy).toBe('preempt');
    const policy = (id: string) => serveRuntime(bindRuntime(lib.hardware['b200']!, libraryRuntime(id)), undefined).policy;
    expect(policy('vllm')).toBe('preempt');
    expect(policy('sglang')).toBe('estimate');
  });
  it('a runtime file that extends tensorrt-llm with admission: preempt models MAX_UTILIZATION', async () => {
    const rt = await resolveRuntime(scratch.write('trt-maxutil.yaml', 'id: trt-maxutil\nextends: tensorrt-llm\nscheduler:\n  admission: preempt\n'));
    const hw = bindRuntime(lib.hardware['b200']!, rt);
    expect(serveRuntime(hw, undefined)).toMatchObject({ policy: 'preempt', maxNumSeqs: 2048, chunkedPrefill: false });
  });
  it('reserve keeps at most cache / (input + output) running and never preempts; preempt runs more on the same cache', () => {
    const a = load(trt), b = load(maxUtil);
    const held = a.kvTokens / (222 + 301);
    expect(a.result.mean_running).toBeLessThanOrEqual(held + 1e-9);
    expect(a.result.preemptions).toBe(0);
    expect(b.kvTokens).toBe(a.kvTokens);
    expect(b.result.mean_running).toBeGreaterThan(held);
  });
});

describe('static batching (scheduler.batching: static) where it is not modelled', () => {
  const gaudi = bindRuntime(lib.hardware['gaudi3']!, libraryRuntime('optimum-habana'));
  it('simulate warns at pp > 1 (priced in flight) and not at pp 1', () => {
    const r = (pp: number) => simulate(buildRequest({ batch: 8, input_tokens: 512, output_tokens: 128, pp, devices: pp }, M, gaudi, libraryModel));
    expect(r(2).warnings.some((w) => /statically.*pp 1 only/.test(w))).toBe(true);
    expect(r(1).warnings.some((w) => /statically/.test(w))).toBe(false);
  });
  it('serve warns that it prices continuous batching', () => {
    const r = serve({ model: M, hardware: gaudi, inputTokens: 512, outputTokens: 64, rate: 1, requests: 20 }).result;
    expect(r.warnings.some((w) => /statically.*serve does not model/.test(w))).toBe(true);
    expect(run({ rate: 1, requests: 20 }).warnings.some((w) => /statically/.test(w))).toBe(false);
  });
});
