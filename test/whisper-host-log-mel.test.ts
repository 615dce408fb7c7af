// host.log_mel: a runtime that computes Whisper's log-mel spectrogram on the host CPU (faster-whisper's NumPy
// FeatureExtractor, openai-whisper's transcribe() torch.stft without a device, the HF WhisperFeatureExtractor per chunk)
// pays that time serially per second of audio transformed, and its encoder graph runs no log-mel of its own
// (src/sim/whisper.ts, src/model/whisper-graph.ts). Figures: SYSTRAN/faster-whisper PR #1106's benchmark on one 30 s
// segment, 4 CPU cores (new NumPy 10.36 ms, torch on the CPU 5.66 ms).
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { buildWhisperEncoderGraph } from '../src/model/whisper-graph.js';
import { audioWindows, hostLogMelSeconds } from '../src/sim/whisper.js';
import type { EncoderDecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { libraryModel } from './helpers/library-models.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const withLogMel = (hw: NormalizedHardware, s: number | undefined): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, hostLogMelS: s } });

describe('log-mel spectrogram on the host CPU (runtime host.log_mel)', () => {
  it('states the cited per-second costs on the runtimes that compute it on the CPU, none on the device runtimes', () => {
    expect(libraryRuntime('faster-whisper').hostLogMelS).toBeCloseTo(10.36e-3 / 30, 6);
    expect(libraryRuntime('faster-whisper-batched').hostLogMelS).toBeCloseTo(10.36e-3 / 30, 6);
    for (const id of ['openai-whisper', 'openai-whisper-2023', 'transformers', 'transformers-2023']) expect(libraryRuntime(id).hostLogMelS).toBeCloseTo(5.66e-3 / 30, 6);
    // vLLM's input processing runs the HF WhisperProcessor on the CPU too (test/vllm-whisper-log-mel.test.ts)
    expect(libraryRuntime('vllm').hostLogMelS).toBeCloseTo(5.66e-3 / 30, 6);
    // the MLPerf harness and whisper.cpp's bench feed the encoder from device-side features
    for (const id of ['tensorrt-llm', 'whisper.cpp', 'pytorch']) expect(libraryRuntime(id).hostLogMelS).toBeUndefined();
  });

  it('transforms each overlapping 30 s chunk (HF pipeline, a chunk every 20 s), else the recording once', () => {
    expect(hostLogMelSeconds(9000, audioWindows(9000, 30, 20), 30, 20)).toBe(450 * 30);
    expect(hostLogMelSeconds(799, 28, 30, undefined)).toBe(799);
    expect(hostLogMelSeconds(12, 1, 30, 20)).toBe(30); // a short clip is padded to 30 s before the STFT
  });

  it('drops the log-mel op from the encoder graph only when asked', () => {
    const m = libraryModel('whisper-large-v3') as EncoderDecoderModel;
    const p = { compute: 'fp16', weightBytes: 2, actBytes: 2, kvBytes: 2 } as unknown as Parameters<typeof buildWhisperEncoderGraph>[2];
    expect(buildWhisperEncoderGraph(m, 2, p, true).some((o) => o.name === 'log_mel')).toBe(true);
    expect(buildWhisperEncoderGraph(m, 2, p, true, { logMel: false }).some((o) => o.name === 'log_mel')).toBe(false);
  });

  it('adds rate x seconds transformed x batch as a host phase, and the encoder no longer prices the STFT', async () => {
    for (const [rt, part, seconds, batch, transformed] of [
      ['faster-whisper', 'v100s-pcie', 799, 1, 799],
      ['openai-whisper', 'rtx-3070-ti', 799, 1, 799],
      ['transformers', 'a100-sxm4-80gb', 9000, 2, 450 * 30],
    ] as const) {
      const hw = bindRuntime(await loadHardware(part), libraryRuntime(rt));
      const rate = hw.runtime!.hostLogMelS!;
      expect(rate).toBeGreaterThan(0);
      const run = (h: NormalizedHardware) => simulate(request('whisper-large-v2', h, { audioSeconds: seconds, batch, outputTokens: 100, dtype: 'fp16' }));
      const on = run(hw);
      const off = run(withLogMel(hw, undefined));
      const ph = on.phases.find((x) => x.name === 'log_mel')!;
      expect(ph.seconds).toBeCloseTo(rate * transformed * batch, 9);
      expect(ph.bound).toBe('overhead');
      expect(ph.flops).toBe(0);
      expect(off.phases.some((x) => x.name === 'log_mel')).toBe(false);
      // the device's own STFT is gone from the encoder, so the encoder is not slower
      expect(on.encoder_s!).toBeLessThanOrEqual(off.encoder_s!);
      expect(on.decoder_s).toBe(off.decoder_s);
      expect(on.latency_s! - off.latency_s!).toBeCloseTo(ph.seconds - (off.encoder_s! - on.encoder_s!), 9);
    }
  });
});

describe('--set runtime.log_mel', () => {
  it('sets the host rate, and 0s puts the log-mel back on the device', async () => {
    const { applySet } = await import('../src/hardware/set-path.js');
    const hw = bindRuntime(await loadHardware('v100s-pcie'), libraryRuntime('faster-whisper'));
    const run = (h: NormalizedHardware) => simulate(request('whisper-large-v2', h, { audioSeconds: 799, outputTokens: 100, dtype: 'fp16' }));
    const slow = run(await applySet(hw, 'runtime.log_mel=1.32 ms'));
    expect(slow.phases.find((x) => x.name === 'log_mel')!.seconds).toBeCloseTo(1.32e-3 * 799, 9);
    const device = run(await applySet(hw, 'runtime.log_mel=0s'));
    expect(device.phases.some((x) => x.name === 'log_mel')).toBe(false);
    expect(device.encoder_s!).toBeGreaterThan(run(hw).encoder_s!);
  });
});
