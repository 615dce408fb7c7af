// llama.cpp's HIP backend on Strix Halo (gfx1151) by BLAS library: 2025 ggml-hip multiplies GGUF weights by a prompt
// ubatch as "dequantize, then BLAS"; rocBLAS's native gfx1151 kernels (runtime llama.cpp-hip-2025: the measured 4.66 TFLOP/s MUL_MAT,
// ROCm issue #4748) or, with ROCBLAS_USE_HIPBLASLT=1, hipBLASLt (runtime llama.cpp-hipblaslt: the dequantize pass plus a
// 16-bit GEMM at hipBLASLt's measured 21.6 TFLOP/s, kernels.gemm_rate). Also: a GGUF GEMM at the runtime's own kernel rate
// is not a dtype fallback (no "no native fp16 GEMMs" warning).
import { describe, expect, it } from 'vitest';
import { bound, ffnUp, run, withKernels } from './helpers/llama2-q4.js';
import { libraryModel } from '../src/spec/library.js';
import { dequantPass } from '../src/sim/dequant-pass.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/spec/types.js';

const HW = 'ryzen-ai-max-plus-395';

describe('llama.cpp-hipblaslt on Strix Halo', () => {
  it('below 64 tokens ggml-hip keeps its own MMQ kernel: no conversion pass, the plain llama.cpp price; from 64 the pass', () => {
    const hw = bound(HW, 'llama.cpp-hipblaslt');
    const base = bound(HW, 'llama.cpp-hip-2025');
    for (const T of [16, 63]) {
      expect(dequantPass(ffnUp(hw, T), hw)).toBeUndefined();
      expect(opCost(ffnUp(hw, T), hw).seconds).toBe(opCost(ffnUp(base, T), base).seconds);
    }
    expect(dequantPass(ffnUp(hw, 64), hw)).toBeDefined();
    expect(opCost(ffnUp(hw, 64), hw).seconds).not.toBe(opCost(ffnUp(base, 64), base).seconds);
  });
  it('the BLAS rate caps 16-bit GEMMs only: an int8 GEMM under the same runtime is not capped', () => {
    const hw = bound(HW, 'llama.cpp-hipblaslt');
    const m = libraryModel('llama-2-7b') as DecoderModel;
    const p8 = resolvePrecision('int8', undefined, undefined, undefined);
    const up = buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p8, { prefillSeqs: 1, prefillLen: 512, decodeSeqs: 0 }).find((o) => o.name === 'ffn_up')!;
    expect(opCost(up, withKernels(hw, { gemmFlopPerS: 1e9 })).seconds).toBe(opCost(up, hw).seconds);
  });
  it('a prompt GEMM pays the conversion pass and runs no faster than hipBLASLt, which binds below the hardware table', () => {
    const hw = bound(HW, 'llama.cpp-hipblaslt');
    const up = ffnUp(hw, 512);
    expect(dequantPass(up, hw)).toBeDefined(); // despite the rate inherited from llama.cpp
    const c = opCost(up, hw);
    expect(c.computeS).toBeGreaterThanOrEqual(up.flops / 21.6e12);
    expect(opCost(up, withKernels(hw, { gemmFlopPerS: undefined })).computeS).toBeLessThan(c.computeS);
  });
  it('the cap is a BLAS property: a GGUF GEMM on the runtime\'s own kernel (gguf: mmq with a rate) ignores it', () => {
    const hw = bound(HW, 'llama.cpp-hip-2025');
    const up = ffnUp(hw, 512);
    expect(opCost(up, withKernels(hw, { gemmFlopPerS: 1e12 })).seconds).toBe(opCost(up, hw).seconds);
  });
  it('pp512 runs faster with hipBLASLt than with rocBLAS; batch-1 decode (matrix-vector kernels) is the same', () => {
    expect(run('llama.cpp-hipblaslt', HW, 512).prefill_tok_s!).toBeGreaterThan(2 * run('llama.cpp-hip-2025', HW, 512).prefill_tok_s!);
    expect(run('llama.cpp-hipblaslt', HW, 1, 64).tpot_s).toBe(run('llama.cpp-hip-2025', HW, 1, 64).tpot_s);
  });
  it('GGUF GEMMs at the runtime\'s own rate give no dtype-fallback warning (NVIDIA MMQ, the Strix Halo measured rate)', () => {
    for (const hwId of ['rtx-4090', HW, 'radeon-rx-7900-xtx']) {
      expect(run('llama.cpp', hwId, 512).warnings.filter((w) => w.includes('no native'))).toEqual([]);
    }
  });
});
