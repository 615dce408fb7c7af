// tpu-v7 (Ironwood) efficiencies from Google's own micro-benchmarks (AI-Hypercomputer/accelerator-microbenchmarks
// @ee16a1c): HBM copy 3,210 GB/s per TensorCore, the bf16 m=n=k GEMM sweep per TensorCore, the 2x2x1 ICI all-gather
// sweep. JAX shows a chip as two devices; the spec is per chip, so its tables are the per-device ones at twice the size.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { collectiveEfficiency, lookupEfficiency } from '../src/hardware/efficiency.js';
import { opGemm } from '../src/sim/ops.js';

const v7 = getLibrary().hardware['tpu-v7']!;
const e = v7.efficiency;

describe('tpu-v7 measured efficiencies', () => {
  it('reads the HBM copy bandwidth: 2 x 3,210.48 GB/s of 7.37 TB/s', () => {
    expect(e.memory).toBeCloseTo((2 * 3210.48) / 7370, 3);
  });

  it('prices a chip GEMM of two 4096^3 / 32768^3 halves at the measured per-TensorCore rate', () => {
    for (const [n, tflops] of [[4096, 892.94], [32768, 956.38]] as const) {
      const g = opGemm(v7, 2 * n, n, n, 'bf16');
      // the two TensorCores of the chip together: twice the per-core rate, within 1%
      expect(g.achieved_flops_per_s / (2 * tflops * 1e12)).toBeGreaterThan(0.99);
      expect(g.achieved_flops_per_s / (2 * tflops * 1e12)).toBeLessThan(1.01);
    }
    // small ops: a fixed 1.62 us per op (the 128^3 matmul's whole time) plus the rest at the table's rate, so the
    // 512^3 and 1024^3 pairs take their measured 2.55 / 6.14 us
    expect(e.kernelOverheadS).toBeCloseTo(1.62e-6, 8);
    for (const [n, us] of [[512, 2.555], [1024, 6.14]] as const) {
      expect(opGemm(v7, 2 * n, n, n, 'bf16').seconds * 1e6).toBeCloseTo(us, 1);
    }
    expect(lookupEfficiency(e.gemm, 2 * 2 * 4096 ** 3)).toBeCloseTo(0.782, 3);
  });

  it('reads the 2x2x1 all-gather sweep per chip (600 GB/s per direction)', () => {
    expect(e.collectiveBySize).toBeDefined();
    expect(collectiveEfficiency(e, 2 * 256 * 2 ** 20) * 600).toBeCloseTo(178.77, 0);
    expect(collectiveEfficiency(e, 2 * 2 ** 20) * 600).toBeCloseTo(71.77, 0);
    // below the smallest measured message the time is flat (latency floor): half the size, half the fraction
    expect(collectiveEfficiency(e, 2 ** 20)).toBeCloseTo(collectiveEfficiency(e, 2 * 2 ** 20) / 2, 6);
  });
});

describe('tpu-v7-tensorcore: one Ironwood TensorCore, what JAX counts as a device', () => {
  const tc = getLibrary().hardware['tpu-v7-tensorcore']!;
  it('is half the chip with the per-device measurements as published', () => {
    expect(tc.matrixFlopPerS.bf16! * 2).toBeCloseTo(v7.matrixFlopPerS.bf16!, -6);
    expect(tc.memory.bandwidthBytePerS * 2).toBeCloseTo(v7.memory.bandwidthBytePerS, -6);
    expect(tc.efficiency.memory).toBe(e.memory);
    // 4096^3 on one TensorCore at the measured 892.94 TFLOP/s, within 1%
    const g = opGemm(tc, 4096, 4096, 4096, 'bf16');
    expect(g.achieved_flops_per_s / 892.94e12).toBeGreaterThan(0.99);
    expect(g.achieved_flops_per_s / 892.94e12).toBeLessThan(1.01);
    // the per-device all-gather: 89.4 GB/s at 256 MiB output over its 300 GB/s share of the chip's ICI
    expect(collectiveEfficiency(tc.efficiency, 256 * 2 ** 20) * 300).toBeCloseTo(178.77 / 2, 0);
  });
});
