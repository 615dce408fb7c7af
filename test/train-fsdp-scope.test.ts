// ZeRO-3 sharded inside the scale-up domain (src/sim/training/fsdp-scope.ts): under a runtime with training.fsdp_scope
// scale_up (runtimes/jax.yaml: MaxText's ici_fsdp_parallelism -1 / dcn_data_parallelism -1) a multislice job keeps its
// per-layer gathers and reduce-scatters on the slice's ICI, shards the states over the slice only, and all-reduces
// the gradient shards across slices once per step; a job inside one slice is unchanged.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { shardGroups } from '../src/sim/training/fsdp-scope.js';
import type { DecoderModel, NormalizedRuntime } from '../src/spec/types.js';

const gpt3 = libraryModel('gpt3-175b') as DecoderModel;
const v6e = getLibrary().hardware['tpu-v6e']!;
const jax = libraryRuntime('jax');
const whole: NormalizedRuntime = { ...jax, training: { ...jax.training, fsdpScope: 'all' } };
const run = (rt: NormalizedRuntime, devices: number) =>
  simulateTraining(buildTrainRequest(gpt3, bindRuntime(v6e, rt), { devices, dp: devices, zero: 3, seqLen: 2048, globalBatch: 2 * devices, microBatch: 2, recompute: 'full', dtype: 'bf16' }));

describe('fsdp_scope scale_up: FSDP inside the ICI slice, data parallel across slices', () => {
  it('is what the jax runtime says (MaxText base.yml)', () => {
    expect(jax.training?.fsdpScope).toBe('scale_up');
  });
  it('shards over the data-parallel ranks of one domain, a divisor of the group, only under ZeRO-3', () => {
    const hw = bindRuntime(v6e, jax);
    const plan = { tp: 1, pp: 1, cp: 1, dp: 1024, ep: 1 } as Parameters<typeof shardGroups>[1];
    expect(shardGroups(hw, plan, 3)).toEqual({ dense: 256, expert: 256 });
    expect(shardGroups(hw, { ...plan, dp: 96 }, 3).dense).toBe(96);
    expect(shardGroups(hw, { ...plan, dp: 768, tp: 1 }, 3).dense).toBe(256);
    // the largest divisor of 300 that also divides the domain's 256 ranks: groups of 150 would put ranks 150-299 on
    // two domains
    expect(shardGroups(hw, { ...plan, dp: 300 }, 3).dense).toBe(4);
    expect(shardGroups(hw, plan, 1).dense).toBe(1024);
    expect(shardGroups(bindRuntime(v6e, whole), plan, 3).dense).toBe(1024);
  });
  it('leaves a one-slice job as it was', () => {
    const a = run(jax, 256);
    const b = run(whole, 256);
    expect(a.step_s).toBe(b.step_s);
    expect(a.memory.per_device_bytes).toBe(b.memory.per_device_bytes);
  });
  it('keeps a 4-slice job\'s per-layer traffic off DCN: far less data-parallel time, and states sharded 256 ways', () => {
    const a = run(jax, 1024);
    const b = run(whole, 1024);
    expect(a.breakdown.compute_s).toBe(b.breakdown.compute_s);
    // whole-group ZeRO-3 gathers 175B weights twice and reduce-scatters their gradients every micro-batch across
    // slices; the slice-local layout moves them over ICI and sends each slice's 1/256 gradient shard across once
    expect(a.breakdown.dp_comm_s).toBeLessThan(0.25 * b.breakdown.dp_comm_s);
    expect(a.breakdown.dp_comm_s).toBeGreaterThan(0);
    // 16 bytes of weights, gradients and Adam states per parameter over 256 chips instead of 1024
    expect(a.memory.per_device_bytes - b.memory.per_device_bytes).toBeGreaterThan(0.9 * 16 * 174.6e9 * (1 / 256 - 1 / 1024));
  });
});

