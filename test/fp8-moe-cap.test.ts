// TensorRT-LLM's CUTLASS fused MoE with per-tensor fp8 experts on Hopper reaches the fraction of the fp8 peak NVIDIA's
// aiconfigurator timed on that part, by one local expert's GEMM MACs x local experts (runtimes/tensorrt-llm.yaml
// by_hardware h100-sxm / h200-sxm kernels.fp8_moe_efficiency, bench/aiconfigurator/fp4-moe-tables.py). Source:
// src/sim/kernel-caps.ts (moeCap; fp8_block_moe_efficiency takes the same forms).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { matrixPeak, opCost, sustainedMatrix } from '../src/sim/roofline.js';
import { moeCap } from '../src/sim/kernel-caps.js';
import { loadSpecFile } from '../src/spec/load.js';
import { useScratchDir } from './helpers/scratch.js';
import type { Op } from '../src/model/op.js';
import type { EfficiencyGrid } from '../src/spec/types.js';

const lib = getLibrary();
const trt = (hw: string) => bindRuntime(lib.hardware[hw]!, libraryRuntime('tensorrt-llm')!);
// Mixtral-8x7B at TP 2 (8 local experts, I 7168 per rank), 4096 rows per expert: one expert's GEMM 4096 x 4096 x 7168 MACs
const macs = 4096 * 4096 * 7168;
const grouped: Op = { name: 'experts_up', kind: 'gemm', m: 4096, groups: 8, expertMacs: macs, localExperts: 8, flops: 2 * 8 * macs * 2, bytes: 8 * 2 * 7168 * 4096, weightBytes: 8 * 2 * 7168 * 4096, dtype: 'fp8', count: 1 };

describe('TensorRT-LLM fused fp8 MoE cap on Hopper', () => {
  it('the H100 and H200 carry their own tables; other parts and the block-FP8 path none', () => {
    const h100 = trt('h100-sxm').runtime!.kernels!.fp8MoeEfficiency as EfficiencyGrid;
    const h200 = trt('h200-sxm').runtime!.kernels!.fp8MoeEfficiency as EfficiencyGrid;
    expect(h100.keys).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    expect(h200.keys).toEqual(h100.keys);
    expect(moeCap(h200, macs, 8)).not.toBe(moeCap(h100, macs, 8));
    expect(trt('b200').runtime!.kernels!.fp8MoeEfficiency).toBeUndefined();
    expect(trt('h200-sxm').runtime!.kernels!.fp8BlockMoeEfficiency).toBeUndefined();
  });
  it('grouped per-tensor fp8 GEMMs are priced at no more than the table\'s fraction; block-FP8, dense and fp4 ops keep their own paths', () => {
    const hw = trt('h200-sxm');
    const bare = lib.hardware['h200-sxm']!;
    const cap = moeCap(hw.runtime!.kernels!.fp8MoeEfficiency, macs, 8)!;
    const ceiling = matrixPeak(hw, 'fp8').flopPerS * cap * sustainedMatrix(hw);
    expect(opCost(grouped, hw).computeS).toBeGreaterThanOrEqual((grouped.flops / ceiling) * (1 - 1e-9));
    // a smaller step (16 rows per expert) reads a far lower fraction
    const small: Op = { ...grouped, m: 16, expertMacs: macs / 256, flops: grouped.flops / 256 };
    expect(moeCap(hw.runtime!.kernels!.fp8MoeEfficiency, small.expertMacs, 8)!).toBeLessThan(cap / 4);
    expect(opCost(small, hw).seconds).toBeGreaterThan(opCost(small, bare).seconds);
    // block-FP8 experts and dense fp8 GEMMs are not this kernel
    const block: Op = { ...grouped, fp8Block: true };
    expect(opCost(block, hw).seconds).toBeCloseTo(opCost(block, bare).seconds, 12);
    const dense: Op = { ...grouped, groups: undefined, expertMacs: undefined, localExperts: undefined };
    expect(opCost(dense, hw).seconds).toBeCloseTo(opCost(dense, bare).seconds, 12);
  });
});

describe('kernels.fp8_block_moe_efficiency / fp8_moe_efficiency in a runtime file', () => {
  const scratch = useScratchDir('hwperf-fp8moe-');
  const load = (name: string, field: string, value: string) =>
    loadSpecFile(scratch.write(name, `id: my-trt\nname: x\nkind: runtime\nrole: serving\nextends: tensorrt-llm\nkernels:\n  ${field}: ${value}\n  source: "test"\nsources: [test]\n`));
  it('takes a number, a table by expert MACs, or rows by local-expert count', async () => {
    for (const field of ['fp8_block_moe_efficiency', 'fp8_moe_efficiency']) {
      const key = field === 'fp8_moe_efficiency' ? 'fp8MoeEfficiency' : 'fp8BlockMoeEfficiency';
      const n = await load(`${field}-n.yaml`, field, '0.2');
      expect(n.errors).toEqual([]);
      expect((n.value!.spec as any).kernels[key]).toBe(0.2);
      const t = await load(`${field}-t.yaml`, field, '{expert_macs: [1000000000, 4000000000], values: [0.05, 0.1]}');
      expect((t.value!.spec as any).kernels[key]).toEqual({ sizes: [1e9, 4e9], values: [0.05, 0.1] });
      const g = await load(`${field}-g.yaml`, field, '{expert_macs: [1000000000], values: {16: [0.1], 4: [0.05]}}');
      expect((g.value!.spec as any).kernels[key]).toEqual({ keys: [4, 16], rows: [{ sizes: [1e9], values: [0.05] }, { sizes: [1e9], values: [0.1] }] });
      const bad = await load(`${field}-bad.yaml`, field, '{expert_macs: [1000000000], values: {16: [1.5]}}');
      expect(bad.errors.length).toBeGreaterThan(0);
    }
  });
});
