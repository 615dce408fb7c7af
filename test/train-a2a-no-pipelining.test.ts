// Megatron-Core's combined 1F1B schedule without pipelining runs the first micro-batch's forward and the last one's
// backward alone, "no a2a overlapping" (NVIDIA/Megatron-LM @00caa53a megatron/core/pipeline_parallel/combined_1f1b.py
// combined_1f1b_schedule_for_no_pipelining): with one micro-batch per step the expert all-to-all has no partner chunk
// to hide behind, and with m micro-batches one micro-batch's exchanges stay exposed.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';

const gb300 = getLibrary().hardware['gb300']!;
const full = libraryRuntime('nemo-full-graphs');
const noOverlap = { ...full, overlap: { ...full.overlap, epTwoBatch: 0 } };
// MLPerf Training v6.0 gpt_oss_20b on 72 GB300 (rows N7292 / N7293): CP 2, EP 4, DP 36, micro-batch 1
const run = (rt: typeof full, globalBatch: number) =>
  simulateTraining(
    buildTrainRequest(libraryModel('gpt-oss-20b'), bindRuntime(gb300, rt), {
      devices: 72, cp: 2, ep: 4, dp: 36, seqLen: 8192, globalBatch, microBatch: 1, dtype: 'fp8', recompute: 'selective',
    }),
  );

describe('the 1F1B all-to-all overlap without pipelining', () => {
  it('hides nothing at one micro-batch per step', () => {
    const on = run(full, 36);
    const off = run(noOverlap, 36);
    expect(full.overlap.epTwoBatch).toBe(1);
    expect(off.breakdown.ep_comm_s).toBeGreaterThan(0);
    expect(on.breakdown.ep_comm_s).toBeCloseTo(off.breakdown.ep_comm_s, 12);
    expect(on.step_s).toBeCloseTo(off.step_s, 12);
  });
  it('leaves one micro-batch of exchanges exposed at four micro-batches per step', () => {
    const on = run(full, 144);
    const off = run(noOverlap, 144);
    expect(on.breakdown.ep_comm_s).toBeLessThan(off.breakdown.ep_comm_s);
    expect(on.breakdown.ep_comm_s).toBeGreaterThanOrEqual(off.breakdown.ep_comm_s / 4 - 1e-12);
  });
});
