// The pipeline sends the interleaved schedule hides behind the steady 1F1B phase's compute are NCCL send/receive
// kernels running beside that compute, so they slow it as every other hidden collective of the step does
// (src/sim/training/contention.ts OVERLAP_SLOWDOWN; src/sim/training/step.ts section 6). The blocking warmup / cooldown
// sends (./train-pp-flush-p2p.test.ts) run between chunks, with no compute beside them: no contention there.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { OVERLAP_SLOWDOWN } from '../src/sim/training/contention.js';
import { ppFlushP2pExposed, ppSteadyShare } from '../src/sim/training/pp-flush-p2p.js';

describe('hidden pipeline sends slow the compute beside them', () => {
  const hw = getLibrary().hardware['h100-sxm']!;
  const nemo = libraryRuntime('nemo');
  const m = libraryModel('gpt3-175b');
  // MLPerf Training v3.1 gpt3 on 512 H100s: TP 4, PP 8, VP 12, 128 micro-batches per pipeline
  const o = { devices: 512, tp: 4, pp: 8, seqLen: 2048, globalBatch: 2048, microBatch: 1, dtype: 'fp8' as const };

  it('prices OVERLAP_SLOWDOWN of the steady-phase sends on top of the blocking flush sends', () => {
    const inter = simulateTraining(buildTrainRequest(m, bindRuntime(hw, nemo), { ...o, interleave: 12 }));
    // plain 1F1B on the same layout: its sends block, one chunk boundary each way per micro-batch (2 transfers)
    const plain = simulateTraining(buildTrainRequest(m, bindRuntime(hw, nemo), { ...o, schedule: '1f1b' }));
    const mb = inter.micro_batches;
    const transfer = plain.breakdown.pp_p2p_s / mb / 2; // one boundary's activation (or gradient) send
    const v = inter.interleave;
    const p2pPerMb = 2 * v * transfer; // the interleaved schedule's sends per micro-batch, all hidden here
    const steady = mb * OVERLAP_SLOWDOWN * p2pPerMb * ppSteadyShare(8, v, mb);
    const flush = ppFlushP2pExposed(transfer, 8, v, mb);
    expect(inter.breakdown.pp_p2p_s).toBeCloseTo(steady + flush, 9);
    // the contention is the larger part at 128 micro-batches per pipeline, and a small share of the step
    expect(steady).toBeGreaterThan(flush);
    expect(inter.breakdown.pp_p2p_s / inter.step_s!).toBeLessThan(0.1);
  });

  it('grows with the chunk boundaries a micro-batch crosses (v), at fixed work', () => {
    const share = (interleave: number) => {
      const r = simulateTraining(buildTrainRequest(m, bindRuntime(hw, nemo), { ...o, interleave }));
      return r.breakdown.pp_p2p_s / r.step_s!;
    };
    expect(share(12)).toBeGreaterThan(share(6));
    expect(share(6)).toBeGreaterThan(share(2));
  });

  it('leaves runs without a pipeline untouched', () => {
    const r = simulateTraining(buildTrainRequest(libraryModel('llama-3.1-8b'), bindRuntime(hw, nemo), { devices: 8, seqLen: 8192, globalBatch: 128, microBatch: 1, dtype: 'fp8' }));
    expect(r.breakdown.pp_p2p_s).toBe(0);
  });
});
