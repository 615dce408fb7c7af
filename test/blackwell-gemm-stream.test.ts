// 16- and 8-bit GEMMs below the ridge point on Blackwell stream their weights short of STREAM
// (efficiency.gemm_memory_by_dtype bf16 / fp16 / fp8 on b200, gb200, gb300: medians of NVIDIA's aiconfigurator
// gemm_perf tables, ai-dynamo/aiconfigurator @095f58a5, bench/aiconfigurator/gemm-streaming.py). Hopper parts keep
// their STREAM fraction (the same tables read within ~5% of it there).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { linear } from '../src/model/op.js';
import { memoryEfficiency, opCost } from '../src/sim/roofline.js';

const lib = getLibrary();

describe('Blackwell skinny-GEMM weight streaming (aiconfigurator gemm_perf)', () => {
  it('b200, gb200 and gb300 state bf16 / fp16 / fp8 fractions below their STREAM one; Hopper parts none', () => {
    const want: Record<string, [number, number]> = { b200: [0.81, 0.73], gb200: [0.825, 0.77], gb300: [0.82, 0.765] };
    for (const [id, [b16, f8]] of Object.entries(want)) {
      const e = lib.hardware[id]!.efficiency;
      expect(e.gemmMemoryByDtype).toMatchObject({ bf16: b16, fp16: b16, fp8: f8, fp4: 0.66 });
      expect(b16).toBeLessThan(e.memory);
    }
    for (const id of ['h100-sxm', 'h200-sxm']) expect(lib.hardware[id]!.efficiency.gemmMemoryByDtype).toBeUndefined();
    // attention and elementwise ops keep the part's STREAM rate
    const gb200 = lib.hardware.gb200!;
    expect(memoryEfficiency({ ...linear('a', 32, 16384, 8192, 'bf16', 2, 2), kind: 'attention' }, gb200)).toBe(gb200.efficiency.memory);
    expect(memoryEfficiency(linear('g', 32, 16384, 8192, 'bf16', 2, 2), gb200)).toBe(0.825);
  });

  it('a decode-sized bf16 GEMM on a GB200 is priced within the frameworks’ measured calls', () => {
    const gb200 = lib.hardware.gb200!;
    // M = 32, N 16384, K 8192 (268 MB of bf16 weights): vLLM 0.19.0 40.8 µs, SGLang 0.5.9 40.5, TensorRT-LLM 1.3.0rc20 44.3
    const op = linear('g', 32, 16384, 8192, 'bf16', 2, 2);
    const c = opCost(op, gb200, 'decode');
    expect(c.bound).toBe('memory');
    expect(c.seconds).toBeCloseTo(op.bytes / (gb200.memory.bandwidthBytePerS * 0.825) + gb200.efficiency.kernelOverheadS, 12);
    expect(c.seconds * 1e6).toBeGreaterThan(40.5);
    expect(c.seconds * 1e6).toBeLessThan(44.3 * 1.02);
  });

  it('a decode-sized fp8 GEMM on a GB200 is priced within 5% of TensorRT-LLM’s cuBLASLt call (25.0 µs)', () => {
    const gb200 = lib.hardware.gb200!;
    // the same shape in fp8 (134 MB): the Linear's 36.1 µs less its computescale (9.0) and static quantize (2.1) kernels
    const c = opCost(linear('g', 32, 16384, 8192, 'fp8', 1, 2), gb200, 'decode');
    expect(c.seconds * 1e6).toBeGreaterThan(25.0 * 0.95);
    expect(c.seconds * 1e6).toBeLessThan(25.0 * 1.05);
    // at the STREAM fraction it was 11% under it
    const stream = { ...gb200, efficiency: { ...gb200.efficiency, gemmMemoryByDtype: undefined } };
    expect(opCost(linear('g', 32, 16384, 8192, 'fp8', 1, 2), stream, 'decode').seconds * 1e6).toBeLessThan(25.0 * 0.9);
  });

  it('compute-bound GEMMs do not move', () => {
    const gb200 = lib.hardware.gb200!;
    const big = linear('g', 8192, 8192, 8192, 'fp8', 1, 2);
    const stream = { ...gb200, efficiency: { ...gb200.efficiency, gemmMemoryByDtype: undefined } };
    expect(opCost(big, gb200).seconds).toBe(opCost(big, stream).seconds);
  });
});
