// How many requests the busiest of n ranks holds when requests land on the ranks at random: the statistics behind
// attention data parallelism's wait (src/sim/decoder.ts attentionDpExcess, which simulate and serve share). Pure
// functions of counts, no hardware.

/**
 * E[max of n independent Poisson(λ) counts] = Σ_{k≥1} (1 − P(N ≤ k−1)^n): order statistics, closed loop over k. The pmf
 * is taken relative to its mode (w = 1 there, then by the ratios λ/(j+1) up and j/λ down) out to where it falls below
 * 1e-35 of the mode, and normalised by its own sum: no e^−λ to underflow (past λ ≈ 745: a wait of ~10⁴ prefills at
 * batch 3000, tp 2, two output tokens) and no error of ln(k!) to carry. Every term below the window is 1 to double
 * precision; the loop runs O(√λ) terms. Below the mode a term reads the cumulative P(N ≤ k−1), summed up from the
 * window's foot; above it, 1 − (1 − S)^n = −expm1(n·log1p(−S)) with the survival S = P(N ≥ k) summed down from the
 * window's top. (Read as 1 − cdf^n there, with the pmf from ln(k!), a cdf that rounding left ~1e-9 short of 1 never
 * let a term fall below the loop's stopping bound: it ran its 10⁶-term cap, ~100 ms a call at λ = 2^20, n = 64, and
 * read 0.07 high; 0.65 high at λ = 2^22, n = 256.)
 */
export function expectedMaxPoisson(lambda: number, n: number): number {
  if (!(lambda > 0) || n < 1) return 0;
  const mode = Math.floor(lambda);
  // the window [lo, hi], its end weights and the sum z of its weights
  let lo = mode, hi = mode, z = 1, w = 1;
  while (lo > 0 && w >= WINDOW_FOOT) { w *= lo / lambda; lo--; z += w; }
  const wLo = w;
  w = 1;
  while (w >= WINDOW_FOOT) { w *= lambda / (hi + 1); hi++; z += w; }
  const wHi = w;
  // k ≤ lo: terms of 1; k = lo + 1 … mode: 1 − P(N ≤ k − 1)^n, the cumulative from the foot (w: the weight of k − 1)
  let below = lo, cdf = 0;
  w = wLo;
  for (let k = lo + 1; k <= mode; k++) {
    cdf += w / z;
    below += 1 - Math.pow(Math.min(1, cdf), n);
    w *= lambda / k;
  }
  // k = hi … mode + 1: −expm1(n·log1p(−S_k)), S_k = P(N ≥ k) from the top (w: the weight of k), smallest terms first
  let above = 0, sf = 0;
  w = wHi;
  for (let k = hi; k > mode; k--) {
    sf += w / z;
    above += -Math.expm1(n * Math.log1p(-Math.min(1, sf)));
    w *= k / lambda;
  }
  return below + above;
}
// where expectedMaxPoisson's window ends, as a share of the pmf at the mode
const WINDOW_FOOT = 1e-35;

/**
 * E[most of `balls` requests on one of n ranks] when each lands on a rank at random (the maximum of a multinomial):
 * Σ_{m≥0} (1 − P(max ≤ m)), with P(max ≤ m) by placing the ranks one at a time (the first of k ranks left takes
 * Binomial(r, 1/k) of the r requests left). Between whole numbers of requests it is linear. Above 64 requests the
 * Poisson maximum's excess over λ = s/n is taken: the multinomial counts are Poisson counts less their own mean
 * deviation, so their maximum's excess over the mean is the same in the normal limit (within 0.3% of the exact value
 * from 16 requests on, at n = 2 … 16). Memoised: serve asks for few distinct counts.
 */
export function expectedMaxOccupancy(balls: number, n: number): number {
  if (!(balls > 0) || n < 1) return 0;
  if (n === 1) return balls;
  const lo = Math.floor(balls), f = balls - lo;
  return f > 0 ? (1 - f) * maxOccupancy(lo, n) + f * maxOccupancy(lo + 1, n) : maxOccupancy(lo, n);
}
const occupancyMemo = new Map<number, number>();
function maxOccupancy(s: number, n: number): number {
  if (s <= 1) return s;
  if (s > 64) return expectedMaxPoisson(s / n, n);
  const key = s * 1e9 + n; // s ≤ 64 here: exact for any rank count below 1e9
  let e = occupancyMemo.get(key);
  if (e !== undefined) return e;
  e = 0;
  for (let m = 0; m < s; m++) {
    const below = m * n < s ? 0 : probMaxAtMost(s, n, m);
    e += 1 - below;
    if (1 - below < 1e-12) break;
  }
  occupancyMemo.set(key, e);
  return e;
}
function probMaxAtMost(s: number, n: number, m: number): number {
  let f = new Float64Array(s + 1); // f[r]: P(the ranks placed so far hold ≤ m each | r requests over them)
  f[0] = 1;
  for (let k = 1; k <= n; k++) {
    const g = new Float64Array(s + 1);
    const q = 1 / k;
    for (let r = 0; r <= s; r++) {
      if (k === 1) {
        g[r] = r <= m ? 1 : 0;
        continue;
      }
      let pmf = Math.pow(1 - q, r), sum = 0; // Binomial(r, q) at j = 0, 1, …
      for (let j = 0; j <= Math.min(m, r); j++) {
        sum += pmf * f[r - j]!;
        pmf *= ((r - j) / (j + 1)) * (q / (1 - q));
      }
      g[r] = sum;
    }
    f = g;
  }
  return f[s]!;
}
