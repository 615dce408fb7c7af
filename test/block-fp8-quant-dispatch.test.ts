// A block-FP8 linear under vLLM / SGLang is two Python calls: the activations' per-token-group quantization
// (per_token_group_quant_fp8: its own allocations and kernel), then the GEMM (fp8_utils.py apply_w8a8_block_fp8_linear).
// In a step the host dispatches op by op the linear costs the host its GEMM call and one more op (src/sim/roofline.ts
// opCost, src/runtime/launch.ts launchFloorForOpS); replayed from a graph, nothing.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { launchFloorForOpS } from '../src/runtime/launch.js';
import { opCost } from '../src/sim/roofline.js';
import type { GraphOp } from '../src/model/decoder-graph.js';

const lib = getLibrary();
const sgl = bindRuntime(lib.hardware['h200-sxm']!, libraryRuntime('sglang'));
// a small block-FP8 projection (16 rows of a 7168 x 1536 weight): its kernels far shorter than their dispatch
const m = 16, k = 7168, n = 1536;
const linear: GraphOp = {
  name: 'q_a_proj', kind: 'gemm', flops: 2 * m * k * n, bytes: k * n + 2 * m * (k + n), weightBytes: k * n, dtype: 'fp8',
  count: 1, flopsPerCtx: 0, bytesPerCtx: 0, m, fp8Block: true,
};

describe('a block-FP8 linear in an eager step dispatches its quantization as a call of its own', () => {
  it('costs the GEMM call and one more op, more than the same linear without block scales', () => {
    const gemm = launchFloorForOpS(sgl, 'prefill', 'gemm', 1);
    const op = launchFloorForOpS(sgl, 'prefill', 'elementwise', 1);
    expect(sgl.runtime!.kernels?.tiledGemm).toBeDefined();
    expect(opCost(linear, sgl, 'prefill').floorS).toBeCloseTo(gemm + op, 12);
    expect(opCost({ ...linear, fp8Block: false }, sgl, 'prefill').floorS).toBeCloseTo(gemm, 12);
  });
  it('a captured decode step pays no dispatch for either call', () => {
    expect(opCost(linear, sgl, 'decode').floorS).toBe(0);
  });
});
