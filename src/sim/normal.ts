// The standard normal distribution: its CDF and the expected largest of n draws (the longest Whisper transcript in a
// batch, src/sim/longest-transcript.ts; a length distribution's mean below a cap, src/serve/lengths.ts).

// standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7)
export function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

const maxMemo = new Map<number, number>();

/** expected largest of n independent standard normal draws, E[max] = ∫ x n φ(x) Φ(x)^(n−1) dx; 0 for n ≤ 1 */
export function expectedMaxNormal(n: number): number {
  const k = Math.floor(n);
  if (!(k > 1)) return 0;
  const hit = maxMemo.get(k);
  if (hit !== undefined) return hit;
  const h = 0.01;
  let s = 0;
  for (let x = -8; x <= 8; x += h) s += x * k * (Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI)) * Math.pow(phi(x), k - 1) * h;
  maxMemo.set(k, s);
  return s;
}
