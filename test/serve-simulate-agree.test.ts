// serve and simulate price the same steps (issue 11's "numbers agree with each other"): at a low constant load (one
// request at a time) serve's p50 TTFT and TPOT are simulate --batch 1's within 3%, across engines, a static-shape NPU
// runtime (every decode reads the whole compiled context) and attention data parallelism; under load with attention
// DP serve adds the busiest rank's wait that simulate adds, and its per-iteration excess averages to simulate's.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { serve } from '../src/serve/serve.js';
import { expectedMaxOccupancy, expectedMaxPoisson } from '../src/sim/busiest-rank.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bindRuntime, withDefaultRuntime } from '../src/runtime/resolve.js';
import { kvCapacity } from '../src/serve/kv.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';

const lib = getLibrary();
const rel = (a: number, b: number) => Math.abs(a / b - 1);
type Extra = { tp?: number; attention_dp?: boolean; dtype?: string };

function pair(model: string, hardware: string, runtime: string | undefined, extra: Extra, L: number, O: number, load: { concurrency: number; requests: number }, rankChunks = true) {
  let hw = lib.hardware[hardware]!;
  if (runtime) {
    const rt = libraryRuntime(runtime);
    hw = bindRuntime(hw, rankChunks ? rt : { ...rt, scheduler: { ...rt.scheduler, dpRankChunks: false } });
  }
  const m = lib.models[model]! as DecoderModel;
  const s = simulate(buildRequest({ batch: load.concurrency, input_tokens: L, output_tokens: O, ...extra }, m, hw, libraryModel));
  const r = serve({ model: m, hardware: hw, inputTokens: L, outputTokens: O, maxNumSeqs: load.concurrency, tp: extra.tp, attentionDp: extra.attention_dp, dtype: extra.dtype, ...load }).result;
  return { s, r };
}

describe('serve agrees with simulate', () => {
  const CASES: [string, string, string | undefined, Extra, number, number][] = [
    ['llama-3.1-8b', 'h100-sxm', undefined, {}, 1024, 256], // vLLM (the default engine)
    ['llama-2-7b', 'mi300x', 'vllm-0.6', {}, 1024, 256], // hipBLASLt's fixed GEMM time; a 4K context: V0 runs the prompt unchunked
    ['gemma-3-27b', 'mi300x', undefined, {}, 2048, 256], // sliding-window layers
    ['llama-2-7b', 'rtx-4090', 'llama.cpp-2024', { dtype: 'q4_0' }, 512, 128], // ggml kernel counts
    ['llama-3.2-1b', 'snapdragon-8-elite', undefined, { dtype: 'int4' }, 512, 128], // Genie: a 4096-token static context
    ['qwen3-30b-a3b', 'h100-sxm', 'sglang', { tp: 4, attention_dp: true }, 1024, 256], // attention DP
    ['deepseek-v3', 'h200-sxm', 'sglang', { tp: 8, attention_dp: true, dtype: 'fp8' }, 1024, 256], // MLA + attention DP
    ['llama-3.1-8b', 'h100-sxm', 'transformers', {}, 1024, 256], // an eager generate() loop (host.decode_step)
    ['qwen3-8b', 'h100-sxm', 'transformers', {}, 1024, 256], // the same loop over a q/k-norm layer (decode_step.by_layer)
  ];
  it.each(CASES)('one request at a time: %s on %s (%s) — p50 TTFT and TPOT within 3% of simulate --batch 1', (model, hardware, runtime, extra, L, O) => {
    const { s, r } = pair(model, hardware, runtime, extra, L, O, { concurrency: 1, requests: 12 });
    expect(rel(r.ttft_s.p50, s.ttft_s!)).toBeLessThan(0.03);
    expect(rel(r.tpot_s.p50, s.tpot_s!)).toBeLessThan(0.03);
  });

  it('a static-shape runtime holds its whole compiled context per request in serve, as in simulate\'s memory', () => {
    const m = lib.models['llama-3.2-3b']! as DecoderModel;
    const hw = withDefaultRuntime(lib.hardware['snapdragon-8-elite']!, m);
    const S = hw.runtime!.staticContext!;
    expect(S).toBeGreaterThan(1);
    const kv = kvCapacity(m, hw, buildLayout(m, 1, 1, undefined, undefined), resolvePrecision('int4', undefined, undefined, undefined, hw.runtime!.kernels), 2048, 64);
    const load = { model: m, dtype: 'int4', inputTokens: 512, outputTokens: 128, concurrency: 64, maxNumSeqs: 64, requests: 200 };
    const held = serve({ ...load, hardware: hw }).result.mean_running;
    const dynamic = serve({ ...load, hardware: { ...hw, runtime: { ...hw.runtime!, staticContext: undefined } } }).result.mean_running;
    expect(held).toBeLessThanOrEqual(Math.floor(kv.tokens / S));
    expect(dynamic).toBeGreaterThan(2 * Math.floor(kv.tokens / S)); // the cap binds here
  });

  it('a static-shape runtime: serve says so in simulate\'s words', () => {
    const { s, r } = pair('llama-3.2-1b', 'snapdragon-8-elite', undefined, { dtype: 'int4' }, 512, 128, { concurrency: 1, requests: 4 });
    const w = s.warnings.find((x) => x.includes('compiled for a'));
    expect(w).toBeDefined();
    expect(r.warnings).toContain(w);
  });

  it('attention DP under load: throughput and p50 TPOT within 10% of simulate at that batch (the busiest rank sets the pace in both)', () => {
    // long prompts, short outputs: many prefills per step, so the wait is a large part of a step (without it serve
    // was 37% faster here)
    // one scheduler for the replica, its prompts landing on the ranks at random as simulate's do (SGLang's per-rank
    // schedulers, scheduler.dp_rank_chunks, fill every rank's chunk from its own queue instead)
    const { s, r } = pair('qwen3-30b-a3b', 'h100-sxm', 'sglang', { tp: 4, attention_dp: true }, 4096, 64, { concurrency: 32, requests: 1500 }, false);
    expect(rel(r.throughput_tok_s, s.throughput_tok_s!)).toBeLessThan(0.1);
    expect(rel(r.tpot_s.p50, s.tpot_s!)).toBeLessThan(0.1);
  });

  it("serve's excess for a known prefill count, averaged over Poisson counts, is simulate's Poisson excess", () => {
    // small cases by enumeration: every assignment of s requests to n ranks equally likely
    for (const [s, n] of [[1, 4], [2, 2], [3, 3], [5, 4], [6, 2]] as const) {
      let sum = 0;
      const total = n ** s;
      for (let a = 0; a < total; a++) {
        const c = new Array<number>(n).fill(0);
        for (let x = a, i = 0; i < s; i++, x = Math.floor(x / n)) c[x % n]!++;
        sum += Math.max(...c);
      }
      expect(expectedMaxOccupancy(s, n)).toBeCloseTo(sum / total, 12);
    }
    // Poissonization: with s ~ Poisson(n·λ) the ranks' counts are independent Poisson(λ) (means up to 24 requests:
    // counts above 64, where the exact sum gives way to the normal limit, have probability < 1e-9)
    for (const [lambda, n] of [[0.05, 8], [0.5, 4], [3, 2], [3, 8]] as const) {
      let e = 0, pmf = Math.exp(-n * lambda);
      for (let s = 0; s < 200; s++) {
        e += pmf * expectedMaxOccupancy(s, n);
        pmf *= (n * lambda) / (s + 1);
      }
      expect(e).toBeCloseTo(expectedMaxPoisson(lambda, n), 8);
    }
    // and past 64 requests the normal limit takes over within 2% of the exact excess at 64
    for (const n of [2, 4, 8, 16]) {
      const exact = expectedMaxOccupancy(64, n) - 64 / n;
      expect(rel(expectedMaxOccupancy(65, n) - 65 / n, exact)).toBeLessThan(0.02);
    }
  });
});
