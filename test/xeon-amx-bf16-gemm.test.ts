// Xeon 6980P 16-bit GEMMs (AMX-BF16 via oneDNN brgemm) reach 0.20 of the base-clock AMX peak at LLM prompt shapes,
// not the 0.75 datacenter class default: pytorch/pytorch PR #132729's oneDNN bf16 linear timings at M = 1024 on a
// 56-core Xeon CPU Max 9480 (Sapphire Rapids, same AMX TMUL per core and clock), hardware/intel/xeon-6980p.yaml.
// The test recomputes the fraction from the PR's times, so the yaml value cannot drift from its evidence.
import { describe, expect, it } from 'vitest';
import { gemmEfficiency, largeGemmEfficiency } from '../src/sim/roofline.js';
import { loadHardware } from './helpers/nondecoder-fixtures.js';

// PR #132729 "onednn linear" column: [N, K, ms] at M = 1024
const ONEDNN_M1024: [number, number, number][] = [[12288, 4096, 4.53], [22016, 4096, 8.46], [28672, 4096, 10.96]];
const MAX_9480_BF16 = 56 * 1024 * 1.9e9; // cores x AMX bf16 FLOP per core-clock x base clock

describe('Xeon 6980P AMX bf16 GEMM efficiency (PR #132729, Sapphire Rapids per core-clock)', () => {
  it('the large-GEMM bf16/fp16 fraction is the oneDNN fraction of the three >= 1e11-FLOP GEMMs', async () => {
    const x = await loadHardware('xeon-6980p');
    const fr = ONEDNN_M1024.map(([n, k, ms]) => (2 * 1024 * n * k) / (ms * 1e-3) / MAX_9480_BF16);
    for (const f of fr) {
      expect(f).toBeGreaterThan(0.19);
      expect(f).toBeLessThan(0.215);
    }
    const mean = fr.reduce((a, b) => a + b, 0) / fr.length;
    expect(largeGemmEfficiency(x, 'bf16')).toBeCloseTo(mean, 1);
    expect(largeGemmEfficiency(x, 'fp16')).toBe(largeGemmEfficiency(x, 'bf16'));
  });
  it('a 1024-token Llama FFN GEMM runs at most at the measured rate', async () => {
    const x = await loadHardware('xeon-6980p');
    const flops = 2 * 1024 * 28672 * 4096;
    const rate = gemmEfficiency(x, 'bf16', flops) * x.matrixFlopPerS.bf16!;
    // the PR's 21.9 TFLOP/s scaled by cores x base clock (128 x 2.0 GHz over 56 x 1.9 GHz), no faster
    expect(rate).toBeLessThanOrEqual(((flops / 10.96e-3) * (128 * 2.0)) / (56 * 1.9) * 1.01);
  });
  it('int8 (AMX-INT8) runs 35/21 of the bf16 rate (KTransformers AMX kernels), below the MLAS AMX int8 timings', async () => {
    const x = await loadHardware('xeon-6980p');
    const int8 = largeGemmEfficiency(x, 'int8');
    // 21 TFLOPS bf16 and 35 TOPS int8 on the same kernels (kvcache-ai/ktransformers doc/en/AMX.md), on the bf16 fraction
    expect(int8).toBeCloseTo((largeGemmEfficiency(x, 'bf16') * (35 / 21)) / 2, 3);
    const rate = (d: 'int8' | 'bf16') => largeGemmEfficiency(x, d) * x.matrixFlopPerS[d]!;
    expect(rate('int8') / rate('bf16')).toBeCloseTo(35 / 21, 2);
    // onnxruntime PR #14042 MLAS AMX int8, 16 threads: M 3072 N 1024 K 4096 in 1.386 ms, as a fraction of 16 x 2048
    // ops per clock at 3.0 GHz (the highest plausible clock, the lowest fraction): the taken value stays below it
    const mlas = (2 * 3072 * 1024 * 4096) / 1.386e-3 / (16 * 2048 * 3.0e9);
    expect(mlas).toBeGreaterThan(0.18);
    expect(int8).toBeLessThan(mlas);
  });
});
