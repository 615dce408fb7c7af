// How many requests the busiest of n ranks holds when requests land on the ranks at random: the statistics behind
// attention data parallelism's wait (src/sim/decoder.ts attentionDpExcess, which simulate and serve share). Pure
// functions of counts, no hardware.

/**
 * E[max of n independent Poisson(λ) counts] = Σ_{k≥1} (1 − P(N ≤ k−1)^n): order statistics, closed loop over k. The
 * terms below k0 = λ − 12√λ are 1 to double precision (the Poisson mass under 12 standard deviations below its mean is
 * < 1e-30), so the sum starts there, from the pmf in log space: e^−λ underflows past λ ≈ 745 (a wait of ~10⁴
 * prefills at batch 3000, tp 2, two output tokens), and the loop runs O(√λ) terms rather than O(λ).
 */
export function expectedMaxPoisson(lambda: number, n: number): number {
  if (!(lambda > 0) || n < 1) return 0;
  const k0 = Math.max(1, Math.floor(lambda - 12 * Math.sqrt(lambda)));
  let e = k0 - 1, cdf = 0, pmf = Math.exp(-lambda + (k0 - 1) * Math.log(lambda) - logFactorial(k0 - 1)); // P(N = k0 − 1)
  for (let k = k0; k < k0 + 1e6; k++) {
    cdf += pmf; // P(N ≤ k − 1)
    const tail = 1 - Math.pow(Math.min(1, cdf), n);
    e += tail;
    if (tail < 1e-9 && k > lambda) break;
    pmf *= lambda / k;
  }
  return e;
}

// ln(j!): exact below 20, else Stirling's series to 1/j⁵ (error < 1e-12 there)
function logFactorial(j: number): number {
  if (j < 20) {
    let s = 0;
    for (let i = 2; i <= j; i++) s += Math.log(i);
    return s;
  }
  return j * Math.log(j) - j + 0.5 * Math.log(2 * Math.PI * j) + 1 / (12 * j) - 1 / (360 * j ** 3) + 1 / (1260 * j ** 5);
}

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
