// runtimes/deepspeed-2021.yaml: ZeRO-3 as DeepSpeed v0.3.13-v0.5.10 ran it. Every parameter's all-gather starts with
// torch.cuda.synchronize() and every module fetch ends with another, so no ZeRO-3 collective runs beside compute: the
// runtime sets overlap.fsdp_prefetch 0 over deepspeed and the whole ZeRO-3 traffic is exposed. Below ZeRO-3 it is
// deepspeed.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import type { DecoderModel } from '../src/spec/types.js';

const model = libraryModel('llama-2-7b') as DecoderModel;
const a100 = getLibrary().hardware['a100-sxm4-80gb']!;
const run = (id: string, devices: number, zero: number) =>
  simulateTraining(buildTrainRequest(model, bindRuntime(a100, libraryRuntime(id)), { devices, dp: devices, zero, seqLen: 4096, globalBatch: devices, microBatch: 1, recompute: 'full', dtype: 'bf16' }));

describe('deepspeed-2021: ZeRO-3 with the synchronising fetch', () => {
  it('extends deepspeed and hides no ZeRO-3 traffic', () => {
    const rt = libraryRuntime('deepspeed-2021');
    expect(rt.overlap?.fsdpPrefetch).toBe(0);
    expect(rt.training?.zero3Gather).toBe(libraryRuntime('deepspeed').training?.zero3Gather);
  });
  it('under ZeRO-3 on 64 GPUs the step adds all of its gathers and reduce-scatters to the compute', () => {
    const old = run('deepspeed-2021', 64, 3), now = run('deepspeed', 64, 3);
    // same compute, more exposed data-parallel time: the later releases hide most of it behind the layers
    expect(old.breakdown.compute_s).toBeCloseTo(now.breakdown.compute_s, 9);
    expect(old.breakdown.dp_comm_s).toBeGreaterThan(now.breakdown.dp_comm_s * 1.5);
    expect(old.step_s).toBeCloseTo(old.breakdown.compute_s + old.breakdown.dp_comm_s + old.breakdown.optimizer_s, 6);
  });
  it('below ZeRO-3 it prices as deepspeed', () => {
    expect(run('deepspeed-2021', 64, 1).step_s).toBeCloseTo(run('deepspeed', 64, 1).step_s, 9);
  });
});
