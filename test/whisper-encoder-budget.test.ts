// An in-flight executor admits a batched pass's windows to its encoder within its token budget per iteration
// (src/sim/whisper.ts; TensorRT-LLM MicroBatchScheduler counts 1,500 encoder frames per Whisper window against
// max_num_tokens, 8192 by default: 5 windows per iteration), with a decoder step in every iteration.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';
import { applySetPlain } from '../src/hardware/set-path.js';
import { readFileSync } from 'node:fs';

function withScheduler(hw: NormalizedHardware, s: Partial<NonNullable<NormalizedHardware['runtime']>['scheduler']>): NormalizedHardware {
  return { ...hw, runtime: { ...hw.runtime!, scheduler: { ...hw.runtime!.scheduler, ...s } } };
}

describe('encoder windows admitted within an in-flight token budget', () => {
  it('256 windows under TensorRT-LLM (8192 tokens) encode as 51 iterations of 5 and one of 1, one decoder step more per extra iteration', async () => {
    const hw = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('tensorrt-llm'));
    expect(hw.runtime!.scheduler.maxNumBatchedTokens).toBe(8192);
    const run = (h: NormalizedHardware, batch: number, outputTokens: number) =>
      simulate(request('whisper-large-v3', h, { audioSeconds: 30, batch, outputTokens, dtype: 'fp16' }));
    const enc = (h: NormalizedHardware, batch: number) => run(h, batch, 0).encoder_s!;
    expect(enc(hw, 256)).toBeCloseTo(51 * enc(hw, 5) + enc(hw, 1), 9);
    // no budget: one encoder batch of 256, cheaper per window than 5 at a time
    const open = withScheduler(hw, { maxNumBatchedTokens: undefined });
    expect(enc(open, 256)).toBeLessThan(enc(hw, 256));
    // the decoder pays 51 more steps of the one request still decoding, nothing per waiting window
    const extra = run(hw, 256, 79).decoder_s! - run(open, 256, 79).decoder_s!;
    const step1 = (run(open, 1, 101).decoder_s! - run(open, 1, 51).decoder_s!) / 50;
    expect(extra / (51 * step1)).toBeGreaterThan(0.9);
    expect(extra / (51 * step1)).toBeLessThan(1.1);
    // a runtime that keeps its batch (static) encodes it whole
    const stat = withScheduler(hw, { batching: 'static' });
    expect(enc(stat, 256)).toBeCloseTo(enc(open, 256), 9);
  });
  it('--set runtime.max_num_batched_tokens=3000 (a run that built its engine with max_num_tokens 3000) admits 2 windows per iteration', async () => {
    const hw = applySetPlain(bindRuntime(await loadHardware('rtx-pro-6000'), libraryRuntime('tensorrt-llm')), 'runtime.max_num_batched_tokens=3000');
    expect(hw.runtime!.scheduler.maxNumBatchedTokens).toBe(3000);
    const enc = (batch: number) => simulate(request('whisper-large-v3', hw, { audioSeconds: 30, batch, outputTokens: 0, dtype: 'fp16' })).encoder_s!;
    expect(enc(256)).toBeCloseTo(128 * enc(2), 9);
    // bound after the --set (the CLI order: --set on a part, then the runtime bound to it) keeps it too
    const later = bindRuntime(applySetPlain(await loadHardware('rtx-pro-6000'), 'runtime.max_num_batched_tokens=3000'), libraryRuntime('tensorrt-llm'));
    expect(later.runtime!.scheduler.maxNumBatchedTokens).toBe(3000);
  });
  it('the MLPerf whisper rows price the encoder engine\'s own budget: the configs\' runtime max_num_tokens 3000 never reaches it', () => {
    // trtllm_runtime_flags max_num_tokens is an Executor setting: the v5.1 harness's ModelRunnerCpp.from_dir passes none,
    // and executorImpl.cpp createEncoderModel hands TrtEncoderModel a fresh ExecutorConfig with only the scheduler
    // config, whose MicroBatchScheduler budgets the encoder engine's max_num_tokens (trtllm-build default 8192)
    const csv = readFileSync(new URL('../validation/public-measurements.csv', import.meta.url), 'utf8');
    const rows = csv.split('\n').filter((l) => l.includes('MLPerf') && l.includes('--model whisper-large-v3') && l.includes('--runtime tensorrt-llm'));
    expect(rows.length).toBeGreaterThanOrEqual(25);
    expect(rows.filter((l) => l.includes('max_num_batched_tokens')).map((l) => l.split(',')[0])).toEqual([]);
  });
});
