// Mean TPOT at full load, as `vllm bench serve` reports it: per request (e2e − TTFT) / (output − 1), then averaged
// over requests (vllm/benchmarks/serve.py and benchmarks/benchmark_serving.py calculate_metrics:
// tpots.append(latency_minus_ttft / (output_len - 1)), mean_tpot_ms = np.mean(tpots)). Mean ITL weights every gap between two tokens equally instead.
// With one length for every request the two agree; with a spread of lengths (ShareGPT) the short requests, whose
// few tokens all come out while other requests' prompts are chunked into the same iterations, count as much as
// long ones, so the per-request mean sits well above mean ITL. Published: gpt-oss-20b, vLLM v0.11.0, 1000 ShareGPT
// prompts at once on one H100: mean TPOT 91.00 ms, mean ITL 44.98 ms, median TPOT 55.52 ms (gpustack/gpustack
// docs/performance-lab/gpt-oss-20b/h100.md, vLLM benchmark result block; row N1460). The test pins the definition
// (per request, then averaged), not a number.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { serve } from '../src/serve/serve.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const M = lib.models['llama-3.1-8b']! as DecoderModel;
const H100 = lib.hardware['h100-sxm']!;
const burst = (inputTokens: string | number, outputTokens: string | number) =>
  serve({ model: M, hardware: H100, inputTokens, outputTokens, concurrency: 400, requests: 400 }).result;

describe('mean TPOT is a per-request mean (vllm bench serve)', () => {
  it('equals mean ITL within a few percent when every request has the same lengths', () => {
    const r = burst(233, 221);
    expect(r.tpot_s.mean / r.itl_s.mean).toBeGreaterThan(0.9);
    expect(r.tpot_s.mean / r.itl_s.mean).toBeLessThan(1.15);
  });
  it('sits above mean ITL when lengths spread and all prompts arrive at once', () => {
    const fixed = burst(233, 221);
    const spread = burst('lognormal:233,250', 'lognormal:221,250');
    expect(spread.tpot_s.mean / spread.itl_s.mean).toBeGreaterThan(1.2);
    expect(spread.tpot_s.mean / spread.itl_s.mean).toBeGreaterThan(fixed.tpot_s.mean / fixed.itl_s.mean + 0.1);
    // the median request is not the mean one: short requests in the prefill burst pull the mean up
    expect(spread.tpot_s.mean).toBeGreaterThan(spread.tpot_s.p50);
    expect(Number.isFinite(spread.tpot_s.mean)).toBe(true);
  });
});
