// TensorRT-LLM's fused NVFP4 MoE kernel reaches far less of the fp4 peak than the dense NVFP4 GEMMs the hardware's fp4
// table measured (runtimes/tensorrt-llm.yaml kernels.fp4_moe_efficiency, flashinfer PR #5301). Source: src/sim/roofline.ts.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { matrixPeak, opCost, sustainedMatrix } from '../src/sim/roofline.js';
import type { Op } from '../src/model/op.js';

const lib = getLibrary();

// Qwen3-30B-A3B's experts at a prefill-sized step: 128 experts × 1536 rows, gate+up N = 1536, K = 2048
const rows = 1536;
const grouped: Op = { name: 'experts_up', kind: 'gemm', m: rows, groups: 128, batchTokens: 24576, flops: 2 * 128 * rows * 1536 * 2048, bytes: 128 * 1536 * 2048 * 0.5625 + 2 * 24576 * 8 * 2048, weightBytes: 128 * 1536 * 2048 * 0.5625, dtype: 'fp4', count: 1 };
const dense: Op = { name: 'ffn_up', kind: 'gemm', m: 16384, batchRows: true, flops: 2 * 16384 * 28672 * 4096, bytes: 28672 * 4096 * 0.5625, weightBytes: 28672 * 4096 * 0.5625, dtype: 'fp4', count: 1 };

describe('TensorRT-LLM fused NVFP4 MoE cap', () => {
  const b200 = lib.hardware['b200']!;
  const trt = bindRuntime(b200, libraryRuntime('tensorrt-llm')!);
  it('the runtime file carries the measured fraction', () => {
    expect(trt.runtime?.kernels?.fp4MoeEfficiency).toBe(0.155);
  });
  it('grouped fp4 expert GEMMs are priced at no more than 0.155 of the fp4 peak (sustained)', () => {
    const c = opCost(grouped, trt);
    const ceiling = matrixPeak(trt, 'fp4').flopPerS * 0.155 * sustainedMatrix(trt);
    expect(c.computeS).toBeGreaterThanOrEqual(grouped.flops / ceiling * (1 - 1e-9));
    // and slower than without the runtime's cap
    expect(c.seconds).toBeGreaterThan(1.5 * opCost(grouped, b200).seconds);
  });
  it('dense fp4 GEMMs and grouped fp8 GEMMs keep the hardware tables', () => {
    expect(opCost(dense, trt).seconds).toBeCloseTo(opCost(dense, b200).seconds, 12);
    const fp8: Op = { ...grouped, dtype: 'fp8', bytes: grouped.bytes * 2, weightBytes: grouped.weightBytes * 2 };
    expect(opCost(fp8, trt).seconds).toBeCloseTo(opCost(fp8, b200).seconds, 12);
  });
});
