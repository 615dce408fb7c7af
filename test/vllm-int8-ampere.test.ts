// W8A8 int8 GEMMs on Ampere (runtimes/vllm.yaml by_architecture ampere): vLLM's cutlass_scaled_mm int8 kernel (CUTLASS
// 2.x, SM80 configs, 128x128x64 tile for M > 128) measured on an A100 (sgl-project/sglang PR #2752, 'vllm int8 gemm'
// column, GFLOP/s): N 4096 K 8192 at M 2048 459.8 TOPS; N 8192 K 21760 at M 2048 486.8 TOPS. hwperf prices an int8
// GEMM at the part's int8 peak times its GEMM table; at these full-wave shapes that agrees with the kernel.
// GA102's int8 tensor rate: 2,048 int8 ops per SM-clock (A40: 299.3 TOPS dense at 84 SMs x 1.74 GHz, NVIDIA A40
// datasheet), i.e. 82 x 1.695 GHz x 2,048 = 284.7 TOPS on an RTX 3090 (GA102 whitepaper Appendix A: 284): 4x its
// FP32-accumulate fp16 rate, 2x its FP16-accumulate rate (GeForce halves FP32 accumulation only).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { linear } from '../src/model/op.js';
import { opCost } from '../src/sim/roofline.js';

const lib = getLibrary();

describe('int8 GEMMs on Ampere (vLLM cutlass_scaled_mm)', () => {
  it('A100 int8 GEMMs at full-wave shapes are priced within 5% of vLLM\'s CUTLASS int8 kernel', () => {
    const a100 = lib.hardware['a100-sxm4-80gb']!;
    const rate = (m: number, n: number, k: number) => (2 * m * n * k) / opCost(linear('g', m, n, k, 'int8', 1, 2), a100).seconds / 1e12;
    for (const [m, n, k, measured] of [[2048, 4096, 8192, 459.8], [2048, 8192, 21760, 486.8]] as const) {
      const r = rate(m, n, k);
      expect(r / measured).toBeGreaterThan(0.95);
      expect(r / measured).toBeLessThan(1.05);
    }
  });

  it('the RTX 3090 int8 peak is GA102\'s per-SM-clock rate: 4x fp16 (FP32 accumulate), 2x fp16 (FP16 accumulate)', () => {
    const hw = lib.hardware['rtx-3090']!;
    const int8 = hw.matrixFlopPerS.int8!;
    expect(Math.abs(int8 / (82 * 1.695e9 * 2048) - 1)).toBeLessThan(0.005);
    expect(int8 / hw.matrixFlopPerS.fp16!).toBeCloseTo(4, 2);
    expect(int8 / hw.fp16AccumulateFlopPerS!).toBeCloseTo(2, 2);
  });
});
