// MoE blocks that loop over their experts in Python under DeepSpeed (runtimes/deepspeed.yaml training.expert_loop;
// src/sim/training/expert-loop.ts) and ZeRO-3's per-module all-gathers (training.zero3_gather: module;
// src/sim/training/zero3-modules.ts).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { expertLoopHostFloor, hitExperts } from '../src/sim/training/expert-loop.js';
import { zero3ModuleGathers } from '../src/sim/training/zero3-modules.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import type { ExpertLoop, NormalizedRuntime } from '../src/spec/types.js';
import { runtimeOfSoftware } from '../src/runtime/software.js';

const a100 = getLibrary().hardware['a100-sxm4-80gb']!;
const deepspeed = libraryRuntime('deepspeed');
const loop = deepspeed.training!.expertLoop!;
// the same runtime with the experts batched (no Python loop) and with bucketed ZeRO-3 gathers
const noLoop: NormalizedRuntime = { ...deepspeed, training: { ...deepspeed.training, expertLoop: undefined } };
const bucketed: NormalizedRuntime = { ...deepspeed, training: { ...deepspeed.training, zero3Gather: 'bucket' } };
const qwen3 = libraryModel('qwen3-30b-a3b');

function run(rt: NormalizedRuntime, o: { zero?: number; ep?: number; seqLen?: number; dp?: number } = {}) {
  const dp = o.dp ?? 16;
  return simulateTraining(
    buildTrainRequest(qwen3, bindRuntime(a100, rt), { devices: dp, dp, ep: o.ep, zero: o.zero ?? 3, seqLen: o.seqLen ?? 8192, globalBatch: dp, microBatch: 1, recompute: 'full', dtype: 'bf16' }),
  );
}

describe('Python expert loop (Hugging Face sparse MoE blocks, DeepSpeed-MoE Experts)', () => {
  it('hit experts: every expert at training token counts, about k at one token', () => {
    expect(hitExperts(8192, 128, 8)).toBeCloseTo(128, 6);
    expect(hitExperts(1, 128, 8)).toBeCloseTo(8, 9);
    expect(hitExperts(1, 128, 8, 16)).toBeCloseTo(1, 9); // 16 local experts of 128: one in eight of the k
    expect(hitExperts(4, 128, 8)).toBeLessThan(32);
    expect(hitExperts(0, 128, 8)).toBe(0);
  });
  it('host time per layer = hit experts × (loop body + ZeRO-3 hook ops per module), backward kernels at launch.per_kernel', () => {
    const l: ExpertLoop = { expertFwdS: 166e-6, expertKernelsBwd: 19, zero3OpsFwd: 43, zero3OpsBwd: 58 };
    const z3 = expertLoopHostFloor(l, 128, 10e-6, true);
    expect(z3.fwdS).toBeCloseTo(128 * (166e-6 + 43 * 10e-6), 12);
    expect(z3.bwdS).toBeCloseTo(128 * (19 * 10e-6 + 58 * 10e-6), 12);
    const z2 = expertLoopHostFloor(l, 128, 10e-6, false);
    expect(z2.fwdS).toBeCloseTo(128 * 166e-6, 12);
    expect(z2.bwdS).toBeCloseTo(128 * 19 * 10e-6, 12);
    expect(expertLoopHostFloor(l, 8, 10e-6, true, 2).fwdS).toBeCloseTo(2 * expertLoopHostFloor(l, 8, 10e-6, true).fwdS, 12);
  });
  it('deepspeed cites its counts: 3 nn.Linear + 7 tensor ops forward, 19 backward kernels, hook ops per expert', () => {
    expect(loop.expertFwdS).toBeCloseTo(3 * 30.8e-6 + 7 * 10.5e-6, 6);
    expect(loop.expertKernelsBwd).toBe(19);
    // 3 parameter modules × (11 fetch / release ops; 16 with the gradient hook) + 5 hooked modules × 2 autograd functions
    expect(loop.zero3OpsFwd).toBe(3 * 11 + 5 * 2);
    expect(loop.zero3OpsBwd).toBe(3 * 16 + 5 * 2);
    expect(deepspeed.training!.zero3Gather).toBe('module');
  });
  it('the Hugging Face block holds every expert on every rank: no expert parallelism unless --ep says so', () => {
    expect(run(deepspeed).ep).toBe(1);
    expect(run(deepspeed, { ep: 8 }).ep).toBe(8);
    expect(run(noLoop).ep).toBe(16); // the engine's default: experts over the data-parallel ranks
  });
  it('the loop makes a MoE step host-bound: slower than batched experts, more so under ZeRO-3 hooks', () => {
    const looped = run(deepspeed, { ep: 1 });
    const batched = run(noLoop, { ep: 1 });
    expect(looped.step_s!).toBeGreaterThan(2 * batched.step_s!);
    expect(looped.hardware_flops_per_step).toBeCloseTo(batched.hardware_flops_per_step!, 0); // same work
    const z2 = run(deepspeed, { ep: 1, zero: 2 });
    expect(looped.step_s!).toBeGreaterThan(z2.step_s!);
    // the host time per layer does not shrink with the tokens once every expert is hit: a 4x shorter sequence
    // takes far more than a quarter of the time
    const short = run(deepspeed, { ep: 1, seqLen: 2048 });
    expect(short.step_s! / looped.step_s!).toBeGreaterThan(0.6);
  });
  it('dense models under deepspeed are unchanged by the loop', () => {
    const m = libraryModel('qwen2.5-14b');
    const t = (rt: NormalizedRuntime) =>
      simulateTraining(buildTrainRequest(m, bindRuntime(a100, rt), { devices: 8, dp: 8, zero: 3, seqLen: 8192, globalBatch: 16, microBatch: 1, recompute: 'full', dtype: 'bf16' })).step_s!;
    expect(t(deepspeed)).toBeCloseTo(t(noLoop), 9);
  });
});

describe('MoE blocks as ZeRO-3 leaf modules (runtimes/llamafactory.yaml training.zero3_moe_leaf)', () => {
  const lf = libraryRuntime('llamafactory');
  it('a row naming LLaMA-Factory runs under llamafactory, plain DeepSpeed under deepspeed', () => {
    expect(runtimeOfSoftware('LLaMA-Factory 0.9.3 (DeepSpeed ZeRO-3)')).toBe('llamafactory');
    expect(runtimeOfSoftware('LlamaFactory')).toBe('llamafactory');
    expect(runtimeOfSoftware('DeepSpeed ZeRO-3')).toBe('deepspeed');
  });
  it('llamafactory marks the block a leaf and keeps the expert loop', () => {
    expect(lf.training!.zero3MoeLeaf).toBe(true);
    expect(lf.training!.expertLoop).toEqual(loop);
    expect(deepspeed.training!.zero3MoeLeaf).toBeUndefined();
  });
  it('a leaf block pays no per-expert hook ops: faster than per-module hooks, slower than batched experts', () => {
    const leaf = run(lf).step_s!;
    expect(leaf).toBeLessThan(run(deepspeed).step_s!);
    // batched experts gathered the same way (one leaf block): only the host loop differs (a non-leaf block under full
    // recompute also gathers its early experts again in the backward: src/sim/training/zero3-modules.ts)
    const batchedLeaf: NormalizedRuntime = { ...noLoop, training: { ...noLoop.training, zero3MoeLeaf: true } };
    expect(leaf).toBeGreaterThan(run(batchedLeaf, { ep: 1 }).step_s!);
    // without ZeRO-3 there are no hooks to skip: the same host time either way
    expect(run(lf, { zero: 2, ep: 1 }).step_s!).toBeCloseTo(run(deepspeed, { zero: 2, ep: 1 }).step_s!, 9);
  });
  it('a leaf block is one gather per MoE layer, router and experts together', () => {
    const s = decoderShape(qwen3);
    const p = { tp: 1, pp: 1, cp: 1, dp: 16, ep: 1, etp: 1, microBatch: 1, seqLen: 8192, globalBatch: 16, devices: 16, interleave: 1, schedule: '1f1b' as const };
    const g = zero3ModuleGathers(s, p, true);
    expect(g.expert).toEqual([{ count: 48, params: 3 * 128 * s.hidden * s.expertWidth + 128 * s.hidden }]);
    const all = (x: ReturnType<typeof zero3ModuleGathers>) => [...x.dense, ...x.expert].reduce((t, y) => t + y.count * y.params, 0);
    expect(all(g)).toBeCloseTo(all(zero3ModuleGathers(s, p)), 0); // the same parameters, in fewer gathers
  });
});

describe('ZeRO-3 per-module all-gathers', () => {
  it('one gather per parameter-holding module: 4 attention projections, the router and 3 per expert in every MoE layer', () => {
    const s = decoderShape(qwen3);
    const g = zero3ModuleGathers(s, { tp: 1, pp: 1, cp: 1, dp: 16, ep: 1, etp: 1, microBatch: 1, seqLen: 8192, globalBatch: 16, devices: 16, interleave: 1, schedule: '1f1b' });
    const count = (l: { count: number }[]) => l.reduce((t, x) => t + x.count, 0);
    expect(count(g.expert)).toBe(48 * 128 * 3);
    expect(g.expert[0]!.params).toBe(s.hidden * s.expertWidth);
    expect(count(g.dense)).toBe(48 * 4 + 48 + 2); // + embedding and untied LM head
    const params = [...g.dense, ...g.expert].reduce((t, x) => t + x.count * x.params, 0);
    // every parameter but the norm weights (kept gathered under the persistence threshold)
    expect(params / s.paramsTotal).toBeGreaterThan(0.999);
    expect(params).toBeLessThanOrEqual(s.paramsTotal);
  });
  it('thousands of small expert gathers take longer than the same bytes in buckets', () => {
    // at a device-bound sequence the ZeRO-3 traffic is what differs; compare the all-gather time through dp_comm with
    // prefetch off (a runtime that hides nothing)
    const exposed = (rt: NormalizedRuntime): NormalizedRuntime => ({ ...rt, overlap: { ...rt.overlap, fsdpPrefetch: 0 } });
    const modules = run(exposed(noLoop), { ep: 1 }).breakdown.dp_comm_s;
    const buckets = run(exposed({ ...noLoop, training: { ...noLoop.training, zero3Gather: 'bucket' } }), { ep: 1 }).breakdown.dp_comm_s;
    expect(modules).toBeGreaterThan(buckets);
    expect(run(bucketed).step_s!).toBeGreaterThan(0);
  });
});
