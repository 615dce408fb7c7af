// A step that carries prompt tokens (a prefill, or decodes with a prompt beside them) does not replay the runtime's
// captured decode graph: vLLM V0, SGLang, TensorRT-LLM, llama.cpp and gpt-fast run it without graphs, vLLM V1's
// FULL_AND_PIECEWISE runs it piecewise (attention and the KV-cache write from the host, the rest replayed): launch
// .prompt_steps, src/runtime/launch.ts launchMode. simulate's steady-state steps (src/sim/decoder.ts stepPhase) and
// serve's iterations (src/serve/step-cost.ts) take the same launch phase.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { graphGapS, launchFloorForOpS, launchMode, type LaunchPhase } from '../src/runtime/launch.js';
import { stepPhase } from '../src/sim/decoder.js';
import { simulate } from '../src/sim/simulate.js';
import { StepCoster } from '../src/serve/step-cost.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel, NormalizedHardware, PromptGraphs } from '../src/spec/types.js';

const lib = getLibrary();
const h100 = lib.hardware['h100-sxm']!;

/** h100 under a runtime whose decode graphs are captured, with the given policy for steps with prompts */
function withPolicy(prompt: PromptGraphs | undefined, graphs: 'decode' | 'piecewise' | 'none' | 'all' = 'decode'): NormalizedHardware {
  const hw = bindRuntime(h100, libraryRuntime('tensorrt-llm'));
  const l = hw.runtime!.launch;
  return { ...hw, runtime: { ...hw.runtime!, launch: { ...l, graphs, perKernelS: 7e-6, graphGapS: 1e-6, ...(prompt ? { promptSteps: prompt } : { promptSteps: undefined }) } } };
}

// host floor of a one-kernel op of each kind / name in a phase
const floor = (hw: NormalizedHardware, phase: LaunchPhase, kind: string, name?: string) => launchFloorForOpS(hw, phase, kind, 1, name);

describe('which kernels of a mixed step pay the host dispatch', () => {
  it('eager (the default): every kernel of a mixed or prompt step, none of a pure decode step', () => {
    for (const hw of [withPolicy(undefined), withPolicy('eager')]) {
      for (const phase of ['mixed', 'prefill'] as const) {
        expect(launchMode(hw, phase)).toBe('eager');
        for (const kind of ['gemm', 'norm', 'elementwise', 'attention']) expect(floor(hw, phase, kind)).toBeCloseTo(7e-6, 12);
        // pointwise ops keep the hardware's gap: nothing is replayed
        expect(graphGapS(hw, phase, 'residual')).toBeUndefined();
      }
      expect(launchMode(hw, 'decode')).toBe('full');
      for (const kind of ['gemm', 'norm', 'elementwise', 'attention']) expect(floor(hw, 'decode', kind)).toBe(0);
      expect(graphGapS(hw, 'decode', 'residual')).toBe(1e-6);
    }
  });
  it('piecewise: the attention ops and the KV-cache write (the split points) pay it, the replayed pieces do not', () => {
    const hw = withPolicy('piecewise');
    for (const phase of ['mixed', 'prefill'] as const) {
      expect(launchMode(hw, phase)).toBe('piecewise');
      expect(floor(hw, phase, 'attention', 'attention')).toBeCloseTo(7e-6, 12);
      expect(floor(hw, phase, 'elementwise', 'kv_write')).toBeCloseTo(7e-6, 12);
      expect(floor(hw, phase, 'gemm', 'qkv')).toBe(0);
      expect(floor(hw, phase, 'norm', 'attn_norm')).toBe(0);
      expect(floor(hw, phase, 'elementwise', 'residual')).toBe(0);
      expect(graphGapS(hw, phase, 'residual')).toBe(1e-6);
      expect(graphGapS(hw, phase, 'kv_write')).toBeUndefined();
    }
    // the pure decode step still replays one full graph
    expect(floor(hw, 'decode', 'attention', 'attention')).toBe(0);
  });
  it('full: nothing, as a decode replay', () => {
    const hw = withPolicy('full');
    for (const kind of ['gemm', 'norm', 'elementwise', 'attention']) expect(floor(hw, 'mixed', kind)).toBe(0);
    expect(graphGapS(hw, 'mixed', 'residual')).toBe(1e-6);
  });
  it('graphs none and all decide whatever prompt_steps says; encoders and other passes stay eager', () => {
    expect(launchMode(withPolicy('full', 'none'), 'mixed')).toBe('eager');
    expect(launchMode(withPolicy('eager', 'all'), 'mixed')).toBe('full');
    expect(launchMode(withPolicy('piecewise'), 'other')).toBe('eager');
    expect(launchMode(withPolicy(undefined, 'piecewise'), 'decode')).toBe('piecewise');
    expect(launchMode(withPolicy(undefined, 'piecewise'), 'mixed')).toBe('eager');
  });
  it('each serving runtime states its policy from its source', () => {
    const mode = (rt: string) => launchMode(bindRuntime(h100, libraryRuntime(rt)), 'mixed');
    expect(mode('vllm')).toBe('piecewise'); // V1 FULL_AND_PIECEWISE
    for (const rt of ['vllm-0.6', 'vllm-0.7', 'sglang', 'tensorrt-llm', 'llama.cpp', 'pytorch-compile']) expect(mode(rt)).toBe('eager');
    expect(mode('vllm')).toBe(launchMode(bindRuntime(h100, libraryRuntime('vllm')), 'prefill'));
  });
  it('a steady-state step is mixed exactly when it carries prompts', () => {
    expect(stepPhase(0)).toBe('decode');
    expect(stepPhase(0.25)).toBe('mixed');
    expect(stepPhase(3)).toBe('mixed');
  });
});

describe('ttft never falls as the batch grows under a graph-decode runtime at pp 1', () => {
  it('qwen3-30b-a3b q8_0 on gb200 tp 4 under pytorch-compile, 7 in / 458 out (property seed 7 at scale 10)', () => {
    const ttft = (batch: number) =>
      simulate({ model: lib.models['qwen3-30b-a3b']!, hardware: bindRuntime(lib.hardware['gb200']!, libraryRuntime('pytorch-compile')), tp: 4, pp: 1, batch, inputTokens: 7, outputTokens: 458, dtype: 'q8_0' } as never).ttft_s!;
    const one = ttft(1);
    let last = one;
    for (const b of [2, 8, 64, 438]) {
      const t = ttft(b);
      expect(t).toBeGreaterThanOrEqual(last * (1 - 1e-12));
      last = t;
    }
    // the batch-438 steps carry ~1 prompt beside 437 decodes, launched op by op: no cheaper than the prompt alone
    expect(ttft(438)).toBeGreaterThanOrEqual(one);
    // priced as a replay of the decode graph (prompt_steps full), they were: 8.5 ms against batch 1's 15.4 ms
    const rt = bindRuntime(lib.hardware['gb200']!, libraryRuntime('pytorch-compile'));
    const replay = { ...rt, runtime: { ...rt.runtime!, launch: { ...rt.runtime!.launch, promptSteps: 'full' as const } } };
    const t438 = simulate({ model: lib.models['qwen3-30b-a3b']!, hardware: replay, tp: 4, pp: 1, batch: 438, inputTokens: 7, outputTokens: 458, dtype: 'q8_0' } as never).ttft_s!;
    expect(t438).toBeLessThan(0.7 * one);
  });
});

describe("serve's iterations launch as simulate's steps", () => {
  it('an iteration with a prompt beside decodes pays the eager floors a prompt-alone iteration pays (pytorch-compile)', () => {
    const m = lib.models['llama-3.1-8b'] as DecoderModel;
    const hw = bindRuntime(h100, libraryRuntime('pytorch-compile'));
    const L = buildLayout(m, 1, 1, undefined, undefined);
    const c = new StepCoster(m, hw, L, resolvePrecision('bf16'), 0);
    const prompt = c.compute(0, 0, 7, 7).seconds;
    const mixed = c.compute(1, 64, 7, 7).seconds;
    const decode = c.compute(1, 64, 0, 0).seconds;
    expect(mixed).toBeGreaterThanOrEqual(prompt);
    expect(mixed).toBeGreaterThan(decode);
    // under 'full' the same iteration is priced as a decode replay, its kernels alone: below the eager iteration, whose
    // host chain (batch 8 of Llama-3.1-8B: every layer's dispatch outlasts its kernels) bounds it
    const full = new StepCoster(m, { ...hw, runtime: { ...hw.runtime!, launch: { ...hw.runtime!.launch, promptSteps: 'full' } } }, L, resolvePrecision('bf16'), 0);
    expect(full.compute(1, 64, 7, 7).seconds).toBeLessThan(mixed);
  });
});
