// whisper.cpp builds Whisper's Q, K and V (and the cross-attention K and V) as separate ggml_mul_mat nodes of the same
// input, with bias adds after Q and V only (runtimes/whisper.cpp.yaml kernels.split_projections; src/sim/runtime-ops.ts),
// and builds before ggml-cuda's GEMV fusion (2025-10-26) add every bias in a kernel of its own at decode steps too
// (runtimes/whisper.cpp-1.7.yaml).
import { describe, expect, it } from 'vitest';
import { linear, type Op } from '../src/model/op.js';
import { buildWhisperDecoderGraph, buildWhisperEncoderGraph } from '../src/model/whisper-graph.js';
import { runtimeOps } from '../src/sim/runtime-ops.js';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import type { EncoderDecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { libraryModel } from './helpers/library-models.js';
import { loadHardware, request, toyHardware } from './helpers/nondecoder-fixtures.js';

type K = NonNullable<NormalizedHardware['runtime']>['kernels'];
const withKernels = (k: K): NormalizedHardware => {
  const hw = toyHardware();
  return { ...hw, runtime: { ...hw.runtime!, kernels: k } };
};
const qkv: Op = { ...linear('enc.qkv', 1500, 3 * 384, 384, 'fp16', 2, 4, 4), parts: 3, biasedParts: 2 };

describe('projections run as separate matmul nodes (kernels.split_projections)', () => {
  it('a q/k/v GEMM is three GEMM launches, three input conversions, and two bias adds over two thirds of the output', () => {
    const base = withKernels({ activationBytes: 4, bias: 'separate', gemmConvert: true });
    const split = withKernels({ activationBytes: 4, bias: 'separate', gemmConvert: true, splitProjections: true });
    const [g0, glue0] = runtimeOps([qkv], base, 4) as [Op, Op];
    const [g, glue] = runtimeOps([qkv], split, 4) as [Op, Op];
    expect(g0.kernels ?? 1).toBe(1);
    expect(glue0.kernels).toBe(3); // convert in, convert out, bias
    expect(g.kernels).toBe(3);
    expect(glue.kernels).toBe(2 * 3 + 2); // a conversion in and out per node, bias adds after q and v
    const mk = 1500 * 384;
    const mn = 1500 * 3 * 384;
    // each further node reads its own f16 copy of the input, converted again (r 4 + w 2 per element)
    expect(g.bytes - g0.bytes).toBe(2 * 2 * mk);
    const bias0 = 2 * mn * 4;
    expect(glue.bytes - (glue0.bytes - bias0)).toBeCloseTo(2 * 6 * mk + (bias0 * 2) / 3, 6);
  });
  it('at one token (matrix-vector, bias fused) only the launches and the input reads multiply', () => {
    const tok: Op = { ...linear('dec.qkv', 1, 3 * 1024, 1024, 'fp16', 2, 4, 24), parts: 3, biasedParts: 2 };
    const hw = withKernels({ activationBytes: 4, bias: 'separate', biasFusedRows: 1, gemmConvert: true, splitProjections: true, gemvMaxRows: 8 });
    const out = runtimeOps([tok], hw, 4);
    expect(out.map((o) => o.name)).toEqual(['dec.qkv']);
    expect(out[0]!.kernels).toBe(3);
    expect(out[0]!.bytes - tok.bytes).toBe(2 * 4 * 1024);
    // without the fusion (bias_fused_rows 0) the two biases are two kernels more
    const old = runtimeOps([tok], withKernels({ activationBytes: 4, bias: 'separate', biasFusedRows: 0, splitProjections: true, gemvMaxRows: 8 }), 4);
    expect(old.map((o) => o.name)).toEqual(['dec.qkv', 'dec.qkv.glue']);
    expect(old[1]!.kernels).toBe(2);
  });
  it('an op the graph does not mark as concatenated, or a runtime without the field, is unchanged', () => {
    const plain = linear('enc.out', 1500, 384, 384, 'fp16', 2, 4, 4);
    const hw = withKernels({ activationBytes: 4, bias: 'separate', gemmConvert: true, splitProjections: true });
    const a = runtimeOps([plain], hw, 4);
    const b = runtimeOps([plain], withKernels({ activationBytes: 4, bias: 'separate', gemmConvert: true }), 4);
    expect(a).toEqual(b);
  });
  it("Whisper's graphs mark q/k/v as 3 projections (2 biased) and the cross K/V as 2 (1 biased)", () => {
    const m = libraryModel('whisper-tiny') as EncoderDecoderModel;
    const P = { compute: 'fp16' as const, weightBytes: 2, actBytes: 4, kvBytes: 2 };
    const enc = buildWhisperEncoderGraph(m, 1, P, true);
    expect(enc.find((o) => o.name === 'enc.qkv')).toMatchObject({ parts: 3, biasedParts: 2 });
    expect(enc.find((o) => o.name === 'cross_kv')).toMatchObject({ parts: 2, biasedParts: 1 });
    const dec = buildWhisperDecoderGraph(m, 1, 1, 10, P, true);
    expect(dec.find((o) => o.name === 'dec.qkv')).toMatchObject({ parts: 3, biasedParts: 2 });
  });
  it('whisper.cpp splits; whisper.cpp-1.7 adds decode-step biases as kernels on ggml-cuda, nothing else', async () => {
    const v100 = await loadHardware('v100-sxm2');
    const now = bindRuntime(v100, libraryRuntime('whisper.cpp'));
    const old = bindRuntime(v100, libraryRuntime('whisper.cpp-1.7'));
    expect(now.runtime!.kernels.splitProjections).toBe(true);
    expect(now.runtime!.kernels.biasFusedRows).toBe(1);
    expect(old.runtime!.kernels.biasFusedRows).toBe(0);
    expect(old.runtime!.kernels.splitProjections).toBe(true);
    // ggml-metal (2025-09 on) dispatches the three projections of one input concurrently: one concatenated GEMM
    const metal = bindRuntime(await loadHardware('apple-m2-ultra'), libraryRuntime('whisper.cpp'));
    expect(metal.runtime!.kernels.splitProjections).toBe(false);
    const run = (hw: NormalizedHardware, out: number) => simulate(request('whisper-tiny', hw, { audioSeconds: 30, outputTokens: out, dtype: 'fp16' }));
    // the encoder is the same; each decode step launches 7 bias adds per layer more (q, v, out, cross q, cross out, fc1, fc2)
    const encNow = run(now, 0).phases.find((p) => p.name === 'encode')!.seconds;
    const encOld = run(old, 0).phases.find((p) => p.name === 'encode')!.seconds;
    expect(encOld).toBeCloseTo(encNow, 12);
    const stepNow = run(now, 256).phases.find((p) => p.name === 'decode')!.seconds / 255;
    const stepOld = run(old, 256).phases.find((p) => p.name === 'decode')!.seconds / 255;
    expect(stepOld - stepNow).toBeGreaterThan(4 * 7 * now.efficiency.kernelOverheadS * 0.99);
  });
  it('whisper.cpp-1.5 on Metal: serial dispatch (no concurrency list in use) and a LayerNorm as norm + mul + add', async () => {
    // ggml-metal.m @v1.5.4 / v1.5.5: MTLDispatchTypeSerial (ggml_metal_graph_find_concurrency never called), GGML_OP_NORM alone
    const m2 = await loadHardware('apple-m2-pro');
    const v15 = bindRuntime(m2, libraryRuntime('whisper.cpp-1.5'));
    const now = bindRuntime(m2, libraryRuntime('whisper.cpp'));
    expect([v15.runtime!.kernels.splitProjections, v15.runtime!.kernels.normKernels]).toEqual([true, 3]);
    expect([now.runtime!.kernels.splitProjections, now.runtime!.kernels.normKernels]).toEqual([false, 1]);
    // the same 5.16 us a dispatch: the 1.5 graph's extra dispatches make every phase slower
    expect(v15.efficiency.kernelOverheadS).toBe(now.efficiency.kernelOverheadS);
    const run = (hw: NormalizedHardware) => simulate(request('whisper-tiny', hw, { audioSeconds: 30, outputTokens: 64, dtype: 'fp16' }));
    const [a, b] = [run(v15), run(now)];
    for (const ph of ['encode', 'decode']) {
      expect(a.phases.find((p) => p.name === ph)!.seconds, ph).toBeGreaterThan(b.phases.find((p) => p.name === ph)!.seconds);
    }
    // NVIDIA parts are unchanged by the Metal block
    const v100 = await loadHardware('v100-sxm2');
    expect(bindRuntime(v100, libraryRuntime('whisper.cpp-1.5')).runtime!.kernels.splitProjections).toBe(true);
  });
});
