// Cards priced on their own torch.mm sweeps. The L4 (72 W) runs its matrix work at the rates its torch.mm sweep measured (hardware/nvidia/l4.yaml:
// zzc0721/torch-performance-test-data issue #120): a short burst at the 2048³ rate, back-to-back GEMMs and fused
// attention at the ≥ 4096³ rate once the power cap pulls the clock; memory-bound work keeps its rate.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import { opGemm } from '../src/sim/ops.js';
import { attentionCore } from '../src/model/transformer-block.js';
import { denseGemmOp } from './helpers/gemm-op.js';

const lib = getLibrary();
const l4 = lib.hardware['l4']!;

describe('L4 matrix rates under its 72 W cap', () => {
  it('a large bf16 GEMM in a serving step runs at the sweep’s back-to-back rate (55.1 TFLOP/s, bf16/fp16 ≥ 4096³ mean)', () => {
    const op = denseGemmOp(8192, 8192, 8192, 'bf16');
    const tflops = op.flops / opCost(op, l4).seconds / 1e12;
    expect(tflops).toBeGreaterThan(55.08 * 0.97);
    expect(tflops).toBeLessThan(55.08 * 1.03);
  });

  it('`op gemm` (a burst) reads the 2048³ rate, 69.9 TFLOP/s, above the back-to-back one', () => {
    const r = opGemm(l4, 2048, 2048, 2048, 'bf16');
    expect(r.achieved_flops_per_s / 1e12).toBeGreaterThan(69.86 * 0.97);
    expect(r.achieved_flops_per_s / 1e12).toBeLessThan(69.86 * 1.03);
  });

  it('fused prompt attention pays the same clock drop; a weight-streaming GEMV does not', () => {
    const attn = attentionCore('attn', { batch: 1, q: 8192, kv: 8192, heads: 32, headDim: 128 }, { compute: 'bf16', actBytes: 2, weightBytes: 2, kvBytes: 2 }, true);
    const capped = opCost(attn, l4).seconds;
    const uncapped = opCost(attn, { ...l4, efficiency: { ...l4.efficiency, sustainedMatrix: undefined } }).seconds;
    expect(capped / uncapped).toBeCloseTo(1 / 0.788, 2);
    const gemv = denseGemmOp(1, 4096, 14336, 'bf16');
    const a = opCost(gemv, l4).seconds;
    const b = opCost(gemv, { ...l4, efficiency: { ...l4.efficiency, sustainedMatrix: undefined } }).seconds;
    expect(a).toBeCloseTo(b, 9);
  });
});

describe('L4 weight streaming at its measured copy rate', () => {
  it('a decode GEMV over 117 MB of bf16 weights streams at 235 GB/s (chsasank/device-benchmarks copy), not the class 264', () => {
    const gemv = denseGemmOp(1, 4096, 14336, 'bf16');
    const gbs = gemv.bytes / opCost(gemv, l4).memoryS / 1e9;
    expect(gbs).toBeGreaterThan(235 * 0.99);
    expect(gbs).toBeLessThan(235 * 1.01);
  });
});

describe('RTX PRO 6000 large GEMMs at the cards’ measured median', () => {
  it('bf16 16384³ reaches the four cards’ median torch.mm maximum (413.4 TFLOP/s) within 2%', () => {
    const op = denseGemmOp(16384, 16384, 16384, 'bf16');
    const tflops = op.flops / opCost(op, lib.hardware['rtx-pro-6000']!).seconds / 1e12;
    expect(tflops).toBeGreaterThan(413.4 * 0.98);
    expect(tflops).toBeLessThan(413.4 * 1.02);
  });
});

describe('RTX 6000 Ada (300 W) under sustained matrix work', () => {
  it('back-to-back GEMMs pay the card’s measured long-call share (0.68) of the burst rate; a GEMV keeps its rate', () => {
    const hw = lib.hardware['rtx-6000-ada']!;
    const burst = { ...hw, efficiency: { ...hw.efficiency, sustainedMatrix: undefined } };
    const op = denseGemmOp(8192, 8192, 8192, 'bf16');
    expect(opCost(op, burst).seconds / opCost(op, hw).seconds).toBeCloseTo(0.68, 3);
    const gemv = denseGemmOp(1, 4096, 14336, 'bf16');
    expect(opCost(gemv, hw).seconds).toBeCloseTo(opCost(gemv, burst).seconds, 9);
  });
});

describe('RTX 3060 on its own measurements, not the RTX 3090’s', () => {
  it('streams at its copy rate (330 GB/s) and runs a large bf16 GEMM at its median matmul maximum (25.7 TFLOP/s)', () => {
    const hw = lib.hardware['rtx-3060']!;
    const gemv = denseGemmOp(1, 4096, 14336, 'bf16');
    expect(gemv.bytes / opCost(gemv, hw).memoryS / 1e9).toBeCloseTo(330, -1);
    const op = denseGemmOp(16384, 16384, 16384, 'bf16');
    const tflops = op.flops / opCost(op, hw).seconds / 1e12;
    expect(tflops).toBeGreaterThan(25.74 * 0.98);
    expect(tflops).toBeLessThan(25.74 * 1.02);
  });
});
