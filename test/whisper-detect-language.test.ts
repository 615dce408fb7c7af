// --detect-language (src/sim/whisper.ts): openai-whisper's transcribe() with language=None on a multilingual model runs
// detect_language on the first 30 s window before decode() — one more encoder pass over that window and one decoder
// forward of the single SOT token (whisper/decoding.py, whisper/transcribe.py @v20240930).
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { checkFlagsApply } from '../src/sim/applicable.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';
import { libraryModel } from './helpers/library-models.js';

const bound = async (rt: string, hw = 'h100-sxm') => bindRuntime(await loadHardware(hw), libraryRuntime(rt));
const phase = (r: ReturnType<typeof simulate>, name: string) => r.phases.find((p) => p.name === name);

describe('--detect-language', () => {
  it('adds one encoder window and one decoder step of one token, outside encoder_s and decoder_s', async () => {
    // openai-whisper computes the log-mel on the host (host.log_mel), so its encoder graph has no log-mel op and one
    // 30 s window at batch 1 encodes exactly as the detection pass does
    const hw = await bound('openai-whisper');
    const run = (detectLanguage: boolean) => simulate(request('whisper-large-v3', hw, { audioSeconds: 30, outputTokens: 100, dtype: 'fp16', detectLanguage }));
    const off = run(false);
    const on = run(true);
    const det = phase(on, 'detect_language')!;
    expect(phase(off, 'detect_language')).toBeUndefined();
    expect(on.latency_s! - off.latency_s!).toBeCloseTo(det.seconds, 12);
    expect(on.encoder_s).toBe(off.encoder_s);
    expect(on.decoder_s).toBe(off.decoder_s);
    expect(on.output_tokens).toBe(off.output_tokens);
    expect(on.rtf! * 30).toBeCloseTo(on.latency_s!, 12);
    // the encoder window plus a decoder step: more than the encoder, less than encoder + the 4-token SOT prefill
    const prefill = phase(off, 'prefill')!;
    expect(det.seconds).toBeGreaterThan(off.encoder_s!);
    expect(det.seconds).toBeLessThanOrEqual(off.encoder_s! + prefill.seconds + 1e-12);
    expect(det.flops).toBeGreaterThan(phase(off, 'encode')!.flops);
  });
  it('is one window however long the recording, and scales with the requests in the batch', async () => {
    const hw = await bound('openai-whisper');
    const det = (audioSeconds: number, batch = 1) => phase(simulate(request('whisper-large-v3', hw, { audioSeconds, dtype: 'fp16', batch, detectLanguage: true })), 'detect_language')!;
    expect(det(600).flops).toBe(det(30).flops);
    expect(det(30, 4).flops / det(30).flops).toBeCloseTo(4, 9);
  });
  it('is parsed from the flag, off by default, and refused on a model without an audio encoder', async () => {
    const hw = await loadHardware('h100-sxm');
    const m = libraryModel('whisper-large-v3');
    expect(buildRequest({ 'detect-language': true }, m, hw).detectLanguage).toBe(true);
    expect(buildRequest({}, m, hw).detectLanguage).toBeUndefined();
    expect(() => checkFlagsApply(['detect-language'], libraryModel('llama-3.1-8b'), libraryModel)).toThrow(/--detect-language does not apply/);
    expect(checkFlagsApply(['detect-language'], m, libraryModel)).toEqual([]);
  });
});
