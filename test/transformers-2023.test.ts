// transformers before v4.36 ran Whisper's attention in eager code (bmm, softmax, bmm: runtimes/transformers-2023.yaml):
// the score tensor crosses DRAM 8 bytes per score at 16-bit activations, where the later SDPA path keeps it on chip.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

describe('transformers-2023: Whisper attention written out (no SDPA before transformers 4.36)', () => {
  it('states the eager WhisperAttention score traffic and keeps the rest of transformers', () => {
    const old = libraryRuntime('transformers-2023');
    const now = libraryRuntime('transformers');
    expect(old.kernels.attentionScores).toEqual({ bytesPerScore: 8, kernels: 8, liveBytesPerScore: 4 });
    expect(now.kernels.attentionScores).toBeUndefined();
    expect(old.scheduler).toEqual(now.scheduler);
    expect(old.hostAudioDecodeS).toBe(now.hostAudioDecodeS);
  });

  it('moves 8 B per encoder score more than the SDPA runtime, and its encoder is not faster', async () => {
    const t4 = await loadHardware('tesla-t4');
    const run = (rt: string) =>
      simulate(request('whisper-large-v2', bindRuntime(t4, libraryRuntime(rt)), { audioSeconds: 30, batch: 4, outputTokens: 0, dtype: 'fp16' }));
    const old = run('transformers-2023');
    const now = run('transformers');
    const bytes = (r: typeof old) => r.phases.find((p) => p.name === 'encode')!.bytes;
    // large-v2 encoder: 32 layers × 20 heads × 1500² scores per window, 4 windows
    const scores = 32 * 20 * 1500 * 1500 * 4;
    expect(bytes(old) - bytes(now)).toBeGreaterThanOrEqual(scores * 8 * 0.99);
    expect(old.encoder_s!).toBeGreaterThan(now.encoder_s!);
    expect(Number.isFinite(old.latency_s!)).toBe(true);
  });
});
