import { describe, expect, it } from 'vitest';
import { buildWhisperDecoderGraph, buildWhisperEncoderGraph } from '../src/model/whisper-graph.js';
import { whisperEncoderFlops } from '../src/model/params.js';
import { simulate } from '../src/sim/simulate.js';
import { SEEK_TAIL_S, audioWindows } from '../src/sim/whisper.js';
import { whisperTimestamps } from '../src/model/whisper-graph.js';
import type { EncoderDecoderModel } from '../src/spec/types.js';
import { libraryModel } from './helpers/library-models.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { loadHardware, matrixFlops, request, toyHardware } from './helpers/nondecoder-fixtures.js';

const P = { compute: 'fp16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };
const tiny = libraryModel('whisper-tiny') as EncoderDecoderModel;

describe('Whisper graph', () => {
  it('encoder FLOPs = forward_flops (conv front end + blocks) + the cross K/V projections', () => {
    for (const id of ['whisper-tiny', 'whisper-small', 'whisper-large-v3']) {
      const m = libraryModel(id) as EncoderDecoderModel;
      const ops = buildWhisperEncoderGraph(m, 1, P, true);
      const crossKv = 2 * m.audio_ctx * 2 * m.hidden * m.hidden * m.decoder_layers; // [1500, d] × [d, 2d] per layer
      expect(matrixFlops(ops)).toBe(whisperEncoderFlops(m) + crossKv);
      expect(matrixFlops(buildWhisperEncoderGraph(m, 1, P, true, { crossKv: false }))).toBe(whisperEncoderFlops(m));
    }
  });
  it('hand-checked decoder step of whisper-tiny (d 384, 4 layers, vocab 51865) at context 10', () => {
    const d = 384;
    // per layer MACs: self qkv 3d² + out d² + cross q d² + out d² + FFN 8d² = 14d²; attention 2·10·d (self) + 2·1500·d (cross)
    const perLayer = 14 * d * d + 2 * 10 * d + 2 * 1500 * d;
    const macs = 4 * perLayer + 51865 * d;
    expect(matrixFlops(buildWhisperDecoderGraph(tiny, 1, 1, 10, P, true))).toBe(2 * macs);
  });
  it('windows: 45 s of audio is two padded 30 s windows encoded as one batch', () => {
    const hw = toyHardware();
    const one = simulate(request(tiny, hw, { audioSeconds: 30, outputTokens: 0 }));
    const two = simulate(request(tiny, hw, { audioSeconds: 45, outputTokens: 0 }));
    expect(two.phases[0]!.flops).toBeCloseTo(2 * one.phases[0]!.flops, 0);
    expect(one.decoder_s).toBe(0);
    expect(one.latency_s).toBe(one.encoder_s);
    expect(two.rtf).toBeCloseTo(two.latency_s! / 45, 12);
  });
  it('a runtime with sequential audio windows (whisper.cpp, openai-whisper seek loops) transcribes them one after another', async () => {
    const gpu = await loadHardware('rtx-4090');
    const run = (runtime: string, audioSeconds: number) =>
      simulate(request('whisper-large-v3', bindRuntime(gpu, libraryRuntime(runtime)), { audioSeconds, outputTokens: 100, dtype: 'fp16' }));
    for (const rt of ['whisper.cpp', 'pytorch', 'mlx']) {
      const one = run(rt, 30);
      const four = run(rt, 120);
      // a seek loop that samples timestamps moves SEEK_TAIL_S short of 30 s: 5 windows (test/whisper-timestamps.test.ts)
      const n = whisperTimestamps(libraryRuntime(rt).scheduler) ? audioWindows(120, 30, 30 - SEEK_TAIL_S) : 4;
      if (rt === 'whisper.cpp') expect(n).toBe(5);
      expect(four.encoder_s!).toBeCloseTo(n * one.encoder_s!, 9);
      // whisper.cpp's seek loop conditions each window on the text so far (prompt_past): later windows' prompts are
      // longer, so n windows cost more than n first windows; the others repeat the first window
      if (libraryRuntime(rt).scheduler.conditionOnPreviousText) expect(four.latency_s!).toBeGreaterThan(n * one.latency_s! * (1 + 1e-6));
      else expect(four.latency_s!).toBeCloseTo(n * one.latency_s!, 9);
      expect(four.output_tokens).toBe(100 * n);
    }
    // batched windows (TensorRT-LLM): four windows decode together, far less than four single-window runs
    const b1 = run('tensorrt-llm', 30);
    const b4 = run('tensorrt-llm', 120);
    expect(b4.latency_s!).toBeGreaterThan(b1.latency_s!);
    expect(b4.latency_s!).toBeLessThan(2 * b1.latency_s!);
  });
  it('decoding adds prefill and steps; encoder_s + decoder_s = latency_s', async () => {
    const r = simulate(request('whisper-small', await loadHardware('h100-sxm'), { audioSeconds: 30, outputTokens: 100 }));
    expect(r.decoder_s!).toBeGreaterThan(0);
    expect(r.encoder_s! + r.decoder_s!).toBeCloseTo(r.latency_s!, 12);
    expect(r.memory.kv_cache_bytes).toBe(2 * 12 * 1 * (4 + 100 + 1500) * 768 * 2);
    const phone = simulate(request('whisper-large-v3', await loadHardware('snapdragon-8-elite'), { audioSeconds: 60, outputTokens: 200, dtype: 'fp16' }));
    expect(phone.memory.fits).toBe(true);
    expect(phone.rtf!).toBeGreaterThan(0);
  });
});

// D016: qai_hub_models whisper_small perf.yaml, HfWhisperEncoder on Galaxy S24 (Snapdragon 8 Gen 3), 87.154 ms
describe('Whisper encoder latency against public measurements', () => {
  // The goal is MAPE ≤ 25% over the family's rows and no row off by more than 2.5×; this row alone sits near
  // −24% with the shared mobile GEMM efficiency (src/hardware/efficiency.ts), so it is held to 30% here.
  it('D016 whisper-small encoder on snapdragon-8-gen3 within 30%', async () => {
    const r = simulate(request('whisper-small', await loadHardware('snapdragon-8-gen3'), { audioSeconds: 30, outputTokens: 0, dtype: 'fp16' }));
    expect(Math.abs(r.encoder_s! / 0.087154 - 1)).toBeLessThan(0.3);
  });
});
