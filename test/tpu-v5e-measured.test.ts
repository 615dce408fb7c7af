// tpu-v5e GEMM rate from the XLA bf16 matmul timings in JAX's Pallas TPU matmul guide (jax-ml/jax
// docs/pallas/tpu/matmul.ipynb @cec06d1, run on one v5e chip): 4096³ 827.3 µs, 8192³ 6.047 ms. Each timing carries a
// host round trip (timeit around block_until_ready), so they bound the device time from above.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { defaultEfficiency, lookupEfficiency } from '../src/hardware/efficiency.js';
import { opGemm } from '../src/sim/ops.js';

const v5e = getLibrary().hardware['tpu-v5e']!;

describe('tpu-v5e measured GEMM rate', () => {
  it('prices the 4096³ and 8192³ bf16 matmuls at the guide’s times, within 1%', () => {
    for (const [n, seconds] of [[4096, 827.3e-6], [8192, 6.047e-3]] as const) {
      const g = opGemm(v5e, n, n, n, 'bf16');
      expect(g.seconds / seconds).toBeGreaterThan(0.99);
      expect(g.seconds / seconds).toBeLessThan(1.01);
    }
  });

  it('is faster than the class default at large sizes and keeps the class shape below 4096³', () => {
    const cls = defaultEfficiency('hbm2', 'datacenter', 'google').gemm;
    expect(lookupEfficiency(v5e.efficiency.gemm, 1.1e12)).toBeGreaterThan(lookupEfficiency(cls, 1.1e12));
    // the 1024³ point (119 µs, 9.1%) is the host floor, not a device rate: small GEMMs are not priced from it
    expect(lookupEfficiency(v5e.efficiency.gemm, 2.15e9)).toBeGreaterThan(0.2);
    expect(lookupEfficiency(v5e.efficiency.gemm, 2.15e9)).toBeCloseTo(0.27 * 0.923, 2);
  });

  it('keeps int8 GEMMs on the class table: no int8 timing on a v5e', () => {
    const cls = defaultEfficiency('hbm2', 'datacenter', 'google').gemm;
    for (const f of [2.15e9, 1.37e11, 1.1e12, 8.8e12]) {
      expect(lookupEfficiency(v5e.efficiency.gemmByDtype!.int8!, f)).toBeCloseTo(lookupEfficiency(cls, f), 6);
    }
    expect(opGemm(v5e, 8192, 8192, 8192, 'int8').achieved_flops_per_s).toBeLessThan(0.75 * v5e.matrixFlopPerS.int8!);
  });
});
