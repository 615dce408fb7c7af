// host.vad: a run that filters the recording with a voice-activity detector before the first window (faster-whisper's
// transcribe(vad_filter=True), on by default in BatchedInferencePipeline) pays the detector's host time per second of
// audio, serially, once per request's recording (src/sim/whisper.ts). Figures: faster_whisper/vad.py with its Silero
// ONNX files timed by bench/host/silero-vad.py on one CPU core (v1.2.1's v6 model 2.3 ms, v1.1.0's v5 pair 2.0 ms per
// second of audio).
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { applySet } from '../src/hardware/set-path.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const run = (h: NormalizedHardware, audioSeconds: number, batch = 1) => simulate(request('whisper-large-v3', h, { audioSeconds, batch, outputTokens: 100, dtype: 'fp16' }));

describe('voice-activity pass on the host (runtime host.vad, scheduler.vad)', () => {
  it('states the timed rates on faster-whisper; the sequential transcribe() leaves it off, the batched pipeline on', () => {
    expect(libraryRuntime('faster-whisper').hostVadS).toBeCloseTo(2.3e-3, 9);
    expect(libraryRuntime('faster-whisper').scheduler.vad).toBe(false);
    expect(libraryRuntime('faster-whisper-batched').hostVadS).toBeCloseTo(2.0e-3, 9);
    expect(libraryRuntime('faster-whisper-batched').scheduler.vad).toBe(true);
    for (const id of ['openai-whisper', 'transformers', 'whisper.cpp', 'tensorrt-llm', 'vllm']) expect(libraryRuntime(id).scheduler.vad ?? false).toBe(false);
  });

  it('adds rate x seconds x batch as a host-only phase where the run filters, nothing where it does not', async () => {
    const gpu = await loadHardware('rtx-4090');
    const seq = bindRuntime(gpu, libraryRuntime('faster-whisper'));
    const off = run(seq, 828);
    expect(off.phases.some((p) => p.name === 'vad')).toBe(false);
    for (const batch of [1, 2]) {
      const on = run(await applySet(seq, 'runtime.vad=true'), 828, batch);
      const base = run(seq, 828, batch);
      const ph = on.phases.find((p) => p.name === 'vad')!;
      expect(ph.seconds).toBeCloseTo(2.3e-3 * 828 * batch, 9);
      expect(ph.bound).toBe('overhead');
      expect(ph.flops).toBe(0);
      expect(on.encoder_s).toBe(base.encoder_s);
      expect(on.decoder_s).toBe(base.decoder_s);
      expect(on.latency_s! - base.latency_s!).toBeCloseTo(ph.seconds, 9);
    }
    const batched = bindRuntime(gpu, libraryRuntime('faster-whisper-batched'));
    const b = run(batched, 799);
    expect(b.phases.find((p) => p.name === 'vad')!.seconds).toBeCloseTo(2.0e-3 * 799, 9);
    const bOff = run(await applySet(batched, 'runtime.vad=false'), 799);
    expect(bOff.phases.some((p) => p.name === 'vad')).toBe(false);
    expect(b.latency_s! - bOff.latency_s!).toBeCloseTo(2.0e-3 * 799, 9);
  });

  it('grows with the recording: a longer one never filters faster', async () => {
    const hw = await applySet(bindRuntime(await loadHardware('rtx-4090'), libraryRuntime('faster-whisper')), 'runtime.vad=true');
    let prev = 0;
    for (const s of [10, 30, 31, 60, 300, 828, 3600]) {
      const ph = run(hw, s).phases.find((p) => p.name === 'vad')!;
      expect(ph.seconds).toBeGreaterThan(prev);
      prev = ph.seconds;
    }
  });

  it('--set runtime.vad takes only true or false', async () => {
    const hw = bindRuntime(await loadHardware('rtx-4090'), libraryRuntime('faster-whisper'));
    await expect(applySet(hw, 'runtime.vad=yes')).rejects.toThrow(/runtime\.vad/);
  });
});
