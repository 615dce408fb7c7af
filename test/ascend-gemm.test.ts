// Dense GEMMs on the Ascend 910B (hardware/huawei/ascend-910b.yaml efficiency.gemm / gemm_by_dtype.fp16): torch.mm square
// sweeps on an Ascend 910B2 (zzc0721/torch-performance-test-data issue #109), as fractions of that bin's 353.9 TFLOP/s
// peak (pto-isa's utilization column: 150.78 TFLOP/s = 42.60 %), made non-decreasing by pooling the three largest
// points, in place of the 0.75 class curve (MAMF fractions of NVIDIA / AMD parts).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opGemm } from '../src/sim/ops.js';
import { gemmEfficiency } from '../src/sim/peaks.js';
import { defaultEfficiency } from '../src/hardware/efficiency.js';
import type { NormalizedHardware } from '../src/spec/types.js';

const npu = getLibrary().hardware['ascend-910b']!;
const PEAK_910B2 = 150.78e12 / 0.426;
// [n, bf16 TFLOP/s, fp16 TFLOP/s] from issue #109
const SWEEP: [number, number, number][] = [
  [1024, 99.86, 98.08],
  [2048, 248.3, 251.01],
  [4096, 315.36, 314.52],
  [8192, 301.23, 305.46],
  [10240, 300.94, 274.76],
];
const classCurve = (hw: NormalizedHardware): NormalizedHardware => {
  const { gemm } = defaultEfficiency('hbm2e', 'datacenter', 'huawei');
  return { ...hw, efficiency: { ...hw.efficiency, gemm, gemmByDtype: undefined } };
};

describe('ascend-910b GEMM table', () => {
  it('holds the measured bf16 and fp16 fractions up to 4096^3 within 0.005', () => {
    for (const [n, bf16, fp16] of SWEEP.slice(0, 2)) {
      expect(gemmEfficiency(npu, 'bf16', 2 * n ** 3)).toBeCloseTo((bf16 * 1e12) / PEAK_910B2, 2);
      expect(gemmEfficiency(npu, 'fp16', 2 * n ** 3)).toBeCloseTo((fp16 * 1e12) / PEAK_910B2, 2);
    }
  });
  it('pools the three largest points: their mean, within 0.005, for each dtype', () => {
    const pooled = (col: 1 | 2) => SWEEP.slice(2).reduce((s, r) => s + (r[col] * 1e12) / PEAK_910B2, 0) / 3;
    for (const [n] of SWEEP.slice(2)) {
      expect(gemmEfficiency(npu, 'bf16', 2 * n ** 3)).toBeCloseTo(pooled(1), 2);
      expect(gemmEfficiency(npu, 'fp16', 2 * n ** 3)).toBeCloseTo(pooled(2), 2);
    }
  });
  it('prices a 4096^3 bf16 GEMM at the measured fraction of this file\'s peak, faster than the class curve did', () => {
    const ours = opGemm(npu, 4096, 4096, 4096, 'bf16');
    const dflt = opGemm(classCurve(npu), 4096, 4096, 4096, 'bf16');
    const fraction = ours.flops / ours.seconds / npu.matrixFlopPerS.bf16!;
    expect(fraction).toBeGreaterThan(0.84);
    expect(fraction).toBeLessThan(0.87);
    expect(dflt.seconds / ours.seconds).toBeGreaterThan(1.2);
  });
  it('leaves int8 on the bf16 table: FlagPerf\'s Atlas 800T A2 int8 8192^3 (608.554 TOPS) is the bf16 fraction of twice the peak', () => {
    expect(gemmEfficiency(npu, 'int8', 1.37e11)).toBe(gemmEfficiency(npu, 'bf16', 1.37e11));
    expect(gemmEfficiency(npu, 'int8', 2 * 8192 ** 3)).toBeCloseTo(608.554e12 / (2 * PEAK_910B2), 2);
    // the same benchmark's bf16 (sustained, 50,000 iterations) against the pooled table
    expect(gemmEfficiency(npu, 'bf16', 2 * 8192 ** 3)).toBeCloseTo(304.277e12 / PEAK_910B2, 2);
  });
});
