// runtimes/fsdp1-hsdp.yaml: PyTorch FSDP1 HYBRID_SHARD. The runtime only sets training.fsdp_scope scale_up over fsdp1,
// so under ZeRO-3 the weights shard inside one node and the nodes all-reduce their gradient shards once per step
// (src/sim/training/fsdp-scope.ts); inside one node it prices exactly as fsdp1.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import type { DecoderModel } from '../src/spec/types.js';

const model = libraryModel('llama-2-7b') as DecoderModel;
const a100 = getLibrary().hardware['a100-sxm4-80gb']!;
const run = (id: string, devices: number) =>
  simulateTraining(buildTrainRequest(model, bindRuntime(a100, libraryRuntime(id)), { devices, dp: devices, zero: 3, seqLen: 4096, globalBatch: 2 * devices, microBatch: 2, recompute: 'none', dtype: 'bf16' }));

describe('fsdp1-hsdp: FSDP1 with HYBRID_SHARD', () => {
  it('extends fsdp1 and shards within the scale-up domain', () => {
    const rt = libraryRuntime('fsdp1-hsdp');
    expect(rt.training?.fsdpScope).toBe('scale_up');
    expect(rt.training?.fsdpLayout).toBe(libraryRuntime('fsdp1').training?.fsdpLayout);
  });
  it('inside one node it is fsdp1', () => {
    expect(run('fsdp1-hsdp', 8).step_s).toBeCloseTo(run('fsdp1', 8).step_s, 9);
  });
  it('over 16 nodes it shards over 8 ranks, not 128: more memory per device and a different step than FULL_SHARD', () => {
    const hsdp = run('fsdp1-hsdp', 128), full = run('fsdp1', 128);
    // 6.7B parameters x 16 bytes (16-bit weights and gradients, fp32 master and two Adam moments): 13.5 GB per device
    // over 8 ranks against 0.8 GB over 128
    expect(hsdp.memory.per_device_bytes - full.memory.per_device_bytes).toBeGreaterThan(10e9);
    expect(hsdp.step_s).not.toBeCloseTo(full.step_s, 3);
  });
});
