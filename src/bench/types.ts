// What `hwperf bench` measures, as the `--json` contract names it (docs/design.md "Command-line contract"):
// SI units throughout (B/s, FLOP/s, bytes, seconds), snake_case keys.
import type { Dtype } from '../spec/types.js';

export type BackendName = 'node' | 'cc' | 'torch';

export interface GemmPoint {
  m: number;
  n: number;
  k: number;
  dtype: Dtype;
  flops_per_s: number;
}
export interface CacheLevel {
  level: number; // 1, 2, 3, …
  bytes: number; // capacity of one instance (as lscpu prints it)
  bandwidth_bytes_per_s: number; // aggregate read bandwidth, all threads, working set inside this level
}
export interface RooflinePoint {
  intensity: number; // FLOP per byte of DRAM traffic
  flops_per_s: number;
}
export interface SweepPoint {
  bytes: number; // working set of all threads together
  bandwidth_bytes_per_s: number;
}
export interface AttentionPoint {
  batch: number;
  heads: number;
  seq: number;
  head_dim: number;
  dtype: Dtype;
  flops_per_s: number;
}
export interface AllReducePoint {
  bytes: number;
  devices: number;
  seconds: number;
  bus_bandwidth_bytes_per_s: number; // NCCL busbw: algbw · 2(n−1)/n
}

export interface BenchResult {
  backend: BackendName;
  device: string; // CPU model or accelerator name
  threads: number;
  quick: boolean;
  memory_bandwidth_bytes_per_s: number; // STREAM triad, all cores
  memory_capacity_bytes: number;
  stream: { copy: number; scale: number | null; add: number | null; triad: number }; // B/s; null: not measured by that backend
  peak_flops_per_s: Partial<Record<Dtype, number>>;
  gemm: GemmPoint[];
  caches: CacheLevel[];
  roofline: RooflinePoint[];
  cache_sweep: SweepPoint[];
  attention?: AttentionPoint[];
  allreduce?: AllReducePoint[];
  seconds: number; // wall time of the whole run (all repeats)
  notes: string[];
  repeats?: number; // runs combined (headline numbers are their medians)
  spread?: {
    memory_bandwidth_bytes_per_s: { median: number; min: number; max: number };
    peak_flops_per_s: Record<string, { median: number; min: number; max: number }>;
    stream: Record<string, { median: number; min: number; max: number }>;
  };
  warnings?: string[]; // impossible or unsteady results (src/bench/plausibility.ts)
}

export interface BenchOptions {
  quick: boolean;
  repeats?: number; // whole runs; the median is reported with min and max (default 3)
  onProgress?: (fraction: number, label: string) => void;
}
