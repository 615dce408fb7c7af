// The busiest expert-parallel rank's share of a MoE layer. Under expert parallelism each rank runs the rows routed to
// its E/ep experts, and the layer ends at a collective (the FFN all-reduce, or the combine all-to-all), so the layer
// lasts as long as the busiest rank's experts take. hwperf routes tokens uniformly at random (top-k of E, as
// expertsTouched: src/model/decoder-graph.ts), which is exactly what a benchmark with forced-balanced routing does
// (Megatron-Core moe_router_force_load_balancing: random router logits) and a lower bound on a trained router's skew.
// Even uniform routing leaves the ranks unequal in any one step: this prices the expected maximum, not the mean.
// Pure functions of counts, no hardware, no fitted factor.
import { expectedMaxOccupancy } from '../sim/busiest-rank.js';

export interface BusiestRank {
  rows: number; // busiest rank's routed rows over the mean rank's (T·k/ep)
  touched: number; // busiest rank's touched experts over the mean rank's
}

const EVEN: BusiestRank = { rows: 1, touched: 1 };

/**
 * E experts, top-k routing, T tokens routed over ep ranks of E/ep experts each.
 *  - rows: the T·k (token, expert) rows fall on the ranks as a multinomial (expectedMaxOccupancy, src/sim/
 *    busiest-rank.ts); a token's k experts are distinct, which leaves a rank's count hypergeometric per token, its
 *    variance (E − k)/(E − 1) of the multinomial's, so the maximum's excess over the mean is scaled by the square root
 *    of that. A rank receives at most min(k, E/ep) rows of a token.
 *  - touched: each of a rank's E/ep experts is hit with probability q = 1 − (1 − k/E)^T (expertsTouched's per-expert
 *    chance), so a rank's touched count is Binomial(E/ep, q) (the experts taken as independent) and the busiest of ep
 *    ranks holds E[max] = Σ_{m<E/ep} (1 − F(m)^ep).
 * The two maxima are taken together, as if one rank held both: an upper bound by the gap between them, which closes
 * at few rows per expert (rows ≈ touched experts) and at many (every expert touched).
 */
export function busiestExpertRank(E: number, k: number, T: number, ep: number): BusiestRank {
  if (!(ep > 1) || !(T > 0) || !(E > 1) || !(k > 0)) return EVEN;
  // memo by the layer's shape (E, k, ep: whole counts below 2^17, packed into one number), then by T: no key is built
  // per MoE pass. Serve asks for a step's token count at a time: bounded, not a cache of all
  if (!(E < SHAPE && k < SHAPE && ep < SHAPE && Number.isInteger(E) && Number.isInteger(k) && Number.isInteger(ep))) return busiest(E, k, T, ep);
  const shape = (E * SHAPE + k) * SHAPE + ep;
  let byT = MEMO.get(shape);
  if (!byT) MEMO.set(shape, (byT = new Map()));
  let b = byT.get(T);
  if (!b) {
    if (++memoSize > 4096) { MEMO.clear(); memoSize = 1; MEMO.set(shape, byT = new Map()); }
    byT.set(T, (b = busiest(E, k, T, ep)));
  }
  return b;
}
const SHAPE = 2 ** 17; // (2^17)^3 < 2^53: the packed shape is exact
const MEMO = new Map<number, Map<number, BusiestRank>>();
let memoSize = 0;

function busiest(E: number, k: number, T: number, ep: number): BusiestRank {
  const kk = Math.min(k, E);
  const local = E / ep;
  const pairs = T * kk;
  const mean = pairs / ep;
  const excess = (expectedMaxOccupancy(pairs, ep) - mean) * Math.sqrt(Math.max(0, (E - kk) / (E - 1)));
  const rowsMax = Math.min(mean + Math.max(0, excess), T * Math.min(kk, local));
  const q = 1 - Math.pow(1 - kk / E, T);
  const touchedMean = local * q;
  const touchedMax = expectedMaxBinomial(Math.round(local), q, ep);
  return {
    rows: mean > 0 ? Math.max(1, rowsMax / mean) : 1,
    touched: touchedMean > 0 ? Math.min(local / touchedMean, Math.max(1, touchedMax / touchedMean)) : 1,
  };
}

// E[max of n independent Binomial(e, q) counts] = Σ_{m=0}^{e−1} (1 − F(m)^n); O(e), e ≤ a few hundred experts a rank.
// The pmf runs from the likelier end (m = 0 when q ≤ ½, m = e above), whose mass ((1 − q)^e or q^e ≥ 2^−e) stays
// representable for any expert count below ~1000 a rank.
function expectedMaxBinomial(e: number, q: number, n: number): number {
  if (!(e > 0) || !(q > 0)) return 0;
  if (q >= 1) return e;
  const cdf = new Float64Array(e + 1); // cdf[m] = F(m)
  if (q <= 0.5) {
    let pmf = Math.pow(1 - q, e), acc = 0;
    for (let m = 0; m <= e; m++) {
      acc += pmf;
      cdf[m] = Math.min(1, acc);
      pmf *= ((e - m) / (m + 1)) * (q / (1 - q));
    }
  } else {
    let pmf = Math.pow(q, e), tail = 0; // P(X = m) from m = e down; tail = P(X > m − 1)
    cdf[e] = 1;
    for (let m = e; m >= 1; m--) {
      tail += pmf;
      cdf[m - 1] = Math.max(0, 1 - tail);
      pmf *= (m / (e - m + 1)) * ((1 - q) / q);
    }
  }
  let sum = 0;
  for (let m = 0; m < e; m++) sum += 1 - Math.pow(cdf[m]!, n);
  return sum;
}
