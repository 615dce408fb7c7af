// GeForce boards clock past their rated boost under tensor load, so their large-GEMM fraction of the rated peak is the
// median of the cards' measured PyTorch square-matmul maxima, per dtype (hardware/nvidia/rtx-3090.yaml 1.08,
// rtx-4090.yaml 1.0, rtx-5090.yaml bf16 1.13 / fp16 1.07: zzc0721/torch-performance-test-data database.md @0785868,
// issues #96, #124, #200).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import type { Op } from '../src/model/op.js';
import { denseGemmOp } from './helpers/gemm-op.js';

const lib = getLibrary();
const tflops = (op: Op, id: string) => op.flops / opCost(op, lib.hardware[id]!).seconds / 1e12;
const fp16 = (op: Op): Op => ({ ...op, dtype: 'fp16' });

// The cards' maxima are taken as the large-GEMM fraction, reached at the top of the class size table (8.8 TFLOP:
// 16384³; src/hardware/efficiency.ts gemmTable), as for the RTX 3090 / 4090.
describe('RTX 5090 large GEMMs at the cards’ measured median rate', () => {
  it('bf16 16384³ reaches the median card (236.99 TFLOP/s) within 2%, above the 209.6 rated peak', () => {
    const r = tflops(denseGemmOp(16384, 16384, 16384, 'bf16'), 'rtx-5090');
    expect(r).toBeGreaterThan(236.99 * 0.98);
    expect(r).toBeLessThan(236.99 * 1.02);
  });

  it('fp16 16384³ reaches its own median card (224.41 TFLOP/s) within 2%', () => {
    const r = tflops(fp16(denseGemmOp(16384, 16384, 16384, 'bf16')), 'rtx-5090');
    expect(r).toBeGreaterThan(224.41 * 0.98);
    expect(r).toBeLessThan(224.41 * 1.02);
  });

  it('the same rule on the RTX 4090 keeps it at its median card (~166 TFLOP/s), so the 5090:4090 ratio is the measured one', () => {
    const op = denseGemmOp(10240, 10240, 10240, 'bf16');
    expect(tflops(op, 'rtx-5090') / tflops(op, 'rtx-4090')).toBeCloseTo(236.99 / 166, 1);
  });

  it('the RTX PRO 6000 (extends rtx-5090, full-rate accumulate) does not inherit the GeForce fp16 fraction: fp16 = bf16', () => {
    const op = denseGemmOp(16384, 16384, 16384, 'bf16');
    expect(tflops(fp16(op), 'rtx-pro-6000')).toBeCloseTo(tflops(op, 'rtx-pro-6000'), 6);
  });
});


describe('GeForce dtypes nobody timed stay at their rated peak', () => {
  it('an fp4 / fp8 GEMM on an RTX 5090 and an int8 one on an RTX 3090 never run past the rated rate', () => {
    const big = 16384;
    expect(tflops(denseGemmOp(big, big, big, 'fp4'), 'rtx-5090')).toBeLessThanOrEqual(1676);
    expect(tflops(denseGemmOp(big, big, big, 'fp8'), 'rtx-5090')).toBeLessThanOrEqual(419.2);
    expect(tflops(denseGemmOp(big, big, big, 'int8'), 'rtx-3090')).toBeLessThanOrEqual(284);
    // the measured bf16 fraction still applies past the rating
    expect(tflops(denseGemmOp(big, big, big, 'bf16'), 'rtx-5090')).toBeGreaterThan(209.6);
  });
});
