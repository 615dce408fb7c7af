// Routed-expert GEMM shapes per device, and which kernel streams them: under expert parallelism a device holds whole
// experts (its grouped GEMMs are groups × [2·I × d]), under tensor parallelism a slice of each; block-scaled FP4
// experts on Blackwell run CUTLASS / TRT-LLM grouped GEMMs, not the Triton strip-per-CTA kernel.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildDecoderPass, type GraphLayout } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { tiledStreamS } from '../src/sim/kernel-physics.js';
import { resolveRuntime, bindRuntime } from '../src/runtime/resolve.js';

const lib = getLibrary();
const ds = lib.models['deepseek-v3'] as never;
const layout = (tp: number, ep: number): GraphLayout => ({ tp, pp: 1, ep, headsPerDevice: 128 / tp, kvHeadsPerDevice: 128 / tp, layersPerStage: 61, expertShards: Math.max(tp, ep) });
const experts = (tp: number, ep: number, dtype = 'fp4') => {
  const ops = buildDecoderPass(ds, layout(tp, ep), resolvePrecision(dtype), { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 4 });
  return { up: ops.find((o) => o.name === 'experts_up')!, down: ops.find((o) => o.name === 'experts_down')! };
};

describe('routed-expert GEMM shapes per device', () => {
  it('pure expert parallelism (ep = tp = 8): whole experts, 2·I × d and d × I', () => {
    const { up, down } = experts(8, 8);
    expect(up.n).toBe(2 * 2048);
    expect(down.k).toBe(2048);
    // the shapes hold the weights the op reads: groups × n × k × 4.5 bits
    expect(up.groups! * up.n! * up.k! * 4.5 / 8).toBeCloseTo(up.weightBytes, 0);
    expect(down.groups! * down.n! * down.k! * 4.5 / 8).toBeCloseTo(down.weightBytes, 0);
  });

  it('tensor parallelism (ep 1) slices every expert over tp; ep 2 of tp 8 over 4', () => {
    expect(experts(8, 1).up.n).toBe((2 * 2048) / 8);
    expect(experts(8, 1).down.k).toBe(2048 / 8);
    expect(experts(8, 2).up.n).toBe((2 * 2048) / 4);
    const { up } = experts(8, 2);
    expect(up.groups! * up.n! * up.k! * 4.5 / 8).toBeCloseTo(up.weightBytes, 0);
  });
});

describe('the Triton strip floor (runtime kernels.tiled_gemm) and FP4 experts', () => {
  it('SGLang on a B200: FP4 experts have no strip floor; block-FP8 experts keep it only under the Triton fused MoE of the spring-2025 builds', async () => {
    const hw = bindRuntime(lib.hardware.b200!, await resolveRuntime('sglang'));
    expect(tiledStreamS(experts(8, 8).up, hw)).toBeUndefined();
    // 0.5.x runs them through FlashInfer's TRT-LLM fused MoE on SM100 (test/sglang-b200-trtllm-moe.test.ts)
    expect(tiledStreamS(experts(8, 8, 'fp8').up, hw)).toBeUndefined();
    const spring = bindRuntime(lib.hardware.b200!, await resolveRuntime('sglang-0.4.5'));
    expect(tiledStreamS(experts(8, 8).up, spring)).toBeUndefined();
    expect(tiledStreamS(experts(8, 8, 'fp8').up, spring)).toBeGreaterThan(0);
  });

  it('a part without FP4 matrix units (H200) keeps the floor for FP4 experts', async () => {
    const hw = bindRuntime(lib.hardware['h200-sxm']!, await resolveRuntime('sglang'));
    expect(tiledStreamS(experts(8, 8).up, hw)).toBeGreaterThan(0);
  });
});
