// vLLM V0's decode graphs serve contexts up to max_seq_len_to_capture (8192 by default): _use_captured_graph requires
// max_decode_seq_len <= max_seq_len_to_capture, else the decode step runs the model eagerly (runtime
// launch.capture_max_context, src/sim/graph-padding.ts). An eager V0 step pays eager PyTorch's per-op dispatch
// (runtimes/vllm-0.6.yaml launch: per_kernel / per_kernel_by_kind, as runtimes/vllm-0.2.yaml).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { decodeContextEagerShare, enginePhaseName } from '../src/sim/graph-padding.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { StepCoster } from '../src/serve/step-cost.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { customAllreduceSeconds } from '../src/runtime/collectives.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const bound = (hw: string, rt: string) => bindRuntime(lib.hardware[hw]!, libraryRuntime(rt));
const model = 'llama-3.1-70b';

function coster(hw: NormalizedHardware, tp = 4) {
  const m = lib.models[model] as DecoderModel;
  return new StepCoster(m, hw, buildLayout(m, tp, 1, undefined, undefined), resolvePrecision('bf16', undefined, undefined, undefined, hw.runtime?.kernels));
}

describe("vLLM V0's captured context (max_seq_len_to_capture)", () => {
  it('the V0 releases carry 8192 and the eager per-op dispatch; V1 has no such limit', () => {
    for (const id of ['vllm-0.5', 'vllm-0.6', 'vllm-0.7']) {
      const rt = libraryRuntime(id);
      expect(rt.launch.captureMaxContext).toBe(8192);
      expect(rt.launch.perKernelByKindS?.gemm).toBeCloseTo(30.8e-6, 12);
    }
    expect(libraryRuntime('vllm').launch.captureMaxContext).toBeUndefined();
  });

  it('the share of a cycle decoding past the limit follows the longest sequence of the step', () => {
    const hw = bound('mi300x', 'vllm-0.6');
    expect(decodeContextEagerShare(hw, 1000, 8000, 1)).toBe(0);
    // one sequence from 6192 to 10192 tokens: half its steps are above 8192
    expect(decodeContextEagerShare(hw, 6192, 10192, 1)).toBeCloseTo(0.5, 12);
    // staggered sequences: the oldest spans the last quarter (9192..10192) at 4, all above
    expect(decodeContextEagerShare(hw, 6192, 10192, 4)).toBe(1);
    expect(decodeContextEagerShare(hw, 16000, 16138, 1)).toBe(1);
    // a runtime without the limit, and one without decode graphs, never switch
    expect(decodeContextEagerShare(bound('mi300x', 'vllm'), 16000, 17000, 1)).toBe(0);
    expect(decodeContextEagerShare(bound('h100-sxm', 'vllm-0.2'), 16000, 17000, 1)).toBe(0);
  });

  it("serve's decode iteration over a context above 8192 launches eagerly and costs more", () => {
    const hw = bound('mi300x', 'vllm-0.6');
    const m = lib.models[model] as DecoderModel;
    const L = buildLayout(m, 4, 1, undefined, undefined);
    const shape = { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 };
    expect(enginePhaseName(hw, L, shape, 'decode', 8192)).toBe('decode');
    expect(enginePhaseName(hw, L, shape, 'decode', 8193)).toBe('decode_eager');
    expect(enginePhaseName(bound('mi300x', 'vllm'), L, shape, 'decode', 16000)).toBe('decode');
    const c = coster(hw);
    const below = c.compute(1, 8192, 0, 0).seconds, above = c.compute(1, 8200, 0, 0).seconds;
    // eight more tokens of KV read are a few ns; the eager step lasts its host's dispatch chain (~1,000 kernels at
    // 10.5-30.8 us) where that outlasts the kernels: on an MI300X at TP 4 the graph-replayed step's small kernels already
    // take about as long (its per-kernel gap), so the step grows by the excess only (src/runtime/launch.ts asyncStepSeconds)
    expect(above - below).toBeGreaterThan(5e-5);
    const b8 = coster(bound('h100-sxm', 'vllm-0.6'));
    expect(b8.compute(1, 8200, 0, 0).seconds - b8.compute(1, 8192, 0, 0).seconds).toBeGreaterThan(2e-4);
    const v1 = coster(bound('mi300x', 'vllm'));
    expect(v1.compute(1, 8200, 0, 0).seconds - v1.compute(1, 8192, 0, 0).seconds).toBeLessThan(1e-5);
  });

  it("simulate's time per output token rises where the decode passes the limit, and throughput stays monotone in the batch", () => {
    const hw = bound('mi300x', 'vllm-0.6');
    const run = (input: number, output: number, batch: number) =>
      simulate(buildRequest({ model, hardware: 'mi300x', tp: 4, batch, 'input-tokens': input, 'output-tokens': output, dtype: 'bf16' }, lib.models[model]!, hw, (id) => lib.models[id]!));
    const short = run(7000, 1000, 1), long = run(9000, 1000, 1);
    expect(long.tpot_s! - short.tpot_s!).toBeGreaterThan(5e-5);
    let prev = 0;
    for (const b of [1, 2, 3, 4, 8, 16]) {
      const t = run(7800, 1000, b).throughput_tok_s!;
      expect(t).toBeGreaterThan(prev);
      prev = t;
    }
  });

  it('vLLM 0.7 on ROCm leaves chunked prefill off above 32K (vllm PR #11146) and prefills whole prompts; CUDA keeps it on', () => {
    const amd = serveRuntime(bound('mi300x', 'vllm-0.7'), 'vllm-0.7', 131072);
    expect(amd.chunkedPrefill).toBe(false);
    expect(amd.maxNumBatchedTokens).toBe(131072);
    const cuda = serveRuntime(bound('h100-sxm', 'vllm-0.7'), 'vllm-0.7', 131072);
    expect(cuda.chunkedPrefill).toBe(true);
    expect(cuda.maxNumBatchedTokens).toBe(2048);
    // the 0.6 releases before the PR auto-enabled it on ROCm too (512-token budget)
    const v06 = serveRuntime(bound('mi300x', 'vllm-0.6'), 'vllm-0.6', 131072);
    expect(v06.chunkedPrefill).toBe(true);
    expect(v06.maxNumBatchedTokens).toBe(512);
  });

  it("an upstream vLLM 0.6 build runs its all-reduces through RCCL on ROCm (no custom all-reduce before vllm PR #14125); AMD's fork and NVIDIA keep the custom kernel", () => {
    const up = bound('mi300x', 'vllm-0.6-upstream'), fork = bound('mi300x', 'vllm-0.6');
    expect(customAllreduceSeconds(up, 32768, 8)).toBeUndefined();
    expect(customAllreduceSeconds(fork, 32768, 8)).toBeGreaterThan(0);
    expect(customAllreduceSeconds(bound('h100-sxm', 'vllm-0.6-upstream'), 32768, 8)).toBeCloseTo(customAllreduceSeconds(bound('h100-sxm', 'vllm-0.6'), 32768, 8)!, 15);
    // a 405B batch-1 decode step at TP 8: 252 all-reduces of 32 KiB, each at RCCL's rccl-tests price (~49 us) instead of ~6 us
    const m = lib.models['llama-3.1-405b'] as DecoderModel;
    const step = (hw: NormalizedHardware) => new StepCoster(m, hw, buildLayout(m, 8, 1, undefined, undefined), resolvePrecision('bf16', undefined, undefined, undefined, hw.runtime?.kernels)).compute(1, 128, 0, 0).seconds;
    expect(step(up) - step(fork)).toBeGreaterThan(252 * 30e-6);
  });
});
