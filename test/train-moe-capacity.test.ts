// MaxText's token-dropping dense MoE (runtime training.moe_capacity_factor, src/sim/training/moe-capacity.ts): every
// expert computed over its capacity C = int(max(ceil(S·k/E)·cf, cf)) per batch row, plus the one-hot dispatch and
// combine einsums (MaxText/layers/moe.py dense_matmul / generate_masks).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { capacityDispatch, expertCapacity } from '../src/sim/training/moe-capacity.js';
import { layerForwardOps, passCost } from '../src/sim/training/layer-cost.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import type { PlanShape } from '../src/sim/training/plan.js';
import type { NormalizedModel } from '../src/spec/types.js';

const lib = getLibrary();
const tpu = lib.hardware['tpu-v6e']!;
const mixtral = libraryModel('mixtral-8x7b');
const s = decoderShape(mixtral as Extract<NormalizedModel, { family: 'decoder' }>);
const plan: PlanShape = { devices: 256, tp: 1, pp: 1, cp: 1, dp: 256, ep: 1, interleave: 1, schedule: '1f1b', seqLen: 4096, globalBatch: 3072, microBatch: 12 };
const flops = (ops: { name: string; flops: number; count: number }[], re: RegExp) => ops.filter((o) => re.test(o.name)).reduce((a, o) => a + o.flops * o.count, 0);

describe('MaxText dense-dispatch MoE capacity', () => {
  it('computes the capacity as moe.py generate_masks does', () => {
    expect(expertCapacity(4096, 2, 8, 1.25)).toBe(1280); // Mixtral 8x7B at 4096 tokens: ceil(1024) × 1.25
    expect(expertCapacity(10, 1, 8, 1.25)).toBe(2); // int(ceil(1.25) × 1.25) = int(2.5)
    expect(expertCapacity(4, 1, 64, 1.5)).toBe(1); // the max(…, cf) floor: int(1.5)
  });
  it('adds dispatch and combine einsums of 2·S·E·C·M FLOP per batch row each, and runs the experts over E·C rows', () => {
    const C = 1280;
    const d = capacityDispatch(s, plan, 1.25, 'bf16');
    for (const o of d.ops) expect(o.flops * o.count).toBe(2 * plan.microBatch * 4096 * s.experts * C * s.hidden);
    expect(d.expertRows).toBe(plan.microBatch * s.experts * C);
    const dense = layerForwardOps(s, plan, { moe: true, gemmDtype: 'bf16', capacityFactor: 1.25 });
    const routed = layerForwardOps(s, plan, { moe: true, gemmDtype: 'bf16' });
    // the experts' FLOPs rise by E·C / (S·k) = 1.25 on this shape
    expect(flops(dense, /^expert_/) / flops(routed, /^expert_/)).toBeCloseTo(1.25, 9);
    // no row gathers in the dense path; the einsums instead
    expect(dense.some((o) => /moe_(permute|unpermute|sort)/.test(o.name))).toBe(false);
    expect(routed.some((o) => o.name === 'moe_dispatch')).toBe(false);
  });
  it('prices one backward pass for the dispatch einsum (boolean mask) and two for the combine', () => {
    const d = capacityDispatch(s, plan, 1.25, 'bf16');
    const hw = bindRuntime(tpu, libraryRuntime('maxtext-dropping'));
    const [dispatch, combine] = d.ops;
    const one = (o: (typeof d.ops)[number]) => passCost([o], hw, 'none');
    expect(one(dispatch!).bwdFlops).toBe(one(dispatch!).fwdFlops);
    expect(one(combine!).bwdFlops).toBe(2 * one(combine!).fwdFlops);
  });
  it('makes the Mixtral TPU step slower than the dropless pricing, and leaves dense models alone', () => {
    const rt = libraryRuntime('maxtext-dropping');
    expect(rt.training?.moeCapacityFactor).toBe(1.25);
    const step = (model: NormalizedModel, runtime: string) =>
      simulateTraining(buildTrainRequest(model, bindRuntime(tpu, libraryRuntime(runtime)), { devices: 256, dp: 256, ep: 1, zero: 3, seqLen: 4096, globalBatch: 3072, microBatch: 12, recompute: 'full', dtype: 'bf16' })).step_s;
    const ratio = step(mixtral, 'maxtext-dropping') / step(mixtral, 'jax');
    // experts 1.25x plus the einsums (~0.24x of the routed expert FLOPs) on the MoE share of the step
    expect(ratio).toBeGreaterThan(1.15);
    expect(ratio).toBeLessThan(1.5);
    const llama = libraryModel('llama-3.1-8b');
    const dense = (runtime: string) =>
      simulateTraining(buildTrainRequest(llama, bindRuntime(tpu, libraryRuntime(runtime)), { devices: 256, dp: 256, zero: 3, seqLen: 4096, globalBatch: 512, microBatch: 2, recompute: 'full', dtype: 'bf16' })).step_s;
    expect(dense('maxtext-dropping')).toBe(dense('jax'));
  });
  it('exchanges the whole capacity tensor across expert shards: E·C/(S·k) = 1.25x the routed copies', () => {
    const mixtral22 = libraryModel('mixtral-8x22b');
    const ep = (runtime: string) =>
      simulateTraining(buildTrainRequest(mixtral22, bindRuntime(tpu, libraryRuntime(runtime)), { devices: 256, dp: 256, ep: 4, zero: 3, seqLen: 4096, globalBatch: 2048, microBatch: 8, recompute: 'full', dtype: 'bf16' })).breakdown.ep_comm_s;
    const ratio = ep('maxtext-dropping') / ep('jax');
    expect(ratio).toBeGreaterThan(1.15); // the shaped collective rate rises a little with the larger message
    expect(ratio).toBeLessThanOrEqual(1.25 + 1e-9);
  });
});
