// DGX Spark (GB10, SM121) and Jetson AGX Thor (SM110) kernel rates from kernel micro-benchmarks on the parts, not
// from end-to-end rows. Sources: hardware/nvidia/dgx-spark.yaml and hardware/nvidia/jetson-agx-thor.yaml.
//  - GB10: NVFP4 CUTLASS GEMM 356 TFLOP/s at 4096 x 14336 x 4096 and FP8 188 TFLOP/s (NVIDIA developer forum thread
//    359960), BF16 matmul 92.3 TFLOP/s (huggingface/kernels PR #283) — each above the peak the file used to derive
//    (bf16 62.5, fp8 125); llama.cpp's MMQ at 62-67 TFLOP/s (unslothai/llama.cpp PR #198, base column);
//  - Thor: BF16 GEMM 135.2 / 135.37 TFLOP/s (infinigence/ApxInf PR #74; zzc0721/torch-performance-test-data issue
//    #151, 4096³), a 2 GB read at 257.0 GB/s (ApxInf PR #74);
//  - AGX Orin 64GB (SM87, MAXN): cuBLAS BF16 GEMM 33.4-34.1 TFLOP/s over 2048³/4096³/8192³ (infinigence/ApxInf
//    doc/jetson-roofline.md @21ae1dc; shapes from the script revision read, bench_device_roofline.cu @5243ffa0),
//    a 2 GB read at 152.8 GB/s (same table).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opGemm, opStream } from '../src/sim/ops.js';
import { ggufGemmPeak } from '../src/hardware/efficiency.js';

const lib = getLibrary();
const spark = lib.hardware['dgx-spark']!;
const thor = lib.hardware['jetson-agx-thor']!;
const orin = lib.hardware['jetson-agx-orin-64gb']!;
const rate = (hw: typeof spark, m: number, n: number, k: number, d: 'bf16' | 'fp8' | 'fp4') => opGemm(hw, m, n, k, d).achieved_flops_per_s;
// a priced rate within 15% of the measured one
const within15 = (priced: number, measured: number) => {
  expect(priced / measured).toBeGreaterThan(0.85);
  expect(priced / measured).toBeLessThan(1.15);
};

describe('DGX Spark (GB10) GEMM rates', () => {
  it('NVFP4 4096 x 14336 x 4096 within 15% of the measured 356 TFLOP/s', () => {
    within15(rate(spark, 4096, 14336, 4096, 'fp4'), 356e12);
  });
  it('large fp8 and bf16 GEMMs within 15% of the measured 188 and 92.3 TFLOP/s, and above the old derived peaks', () => {
    const fp8 = rate(spark, 8192, 8192, 8192, 'fp8');
    const bf16 = rate(spark, 8192, 8192, 8192, 'bf16');
    within15(fp8, 188e12);
    within15(bf16, 92.3e12);
    // a measured kernel cannot beat the part's peak: the GeForce-ratio peaks (62.5 bf16, 125 fp8) were too low
    expect(bf16).toBeGreaterThan(62.5e12);
    expect(fp8).toBeGreaterThan(125e12);
  });
  it("llama.cpp's GGUF (MMQ) GEMMs take the per-SM-clock rate, within 10% of GB10's measured 62-67 TFLOP/s", () => {
    const mmq = ggufGemmPeak(spark)!;
    expect(mmq / 66.89e12).toBeGreaterThan(0.9);
    expect(mmq / 62.03e12).toBeLessThan(1.1);
  });
});

describe('Jetson AGX Thor rates', () => {
  it('bf16 4096³ within 15% of the measured 135.4 TFLOP/s (0.52 of the derived 258.75 peak)', () => {
    within15(rate(thor, 4096, 4096, 4096, 'bf16'), 135.37e12);
  });
  it('a 2 GB stream at the measured 257 GB/s, not the LPDDR class default (0.80 x 273 = 218 GB/s)', () => {
    const r = opStream(thor, 2e9);
    expect(r.achieved_bytes_per_s / 257e9).toBeGreaterThan(0.97);
    expect(r.achieved_bytes_per_s / 257e9).toBeLessThan(1.03);
  });
});

describe('Jetson AGX Orin 64GB rates', () => {
  it('bf16 4096³ and 8192³ within 15% of the measured 33.4-34.1 TFLOP/s (not the edge default 0.5 of the 42.5 peak)', () => {
    within15(rate(orin, 4096, 4096, 4096, 'bf16'), 33.4e12);
    within15(rate(orin, 8192, 8192, 8192, 'bf16'), 33.4e12);
  });
});
