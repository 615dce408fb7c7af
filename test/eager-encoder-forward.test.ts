// An eager encoder forward (runtimes/pytorch.yaml host.encoder_forward: HF WhisperEncoder's layers called from Python)
// lasts max(host dispatch, kernels): pinned to the encoder forwards measured on an H200 (bench/gpu/h200-eager-2026-12-04
// eager.json and eager-repeat.json section whisper, encoder_seconds). Also the per-row host time of HF's
// WhisperTimeStampLogitsProcessor (runtimes/transformers.yaml host.timestamps_per_sequence), paid only with timestamps,
// and an eager loop's host.per_sequence counted once per decoded row (openai-whisper).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { longestTranscript } from '../src/sim/longest-transcript.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { eagerForwardSeconds } from '../src/runtime/launch.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

interface EncRow { model: string; dtype: string; encoder_layers: number; encoder_seconds?: number }
const rows = (f: string) =>
  (JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'gpu', 'h200-eager-2026-12-04', f), 'utf8')) as { sections: { whisper: EncRow[] } }).sections.whisper;
interface ProfRow { model: string; dtype: string; encoder_layers: number; eager_seconds: number; kernel_us: number }
const profiled = (JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'gpu', 'h200-eager-2026-12-04', 'eager-encoder-moe.json'), 'utf8')) as { sections: { encoder_profile: ProfRow[] } }).sections.encoder_profile;
const measured: EncRow[] = [
  ...[...rows('eager.json'), ...rows('eager-repeat.json')].filter((r) => r.encoder_seconds !== undefined),
  ...profiled.map((r) => ({ model: r.model, dtype: r.dtype, encoder_layers: r.encoder_layers, encoder_seconds: r.eager_seconds })),
];

const encoderS = (hw: NormalizedHardware, model: string, dtype: string, batch = 1) =>
  simulate(request(model, hw, { audioSeconds: 30, outputTokens: 1, batch, dtype })).encoder_s!;
const withRuntime = (hw: NormalizedHardware, over: Partial<NonNullable<NormalizedHardware['runtime']>>): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, ...over } });

describe('eager encoder forward host time (HF WhisperEncoder, H200)', () => {
  it('is the least-squares line through the sixteen measured fp16 forwards (per layer and fixed part)', () => {
    const e = libraryRuntime('transformers').encoderForward!;
    const fp16 = measured.filter((r) => r.dtype === 'torch.float16');
    expect(fp16.length).toBe(16);
    const n = fp16.length;
    const mx = fp16.reduce((s, r) => s + r.encoder_layers, 0) / n;
    const my = fp16.reduce((s, r) => s + r.encoder_seconds!, 0) / n;
    const slope = fp16.reduce((s, r) => s + (r.encoder_layers - mx) * (r.encoder_seconds! - my), 0) / fp16.reduce((s, r) => s + (r.encoder_layers - mx) ** 2, 0);
    expect(e.perLayerS).toBeCloseTo(slope, 4);
    expect(e.perForwardS).toBeCloseTo(my - slope * mx, 3);
  });

  it('prices every measured fp16 forward within 2x and their geometric mean within 15%; fp32 large-v3 stays kernel-bound', async () => {
    const h200 = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('transformers'));
    let logSum = 0;
    const fp16 = measured.filter((r) => r.dtype === 'torch.float16');
    for (const r of fp16) {
      const ratio = encoderS(h200, `whisper-${r.model}`, 'fp16') / r.encoder_seconds!;
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
      logSum += Math.log(ratio);
    }
    expect(Math.abs(Math.exp(logSum / fp16.length) - 1)).toBeLessThan(0.15);
    // fp32 (IEEE GEMMs): the kernels outlast the host, the forward is theirs (measured 60.8 ms)
    const e = h200.runtime!.encoderForward!;
    const fp32 = encoderS(h200, 'whisper-large-v3', 'fp32');
    expect(fp32).toBeGreaterThan(2 * (e.perForwardS + 32 * e.perLayerS));
    expect(Math.abs(fp32 / measured.find((r) => r.dtype === 'torch.float32')!.encoder_seconds! - 1)).toBeLessThan(0.25);
  });

  it("prices the encoder's kernels (no host) within 30% of the profiler's sum for medium through large-v3, fp16 and fp32", async () => {
    const h200 = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('transformers'));
    const kernelsOnly = withRuntime(h200, { encoderForward: { perLayerS: 0, perForwardS: 0 } });
    for (const r of profiled.filter((x) => x.encoder_layers >= 24)) {
      const s = encoderS(kernelsOnly, `whisper-${r.model}`, r.dtype === 'torch.float32' ? 'fp32' : 'fp16');
      expect(Math.abs(s / (r.kernel_us * 1e-6) - 1)).toBeLessThan(0.3);
    }
  });

  it('counts the dispatch once: max(host, kernels priced without per-kernel floors), never more than the floor pricing', async () => {
    const h200 = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('transformers'));
    const e = h200.runtime!.encoderForward!;
    expect(eagerForwardSeconds(h200, 32, 1e-4)).toBeCloseTo(e.perForwardS + 32 * e.perLayerS, 12);
    expect(eagerForwardSeconds(h200, 32, 1)).toBe(1);
    const bare = withRuntime(h200, { encoderForward: undefined });
    // at batch 24 the kernels dominate: the eager forward is the kernels alone, at most what the floors gave
    const big = encoderS(h200, 'whisper-large-v3', 'fp16', 24);
    expect(big).toBeLessThanOrEqual(encoderS(bare, 'whisper-large-v3', 'fp16', 24) + 1e-12);
    expect(big).toBeGreaterThan(e.perForwardS + 32 * e.perLayerS);
    // at batch 1 the host dominates
    expect(encoderS(h200, 'whisper-large-v3', 'fp16')).toBeCloseTo(e.perForwardS + 32 * e.perLayerS, 9);
    // graph runtimes state no eager encoder
    expect(eagerForwardSeconds(bindRuntime(h200, libraryRuntime('faster-whisper')), 32, 1e-4)).toBeUndefined();
  });
});

describe('HF WhisperTimeStampLogitsProcessor per-row host time', () => {
  it('adds timestamps_per_sequence per decoded row per step with timestamps on, nothing with them off', async () => {
    const tr = bindRuntime(await loadHardware('a100-sxm4-80gb'), libraryRuntime('transformers'));
    const perRow = tr.runtime!.hostTimestampsPerSequenceS!;
    expect(perRow).toBeCloseTo(0.17e-3, 6);
    const ts = (on: boolean) => withRuntime(tr, { scheduler: { ...tr.runtime!.scheduler, timestamps: on } });
    const dec = (hw: NormalizedHardware) => simulate(request('whisper-large-v2', hw, { audioSeconds: 30, outputTokens: 101, batch: 16, dtype: 'fp16' })).decoder_s!;
    // 16 rows, the longest of 16 transcripts of 101 tokens after the prompt (HF generate keeps the finished rows:
    // scheduler.batching static; explicit tokens: the same transcript either way)
    expect(dec(ts(true)) - dec(ts(false))).toBeCloseTo(perRow * 16 * (longestTranscript(101, 16, 224) - 1), 9);
  });

  it("an eager loop's host.per_sequence is paid once per decoded row per step (openai-whisper beam walk)", async () => {
    const ow = bindRuntime(await loadHardware('rtx-3070-ti'), libraryRuntime('openai-whisper'));
    const perRow = ow.runtime!.hostPerSequenceS!;
    const dec = (hw: NormalizedHardware) => simulate(request('whisper-large-v2', hw, { audioSeconds: 30, outputTokens: 101, batch: 1, dtype: 'fp16' })).decoder_s!;
    const none = withRuntime(ow, { hostPerSequenceS: 0 });
    // beam 5 (openai-whisper's CLI default): 5 rows, the prompt forward and 100 steps, each followed by the beam walk
    expect(dec(ow) - dec(none)).toBeCloseTo(perRow * 5 * 101, 9);
  });
});
