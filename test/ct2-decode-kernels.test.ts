// CTranslate2's kernels per Whisper decoder layer (runtimes/faster-whisper.yaml, read at v3.12.0 and v4.5.0): each Dense
// is a cuBLAS GEMM and a BiasAdd kernel (the up projection's BiasAdd applies GELU: the graph's activation op), the
// cache grows by two thrust::scatter kernels per Concat, a self-attention splits its fused QKV (3 gathers), and a cross
// attention at one query row is QKᵀ, softmax and AV alone; more query rows per sequence add the head transposes.
import { describe, expect, it } from 'vitest';
import { linear, elementwise, type Op } from '../src/model/op.js';
import { attentionCore } from '../src/model/transformer-block.js';
import { runtimeOps } from '../src/sim/runtime-ops.js';
import { buildWhisperDecoderGraph, decodingOf } from '../src/model/whisper-graph.js';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryModel, libraryRuntime } from '../src/spec/library.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request, toyHardware } from './helpers/nondecoder-fixtures.js';

type K = NonNullable<NormalizedHardware['runtime']>['kernels'];
const withKernels = (k: K): NormalizedHardware => {
  const hw = toyHardware();
  return { ...hw, runtime: { ...hw.runtime!, kernels: k } };
};
const p = { compute: 'fp16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };

describe('CTranslate2 Dense: a BiasAdd kernel after each biased GEMM', () => {
  const hw = withKernels({ bias: 'bias_add' });
  it('adds one kernel reading and writing the output after a 16-bit GEMM', () => {
    const g = linear('dec.out', 5, 1280, 1280, 'fp16', 2, 2, 32);
    const out = runtimeOps([g], hw, 2);
    expect(out.map((o) => o.name)).toEqual(['dec.out', 'dec.out.glue']);
    expect(out[1]!.kernels).toBe(1);
    expect(out[1]!.bytes).toBe(2 * 5 * 1280 * 2);
    expect(out[1]!.count).toBe(32);
  });
  it('none where the activation op follows (it is the BiasAdd), on a GEMM without bias, or on a convolution', () => {
    const up = linear('dec.up', 5, 5120, 1280, 'fp16', 2, 2, 32);
    const act = elementwise('dec.act', 5 * 5120, 8, 4, 'fp16', 32);
    expect(runtimeOps([up, act], hw, 2).map((o) => o.name)).toEqual(['dec.up', 'dec.act']);
    const logits: Op = { ...linear('logits', 5, 51865, 1280, 'fp16', 2, 2), biasedParts: 0 };
    expect(runtimeOps([logits], hw, 2).map((o) => o.name)).toEqual(['logits']);
    const conv: Op = { ...linear('conv1', 3000, 1280, 240, 'fp16', 2, 2), kind: 'conv' };
    expect(runtimeOps([conv], hw, 2).map((o) => o.name)).toEqual(['conv1']);
  });
  it('none on an int8 GEMM whose dequantize kernel adds the bias', () => {
    const g = linear('dec.out', 5, 1280, 1280, 'int8', 1, 2, 32);
    const out = runtimeOps([g], withKernels({ bias: 'bias_add', int8QuantKernels: true }), 2);
    expect(out[1]!.kernels).toBe(2); // quantize + dequantize only
  });
});

describe('CTranslate2 attention kernels: head transposes and the self-attention split', () => {
  const hw = withKernels({ attentionScores: { bytesPerScore: 8, kernels: 3, headTransposes: 2, selfSplit: 3 } });
  const att = (q: number, cross: boolean): Op => ({ ...attentionCore('a', { batch: 1, q, kv: 100, heads: 20, headDim: 64 }, p, true, 32), ...(cross ? { cross: true } : {}) });
  const kernels = (op: Op) => runtimeOps([op], hw, 2)[0]!.kernels;
  it('8 for a self-attention over several rows, 6 at one row; a cross attention 5 and 3', () => {
    expect(kernels(att(1500, false))).toBe(8);
    expect(kernels(att(1, false))).toBe(6);
    expect(kernels(att(5, true))).toBe(5);
    expect(kernels(att(1, true))).toBe(3);
  });
});

describe('faster-whisper decode step', () => {
  it('grows its cache with four scatter kernels and prices the BiasAdds, from the runtime file', async () => {
    const hw = bindRuntime(await loadHardware('rtx-3090'), libraryRuntime('faster-whisper'));
    const dec = decodingOf(hw.runtime);
    expect(dec.kvAppendKernels).toBe(4);
    const m = libraryModel('whisper-large-v2') as Parameters<typeof buildWhisperDecoderGraph>[0];
    const ops = runtimeOps(buildWhisperDecoderGraph(m, 1, 1, 100, p, true, { ...dec, width: 1 }), hw, 2);
    const perLayer = ops.filter((o) => o.count === m.decoder_layers).reduce((s, o) => s + (o.kernels ?? 1), 0);
    // LN 3, GEMMs 6, BiasAdds 5 (+ fc1's, the activation op), residual adds 3, concat 4, self 6, cross 3
    expect(perLayer).toBe(3 + 6 + 6 + 3 + 4 + 6 + 3);
  });
  it('a longer transcript costs more and stays finite', async () => {
    const hw = bindRuntime(await loadHardware('rtx-3090'), libraryRuntime('faster-whisper'));
    const a = simulate(request('whisper-large-v2', hw, { audioSeconds: 60, outputTokens: 60 }));
    const b = simulate(request('whisper-large-v2', hw, { audioSeconds: 60, outputTokens: 120 }));
    expect(b.latency_s!).toBeGreaterThan(a.latency_s!);
    expect(Number.isFinite(b.latency_s!)).toBe(true);
  });
});

describe('CTranslate2 decode step: the work on the logits after the LM head (kernels.decode_logits)', () => {
  const m = () => libraryModel('whisper-large-v2') as Parameters<typeof buildWhisperDecoderGraph>[0];
  const step = (dec: ReturnType<typeof decodingOf>, rows = 1, q = 1) => buildWhisperDecoderGraph(m(), rows, q, q === 1 ? 100 : q, p, true, dec).find((o) => o.name === 'logits_step');
  it('beam search with timestamps: the base, beam and timestamp parts over every beam row', () => {
    const dec = decodingOf(libraryRuntime('faster-whisper'));
    expect(dec.width).toBe(5);
    expect(dec.logits).toEqual({ kernels: 8 + 3 + 3, bytesPerLogit: 6 + 4 + 4 });
    const op = step(dec)!;
    expect(op.kernels).toBe(14);
    expect(op.bytes).toBe(5 * m().vocab * 14);
  });
  it('greedy without timestamps runs the base part only; the prompt pass runs none; a runtime without it none', () => {
    const rt = libraryRuntime('faster-whisper-batched');
    const greedy = decodingOf({ ...rt, scheduler: { ...rt.scheduler, beamSize: 1 } });
    expect(greedy.logits).toEqual({ kernels: 8, bytesPerLogit: 6 });
    expect(step(greedy, 1, 4)).toBeUndefined();
    expect(step(decodingOf(libraryRuntime('openai-whisper')))).toBeUndefined();
  });
});
