// The Pareto front of throughput (higher is better) against latency (lower is better), per model.
// For decoders that is throughput_tok_s vs tpot_s: what a serving planner trades when raising the batch
// or the parallelism. Other families have no per-token latency: images/s (or items/s) vs latency_s.
// Three throughputs, three fronts: of the whole system (the biggest system wins it), per device, and per
// dollar (items per second per USD per hour of on-demand price: the cheapest way to each latency).
//
// A row is on the front when no other row of its model has latency ≤ and throughput ≥ with one of them
// strictly better. Equal points do not dominate each other, so ties are all kept. Workers reduce their
// chunk to a local front (a subset that contains every globally non-dominated row of the chunk); the main
// thread takes the front of the union, which is the global front.
import type { SimulateResult } from '../sim/types.js';
import { throughputOf } from '../report/rows.js';

export type ParetoBasis = 'system' | 'per_device' | 'per_dollar';
export const PARETO_BASES: readonly ParetoBasis[] = ['system', 'per_device', 'per_dollar'];

export interface ParetoPoint {
  group: string; // the model (the row's model cell)
  throughput: number; // whole system
  perDevice: number; // throughput / devices
  perDollar: number | null; // throughput / (devices × USD per device-hour); null without a price
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

// The per-device and per-dollar throughputs of a result whose system throughput is `thr`.
export function perUnit(r: SimulateResult, thr: number): { perDevice: number; perDollar: number | null } {
  const devices = r.devices > 0 ? r.devices : 1;
  const price = r.price_usd_per_hour;
  return { perDevice: thr / devices, perDollar: typeof price === 'number' && price > 0 ? thr / (devices * price) : null };
}

const basisValue = (p: ParetoPoint, basis: ParetoBasis): number | null =>
  basis === 'system' ? p.throughput : basis === 'per_device' ? p.perDevice : p.perDollar;

// The union of the three fronts (what a worker keeps of its chunk: every row that may be on any global front), in
// index order: paretoFront's rule on each basis, with one grouping and one sort by latency shared by the three (which
// rows of a run of equal latency make a front does not depend on their order there; issue 15: three sorts per chunk
// were ~3% of a sweep).
export function paretoFronts(points: ParetoPoint[]): ParetoPoint[] {
  const groups = new Map<string, ParetoPoint[]>();
  for (const p of points) {
    const g = groups.get(p.group);
    if (g) g.push(p);
    else groups.set(p.group, [p]);
  }
  const seen = new Set<number>();
  const out: ParetoPoint[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => a.latency - b.latency);
    for (const basis of PARETO_BASES) {
      let bestBefore = -Infinity; // best throughput at strictly lower latency
      for (let i = 0; i < g.length; ) {
        const lat = g[i]!.latency;
        let j = i;
        let groupMax = -Infinity; // best usable throughput at this latency
        for (; j < g.length && g[j]!.latency === lat; j++) {
          const thr = basisValue(g[j]!, basis);
          if (thr !== null && Number.isFinite(thr) && thr > groupMax) groupMax = thr;
        }
        if (groupMax > bestBefore) {
          for (let k = i; k < j; k++) {
            const p = g[k]!;
            if (basisValue(p, basis) === groupMax && !seen.has(p.index)) (seen.add(p.index), out.push(p));
          }
          bestBefore = groupMax;
        }
        i = j;
      }
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

export function paretoFront(all: ParetoPoint[], basis: ParetoBasis = 'system'): ParetoPoint[] {
  const groups = new Map<string, { p: ParetoPoint; thr: number }[]>();
  for (const p of all) {
    const thr = basisValue(p, basis);
    if (thr === null || !Number.isFinite(thr)) continue;
    const e = { p, thr };
    const g = groups.get(p.group);
    if (g) g.push(e);
    else groups.set(p.group, [e]);
  }
  const front: ParetoPoint[] = [];
  for (const g of groups.values()) {
    // latency ascending, throughput descending within equal latency
    g.sort((a, b) => a.p.latency - b.p.latency || b.thr - a.thr);
    let bestBefore = -Infinity; // best throughput at strictly lower latency
    for (let i = 0; i < g.length; ) {
      const lat = g[i]!.p.latency;
      const groupMax = g[i]!.thr;
      let j = i;
      for (; j < g.length && g[j]!.p.latency === lat; j++) {
        const e = g[j]!;
        if (e.thr === groupMax && groupMax > bestBefore) front.push(e.p);
      }
      if (groupMax > bestBefore) bestBefore = groupMax;
      i = j;
    }
  }
  return front.sort((a, b) => a.index - b.index);
}
