// MI355X (CDNA 4) MXFP4 GEMM rate from AITER's tuned a4w4 GEMM table (ROCm/aiter aiter/configs/
// a4w4_blockscale_tuned_gemm.csv @e4048607, gfx950 with 256 CUs: each shape's fastest asm / CK kernel, measured µs per
// call), not the NVIDIA-derived class default (0.75 of the peak at the largest sizes). Sources: hardware/amd/mi355x.yaml;
// bench/aiter/tuned-gemm-vs-op.mjs prints the whole comparison.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opGemm } from '../src/sim/ops.js';

const mi355x = getLibrary().hardware['mi355x']!;
const us = (m: number, n: number, k: number) => opGemm(mi355x, m, n, k, 'fp4').seconds * 1e6;

describe('MI355X fp4 GEMM (AITER a4w4 tuned table, gfx950)', () => {
  // Llama-3.1-8B's gate_up projection (N 28672, K 4096) at prompt-step rows: 67.7 / 123.4 / 433.8 µs measured
  it('Llama-3.1-8B gate_up at 1024 / 2048 / 8192 rows within 10% of the measured kernel', () => {
    for (const [m, t] of [[1024, 67.7295], [2048, 123.3527], [8192, 433.7855]] as const) {
      expect(us(m, 28672, 4096) / t).toBeGreaterThan(0.9);
      expect(us(m, 28672, 4096) / t).toBeLessThan(1.1);
    }
  });
  it('squares 4096³ / 8192³ / 16384³ within 20% (37.9 / 216.0 / 1563.1 µs measured; the table is by size, squares run above the median shape)', () => {
    for (const [n, t] of [[4096, 37.9223], [8192, 216.0155], [16384, 1563.1208]] as const) {
      expect(us(n, n, n) / t).toBeGreaterThan(0.95);
      expect(us(n, n, n) / t).toBeLessThan(1.2);
    }
  });
  it('never above the table\'s best measured fraction (0.57 of the 10100 TFLOP/s fp4 peak)', () => {
    for (const n of [1024, 2048, 4096, 8192, 16384, 32768]) {
      const r = opGemm(mi355x, n, n, n, 'fp4');
      expect(r.achieved_flops_per_s / 10100e12).toBeLessThanOrEqual(0.57);
    }
  });
});
