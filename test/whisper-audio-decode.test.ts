// The HF ASR pipeline decodes a file or URL input with ffmpeg before the first window (runtimes/transformers.yaml
// host.audio_decode: ffmpeg's own 544x realtime for the FLAC podcast the insanely-fast-whisper rows transcribe, on a Colab
// VM). src/sim/whisper.ts adds it as a host-only phase, serial with the device, per second of audio and per recording.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const withDecode = (hw: NormalizedHardware, s: number): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, hostAudioDecodeS: s } });

describe('host audio decode before the first Whisper window (HF pipeline ffmpeg_read)', () => {
  it('is ffmpeg speed=544x from the cited transcode', () => {
    expect(libraryRuntime('transformers').hostAudioDecodeS).toBeCloseTo(1 / 544, 5);
    // faster-whisper's transcribe(path) decodes with PyAV first (faster_whisper/audio.py decode_audio, timed by
    // bench/host/pyav-decode.py: 1.2 ms per second of a 128 kb/s AAC or MP3 file); the batched pipeline inherits it
    expect(libraryRuntime('faster-whisper').hostAudioDecodeS).toBeCloseTo(1.2e-3, 9);
    expect(libraryRuntime('faster-whisper-batched').hostAudioDecodeS).toBeCloseTo(1.2e-3, 9);
    // the device-side harnesses (MLPerf's TensorRT-LLM and vLLM SUTs) and whisper.cpp's bench take samples: none
    for (const id of ['tensorrt-llm', 'vllm', 'whisper.cpp']) expect(libraryRuntime(id).hostAudioDecodeS).toBeUndefined();
  });

  it('adds seconds x batch x rate as a preprocess phase on top of encoder and decoder, which it leaves alone', async () => {
    const hf = bindRuntime(await loadHardware('a100-sxm4-80gb'), libraryRuntime('transformers'));
    const rate = hf.runtime!.hostAudioDecodeS!;
    for (const [seconds, batch] of [[9000, 1], [600, 4]] as const) {
      const run = (hw: NormalizedHardware) => simulate(request('distil-whisper-large-v2', hw, { audioSeconds: seconds, batch, dtype: 'fp16' }));
      const on = run(hf);
      const off = run(withDecode(hf, 0));
      expect(on.latency_s! - off.latency_s!).toBeCloseTo(rate * seconds * batch, 9);
      expect(on.encoder_s).toBe(off.encoder_s);
      expect(on.decoder_s).toBe(off.decoder_s);
      const pre = on.phases.find((p) => p.name === 'preprocess')!;
      expect(pre.bound).toBe('overhead');
      expect(pre.flops).toBe(0);
      expect(off.phases.some((p) => p.name === 'preprocess')).toBe(false);
      expect(Number.isFinite(on.rtf!)).toBe(true);
    }
  });
});
