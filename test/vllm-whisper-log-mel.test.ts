// vLLM's Whisper log-mel on the host (runtimes/vllm.yaml host.log_mel, scheduler.log_mel_overlap): vLLM's input
// processing calls the HF WhisperProcessor on each request's audio (vllm/model_executor/models/whisper.py
// WhisperMultiModalProcessor._call_hf_processor, no device: WhisperFeatureExtractor's torch STFT on the CPU), priced at
// the torch timing runtimes/transformers.yaml carries (5.66 ms per 30 s window, SYSTRAN/faster-whisper PR #1106). V1
// computes it in the front end while the engine core, a process of its own, steps the requests already handed to it,
// so only the first request's and whatever of the rest outlasts the device's work waits; V0 (vllm-0.6, and a V0 run
// under vllm with --set runtime.log_mel_overlap=false) processes every prompt before the first step (src/sim/whisper.ts).
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { applySet } from '../src/hardware/set-path.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const PER_S = 0.189e-3; // s of host log-mel per second of 30 s window
const run = (h: NormalizedHardware, batch: number) => simulate(request('whisper-large-v3', h, { audioSeconds: 30, batch, outputTokens: 30, dtype: 'fp16' }));
const logMel = (r: ReturnType<typeof run>) => r.phases.find((p) => p.name === 'log_mel');
const deviceS = (r: ReturnType<typeof run>) => r.encoder_s! + r.decoder_s!;

describe('vLLM Whisper log-mel on the host (runtimes/vllm.yaml host.log_mel)', () => {
  it('states the torch rate on vllm, overlapped under V1 and serial under the V0 files', () => {
    expect(libraryRuntime('vllm').hostLogMelS).toBeCloseTo(PER_S, 12);
    expect(libraryRuntime('vllm').scheduler.logMelOverlap).toBe(true);
    for (const id of ['vllm-0.6', 'vllm-0.7']) {
      expect(libraryRuntime(id).hostLogMelS).toBeCloseTo(PER_S, 12);
      expect(libraryRuntime(id).scheduler.logMelOverlap).toBe(false);
    }
    // the other Whisper runtimes keep their serial log-mel
    for (const id of ['transformers', 'openai-whisper', 'faster-whisper']) expect(libraryRuntime(id).scheduler.logMelOverlap ?? false).toBe(false);
  });

  it('a single request waits for its own log-mel, overlapped or not', async () => {
    const hw = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('vllm'));
    for (const h of [hw, await applySet(hw, 'runtime.log_mel_overlap=false')]) {
      const ph = logMel(run(h, 1))!;
      expect(ph.seconds).toBeCloseTo(PER_S * 30, 12);
      expect(ph.bound).toBe('overhead');
    }
  });

  it('V1 exposes the first request and what outlasts the device; V0 pays every request serially', async () => {
    const hw = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('vllm'));
    const v1 = run(hw, 128);
    const v0 = run(await applySet(hw, 'runtime.log_mel_overlap=false'), 128);
    // the device's 128 windows take longer than 127 log-mels on the host: only the first shows
    expect(deviceS(v1)).toBeGreaterThan(127 * PER_S * 30);
    expect(logMel(v1)!.seconds).toBeCloseTo(PER_S * 30, 12);
    expect(logMel(v0)!.seconds).toBeCloseTo(128 * PER_S * 30, 9);
    expect(v0.encoder_s).toBe(v1.encoder_s);
    expect(v0.decoder_s).toBe(v1.decoder_s);
    expect(v0.latency_s! - v1.latency_s!).toBeCloseTo(127 * PER_S * 30, 9);
    // a host far slower than the device: the overlapped run lasts as long as the host's log-mels, never less
    const slow = await applySet(hw, 'runtime.log_mel=50ms');
    const r = run(slow, 128);
    expect(r.latency_s!).toBeCloseTo(128 * 0.05 * 30, 6);
    expect(r.latency_s!).toBeLessThanOrEqual(run(await applySet(slow, 'runtime.log_mel_overlap=false'), 128).latency_s! + 1e-12);
  });

  it('the encoder graph has no device log-mel once the host computes it', async () => {
    const hw = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('vllm'));
    const onDevice = await applySet(hw, 'runtime.log_mel=0s');
    expect(logMel(run(onDevice, 1))).toBeUndefined();
    expect(run(onDevice, 1).encoder_s!).toBeGreaterThan(run(hw, 1).encoder_s!);
  });

  it('--set runtime.log_mel_overlap takes only true or false', async () => {
    const hw = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('vllm'));
    await expect(applySet(hw, 'runtime.log_mel_overlap=yes')).rejects.toThrow(/runtime\.log_mel_overlap/);
  });
});
