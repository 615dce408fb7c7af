// Where requests come from: an open loop (--rate R requests/s, Poisson, or gamma inter-arrival times of shape
// --burstiness as vLLM's benchmarks/benchmark_serving.py draws them: θ = 1/(R·burstiness), so burstiness 1 is
// Poisson and < 1 burstier), a trace file (src/serve/trace.ts), or a closed loop of --concurrency clients that
// each send the next request when the last one finishes. Lengths are drawn from their distributions
// (src/serve/lengths.ts). Requests are drawn one at a time, so memory does not grow with --requests.
import { gamma, makeRng, type Rng } from './rng.js';
import { sampleRequest, type LengthDist } from './lengths.js';
import type { TraceRow } from './trace.js';

export interface Arrival {
  arrival: number; // s (open loop); closed loop: set by the engine
  input: number;
  output: number;
  prefixId?: string;
  prefixTokens?: number;
}

export interface Source {
  total: number;
  next(): Arrival | null;
}

export interface SourceSpec {
  requests: number;
  seed: number;
  rate?: number; // requests/s; undefined or Infinity: all at t = 0
  burstiness: number;
  input: LengthDist;
  output: LengthDist;
  maxContext: number; // input + output ≤ the model's context
  trace?: TraceRow[];
}

export function makeSource(s: SourceSpec): Source {
  const rng: Rng = makeRng(s.seed);
  const lenRng: Rng = makeRng(s.seed ^ 0x5bd1e995);
  let t = 0;
  let i = 0;
  const gap = (): number => {
    if (s.rate === undefined || !Number.isFinite(s.rate)) return 0;
    return gamma(rng, s.burstiness, 1 / (s.rate * s.burstiness));
  };
  const trace = s.trace;
  const total = trace ? Math.min(s.requests, trace.length) : s.requests;
  return {
    total,
    next(): Arrival | null {
      if (i >= total) return null;
      if (trace) {
        const r = trace[i++]!;
        if (r.arrival !== undefined) t = r.arrival;
        else if (i > 1) t += gap();
        return { arrival: t, input: r.input, output: r.output, prefixId: r.prefixId, prefixTokens: r.prefixTokens };
      }
      if (i > 0) t += gap();
      i++;
      const [drawnIn, drawnOut] = sampleRequest(s.input, s.output, lenRng, 1);
      const output = Math.min(drawnOut, s.maxContext - 1);
      const input = Math.min(drawnIn, s.maxContext - output);
      return { arrival: t, input, output };
    },
  };
}
