// Strix Halo (Ryzen AI Max+ 395, gfx1151) 16-bit GEMM rate: the LLM-shape rate torch reaches with its default BLAS
// (fp16 4096^3 27.2 TFLOP/s under TheRock 7.11, whylucian/softab docker/pytorch/BENCHMARKS.md @5e0c45be), flat above
// 4096^3 (25.6 at 13312x15360x6144 in lhl/strix-halo-testing's mamf-finder sweep) — not that sweep's best single shape
// (36.9 TFLOP/s, 0.621 of the 59.4 TFLOP/s WMMA peak), which the spec used before. Sources: hardware/amd/ryzen-ai-max-plus-395.yaml.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import type { Op } from '../src/model/op.js';

const strix = getLibrary().hardware['ryzen-ai-max-plus-395']!;
const gemm = (m: number, n: number, k: number): Op => ({ name: 'gemm', kind: 'gemm', flops: 2 * m * n * k, bytes: 2 * (m * k + k * n + m * n), weightBytes: 2 * k * n, dtype: 'fp16', count: 1, m, n, k });
const tflops = (m: number, n = m, k = m) => gemm(m, n, k).flops / opCost(gemm(m, n, k), strix).seconds / 1e12;

describe('Strix Halo 16-bit GEMM (gfx1151, torch default BLAS)', () => {
  it('4096^3 within 3% of the measured 27.2 TFLOP/s', () => {
    expect(tflops(4096) / 27.2).toBeGreaterThan(0.97);
    expect(tflops(4096) / 27.2).toBeLessThan(1.03);
  });
  it('the large mamf-finder shape within 10% of its 25.6 TFLOP/s: the rate does not climb past 4096^3', () => {
    expect(tflops(13312, 15360, 6144) / 25.6).toBeGreaterThan(0.9);
    expect(tflops(13312, 15360, 6144) / 25.6).toBeLessThan(1.1);
  });
  it('no size reaches the sweep\'s best single shape (36.9 TFLOP/s)', () => {
    for (const n of [1024, 2048, 4096, 8192, 16384, 32768]) expect(tflops(n)).toBeLessThan(0.8 * 36.9);
  });
});
