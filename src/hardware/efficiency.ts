// Default efficiency (achievable fraction of peak) when a hardware spec gives none, by memory technology
// and class. Specs override with measured fractions (and `hwperf calibrate` fits them from benchmarks).
import type { EfficiencyTable, HardwareEfficiency } from '../spec/types.js';

// Achievable fraction of DRAM bandwidth by technology family. Sources: STREAM-like triad measurements,
// e.g. H100 HBM3 2.97 of 3.35 TB/s = 0.89 and A100 HBM2e 1.70 of 2.04 TB/s = 0.83 (Azure
// AI-benchmarking-guide ND H100 v5 / ND A100 v4 results); LPDDR SoCs reach less (shared fabric, refresh).
export function defaultMemoryEfficiency(technology: string): number {
  if (technology.startsWith('hbm')) return 0.85;
  if (technology.startsWith('gddr')) return 0.88;
  if (technology.startsWith('lpddr')) return 0.75;
  return 0.75;
}

// GEMM efficiency vs GEMM size (FLOPs): small GEMMs cannot fill every SM/CU (wave quantization, tile
// underuse), large ones approach the measured large-GEMM fraction `large`. The shape follows cuBLAS/hipBLAS
// sweeps (e.g. Azure guide H100 fp8: 274 TFLOP/s at 1024³ (2.1 GFLOP), 1290 at 8192³ (1.1 TFLOP)).
export function gemmTable(large: number): EfficiencyTable {
  return {
    sizes: [1e6, 1e8, 2e9, 2e10, 2e11, 1e12],
    values: [0.02, 0.1, 0.3, 0.6, 0.9, 1].map((f) => Math.round(f * large * 1000) / 1000),
  };
}

export function defaultEfficiency(technology: string, cls: string): HardwareEfficiency {
  const mobile = cls === 'mobile' || cls === 'edge' || cls === 'laptop';
  return {
    memory: defaultMemoryEfficiency(technology),
    gemm: gemmTable(mobile ? 0.5 : 0.75),
    attention: 0.6,
    vector: 0.5,
    collective: 0.75,
    kernelOverheadS: mobile ? 10e-6 : 4e-6,
  };
}

// Interpolate an efficiency table in log(size), clamped at both ends.
export function lookupEfficiency(t: EfficiencyTable, size: number): number {
  const s = t.sizes;
  const v = t.values;
  const n = s.length;
  if (size <= s[0]!) return v[0]!;
  if (size >= s[n - 1]!) return v[n - 1]!;
  let i = 1;
  while (s[i]! < size) i++;
  const x0 = Math.log(s[i - 1]!);
  const x1 = Math.log(s[i]!);
  const f = (Math.log(size) - x0) / (x1 - x0);
  return v[i - 1]! + f * (v[i]! - v[i - 1]!);
}
