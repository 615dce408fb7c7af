// Long-form Whisper with timestamps (src/sim/whisper.ts): two timestamp tokens per segment in the default transcript
// length, and a seek loop that moves to the last complete segment (SEEK_TAIL_S short of 30 s) so a recording takes
// more windows than its length / 30. Constants from a faster-whisper large-v2 transcript (cited in whisper.ts).
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import {
  SEEK_TAIL_S,
  SEGMENT_INTERVAL_S,
  SPEECH_TOKENS_PER_S,
  audioWindows,
  speechTokensPerWindow,
  timestampTokensPerWindow,
} from '../src/sim/whisper.js';
import { whisperTimestamps } from '../src/model/whisper-graph.js';
import type { EncoderDecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';
import { libraryModel } from './helpers/library-models.js';

const large = () => libraryModel('whisper-large-v2') as EncoderDecoderModel;
const bound = async (rt: string, hw = 'rtx-3070-ti') => bindRuntime(await loadHardware(hw), libraryRuntime(rt));
function withScheduler(hw: NormalizedHardware, s: Partial<NonNullable<NormalizedHardware['runtime']>['scheduler']>): NormalizedHardware {
  return { ...hw, runtime: { ...hw.runtime!, scheduler: { ...hw.runtime!.scheduler, ...s } } };
}

describe('timestamp tokens and the seek loop', () => {
  it('pins the transcript-derived constants: a segment every 3.61 s, 2.37 s left unfinished per window', () => {
    expect(SEGMENT_INTERVAL_S).toBeCloseTo(3.61, 12);
    expect(SEEK_TAIL_S).toBeCloseTo(2.365, 12);
    // a long-form window: 2 per complete segment + the unfinished one's opening timestamp
    expect(timestampTokensPerWindow(30, 30, true)).toBeCloseTo((2 * (30 - 2.365)) / 3.61 + 1, 12);
    // a short clip: its own segments, at least one
    expect(timestampTokensPerWindow(1, 30, false)).toBe(2);
    expect(timestampTokensPerWindow(18.05, 30, false)).toBeCloseTo(10, 12);
  });
  it('are on for the seek-loop runtimes and off for the batched ones, as their sources default', () => {
    expect(whisperTimestamps(libraryRuntime('faster-whisper').scheduler)).toBe(true);
    expect(whisperTimestamps(libraryRuntime('whisper.cpp').scheduler)).toBe(true);
    expect(whisperTimestamps(libraryRuntime('whisper.cpp-fa').scheduler)).toBe(true);
    expect(whisperTimestamps(libraryRuntime('openai-whisper').scheduler)).toBe(true); // sequential: the default
    expect(whisperTimestamps(libraryRuntime('faster-whisper-batched').scheduler)).toBe(false);
    expect(whisperTimestamps(libraryRuntime('transformers').scheduler)).toBe(false);
    expect(whisperTimestamps(undefined)).toBe(false);
  });
  it('adds the timestamps to the default tokens per window only where the runtime samples them', async () => {
    const m = large();
    const plain = Math.ceil(SPEECH_TOKENS_PER_S * 30 - 1e-9);
    expect(speechTokensPerWindow(m, 9000)).toBe(plain);
    expect(speechTokensPerWindow(m, 9000, await bound('faster-whisper-batched'))).toBe(plain);
    const fw = speechTokensPerWindow(m, 9000, await bound('faster-whisper'));
    expect(fw).toBe(Math.ceil(SPEECH_TOKENS_PER_S * 30 + timestampTokensPerWindow(30, 30, true) - 1e-9));
    expect(fw).toBeGreaterThan(plain + 15);
    expect(fw).toBeLessThan(224); // Whisper's sample_len
  });
  it('moves a seek loop SEEK_TAIL_S short of a full window: more windows, more encoder and decoder time', async () => {
    expect(audioWindows(9000, 30, 30 - SEEK_TAIL_S)).toBe(Math.ceil((9000 - 30) / (30 - SEEK_TAIL_S) - 1e-9) + 1);
    const hw = await bound('faster-whisper');
    const run = (ts: boolean) => simulate(request('whisper-large-v2', withScheduler(hw, { timestamps: ts }), { audioSeconds: 900, outputTokens: 100, dtype: 'fp16' }));
    const [on, off] = [run(true), run(false)];
    // the same explicit tokens per window, over ceil(870 / 27.635) + 1 = 33 windows in place of 30
    expect(on.output_tokens).toBe(3300);
    expect(off.output_tokens).toBe(3000);
    expect(on.encoder_s! / off.encoder_s!).toBeCloseTo(33 / 30, 6);
    expect(on.decoder_s!).toBeGreaterThan(off.decoder_s!);
  });
  it('leaves a single 30 s window and explicit tokens alone (short-form rows)', async () => {
    const hw = await bound('whisper.cpp');
    const run = (ts: boolean) => simulate(request('whisper-large-v2', withScheduler(hw, { timestamps: ts }), { audioSeconds: 30, outputTokens: 256, dtype: 'fp16' }));
    expect(run(true).latency_s).toBe(run(false).latency_s);
    expect(run(true).output_tokens).toBe(256);
  });
});

describe('faster-whisper on CUDA: the timestamp rules wait for the device per beam row', () => {
  it('adds host.per_sequence (3 synchronous thrust::reduce x 21.5 us) per decoded row per step', async () => {
    const hw = await bound('faster-whisper');
    expect(hw.runtime!.hostPerSequenceS).toBeCloseTo(64.5e-6, 12);
    expect((await bound('faster-whisper-batched')).runtime!.hostPerSequenceS).toBe(0);
    const run = (h: NormalizedHardware) => simulate(request('whisper-large-v2', h, { audioSeconds: 30, outputTokens: 101, dtype: 'fp16' }));
    const off = { ...hw, runtime: { ...hw.runtime!, hostPerSequenceS: 0 } };
    // one window: the prompt's step (it samples the first token) and 100 steps after it, 5 beam rows each
    expect(run(hw).decoder_s! - run(off).decoder_s!).toBeCloseTo(101 * 5 * 64.5e-6, 9);
  });
});

describe('a row may set several runtime fields', () => {
  it('--set runtime.timestamps and repeated --set in an accuracy command', async () => {
    const { parseCommand, RUNNERS } = await import('../src/sim/accuracy.js');
    const c = parseCommand('hwperf simulate --model whisper-large-v2 --hardware a100-sxm4-80gb --audio-seconds 600 --dtype fp16 --runtime transformers --set runtime.audio_batch=4 --set runtime.timestamps=true --json');
    expect(c.sets).toEqual(['runtime.audio_batch=4', 'runtime.timestamps=true']);
    const both = RUNNERS.simulate!(c) as { output_tokens: number };
    const one = RUNNERS.simulate!(parseCommand('hwperf simulate --model whisper-large-v2 --hardware a100-sxm4-80gb --audio-seconds 600 --dtype fp16 --runtime transformers --set runtime.audio_batch=4 --json')) as { output_tokens: number };
    // the HF pipeline's 30 s chunks every 20 s: 30 windows, with timestamp tokens on top of the 100 text tokens
    expect(one.output_tokens).toBe(30 * 100);
    expect(both.output_tokens).toBe(30 * Math.ceil(SPEECH_TOKENS_PER_S * 30 + timestampTokensPerWindow(30, 30, true) - 1e-9));
  });
});

describe('default tokens per window follow the runtime simulate() binds', () => {
  it('a request built on hardware with no runtime bound counts the default runtime\'s timestamp tokens, as the CLI does', async () => {
    const { buildRequest } = await import('../src/sim/request.js');
    const { withDefaultRuntime } = await import('../src/runtime/resolve.js');
    const m = libraryModel('whisper-large-v3');
    const bare = await loadHardware('apple-m2-ultra');
    const bound = withDefaultRuntime(bare, m);
    const flags = { 'audio-seconds': 600 };
    const a = simulate(buildRequest(flags, m, bare, libraryModel));
    const b = simulate(buildRequest(flags, m, bound, libraryModel));
    expect(bound.runtime!.scheduler.audioWindows).toBe('sequential'); // whisper.cpp: timestamps on by default
    expect(a.output_tokens).toBe(b.output_tokens);
    expect(a.latency_s).toBe(b.latency_s);
  });
});
