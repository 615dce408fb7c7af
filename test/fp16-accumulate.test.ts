// GEMMs that accumulate in fp16 (runtime kernels.gemm_accumulate: fp16 — ggml-cuda's ggml_cuda_op_mul_mat_cublas with
// CUBLAS_COMPUTE_16F) run at the part's fp16-accumulate tensor rate (hardware compute.fp16_accumulate: 2× matrix.fp16 on
// GeForce parts, whose fp32 accumulation is half rate); everything else keeps matrix.fp16.
import { describe, expect, it } from 'vitest';
import { linear } from '../src/model/op.js';
import { attentionCore } from '../src/model/transformer-block.js';
import { opCost } from '../src/sim/roofline.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, toyHardware } from './helpers/nondecoder-fixtures.js';

const P = { compute: 'fp16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };
const big = linear('up', 8192, 8192, 8192, 'fp16', 2, 2);
const withAcc = (acc: 'fp16' | 'fp32' | undefined, fp16Acc: number | undefined): NormalizedHardware => {
  const hw = toyHardware();
  return { ...hw, ...(fp16Acc === undefined ? {} : { fp16AccumulateFlopPerS: fp16Acc }), runtime: { ...hw.runtime!, kernels: acc ? { gemmAccumulate: acc } : {} } };
};

describe('fp16-accumulate GEMM rate', () => {
  it('a compute-bound fp16 GEMM of an fp16-accumulating runtime runs at the fp16-accumulate peak', () => {
    const base = withAcc(undefined, undefined);
    const peak = base.matrixFlopPerS.fp16!;
    const fast = opCost(big, withAcc('fp16', 2 * peak));
    const slow = opCost(big, base);
    expect(slow.bound).toBe('compute');
    expect(fast.computeS).toBeCloseTo(slow.computeS / 2, 12);
  });
  it('needs both: the runtime accumulating in fp16 and a part whose spec gives a faster fp16-accumulate rate', () => {
    const base = withAcc(undefined, undefined);
    const peak = base.matrixFlopPerS.fp16!;
    const ref = opCost(big, base).computeS;
    expect(opCost(big, withAcc('fp32', 2 * peak)).computeS).toBe(ref);
    expect(opCost(big, withAcc(undefined, 2 * peak)).computeS).toBe(ref);
    expect(opCost(big, withAcc('fp16', undefined)).computeS).toBe(ref);
    // a spec rate at or below matrix.fp16 never slows a GEMM
    expect(opCost(big, withAcc('fp16', peak / 2)).computeS).toBe(ref);
  });
  it('leaves attention kernels and other dtypes alone', () => {
    const hw = withAcc('fp16', 4 * withAcc(undefined, undefined).matrixFlopPerS.fp16!);
    const base = withAcc(undefined, undefined);
    const a = attentionCore('a', { batch: 1, q: 4096, kv: 4096, heads: 16, headDim: 64 }, P, true);
    expect(opCost(a, hw).computeS).toBe(opCost(a, base).computeS);
    const b = linear('up', 8192, 8192, 8192, 'bf16', 2, 2);
    expect(opCost(b, hw).computeS).toBe(opCost(b, base).computeS);
  });
  it('binds from the specs: whisper.cpp on a GeForce part, not on V100 (cuBLAS COMPUTE_32F on Volta, no faster rate)', async () => {
    const g = bindRuntime(await loadHardware('rtx-4090'), libraryRuntime('whisper.cpp'));
    expect(g.fp16AccumulateFlopPerS).toBeCloseTo(330.3e12, -9);
    expect(g.runtime!.kernels.gemmAccumulate).toBe('fp16');
    expect(opCost(big, g).computeS).toBeLessThan(0.6 * opCost(big, bindRuntime(await loadHardware('rtx-4090'), libraryRuntime('llama.cpp'))).computeS);
    const v = await loadHardware('v100-sxm2');
    expect(v.fp16AccumulateFlopPerS).toBeUndefined();
  });
});
