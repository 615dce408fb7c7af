// L40S GEMMs priced from NVIDIA's aiconfigurator database (hardware/nvidia/l40s.yaml; bench/aiconfigurator/l40s-gemm.py):
// each framework's own Linear layer timed on an L40S under CUDA-graph replay (ai-dynamo/aiconfigurator @095f58a5
// systems/data/l40s/gemm/{vllm/0.24.0, sglang/0.5.14, trtllm/1.3.0rc20}/gemm_perf). The shapes below are Llama-sized
// Linears, with the three frameworks' times in us (vLLM, SGLang, TensorRT-LLM) for bf16; for fp8 the GEMM alone, vLLM's
// and TensorRT-LLM's Linear less its own input quantize timed at the same (M, K) (systems/data/l40s/quantize/
// {vllm/0.24.0, trtllm/1.3.0rc20}/{computescale,scale_matrix}_perf; SGLang's quantize timing is not its kernel's, so its
// fp8 Linears are left out): the hardware file's fp8 rates are quantize-free, a runtime prices the quantize apart.
// The table is the median over ~20,000 rows of the database's (M, N, K) grid by size (N, K from 1024 to 65536), so one
// shape sits in the spread, not on it: these five Llama-sized shapes price within 0.9-1.5x the frameworks' middle time
// (the median of three, the mean of two), 1.0-1.2x in the median.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { linear } from '../src/model/op.js';
import { opCost } from '../src/sim/roofline.js';

const lib = getLibrary();
const l40s = lib.hardware.l40s!;
// the median of three frameworks' times, the mean of two
const median = (xs: number[]) => (xs.length === 2 ? (xs[0]! + xs[1]!) / 2 : [...xs].sort((a, b) => a - b)[1]!);
// [m, n, k, bf16 us x 3 (vLLM, SGLang, TensorRT-LLM), fp8 GEMM us x 2 (vLLM, TensorRT-LLM, each less its quantize)]
const SHAPES: [number, number, number, number[], number[]][] = [
  // fp8 Linear whole / its quantize: vLLM 55.2 / 3.6, 213.5 / 5.7, 206.1 / 8.8, 736.9 / 15.0, 3153.1 / 302.4;
  // TensorRT-LLM 51.9 / 11.6, 209.5 / 14.8, 186.1 / 20.2, 540.8 / 31.6, 3056.3 / 415.9
  [512, 4096, 4096, [75.0, 97.8, 80.0], [51.6, 40.3]],
  [512, 8192, 8192, [297.6, 325.0, 356.9], [207.8, 194.7]],
  [2048, 4096, 4096, [273.8, 276.6, 268.9], [197.3, 165.9]],
  [4096, 6144, 4096, [1266.1, 1069.0, 954.4], [721.8, 509.1]],
  [8192, 8192, 8192, [5875.5, 5307.9, 4938.6], [2850.7, 2640.4]],
];
const priced = (m: number, n: number, k: number, d: 'bf16' | 'fp8') =>
  (opCost(linear('g', m, n, k, d, d === 'fp8' ? 1 : 2, 2), l40s).seconds - l40s.efficiency.kernelOverheadS + 2e-6) * 1e6;

describe('L40S GEMMs (aiconfigurator l40s Linear tables)', () => {
  it('prices Llama-sized bf16 and fp8 Linears at 0.9-1.5x the frameworks’ middle time (fp8 512x4096x4096 apart: KNOWN GAP below), 1.0-1.2x in the median', () => {
    const ratios: number[] = [];
    for (const [m, n, k, bf, f8] of SHAPES) {
      for (const [d, t] of [['bf16', bf], ['fp8', f8]] as const) {
        const r = priced(m, n, k, d) / median(t);
        ratios.push(r);
        if (d === 'fp8' && m === 512 && k === 4096) continue; // the KNOWN GAP shape: its own test below
        expect(r, `${d} ${m}x${n}x${k}`).toBeGreaterThan(0.9);
        expect(r, `${d} ${m}x${n}x${k}`).toBeLessThan(1.5);
      }
    }
    ratios.sort((a, b) => a - b);
    const mid = (ratios[4]! + ratios[5]!) / 2;
    expect(mid).toBeGreaterThan(1.0);
    expect(mid).toBeLessThan(1.2);
  });

  it('KNOWN GAP: fp8 512x4096x4096 prices slow, never fast (the size-keyed table sits below this shape)', () => {
    // the shape (1.72e10 FLOP) runs its GEMM at 0.45-0.57 of peak (40-52 us), where the table's median over that size's
    // grid reads 0.339: ~1.55x slow since the table is quantize-free. A table keyed by shape, not size, would settle it;
    // until then this pins the direction (slow, not fast) and that it stays below 2x
    const r = priced(512, 4096, 4096, 'fp8') / median(SHAPES[0]![4]);
    expect(r).toBeGreaterThan(1);
    expect(r).toBeLessThan(2);
  });

  it('no priced shape beats the fastest framework by more than 10% (the best square torch.mm, 0.743, did)', () => {
    for (const [m, n, k, bf, f8] of SHAPES) {
      expect(priced(m, n, k, 'bf16')).toBeGreaterThan(0.9 * Math.min(...bf));
      expect(priced(m, n, k, 'fp8')).toBeGreaterThan(0.9 * Math.min(...f8));
    }
  });

  it('large fp8 GEMMs (the GEMM alone) run at ~1.9x the bf16 rate, not 2x (a 350 W board)', () => {
    // measured at 8192^3: bf16 median 5307.9 us, fp8 GEMMs 2640-2851 us: 1.86-2.01x
    const ratio = priced(8192, 8192, 8192, 'bf16') / priced(8192, 8192, 8192, 'fp8');
    expect(ratio).toBeGreaterThan(1.7);
    expect(ratio).toBeLessThan(1.97);
  });

  it('skinny GEMMs stream weights past the L2 at the measured 0.78 (bf16) / 0.72 (fp8) of 864 GB/s, not the 0.961 triad', () => {
    // vLLM 0.24.0 / SGLang 0.5.14 medians over M 1-64 rows with 96 MB - 2 GB of weights: bf16 0.785 / 0.780; fp8 vLLM's
    // Linear less its own quantize 0.717
    for (const [d, wb, f] of [['bf16', 2, 0.78], ['fp8', 1, 0.72]] as const) {
      const m = 8, n = 28672, k = 8192;
      const bytes = n * k * wb + (m * k + m * n) * 2;
      const s = opCost(linear('g', m, n, k, d, wb, 2), l40s).seconds - l40s.efficiency.kernelOverheadS;
      expect(bytes / s / 864e9, d).toBeCloseTo(f, 2);
    }
  });
});
