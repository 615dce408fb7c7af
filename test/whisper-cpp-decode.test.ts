// whisper.cpp decode steps as ggml launches them (runtimes/whisper.cpp.yaml): at one query per sequence the score
// matmuls are matrix-vector kernels over the cached K/V views (decode_kernels, not the encoder's cuBLAS chain),
// ggml-cuda adds a GEMM's bias inside the one-token matrix-vector kernel (bias_fused_rows), and ggml-metal runs a
// LayerNorm as one fused NORM + MUL + ADD kernel at a measured per-dispatch time (kernel_time).
import { describe, expect, it } from 'vitest';
import { attentionCore } from '../src/model/transformer-block.js';
import { linear } from '../src/model/op.js';
import { runtimeOps } from '../src/sim/runtime-ops.js';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request, toyHardware } from './helpers/nondecoder-fixtures.js';

const P = { compute: 'fp16' as const, weightBytes: 2, actBytes: 4, kvBytes: 2 };
type K = NonNullable<NormalizedHardware['runtime']>['kernels'];
const withKernels = (k: K): NormalizedHardware => {
  const hw = toyHardware();
  return { ...hw, runtime: { ...hw.runtime!, kernels: k } };
};

describe('whisper.cpp decode kernels', () => {
  it('a materialised attention launches decode_kernels at matrix-vector query counts and its full chain above', () => {
    const hw = withKernels({ attentionScores: { bytesPerScore: 24, kernels: 13, decodeKernels: 6 }, gemvMaxRows: 8 });
    const one = attentionCore('a', { batch: 1, q: 1, kv: 1500, heads: 16, headDim: 64 }, P, true, 24);
    const eight = attentionCore('a', { batch: 1, q: 8, kv: 1500, heads: 16, headDim: 64 }, P, true, 24);
    const nine = attentionCore('a', { batch: 1, q: 9, kv: 1500, heads: 16, headDim: 64 }, P, true, 24);
    expect(runtimeOps([one], hw, 4)[0]!.kernels).toBe(6);
    expect(runtimeOps([eight], hw, 4)[0]!.kernels).toBe(6);
    expect(runtimeOps([nine], hw, 4)[0]!.kernels).toBe(13);
    // without decode_kernels every call is the full chain, as before
    expect(runtimeOps([one], withKernels({ attentionScores: { bytesPerScore: 24, kernels: 13 } }), 4)[0]!.kernels).toBe(13);
  });
  it('a bias fused into the one-token matrix-vector kernel is no kernel and no traffic of its own', () => {
    const hw = withKernels({ bias: 'separate', biasFusedRows: 1, activationBytes: 4 });
    const tok = linear('up', 1, 4096, 1024, 'fp16', 2, 4, 24);
    expect(runtimeOps([tok], hw, 4).map((o) => o.name)).toEqual(['up']);
    const two = linear('up', 2, 4096, 1024, 'fp16', 2, 4, 24);
    const out = runtimeOps([two], hw, 4);
    expect(out.map((o) => o.name)).toEqual(['up', 'up.glue']);
    expect(out[1]!.kernels).toBe(1);
  });
  it('binds ggml-cuda and ggml-metal decode choices from the spec', async () => {
    const cuda = bindRuntime(await loadHardware('rtx-5090'), libraryRuntime('whisper.cpp'));
    expect(cuda.runtime!.kernels.attentionScores!.decodeKernels).toBe(6);
    expect(cuda.runtime!.kernels.biasFusedRows).toBe(1);
    const metal = bindRuntime(await loadHardware('apple-m2-ultra'), libraryRuntime('whisper.cpp'));
    expect(metal.runtime!.kernels.normKernels).toBe(1);
    expect(metal.runtime!.kernels.biasFusedRows).toBeUndefined();
    // ferrox issue #149: 5.16 us of GPU time per added dispatch on an M2 Pro replaces the spec's 10 us assumption
    expect(metal.efficiency.kernelOverheadS).toBeCloseTo(5.16e-6, 12);
    // llama.cpp on the same part keeps the hardware's figure
    const llama = bindRuntime(await loadHardware('apple-m2-ultra'), libraryRuntime('llama.cpp'));
    expect(llama.efficiency.kernelOverheadS).toBeCloseTo(10e-6, 12);
  });
  it('DGX Spark has a clock (31 TFLOP/s FP32 / 2·6,144 cores), so the ggml per-kernel cycles set its gap, and 48 SMs', async () => {
    const spark = await loadHardware('dgx-spark');
    expect(spark.clockHz).toBeCloseTo(2.52e9, -6);
    // the SM count, now that GB10's own MMQ timings (unslothai/llama.cpp PR #198) support the per-SM-clock MMQ rate
    expect(spark.units).toBe(48)
    const hw = bindRuntime(spark, libraryRuntime('whisper.cpp'));
    expect(hw.efficiency.kernelOverheadS).toBeCloseTo(5900 / 2.52e9, 12);
  });
  it('a whisper-medium decode step on ggml-cuda launches ~33 kernels per layer, not the encoder chain', async () => {
    const hw = bindRuntime(await loadHardware('rtx-5090'), libraryRuntime('whisper.cpp'));
    const r = simulate({ ...request('whisper-medium', hw, { audioSeconds: 30, outputTokens: 256, dtype: 'fp16' }), verbose: true });
    const gap = hw.efficiency.kernelOverheadS;
    const dec = r.phases.find((p) => p.name === 'decode')!;
    // 255 steps; per step the kernel gaps are at most 24 layers × 35 kernels (the graph's count with Q, K, V as three
    // matmuls, kernels.split_projections: 33) plus the head, and the step is longer than its bytes
    const perStep = dec.seconds / 255;
    expect(perStep).toBeLessThan(24 * 35 * gap + dec.memory_s / 255 + 0.2e-3);
    expect(perStep).toBeGreaterThan(24 * 33 * gap);
  });
});
