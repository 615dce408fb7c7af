// calibrate: fit a hardware spec's efficiency tables to benchmark results, and price every measured point
// with the same costing `simulate` uses (opCost, commSeconds) before and after the fit.
//   memory      ε_mem = triad / datasheet bandwidth (STREAM, McCalpin)
//   gemm        ε(size) = FLOPs / (peak · measured time), per dtype, isotonic in size (efficiency tables
//               must not fall as ops grow; the pool-adjacent-violators fit is the closest such curve)
//   attention   best measured SDPA fraction of the matrix peak
//   collective  all-reduce busbw / link bandwidth (nccl-tests PERFORMANCE.md), latency term kept
import { elementwise, linear, type Op } from '../model/op.js';
import { DTYPE_BYTES } from '../model/dtype-bytes.js';
import { matrixPeak, opCost } from '../sim/roofline.js';
import { commSeconds } from '../sim/parallel.js';
import { efficiencyTable, gemmFlops, round3 } from './profile.js';
import type { BenchResult } from './types.js';
import { UserError } from '../spec/errors.js';
import { DTYPES, type Dtype, type EfficiencyTable, type HardwareEfficiency, type NormalizedHardware } from '../spec/types.js';

export interface CalibrationPoint {
  what: string;
  kind: 'memory' | 'gemm' | 'attention' | 'allreduce';
  measured_s: number;
  predicted_before_s: number | null; // null: the spec cannot price it (e.g. no interconnect for an all-reduce)
  predicted_after_s: number | null;
  error_before: number | null; // (predicted − measured) / measured
  error_after: number | null;
}
export interface CalibrationResult {
  hardware: string;
  efficiency: Record<string, unknown>; // as written in YAML (snake_case)
  points: CalibrationPoint[];
  mean_abs_error_before: number;
  mean_abs_error_after: number;
  warnings: string[];
}

const TRIAD_ELEMS = 2 ** 26; // a 1.5 GiB fp64 triad: big enough that the kernel overhead is noise

interface Measured { what: string; kind: CalibrationPoint['kind']; seconds: number; price: (hw: NormalizedHardware) => number | null }

function pointsOf(bench: BenchResult): Measured[] {
  const out: Measured[] = [];
  const triad = elementwise('triad', TRIAD_ELEMS, 2, 24, 'fp64');
  out.push({ what: 'STREAM triad', kind: 'memory', seconds: triad.bytes / bench.memory_bandwidth_bytes_per_s, price: (hw) => opCost(triad, hw).seconds });
  for (const g of bench.gemm) {
    const b = DTYPE_BYTES[g.dtype];
    const op = linear(`gemm ${g.m}×${g.n}×${g.k}`, g.m, g.n, g.k, g.dtype, b, b);
    out.push({ what: `gemm ${g.dtype} ${g.m}×${g.n}×${g.k}`, kind: 'gemm', seconds: gemmFlops(g) / g.flops_per_s, price: (hw) => opCost(op, hw).seconds });
  }
  for (const a of bench.attention ?? []) {
    const flops = 4 * a.batch * a.heads * a.seq * a.seq * a.head_dim;
    const b = DTYPE_BYTES[a.dtype];
    const op: Op = { name: 'sdpa', kind: 'attention', flops, bytes: 4 * a.batch * a.heads * a.seq * a.head_dim * b, weightBytes: 0, dtype: a.dtype, count: 1 };
    out.push({ what: `attention ${a.dtype} b${a.batch} h${a.heads} s${a.seq} d${a.head_dim}`, kind: 'attention', seconds: flops / a.flops_per_s, price: (hw) => opCost(op, hw).seconds });
  }
  for (const r of bench.allreduce ?? []) {
    out.push({
      what: `all-reduce ${r.bytes} B × ${r.devices}`,
      kind: 'allreduce',
      seconds: r.seconds,
      price: (hw) => (hw.scaleUp ? commSeconds(hw, 'allreduce', r.bytes, r.devices, true) : null),
    });
  }
  return out;
}

export function fitEfficiency(bench: BenchResult, hw: NormalizedHardware): { efficiency: HardwareEfficiency; yaml: Record<string, unknown>; warnings: string[] } {
  const warnings: string[] = [];
  const eff: HardwareEfficiency = structuredClone(hw.efficiency);
  const yaml: Record<string, unknown> = {};
  // 1. memory
  const mem = bench.memory_bandwidth_bytes_per_s / hw.memory.bandwidthBytePerS;
  if (mem > 1) warnings.push(`measured triad ${bench.memory_bandwidth_bytes_per_s.toExponential(3)} B/s exceeds the spec's bandwidth: efficiency.memory clamped to 1`);
  // STREAM reaches well over half the datasheet bandwidth on every part in the library; a few percent means the
  // bench ran on another machine (a laptop's bench.json calibrating h100-sxm), which would fit nonsense tables
  if (mem < 0.2) warnings.push(`measured triad is ${(mem * 100).toPrecision(2)}% of ${hw.id}'s bandwidth: was the bench run on ${hw.id}? (bench device: ${JSON.stringify(bench.device ?? 'unknown')})`);
  eff.memory = yaml.memory = round3(Math.min(1, Math.max(0.001, mem)));
  // 2. gemm, per dtype the hardware runs it in; compute time is what remains after the fixed overhead
  const byDtype = new Map<Dtype, { flops: number; efficiency: number }[]>();
  for (const g of bench.gemm) {
    const peak = matrixPeak(hw, g.dtype);
    const t = gemmFlops(g) / g.flops_per_s;
    const computeS = Math.max(t - eff.kernelOverheadS, t * 0.05);
    const e = gemmFlops(g) / (peak.flopPerS * computeS);
    if (e > 1) warnings.push(`gemm ${g.dtype} ${g.m}×${g.n}×${g.k} runs at ${(e * 100).toFixed(0)}% of the spec's ${peak.dtype} peak: clamped to 1`);
    byDtype.set(peak.dtype, [...(byDtype.get(peak.dtype) ?? []), { flops: gemmFlops(g), efficiency: e }]);
  }
  if (byDtype.size) {
    const tables: Partial<Record<Dtype, EfficiencyTable>> = {};
    for (const [d, pts] of byDtype) tables[d] = efficiencyTable(pts);
    eff.gemmByDtype = { ...eff.gemmByDtype, ...tables };
    yaml.gemm_by_dtype = tables;
    const main = tables.bf16 ?? tables.fp16 ?? tables.fp32 ?? Object.values(tables)[0]!;
    eff.gemm = main;
    yaml.gemm = main;
  }
  // 3. attention
  if (bench.attention?.length) {
    const best = Math.max(...bench.attention.map((a) => a.flops_per_s / matrixPeak(hw, a.dtype).flopPerS));
    eff.attention = yaml.attention = round3(Math.min(1, best));
  }
  // 4. collectives: busbw / link bandwidth at the largest message (latency is negligible there)
  if (bench.allreduce?.length) {
    if (!hw.scaleUp) warnings.push('all-reduce data present but the spec has no interconnect.scale_up: collective efficiency not fitted');
    else {
      // invert the same costing simulate uses (commSeconds): its time at efficiency 1 over the measured time,
      // at the largest message; the fitted value replaces any measured size table of the spec
      const big = [...bench.allreduce].sort((a, b) => b.bytes - a.bytes)[0]!;
      const ideal: NormalizedHardware = { ...hw, efficiency: { ...eff, collective: 1, collectiveBySize: undefined } };
      eff.collective = yaml.collective = round3(Math.min(1, commSeconds(ideal, 'allreduce', big.bytes, big.devices, true) / big.seconds));
      delete eff.collectiveBySize;
    }
  }
  yaml.source = `hwperf calibrate: fitted to hwperf bench --backend ${String(bench.backend)} on ${String(bench.device)}`;
  eff.source = yaml.source as string;
  return { efficiency: eff, yaml, warnings };
}

// Measurements of one class of device fitted to another (CPU numbers onto an H100) give efficiencies that
// describe neither. Told by the peaks: the spec's and the measured differ by more than MISMATCH×, or a CPU
// backend (node, cc) measured a spec of an accelerator class.
const MISMATCH = 10;
const ACCELERATOR_CLASSES = new Set(['datacenter', 'consumer', 'workstation', 'edge', 'mobile']);
export function deviceMismatch(bench: BenchResult, hw: NormalizedHardware): string | null {
  const measured = Math.max(0, ...Object.values(bench.peak_flops_per_s).filter((x): x is number => typeof x === 'number'));
  const spec = Math.max(0, ...Object.values(hw.matrixFlopPerS).filter((x): x is number => typeof x === 'number'), ...Object.values(hw.vectorFlopPerS).filter((x): x is number => typeof x === 'number'));
  const cpu = bench.backend !== 'torch';
  const ratio = measured > 0 && spec > 0 ? spec / measured : 1;
  if (ratio > MISMATCH || ratio < 1 / MISMATCH || (cpu && ACCELERATOR_CLASSES.has(hw.class))) {
    return `device-class mismatch: the bench ran on ${JSON.stringify(String(bench.device))} (backend ${JSON.stringify(String(bench.backend))}, peak ${(measured / 1e12).toPrecision(3)} TFLOP/s) but ${hw.id} is a ${hw.class} part (peak ${(spec / 1e12).toPrecision(3)} TFLOP/s, ${ratio >= 1 ? ratio.toPrecision(3) : (1 / ratio).toPrecision(3)}× apart): the fitted efficiencies describe neither; calibrate the spec with a bench run on that device (bench --backend torch there), or calibrate the host profile written by bench --out`;
  }
  return null;
}

export function calibrate(bench: BenchResult, hw: NormalizedHardware): CalibrationResult {
  const { efficiency, yaml, warnings: fitWarnings } = fitEfficiency(bench, hw);
  const mismatch = deviceMismatch(bench, hw);
  const warnings = mismatch ? [mismatch, ...fitWarnings] : fitWarnings;
  const after: NormalizedHardware = { ...hw, efficiency };
  const points = pointsOf(bench).map((m) => {
    const b = m.price(hw);
    const a = m.price(after);
    const err = (x: number | null) => (x === null ? null : (x - m.seconds) / m.seconds);
    return { what: m.what, kind: m.kind, measured_s: m.seconds, predicted_before_s: b, predicted_after_s: a, error_before: err(b), error_after: err(a) };
  });
  const mae = (k: 'error_before' | 'error_after') => {
    const v = points.flatMap((p) => (p[k] === null ? [] : [Math.abs(p[k]!)]));
    return v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0;
  };
  return { hardware: hw.id, efficiency: yaml, points, mean_abs_error_before: mae('error_before'), mean_abs_error_after: mae('error_after'), warnings };
}

// Normalize a bench JSON read from disk (exported for the command and tests).
export function readBenchJson(data: unknown): BenchResult {
  const d = data as Partial<BenchResult>;
  if (!d || typeof d !== 'object' || typeof d.memory_bandwidth_bytes_per_s !== 'number' || !Array.isArray(d.gemm)) {
    throw new UserError('not a hwperf bench result: expected memory_bandwidth_bytes_per_s and gemm[] (run `hwperf bench --json > bench.json`)');
  }
  const problem = benchProblem(d as Record<string, unknown>);
  if (problem) throw new UserError(`not a usable hwperf bench result: ${problem} (run \`hwperf bench --json > bench.json\` again)`);
  return d as BenchResult;
}

const MAX_DIM = 2 ** 31; // a matrix side or a count past this was not measured
const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
// What a measurement on any device can be: a rate from 1 kB/s or 1 kFLOP/s (a microcontroller) to 1e19 (ten times
// the 10 EFLOP/s that --set takes; no memory is near 1e16 B/s), a time from 1 ns to a day, a size to 2^50 bytes.
// A number past these was not measured (1e300 B/s gave a STREAM time of 1.6e-282 ns and an error of 3e289 %).
const MIN_RATE = 1e3, MAX_RATE = 1e19;
const rate = (v: unknown): v is number => positive(v) && v >= MIN_RATE && v <= MAX_RATE;
const seconds = (v: unknown): v is number => positive(v) && v >= 1e-9 && v <= 86_400;
const bytes = (v: unknown): v is number => positive(v) && v <= 2 ** 50;
const dim = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_DIM;
const DTYPE_NAMES = new Set<string>(DTYPES);

/** The measurements calibrate fits from: each must be a finite positive number of the right kind. */
function benchProblem(d: Record<string, unknown>): string | undefined {
  if (!rate(d.memory_bandwidth_bytes_per_s)) return 'memory_bandwidth_bytes_per_s must be a number of B/s from 1e3 to 1e19';
  if (d.backend !== undefined && typeof d.backend !== 'string') return 'backend must be a name';
  if (d.device !== undefined && typeof d.device !== 'string') return 'device must be a name';
  const list = (k: string, check: (x: Record<string, unknown>) => boolean, what: string): string | undefined => {
    const v = d[k];
    if (v === undefined && k !== 'gemm') return undefined;
    if (!Array.isArray(v) || v.length > 100_000) return `${k} must be a list of measurements`;
    const i = v.findIndex((x) => !x || typeof x !== 'object' || Array.isArray(x) || !check(x as Record<string, unknown>));
    return i >= 0 ? `${k}[${i}] must have ${what}` : undefined;
  };
  const dt = (x: Record<string, unknown>) => typeof x.dtype === 'string' && DTYPE_NAMES.has(x.dtype);
  return (
    list('gemm', (g) => dim(g.m) && dim(g.n) && dim(g.k) && dt(g) && rate(g.flops_per_s), 'whole m, n, k ≥ 1, a dtype and a flops_per_s from 1e3 to 1e19') ??
    list('attention', (a) => dim(a.batch) && dim(a.heads) && dim(a.seq) && dim(a.head_dim) && dt(a) && rate(a.flops_per_s), 'whole batch, heads, seq, head_dim ≥ 1, a dtype and a flops_per_s from 1e3 to 1e19') ??
    list('allreduce', (a) => bytes(a.bytes) && dim(a.devices) && seconds(a.seconds), 'bytes (at most 2^50), seconds from 1e-9 to 86400 and a whole number of devices') ??
    // every bench backend writes the peaks, and calibrate compares them with the spec's (a missing map crashed it)
    (!d.peak_flops_per_s || typeof d.peak_flops_per_s !== 'object' || Array.isArray(d.peak_flops_per_s) || Object.values(d.peak_flops_per_s).some((v) => v !== null && !rate(v))
      ? 'peak_flops_per_s must map dtypes to numbers from 1e3 to 1e19'
      : undefined)
  );
}
