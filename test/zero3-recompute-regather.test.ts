// DeepSpeed ZeRO-3 under full recompute gathers a layer's early modules a third time in the backward: after a module's
// recompute the trace holds its later layer-mates twice (recompute, then backward) before its own backward, and
// release_sub_module keeps it only if that is under stage3_max_reuse_distance (1e9 parameters by default;
// deepspeed/runtime/zero/partitioned_param_coordinator.py __params_to_release @v0.16.9). src/sim/training/zero3-modules.ts.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { ZERO3_MAX_REUSE_DISTANCE, zero3RecomputeRegathers } from '../src/sim/training/zero3-modules.js';
import { fsdpStepTraffic } from '../src/sim/training/fsdp-reshard.js';
import { decoderShape } from '../src/sim/training/shapes.js';

const plan = { tp: 1, pp: 1, cp: 1, dp: 64, ep: 1, etp: 1, microBatch: 1, seqLen: 2048, globalBatch: 64, devices: 64, interleave: 1, schedule: '1f1b' as const };
const params = (l: { count: number; params: number }[]) => l.reduce((t, x) => t + x.count * x.params, 0);

describe('ZeRO-3 recompute re-gathers (DeepSpeed reuse distance)', () => {
  it('GPT-3 175B (1.8e9-parameter layers): every module but the second FFN projection is gathered again', () => {
    const s = decoderShape(libraryModel('gpt3-175b'));
    const r = zero3RecomputeRegathers(s, plan);
    const h = s.hidden;
    // q, k, v, o (h² each) and the first FFN projection (4h²), per layer
    expect(params(r.dense) / s.layers).toBeCloseTo(4 * h * h + 4 * h * h, -6);
    expect(r.expert).toEqual([]);
  });

  it('an 8B model (layers under half the distance) gathers nothing again', () => {
    const s = decoderShape(libraryModel('llama-3.1-8b'));
    expect(zero3RecomputeRegathers(s, plan)).toEqual({ dense: [], expert: [] });
  });

  it('a shorter reuse distance gathers more again, never more than the layer', () => {
    const s = decoderShape(libraryModel('gpt3-175b'));
    let prev = -1;
    for (const d of [1e12, 4e9, 2e9, ZERO3_MAX_REUSE_DISTANCE, 5e8, 1e8, 0]) {
      const p = params(zero3RecomputeRegathers(s, plan, false, d).dense);
      expect(p).toBeGreaterThanOrEqual(prev);
      prev = p;
    }
    expect(prev).toBeLessThanOrEqual(s.paramsDense - s.paramsEmbedding - s.paramsHead + 1);
  });

  it('priced once per micro-batch beside the two passes; not where the parameters stay gathered', () => {
    const h100 = getLibrary().hardware['h100-sxm']!;
    const ds = bindRuntime(h100, libraryRuntime('deepspeed'));
    expect(fsdpStepTraffic(ds, 3, 5, 4, 1, 2)).toEqual({ perS: 13, times: 4, windows: 1 });
    const kept = bindRuntime(h100, { ...libraryRuntime('deepspeed'), training: { ...libraryRuntime('deepspeed').training!, fsdpReshard: 'step' } });
    expect(fsdpStepTraffic(kept, 3, 5, 4, 1, 2)).toEqual({ perS: 8, times: 1, windows: 2 });
  });

  it('GPT-3 175B on 1,536 A100s under DeepSpeed: full recompute moves more ZeRO-3 bytes than selective', () => {
    const a100 = getLibrary().hardware['a100-sxm4-80gb']!;
    const ds = libraryRuntime('deepspeed');
    // prefetch off (nothing hidden), so dp_comm is the ZeRO-3 traffic itself
    const open = { ...ds, overlap: { ...ds.overlap, fsdpPrefetch: 0 } };
    const run = (recompute: 'full' | 'selective', rt = open) =>
      simulateTraining(buildTrainRequest(libraryModel('gpt3-175b'), bindRuntime(a100, rt), { devices: 1536, dp: 1536, zero: 3, seqLen: 2048, globalBatch: 1536, microBatch: 1, dtype: 'bf16', recompute })).breakdown.dp_comm_s;
    // the re-gathered q, k, v, o and first FFN projection (8h² of each layer's 12h²) on top of 2 gathers + 1 reduce-scatter
    expect(run('full') / run('selective')).toBeGreaterThan(1.15);
    expect(run('full') / run('selective')).toBeLessThan(1.5);
    // a runtime that gathers in buckets (not module by module) has no module trace to walk: unchanged
    const bucketed = { ...open, training: { ...open.training!, zero3Gather: undefined } };
    expect(run('full', bucketed)).toBeCloseTo(run('selective', bucketed), 9);
  });
});
