// training.fsdp_reshard step (src/sim/training/fsdp-reshard.ts): FSDP units that stay gathered through the step and
// reduce their accumulated gradients once (NeMo AutoModel's MoE models: reshard_after_forward=False and
// prepare_for_grad_accumulation; torch.distributed.pipelining's backward_maybe_with_nosync) move one all-gather and one
// reduce-scatter per step, not two all-gathers and a reduce-scatter per micro-batch. runtimes/automodel.yaml sets it
// with AutoModel's TE + DeepEP backend.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { fsdpStepTraffic } from '../src/sim/training/fsdp-reshard.js';
import { fsdpCopyBytesPerParam } from '../src/sim/training/fsdp-copies.js';
import type { DecoderModel, NormalizedHardware, NormalizedRuntime } from '../src/spec/types.js';

const h100 = getLibrary().hardware['h100-sxm']!;
const automodel = libraryRuntime('automodel');
// the same runtime with FSDP2's default resharding every micro-batch
const perMicroBatch: NormalizedRuntime = { ...automodel, training: { ...automodel.training, fsdpReshard: undefined } };
// a dense model at a short sequence, whose ZeRO-3 traffic shows beside its compute
const model = libraryModel('llama-3.1-8b') as DecoderModel;
const run = (rt: NormalizedRuntime, globalBatch: number, hw: NormalizedHardware = h100) =>
  simulateTraining(buildTrainRequest(model, bindRuntime(hw, rt), { devices: 8, dp: 8, zero: 3, seqLen: 2048, globalBatch, microBatch: 1, recompute: 'none', dtype: 'bf16' }));

describe('fsdp_reshard step: one all-gather and one reduce-scatter per step', () => {
  it('is what runtimes/automodel.yaml states, with the TE + DeepEP backend', () => {
    expect(automodel.training?.fsdpReshard).toBe('step');
    expect(automodel.training?.epDispatcher).toBe('node_aware');
    expect(automodel.training?.elementwise).toBe('fused');
    // TE's cuDNN attention: the part's own rate, not torchtitan's SDPA flash backend on Hopper
    expect(bindRuntime(h100, automodel).efficiency.attention).toBe(h100.efficiency.attention);
    expect(bindRuntime(h100, libraryRuntime('torchtitan')).efficiency.attention).toBeLessThan(h100.efficiency.attention);
  });
  it('counts the traffic once per step, or 2 gathers + 1 reduce-scatter per micro-batch', () => {
    const bound = bindRuntime(h100, automodel);
    // kept gathered over 16 micro-batches: once, hidden behind the first and the last micro-batch
    expect(fsdpStepTraffic(bound, 3, 5, 16)).toEqual({ perS: 8, times: 1, windows: 2 });
    expect(fsdpStepTraffic(bound, 3, 5, 1)).toEqual({ perS: 8, times: 1, windows: 1 });
    expect(fsdpStepTraffic(bindRuntime(h100, perMicroBatch), 3, 5, 16)).toEqual({ perS: 11, times: 16, windows: 1 });
    // FSDP2's copies: one copy-out instead of two
    expect(fsdpCopyBytesPerParam(2, 4, 1)).toBe(fsdpCopyBytesPerParam(2, 4) - 4);
  });
  it('a single micro-batch differs only by the second all-gather', () => {
    const step = run(automodel, 8), each = run(perMicroBatch, 8);
    expect(step.breakdown.dp_comm_s).toBeLessThan(each.breakdown.dp_comm_s);
    expect(step.breakdown.compute_s).toBeLessThanOrEqual(each.breakdown.compute_s);
  });
  it('the ZeRO-3 cost no longer grows with gradient accumulation', () => {
    const step1 = run(automodel, 8), step8 = run(automodel, 64);
    const each1 = run(perMicroBatch, 8), each8 = run(perMicroBatch, 64);
    // per micro-batch resharding: 8 micro-batches pay 8 times the exposed traffic; kept gathered: once
    expect(each8.breakdown.dp_comm_s).toBeCloseTo(8 * each1.breakdown.dp_comm_s, 6);
    expect(step8.breakdown.dp_comm_s).toBeLessThanOrEqual(step1.breakdown.dp_comm_s);
    expect(step8.step_s).toBeLessThan(each8.step_s);
    // more work never costs less
    expect(step8.step_s).toBeGreaterThan(step1.step_s);
  });
});

describe('fsdp_reshard pipeline: torchtitan keeps FSDP2 blocks gathered under PP only', () => {
  const titan = libraryRuntime('torchtitan');
  const llama70 = libraryModel('llama-3.1-70b') as DecoderModel;
  const pp = (rt: NormalizedRuntime, ppSize: number, globalBatch: number) =>
    simulateTraining(buildTrainRequest(llama70, bindRuntime(h100, rt), { devices: 64, pp: ppSize, dp: 64 / ppSize, zero: 3, seqLen: 4096, globalBatch, microBatch: 1, recompute: 'full', dtype: 'bf16' }));
  it('is torchtitan\'s (and its compile / float8 children\'s); FSDP1 keeps the per-micro-batch pattern', () => {
    expect(titan.training?.fsdpReshard).toBe('pipeline');
    expect(libraryRuntime('torchtitan-float8').training?.fsdpReshard).toBe('pipeline');
    expect(libraryRuntime('fsdp1').training?.fsdpReshard).toBe('micro_batch');
    expect(fsdpStepTraffic(bindRuntime(h100, titan), 3, 5, 16, 1)).toEqual({ perS: 11, times: 16, windows: 1 });
    expect(fsdpStepTraffic(bindRuntime(h100, titan), 3, 5, 16, 4)).toEqual({ perS: 8, times: 1, windows: 2 });
  });
  it('under PP the ZeRO-3 traffic is the step\'s, not the micro-batches\'', () => {
    const each: NormalizedRuntime = { ...titan, training: { ...titan.training, fsdpReshard: 'micro_batch' } };
    const kept = pp(titan, 4, 128), resharded = pp(each, 4, 128);
    expect(kept.breakdown.dp_comm_s).toBeLessThan(resharded.breakdown.dp_comm_s);
    expect(kept.step_s).toBeLessThan(resharded.step_s);
    // without PP nothing changes
    expect(pp(titan, 1, 128).step_s).toBe(pp(each, 1, 128).step_s);
  });
});

describe('memory of units kept gathered through the step', () => {
  const titan = libraryRuntime('torchtitan');
  const each: NormalizedRuntime = { ...titan, training: { ...titan.training, fsdpReshard: 'micro_batch' } };
  const llama70 = libraryModel('llama-3.1-70b') as DecoderModel;
  const mem = (rt: NormalizedRuntime, globalBatch: number) =>
    simulateTraining(buildTrainRequest(llama70, bindRuntime(h100, rt), { devices: 64, pp: 4, dp: 16, zero: 3, seqLen: 4096, globalBatch, microBatch: 1, recompute: 'full', dtype: 'bf16' })).memory;
  it('holds the stage unsharded: fits when resharded every micro-batch, not when kept gathered', () => {
    const kept = mem(titan, 64), resharded = mem(each, 64);
    expect(resharded.fits).toBe(true);
    expect(kept.fits).toBe(false);
    // a quarter of the 70B model per stage, held whole in bf16 (~35 GB) against its 1/16 ZeRO-3 shard, and its
    // accumulated gradients in fp32 (the reduce dtype): twice the weights
    expect(kept.weights_bytes).toBeGreaterThan(8 * resharded.weights_bytes);
    expect(kept.gradients_bytes).toBeCloseTo(2 * kept.weights_bytes, -6);
  });
  it('one micro-batch holds the parameters but reduces its gradients in the backward', () => {
    const one = (rt: NormalizedRuntime) => simulateTraining(buildTrainRequest(llama70, bindRuntime(h100, rt), { devices: 64, pp: 4, dp: 16, zero: 3, seqLen: 4096, globalBatch: 16, microBatch: 1, recompute: 'full', dtype: 'bf16' })).memory;
    expect(one(titan).gradients_bytes).toBe(one(each).gradients_bytes);
    expect(one(titan).weights_bytes).toBeGreaterThan(one(each).weights_bytes);
  });
  it('automodel holds bf16 Adam moments and no fp32 master (optimizer_state_bytes 4)', () => {
    expect(automodel.training?.optimizerStateBytes).toBe(4);
    const a = run(automodel, 8).memory, t = run({ ...automodel, training: { ...automodel.training, optimizerStateBytes: undefined } }, 8).memory;
    expect(t.optimizer_bytes / a.optimizer_bytes).toBeCloseTo(12 / 4, 9);
  });
});
