// Property checks for what DeepSpeed's ZeRO optimizers leave exposed (runtime training.zero_overlap_comm,
// zero_param_gather, zero2_reduce; src/sim/training/zero-overlap.ts), over drawn models, parts, data-parallel sizes,
// stages, micro-batches and sequence lengths. The DP communication a step shows is ordered by what hides it:
//   streamed (the runtime's overlap shares alone) ≤ overlap_comm true ≤ overlap_comm false ≤ nothing hidden
// (overlap_comm false and overlap shares 0: every collective whole), and it is never negative; a step with more
// micro-batches never takes less time. Each property counts the draws that ran and fails if too few did.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runTrain } from '../src/sim/training/from-args.js';
import { getLibrary } from '../src/spec/library.js';
import type { NormalizedRuntime } from '../src/spec/types.js';
import type { TrainResult } from '../src/sim/training/types.js';

const lib = getLibrary();
const SEED = Number(process.env.HWPERF_PROPERTY_SEED ?? 12012);
const SCALE = Number(process.env.HWPERF_PROPERTY_SCALE ?? 1);
const opts = (numRuns: number) => ({ seed: SEED, numRuns: Math.round(numRuns * SCALE), endOnFailure: true });
const REL = 1e-9;

const deepspeed = lib.runtimes['deepspeed'] as NormalizedRuntime;
const withTraining = (t: Partial<NonNullable<NormalizedRuntime['training']>>, overlap?: Partial<NormalizedRuntime['overlap']>): NormalizedRuntime => ({
  ...deepspeed,
  training: { ...deepspeed.training, ...t } as NormalizedRuntime['training'],
  ...(overlap ? { overlap: { ...deepspeed.overlap, ...overlap } as NormalizedRuntime['overlap'] } : {}),
});
// the runtime's overlap shares alone (no ZeRO fields), and nothing hidden at all
const streamed = withTraining({ zeroOverlapComm: undefined, zeroParamGather: undefined, zero2Reduce: undefined });
const bare = withTraining({ zeroOverlapComm: 'off' }, { dpGrad: 0, fsdpPrefetch: 0 });

const DENSE = ['llama-3.1-8b', 'qwen2.5-7b', 'qwen2.5-14b', 'llama-2-7b', 'gpt3-1.3b', 'llama-2-13b'].filter((id) => lib.models[id]);
const PARTS = ['a100-sxm4-80gb', 'a800-sxm4-80gb', 'h100-sxm', 'h800-sxm', 'h200-sxm', 'mi300x', 'l40s', 'rtx-4090'].filter((id) => lib.hardware[id]);

const draw = fc.record({
  model: fc.constantFrom(...DENSE),
  hardware: fc.constantFrom(...PARTS),
  dp: fc.constantFrom(2, 4, 8, 16),
  zero: fc.constantFrom(1, 2, 3),
  micro: fc.integer({ min: 1, max: 4 }),
  accum: fc.integer({ min: 1, max: 8 }),
  seq: fc.constantFrom(512, 1024, 2048, 4096),
  recompute: fc.constantFrom('full', 'none'),
});
type Draw = typeof draw extends fc.Arbitrary<infer T> ? T : never;

/** the step, or null where the run is a user error (does not fit, bad layout) */
async function step(d: Draw, runtime: NormalizedRuntime | string, set?: string[], accum = d.accum): Promise<TrainResult | null> {
  try {
    const r = (await runTrain({ model: d.model, hardware: d.hardware, runtime, devices: d.dp, dp: d.dp, zero: d.zero, 'micro-batch': d.micro, 'global-batch': d.micro * d.dp * accum, 'seq-len': d.seq, dtype: 'bf16', recompute: d.recompute, ...(set ? { set } : {}) })) as TrainResult;
    return r;
  } catch (e) {
    if ((e as Error).name === 'UserError') return null;
    throw e;
  }
}

describe('DeepSpeed ZeRO overlap: exposed DP communication ordered by what hides it', () => {
  it('streamed ≤ overlap_comm true ≤ overlap_comm false ≤ nothing hidden; ≥ 0; the step time in the same order', async () => {
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(draw, async (d) => {
        const [s, on, off, none] = await Promise.all([step(d, streamed), step(d, 'deepspeed', ['runtime.overlap_comm=true']), step(d, 'deepspeed', ['runtime.overlap_comm=false']), step(d, bare)]);
        if (!s || !on || !off || !none) return;
        ran++;
        const dp = [s, on, off, none].map((r) => r.breakdown.dp_comm_s);
        for (const x of dp) expect(Number.isFinite(x) && x >= 0, `${x}`).toBe(true);
        for (let i = 1; i < dp.length; i++) expect(dp[i]!, `dp_comm ${i}`).toBeGreaterThanOrEqual(dp[i - 1]! * (1 - REL));
        const t = [s, on, off, none].map((r) => r.step_s);
        for (let i = 1; i < t.length; i++) expect(t[i]!, `step ${i}`).toBeGreaterThanOrEqual(t[i - 1]! * (1 - REL));
      }),
      opts(60),
    );
    expect(ran).toBeGreaterThan(60 * SCALE * 0.1);
  });

  it('more micro-batches per step never take less time, under the runtime default', async () => {
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(draw, fc.integer({ min: 1, max: 8 }), async (d, more) => {
        const a = await step(d, 'deepspeed');
        const b = await step(d, 'deepspeed', undefined, d.accum + more);
        if (!a || !b) return;
        ran++;
        expect(b.step_s).toBeGreaterThanOrEqual(a.step_s * (1 - REL));
        expect(b.breakdown.dp_comm_s).toBeGreaterThanOrEqual(0);
      }),
      opts(60),
    );
    expect(ran).toBeGreaterThan(60 * SCALE * 0.1);
  });
});
