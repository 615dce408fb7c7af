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

// GEMM efficiency vs GEMM size (FLOPs), relative to the large-GEMM fraction `large`. The fixed launch/tail
// time is charged separately (kernelOverheadS), so the table only holds what size does to throughput:
//  - 2.1 GFLOP (1024³): 0.4 of large — Azure ND H100 v5 cuBLASLt FP8: 274.1 TFLOP/s at 1024³ (7.8 µs) vs
//    1377.3 at 16384³ (Azure/AI-benchmarking-guide ND_H100_v5_results.md @f350e7e); after the ~4 µs kernel
//    overhead the body runs at 0.4 of large — as its 64 output tiles of 128² fill 64 of 132 SMs (0.48);
//  - ~1e11 FLOP: ≈ large — stas00/ml-engineering MAMF searches find the best shapes at 1-2·10¹¹ FLOP
//    (H100 2048×2048×13312, B200 1792×16128×3072, H200 fp8 1280×4096×12032): GEMMs of that size already fill
//    the chip; typical shapes of that size land a little below the best one (0.95);
//  - below 1e9 FLOP the GEMMs an LLM runs are skinny (decode, M ≤ 64: GEMV / split-K kernels spread over all
//    SMs) and memory-bound; the table falls slowly there (0.25 at 1e8) so that it never makes a GEMV
//    compute-bound on parts with a low FLOP:byte ratio (Apple, phones).
export function gemmTable(large: number): EfficiencyTable {
  return {
    sizes: [1e6, 1e8, 2e9, 2e10, 1e11, 1e12],
    values: [0.1, 0.25, 0.4, 0.75, 0.95, 1].map((f) => Math.round(f * large * 1000) / 1000),
  };
}

// Large-GEMM fraction by class, where a spec gives no measurement:
//  - datacenter GPUs: 0.75, the middle of the MAMF table (stas00/ml-engineering: H100 0.80, B200 0.78,
//    Gaudi 3 0.74, MI300X 0.51 with tuning) — specs with their own measurement override it;
//  - Apple GPUs under Metal: 0.65 of the GPU FP32-rate peak — llama.cpp Metal pp512 of LLaMA-7B Q4_0 reaches
//    1030 tok/s on M1 Ultra (64-core, 21 TFLOP/s) and 886 tok/s on M4 Max (40-core, ~18 TFLOP/s), i.e.
//    1.35e10 FLOP/token × rate = 0.66 and 0.65 of peak (ggml-org/llama.cpp discussion #4167);
//  - phone/edge NPUs and other mobile parts: 0.5 (vendor-profiled prompt processing on Snapdragon NPUs lands at
//    a third to a half of the quoted TOPS; conservative).
function largeGemmFraction(cls: string, vendor?: string): number {
  if (vendor === 'apple') return 0.65;
  if (cls === 'mobile' || cls === 'edge' || cls === 'laptop') return 0.5;
  return 0.75;
}

export function defaultEfficiency(technology: string, cls: string, vendor?: string): HardwareEfficiency {
  const mobile = cls === 'mobile' || cls === 'edge' || cls === 'laptop';
  return {
    memory: defaultMemoryEfficiency(technology),
    gemm: gemmTable(largeGemmFraction(cls, vendor)),
    attention: 0.6,
    vector: 0.5,
    // Ring all-reduce bus bandwidth / link bandwidth, NCCL 8 GB on 8× A100 NVLink3: 231.58 of 300 GB/s = 0.77
    // (Azure ND A100 v4 results @3bb66ca).
    collective: 0.77,
    // Per-kernel gap between dependent kernels: ~2-4 µs with CUDA graphs on datacenter GPUs (NVIDIA CUDA graphs
    // blog "Getting started with CUDA Graphs": launch ~2.5 µs → ~1 µs per node plus tail); ~10 µs for Metal /
    // mobile command-buffer dispatch.
    kernelOverheadS: mobile || vendor === 'apple' ? 10e-6 : 4e-6,
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
