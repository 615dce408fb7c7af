// MI355X (CDNA 4) fp8 GEMM rate from hipBLASLt on the part (ROCm blogs "FP8 GEMM Optimization on AMD CDNA4
// Architecture", Table 5: 4096³ 2750.42 and 8192³ 3130.21 TFLOP/s), not the class default. Sources:
// hardware/amd/mi355x.yaml.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import type { Op } from '../src/model/op.js';

const mi355x = getLibrary().hardware['mi355x']!;
const fp8 = (n: number): Op => ({ name: 'gemm', kind: 'gemm', flops: 2 * n * n * n, bytes: 2 * n * n + n * n * 2, weightBytes: n * n, dtype: 'fp8', count: 1, m: n, n, k: n });
const tflops = (n: number) => fp8(n).flops / opCost(fp8(n), mi355x).seconds / 1e12;

describe('MI355X fp8 GEMM (hipBLASLt, ROCm 7.1)', () => {
  it('8192³ within 3% of the measured 3130 TFLOP/s', () => {
    expect(tflops(8192) / 3130.21).toBeGreaterThan(0.97);
    expect(tflops(8192) / 3130.21).toBeLessThan(1.03);
  });
  it('4096³ within 5% of the measured 2750 TFLOP/s', () => {
    expect(tflops(4096) / 2750.42).toBeGreaterThan(0.95);
    expect(tflops(4096) / 2750.42).toBeLessThan(1.05);
  });
  it('never above the measured large-GEMM fraction (0.630 of the 5000 TFLOP/s fp8 peak) at any size', () => {
    for (const n of [1024, 2048, 4096, 8192, 16384, 32768]) expect(tflops(n)).toBeLessThanOrEqual(0.630 * 5000 + 1e-6);
  });
});
