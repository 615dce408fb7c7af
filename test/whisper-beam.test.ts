// Whisper decoding as the runtime does it (src/sim/whisper.ts, src/model/whisper-graph.ts): beam search (rows, caches,
// the cross K/V per runtime), the self-attention cache grown by copies, the previous text as the prompt, long-form
// windows overlapped and batched as the HF pipeline does, and PyTorch's IEEE fp32 matmuls.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { GREEDY, type WhisperDecoding, buildWhisperDecoderGraph, decodingOf, whisperKvBytes } from '../src/model/whisper-graph.js';
import { audioWindows, meanPreviousText } from '../src/sim/whisper.js';
import { opCost } from '../src/sim/roofline.js';
import { linear } from '../src/model/op.js';
import type { EncoderDecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';
import { runtimeOfSoftware } from '../src/runtime/software.js';
import { libraryModel } from './helpers/library-models.js';

const p = { compute: 'fp16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };
const large = () => libraryModel('whisper-large-v2') as EncoderDecoderModel;
const beam = (o: Partial<WhisperDecoding>): WhisperDecoding => ({ ...GREEDY, width: 5, ...o });
const op = (ops: ReturnType<typeof buildWhisperDecoderGraph>, name: string) => ops.find((o) => o.name === name)!;

function withScheduler(hw: NormalizedHardware, s: Partial<NonNullable<NormalizedHardware['runtime']>['scheduler']>): NormalizedHardware {
  return { ...hw, runtime: { ...hw.runtime!, scheduler: { ...hw.runtime!.scheduler, ...s } } };
}

describe('Whisper decoding settings: one source of defaults (GREEDY) for simulate and show runtime', () => {
  it('a runtime that sets nothing decodes as GREEDY; one that sets beams keeps its own and GREEDY fills the rest', () => {
    expect(decodingOf(undefined)).toEqual(GREEDY);
    expect(decodingOf({ scheduler: { chunkedPrefill: false } })).toEqual(GREEDY);
    const d = decodingOf({ scheduler: { chunkedPrefill: false, beamSize: 5, beamReorder: 'all' } });
    expect(d).toEqual({ ...GREEDY, width: 5, reorder: 'all' });
    for (const id of ['faster-whisper', 'openai-whisper', 'transformers']) {
      const rt = libraryRuntime(id);
      const o = decodingOf(rt);
      expect(o.width).toBe(rt.scheduler.beamSize ?? GREEDY.width);
      expect(o.crossKv).toBe(rt.scheduler.beamCrossKv ?? GREEDY.crossKv);
      expect(o.kvAppend).toBe(rt.kernels.kvAppend ?? GREEDY.kvAppend);
    }
  });
});

describe('beam search in the Whisper decoder graph', () => {
  it('decodes width rows per window: GEMM rows, logits rows and self-attention sequences', () => {
    const m = large();
    const g1 = buildWhisperDecoderGraph(m, 2, 1, 50, p, true);
    const g5 = buildWhisperDecoderGraph(m, 2, 1, 50, p, true, beam({}));
    expect(op(g1, 'dec.qkv').m).toBe(2);
    expect(op(g5, 'dec.qkv').m).toBe(10);
    expect(op(g5, 'logits').m).toBe(10);
    // weights are read once per step whatever the beams; the self-attention K/V per beam
    expect(op(g5, 'dec.qkv').weightBytes).toBe(op(g1, 'dec.qkv').weightBytes);
    expect(op(g5, 'dec.self_attn').bytes).toBeGreaterThan(4.5 * op(g1, 'dec.self_attn').bytes);
  });
  it('reads the cross K/V once per audio when shared (CTranslate2), once per beam when broadcast or copied', () => {
    const m = large();
    const cross = (d: WhisperDecoding) => op(buildWhisperDecoderGraph(m, 1, 1, 50, p, true, d), 'dec.cross.attn').bytes;
    const kv = 2 * m.audio_ctx * m.hidden * 2; // one layer's cross K and V, fp16
    expect(cross(beam({ crossKv: 'shared' }))).toBeLessThan(1.1 * kv);
    expect(cross(beam({ crossKv: 'broadcast' }))).toBeGreaterThan(5 * kv);
    expect(cross(beam({ crossKv: 'per_beam' }))).toBeGreaterThan(5 * kv);
    expect(cross(GREEDY)).toBeLessThan(1.1 * kv);
  });
  it('stores the cross K/V per beam only where the runtime copies it (HF), the self cache always per beam', () => {
    const m = large();
    const g = whisperKvBytes(m, 1, 100, 2);
    const selfOnly = 2 * m.decoder_layers * 100 * m.hidden * 2;
    const crossOnce = 2 * m.decoder_layers * m.audio_ctx * m.hidden * 2;
    expect(g).toBe(selfOnly + crossOnce);
    expect(whisperKvBytes(m, 1, 100, 2, beam({ crossKv: 'shared' }))).toBe(5 * selfOnly + crossOnce);
    expect(whisperKvBytes(m, 1, 100, 2, beam({ crossKv: 'per_beam' }))).toBe(5 * selfOnly + 5 * crossOnce);
  });
  it('gathers the caches to the surviving beams after each step: a read and a write of each', () => {
    const m = large();
    const selfKv = 2 * 5 * 80 * m.hidden * 2; // 5 beams × 80 tokens, one layer
    const self = op(buildWhisperDecoderGraph(m, 1, 1, 80, p, true, beam({ reorder: 'self' })), 'dec.beam_reorder');
    expect(self.bytes).toBe(2 * selfKv);
    expect(self.count).toBe(m.decoder_layers);
    const all = op(buildWhisperDecoderGraph(m, 1, 1, 80, p, true, beam({ reorder: 'all', crossKv: 'per_beam' })), 'dec.beam_reorder');
    expect(all.bytes).toBe(2 * selfKv + 2 * 2 * 5 * m.audio_ctx * m.hidden * 2);
    // greedy, or no reorder: no such op; nor on the prompt pass
    expect(buildWhisperDecoderGraph(m, 1, 1, 80, p, true, GREEDY).some((o) => o.name === 'dec.beam_reorder')).toBe(false);
    expect(buildWhisperDecoderGraph(m, 1, 4, 4, p, true, beam({ reorder: 'self' })).some((o) => o.name === 'dec.beam_reorder')).toBe(false);
  });
  it('runs the prompt once per window where the runtime replicates its cache (CTranslate2), per beam otherwise', () => {
    const m = large();
    expect(op(buildWhisperDecoderGraph(m, 2, 100, 100, p, true, beam({ prompt: 'once' })), 'dec.qkv').m).toBe(2 * 100);
    expect(op(buildWhisperDecoderGraph(m, 2, 100, 100, p, true, beam({ prompt: 'per_beam' })), 'dec.qkv').m).toBe(10 * 100);
    // decode steps are per beam either way
    expect(op(buildWhisperDecoderGraph(m, 2, 1, 100, p, true, beam({ prompt: 'once' })), 'dec.qkv').m).toBe(10);
  });
  it('copies the whole self cache to append a step where the runtime concatenates (torch.cat, ops::Concat)', () => {
    const m = large();
    const g = buildWhisperDecoderGraph(m, 1, 1, 81, p, true, { ...GREEDY, kvAppend: 'copy' });
    const old = 2 * 80 * m.hidden * 2;
    expect(op(g, 'dec.kv_append').bytes).toBe(2 * old + 2 * m.hidden * 2);
    expect(buildWhisperDecoderGraph(m, 1, 1, 81, p, true).some((o) => o.name === 'dec.kv_append')).toBe(false);
  });
});

describe('Whisper runtimes: faster-whisper, openai-whisper, transformers', () => {
  it('carry their decoding defaults from source', () => {
    const rt = (id: string) => libraryRuntime(id).scheduler;
    expect(rt('faster-whisper')).toMatchObject({ audioWindows: 'sequential', beamSize: 5, beamCrossKv: 'shared', beamReorder: 'self', beamPrompt: 'once', conditionOnPreviousText: true });
    expect(libraryRuntime('faster-whisper').kernels).toMatchObject({ kvAppend: 'copy', kvAppendKernels: 4, bias: 'bias_add', attentionScores: { bytesPerScore: 8, kernels: 3, headTransposes: 2, selfSplit: 3, liveBytesPerScore: 4 } });
    expect(rt('faster-whisper-batched')).toMatchObject({ audioWindows: 'batched', audioBatch: 8, beamSize: 5, conditionOnPreviousText: false });
    expect(rt('openai-whisper')).toMatchObject({ audioWindows: 'sequential', beamSize: 5, beamCrossKv: 'broadcast', beamReorder: 'self' });
    // before PR #1483 (Jul 2023) openai-whisper repeated the audio per beam and rearranged every cache
    expect(rt('openai-whisper-2023')).toMatchObject({ beamSize: 5, beamCrossKv: 'per_beam', beamReorder: 'all' });
    expect(libraryRuntime('openai-whisper-2023').kernels.attentionScores).toEqual({ bytesPerScore: 24, kernels: 8, liveBytesPerScore: 10 });
    expect(rt('transformers')).toMatchObject({ audioWindowStepS: 20, audioBatch: 1, beamCrossKv: 'per_beam', beamReorder: 'all' });
    expect(rt('transformers').beamSize ?? 1).toBe(1);
    // the runtimes that existed before stay greedy
    for (const id of ['whisper.cpp', 'pytorch', 'tensorrt-llm']) expect(rt(id).beamSize ?? 1).toBe(1);
    // whisper.cpp (whisper_full_with_state, v1.5.4 to @233fe1f): the prompt decoded once as sequence 0 and its cells
    // shared by whisper_kv_cache_seq_cp, one kv_cross read by the batch's tokens, re-selection by cell metadata only, and
    // each window conditioned on the text so far (prompt_past, n_max_text_ctx 16384); the 1.5 series inherits it
    for (const id of ['whisper.cpp', 'whisper.cpp-1.5', 'whisper.cpp-1.7']) {
      expect(rt(id), id).toMatchObject({ audioWindows: 'sequential', beamPrompt: 'once', beamCrossKv: 'shared', beamReorder: 'none', conditionOnPreviousText: true });
    }
  });
  it('whisper.cpp: a later window\'s prompt carries the previous text; under beam search it is decoded once, not per beam', async () => {
    const hw = bindRuntime(await loadHardware('apple-m2-pro'), libraryRuntime('whisper.cpp'));
    const at = (h: NormalizedHardware, beams: number) => simulate(request('whisper-medium', withScheduler(h, { beamSize: beams }), { audioSeconds: 600, outputTokens: 100, dtype: 'fp16' }));
    const prefill = (r: ReturnType<typeof simulate>) => r.phases.find((ph) => ph.name === 'prefill')!.seconds;
    const off = withScheduler(hw, { conditionOnPreviousText: false });
    expect(prefill(at(hw, 1))).toBeGreaterThan(5 * prefill(at(off, 1))); // ~220 prompt tokens a window, not 3
    // one prompt pass per window whatever the beams (its rows are not multiplied by the width)
    expect(prefill(at(hw, 5))).toBeCloseTo(prefill(at(hw, 1)), 6);
    expect(prefill(at(withScheduler(hw, { beamPrompt: 'per_beam' }), 5))).toBeGreaterThan(prefill(at(hw, 5)));
  });
  it('are named by the software column of a measurement', () => {
    expect(runtimeOfSoftware('faster-whisper 1.1.0 (CTranslate2 4.5)')).toBe('faster-whisper');
    expect(runtimeOfSoftware('openai/whisper v20240930 (PyTorch)')).toBe('openai-whisper');
    expect(runtimeOfSoftware('whisper.cpp v1.7.2')).toBe('whisper.cpp');
  });
  it('beam search costs decoder time, not encoder time, and more beams never go faster', async () => {
    const hw = bindRuntime(await loadHardware('rtx-3070-ti'), libraryRuntime('faster-whisper'));
    const run = (k: number) => simulate(request('whisper-large-v2', withScheduler(hw, { beamSize: k }), { audioSeconds: 120, outputTokens: 100, dtype: 'fp16' }));
    const [b1, b2, b5] = [run(1), run(2), run(5)];
    expect(b5.encoder_s).toBeCloseTo(b1.encoder_s!, 12);
    expect(b2.decoder_s!).toBeGreaterThan(b1.decoder_s!);
    expect(b5.decoder_s!).toBeGreaterThan(b2.decoder_s!);
    expect(b5.memory.kv_cache_bytes).toBeGreaterThan(b1.memory.kv_cache_bytes);
    for (const r of [b1, b2, b5]) expect(Number.isFinite(r.latency_s!)).toBe(true);
  });
  it('conditions on the previous text: a longer prompt and context after the first window', async () => {
    expect(meanPreviousText(1, 100, 448)).toBe(0);
    // windows 2..4 carry 1 + min(223, i·100): 101, 201, 224 → mean over 4 windows
    expect(meanPreviousText(4, 100, 448)).toBeCloseTo((101 + 201 + 224) / 4, 12);
    const hw = bindRuntime(await loadHardware('rtx-3070-ti'), libraryRuntime('faster-whisper'));
    const run = (c: boolean) => simulate(request('whisper-large-v2', withScheduler(hw, { conditionOnPreviousText: c }), { audioSeconds: 300, outputTokens: 100, dtype: 'fp16' }));
    expect(run(true).decoder_s!).toBeGreaterThan(run(false).decoder_s!);
  });
});

describe('long-form windows: the HF pipeline stride and batch', () => {
  it('counts one window per step after the first', () => {
    expect(audioWindows(30, 30)).toBe(1);
    expect(audioWindows(61, 30)).toBe(3);
    expect(audioWindows(9000, 30)).toBe(300);
    expect(audioWindows(9000, 30, 20)).toBe(450); // chunk_length_s 30, stride 5 s each side
    expect(audioWindows(20, 30, 20)).toBe(1);
  });
  it('runs windows in passes of audio_batch: all at once matches the batched default, one at a time costs more', async () => {
    const base = await loadHardware('a100-sxm4-80gb');
    const hf = bindRuntime(base, libraryRuntime('transformers'));
    const run = (hw: NormalizedHardware) => simulate(request('whisper-large-v3', hw, { audioSeconds: 600, outputTokens: 100, dtype: 'fp16' }));
    const one = run(hf);
    const b8 = run(withScheduler(hf, { audioBatch: 8 }));
    const all = run(withScheduler(hf, { audioBatch: 1000 }));
    const unbounded = run(withScheduler(hf, { audioBatch: undefined }));
    expect(all.latency_s).toBeCloseTo(unbounded.latency_s!, 12);
    expect(b8.latency_s!).toBeLessThan(one.latency_s!);
    expect(all.latency_s!).toBeLessThanOrEqual(b8.latency_s! * 1.000001);
    // 600 s at a 20 s stride: chunks start at 0, 20, …, 580 (the last reaching the end) = 30 windows, 3 passes of 8
    // and one of 6
    expect(b8.output_tokens).toBe(30 * 100);
  });
  it('takes --set runtime.beam_size and runtime.audio_batch', async () => {
    const { simulateFromFlags } = await import('../src/sim/from-flags.js');
    const flags = { model: 'whisper-large-v3', hardware: 'a100-sxm4-80gb', runtime: 'transformers', 'audio-seconds': 300, 'output-tokens': 50, dtype: 'fp16' };
    const plain = (await simulateFromFlags(flags as any)).result;
    const beams = (await simulateFromFlags({ ...flags, set: ['runtime.beam_size=4'] } as any)).result;
    const batched = (await simulateFromFlags({ ...flags, set: ['runtime.audio_batch=16'] } as any)).result;
    // (HF generate() is host-bound at these rows — its host time is the same for 4 beams, runtimes/pytorch.yaml
    // host.decode_step — so the beams show in the caches and never make a window faster)
    expect(beams.memory.kv_cache_bytes).toBeGreaterThan(plain.memory.kv_cache_bytes);
    expect(beams.decoder_s!).toBeGreaterThanOrEqual(plain.decoder_s!);
    expect(batched.latency_s!).toBeLessThan(plain.latency_s!);
  });
});

describe('PyTorch fp32: IEEE matmuls, TF32 convolutions', () => {
  it('prices an fp32 GEMM at the fp32 CUDA-core rate under pytorch and at TF32 under a runtime that allows it', async () => {
    const a100 = await loadHardware('a100-sxm4-80gb');
    const torch = bindRuntime(a100, libraryRuntime('pytorch'));
    const trt = bindRuntime(a100, libraryRuntime('tensorrt-llm'));
    const g = linear('g', 8192, 8192, 8192, 'fp32', 4, 4);
    expect(opCost(g, torch).dtype).toBe('fp32');
    expect(opCost(g, trt).dtype).toBe('tf32');
    expect(opCost(g, torch).seconds).toBeGreaterThan(4 * opCost(g, trt).seconds);
    const conv = { ...g, kind: 'conv' as const };
    expect(opCost(conv, torch).dtype).toBe('tf32');
  });
});

describe('Whisper memory: caches allocated on first write are not live beside the encoder', () => {
  it('peaks at the larger phase under dynamic caches, at their sum under up-front caches', async () => {
    const hw = await loadHardware('rtx-3070-ti');
    const run = (rt: string) => simulate(request('whisper-large-v2', bindRuntime(hw, libraryRuntime(rt)), { audioSeconds: 780, outputTokens: 100, dtype: 'fp16' }));
    const b = run('faster-whisper-batched');
    const m = b.memory;
    // 8 windows: the encoder's score tensors (8 × 20 heads × 1500² × 4 B) outweigh nothing the decoder holds at once
    const scores = 8 * 20 * 1500 * 1500 * 4;
    expect(m.per_device_bytes).toBeGreaterThanOrEqual(m.weights_bytes + scores);
    expect(m.per_device_bytes).toBeLessThan(m.weights_bytes + m.kv_cache_bytes + scores);
    expect(m.fits).toBe(true); // the maintainers ran it in 6090 MB of an 8 GB card
    const cpp = bindRuntime(hw, libraryRuntime('whisper.cpp'));
    const c = simulate(request('whisper-large-v2', cpp, { audioSeconds: 30, outputTokens: 100, dtype: 'fp16' })).memory;
    expect(c.per_device_bytes).toBe(c.weights_bytes + c.kv_cache_bytes + c.activations_bytes);
  });
});

