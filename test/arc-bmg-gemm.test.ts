// Intel Arc B580 / Arc Pro B60 (BMG-G21) GEMM table: oneDNN BF16 matmul timings on a B60 (vllm-project/vllm-xpu-kernels
// PR #294), hardware/intel/arc-b580.yaml, inherited by arc-pro-b60. `op gemm` over those shapes reads the measured times.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opGemm } from '../src/sim/ops.js';
import { gemmTable } from '../src/hardware/efficiency.js';

const lib = getLibrary();

describe('BMG-G21 GEMM table (oneDNN bf16 on an Arc Pro B60)', () => {
  const b60 = lib.hardware['arc-pro-b60']!;
  it('prices the compute-bound rows of the table at their measured times (4096 x 4096 weight, M tokens)', () => {
    // M: measured oneDNN microseconds
    for (const [m, us] of [[256, 128.0], [384, 177.6], [512, 236.7], [640, 285.3]] as const) {
      const r = opGemm(b60, m, 4096, 4096, 'bf16');
      expect(r.bound).toBe('compute');
      expect(r.seconds * 1e6 / us).toBeGreaterThan(0.97);
      expect(r.seconds * 1e6 / us).toBeLessThan(1.03);
    }
  });
  it('the weight-read rows stay memory-bound near the measured time (M 1: 81.7 us)', () => {
    const r = opGemm(b60, 1, 4096, 4096, 'bf16');
    expect(r.bound).toBe('memory');
    expect(r.seconds * 1e6).toBeGreaterThan(81.7 * 0.95);
    expect(r.seconds * 1e6).toBeLessThan(81.7 * 1.1);
  });
  it('the B580 prices the same shapes at the B60 fraction of its own peak: time ratio = clock ratio 2.4 / 2.67', () => {
    const b580 = lib.hardware['arc-b580']!;
    const t60 = opGemm(b60, 512, 4096, 4096, 'bf16').seconds;
    const t580 = opGemm(b580, 512, 4096, 4096, 'bf16').seconds;
    expect(t580 / t60).toBeCloseTo(2.4 / 2.67, 2);
  });
  it('a mid-size GEMM is priced faster than under the class table it replaces (measured 0.694 where the class gave ~0.48)', () => {
    const classHw = { ...b60, efficiency: { ...b60.efficiency, gemm: gemmTable(0.75) } };
    const measured = opGemm(b60, 256, 4096, 4096, 'bf16').seconds;
    const classDefault = opGemm(classHw, 256, 4096, 4096, 'bf16').seconds;
    expect(classDefault / measured).toBeGreaterThan(1.3);
    // past the last measured point the rate is held, never falling: 4x the FLOPs costs at most 4x the time
    expect(opGemm(b60, 2560, 4096, 4096, 'bf16').seconds).toBeLessThanOrEqual(4 * opGemm(b60, 640, 4096, 4096, 'bf16').seconds * 1.0001);
  });
});
