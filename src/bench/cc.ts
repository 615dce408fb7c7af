// The `cc` backend: the shipped C kernels, compiled for this CPU, on all cores.
//   stream.c  STREAM copy/scale/add/triad (McCalpin), arrays ≥ 4× the last-level cache
//   peak.c    FMA chains → fp32/fp64 peak          gemm.c  blocked GEMM by size and dtype
//   ert.c     ERT-style intensity sweep (Lo et al. 2014)  cache.c  working-set sweep → cache levels
import { cpus, totalmem } from 'node:os';
import { buildKernel, findCompiler, type Built } from './compile.js';
import { lastLevelBytes, levelsFromSweep, readCacheGeometry } from './caches.js';
import type { BenchOptions, BenchResult, GemmPoint, RooflinePoint, SweepPoint } from './types.js';
import type { Dtype } from '../spec/types.js';

interface StreamOut { threads: number; copy: number; scale: number; add: number; triad: number }
interface PeakOut { threads: number; fp32: number; fp64: number }
interface GemmOut { results: { m: number; n: number; k: number; dtype: Dtype; flops_per_s: number }[] }
interface PointsOut<P> { points: P[] }

export function ccAvailable(): boolean {
  return findCompiler() !== undefined;
}

// Sizes: --quick keeps the whole run under ~10 s on a 2-core machine; the full run adds points.
export function ccPlan(quick: boolean, llcBytes: number) {
  const streamElems = Math.ceil((4 * llcBytes) / 8); // each array ≥ 4× LLC (STREAM run rules)
  return {
    streamElems,
    streamTimes: quick ? 6 : 20,
    peakIters: quick ? 20_000_000 : 60_000_000,
    gemm: {
      fp32: quick ? [64, 256, 1024] : [64, 128, 256, 512, 1024, 2048],
      fp64: quick ? [512] : [256, 1024, 2048],
    },
    ertBytesPerThread: Math.max(2 * llcBytes, 64 * 2 ** 20),
    ertR: quick ? [1, 2, 4, 8, 16, 32, 64] : [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128],
    cache: { lo: 8 << 10, hi: Math.max(4 * llcBytes, 64 * 2 ** 20), perDoubling: quick ? 1 : 2, passes: quick ? 3 : 5 },
  };
}

// Pull the numbers out of the kernels' JSON (exported for the parsing tests).
export function assembleCc(
  parts: { stream: StreamOut; peak: PeakOut; gemm: GemmOut[]; ert: PointsOut<RooflinePoint & { bytes_per_s?: number }>; cache: PointsOut<SweepPoint> },
  ctx: { quick: boolean; seconds: number; device: string; geometry?: ReturnType<typeof readCacheGeometry>; notes?: string[] },
): BenchResult {
  const threads = parts.stream.threads;
  const gemm: GemmPoint[] = parts.gemm.flatMap((g) => g.results.map((r) => ({ m: r.m, n: r.n, k: r.k, dtype: r.dtype, flops_per_s: r.flops_per_s })));
  const sweep = parts.cache.points.map((p) => ({ bytes: p.bytes, bandwidth_bytes_per_s: p.bandwidth_bytes_per_s }));
  return {
    backend: 'cc',
    device: ctx.device,
    threads,
    quick: ctx.quick,
    memory_bandwidth_bytes_per_s: parts.stream.triad,
    memory_capacity_bytes: totalmem(),
    stream: { copy: parts.stream.copy, scale: parts.stream.scale, add: parts.stream.add, triad: parts.stream.triad },
    peak_flops_per_s: { fp64: parts.peak.fp64, fp32: parts.peak.fp32 },
    gemm,
    caches: levelsFromSweep(sweep, threads, ctx.geometry ?? []),
    roofline: parts.ert.points.map((p) => ({ intensity: p.intensity, flops_per_s: p.flops_per_s })),
    cache_sweep: sweep,
    seconds: ctx.seconds,
    notes: ctx.notes ?? [],
  };
}

export async function runCc(opts: BenchOptions): Promise<BenchResult> {
  const t0 = performance.now();
  const { runKernel } = await import('./compile.js');
  const progress = opts.onProgress ?? (() => {});
  const geometry = readCacheGeometry();
  const threads = cpus().length;
  const plan = ccPlan(opts.quick, lastLevelBytes(geometry, threads));
  progress(0, 'compiling kernels');
  const built: Record<string, Built> = {};
  for (const k of ['stream', 'peak', 'gemm', 'ert', 'cache']) built[k] = buildKernel(k);
  const notes: string[] = [];
  if (!built.stream!.openmp) notes.push('compiled without OpenMP: one thread only');
  notes.push(`compiled with ${built.stream!.compiler} ${built.stream!.flags.join(' ')}`);
  progress(0.1, 'STREAM');
  const stream = runKernel<StreamOut>(built.stream!, [plan.streamElems, plan.streamTimes]);
  progress(0.3, 'FMA peak');
  const peak = runKernel<PeakOut>(built.peak!, [plan.peakIters]);
  progress(0.4, 'GEMM');
  const gemm: GemmOut[] = [];
  for (const [dtype, sizes] of Object.entries(plan.gemm)) {
    gemm.push(runKernel<GemmOut>(built.gemm!, [dtype, ...sizes.flatMap((s) => [s, s, s])]));
  }
  progress(0.6, 'roofline sweep');
  const ert = runKernel<PointsOut<RooflinePoint>>(built.ert!, [plan.ertBytesPerThread, ...plan.ertR]);
  progress(0.8, 'cache sweep');
  const cache = runKernel<PointsOut<SweepPoint>>(built.cache!, [plan.cache.lo, plan.cache.hi, plan.cache.perDoubling, plan.cache.passes]);
  progress(1, 'done');
  return assembleCc({ stream, peak, gemm, ert, cache }, { quick: opts.quick, seconds: (performance.now() - t0) / 1000, device: cpuName(), geometry, notes });
}

export function cpuName(): string {
  const c = cpus();
  return `${c[0]?.model?.trim() || 'CPU'} (${c.length} threads)`;
}
