// TensorRT-LLM's weight-only int4 linears timed by row count on the H200 (runtimes/tensorrt-llm.yaml by_hardware h200-sxm
// kernels.w4a16_stream, src/sim/w4a16-gemm.ts w4a16Stream): the int4 weights stream at the plugin's measured share of
// peak bandwidth (0.82 at one row, ~0.43 from 8 rows: CUTLASS fpA_intB) with its fixed time per call, not at STREAM.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { w4a16Stream } from '../src/sim/w4a16-gemm.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const m = libraryModel('llama-3.1-8b') as DecoderModel;
const opAt = (dtype: string, rows: number, name = 'qkv_proj') =>
  buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), resolvePrecision(dtype, undefined, undefined, undefined), { prefillSeqs: 0, prefillLen: 0, decodeSeqs: rows }).find((o) => o.name === name)!;
const trt = bound('h200-sxm', 'tensorrt-llm');
const PEAK = trt.memory.bandwidthBytePerS;

describe('TensorRT-LLM W4A16 GEMM on the H200, timed by rows', () => {
  it('reads the table at the op rows: 0.818 / 9.3 us at one row, 0.431 / 13 us at eight', () => {
    const one = w4a16Stream(opAt('int4', 1), trt)!;
    const eight = w4a16Stream(opAt('int4', 8), trt)!;
    expect(one.bandwidth).toBeCloseTo(0.818, 3);
    expect(one.fixedS).toBeCloseTo(9.3e-6, 9);
    expect(eight.bandwidth).toBeCloseTo(0.431, 3);
    expect(eight.fixedS).toBeCloseTo(13.0e-6, 9);
  });
  it('an eight-row int4 qkv_proj costs the fixed time plus its int4 weights at 0.431 of peak', () => {
    const op = opAt('int4', 8);
    const c = opCost(op, trt, 'decode');
    expect(c.memoryS).toBeGreaterThanOrEqual(op.weightBytes / (PEAK * 0.431));
    expect(c.seconds).toBeGreaterThanOrEqual(13.0e-6 + op.weightBytes / (PEAK * 0.431));
    // the same GEMM under vLLM (no such table: STREAM) is cheaper
    expect(opCost(op, bound('h200-sxm', 'vllm'), 'decode').seconds).toBeLessThan(0.6 * c.seconds);
  });
  it('16-bit and fp8 linears and other parts do not take it', () => {
    expect(w4a16Stream(opAt('bf16', 8), trt)).toBeUndefined();
    expect(w4a16Stream(opAt('fp8', 8), trt)).toBeUndefined();
    expect(w4a16Stream(opAt('int4', 8), bound('a100-sxm4-80gb', 'tensorrt-llm'))).toBeUndefined();
  });
  it('more rows never take less time, nor more time per row', () => {
    for (const name of ['qkv_proj', 'ffn_up', 'ffn_down']) {
      let prev = 0;
      let prevPerRow = Infinity;
      for (let rows = 1; rows <= 600; rows++) {
        const s = opCost(opAt('int4', rows, name), trt, 'decode').seconds;
        expect(s).toBeGreaterThanOrEqual(prev * (1 - 1e-12));
        expect(s / rows).toBeLessThanOrEqual(prevPerRow * (1 + 1e-12));
        prev = s;
        prevPerRow = s / rows;
      }
    }
  });
});
