// RDNA 4 GEMM fraction (hardware/amd/radeon-ai-pro-r9700.yaml): measured on the RX 9070 XT, the same Navi 48 die. Large
// square matmul through hipBLASLt fp16 113.53 / bf16 115.68 TFLOP/s (ROCm/rocm-libraries issue #10861); llama.cpp's
// reference shape through rocBLAS bf16 91.95 TFLOP/s (ggml-org/llama.cpp PR #17437, test-backend-ops). Both scaled to
// the R9700's 2.92 GHz from the 9070 XT's 2.97.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { lookupEfficiency } from '../src/hardware/efficiency.js';

const lib = getLibrary();
const clock = 2.92 / 2.97;

describe('RDNA 4 GEMM rate (Radeon AI PRO R9700)', () => {
  const hw = lib.hardware['radeon-ai-pro-r9700']!;
  const peak = hw.matrixFlopPerS.bf16!;
  it('large matmuls reach the measured ~59% of the derived peak, not the 0.75 class default', () => {
    expect(lookupEfficiency(hw.efficiency.gemm, 8.8e12)).toBeCloseTo(0.59, 3);
    const at8192 = lookupEfficiency(hw.efficiency.gemm, 2 * 8192 ** 3) * peak;
    expect(at8192 / (115.68e12 * clock)).toBeGreaterThan(0.9);
    expect(at8192 / (115.68e12 * clock)).toBeLessThan(1.1);
  });
  it('the llama.cpp reference shape (4096 x 512 x 14336) lands within 15% of the rocBLAS timing', () => {
    const ref = lookupEfficiency(hw.efficiency.gemm, 2 * 4096 * 512 * 14336) * peak;
    expect(ref / (91.95e12 * clock)).toBeGreaterThan(0.85);
    expect(ref / (91.95e12 * clock)).toBeLessThan(1.15);
  });
});
