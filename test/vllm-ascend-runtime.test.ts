// vLLM-Ascend 0.9.x as its source runs it (runtimes/vllm-ascend.yaml): ACL graphs captured piecewise, split at the
// attention op, which runs eagerly between the replayed pieces of a decode step (vllm_ascend/platform.py @v0.9.1 adds
// vllm.unified_ascend_attention_with_output to splitting_ops; issue #9404 profiles the host-bound gap), and the Ascend
// scheduler without chunked prefill (non-MLA models), whose token budget covers max_model_len.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { launchFloorForOpS, launchFloorS } from '../src/runtime/launch.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { runtimeOfSoftware } from '../src/runtime/software.js';
import { simulate } from '../src/sim/simulate.js';
import { request } from './helpers/nondecoder-fixtures.js';

const lib = getLibrary();
const npu = lib.hardware['ascend-910b']!;
const va = bindRuntime(npu, libraryRuntime('vllm-ascend'));
const vllm = bindRuntime(npu, libraryRuntime('vllm'));

describe('vllm-ascend: piecewise ACL graphs', () => {
  it('a decode step pays the measured host gap at each attention op and nothing for the captured ops', () => {
    expect(va.runtime!.launch.graphs).toBe('piecewise');
    expect(launchFloorForOpS(va, 'decode', 'attention', 1)).toBeCloseTo(832e-6, 9);
    expect(launchFloorForOpS(va, 'decode', 'gemm', 1)).toBe(0);
    expect(launchFloorForOpS(va, 'decode', 'norm', 1)).toBe(0);
    expect(launchFloorS(va, 'decode')).toBe(0);
  });
  it('prefill runs without graphs: every kernel pays the per-kernel dispatch', () => {
    expect(launchFloorS(va, 'other')).toBe(va.runtime!.launch.perKernelS);
    expect(launchFloorForOpS(va, 'other', 'gemm', 1)).toBe(va.runtime!.launch.perKernelS);
    expect(launchFloorForOpS(va, 'other', 'norm', 3)).toBeCloseTo(3 * va.runtime!.launch.perKernelS, 12);
  });
  it('a small-batch decode step is host-bound: its forward lasts the host time of 832 us per block, as the traced blocks do', () => {
    const over = { batch: 4, inputTokens: 233, outputTokens: 221 };
    const a = simulate(request('qwen3-8b', va, over));
    const b = simulate(request('qwen3-8b', vllm, over));
    const layers = 36;
    // the host's chain (832 us a block) outlasts the kernels (b: the same step replayed whole), so the forward is the
    // host's time, not the kernels' plus a gap per layer; the step's own host work is the same under both
    expect(a.tpot_s! - b.tpot_s!).toBeGreaterThan(layers * 832e-6 - b.tpot_s! - 1e-3);
    expect(a.tpot_s!).toBeGreaterThan(layers * 832e-6);
    expect(a.tpot_s!).toBeLessThan(layers * 832e-6 + b.tpot_s!);
  });
});

describe('vllm-ascend: the Ascend scheduler', () => {
  it('runs without chunked prefill, its token budget at least max_model_len', () => {
    const s = serveRuntime(va, 'vllm-ascend', 40960);
    expect(s.chunkedPrefill).toBe(false);
    expect(s.maxNumBatchedTokens).toBe(40960);
    // the request cap stays vLLM's small-device default (every 910B has 64 GB, below 70 GiB)
    expect(s.maxNumSeqs).toBe(serveRuntime(vllm, 'vllm', 40960).maxNumSeqs);
  });
});

describe('vllm-ascend: rows name it', () => {
  it('a software column naming vLLM-Ascend maps to this runtime, plain vLLM to vllm', () => {
    expect(runtimeOfSoftware('vLLM-Ascend v0.9.1 (vLLM with the Ascend plugin, engine defaults)')).toBe('vllm-ascend');
    expect(runtimeOfSoftware('vLLM v0.11.0 (V1 engine)')).toBe('vllm');
  });
});
