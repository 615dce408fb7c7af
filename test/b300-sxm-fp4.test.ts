// The HGX B300 (b300-sxm) has a lower NVFP4 peak than the GB300 it extends (13.125 vs 15 PFLOP/s), and the fp4 GEMM
// curve it inherits is scaled to one absolute B300 measurement (flashinfer PR #2303: 4.44 PFLOP/s for N 8192, K 28672 at
// M = 256). Its own fractions keep that absolute rate rather than a fraction of the wrong peak.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { gemmEfficiency, matrixPeak } from '../src/sim/roofline.js';

const lib = getLibrary();

describe('b300-sxm NVFP4 GEMM level', () => {
  it('prices the PR #2303 GEMM at the same absolute rate as gb300, not 12% under it', () => {
    const flops = 2 * 256 * 8192 * 28672;
    const rate = (id: string) => matrixPeak(lib.hardware[id]!, 'fp4').flopPerS * gemmEfficiency(lib.hardware[id]!, 'fp4', flops);
    expect(matrixPeak(lib.hardware['b300-sxm']!, 'fp4').flopPerS).toBeLessThan(matrixPeak(lib.hardware.gb300!, 'fp4').flopPerS);
    expect(rate('b300-sxm') / rate('gb300')).toBeCloseTo(1, 2);
  });

  it('keeps the inherited fp8 and bf16 fractions (each of its own peak)', () => {
    const b = lib.hardware['b300-sxm']!.efficiency, g = lib.hardware.gb300!.efficiency;
    expect(b.gemmByDtype?.fp8).toEqual(g.gemmByDtype?.fp8);
    expect(b.gemm).toEqual(g.gemm);
  });
});
