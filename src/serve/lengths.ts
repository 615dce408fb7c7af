// Token-count distributions for --input-tokens / --output-tokens: a fixed count or uniform:a,b, normal:mean,sd,
// lognormal:mean,sd — mean and standard deviation of the token count itself (not of its logarithm), as an infra
// planner reads them off a production histogram — or sharegpt[:mean], the ShareGPT lengths vLLM's benchmark
// (vllm bench serve --dataset-name sharegpt) sends: each request draws one (prompt, completion) pair of the bundled
// table (./sharegpt-table.ts), so a burst has its long replies, the tail that finishes alone at a small batch.
// Draws are rounded and clamped to at least `min`.
// normal and lognormal take an optional cap, `lognormal:mean,sd,max=N`: a draw above N is N, as a generation cap
// (max_tokens, a dataset's longest output) stops a request there. mean and sd describe the draw before the cap; the
// mean a capped distribution draws is E[min(X, N)] (meanLength). A run's logged mean is already the capped one: pass
// the pre-cap mean whose meanLength equals it (the MLPerf rows do: validation/README.md). MLPerf's DeepSeek-R1
// reference harness caps outputs at 20,000 tokens (mlcommons/inference @495962a1
// language/deepseek-r1/utils/backend_registry.py MAX_OSL = 20 * 1000, max_new_tokens / max_tokens of every backend),
// where an uncapped lognormal of its dataset's mean and sd reaches ~80k.
import { UserError } from '../spec/errors.js';
import { phi } from '../sim/normal.js';
import { normal, type Rng } from './rng.js';
import { SHAREGPT_PAIRS } from './sharegpt-table.js';

export type LengthDist =
  | { kind: 'fixed'; n: number }
  | { kind: 'uniform'; a: number; b: number }
  | { kind: 'normal'; mean: number; sd: number; max: number }
  | { kind: 'lognormal'; mean: number; sd: number; mu: number; sigma: number; max: number }
  // column 0: prompts, 1: completions of the ShareGPT table, each count × scale (mean / the column's own mean)
  | { kind: 'sharegpt'; mean: number; column: 0 | 1; scale: number };

interface Table {
  cols: [Uint16Array, Uint16Array];
  means: [number, number];
}
let table: Table | undefined;

/** the ShareGPT (prompt, completion) pairs as two columns, parsed once */
function sharegptTable(): Table {
  if (table) return table;
  const pairs = SHAREGPT_PAIRS.join(' ').split(' ');
  const cols: [Uint16Array, Uint16Array] = [new Uint16Array(pairs.length), new Uint16Array(pairs.length)];
  let sp = 0, so = 0;
  pairs.forEach((pair, i) => {
    const [p, o] = pair.split(',').map(Number) as [number, number];
    cols[0][i] = p;
    cols[1][i] = o;
    sp += p;
    so += o;
  });
  table = { cols, means: [sp / pairs.length, so / pairs.length] };
  return table;
}

/** the mean prompt and completion of the ShareGPT table (OPT tokens) */
export function sharegptMeans(): [number, number] {
  return sharegptTable().means;
}

/** the largest mean, sd or bound a length distribution takes (tokens) */
export const MAX_LENGTH_PARAM = 1e9;

export function parseLength(flag: string, raw: string | number | undefined, dflt: number, min: number): LengthDist {
  if (raw === undefined || raw === '') return { kind: 'fixed', n: dflt };
  const s = String(raw).trim();
  const bad = (why: string) => new UserError(`--${flag} "${s}": ${why} (expected N, uniform:a,b, normal:mean,sd[,max=N], lognormal:mean,sd[,max=N] or sharegpt[:mean])`);
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n < min) throw bad(`must be at least ${min}`);
    if (n > MAX_LENGTH_PARAM) throw bad(`must be at most 1e9 tokens`);
    return { kind: 'fixed', n };
  }
  const g = /^sharegpt(?::\s*([0-9.eE+-]+))?$/.exec(s);
  if (g) {
    // the prompt column for --input-tokens, the completion column for --output-tokens; scaled to the mean asked
    // (a benchmark's own tokenizer counts its ShareGPT sample to its own means), else the table's (OPT tokens)
    const column = flag.startsWith('input') ? 0 : 1;
    const own = sharegptTable().means[column];
    const mean = g[1] === undefined ? own : Number(g[1]);
    if (!Number.isFinite(mean) || mean < Math.max(min, 1)) throw bad(`the mean must be a number of at least ${Math.max(min, 1)}`);
    if (mean > MAX_LENGTH_PARAM) throw bad(`the mean must be at most 1e9 tokens`);
    return { kind: 'sharegpt', mean, column, scale: mean / own };
  }
  const m = /^(uniform|normal|lognormal):\s*([0-9.eE+-]+)\s*,\s*([0-9.eE+-]+)(?:\s*,\s*max\s*=\s*([0-9.eE+-]+))?$/.exec(s);
  if (!m) throw bad('not a token count or distribution');
  const x = Number(m[2]), y = Number(m[3]);
  // the cap (infinite when not given): a whole number of tokens from `min` to 1e9; uniform:a,b has its own (b)
  let max = Infinity;
  if (m[4] !== undefined) {
    if (m[1] === 'uniform') throw bad('uniform:a,b takes no max (b is its largest draw)');
    max = Number(m[4]);
    if (!Number.isInteger(max) || max < Math.max(min, 1) || max > MAX_LENGTH_PARAM) throw bad(`max must be a whole number of tokens from ${Math.max(min, 1)} to 1e9`);
  }
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
  if (m[1] === 'normal') return { kind: 'normal', mean: x, sd: y, max };
  // X lognormal with E[X] = mean, SD[X] = sd: σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2
  const s2 = Math.log(1 + (y * y) / (x * x));
  return { kind: 'lognormal', mean: x, sd: y, mu: Math.log(x) - s2 / 2, sigma: Math.sqrt(s2), max };
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
      v = Math.min(d.max, Math.round(d.mean + d.sd * normal(rng)));
      break;
    case 'lognormal':
      v = Math.min(d.max, Math.round(Math.exp(d.mu + d.sigma * normal(rng))));
      break;
    case 'sharegpt':
      return pairLength(d, Math.floor(rng() * sharegptRows()), min);
  }
  return Math.max(min, v);
}

function sharegptRows(): number {
  return sharegptTable().cols[0].length;
}

function pairLength(d: { column: 0 | 1; scale: number }, row: number, min: number): number {
  return Math.max(min, Math.round(sharegptTable().cols[d.column][row]! * d.scale));
}

/**
 * One request's (input, output): a ShareGPT draw on both flags takes one pair of the table for both, as the benchmark
 * sends a prompt with its own completion's length; otherwise each is drawn on its own (output first).
 */
export function sampleRequest(input: LengthDist, output: LengthDist, rng: Rng, min: number): [number, number] {
  if (input.kind === 'sharegpt' && output.kind === 'sharegpt') {
    const row = Math.floor(rng() * sharegptRows());
    return [pairLength(input, row, min), pairLength(output, row, min)];
  }
  const out = sampleLength(output, rng, min);
  return [sampleLength(input, rng, min), out];
}

/** the mean count a distribution draws (under a cap N: E[min(X, N)], in closed form) */
export function meanLength(d: LengthDist): number {
  if (d.kind === 'fixed') return d.n;
  if (d.kind === 'uniform') return (d.a + d.b) / 2;
  if (d.kind === 'sharegpt' || !(d.max < Infinity)) return d.mean;
  const M = d.max;
  if (d.kind === 'normal') {
    // E[min(X, M)] = μ·Φ(z) − σ·φ(z) + M·(1 − Φ(z)), z = (M − μ)/σ, φ the standard normal density
    if (!(d.sd > 0)) return Math.min(d.mean, M);
    const z = (M - d.mean) / d.sd;
    return d.mean * phi(z) - d.sd * Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) + M * (1 - phi(z));
  }
  // lognormal: E[min(X, M)] = e^(μ + σ²/2)·Φ((ln M − μ − σ²)/σ) + M·(1 − Φ((ln M − μ)/σ))
  if (!(d.sigma > 0)) return Math.min(d.mean, M);
  const a = (Math.log(M) - d.mu) / d.sigma;
  return d.mean * phi(a - d.sigma) + M * (1 - phi(a));
}

/** the longest count a distribution draws: ShareGPT's longest row of its column × scale; undefined where it is
 *  unbounded (a normal or lognormal without max) */
export function longestLength(d: LengthDist): number | undefined {
  if (d.kind === 'fixed') return d.n;
  if (d.kind === 'uniform') return d.b;
  if (d.kind === 'sharegpt') return Math.ceil(sharegptTable().cols[d.column].reduce((a, x) => Math.max(a, x), 0) * d.scale);
  return d.max < Infinity ? d.max : undefined;
}

export function describeLength(d: LengthDist): string {
  if (d.kind === 'sharegpt') return `sharegpt:${d.mean}`;
  if (d.kind === 'fixed') return String(d.n);
  if (d.kind === 'uniform') return `uniform:${d.a},${d.b}`;
  return `${d.kind}:${d.mean},${d.sd}${d.max < Infinity ? `,max=${d.max}` : ''}`;
}
