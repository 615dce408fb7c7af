// Token-count distributions for --input-tokens / --output-tokens: a fixed count or uniform:a,b, normal:mean,sd,
// lognormal:mean,sd — mean and standard deviation of the token count itself (not of its logarithm), as an infra
// planner reads them off a production histogram. Draws are rounded and clamped to at least `min`.
import { UserError } from '../spec/errors.js';
import { normal, type Rng } from './rng.js';

export type LengthDist =
  | { kind: 'fixed'; n: number }
  | { kind: 'uniform'; a: number; b: number }
  | { kind: 'normal'; mean: number; sd: number }
  | { kind: 'lognormal'; mean: number; sd: number; mu: number; sigma: number };

/** the largest mean, sd or bound a length distribution takes (tokens) */
export const MAX_LENGTH_PARAM = 1e9;

export function parseLength(flag: string, raw: string | number | undefined, dflt: number, min: number): LengthDist {
  if (raw === undefined || raw === '') return { kind: 'fixed', n: dflt };
  const s = String(raw).trim();
  const bad = (why: string) => new UserError(`--${flag} "${s}": ${why} (expected N, uniform:a,b, normal:mean,sd or lognormal:mean,sd)`);
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n < min) throw bad(`must be at least ${min}`);
    if (n > MAX_LENGTH_PARAM) throw bad(`must be at most 1e9 tokens`);
    return { kind: 'fixed', n };
  }
  const m = /^(uniform|normal|lognormal):\s*([0-9.eE+-]+)\s*,\s*([0-9.eE+-]+)$/.exec(s);
  if (!m) throw bad('not a token count or distribution');
  const x = Number(m[2]), y = Number(m[3]);
  if (!Number.isFinite(x) || !Number.isFinite(y) || x < 0 || y < 0) throw bad('parameters must be non-negative numbers');
  // no model's context reaches MAX_LENGTH_PARAM tokens: past it a draw is clamped to the context anyway, and a
  // lognormal's sd² / mean² overflows (lognormal:1,1e300 drew NaN lengths and the engine never finished)
  if (x > MAX_LENGTH_PARAM || y > MAX_LENGTH_PARAM) throw bad(`parameters must be at most 1e9 tokens`);
  if (m[1] === 'uniform') {
    if (y < x) throw bad('b must be at least a');
    if (y < min) throw bad(`b must be at least ${min}`);
    return { kind: 'uniform', a: Math.round(x), b: Math.round(y) };
  }
  if (x < min || x <= 0) throw bad(`the mean must be at least ${Math.max(min, 1)}`);
  if (m[1] === 'normal') return { kind: 'normal', mean: x, sd: y };
  // X lognormal with E[X] = mean, SD[X] = sd: σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2
  const s2 = Math.log(1 + (y * y) / (x * x));
  return { kind: 'lognormal', mean: x, sd: y, mu: Math.log(x) - s2 / 2, sigma: Math.sqrt(s2) };
}

export function sampleLength(d: LengthDist, rng: Rng, min: number): number {
  let v: number;
  switch (d.kind) {
    case 'fixed':
      return d.n;
    case 'uniform':
      v = d.a + Math.floor(rng() * (d.b - d.a + 1));
      break;
    case 'normal':
      v = Math.round(d.mean + d.sd * normal(rng));
      break;
    case 'lognormal':
      v = Math.round(Math.exp(d.mu + d.sigma * normal(rng)));
      break;
  }
  return Math.max(min, v);
}

/** the largest count a distribution can draw, or its mean + 6 sd (sizes caches and checks the context) */
export function meanLength(d: LengthDist): number {
  return d.kind === 'fixed' ? d.n : d.kind === 'uniform' ? (d.a + d.b) / 2 : d.mean;
}

export function describeLength(d: LengthDist): string {
  return d.kind === 'fixed' ? String(d.n) : d.kind === 'uniform' ? `uniform:${d.a},${d.b}` : `${d.kind}:${d.mean},${d.sd}`;
}
