// A10G (AWS G5): its own 16-bit GEMM table from a torch.mm sweep on the card (zzc0721/torch-performance-test-data issue
// #126), replacing the A10's 0.44 it inherited (hardware/nvidia/a10g.yaml). Memory stays the A10's (same GDDR6 system).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import { largeGemmEfficiency } from '../src/sim/peaks.js';
import { denseGemmOp } from './helpers/gemm-op.js';

const lib = getLibrary();
const a10g = lib.hardware['a10g']!;
const a10 = lib.hardware['a10']!;

describe('A10G 16-bit GEMMs (torch.mm square sweep on an A10G)', () => {
  const bf16: [number, number][] = [[1024, 47.92], [2048, 60.57], [4096, 62.48], [8192, 66.59], [10240, 69.47]];
  it('prices each square bf16 size at the measured rate within 3%', () => {
    for (const [n, tf] of bf16) {
      const op = denseGemmOp(n, n, n, 'bf16');
      const kernelS = opCost(op, a10g).seconds - a10g.efficiency.kernelOverheadS + 2e-6;
      const ratio = kernelS / (op.flops / (tf * 1e12));
      expect(ratio, `${n}^3`).toBeGreaterThan(0.97);
      expect(ratio, `${n}^3`).toBeLessThan(1.03);
    }
  });
  it('is the card’s own (69.5 TFLOP/s at 10240³, above the A10’s 55) and keeps the A10’s memory', () => {
    expect(largeGemmEfficiency(a10g, 'bf16') * 125).toBeCloseTo(69.5, 0);
    expect(largeGemmEfficiency(a10g, 'bf16')).toBeGreaterThan(largeGemmEfficiency(a10, 'bf16') + 0.1);
    expect(a10g.efficiency.memory).toBe(a10.efficiency.memory);
  });
});
