// An in-flight executor admits a batched pass's windows to its encoder within its ENCODER token budget per iteration
// (scheduler.encoder_max_num_tokens, src/model/whisper-graph.ts encoderTokenBudget): TensorRT-LLM's MicroBatchScheduler
// counts 1,500 encoder frames per Whisper window against the encoder engine's own max_num_tokens (8192 by default: 5
// windows per iteration), which the executor's max_num_tokens never reaches; vLLM's max_num_encoder_input_tokens is its
// max_num_batched_tokens. A decoder step runs in every iteration.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';
import { applySetPlain } from '../src/hardware/set-path.js';
import { readFileSync } from 'node:fs';
import { useScratchDir } from './helpers/scratch.js';
import { expectOneIssueEach } from './helpers/spec-issues.js';
import { loadSpecFile } from '../src/spec/load.js';

function withScheduler(hw: NormalizedHardware, s: Partial<NonNullable<NormalizedHardware['runtime']>['scheduler']>): NormalizedHardware {
  return { ...hw, runtime: { ...hw.runtime!, scheduler: { ...hw.runtime!.scheduler, ...s } } };
}
const run = (h: NormalizedHardware, batch: number, outputTokens: number) =>
  simulate(request('whisper-large-v3', h, { audioSeconds: 30, batch, outputTokens, dtype: 'fp16' }));
const enc = (h: NormalizedHardware, batch: number) => run(h, batch, 0).encoder_s!;

describe('encoder windows admitted within an in-flight encoder token budget', () => {
  it('256 windows under TensorRT-LLM (encoder engine 8192 tokens) encode as 51 iterations of 5 and one of 1, one decoder step more per extra iteration', async () => {
    const hw = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('tensorrt-llm'));
    expect(hw.runtime!.scheduler.encoderMaxNumTokens).toBe(8192);
    expect(enc(hw, 256)).toBeCloseTo(51 * enc(hw, 5) + enc(hw, 1), 9);
    // no encoder budget: one encoder batch of 256, cheaper per window than 5 at a time, whatever the step's budget
    const open = withScheduler(hw, { encoderMaxNumTokens: undefined });
    expect(open.runtime!.scheduler.maxNumBatchedTokens).toBe(8192);
    expect(enc(open, 256)).toBeLessThan(enc(hw, 256));
    expect(enc(open, 256)).toBeCloseTo(run(open, 256, 0).encoder_s!, 12);
    // the decoder pays 51 more steps of the one request still decoding, nothing per waiting window
    const extra = run(hw, 256, 79).decoder_s! - run(open, 256, 79).decoder_s!;
    const step1 = (run(open, 1, 101).decoder_s! - run(open, 1, 51).decoder_s!) / 50;
    expect(extra / (51 * step1)).toBeGreaterThan(0.9);
    expect(extra / (51 * step1)).toBeLessThan(1.1);
    // a runtime that keeps its batch (static) encodes it whole
    const stat = withScheduler(hw, { batching: 'static' });
    expect(enc(stat, 256)).toBeCloseTo(enc(open, 256), 9);
  });
  it('the executor\'s max_num_tokens does not reach TensorRT-LLM\'s encoder; --set runtime.encoder_max_num_tokens=3000 (an encoder engine built with it) admits 2 windows per iteration', async () => {
    const base = bindRuntime(await loadHardware('rtx-pro-6000'), libraryRuntime('tensorrt-llm'));
    const step = applySetPlain(base, 'runtime.max_num_batched_tokens=3000');
    expect(step.runtime!.scheduler.maxNumBatchedTokens).toBe(3000);
    expect(enc(step, 256)).toBeCloseTo(enc(base, 256), 12);
    const hw = applySetPlain(base, 'runtime.encoder_max_num_tokens=3000');
    expect(hw.runtime!.scheduler.encoderMaxNumTokens).toBe(3000);
    expect(enc(hw, 256)).toBeCloseTo(128 * enc(hw, 2), 9);
    // bound after the --set (the CLI order: --set on a part, then the runtime bound to it) keeps it too
    const later = bindRuntime(applySetPlain(await loadHardware('rtx-pro-6000'), 'runtime.encoder_max_num_tokens=3000'), libraryRuntime('tensorrt-llm'));
    expect(later.runtime!.scheduler.encoderMaxNumTokens).toBe(3000);
  });
  it('vLLM\'s encoder budget follows max_num_batched_tokens: its below-70 GiB class (2048: one window) and a run\'s --set', async () => {
    const l40s = bindRuntime(await loadHardware('l40s'), libraryRuntime('vllm'));
    expect(l40s.runtime!.scheduler.encoderMaxNumTokens).toBe('max_num_batched_tokens');
    expect(l40s.runtime!.scheduler.maxNumBatchedTokens).toBe(2048);
    expect(enc(l40s, 16)).toBeCloseTo(16 * enc(l40s, 1), 9);
    const h200 = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('vllm'));
    expect(enc(h200, 20)).toBeCloseTo(4 * enc(h200, 5), 9);
    const set = applySetPlain(h200, 'runtime.max_num_batched_tokens=3000');
    expect(enc(set, 20)).toBeCloseTo(10 * enc(set, 2), 9);
  });
  it('the MLPerf whisper rows price the encoder engine\'s own budget: the configs\' runtime max_num_tokens 3000 never reaches it', () => {
    // trtllm_runtime_flags max_num_tokens is an Executor setting: the v5.1 harness's ModelRunnerCpp.from_dir passes none,
    // and executorImpl.cpp createEncoderModel hands TrtEncoderModel a fresh ExecutorConfig with only the scheduler
    // config, whose MicroBatchScheduler budgets the encoder engine's max_num_tokens (trtllm-build default 8192)
    const csv = readFileSync(new URL('../validation/public-measurements.csv', import.meta.url), 'utf8');
    const rows = csv.split('\n').filter((l) => l.includes('MLPerf') && l.includes('--model whisper-large-v3') && l.includes('--runtime tensorrt-llm'));
    expect(rows.length).toBeGreaterThanOrEqual(25);
    expect(rows.filter((l) => /max_num_batched_tokens|encoder_max_num_tokens/.test(l)).map((l) => l.split(',')[0])).toEqual([]);
  });
});

describe("an executor's host time per iteration", () => {
  it('TensorRT-LLM pays host.step_overhead once per iteration: the prompt, each decode step, each encoder iteration', async () => {
    const hw = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('tensorrt-llm'));
    const o = hw.runtime!.stepOverheadS;
    expect(o).toBeGreaterThan(0);
    const off = { ...hw, runtime: { ...hw.runtime!, stepOverheadS: 0 } };
    // one clip, 80 tokens: the prompt's iteration and 79 decode steps
    expect(run(hw, 1, 80).decoder_s! - run(off, 1, 80).decoder_s!).toBeCloseTo(80 * o, 9);
    // 256 clips encoded alone (--output-tokens 0): 52 encoder iterations of up to 5 windows
    expect(enc(hw, 256) - enc(off, 256)).toBeCloseTo(52 * o, 9);
    // a runtime that states none (whisper.cpp) pays none
    const cpp = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('whisper.cpp'));
    expect(cpp.runtime!.stepOverheadS ?? 0).toBe(0);
  });
});

describe('the MLPerf reference SUT on vLLM', () => {
  it('rows that batch clips carry the SUT\'s own max_num_batched_tokens 8194, which sizes vLLM\'s encoder budget', () => {
    // mlcommons/inference speech2text/reference_SUT.py: LLM(..., max_num_seqs=256, max_model_len=448,
    // max_num_batched_tokens=8194, ...); on a part below 70 GiB vLLM's default would be 2048 (one clip per step)
    const csv = readFileSync(new URL('../validation/public-measurements.csv', import.meta.url), 'utf8');
    const rows = csv.split('\n').filter((l) => /reference[ _]SUT/.test(l) && l.includes('--model whisper-large-v3') && l.includes('--runtime vllm') && !/--batch 1 /.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.filter((l) => !l.includes('--set runtime.max_num_batched_tokens=8194')).map((l) => l.split(',')[0])).toEqual([]);
  });
});

describe('scheduler.encoder_max_num_tokens in a runtime file', () => {
  const scratch = useScratchDir('hwperf-encbudget-');
  it('a count or max_num_batched_tokens; anything else is one line naming the field', async () => {
    const base = 'id: rt\nname: RT\nkind: runtime\nrole: serving\nsources: ["x"]\nscheduler:\n  encoder_max_num_tokens: VALUE\n  source: "test"\n';
    await expectOneIssueEach(scratch.write, base, 'VALUE', [
      ['0', /scheduler\.encoder_max_num_tokens.*>= 1/],
      ['lots', /scheduler\.encoder_max_num_tokens/],
      ['2.5', /scheduler\.encoder_max_num_tokens/],
    ]);
    for (const ok of ['8192', 'max_num_batched_tokens']) expect((await loadSpecFile(scratch.write('ok.yaml', base.replace('VALUE', ok)))).errors).toEqual([]);
  });
});
