// What a benchmark cannot honestly report, said as warnings (issue 12 "bench you can believe"):
//   a cache level slower than DRAM   the working set spilled out of that level, or the pass was too short
//   a roofline point above the peak  the peak kernel under-measures (spills, too few chains) or the point is noise
//   a wide spread across repeats     a busy machine: the median is reported, min and max beside it
// and the spread of each headline number over --repeats runs.
import type { BenchResult } from './types.js';

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spreadOf(xs: number[]): Spread {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return { median: NaN, min: NaN, max: NaN };
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
}

// Slack for noise: a point may exceed a peak measured by another kernel by this much before it is called impossible.
const TOLERANCE = 1.05;
// Spread above which the machine was not quiet: (max − min) / median.
const NOISY = 0.15;

export function benchWarnings(r: BenchResult): string[] {
  const w: string[] = [];
  const fmtB = (x: number) => `${(x / 1e9).toPrecision(3)} GB/s`;
  const fmtF = (x: number) => `${(x / 1e9).toPrecision(3)} GFLOP/s`;
  const dram = r.memory_bandwidth_bytes_per_s;
  for (const c of r.caches) {
    if (dram > 0 && c.bandwidth_bytes_per_s < dram) {
      w.push(`L${c.level} cache bandwidth ${fmtB(c.bandwidth_bytes_per_s)} is below the DRAM triad ${fmtB(dram)}: impossible for a cache; the sweep point did not stay in L${c.level} (treat it as unmeasured)`);
    }
  }
  const peaks = Object.values(r.peak_flops_per_s).filter((x): x is number => typeof x === 'number' && x > 0);
  const peak = peaks.length ? Math.max(...peaks) : 0;
  if (peak > 0) {
    for (const p of r.roofline) {
      if (p.flops_per_s > peak * TOLERANCE) {
        w.push(`roofline point at ${p.intensity} FLOP/B reaches ${fmtF(p.flops_per_s)}, above the measured peak ${fmtF(peak)}: the peak kernel under-measures or the point is noise`);
      }
    }
    for (const g of r.gemm) {
      const own = r.peak_flops_per_s[g.dtype];
      if (own && g.flops_per_s > own * TOLERANCE) w.push(`GEMM ${g.dtype} ${g.m}×${g.n}×${g.k} reaches ${fmtF(g.flops_per_s)}, above the measured ${g.dtype} peak ${fmtF(own)}`);
    }
  }
  for (const [what, s] of Object.entries(r.spread ?? {})) {
    if (what === 'stream') continue; // its triad is memory_bandwidth_bytes_per_s; one warning is enough
    const one = (name: string, x: Spread) => {
      if (x.median > 0 && (x.max - x.min) / x.median > NOISY) {
        w.push(`${name} varied ${Math.round(((x.max - x.min) / x.median) * 100)}% over ${r.repeats} runs (min ${x.min.toPrecision(3)}, max ${x.max.toPrecision(3)}): the machine was busy; the median is reported`);
      }
    };
    if ('median' in (s as object)) one(what, s as Spread);
    else for (const [k, x] of Object.entries(s as Record<string, Spread>)) one(`${what}.${k}`, x);
  }
  return w;
}

// The median run of several: headline numbers are the medians across runs, the lists (GEMM, caches,
// roofline) those of the run whose triad is the median, and `spread` holds median/min/max of each headline.
export function combineRuns(runs: BenchResult[]): BenchResult {
  if (runs.length === 1) return { ...runs[0]!, repeats: 1, spread: spreadFields(runs) };
  const triad = spreadOf(runs.map((r) => r.memory_bandwidth_bytes_per_s));
  const byTriad = [...runs].sort((a, b) => a.memory_bandwidth_bytes_per_s - b.memory_bandwidth_bytes_per_s);
  const base = byTriad[(byTriad.length - 1) >> 1]!;
  const spread = spreadFields(runs);
  const peaks: BenchResult['peak_flops_per_s'] = {};
  for (const [d, s] of Object.entries(spread.peak_flops_per_s)) peaks[d as keyof typeof peaks] = s.median;
  const stream = { ...base.stream };
  for (const k of ['copy', 'scale', 'add', 'triad'] as const) if (spread.stream[k]) stream[k] = spread.stream[k]!.median;
  return {
    ...base,
    memory_bandwidth_bytes_per_s: triad.median,
    stream,
    peak_flops_per_s: peaks,
    seconds: runs.reduce((s, r) => s + r.seconds, 0),
    repeats: runs.length,
    spread,
  };
}

function spreadFields(runs: BenchResult[]): NonNullable<BenchResult['spread']> {
  const dtypes = [...new Set(runs.flatMap((r) => Object.keys(r.peak_flops_per_s)))];
  const peak: Record<string, Spread> = {};
  for (const d of dtypes) peak[d] = spreadOf(runs.map((r) => r.peak_flops_per_s[d as keyof BenchResult['peak_flops_per_s']] ?? NaN));
  const stream: Record<string, Spread> = {};
  for (const k of ['copy', 'scale', 'add', 'triad'] as const) {
    const xs = runs.map((r) => r.stream[k]).filter((x): x is number => typeof x === 'number');
    if (xs.length) stream[k] = spreadOf(xs);
  }
  return { memory_bandwidth_bytes_per_s: spreadOf(runs.map((r) => r.memory_bandwidth_bytes_per_s)), peak_flops_per_s: peak, stream };
}
