// int4 (AWQ / GPTQ) experts under vLLM's per-expert Marlin MoE (0.6.1-0.7.2 for every MoE layer, 0.7.3 for layers of 32
// experts or fewer; SGLang 0.4.x through vLLM 0.7.2's kernel): csrc/moe/marlin_moe_ops.cu marlin_mm_moe launches one
// kernel per local expert of the layer for each grouped GEMM, the experts no row was routed to returning at once
// (runtimes/vllm-0.6.yaml kernels.int4_moe_per_expert). Each other touched expert is a kernel at the part's gap, each
// untouched one an empty launch at the runtime's graph-replayed pointwise figure (1.0 us on Hopper under vLLM) where
// the step replays a graph, else the part's gap (src/sim/moe-expert-launches.ts).
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildLayout } from '../src/sim/parallel.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel, NormalizedHardware } from '../src/index.js';
import { bound } from './helpers/bound.js';

const int4 = resolvePrecision('int4');
const decodeOp = (id: string, tp: number, name: string) => {
  const m = libraryModel(id) as DecoderModel;
  return buildDecoderPass(m, buildLayout(m, tp, 1, undefined, tp, false), int4, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 }).find((o) => o.name === name)!;
};
const without = (hw: NormalizedHardware): NormalizedHardware => {
  const { int4MoePerExpert: _, ...kernels } = hw.runtime!.kernels;
  return { ...hw, runtime: { ...hw.runtime!, kernels } };
};
// the device time the per-expert launches add (an eager step's host dispatch floor is the op's one custom-op call either way)
const extra = (op: ReturnType<typeof decodeOp>, hw: NormalizedHardware, phase: 'decode' | 'prefill') =>
  opCost({ ...op, count: 1 }, hw, phase).deviceS - opCost({ ...op, count: 1 }, without(hw), phase).deviceS;

describe('int4 experts under a per-expert MoE kernel launch once per local expert', () => {
  const ds = decodeOp('deepseek-v3', 8, 'experts_up');
  it('DeepSeek-V3 at TP 8 under vLLM 0.6.6-0.7.0 on an H100: 256 launches a grouped GEMM, the empty ones at the 1.0 us graph gap', () => {
    expect(ds.int4).toBe(true);
    expect(ds.localExperts).toBe(256);
    const hw = bound('h100-sxm', 'vllm-0.7.0');
    const touched = ds.groups!;
    expect(touched).toBeGreaterThan(7);
    expect(touched).toBeLessThanOrEqual(8);
    const want = (touched - 1) * hw.efficiency.kernelOverheadS + (256 - touched) * 1.0e-6;
    expect(extra(ds, hw, 'decode')).toBeCloseTo(want, 9);
    // a replayed decode step on Hopper: ~0.28 ms a grouped GEMM, ~32 ms a token over DeepSeek-V3's 58 MoE layers
    expect(extra(ds, hw, 'decode') * 2 * 58).toBeGreaterThan(0.03);
    // one custom op for the host either way: the loop of launches runs in C++
    expect(opCost({ ...ds, count: 1 }, hw, 'prefill').floorS).toBe(opCost({ ...ds, count: 1 }, without(hw), 'prefill').floorS);
  });
  it('an eager prompt step, and a part without a graph-replay figure, pay the part\'s gap on every launch', () => {
    const h100 = bound('h100-sxm', 'vllm-0.7.0');
    const touched = ds.groups!;
    expect(extra(ds, h100, 'prefill')).toBeCloseTo((256 - 1) * h100.efficiency.kernelOverheadS, 9);
    const a100 = bound('a100-sxm4-80gb', 'vllm-0.7.0');
    expect(extra(ds, a100, 'decode')).toBeCloseTo((256 - 1) * a100.efficiency.kernelOverheadS, 9);
    expect(touched).toBeGreaterThan(1);
  });
  it('v0.7.3 sends layers of more than 32 experts to the Triton moe_wna16 kernel (one launch); Mixtral\'s 8 keep Marlin', () => {
    const hw = bound('h100-sxm', 'vllm-0.7');
    expect(hw.runtime!.kernels.int4MoePerExpert).toEqual({ upToExperts: 32 });
    expect(extra(ds, hw, 'decode')).toBe(0);
    const mix = decodeOp('mixtral-8x7b', 1, 'experts_down');
    expect(mix.localExperts).toBe(8);
    expect(extra(mix, hw, 'decode')).toBeGreaterThan(0);
  });
  it('none under today\'s vLLM and SGLang (the moe wna16 Marlin: one launch), nor for 16-bit experts; SGLang 0.4.x has it', () => {
    for (const rt of ['vllm', 'sglang']) expect(bound('h100-sxm', rt).runtime!.kernels.int4MoePerExpert).toBeUndefined();
    const bf16 = (() => {
      const m = libraryModel('mixtral-8x7b') as DecoderModel;
      return buildDecoderPass(m, buildLayout(m, 1, 1, undefined, 1, false), resolvePrecision('bf16'), { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 }).find((o) => o.name === 'experts_up')!;
    })();
    expect(extra(bf16, bound('h100-sxm', 'vllm-0.6'), 'decode')).toBe(0);
    for (const rt of ['sglang-0.4', 'sglang-0.4.5', 'vllm-0.6']) expect(bound('h100-sxm', rt).runtime!.kernels.int4MoePerExpert).toEqual({});
  });
  it('a child file\'s false turns its parent\'s off (no layer has 0 experts)', () => {
    const hw = bound('h100-sxm', 'vllm-0.6');
    const off = { ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, int4MoePerExpert: { upToExperts: 0 } } } };
    expect(extra(ds, off, 'decode')).toBe(0);
  });
});
