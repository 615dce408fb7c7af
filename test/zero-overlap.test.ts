// DeepSpeed ZeRO's overlap_comm default by stage, ZeRO-1/2's parameter all-gather inside the optimizer step and ZeRO-2's
// per-micro-batch reduction (runtimes/deepspeed.yaml training.zero_overlap_comm / zero_param_gather / zero2_reduce,
// src/sim/training/zero-overlap.ts), and `--set runtime.overlap_comm` for a run whose config sets it.
import { describe, expect, it } from 'vitest';
import { runTrain } from '../src/sim/training/from-args.js';
import { zeroReduceOnCompute } from '../src/sim/training/zero-overlap.js';
import { getLibrary } from '../src/spec/library.js';
import type { NormalizedHardware, NormalizedRuntime } from '../src/spec/types.js';
import type { TrainResult } from '../src/sim/training/types.js';

const deepspeed = getLibrary().runtimes['deepspeed'] as NormalizedRuntime;
const base = { model: 'qwen2.5-14b', hardware: 'a800-sxm4-80gb', devices: 8, dp: 8, 'seq-len': 8192, 'micro-batch': 1, dtype: 'bf16', recompute: 'full' };
const run = async (o: { zero: number; gb?: number; set?: string[]; runtime?: string | NormalizedRuntime }) =>
  (await runTrain({ ...base, runtime: o.runtime ?? 'deepspeed', zero: o.zero, 'global-batch': o.gb ?? 16, set: o.set })) as TrainResult;
const dp = async (o: Parameters<typeof run>[0]) => (await run(o)).breakdown.dp_comm_s;
// the deepspeed runtime without the three ZeRO fields: the reduction and the gather streamed as overlap.dp_grad says
const streamed: NormalizedRuntime = { ...deepspeed, training: { ...deepspeed.training, zeroOverlapComm: undefined, zeroParamGather: undefined, zero2Reduce: undefined } };

describe('DeepSpeed overlap_comm: off by default below ZeRO-3, on at ZeRO-3 (config.py overlap_comm_valid)', () => {
  it('the runtime file says so', () => {
    expect(deepspeed.training?.zeroOverlapComm).toBe('stage3');
    const hw = (zero: 'on' | 'off' | 'stage3' | undefined) => ({ runtime: { ...deepspeed, training: { ...deepspeed.training, zeroOverlapComm: zero } } }) as unknown as NormalizedHardware;
    expect([1, 2, 3].map((z) => zeroReduceOnCompute(hw('stage3'), z as 1 | 2 | 3))).toEqual([true, true, false]);
    expect([1, 2, 3].map((z) => zeroReduceOnCompute(hw('off'), z as 1 | 2 | 3))).toEqual([true, true, true]);
    expect([0, 1, 2, 3].map((z) => zeroReduceOnCompute(hw('on'), z as 0 | 1 | 2 | 3))).toEqual([false, false, false, false]);
    expect(zeroReduceOnCompute(hw(undefined), 1)).toBe(false);
    expect(zeroReduceOnCompute(hw('off'), 0)).toBe(false);
  });
  it('ZeRO-2 default: the reduction on the compute stream costs more than with overlap_comm true; the run that sets it is priced as set', async () => {
    const def = await dp({ zero: 2 });
    const on = await dp({ zero: 2, set: ['runtime.overlap_comm=true'] });
    expect(def).toBeGreaterThan(on);
    expect(await dp({ zero: 2, set: ['runtime.overlap_comm=false'] })).toBeCloseTo(def, 12);
  });
  it('ZeRO-3 default is overlap_comm true; false exposes the reduce-scatter', async () => {
    const def = await dp({ zero: 3 });
    expect(await dp({ zero: 3, set: ['runtime.overlap_comm=true'] })).toBeCloseTo(def, 12);
    expect(await dp({ zero: 3, set: ['runtime.overlap_comm=false'] })).toBeGreaterThan(def);
  });
  it('a bad value is one line naming the field', async () => {
    await expect(run({ zero: 2, set: ['runtime.overlap_comm=maybe'] })).rejects.toThrow(/^--set runtime\.overlap_comm: /);
  });
});

describe('ZeRO-1/2 parameter all-gather inside step(), ZeRO-2 reduction every micro-batch', () => {
  it('even with overlap_comm true the ZeRO-2 step pays the gather that the streamed pricing hides', async () => {
    expect(await dp({ zero: 2, set: ['runtime.overlap_comm=true'] })).toBeGreaterThan(await dp({ zero: 2, runtime: streamed }));
  });
  it('ZeRO-2 with the reduction exposed pays it once per micro-batch; ZeRO-1 once per step', async () => {
    const z2 = [await dp({ zero: 2, gb: 8 }), await dp({ zero: 2, gb: 16 }), await dp({ zero: 2, gb: 32 })];
    expect(z2[1]! - z2[0]!).toBeGreaterThan(0);
    expect(z2[2]! - z2[1]!).toBeCloseTo(2 * (z2[1]! - z2[0]!), 9); // 1 → 2 → 4 micro-batches: one reduction each
    const z1 = [await dp({ zero: 1, gb: 8 }), await dp({ zero: 1, gb: 32 })];
    expect(z1[1]).toBeCloseTo(z1[0]!, 12);
  });
  it('tokens per second fall with the exposed traffic, never rise', async () => {
    const t = async (o: Parameters<typeof run>[0]) => (await run(o)).tokens_per_s;
    expect(await t({ zero: 2 })).toBeLessThan(await t({ zero: 2, runtime: streamed }));
    expect(await t({ zero: 3, set: ['runtime.overlap_comm=false'] })).toBeLessThan(await t({ zero: 3 }));
  });
});
