// ggml-hip on Strix Halo (gfx1151, RDNA 3.5) by release: builds since PR #17576 (2025-12) multiply a prompt's GGUF
// weights on the WMMA MMQ kernels (ggml's RDNA3 includes RDNA3_5: common.cuh GGML_CUDA_CC_IS_RDNA3; mmq.cu
// ggml_cuda_should_use_mmq), measured on the part at 17.1 TFLOP/s (q6_K 4096x512x14336, halo-box/strix-llama.cpp
// PR #38); the 2025 builds dequantized to f16 and called rocBLAS's native gfx1151 kernels, 4.66 TFLOP/s (ROCm issue
// #4748). Runtime llama.cpp is the current code; llama.cpp-hip-2025 (and llama.cpp-hipblaslt, which extends it) the 2025 one.
import { describe, expect, it } from 'vitest';
import { bound, ffnUp, run } from './helpers/llama2-q4.js';
import { ggufGemmPeak } from '../src/hardware/efficiency.js';
import { dequantPass } from '../src/sim/dequant-pass.js';
import { opCost } from '../src/sim/roofline.js';

const HW = 'ryzen-ai-max-plus-395';

describe('llama.cpp ROCm on Strix Halo: WMMA MMQ (2026) vs dequantize + rocBLAS (2025)', () => {
  it('the current runtime prices a GGUF prompt GEMM at the MMQ rate measured on gfx1151, the 2025 runtime at rocBLAS\'s', () => {
    expect(ggufGemmPeak(bound(HW, 'llama.cpp'))).toBeCloseTo(17.1e12, -9);
    expect(ggufGemmPeak(bound(HW, 'llama.cpp-hip-2025'))).toBeCloseTo(4.66e12, -9);
    // hipBLASLt is a 2025 variable of the same path: it inherits the 2025 rates and pays its own pass
    expect(ggufGemmPeak(bound(HW, 'llama.cpp-hipblaslt'))).toBeCloseTo(4.66e12, -9);
  });
  it('MMQ has no separate dequantize pass, and its prompt GEMM runs no faster than the measured rate', () => {
    const hw = bound(HW, 'llama.cpp');
    const up = ffnUp(hw, 512);
    expect(dequantPass(up, hw)).toBeUndefined();
    expect(opCost(up, hw).computeS).toBeGreaterThanOrEqual(up.flops / 17.1e12 * 0.9999);
  });
  it('pp512 of Llama 2 7B q4_0 is over 3x faster under the current build than the 2025 rocBLAS one; batch-1 decode is the same kernel', () => {
    expect(run('llama.cpp', HW, 512).prefill_tok_s!).toBeGreaterThan(3 * run('llama.cpp-hip-2025', HW, 512).prefill_tok_s!);
    expect(run('llama.cpp', HW, 1, 64).tpot_s).toBe(run('llama.cpp-hip-2025', HW, 1, 64).tpot_s);
  });
  it('other parts are untouched by the 2025 runtime', () => {
    for (const id of ['rtx-4090', 'radeon-rx-7900-xtx', 'apple-m2-ultra']) {
      expect(ggufGemmPeak(bound(id, 'llama.cpp-hip-2025'))).toBe(ggufGemmPeak(bound(id, 'llama.cpp')));
    }
  });
});
