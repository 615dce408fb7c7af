// Host time per engine iteration that grows with the batch (src/runtime/host.ts) and the scheduler's per-device
// defaults as runtime files give them (scheduler.below_memory, by_hardware): the physics items of issue 11 for
// full-load serving under vLLM / SGLang.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { hostStepSeconds, schedulerSequences } from '../src/runtime/host.js';
import { StepCoster } from '../src/serve/step-cost.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { runtimeBatchCap } from '../src/sim/decoder.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { loadSpecFile } from '../src/spec/load.js';
import { expectOneLineSpecErrors } from './helpers/spec-issues.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel, NormalizedHardware, NormalizedRuntime } from '../src/spec/types.js';

const lib = getLibrary();
const under = (hw: string, rt: string): NormalizedHardware => bindRuntime(lib.hardware[hw]!, libraryRuntime(rt));
const withHost = (h: NormalizedHardware, o: { hostPerSequenceS?: number; hostOverlap?: boolean }): NormalizedHardware => ({ ...h, runtime: { ...h.runtime!, ...o } });
const sim = (flags: Record<string, unknown>, hw: NormalizedHardware) =>
  simulate(buildRequest(flags, lib.models[String(flags.model)]!, hw, (id) => lib.models[id]!));

describe('host time per iteration grows with the sequences in it (vLLM issues #6801, #10634)', () => {
  it('vLLM V1 and V0 carry 19 µs per running sequence, exposed (no async scheduling by default); SGLang and TensorRT-LLM none', () => {
    for (const id of ['vllm', 'vllm-0.6']) {
      const rt = under('mi300x', id).runtime!;
      expect(rt.hostPerSequenceS).toBeCloseTo(19e-6, 12);
      expect(rt.hostOverlap).toBe(false);
    }
    expect(under('h100-sxm', 'sglang').runtime!.hostPerSequenceS ?? 0).toBe(0);
  });
  it('every step of a batch-B cycle (B ≤ output length) pays B × the per-sequence time: tpot grows by exactly that', () => {
    const flags = { model: 'llama-3.1-70b', hardware: 'mi300x', dtype: 'fp8', tp: 8, 'input-tokens': 128, 'output-tokens': 512 };
    const v = under('mi300x', 'vllm');
    for (const B of [1, 32, 256]) {
      const a = sim({ ...flags, batch: B }, withHost(v, { hostPerSequenceS: 0 })).tpot_s!;
      const b = sim({ ...flags, batch: B }, v).tpot_s!;
      expect(b - a).toBeCloseTo(B * 19e-6, 9);
    }
  });
  it('overlapped host work (one step ahead) is hidden while the device step is longer, and sets the pace when it is not', () => {
    const rt = { stepOverheadS: 1e-3, hostPerSequenceS: 20e-6, hostOverlap: true };
    expect(hostStepSeconds(rt, 100, 10e-3)).toBeCloseTo(1e-3, 15); // 2 ms of host work behind a 10 ms step
    expect(hostStepSeconds(rt, 1000, 10e-3)).toBeCloseTo(1e-3 + 10e-3, 12); // 20 ms of host work: 10 ms exposed
    expect(hostStepSeconds({ ...rt, hostOverlap: false }, 100, 10e-3)).toBeCloseTo(3e-3, 15);
    // never negative, monotone in sequences, and overlap never costs more than the lockstep engine
    let prev = 0;
    for (let n = 0; n <= 4096; n += 64) {
      const t = hostStepSeconds(rt, n, 5e-3);
      expect(t).toBeGreaterThanOrEqual(prev);
      expect(t).toBeLessThanOrEqual(hostStepSeconds({ ...rt, hostOverlap: false }, n, 5e-3));
      prev = t;
    }
    expect(hostStepSeconds(undefined, 100, 1)).toBe(0);
  });
  it('full load under vLLM: more sequences in flight pay more host time per step, and throughput stays within batch / tpot', () => {
    const flags = { model: 'llama-3.1-8b', hardware: 'h100-sxm', dtype: 'fp8', batch: 'max', 'input-tokens': 128, 'output-tokens': 1024 };
    const v = under('h100-sxm', 'vllm');
    const with0 = sim(flags, withHost(v, { hostPerSequenceS: 0 }));
    const r = sim(flags, v);
    expect(r.throughput_tok_s!).toBeLessThan(with0.throughput_tok_s!);
    expect(r.throughput_tok_s!).toBeLessThanOrEqual(((r.batch as number) / r.tpot_s!) * (1 + 1e-9));
    expect(Number.isFinite(r.tpot_s!)).toBe(true);
  });
});

describe("TensorRT-LLM's per-request host time, one step ahead of the device (TorchSampler: PR #15920, 454 µs at 64 requests)", () => {
  const trt = under('b200', 'tensorrt-llm');
  const rt = trt.runtime!;
  it('carries 7.1 µs per request, overlapped, beside the 580 µs fixed part (the engine flow and engine-flow releases inherit it)', () => {
    expect(rt.hostPerSequenceS).toBeCloseTo(454e-6 / 64, 7);
    expect(rt.hostOverlap).toBe(true);
    expect(rt.stepOverheadS).toBeCloseTo(580e-6, 12);
    expect(under('h100-sxm', 'tensorrt-llm-0.6').runtime!.hostPerSequenceS).toBeCloseTo(rt.hostPerSequenceS!, 15);
  });
  it('a host-bound step of 2N requests spends N × 7.1 µs more than one of N; a device step longer than the loop hides it all', () => {
    const per = rt.hostPerSequenceS!;
    for (const n of [64, 256, 1024]) {
      // device step shorter than either loop: the loop sets the pace, so doubling the requests adds n × per
      const short = 1e-4;
      expect(hostStepSeconds(rt, 2 * n, short) - hostStepSeconds(rt, n, short)).toBeCloseTo(n * per, 12);
      // a device step of 50 ms outlasts 2048 × 7.1 µs = 14.5 ms: only the fixed part is exposed
      expect(hostStepSeconds(rt, 2 * n, 50e-3)).toBeCloseTo(rt.stepOverheadS!, 15);
    }
  });
  it('under attention DP each rank walks its own share of the requests (one executor / scheduler per rank)', () => {
    expect(schedulerSequences({ attentionDp: true, tp: 8 }, 1024)).toBe(128);
    expect(schedulerSequences({ attentionDp: false, tp: 8 }, 1024)).toBe(1024);
    expect(schedulerSequences({ attentionDp: true, tp: 1 }, 1024)).toBe(1024);
    // serve's iteration: with the loop in lockstep and made long, the tp 8 ADP step pays 1/8 of the plain TP step's loop
    const m = lib.models['deepseek-v3']! as DecoderModel;
    const big = withHost(trt, { hostPerSequenceS: 1e-3, hostOverlap: false });
    const zero = withHost(trt, { hostPerSequenceS: 0, hostOverlap: false });
    const p = resolvePrecision('fp8');
    const step = (hw: NormalizedHardware, adp: boolean) => new StepCoster(m, hw, buildLayout(m, 8, 1, 8, undefined, adp), p).compute(1024, 1000, 0, 0).seconds;
    expect(step(big, true) - step(zero, true)).toBeCloseTo((1024 / 8) * 1e-3, 9);
    expect(step(big, false) - step(zero, false)).toBeCloseTo(1024 * 1e-3, 9);
  });
  it('full load under TensorRT-LLM: a loop that outlasts the device slows the run and throughput stays within batch / tpot', () => {
    const flags = { model: 'llama-3.1-8b', hardware: 'b200', dtype: 'fp8', batch: 'max', 'input-tokens': 128, 'output-tokens': 1024 };
    const r = sim(flags, trt);
    const slow = sim(flags, withHost(trt, { hostPerSequenceS: 200e-6 }));
    expect(slow.tpot_s!).toBeGreaterThan(r.tpot_s!);
    for (const x of [r, slow]) {
      expect(Number.isFinite(x.tpot_s!)).toBe(true);
      expect(x.throughput_tok_s!).toBeLessThanOrEqual(((x.batch as number) / x.tpot_s!) * (1 + 1e-9));
    }
  });
});

describe('scheduler defaults per device class come from the runtime file', () => {
  it("vLLM 0.6 (V0): 256 sequences on every device; chunked prefill with 512 tokens a step above a 32K max_model_len, else off with a step covering max_model_len (V1's limits are not inherited)", () => {
    for (const hw of ['mi300x', 'l4', 'a100-sxm4-80gb', 'h200-sxm']) {
      const h = under(hw, 'vllm-0.6');
      const ctx = (id: string) => lib.models[id]!.context as number;
      expect(ctx('llama-3.1-8b')).toBeGreaterThan(32768);
      expect(serveRuntime(h, undefined, ctx('llama-3.1-8b'))).toMatchObject({ maxNumSeqs: 256, maxNumBatchedTokens: 512, chunkedPrefill: true });
      expect(ctx('llama-2-7b')).toBe(4096);
      expect(serveRuntime(h, undefined, 4096)).toMatchObject({ maxNumSeqs: 256, maxNumBatchedTokens: 4096, chunkedPrefill: false });
      expect(serveRuntime(h, undefined, 32768)).toMatchObject({ maxNumBatchedTokens: 32768, chunkedPrefill: false });
      expect(serveRuntime(h, undefined, 1024)).toMatchObject({ maxNumBatchedTokens: 2048, chunkedPrefill: false });
    }
    // V1 keeps its device classes, whatever the context
    expect(serveRuntime(under('h200-sxm', 'vllm'), undefined, 131072)).toMatchObject({ maxNumSeqs: 1024, maxNumBatchedTokens: 8192, chunkedPrefill: true });
  });
  it('vLLM: 1024 / 8192 on ≥ 70 GiB, 256 / 2048 below (below_memory) and on A100 80GB (by_hardware); SGLang 2048-token chunks below 60 GB', () => {
    expect(under('h200-sxm', 'vllm').runtime!.scheduler.maxNumBatchedTokens).toBe(8192);
    expect(under('l4', 'vllm').runtime!.scheduler).toMatchObject({ maxNumSeqs: 256, maxNumBatchedTokens: 2048 });
    expect(under('a100-sxm4-80gb', 'vllm').runtime!.scheduler).toMatchObject({ maxNumSeqs: 256, maxNumBatchedTokens: 2048 });
    expect(serveRuntime(under('l4', 'sglang'), 'sglang')).toMatchObject({ maxNumSeqs: 4096, poolSeqs: { perContext: 512, min: 2048 }, maxNumBatchedTokens: 2048, policy: 'estimate' });
    expect(serveRuntime(under('h100-sxm', 'sglang'), 'sglang').maxNumBatchedTokens).toBe(8192);
    // a runtime file without limits takes vLLM's for the device
    expect(serveRuntime(under('rtx-4090', 'llama.cpp'), 'llama.cpp').maxNumSeqs).toBe(256);
    expect(serveRuntime(under('h200-sxm', 'optimum-habana'), 'optimum-habana').maxNumSeqs).toBe(1024);
  });
  it('a user runtime file sets its own device classes, and simulate --batch max follows them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwperf-sched-'));
    try {
      const f = join(dir, 'eng.yaml');
      writeFileSync(f, `id: eng\nname: eng\nkind: runtime\nrole: serving\nscheduler:\n  max_num_seqs: 512\n  below_memory:\n    memory: 100 GB\n    max_num_seqs: 64\n  chunked_prefill: true\n  source: "test"\nsources: [test]\n`);
      const loaded = await loadSpecFile(f);
      expect(loaded.errors).toEqual([]);
      const rt = loaded.value!.spec as NormalizedRuntime;
      expect(runtimeBatchCap(bindRuntime(lib.hardware['h100-sxm']!, rt))).toBe(64);
      expect(runtimeBatchCap(bindRuntime(lib.hardware['mi300x']!, rt))).toBe(512);
      await expectOneLineSpecErrors(f, `id: eng\nname: eng\nkind: runtime\nrole: serving\nscheduler:\n  below_memory:\n    max_num_seqs: 64\n  source: "test"\nhost:\n  per_sequence: -1 us\n  source: "test"\nsources: [test]\n`, /scheduler\.below_memory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a GEMM library\'s fixed time per skinny call (kernels.gemm_fixed: hipBLASLt at M = 1 on MI300X, ROCm/rocm-libraries PR #12329)', () => {
  it('vLLM 0.6 on AMD: every decode GEMM takes 13.9 µs beyond its bytes instead of the device gap, at batch 1 and in a batched decode step alike', () => {
    const bound = under('mi300x', 'vllm-0.6');
    expect(bound.runtime!.kernels.gemmFixedS).toBeCloseTo(13.9e-6, 12);
    expect(under('h100-sxm', 'vllm-0.6').runtime!.kernels.gemmFixedS).toBeUndefined();
    // the host's dispatch floor of V0's eager steps (the prompt-carrying steps of the batch-64 cycle: 30.8 us per linear
    // layer, runtimes/vllm-0.6.yaml launch) is a separate cost that hides part of the fixed time behind it: taken off here
    const v = { ...bound, runtime: { ...bound.runtime!, launch: { ...bound.runtime!.launch, perKernelS: 0, perKernelByKindS: undefined } } };
    const none = { ...v, runtime: { ...v.runtime!, kernels: { ...v.runtime!.kernels, gemmFixedS: undefined } } };
    const flags = { model: 'llama-3.1-405b', hardware: 'mi300x', dtype: 'fp8', tp: 8, 'input-tokens': 128, 'output-tokens': 128 };
    const gap = v.efficiency.kernelOverheadS;
    const gemms = 4 * 126 + 1; // qkv, o, up, down per layer, and lm_head
    const d1 = sim({ ...flags, batch: 1 }, v).tpot_s! - sim({ ...flags, batch: 1 }, none).tpot_s!;
    expect(d1).toBeCloseTo(gemms * (13.9e-6 - gap), 9);
    // a set-up cost per call does not vanish past the matrix-vector rows (it did, and a decode step at 12 rows then cost
    // less than at 8: tpot fell as the batch grew, gpt3-6.7b on mi325x tp 4 pp 2 under vllm-0.7)
    const d64 = sim({ ...flags, batch: 64 }, v).tpot_s! - sim({ ...flags, batch: 64 }, none).tpot_s!;
    expect(d64).toBeCloseTo(gemms * (13.9e-6 - gap), 9);
  });
  it('decode steps stay monotone in the batch across the matrix-vector / tiled switch', () => {
    const v = under('mi325x', 'vllm-0.7');
    const flags = { model: 'gpt3-6.7b', hardware: 'mi325x', dtype: 'fp16', tp: 4, pp: 2, 'input-tokens': 0, 'output-tokens': 494 };
    let prev = 0;
    for (const batch of [2, 8, 16, 17, 24, 32, 54]) {
      const t = sim({ ...flags, batch }, v).tpot_s!;
      expect(t, `batch ${batch}`).toBeGreaterThanOrEqual(prev);
      prev = t;
    }
  });
  it('prompt GEMMs pay it too, at every row count: a prompt GEMM never costs less at more rows (qwen2.5-32b fp4 on mi355x, vllm-0.2)', () => {
    const v = under('mi355x', 'vllm-0.2');
    const m = lib.models['qwen2.5-32b'] as DecoderModel;
    const fp4 = resolvePrecision('fp4', undefined, undefined, undefined);
    const ffnUp = (rows: number) => buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), fp4, { prefillSeqs: 1, prefillLen: rows, decodeSeqs: 0 }).find((o) => o.name === 'ffn_up')!;
    // 3 rows ran the matrix-vector path with the fixed time, 27 the tiled path without it: 37.4 µs against 30.8
    let prev = 0;
    for (const rows of [1, 3, 8, 9, 27, 64, 256, 512, 4096]) {
      const c = opCost(ffnUp(rows), v, 'other');
      expect(c.overheadS, `${rows} rows`).toBeCloseTo(13.9e-6, 12);
      expect(c.seconds, `${rows} rows`).toBeGreaterThanOrEqual(prev);
      prev = c.seconds;
    }
    // the seed-33 counterexample: the whole batch's cold prefill grew shorter as the prompt grew (15.04 ms at 1 token, 14.62 at 9)
    const flags = { model: 'qwen2.5-32b', hardware: 'mi355x', dtype: 'fp4', batch: 3, 'output-tokens': 876 };
    let ttft = 0;
    for (const input of [0, 1, 9, 27, 50]) {
      const t = sim({ ...flags, 'input-tokens': input }, v).ttft_cold_s!;
      expect(t, `input ${input}`).toBeGreaterThanOrEqual(ttft);
      ttft = t;
    }
  });
});

describe('static batching (Optimum Habana text generation: scheduler.batching static)', () => {
  it('the batch is prefilled together, then decoded O − 1 steps: ttft = the cold prefill, e2e = ttft + (O − 1)·tpot, throughput = B·O / e2e', () => {
    const g = under('gaudi2', 'optimum-habana');
    expect(g.runtime!.scheduler.batching).toBe('static');
    const flags = { model: 'llama-2-70b', hardware: 'gaudi2', dtype: 'fp8', tp: 2, 'input-tokens': 2048, 'output-tokens': 128, batch: 95 };
    const r = sim(flags, g);
    expect(r.ttft_s!).toBeCloseTo(r.ttft_cold_s!, 12);
    expect(r.e2e_s!).toBeCloseTo(r.ttft_s! + 127 * r.tpot_s!, 9);
    expect(r.throughput_tok_s! / ((95 * 128) / r.e2e_s!)).toBeCloseTo(1, 9);
    // the same engine with in-flight batching carries a 2048-token prefill in most steps: a slower tpot
    const inflight = { ...g, runtime: { ...g.runtime!, scheduler: { ...g.runtime!.scheduler, batching: 'inflight' as const } } };
    expect(sim(flags, inflight).tpot_s!).toBeGreaterThan(r.tpot_s!);
    // more requests in the static batch never shorten any latency
    const r2 = sim({ ...flags, batch: 120 }, g);
    for (const k of ['ttft_s', 'tpot_s', 'e2e_s'] as const) expect(r2[k]!).toBeGreaterThanOrEqual(r[k]!);
  });
});
