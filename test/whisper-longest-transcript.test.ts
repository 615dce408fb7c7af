// A batched Whisper generate() returns with its longest transcript (src/sim/longest-transcript.ts): HF generate keeps
// the finished rows in the batch (runtimes/transformers.yaml scheduler.batching: static), CTranslate2 and the
// TensorRT-LLM executor retire them.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { WINDOW_TOKENS_CV, longestTranscript } from '../src/sim/longest-transcript.js';
import { expectedMaxNormal } from '../src/sim/normal.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

function withScheduler(hw: NormalizedHardware, s: Partial<NonNullable<NormalizedHardware['runtime']>['scheduler']>): NormalizedHardware {
  return { ...hw, runtime: { ...hw.runtime!, scheduler: { ...hw.runtime!.scheduler, ...s } } };
}

describe('the longest transcript of a batched Whisper pass', () => {
  it('the expected largest of n standard normals matches its known values', () => {
    expect(expectedMaxNormal(1)).toBe(0);
    expect(expectedMaxNormal(2)).toBeCloseTo(1 / Math.sqrt(Math.PI), 4);
    expect(expectedMaxNormal(10)).toBeCloseTo(1.5388, 3);
    expect(expectedMaxNormal(100)).toBeCloseTo(2.5076, 3);
  });

  it('the longest of 8 / 24 / 256 windows is 1.22 / 1.31 / 1.44x the mean (the podcast windows resampled: 1.22, 1.30, 1.41-1.46), capped, never below the mean', () => {
    expect(WINDOW_TOKENS_CV).toBeCloseTo(0.1575, 4);
    expect(longestTranscript(100, 1, 224)).toBe(100);
    expect(longestTranscript(100, 8, 224)).toBe(123);
    expect(longestTranscript(100, 24, 224)).toBe(131);
    expect(longestTranscript(100, 256, 224)).toBe(145);
    expect(longestTranscript(200, 256, 224)).toBe(224);
    expect(longestTranscript(230, 256, 224)).toBe(230);
  });

  it('HF transformers keeps finished rows (scheduler.batching: static)', () => {
    expect(libraryRuntime('transformers').scheduler.batching).toBe('static');
    expect(libraryRuntime('faster-whisper-batched').scheduler.batching).toBeUndefined();
    expect(libraryRuntime('tensorrt-llm').scheduler.batching).toBeUndefined();
  });

  it('a runtime that keeps finished rows decodes every row to the longest; one that retires them pays only the tail at one request', async () => {
    // the executor's fixed host time per iteration (host.step_overhead) off: the rows' own work compared
    const bound = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('tensorrt-llm'));
    const hw = { ...bound, runtime: { ...bound.runtime!, stepOverheadS: 0 } };
    const run = (h: NormalizedHardware, batch: number, outputTokens: number) =>
      simulate(request('whisper-large-v3', h, { audioSeconds: 30, batch, outputTokens, dtype: 'fp16' })).decoder_s!;
    const kept = run(withScheduler(hw, { batching: 'static' }), 64, 80);
    const retired = run(hw, 64, 80);
    // the cross-attention K/V reads per row dominate a 64-row step: keeping the rows to the longest (80 -> 110 tokens)
    // costs more than 1.15x retiring them, at most 110/80
    expect(longestTranscript(80, 64, 224)).toBe(110);
    expect(kept / retired).toBeGreaterThan(1.15);
    expect(kept / retired).toBeLessThan(110 / 80 + 0.01);
    // retiring still waits for the longest row: more than 80 tokens' steps, less than 110 at 64 rows
    expect(retired).toBeGreaterThan(run(hw, 1, 80) * 1.0001);
    // one request: nothing to wait for
    expect(run(withScheduler(hw, { batching: 'static' }), 1, 80)).toBeCloseTo(run(hw, 1, 80), 9);
  });
});
