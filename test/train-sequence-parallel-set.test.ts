// A run's own sequence parallelism (`--set runtime.sequence_parallel=true|false`, runtime training.sequence_parallel):
// Megatron-LM's --sequence-parallel is opt-in, so a TP run that leaves it off splits the linears only and runs the norms
// and residual adds on the whole activation on every TP rank (src/sim/training/layer-cost.ts); the runtime file's
// setting stands where the run says nothing (megatron: split; deepspeed: not, AutoTP).
import { describe, expect, it } from 'vitest';
import { runTrain } from '../src/sim/training/from-args.js';
import { getLibrary } from '../src/spec/library.js';
import type { NormalizedRuntime } from '../src/spec/types.js';
import type { TrainResult } from '../src/sim/training/types.js';

const base = { model: 'llama-3.1-8b', hardware: 'h100-sxm', devices: 8, 'seq-len': 4096, 'micro-batch': 1, 'global-batch': 64, dtype: 'bf16' };
const step = async (o: { runtime: string; tp: number; set?: string[] }) =>
  ((await runTrain({ ...base, runtime: o.runtime, tp: o.tp, dp: 8 / o.tp, set: o.set })) as TrainResult).step_s;

describe('--set runtime.sequence_parallel', () => {
  it('the files: megatron leaves it unset (split), deepspeed says false', () => {
    const rt = (id: string) => getLibrary().runtimes[id] as NormalizedRuntime;
    expect(rt('megatron').training?.sequenceParallel).toBeUndefined();
    expect(rt('deepspeed').training?.sequenceParallel).toBe(false);
  });
  it('megatron at TP 2: false costs more than the default, true is the default', async () => {
    const def = await step({ runtime: 'megatron', tp: 2 });
    expect(await step({ runtime: 'megatron', tp: 2, set: ['runtime.sequence_parallel=true'] })).toBeCloseTo(def, 12);
    expect(await step({ runtime: 'megatron', tp: 2, set: ['runtime.sequence_parallel=false'] })).toBeGreaterThan(def);
  });
  it('at TP 1 there is nothing to split: false changes nothing', async () => {
    const def = await step({ runtime: 'megatron', tp: 1 });
    expect(await step({ runtime: 'megatron', tp: 1, set: ['runtime.sequence_parallel=false'] })).toBeCloseTo(def, 12);
  });
  it('over a file that says false (deepspeed), true splits the norms again and costs less', async () => {
    const def = await step({ runtime: 'deepspeed', tp: 2 });
    expect(await step({ runtime: 'deepspeed', tp: 2, set: ['runtime.sequence_parallel=true'] })).toBeLessThan(def);
    expect(await step({ runtime: 'deepspeed', tp: 2, set: ['runtime.sequence_parallel=false'] })).toBeCloseTo(def, 12);
  });
  it('a bad value is one line naming the field', async () => {
    await expect(step({ runtime: 'megatron', tp: 2, set: ['runtime.sequence_parallel=maybe'] })).rejects.toThrow(/^--set runtime\.sequence_parallel: /);
  });
});
