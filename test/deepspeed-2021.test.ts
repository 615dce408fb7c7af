// runtimes/deepspeed-2021.yaml: ZeRO-3 as DeepSpeed v0.3.13-v0.5.10 ran it. Every parameter's all-gather starts with
// torch.cuda.synchronize() and every module fetch ends with another, so no ZeRO-3 collective runs beside compute: the
// runtime sets overlap.fsdp_prefetch 0 over deepspeed and the whole ZeRO-3 traffic is exposed. Below ZeRO-3 it is
// deepspeed. Each of its ZeRO-3 collectives runs over a list of per-rank tensors, one copy kernel per rank of the group
// (training.zero3_rank_kernels 1): a cost that grows with the group, not with the bytes.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import type { DecoderModel } from '../src/spec/types.js';
import { zero3RankHostS } from '../src/sim/training/step.js';

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
  it('launches a copy per rank for every ZeRO-3 collective, at the runtime per-kernel host time', () => {
    const old = bindRuntime(a100, libraryRuntime('deepspeed-2021')), now = bindRuntime(a100, libraryRuntime('deepspeed'));
    const perKernel = old.runtime!.launch!.perKernelS;
    expect(zero3RankHostS(old, 1536)).toBeCloseTo(1536 * perKernel, 12);
    expect(zero3RankHostS(old, 1)).toBe(0);
    expect(zero3RankHostS(now, 1536)).toBe(0);
  });
  it('so at a fixed batch the exposed ZeRO-3 time per step grows with the ranks', () => {
    // 64 → 128 ranks at the same 64-sequence global batch: the same collectives, each over twice the ranks
    const at = (devices: number) =>
      simulateTraining(buildTrainRequest(model, bindRuntime(a100, libraryRuntime('deepspeed-2021')), { devices, dp: devices, zero: 3, seqLen: 4096, globalBatch: 128, microBatch: 1, recompute: 'full', dtype: 'bf16' }));
    const a = at(64), b = at(128);
    const perMb = (r: ReturnType<typeof at>) => r.breakdown.dp_comm_s / r.micro_batches;
    // each micro-batch gathers every one of Llama-2-7B's 32 x 7 projections twice (forward, backward) and reduce-scatters
    // it once: at least 3 x 224 collectives, each 64 copy launches dearer at 128 ranks
    const hw = bindRuntime(a100, libraryRuntime('deepspeed-2021'));
    expect(perMb(b) - perMb(a)).toBeGreaterThan(3 * 224 * (zero3RankHostS(hw, 128) - zero3RankHostS(hw, 64)));
  });
});
