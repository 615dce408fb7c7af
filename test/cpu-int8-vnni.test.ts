// SGLang's CPU backend multiplies W8A8 int8 GEMMs with AVX-512 VNNI, not AMX-INT8 (runtime sglang-cpu-2025, kernels.int8_gemm: vector —
// sgl-kernel csrc/cpu/gemm_int8.cpp int8_scaled_mm_kernel_impl: use_brgemm = false; moe_int8.cpp gated by
// can_use_brgemm<int8_t>, false in gemm.h): such GEMMs run at the part's compute.vector.int8 rate (Xeon 6980P: 65.5
// TOPS derived, an eighth of AMX-INT8's 524) at the part's GEMM fraction, not AMX-INT8's own. bf16 GEMMs keep AMX, and
// vLLM's CPU int8 path (oneDNN) keeps the matrix rate.
import { describe, expect, it } from 'vitest';
import { linear } from '../src/model/op.js';
import { opCost } from '../src/sim/roofline.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, toyHardware } from './helpers/nondecoder-fixtures.js';

const int8 = linear('up', 1024, 8192, 8192, 'int8', 1, 1);
const bf16 = linear('up', 1024, 8192, 8192, 'bf16', 2, 2);
const toy = (unit: 'matrix' | 'vector' | undefined, vectorInt8: number | undefined): NormalizedHardware => {
  const hw = toyHardware();
  return {
    ...hw,
    matrixFlopPerS: { ...hw.matrixFlopPerS, int8: 8e14 },
    vectorFlopPerS: { ...hw.vectorFlopPerS, ...(vectorInt8 === undefined ? {} : { int8: vectorInt8 }) },
    runtime: { ...hw.runtime!, kernels: unit ? { int8Gemm: unit } : {} },
  };
};

describe('int8 GEMMs on the vector unit (kernels.int8_gemm: vector)', () => {
  it('a compute-bound int8 GEMM of a vector-int8 runtime runs at compute.vector.int8, eight times slower here', () => {
    const slow = opCost(int8, toy('vector', 1e14));
    const fast = opCost(int8, toy(undefined, 1e14));
    expect(slow.bound).toBe('compute');
    expect(slow.computeS).toBeCloseTo(fast.computeS * 8, 12);
  });
  it('needs both the runtime setting and a vector int8 rate; other dtypes are untouched', () => {
    const ref = opCost(int8, toy(undefined, undefined)).computeS;
    expect(opCost(int8, toy('matrix', 1e14)).computeS).toBe(ref);
    expect(opCost(int8, toy('vector', undefined)).computeS).toBe(ref);
    expect(opCost(bf16, toy('vector', 1e14)).computeS).toBe(opCost(bf16, toy(undefined, 1e14)).computeS);
  });
  it("the matrix unit's own int8 fraction (efficiency.gemm_by_dtype) slows AMX-INT8 GEMMs, not the vector path", () => {
    const withInt8 = (hw: NormalizedHardware): NormalizedHardware => ({ ...hw, efficiency: { ...hw.efficiency, gemmByDtype: { ...hw.efficiency.gemmByDtype, int8: { sizes: [1], values: [0.1] } } } });
    const vec = toy('vector', 1e14);
    expect(opCost(int8, withInt8(vec)).computeS).toBe(opCost(int8, vec).computeS);
    const amx = toy(undefined, 1e14);
    expect(opCost(int8, withInt8(amx)).computeS).toBeGreaterThan(opCost(int8, amx).computeS);
  });
  it('binds from the specs: mid-2025 SGLang (sglang-cpu-2025) on a Xeon 6980P takes the VNNI rate; later SGLang and vLLM keep AMX; a GPU part is unaffected', async () => {
    const x = await loadHardware('xeon-6980p');
    expect(x.vectorFlopPerS.int8).toBeCloseTo(65.5e12, -9);
    const sg = bindRuntime(x, libraryRuntime('sglang-cpu-2025'));
    expect(bindRuntime(x, libraryRuntime('sglang')).runtime!.kernels.int8Gemm).toBeUndefined();
    const vl = bindRuntime(x, libraryRuntime('vllm'));
    expect(sg.runtime!.kernels.int8Gemm).toBe('vector');
    expect(vl.runtime!.kernels.int8Gemm).toBeUndefined();
    // VNNI at the part's GEMM fraction (0.75, the class default) against AMX-INT8 at its own measured fraction
    // (efficiency.gemm_by_dtype int8: 0.167, hardware/intel/xeon-6980p.yaml): the matrix unit's fraction does not
    // carry to the vector path
    const ratio = opCost(int8, sg).computeS / opCost(int8, vl).computeS;
    expect(ratio).toBeCloseTo((524 * 0.167) / (65.5 * 0.75), 1);
    expect(opCost(bf16, sg).computeS).toBe(opCost(bf16, vl).computeS);
    const h = await loadHardware('h100-sxm');
    expect(bindRuntime(h, libraryRuntime('sglang-cpu-2025')).runtime!.kernels.int8Gemm).toBeUndefined();
  });
});
