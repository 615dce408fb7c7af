// The chunk's Pareto front from the metrics the engine side writes (src/sweep/chunk-front.ts) is the front of the
// points built from the results themselves: the same points, values, groups, nulls and index order.
import { describe, expect, it } from 'vitest';
import type { SimulateResult } from '../src/sim/types.js';
import { chunkFront, METRICS, noMetrics, writeMetrics } from '../src/sweep/chunk-front.js';
import { paretoFronts, paretoMetrics, perUnit, type ParetoPoint } from '../src/sweep/pareto.js';

// a small deterministic generator (no Math.random: the test is the same on every run)
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function result(r: () => number): SimulateResult | null {
  const k = r();
  if (k < 0.15) return null; // infeasible
  const thr = k < 0.2 ? null : k < 0.22 ? Infinity : Math.round(r() * 50) * 10; // ties, missing and non-finite
  const price = r() < 0.3 ? undefined : r() < 0.1 ? 0 : 1 + Math.round(r() * 4);
  return {
    family: 'decoder',
    throughput_tok_s: thr,
    tpot_s: r() < 0.05 ? null : Math.round(r() * 20) / 1000,
    latency_s: 1,
    devices: r() < 0.05 ? 0 : 1 + Math.floor(r() * 8),
    price_usd_per_hour: price,
  } as unknown as SimulateResult;
}

describe('chunkFront', () => {
  it('gives the front of the points made from the results, on chunks of random rows', () => {
    const groups = ['"model a"', 'b', 'c'];
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const start = Math.floor(r() * 1e6);
      const rows = 1 + Math.floor(r() * 600);
      const metrics = new Float64Array(rows * METRICS).fill(7); // reused buffers hold old values
      const points: ParetoPoint[] = [];
      for (let row = 0; row < rows; row++) {
        const res = result(r);
        const model = Math.floor(r() * groups.length);
        if (!res) {
          noMetrics(metrics, row);
          continue;
        }
        writeMetrics(metrics, row, res, model);
        const m = paretoMetrics(res);
        if (m) {
          const u = perUnit(res, m[0]);
          points.push({ group: groups[model]!, throughput: m[0], perDevice: u.perDevice, perDollar: u.perDollar, latency: m[1], index: start + row, line: '' });
        }
      }
      expect(chunkFront(metrics, start, start + rows, groups)).toEqual(paretoFronts(points));
    }
  });

  it('keeps a missing price as null, not NaN', () => {
    const metrics = new Float64Array(METRICS);
    writeMetrics(metrics, 0, { family: 'decoder', throughput_tok_s: 100, tpot_s: 0.01, devices: 2 } as unknown as SimulateResult, 0);
    const [p] = chunkFront(metrics, 5, 6, ['m']);
    expect(p).toEqual({ group: 'm', throughput: 100, perDevice: 50, perDollar: null, latency: 0.01, index: 5, line: '' });
  });
});
