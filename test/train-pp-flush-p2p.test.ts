// Megatron-Core's interleaved schedule hides pipeline sends only in the steady 1F1B phase: each warmup forward and
// cooldown backward waits for its send/receive (schedules.py without overlap_p2p_comm_warmup_flush; runtimes/megatron.yaml
// training.pp_warmup_flush_p2p: blocking; src/sim/training/pp-flush-p2p.ts).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { ppFlushP2pExposed, ppSteadyShare } from '../src/sim/training/pp-flush-p2p.js';
import type { NormalizedRuntime } from '../src/spec/types.js';

const nemo = libraryRuntime('nemo');
const overlapped: NormalizedRuntime = { ...nemo, training: { ...nemo.training, ppWarmupFlushP2p: 'overlapped' } };

describe('warmup / flush pipeline sends', () => {
  it('counts the mean rank\'s warmup chunk forwards (and as many cooldown backwards), capped at m·v', () => {
    // p 8, v 12, m 16: (p − 1) + (v − 1)·p = 7 + 88 = 95 < 192 → 2·95 transfers
    expect(ppFlushP2pExposed(1e-3, 8, 12, 16)).toBeCloseTo(0.19, 12);
    // p 6, v 8, m 6 (MLPerf gpt3 at 10,752 GPUs): 5 + 42 = 47 < 48
    expect(ppFlushP2pExposed(1e-3, 6, 8, 6)).toBeCloseTo(0.094, 12);
    // p 8, v 2, m 8: 7 + 8 = 15 < 16; a group of 4 micro-batches per chunk: 7 + 4 = 11
    expect(ppFlushP2pExposed(1, 8, 2, 8)).toBe(30);
    expect(ppFlushP2pExposed(1, 8, 2, 8, 4)).toBe(22);
    // every chunk of every micro-batch in warmup: capped at m·v
    expect(ppFlushP2pExposed(1, 4, 8, 1)).toBe(16);
    // no pipeline, or plain 1F1B (its sends are priced blocking per micro-batch already): nothing here
    expect(ppFlushP2pExposed(1, 1, 4, 8)).toBe(0);
    expect(ppFlushP2pExposed(1, 8, 1, 8)).toBe(0);
    expect(ppFlushP2pExposed(0, 8, 4, 8)).toBe(0);
  });

  it('leaves the other m·v − W chunks to the steady phase, whose sends alone hide behind compute', () => {
    // p 8, v 12, m 16: W = 95 of 192 chunk forwards
    expect(ppSteadyShare(8, 12, 16)).toBeCloseTo(1 - 95 / 192, 12);
    // every chunk in warmup / cooldown: no steady phase, so nothing of the sends is priced twice
    expect(ppSteadyShare(4, 8, 1)).toBe(0);
    expect(ppSteadyShare(6, 8, 6)).toBeCloseTo(1 / 48, 12);
    // no pipeline or no interleaving: the steady-state pricing stands whole
    expect(ppSteadyShare(1, 4, 8)).toBe(1);
    expect(ppSteadyShare(8, 1, 8)).toBe(1);
  });

  it('megatron and nemo block on them; the step pays 2·W chunk transfers once, beside the hidden steady-state sends', () => {
    expect(libraryRuntime('megatron').training!.ppWarmupFlushP2p).toBe('blocking');
    expect(nemo.training!.ppWarmupFlushP2p).toBe('blocking');
    const hw = getLibrary().hardware['h100-sxm']!;
    // MLPerf Training v4.0 gpt3 at 1,344 nodes: TP 4, PP 6, VP 8, 6 micro-batches per pipeline
    const o = { devices: 10752, tp: 4, pp: 6, interleave: 8, seqLen: 2048, globalBatch: 2688, microBatch: 1, dtype: 'fp8' as const };
    const m = libraryModel('gpt3-175b');
    const block = simulateTraining(buildTrainRequest(m, bindRuntime(hw, nemo), o));
    const hide = simulateTraining(buildTrainRequest(m, bindRuntime(hw, overlapped), o));
    const extra = block.step_s! - hide.step_s!;
    // the sends and, through the slot length, the bubble (the hidden steady-phase sends slow the compute beside them,
    // test/train-pp-p2p-contention.test.ts, and blocking the flush leaves fewer of them hidden)
    expect(extra).toBeCloseTo(block.breakdown.pp_p2p_s - hide.breakdown.pp_p2p_s + block.breakdown.pp_bubble_s - hide.breakdown.pp_bubble_s, 12);
    // one 2048 × 12288 bf16 activation / tp 4 (12.6 MB) over InfiniBand per transfer, 2·47 of them: tens of ms on a
    // step under a second
    expect(extra).toBeGreaterThan(0.02);
    expect(extra / block.step_s!).toBeLessThan(0.15);
    // every other part of the step is the same
    expect(block.breakdown.compute_s).toBeCloseTo(hide.breakdown.compute_s, 12);
    expect(Math.abs(block.breakdown.pp_bubble_s - hide.breakdown.pp_bubble_s)).toBeLessThan(0.05 * block.breakdown.pp_bubble_s);
    expect(block.breakdown.dp_comm_s).toBeCloseTo(hide.breakdown.dp_comm_s, 12);
  });

  it('weighs less as micro-batches grow (fixed per step), and never on a plain 1F1B or unpipelined run', () => {
    const hw = getLibrary().hardware['h100-sxm']!;
    const m = libraryModel('gpt3-175b');
    const o = { devices: 512, tp: 4, pp: 8, interleave: 12, seqLen: 2048, microBatch: 1, dtype: 'fp8' as const };
    const share = (gb: number) => {
      const b = simulateTraining(buildTrainRequest(m, bindRuntime(hw, nemo), { ...o, globalBatch: gb }));
      const h = simulateTraining(buildTrainRequest(m, bindRuntime(hw, overlapped), { ...o, globalBatch: gb }));
      return (b.step_s! - h.step_s!) / b.step_s!;
    };
    expect(share(256)).toBeGreaterThan(share(2048));
    expect(share(2048)).toBeGreaterThan(0);
    const plain = { devices: 256, tp: 4, pp: 8, seqLen: 2048, globalBatch: 256, microBatch: 1, dtype: 'fp8' as const, schedule: '1f1b' as const };
    const a = simulateTraining(buildTrainRequest(m, bindRuntime(hw, nemo), plain));
    const b = simulateTraining(buildTrainRequest(m, bindRuntime(hw, overlapped), plain));
    expect(a.step_s).toBe(b.step_s);
  });
});
