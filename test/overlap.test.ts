// Exposed vs overlapped communication per runtime (issue 11 item 3): the shares a runtime spec gives
// (hw.runtime.overlap) hide TP, FSDP/ZeRO, DP and EP traffic behind compute; without them nothing changes.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { exposedComm, overlapShares, DEFAULT_OVERLAP } from '../src/sim/overlap.js';
import { OVERLAP_SLOWDOWN } from '../src/sim/training/contention.js';
import { buildTrainRequest, simulateTraining, type TrainOptions } from '../src/sim/training/train.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const withOverlap = (id: string, overlap: Record<string, number>): NormalizedHardware =>
  ({ ...lib.hardware[id]!, runtime: { ...(lib.hardware[id]!.runtime ?? {}), overlap } }) as NormalizedHardware;
const train = (hw: NormalizedHardware, model: string, o: TrainOptions) => simulateTraining(buildTrainRequest(libraryModel(model), hw, o));

describe('exposedComm', () => {
  it('hides the given share, never more than the compute beside it, never below zero', () => {
    expect(exposedComm(10, 100, 0)).toBe(10);
    expect(exposedComm(10, 100, 1)).toBe(0);
    expect(exposedComm(10, 100, 0.5)).toBe(5);
    expect(exposedComm(10, 4, 1)).toBe(6); // only 4 s of compute to hide behind
    expect(exposedComm(10, 0, 1)).toBe(10);
    expect(exposedComm(0, 5, 1)).toBe(0);
    expect(exposedComm(10, 100, 7)).toBe(0); // shares clamp to [0, 1]
  });
  it('reads the runtime shares, ignores out-of-range ones, and defaults to exposed', () => {
    expect(overlapShares(lib.hardware['h100-sxm']!)).toEqual(DEFAULT_OVERLAP);
    const o = overlapShares(withOverlap('h100-sxm', { tpComm: 0.8, fsdpPrefetch: 1, epTwoBatch: 2 }));
    expect(o.tpComm).toBe(0.8);
    expect(o.fsdpPrefetch).toBe(1);
    expect(o.epTwoBatch).toBe(0); // 2 is not a share: default
  });
});

describe('training: TP comm overlap, FSDP prefetch', () => {
  const opts: TrainOptions = { devices: 64, tp: 8, seqLen: 8192, globalBatch: 64, dtype: 'bf16', recompute: 'full', zero: 3 };
  it('TP comm overlap hides TP collectives behind the stage compute; the step shrinks by exactly that', () => {
    const base = train(lib.hardware['h100-sxm']!, 'llama-3.1-70b', opts);
    const ov = train(withOverlap('h100-sxm', { tpComm: 1 }), 'llama-3.1-70b', opts);
    expect(base.breakdown.tp_comm_s).toBeGreaterThan(0);
    // TP traffic ≪ compute at 8k tokens: all hidden, and what stays is the slowdown of the GEMMs beside it
    // (src/sim/training/contention.ts)
    expect(ov.breakdown.tp_comm_s).toBeCloseTo(OVERLAP_SLOWDOWN * base.breakdown.tp_comm_s, 9);
    expect(ov.step_s).toBeLessThan(base.step_s);
    const half = train(withOverlap('h100-sxm', { tpComm: 0.5 }), 'llama-3.1-70b', opts);
    expect(half.breakdown.tp_comm_s).toBeCloseTo(((1 + OVERLAP_SLOWDOWN) * base.breakdown.tp_comm_s) / 2, 9);
  });
  it('FSDP prefetch: fully exposed gathers (share 0) cost more than the default, full prefetch less or equal', () => {
    const o: TrainOptions = { devices: 128, dp: 128, seqLen: 8192, globalBatch: 256, microBatch: 2, dtype: 'bf16', recompute: 'selective', zero: 3 };
    const base = train(lib.hardware['h100-sxm']!, 'llama-3.1-8b', o);
    const none = train(withOverlap('h100-sxm', { fsdpPrefetch: 0 }), 'llama-3.1-8b', o);
    const all = train(withOverlap('h100-sxm', { fsdpPrefetch: 1 }), 'llama-3.1-8b', o);
    expect(none.breakdown.dp_comm_s).toBeGreaterThan(base.breakdown.dp_comm_s);
    expect(all.breakdown.dp_comm_s).toBeLessThanOrEqual(base.breakdown.dp_comm_s);
    // with everything prefetched, what shows is the traffic beyond the compute of the step, plus the slowdown of the
    // compute beside the hidden part
    expect(none.breakdown.dp_comm_s - all.breakdown.dp_comm_s).toBeCloseTo((1 - OVERLAP_SLOWDOWN) * Math.min(none.breakdown.dp_comm_s, none.breakdown.compute_s), 6);
  });
});

describe('inference: two-batch overlap of the expert-parallel all-to-all', () => {
  // attention data-parallel over the 8 ranks with the experts over all of them (SGLang's two-batch overlap runs with DP
  // attention and DeepEP), so each rank's tokens reach the experts by an all-to-all (with ep ≤ tp and tensor-parallel
  // attention every rank holds every token and there is none)
  const flags = { model: 'qwen3-235b-a22b', hardware: 'h100-sxm', tp: 8, ep: 8, 'attention-dp': true, dtype: 'fp8', batch: 64, 'input-tokens': 2048, 'output-tokens': 256 };
  // the same runtime both ways (SGLang, whose two-batch overlap this is), only its overlap share changed; two-batch
  // overlap runs with DeepEP's all-to-all (--moe-a2a-backend deepep), not the default gather of runtimes/sglang.yaml
  const sglang = libraryRuntime('sglang');
  const deepep = { ...sglang, kernels: { ...sglang.kernels, attentionDpMoe: undefined } };
  const run = (epTwoBatch: number) =>
    simulate(buildRequest(flags, libraryModel(flags.model), bindRuntime(lib.hardware['h100-sxm']!, { ...deepep, overlap: { ...sglang.overlap, epTwoBatch } }), libraryModel));
  it('hides the all-to-all behind the pass, never below the pass without communication', () => {
    const base = run(0);
    const tbo = run(1);
    const pre0 = base.phases.find((p) => p.name === 'prefill')!;
    const pre1 = tbo.phases.find((p) => p.name === 'prefill')!;
    expect(pre0.comm_s).toBeGreaterThan(0);
    expect(pre1.comm_s).toBeLessThan(pre0.comm_s);
    expect(pre1.seconds).toBeLessThan(pre0.seconds);
    expect(pre1.seconds).toBeGreaterThanOrEqual(pre0.seconds - pre0.comm_s - 1e-12);
    expect(tbo.ttft_s!).toBeLessThan(base.ttft_s!);
  });
});
