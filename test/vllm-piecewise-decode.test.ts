// vLLM V1 before v0.11.0 (runtimes/vllm-0.8.yaml) decodes with PIECEWISE CUDA graphs: the forward is split at every
// attention op (CompilationConfig.splitting_ops), so per layer the host replays one piece and calls the attention op
// eagerly (10.5 us a split point: the op's call at launch.eager's 10.5 us; vllm PR #9715's measured piecewise
// overhead per split, 9.75 us), where v0.11's FULL_AND_PIECEWISE default (runtimes/vllm.yaml) replays the decode step
// as one graph.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { launchFloorForOpS, launchMode } from '../src/runtime/launch.js';
import { simulate } from '../src/sim/simulate.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { request } from './helpers/nondecoder-fixtures.js';

const lib = getLibrary();
const h100 = lib.hardware['h100-sxm']!;
const pw = bindRuntime(h100, libraryRuntime('vllm-0.8'));
const full = bindRuntime(h100, libraryRuntime('vllm'));

// an H100 whose kernels take next to no time (10,000x its bandwidth and FLOP/s, no per-kernel gap), so a decode step
// lasts its host's dispatch chain: what the piecewise split points add shows in full
function hostBound(runtime: string): NormalizedHardware {
  const fast: NormalizedHardware = {
    ...h100,
    memory: { ...h100.memory, bandwidthBytePerS: h100.memory.bandwidthBytePerS * 1e4 },
    matrixFlopPerS: Object.fromEntries(Object.entries(h100.matrixFlopPerS).map(([k, v]) => [k, v! * 1e4])),
    vectorFlopPerS: Object.fromEntries(Object.entries(h100.vectorFlopPerS).map(([k, v]) => [k, v! * 1e4])),
    efficiency: { ...h100.efficiency, kernelOverheadS: 0 },
  };
  const hw = bindRuntime(fast, libraryRuntime(runtime));
  // a split point of 100 us (the runtime's own, 10.5 us, is about what even these kernels take a layer), so the
  // host's chain bounds the step
  return { ...hw, runtime: { ...hw.runtime!, launch: { ...hw.runtime!.launch, splitPointS: 100e-6 } } };
}

describe('vllm-0.8: PIECEWISE decode graphs (V1 before v0.11.0)', () => {
  it('decode steps run piecewise, the v0.11+ default replays them whole; steps with prompts are piecewise in both', () => {
    expect(launchMode(pw, 'decode')).toBe('piecewise');
    expect(launchMode(full, 'decode')).toBe('full');
    expect(launchMode(pw, 'mixed')).toBe('piecewise');
    expect(launchMode(pw, 'prefill')).toBe('piecewise');
  });

  it('the host pays each attention split point (the op call plus the piece replay), nothing for the captured ops', () => {
    expect(launchFloorForOpS(pw, 'decode', 'attention', 1, 'attention')).toBeCloseTo(10.5e-6, 12);
    expect(launchFloorForOpS(full, 'decode', 'attention', 1, 'attention')).toBe(0);
    for (const kind of ['gemm', 'norm', 'elementwise']) expect(launchFloorForOpS(pw, 'decode', kind, 1, 'ffn_up')).toBe(0);
    // the output head stays outside the graph in both (compute_logits after the forward)
    expect(launchFloorForOpS(pw, 'decode', 'gemm', 1, 'lm_head')).toBe(launchFloorForOpS(full, 'decode', 'gemm', 1, 'lm_head'));
    // the same split point prices v0.11+'s piecewise prompt steps (runtimes/vllm.yaml launch.split_point); phases that
    // replay no pieces keep per_kernel: a decode step above the capture sizes, a non-decoder pass
    expect(launchFloorForOpS(full, 'prefill', 'attention', 1, 'attention')).toBeCloseTo(10.5e-6, 12);
    expect(launchFloorForOpS(full, 'mixed', 'attention', 1, 'attention')).toBeCloseTo(10.5e-6, 12);
    for (const hw of [pw, full]) {
      expect(launchFloorForOpS(hw, 'decode_eager', 'attention', 1, 'attention')).toBeCloseTo(hw.runtime!.launch.perKernelS, 12);
      expect(launchFloorForOpS(hw, 'other', 'attention', 1)).toBeCloseTo(hw.runtime!.launch.perKernelS, 12);
    }
    // --enforce-eager keeps the eager attention call (33.3 us: the reshapes run from Python again)
    expect(pw.runtime!.launch.eager!.perKernelByKindS!.attention).toBeCloseTo(33.3e-6, 12);
  });

  it('a piecewise decode is never faster than a full-graph one at the same batch', () => {
    for (const model of ['llama-3.2-1b', 'llama-3.1-8b', 'qwen3-30b-a3b']) {
      for (const batch of [1, 8, 64]) {
        const over = { batch, inputTokens: 256, outputTokens: 64 };
        const a = simulate(request(model, pw, over));
        const b = simulate(request(model, full, over));
        expect(a.tpot_s!).toBeGreaterThanOrEqual(b.tpot_s! * (1 - 1e-12));
      }
    }
  });

  it('where the host bounds the step, the step grows by one split point per layer', () => {
    const over = { batch: 1, inputTokens: 64, outputTokens: 16 };
    const tpot = (model: string, runtime: string) => simulate(request(model, hostBound(runtime), over)).tpot_s!;
    const split = launchFloorForOpS(hostBound('vllm-0.8'), 'decode', 'attention', 1, 'attention');
    expect(split).toBeCloseTo(100e-6, 12);
    // llama-3.2-1b has 16 layers, llama-3.2-3b 28: the same step's host chain, 12 more split points
    expect(tpot('llama-3.2-3b', 'vllm-0.8') - tpot('llama-3.2-1b', 'vllm-0.8')).toBeCloseTo(12 * split, 9);
    for (const model of ['llama-3.2-1b', 'llama-3.2-3b']) expect(tpot(model, 'vllm-0.8')).toBeGreaterThan(tpot(model, 'vllm'));
  });
});
