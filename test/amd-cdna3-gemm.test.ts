// CDNA3 GEMM rates per board: MI325X runs the MI300X die on a 1000 W board and holds a higher clock under MFMA load,
// so its GEMM rates are its own (AMD's MAF/TAF blog, normal-distribution inputs: best shapes bf16 831.40, fp8 1408.06
// TFLOP/s; ten DeepSeek-V3 shapes 616 / 1143), not the MI300X's. The tables are set at the shapes models run (the TAF,
// test/cdna3-gemm-taf.test.ts), so a best shape reads above op gemm. Sources: hardware/amd/mi325x.yaml.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import type { Op } from '../src/model/op.js';
import { denseGemmOp } from './helpers/gemm-op.js';

const lib = getLibrary();
const mi300x = lib.hardware['mi300x']!;
const mi325x = lib.hardware['mi325x']!;

const gemm = denseGemmOp;
const tflops = (op: Op, hw: typeof mi300x) => op.flops / opCost(op, hw).seconds / 1e12;

describe('MI325X GEMM rates (AMD MAF / TAF, normal-distribution inputs)', () => {
  it('fp8 at the MAF shape (4096 × 3648 × 32896) prices under the measured best-shape 1408 TFLOP/s by about the TAF gap (0.81)', () => {
    const r = tflops(gemm(4096, 3648, 32896, 'fp8'), mi325x);
    expect(r).toBeGreaterThan(1408.06 * 0.78);
    expect(r).toBeLessThan(1408.06 * 0.86);
  });

  it('bf16 at the MAF shape (4096 × 4864 × 32896) prices under the measured best-shape 831 TFLOP/s by about the TAF gap (0.74)', () => {
    // efficiency.gemm is the large-GEMM fraction; the class size table (src/hardware/efficiency.ts gemmTable) puts a
    // 1.3 TFLOP GEMM at ~0.94 of it
    const r = tflops(gemm(4096, 4864, 32896, 'bf16'), mi325x);
    expect(r).toBeGreaterThan(831.4 * 0.7);
    expect(r).toBeLessThan(831.4 * 0.8);
  });

  it('the same die on the 1000 W board is faster than MI300X at every compute-bound fp8 size, by the GEMM clock ratio at the top', () => {
    for (const n of [2048, 4096, 8192, 16384]) {
      const op = gemm(n, n, n, 'fp8');
      expect(tflops(op, mi325x)).toBeGreaterThan(tflops(op, mi300x));
    }
    const big = gemm(16384, 16384, 16384, 'fp8');
    // the MI300X's level is the MI325X TAF at its median fp8 GEMM clock (1230 vs 1464 MHz, rocm-blogs MAF part 2)
    expect(tflops(big, mi325x) / tflops(big, mi300x)).toBeCloseTo(1464 / 1230, 1);
  });
});

describe('MI325X HBM fraction (CDNA3 memory system)', () => {
  it("carries the MI300X's measured triad fraction, not the NVIDIA-derived HBM class default", () => {
    expect(mi325x.efficiency.memory).toBe(mi300x.efficiency.memory);
    expect(mi325x.efficiency.memory).toBeLessThan(0.85);
  });

  it('a batch-1 decode GEMV streams its weights at 0.774 x 6.0 TB/s on MI325X, 6.0/5.3 of MI300X', () => {
    const op = gemm(1, 28672, 8192, 'fp8'); // 235 MB of fp8 weights: far above any cache
    const mi325 = op.bytes / opCost(op, mi325x).memoryS;
    expect(mi325 / 1e12).toBeCloseTo(0.774 * 6.0, 1);
    expect(mi325 / (op.bytes / opCost(op, mi300x).memoryS)).toBeCloseTo(6.0 / 5.3, 2);
  });
});

describe('MI355X bf16 GEMMs (AITER tuned table, gfx950 / 256 CUs)', () => {
  const mi355x = lib.hardware['mi355x']!;
  it('a 1e13-FLOP GEMM runs near the measured 1305 TFLOP/s (16384 x 50016 x 6144), far under the 0.75 class default', () => {
    const r = tflops(gemm(16384, 50016, 6144, 'bf16'), mi355x);
    expect(r).toBeGreaterThan(1305 * 0.95);
    expect(r).toBeLessThan(1378.5 * 1.01); // never above the best measured shape
    expect(r / 2500).toBeLessThan(0.6);
  });
  it('fp16 carries the same fraction; fp8 keeps its own hipBLASLt table', () => {
    const big16 = tflops(gemm(16384, 16384, 16384, 'fp16'), mi355x);
    expect(big16).toBeCloseTo(tflops(gemm(16384, 16384, 16384, 'bf16'), mi355x), 6);
    expect(tflops(gemm(8192, 8192, 8192, 'fp8'), mi355x)).toBeGreaterThan(2 * big16);
  });
});
