// The pipeline schedule a run gets when it names none follows the runtime's framework where the runtime says what that
// framework does (training.default_schedule): Megatron-LM (and NeMo's MegatronStrategy, which extends it) interleave
// only when virtual stages are asked for, torchtitan's ParallelismConfig defaults to "1F1B". A runtime that says
// nothing keeps the production default of src/sim/training/schedule.ts (interleaved where the split allows), and a
// schedule or --interleave the run names always wins.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const llama70 = lib.models['llama-3.1-70b']! as DecoderModel;
const h100 = lib.hardware['h100-sxm']!;
const layout = { devices: 64, tp: 8, pp: 4, seqLen: 4096, globalBatch: 128, microBatch: 1, dtype: 'bf16' as const };
const req = (runtime: string, extra: Record<string, unknown> = {}) => buildTrainRequest(llama70, bindRuntime(h100, libraryRuntime(runtime)), { ...layout, ...extra });

describe('default pipeline schedule: the framework default where the runtime gives one', () => {
  it('megatron and torchtitan run plain 1F1B when the run names no schedule', () => {
    for (const rt of ['megatron', 'torchtitan']) {
      expect(libraryRuntime(rt).training?.defaultSchedule).toBe('1f1b');
      const r = req(rt);
      expect([r.schedule, r.interleave]).toEqual(['1f1b', 1]);
    }
  });

  it('nemo interleaves by default (its pipelined recipes set virtual stages), never DualPipe, and 1F1B when the split cannot', () => {
    expect(libraryRuntime('nemo').training?.defaultSchedule).toBe('interleaved');
    const r = req('nemo');
    expect(r.schedule).toBe('interleaved');
    expect(r.interleave).toBeGreaterThan(1);
    expect(r.interleave).toBe(req('jax').interleave); // the production chunking
    // fewer micro-batches than stages: Megatron's interleaved schedule cannot run, plain 1F1B
    expect([req('nemo', { globalBatch: 6 }).schedule, req('nemo', { globalBatch: 6 }).interleave]).toEqual(['1f1b', 1]);
    const ds = lib.models['deepseek-v3']! as DecoderModel;
    const moe = buildTrainRequest(ds, bindRuntime(h100, libraryRuntime('nemo')), { devices: 256, tp: 1, pp: 8, ep: 32, seqLen: 4096, globalBatch: 256, microBatch: 1, dtype: 'bf16' });
    expect(moe.schedule).toBe('interleaved');
  });

  it('a runtime without a default keeps the production default (interleaved where the split allows)', () => {
    expect(libraryRuntime('jax').training?.defaultSchedule).toBeUndefined();
    const r = req('jax');
    expect(r.schedule).toBe('interleaved');
    expect(r.interleave).toBeGreaterThan(1);
  });

  it('a named schedule or --interleave wins over the runtime default, and 1F1B carries the larger bubble', () => {
    expect(req('megatron', { schedule: 'interleaved' }).schedule).toBe('interleaved');
    expect(req('megatron', { interleave: 5 }).interleave).toBe(5);
    const plain = simulateTraining(req('megatron'));
    const inter = simulateTraining(req('megatron', { schedule: 'interleaved' }));
    expect(plain.breakdown.pp_bubble_s).toBeGreaterThan(inter.breakdown.pp_bubble_s);
    expect(plain.step_s).toBeGreaterThan(inter.step_s);
  });
});
