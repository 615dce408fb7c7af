// tpu-v5e GEMM rate from the XLA bf16 matmul timings in JAX's Pallas TPU matmul guide (jax-ml/jax
// docs/pallas/tpu/matmul.ipynb @cec06d1, run on one v5e chip): 4096³ 827.3 µs, 8192³ 6.047 ms. Each timing carries a
// host round trip (timeit around block_until_ready), so they bound the device time from above. Its fixed per-op time
// from jax-llm-examples' decode profile on a v5e-16 (hardware/google/tpu-v5e.yaml kernel_overhead).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { defaultEfficiency, lookupEfficiency } from '../src/hardware/efficiency.js';
import { opGemm } from '../src/sim/ops.js';
import { opCost } from '../src/sim/roofline.js';
import { bindRuntime } from '../src/runtime/resolve.js';

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

  it('an XLA op costs its profiled 0.5 µs fixed time, not the class default 4 µs GPU launch gap', () => {
    // jax-llm-examples' v5e-16 decode profile: the smallest ops in the XLA-op lane take 0.45-0.6 µs, their work included
    expect(v5e.efficiency.kernelOverheadS).toBeCloseTo(0.5e-6, 12);
    expect(defaultEfficiency('hbm2', 'datacenter', 'google').kernelOverheadS).toBeCloseTo(4e-6, 12);
    // a decode RMSNorm over 8 tokens x 8192 (bf16 in and out, ~262 kB) under the jax runtime: ~0.3 µs of bytes + 0.5 µs
    const norm = opCost({ name: 'attn_norm', kind: 'norm', flops: 5 * 8 * 8192, bytes: 2 * 2 * 8 * 8192, weightBytes: 0, dtype: 'bf16', count: 1 }, bindRuntime(v5e, libraryRuntime('jax')), 'decode');
    expect(norm.seconds).toBeGreaterThan(0.5e-6);
    expect(norm.seconds).toBeLessThan(1.5e-6);
  });
});
