// TensorRT-LLM's fused NVFP4 MoE kernel reaches far less of the fp4 peak than the dense NVFP4 GEMMs the hardware's fp4
// table measured (runtimes/tensorrt-llm.yaml kernels.fp4_moe_efficiency, flashinfer PR #5301). Source: src/sim/roofline.ts.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { fp4MoeCap, matrixPeak, opCost, sustainedMatrix } from '../src/sim/roofline.js';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { useScratchDir } from './helpers/scratch.js';
import type { Op } from '../src/model/op.js';

const lib = getLibrary();

// DeepSeek-V3-sized experts at a prefill-sized step: one expert's down projection 512 rows × 7168 × 2048 MACs (the
// table's largest size), on 128 experts × 1536 rows of a gate+up N = 1536, K = 2048 GEMM
const rows = 1536;
const grouped: Op = { name: 'experts_up', kind: 'gemm', m: rows, groups: 128, batchTokens: 24576, expertMacs: 512 * 7168 * 2048, flops: 2 * 128 * rows * 1536 * 2048, bytes: 128 * 1536 * 2048 * 0.5625 + 2 * 24576 * 8 * 2048, weightBytes: 128 * 1536 * 2048 * 0.5625, dtype: 'fp4', count: 1 };
const dense: Op = { name: 'ffn_up', kind: 'gemm', m: 16384, batchRows: true, flops: 2 * 16384 * 28672 * 4096, bytes: 28672 * 4096 * 0.5625, weightBytes: 28672 * 4096 * 0.5625, dtype: 'fp4', count: 1 };

describe('TensorRT-LLM fused NVFP4 MoE cap', () => {
  const b200 = lib.hardware['b200']!;
  const trt = bindRuntime(b200, libraryRuntime('tensorrt-llm')!);
  // DeepSeek-V3 at EP 8: tokens / 32 rows per local expert, × hidden 7168 × intermediate 2048
  const ds = (tokens: number) => (tokens / 32) * 7168 * 2048;
  it('the runtime file carries the measured fractions by one expert GEMM\'s MACs (DeepSeek-V3 EP 8 at 4k / 8k / 16k tokens)', () => {
    expect(trt.runtime?.kernels?.fp4MoeEfficiency).toEqual({ sizes: [ds(4096), ds(8192), ds(16384)], values: [0.078, 0.125, 0.155] });
  });
  it('the cap by expert MACs: the table points, log-interpolated between them, clamped outside; a number applies to every size', () => {
    expect([1, ds(4096), ds(8192), ds(16384), 1e13].map((t) => fp4MoeCap(trt, t))).toEqual([0.078, 0.078, 0.125, 0.155, 0.155]);
    expect(fp4MoeCap(trt, Math.sqrt(ds(4096) * ds(8192)))).toBeCloseTo((0.078 + 0.125) / 2, 12);
    expect(fp4MoeCap(trt, undefined)).toBe(0.155);
    const one = { ...trt, runtime: { ...trt.runtime!, kernels: { ...trt.runtime!.kernels, fp4MoeEfficiency: 0.2 } } };
    expect([1, 8192, 1e13, undefined].map((t) => fp4MoeCap(one, t))).toEqual([0.2, 0.2, 0.2, 0.2]);
    expect(fp4MoeCap(b200, ds(8192))).toBeUndefined();
  });
  it('a smaller expert GEMM runs its grouped fp4 GEMMs at the lower fraction (DeepSeek at 4096 tokens: 0.078)', () => {
    const small: Op = { ...grouped, expertMacs: ds(4096) };
    const ceiling = matrixPeak(trt, 'fp4').flopPerS * 0.078 * sustainedMatrix(trt);
    expect(opCost(small, trt).computeS).toBeGreaterThanOrEqual(small.flops / ceiling * (1 - 1e-9));
    expect(opCost(small, trt).computeS).toBeGreaterThan(1.9 * opCost(grouped, trt).computeS);
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

describe('kernels.fp4_moe_efficiency in a runtime file', () => {
  const scratch = useScratchDir('hwperf-fp4moe-');
  const load = (name: string, value: string) =>
    loadSpecFile(scratch.write(name, `id: my-trt\nname: x\nkind: runtime\nrole: serving\nextends: tensorrt-llm\nkernels:\n  fp4_moe_efficiency: ${value}\n  source: "test"\nsources: [test]\n`));
  it('takes a number or an {expert_macs, values} table; rejects unequal lengths, falling sizes, fractions above 1, a missing list, the old tokens key', async () => {
    const n = await load('n.yaml', '0.2');
    expect(n.errors).toEqual([]);
    expect((n.value!.spec as any).kernels.fp4MoeEfficiency).toBe(0.2);
    const t = await load('t.yaml', '{expert_macs: [1000000000, 4000000000], values: [0.05, 0.1]}');
    expect(t.errors).toEqual([]);
    expect((t.value!.spec as any).kernels.fp4MoeEfficiency).toEqual({ sizes: [1e9, 4e9], values: [0.05, 0.1] });
    const bad = ['{expert_macs: [1024, 4096], values: [0.05]}', '{expert_macs: [4096, 1024], values: [0.05, 0.1]}', '{expert_macs: [1024], values: [1.5]}', '{expert_macs: [1024]}', '{tokens: [1024, 4096], values: [0.05, 0.1]}'];
    for (const [i, b] of bad.entries()) {
      const r = await load(`bad${i}.yaml`, b);
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors.map(formatIssue).join('\n')).toMatch(/fp4_moe_efficiency/);
    }
  });
});
