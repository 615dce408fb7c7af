// llama.cpp's Vulkan backend on Strix Halo (Radeon 8060S, gfx1151): a batch-1 decode step is a chain of pipeline
// barrier + dispatch + small kernel per graph node. Its unit is the RADV dependent-dispatch time measured by
// test-backend-ops perf of a one-row ADD (4096 f32: 3 x 16 KiB moved) on an AMD RDNA iGPU, 16.56 GiB/s
// (ggml-org/llama.cpp PR #12087, RADV GFX1013), which replaces the hardware file's HIP per-dispatch time (2.0 us, measured
// under ROCm on the part: hardware/amd/ryzen-ai-max-plus-395.yaml) for this runtime on this part only
// (runtimes/llama.cpp-vulkan.yaml by_hardware ryzen-ai-max-plus-395).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const HW = 'ryzen-ai-max-plus-395';
// test-backend-ops: op_size = dst + src0 + src1 bytes; GB/s = bytes / time / 2^30
const ADD_BYTES = 3 * 4096 * 4;
const DISPATCH_S = ADD_BYTES / (16.56 * 2 ** 30);

const tpot = (hw: NormalizedHardware, model: string, dtype: string) =>
  simulate(buildRequest({ model, hardware: HW, dtype, 'input-tokens': 1, 'output-tokens': 128, batch: 1 }, libraryModel(model), hw, libraryModel)).tpot_s!;

describe('ggml-vulkan per-dispatch time on Strix Halo', () => {
  it('is the measured RADV barrier + dispatch of a one-row ADD: 48 KiB at 16.56 GiB/s = 2.76 us', () => {
    const hw = bound(HW, 'llama.cpp-vulkan');
    expect(Math.abs(hw.runtime!.kernels.kernelTimeS! / DISPATCH_S - 1)).toBeLessThan(2e-3);
    expect(hw.efficiency.kernelOverheadS).toBe(hw.runtime!.kernels.kernelTimeS);
  });
  it('the ggml-hip runtimes keep the part\'s own figure, and other parts under Vulkan keep theirs', () => {
    const own = getLibrary().hardware[HW]!.efficiency.kernelOverheadS;
    for (const rt of ['llama.cpp', 'llama.cpp-hip-2025', 'llama.cpp-hipblaslt']) expect(bound(HW, rt).efficiency.kernelOverheadS).toBe(own);
    for (const id of ['radeon-rx-7900-xtx', 'rtx-3090']) {
      expect(bound(id, 'llama.cpp-vulkan').efficiency.kernelOverheadS).toBe(bound(id, 'llama.cpp').efficiency.kernelOverheadS);
    }
  });
  it('a MoE decode step pays the Vulkan-over-HIP difference on each of its small kernels (10+ a layer over 48 layers)', () => {
    const hw = bound(HW, 'llama.cpp-vulkan');
    const own = getLibrary().hardware[HW]!.efficiency.kernelOverheadS;
    expect(own).toBeLessThan(DISPATCH_S);
    const hip = { ...hw, efficiency: { ...hw.efficiency, kernelOverheadS: own } };
    const extra = tpot(hw, 'qwen3-30b-a3b', 'q4_k_m') - tpot(hip, 'qwen3-30b-a3b', 'q4_k_m');
    expect(extra).toBeGreaterThan(48 * 10 * (DISPATCH_S - own));
    // the weight stream is untouched: the step stays above its priced DRAM time (~9 ms of active expert and attention weights)
    expect(tpot(hw, 'qwen3-30b-a3b', 'q4_k_m')).toBeGreaterThan(8e-3);
  });
});
