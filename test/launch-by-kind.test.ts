// Eager framework code costs the host by op kind: an nn.Linear call dispatches in ~3× the time of a tensor add
// (runtimes/pytorch.yaml launch.per_kernel_by_kind, measured through PyTorch: bench/gpu/h200-2026-12-04/kernels.json
// section launch). An op pays per_kernel for each of its kernels and never less than one call of its kind, so more
// kernels never lower its floor; an op fused into another's kernel (kernels 0) pays none.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { launchFloorForOpS, launchFloorS } from '../src/runtime/launch.js';
import { opCost } from '../src/sim/roofline.js';
import { elementwise } from '../src/model/op.js';

const lib = getLibrary();
const h100 = lib.hardware['h100-sxm']!;
const eager = bindRuntime(h100, libraryRuntime('pytorch'));
const launch = (JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'gpu', 'h200-2026-12-04', 'kernels.json'), 'utf8')) as {
  sections: { launch: Record<string, number> };
}).sections.launch;

describe('host dispatch by op kind under eager PyTorch', () => {
  it('carries the measured per-call host times', () => {
    expect(eager.runtime!.launch.perKernelByKindS!.gemm).toBeCloseTo(launch.tiny_linear_eager_s!, 6);
    expect(eager.runtime!.launch.perKernelByKindS!.norm).toBeCloseTo(launch.tiny_layernorm_eager_s!, 6);
    expect(eager.runtime!.launch.perKernelByKindS!.elementwise).toBeCloseTo(launch.tiny_add_eager_s!, 6);
    expect(eager.runtime!.launch.perKernelS).toBeCloseTo(launch.tiny_add_eager_s!, 6);
  });
  it('an op pays per_kernel per kernel and at least its kind; unnamed kinds per_kernel', () => {
    expect(launchFloorForOpS(eager, 'other', 'gemm', 1)).toBeCloseTo(30.8e-6, 9);
    expect(launchFloorForOpS(eager, 'other', 'norm', 1)).toBeCloseTo(19.2e-6, 9);
    expect(launchFloorForOpS(eager, 'other', 'norm', 8)).toBeCloseTo(8 * 10.5e-6, 9);
    expect(launchFloorForOpS(eager, 'other', 'gemm', 2)).toBeCloseTo(30.8e-6, 9);
    expect(launchFloorForOpS(eager, 'other', 'attention', 1)).toBe(launchFloorS(eager, 'other'));
    expect(launchFloorForOpS(eager, 'other', 'attention', 3)).toBeCloseTo(3 * launchFloorS(eager, 'other'), 12);
    expect(launchFloorForOpS(eager, 'other', 'gemm', 0)).toBe(0);
  });
  it('more kernels never lower an op floor (a block-FP8 linear under SGLang eager prefill: quantize + GEMM)', () => {
    const sgl = bindRuntime(lib.hardware['b200']!, libraryRuntime('sglang'));
    for (const kind of ['gemm', 'norm', 'elementwise', 'attention']) {
      for (let k = 1; k < 6; k++) expect(launchFloorForOpS(sgl, 'other', kind, k + 1)).toBeGreaterThanOrEqual(launchFloorForOpS(sgl, 'other', kind, k));
      expect(launchFloorForOpS(sgl, 'other', kind, 6)).toBeGreaterThan(launchFloorForOpS(sgl, 'other', kind, 1));
    }
  });
  it('a tiny eager GEMM lasts its dispatch; graph-captured runtimes pay none', () => {
    const tiny = { ...elementwise('x', 64, 0, 4, 'bf16'), kind: 'gemm' as const, flops: 2 * 64 * 64 * 64 };
    expect(opCost(tiny, eager).seconds).toBeCloseTo(30.8e-6, 9);
    const trt = bindRuntime(h100, libraryRuntime('tensorrt-llm'));
    expect(launchFloorForOpS(trt, 'decode', 'gemm', 1)).toBe(0);
    // a runtime that states only per_kernel (torchtitan) keeps it for every kind
    const tt = bindRuntime(h100, libraryRuntime('torchtitan'));
    expect(launchFloorForOpS(tt, 'other', 'gemm', 1)).toBe(launchFloorS(tt, 'other'));
  });
});
