// L40S fp8 GEMMs run at ~1.5x the board's bf16 rate, not 2x: efficiency.gemm_by_dtype.fp8 caps at 0.612 of the
// 733 TFLOP/s peak, the fastest fp8 GEMM of vLLM's L40S kernel table (vllm-project/vllm PR #6677: torch._scaled_mm
// M 512 x K 8192 x N 8192 in 153.2 us; vLLM's CUTLASS sm89 kernel 184.9 us). bf16 keeps its square-matmul line.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { linear } from '../src/model/op.js';
import { opCost } from '../src/sim/roofline.js';

const lib = getLibrary();

describe('L40S fp8 GEMM rate (vllm PR #6677 kernel table)', () => {
  it('an M 512 fp8 GEMM is priced no faster than the fastest measured call and within the CUTLASS one', () => {
    const l40s = lib.hardware.l40s!;
    const s = opCost(linear('g', 512, 8192, 8192, 'fp8', 1, 2), l40s).seconds * 1e6;
    expect(s).toBeGreaterThan(153.2 * 0.97);
    expect(s).toBeLessThan(184.9 * 1.02);
  });

  it('the fp8 ceiling is 0.612 and bf16 keeps its 0.743 line', () => {
    const e = lib.hardware.l40s!.efficiency;
    const f8 = e.gemmByDtype?.fp8;
    expect(f8).toBeDefined();
    expect(Math.max(...f8!.values)).toBe(0.612);
    expect(Math.max(...e.gemm.values)).toBe(0.743);
    // a large fp8 GEMM is compute-bound at 0.612 of the fp8 peak: 1.77x the bf16 rate at 8192³ (bf16 0.698 there),
    // where the bf16 line carried over to fp8 gave 2.0 x 0.743 / 0.698 = 2.13x
    const big = (d: 'fp8' | 'bf16', b: number) => opCost(linear('g', 8192, 8192, 8192, d, b, 2), lib.hardware.l40s!).seconds;
    const ratio = big('bf16', 2) / big('fp8', 1);
    expect(ratio).toBeGreaterThan(1.5);
    expect(ratio).toBeLessThan(1.9);
  });
});
