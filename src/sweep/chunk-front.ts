// A chunk's Pareto candidates as numbers: the engine side writes each row's metrics into a typed array (no object per
// row, nothing to clone between threads), and the side that keeps the fronts builds the points and the chunk's local
// front from it. With an engine thread that is the main thread, which otherwise waits (issue 15: the front off the
// engine thread, the critical path of a split sweep).
//
//   row's result ──writeMetrics──▶ Float64Array (METRICS per row) ──chunkFront──▶ paretoFronts(points)
import type { SimulateResult } from '../sim/types.js';
import { paretoFronts, paretoMetrics, perUnit, type ParetoPoint } from './pareto.js';

// per row: system throughput (NaN: the row is no point), latency, per device, per dollar (NaN: null), the model's place
export const METRICS = 5;

/** a row that is no point (infeasible, or no metrics to compare) */
export function noMetrics(out: Float64Array, row: number): void {
  out[row * METRICS] = NaN;
}

/** a feasible row's metrics (paretoMetrics, perUnit), or noMetrics when it has none */
export function writeMetrics(out: Float64Array, row: number, r: SimulateResult, model: number): void {
  const at = row * METRICS;
  const m = paretoMetrics(r);
  if (!m) {
    out[at] = NaN;
    return;
  }
  const u = perUnit(r, m[0]);
  out[at] = m[0];
  out[at + 1] = m[1];
  out[at + 2] = u.perDevice;
  out[at + 3] = u.perDollar ?? NaN; // never NaN otherwise: a finite throughput over a positive number
  out[at + 4] = model;
}

/** the points of rows [start, end) (metrics from row 0) reduced to the chunk's local front; groups: each model's cell */
export function chunkFront(metrics: Float64Array, start: number, end: number, groups: readonly string[]): ParetoPoint[] {
  const points: ParetoPoint[] = [];
  for (let index = start, at = 0; index < end; index++, at += METRICS) {
    const throughput = metrics[at]!;
    if (throughput !== throughput) continue; // NaN: no point
    const perDollar = metrics[at + 3]!;
    points.push({ group: groups[metrics[at + 4]!]!, throughput, perDevice: metrics[at + 2]!, perDollar: perDollar === perDollar ? perDollar : null, latency: metrics[at + 1]!, index, line: '' });
  }
  return paretoFronts(points);
}
