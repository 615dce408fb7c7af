// TensorRT-LLM's fused NVFP4 MoE kernel reaches far less of the fp4 peak than the dense NVFP4 GEMMs the hardware's fp4
// table measured: the part's own aiconfigurator timings of the CUTLASS fused MoE by one expert's GEMM MACs x local experts
// (runtimes/tensorrt-llm.yaml kernels.fp4_moe_efficiency, bench/aiconfigurator/fp4-moe-tables.py). Source: src/sim/kernel-caps.ts.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { fp4MoeCap, matrixPeak, opCost, sustainedMatrix } from '../src/sim/roofline.js';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { useScratchDir } from './helpers/scratch.js';
import type { Op } from '../src/model/op.js';
import type { EfficiencyGrid } from '../src/spec/types.js';

const lib = getLibrary();

// DeepSeek-V3-sized experts at a prefill-sized step: one expert's down projection 512 rows × 7168 × 2048 MACs, on 128
// local experts × 1536 rows of a gate+up N = 1536, K = 2048 GEMM
const rows = 1536;
const grouped: Op = { name: 'experts_up', kind: 'gemm', m: rows, groups: 128, batchTokens: 24576, expertMacs: 512 * 7168 * 2048, localExperts: 128, flops: 2 * 128 * rows * 1536 * 2048, bytes: 128 * 1536 * 2048 * 0.5625 + 2 * 24576 * 8 * 2048, weightBytes: 128 * 1536 * 2048 * 0.5625, dtype: 'fp4', count: 1 };
const dense: Op = { name: 'ffn_up', kind: 'gemm', m: 16384, batchRows: true, flops: 2 * 16384 * 28672 * 4096, bytes: 28672 * 4096 * 0.5625, weightBytes: 28672 * 4096 * 0.5625, dtype: 'fp4', count: 1 };

describe('TensorRT-LLM fused NVFP4 MoE cap', () => {
  const b200 = lib.hardware['b200']!;
  const trt = bindRuntime(b200, libraryRuntime('tensorrt-llm')!);
  const grid = trt.runtime?.kernels?.fp4MoeEfficiency as EfficiencyGrid;
  const cell = (local: number, macs: number) => grid.rows[grid.keys.indexOf(local)]!.values[grid.rows[0]!.sizes.indexOf(macs)]!;
  it('the runtime file carries the B200\'s own table by expert MACs (powers of four) x local experts (powers of two)', () => {
    expect(grid.keys).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    for (const r of grid.rows) expect(r.sizes).toEqual([24, 26, 28, 30, 32, 34, 36].map((e) => 2 ** e));
    // DeepSeek-V3 at EP 8: 32 local experts; 4.3e9 MACs is 9362 tokens' step (bench/aiconfigurator/fp4-moe-tables.py b200_sxm)
    expect(cell(32, 2 ** 32)).toBe(0.138);
  });
  it('reads a table point at its keys; interpolates in log(MACs) along a row and in log(local experts) between rows', () => {
    expect(fp4MoeCap(trt, 2 ** 30, 32)).toBe(cell(32, 2 ** 30));
    expect(fp4MoeCap(trt, 2 ** 31, 32)).toBeCloseTo((cell(32, 2 ** 30) + cell(32, 2 ** 32)) / 2, 12);
    expect(fp4MoeCap(trt, 2 ** 30, Math.SQRT2 * 32)).toBeCloseTo((cell(32, 2 ** 30) + cell(64, 2 ** 30)) / 2, 12);
  });
  it('clamps at every edge: below the smallest / above the largest MACs, below 1 / above 256 local experts; no count reads the last row, no size the largest', () => {
    expect(fp4MoeCap(trt, 1, 32)).toBe(cell(32, 2 ** 24));
    expect(fp4MoeCap(trt, 1e14, 32)).toBe(cell(32, 2 ** 36));
    expect(fp4MoeCap(trt, 2 ** 30, 0.5)).toBe(cell(1, 2 ** 30));
    expect(fp4MoeCap(trt, 2 ** 30, 4096)).toBe(cell(256, 2 ** 30));
    expect(fp4MoeCap(trt, 2 ** 30, undefined)).toBe(cell(256, 2 ** 30));
    expect(fp4MoeCap(trt, undefined, 32)).toBe(cell(32, 2 ** 36));
  });
  it('between two counts the cap never rises faster than the count: more local experts never take less time', () => {
    const g = { ...trt, runtime: { ...trt.runtime!, kernels: { ...trt.runtime!.kernels, fp4MoeEfficiency: { keys: [1, 2], rows: [{ sizes: [1e9], values: [0.05] }, { sizes: [1e9], values: [0.1] }] } } } };
    // the straight line in log(count) would read 0.075 at 1.5 local experts; 1.5 x 0.05 caps it
    expect(fp4MoeCap(g, 1e9, 1.5)).toBeCloseTo(0.075, 12);
    expect(fp4MoeCap(g, 1e9, 1.2)).toBeCloseTo(0.06, 12);
    for (let l = 1; l < 2; l += 0.05) expect(l / fp4MoeCap(g, 1e9, l)!).toBeLessThanOrEqual((l + 0.05) / fp4MoeCap(g, 1e9, l + 0.05)! + 1e-12);
  });
  it('a number applies to every size; a part without the runtime has no cap', () => {
    const one = { ...trt, runtime: { ...trt.runtime!, kernels: { ...trt.runtime!.kernels, fp4MoeEfficiency: 0.2 } } };
    expect([1, 8192, 1e13, undefined].map((t) => fp4MoeCap(one, t, 32))).toEqual([0.2, 0.2, 0.2, 0.2]);
    expect(fp4MoeCap(b200, 2 ** 30, 32)).toBeUndefined();
  });
  it('each part with its own timings reads its own table; a part without them the runtime\'s one-row figure', () => {
    const own = (id: string) => bindRuntime(lib.hardware[id]!, libraryRuntime('tensorrt-llm')!);
    for (const id of ['gb200', 'b300-sxm', 'gb300']) {
      const g = own(id).runtime?.kernels?.fp4MoeEfficiency as EfficiencyGrid;
      expect(g.keys).toEqual(grid.keys);
      expect(fp4MoeCap(own(id), 2 ** 32, 32)).not.toBe(fp4MoeCap(trt, 2 ** 32, 32));
    }
    // the GB300 (15 PFLOP/s) reaches a smaller fraction of its larger peak than the B200 at DeepSeek's EP-8 step
    expect(fp4MoeCap(own('gb300'), 2 ** 32, 32)!).toBeLessThan(fp4MoeCap(trt, 2 ** 32, 32)!);
    // the RTX PRO 6000 (2000 TFLOP/s) reaches a larger fraction of its smaller peak
    expect(fp4MoeCap(own('rtx-pro-6000'), 2 ** 30, 128)!).toBeGreaterThan(1.5 * fp4MoeCap(trt, 2 ** 30, 128)!);
    // a part without timings of its own (DGX Spark) keeps the runtime's one-row figure by expert MACs
    expect(own('dgx-spark').runtime?.kernels?.fp4MoeEfficiency).toEqual({ sizes: [1879048192, 3758096384, 7516192768], values: [0.078, 0.125, 0.155] });
    expect(fp4MoeCap(own('dgx-spark'), 1, 32)).toBe(0.078);
    expect(fp4MoeCap(own('dgx-spark'), 1e13, 32)).toBe(0.155);
  });
  it('a smaller expert GEMM runs its grouped fp4 GEMMs at the lower fraction', () => {
    const small: Op = { ...grouped, expertMacs: 2 ** 28 };
    const ceiling = matrixPeak(trt, 'fp4').flopPerS * cell(128, 2 ** 28) * sustainedMatrix(trt);
    expect(opCost(small, trt).computeS).toBeGreaterThanOrEqual(small.flops / ceiling * (1 - 1e-9));
    expect(opCost(small, trt).computeS).toBeGreaterThan(1.9 * opCost(grouped, trt).computeS);
  });
  it('grouped fp4 expert GEMMs are priced at no more than the table\'s fraction of the fp4 peak (sustained)', () => {
    const c = opCost(grouped, trt);
    const ceiling = matrixPeak(trt, 'fp4').flopPerS * fp4MoeCap(trt, grouped.expertMacs, 128)! * sustainedMatrix(trt);
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
  it('takes a number, an {expert_macs, values} table or values by local-expert count; rejects unequal lengths (a row too), a count of 0, no counts, fractions above 1, a missing list, the old tokens key', async () => {
    const n = await load('n.yaml', '0.2');
    expect(n.errors).toEqual([]);
    expect((n.value!.spec as any).kernels.fp4MoeEfficiency).toBe(0.2);
    const t = await load('t.yaml', '{expert_macs: [1000000000, 4000000000], values: [0.05, 0.1]}');
    expect(t.errors).toEqual([]);
    expect((t.value!.spec as any).kernels.fp4MoeEfficiency).toEqual({ sizes: [1e9, 4e9], values: [0.05, 0.1] });
    // a map from local-expert counts to rows: one table per count, counts ascending whatever the file's order
    const g = await load('g.yaml', '{expert_macs: [1000000000, 4000000000], values: {32: [0.07, 0.12], 8: [0.05, 0.1]}}');
    expect(g.errors).toEqual([]);
    expect((g.value!.spec as any).kernels.fp4MoeEfficiency).toEqual({ keys: [8, 32], rows: [{ sizes: [1e9, 4e9], values: [0.05, 0.1] }, { sizes: [1e9, 4e9], values: [0.07, 0.12] }] });
    const bad = ['{expert_macs: [1024, 4096], values: [0.05]}', '{expert_macs: [1024, 4096], values: {8: [0.05, 0.1], 32: [0.07]}}', '{expert_macs: [1024, 4096], values: {0: [0.05, 0.1]}}', '{expert_macs: [1024], values: {8: [1.5]}}', '{expert_macs: [1024], values: {}}', '{expert_macs: [4096, 1024], values: [0.05, 0.1]}', '{expert_macs: [1024], values: [1.5]}', '{expert_macs: [1024]}', '{tokens: [1024, 4096], values: [0.05, 0.1]}'];
    for (const [i, b] of bad.entries()) {
      const r = await load(`bad${i}.yaml`, b);
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors.map(formatIssue).join('\n')).toMatch(/fp4_moe_efficiency/);
    }
  });
});
