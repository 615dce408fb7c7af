// The `torch` backend: runs the shipped src/bench/torch/bench.py (GEMM by dtype and shape, device-memory
// copy/triad, scaled_dot_product_attention, all-reduce over several devices) and reads its JSON.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../spec/paths.js';
import type { BenchOptions, BenchResult } from './types.js';
import type { Dtype } from '../spec/types.js';

export function torchScript(): string {
  const f = join(PACKAGE_ROOT, 'src', 'bench', 'torch', 'bench.py');
  if (existsSync(f)) return f;
  throw new Error('hwperf: src/bench/torch/bench.py is missing');
}

// bench.py's output format (schema "hwperf-torch-bench/1").
export interface TorchBenchOutput {
  schema: string;
  device: string;
  device_count: number;
  memory_capacity_bytes: number;
  copy_bytes_per_s: number;
  triad_bytes_per_s: number;
  gemm: { m: number; n: number; k: number; dtype: string; seconds: number; flops_per_s: number }[];
  attention?: { batch: number; heads: number; seq: number; head_dim: number; dtype: string; flops_per_s: number }[];
  allreduce?: { bytes: number; devices: number; seconds: number; bus_bandwidth_bytes_per_s: number }[];
  notes?: string[];
}

const DTYPES = new Set(['fp64', 'fp32', 'tf32', 'bf16', 'fp16', 'fp8', 'int8']);

export function parseTorch(out: TorchBenchOutput, quick: boolean, seconds: number): BenchResult {
  if (out.schema !== 'hwperf-torch-bench/1') throw new Error(`unexpected torch bench output schema ${JSON.stringify(out.schema)}`);
  const gemm = out.gemm.filter((g) => DTYPES.has(g.dtype)).map((g) => ({ m: g.m, n: g.n, k: g.k, dtype: g.dtype as Dtype, flops_per_s: g.flops_per_s }));
  const peak: Partial<Record<Dtype, number>> = {};
  for (const g of gemm) peak[g.dtype] = Math.max(peak[g.dtype] ?? 0, g.flops_per_s);
  return {
    backend: 'torch',
    device: out.device,
    threads: out.device_count,
    quick,
    memory_bandwidth_bytes_per_s: out.triad_bytes_per_s,
    memory_capacity_bytes: out.memory_capacity_bytes,
    stream: { copy: out.copy_bytes_per_s, scale: null, add: null, triad: out.triad_bytes_per_s },
    peak_flops_per_s: peak, // best GEMM per dtype: torch exposes no separate FMA-peak kernel
    gemm,
    caches: [],
    roofline: [],
    cache_sweep: [],
    attention: out.attention?.map((a) => ({ ...a, dtype: a.dtype as Dtype })),
    allreduce: out.allreduce,
    seconds,
    notes: out.notes ?? [],
  };
}

export async function runTorch(opts: BenchOptions): Promise<BenchResult> {
  const t0 = performance.now();
  opts.onProgress?.(0, 'PyTorch benchmarks');
  const py = process.env.HWPERF_PYTHON ?? 'python3';
  const r = spawnSync(py, [torchScript(), ...(opts.quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`bench.py failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  opts.onProgress?.(1, 'done');
  return parseTorch(JSON.parse(r.stdout) as TorchBenchOutput, opts.quick, (performance.now() - t0) / 1000);
}
