// Per-kernel device gap under HIP on Strix Halo (Radeon 8060S, gfx1151): 2.01 us per dispatch for 941 dependent one-block
// kernels launched directly on one stream (1.81 us under HIP graph replay), shisa-ai/hipEngine
// benchmarks/micro/results/gfx1151/strix-halo/dispatch-floor-comparison.json @e6edda35; 1.84 / 1.75 us in ROCm/ROCm issue
// #6409's one-file reproducer (ROCm 7.14 and 10.0). It replaces the mobile / Apple 10 us the part took by class.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const HW = 'ryzen-ai-max-plus-395';
const tpot = (hw: NormalizedHardware, model: string, dtype: string) =>
  simulate(buildRequest({ model, hardware: HW, dtype, 'input-tokens': 1, 'output-tokens': 128, batch: 1 }, libraryModel(model), hw, libraryModel)).tpot_s!;

describe('HIP per-dispatch time on Strix Halo', () => {
  it('is the measured direct-launch floor, 2.0 us, between the two harnesses (1.75-2.07 us) and far below 10 us', () => {
    const s = getLibrary().hardware[HW]!.efficiency.kernelOverheadS;
    expect(s).toBeGreaterThanOrEqual(1.75e-6);
    expect(s).toBeLessThanOrEqual(2.07e-6);
  });
  it('every ggml-hip runtime and vLLM take it on this part', () => {
    const s = getLibrary().hardware[HW]!.efficiency.kernelOverheadS;
    for (const rt of ['llama.cpp', 'llama.cpp-hip-2025', 'llama.cpp-hipblaslt']) expect(bound(HW, rt).efficiency.kernelOverheadS).toBe(s);
  });
  it('a batch-1 decode step saves 8 us on each of its dependent kernels (10+ a layer) against the old 10 us', () => {
    const hw = bound(HW, 'llama.cpp');
    const old = { ...hw, efficiency: { ...hw.efficiency, kernelOverheadS: 10e-6 } };
    const saved = tpot(old, 'gpt-oss-20b', 'q4_0') - tpot(hw, 'gpt-oss-20b', 'q4_0');
    expect(saved).toBeGreaterThan(24 * 10 * 8e-6);
    // the weight stream is untouched: the step stays above the DRAM time of gpt-oss-20b's active weights (~12 ms at q4_0)
    expect(tpot(hw, 'gpt-oss-20b', 'q4_0')).toBeGreaterThan(8e-3);
  });
});
