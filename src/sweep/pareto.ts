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

// The points of each model, each model's sorted by latency (Array.prototype.sort is stable).
function byGroupByLatency(points: ParetoPoint[]): Iterable<ParetoPoint[]> {
  const groups = new Map<string, ParetoPoint[]>();
  for (const p of points) {
    const g = groups.get(p.group);
    if (g) g.push(p);
    else groups.set(p.group, [p]);
  }
  for (const g of groups.values()) g.sort((a, b) => a.latency - b.latency);
  return groups.values();
}

// The rule, on one model's points sorted by latency: the points of a run of equal latency whose throughput on `basis` is
// that run's best are on the front when that best beats every throughput at strictly lower latency. A point without a
// usable throughput (null, not finite) is never on it and hides nothing. Which points of a run make the front does not
// depend on their order within it.
function keepFront(g: ParetoPoint[], basis: ParetoBasis, keep: (p: ParetoPoint) => void): void {
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
      for (let k = i; k < j; k++) if (basisValue(g[k]!, basis) === groupMax) keep(g[k]!);
      bestBefore = groupMax;
    }
    i = j;
  }
}

// The union of the three fronts (what a worker keeps of its chunk: every row that may be on any global front), in
// index order, with one grouping and one sort by latency shared by the three bases (issue 15: three sorts per chunk
// were ~3% of a sweep).
export function paretoFronts(points: ParetoPoint[]): ParetoPoint[] {
  const seen = new Set<number>();
  const out: ParetoPoint[] = [];
  const keep = (p: ParetoPoint) => {
    if (!seen.has(p.index)) (seen.add(p.index), out.push(p));
  };
  for (const g of byGroupByLatency(points)) for (const basis of PARETO_BASES) keepFront(g, basis, keep);
  return out.sort((a, b) => a.index - b.index);
}

export function paretoFront(all: ParetoPoint[], basis: ParetoBasis = 'system'): ParetoPoint[] {
  const front: ParetoPoint[] = [];
  const keep = (p: ParetoPoint) => void front.push(p);
  for (const g of byGroupByLatency(all)) keepFront(g, basis, keep);
  return front.sort((a, b) => a.index - b.index);
}
