// The Pareto front of throughput (higher is better) against latency (lower is better), per model.
// For decoders that is throughput_tok_s vs tpot_s: what a serving planner trades when raising the batch
// or the parallelism. Other families have no per-token latency: images/s (or items/s) vs latency_s.
//
// A row is on the front when no other row of its model has latency ≤ and throughput ≥ with one of them
// strictly better. Equal points do not dominate each other, so ties are all kept. Workers reduce their
// chunk to a local front (a subset that contains every globally non-dominated row of the chunk); the main
// thread takes the front of the union, which is the global front.
import type { SimulateResult } from '../sim/types.js';
import { throughputOf } from '../report/rows.js';

export interface ParetoPoint {
  group: string; // the model (the row's model cell)
  throughput: number;
  latency: number;
  index: number; // the combination, to keep rows in sweep order
  line: string; // the row as written to the CSV
}

// The two metrics of a feasible result, or null when it has none to compare. Throughput is the one the
// compare report charts (tokens/s, images/s, audio seconds/s, runs/s); latency is tpot_s for decoders.
export function paretoMetrics(r: SimulateResult): [number, number] | null {
  const thr = throughputOf(r).value;
  const lat = r.tpot_s ?? r.latency_s ?? null;
  if (thr == null || lat == null || !Number.isFinite(thr) || !Number.isFinite(lat)) return null;
  return [thr, lat];
}

export function paretoFront(points: ParetoPoint[]): ParetoPoint[] {
  const groups = new Map<string, ParetoPoint[]>();
  for (const p of points) {
    const g = groups.get(p.group);
    if (g) g.push(p);
    else groups.set(p.group, [p]);
  }
  const front: ParetoPoint[] = [];
  for (const g of groups.values()) {
    // latency ascending, throughput descending within equal latency
    g.sort((a, b) => a.latency - b.latency || b.throughput - a.throughput);
    let bestBefore = -Infinity; // best throughput at strictly lower latency
    for (let i = 0; i < g.length; ) {
      const lat = g[i]!.latency;
      const groupMax = g[i]!.throughput;
      let j = i;
      for (; j < g.length && g[j]!.latency === lat; j++) {
        const p = g[j]!;
        if (p.throughput === groupMax && groupMax > bestBefore) front.push(p);
      }
      if (groupMax > bestBefore) bestBefore = groupMax;
      i = j;
    }
  }
  return front.sort((a, b) => a.index - b.index);
}
