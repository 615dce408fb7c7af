// An explicit --batch above the requests the engine keeps in flight. vLLM's scheduler admits a waiting request only
// while fewer than max_num_seqs run (vllm-project/vllm V0 vllm/core/scheduler.py _schedule_prefills: the
// SchedulingBudget's can_schedule against max_num_seqs; V1 vllm/v1/core/sched/scheduler.py Scheduler.schedule:
// `if len(self.running) == self.max_num_running_reqs: break`); TensorRT-LLM's capacity scheduler stops at
// max_batch_size and SGLang at max_running_requests. The rest wait in the engine's queue. So B
// clients of a closed loop above the cap C run as C in flight (tpot, throughput, memory and work those of batch C) and
// every request waits in the queue before its prompt is scheduled:
//   e2e(B) = (B / C) · e2e(C)          (Little: the same throughput, B requests in the loop instead of C)
//   ttft(B) = ttft(C) + (B / C − 1) · e2e(C)
// A cold burst of B requests runs as waves of C, each wave a cold prefill of C prompts and their O − 1 decode steps;
// request i (0-based) is admitted with wave ⌊i / C⌋, so the mean first token comes after mean(⌊i / C⌋) waves.
// Both grow with B and equal batch C's at B = C, so throughput stays flat and no time key falls across the cap.

import type { NormalizedHardware } from '../spec/types.js';

/**
 * Requests in flight the bound runtime's engine runs for an explicit `--batch`: the same cap as `--batch max`'s
 * (src/sim/decoder.ts runtimeBatchCap: its offline benchmark's, else its max_num_seqs for this device, or what `--set
 * runtime.max_num_seqs` pins), not limited to trtllm-bench's 4096; undefined for a runtime that states no cap.
 */
export function engineSeqCap(hw: NormalizedHardware): number | undefined {
  const s = hw.runtime?.scheduler;
  return s?.benchMaxNumSeqs ?? s?.maxNumSeqs;
}

/** the numbers of one evaluation the queue changes (src/sim/decoder.ts Evaluation) */
export interface QueuedTimes {
  ttft: number;
  ttftCold: number;
  tpot: number | null; // null: no decode (O = 0)
}

/** mean over i = 0 … B − 1 of ⌊i / C⌋: waves a request of a cold burst of B waits for */
export function meanWavesBefore(B: number, C: number): number {
  const q = Math.floor(B / C), r = B - q * C;
  return (C * q * (q - 1) / 2 + r * q) / B;
}

/** batch C's times (`at`) as B ≥ C clients see them when the engine runs C and queues the rest (O output tokens) */
export function queuedTimes(at: QueuedTimes, B: number, C: number, O: number): QueuedTimes {
  const decode = at.tpot !== null && O > 1 ? (O - 1) * at.tpot : 0;
  const e2e = at.ttft + decode; // a request's life at batch C, in steady state
  const wave = at.ttftCold + decode; // one cold wave of C
  return { ttft: at.ttft + (B / C - 1) * e2e, ttftCold: at.ttftCold + meanWavesBefore(B, C) * wave, tpot: at.tpot };
}

export const queueWarning = (engine: string, C: number, B: number): string =>
  `${engine} runs at most ${C} requests in flight per replica (max_num_seqs): the other ${B - C} of batch ${B} wait in its queue, so tpot and throughput are batch ${C}'s and ttft and e2e include the wait (--set runtime.max_num_seqs=${B} runs them all)`;
