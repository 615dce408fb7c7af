// SGLang 0.5.x runs prefill (extend) batches without CUDA graphs (enable_piecewise_cuda_graph defaults to False): each
// op is dispatched from Python through the ATen dispatcher, priced with PyTorch's measured eager dispatch per op kind
// (runtimes/sglang.yaml launch, as runtimes/pytorch.yaml); decode steps replay captured graphs and pay none of it.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { passOps } from '../src/sim/decoder.js';
import { launchFloorForOpS } from '../src/runtime/launch.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';
import { request } from './helpers/nondecoder-fixtures.js';

const lib = getLibrary();

describe("SGLang's eager prefill pays PyTorch's per-op host dispatch (runtimes/sglang.yaml launch)", () => {
  it('by kind outside the captured decode graphs, nothing inside them', () => {
    const hw = bound('b200', 'sglang');
    expect(launchFloorForOpS(hw, 'other', 'gemm', 1)).toBeCloseTo(30.8e-6, 12);
    expect(launchFloorForOpS(hw, 'other', 'norm', 1)).toBeCloseTo(19.2e-6, 12);
    expect(launchFloorForOpS(hw, 'other', 'elementwise', 1)).toBeCloseTo(10.5e-6, 12);
    expect(launchFloorForOpS(hw, 'other', 'attention', 1)).toBeCloseTo(10.5e-6, 12);
    expect(launchFloorForOpS(hw, 'decode', 'gemm', 1)).toBe(0);
  });

  it("a short prompt's prefill lasts at least its ops' dispatch", () => {
    const hw = bound('b200', 'sglang');
    const r = simulate(request('gpt-oss-120b', hw, { tp: 8, batch: 1, inputTokens: 64, outputTokens: 2, dtype: 'fp4' }));
    const m = lib.models['gpt-oss-120b'] as DecoderModel;
    const L = buildLayout(m, 8, 1, undefined, 8, false);
    const ops = passOps(m, hw, L, resolvePrecision('fp4'), { prefillSeqs: 1, prefillLen: 64, decodeSeqs: 0 });
    // the host's dispatch chain: every launched op at its kind's cost (an op fused into another's kernel launches none)
    let floor = 0;
    for (const o of ops) if (o.kind !== 'collective') floor += o.count * launchFloorForOpS(hw, 'prefill', o.kind, o.kernels ?? 1, o.name);
    expect(floor).toBeGreaterThan(36 * 6 * 10.5e-6);
    expect(r.ttft_cold_s!).toBeGreaterThanOrEqual(floor * 0.999);
  });
});
