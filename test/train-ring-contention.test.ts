// Two training communication effects: a DP ring spanning nodes leaves each node through all its members' NICs
// (src/sim/training/ring-nics.ts), and compute beside a hidden collective runs slower (src/sim/training/contention.ts).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { ranksPerDomain, ringEfficiency } from '../src/sim/training/ring-nics.js';
import { linkCollectiveEfficiency } from '../src/sim/training/link-efficiency.js';
import { OVERLAP_SLOWDOWN, withContention } from '../src/sim/training/contention.js';
import { COLLECTIVE_SHAPE, collectiveEfficiency, lookupEfficiency } from '../src/hardware/efficiency.js';
import { LARGE_COLLECTIVE_BYTES } from '../src/sim/scale-out-busbw.js';
import { buildTrainRequest, simulateTraining, type TrainOptions } from '../src/sim/training/train.js';

const lib = getLibrary();
const a100 = lib.hardware['a100-sxm4-80gb']!;

describe('multi-NIC rings', () => {
  it('counts the members of a group that share a scale-up domain', () => {
    expect(ranksPerDomain(8, 1, 64)).toBe(8); // FSDP over 64 GPUs: all 8 GPUs of a node
    expect(ranksPerDomain(8, 4, 64)).toBe(2); // tp 4: two DP ranks per node
    expect(ranksPerDomain(8, 8, 64)).toBe(1); // tp 8: one
    expect(ranksPerDomain(8, 1, 4)).toBe(4); // a group smaller than the node
    expect(ranksPerDomain(8, 16, 4)).toBe(1);
  });
  it('reaches g NICs over the network, at most the scale-up rate, and one NIC for one member per node', () => {
    const out = a100.scaleOut!;
    const bytes = 1e9;
    const one = linkCollectiveEfficiency(a100, out, bytes);
    expect(ringEfficiency(a100, out, bytes, 1)).toBe(one);
    expect(ringEfficiency(a100, out, bytes, 2)).toBeCloseTo(2 * one, 12);
    // the scale-up cap is the link's large-message collective rate, shaped by size like every scale-out fraction
    const shape = lookupEfficiency(COLLECTIVE_SHAPE, bytes);
    const cap = ((a100.scaleUp!.bandwidthBytePerS * collectiveEfficiency(a100.efficiency, LARGE_COLLECTIVE_BYTES)) / out.bandwidthBytePerS) * shape;
    expect(ringEfficiency(a100, out, bytes, 8)).toBeCloseTo(Math.min(8 * one, cap), 12);
    expect(ringEfficiency(a100, out, bytes, 64)).toBeCloseTo(Math.max(one, cap), 12);
    // a scale-up link is unchanged
    expect(ringEfficiency(a100, a100.scaleUp!, bytes, 8)).toBe(linkCollectiveEfficiency(a100, a100.scaleUp!, bytes));
  });
  it('prices a 64-GPU FSDP run as node rings: 8 GPUs per node spread the gathers over 8 NICs', () => {
    const o: TrainOptions = { devices: 64, dp: 64, zero: 3, seqLen: 4096, globalBatch: 64, microBatch: 1, dtype: 'bf16', recompute: 'selective' };
    const r = simulateTraining(buildTrainRequest(libraryModel('llama-2-70b'), a100, o));
    // 70B bf16: 2 gathers + a reduce-scatter of 140 GB each per GPU per micro-batch; at one NIC's 25 GB/s that alone is
    // > 16 s, over a node's 8 NICs < 3 s, hidden behind the ~9 s of compute but for the slowdown beside it
    expect(r.breakdown.dp_comm_s).toBeLessThan(0.25 * r.breakdown.compute_s);
    // with tp 8 each DP group has one rank per node: the same traffic crosses one NIC each
    const t8 = simulateTraining(buildTrainRequest(libraryModel('llama-2-70b'), a100, { ...o, dp: 8, tp: 8, globalBatch: 8 }));
    expect(t8.breakdown.dp_comm_s / t8.step_s).toBeGreaterThan(r.breakdown.dp_comm_s / r.step_s);
  });
});

describe('overlap contention', () => {
  it('charges the mean slowdown on the hidden share, nothing extra on the exposed share', () => {
    expect(withContention(10, 10)).toBe(10);
    expect(withContention(10, 0)).toBeCloseTo(10 * OVERLAP_SLOWDOWN, 12);
    expect(withContention(10, 4)).toBeCloseTo(4 + 6 * OVERLAP_SLOWDOWN, 12);
    expect(withContention(0, 0)).toBe(0);
    expect(withContention(10, 25)).toBe(10); // never more than the collective
    for (const e of [0, 1, 5, 10]) expect(withContention(10, e)).toBeLessThanOrEqual(10);
  });
  it('an overlapped TP run still shows TP time: the GEMMs beside the hidden collectives slow down', () => {
    const o: TrainOptions = { devices: 64, tp: 4, pp: 8, interleave: 5, seqLen: 8192, globalBatch: 128, microBatch: 1, dtype: 'fp8' };
    const h100 = lib.hardware['h100-sxm']!;
    const run = (rt: string) => simulateTraining(buildTrainRequest(libraryModel('llama-3.1-70b'), bindRuntime(h100, libraryRuntime(rt)), o));
    const exposed = run('megatron'); // tp_comm 0: every TP collective shows
    const hidden = run('nemo'); // tp_comm 15/16: the last pipelined reduce-scatter chunk shows (test/train-tp-overlap-exposed.test.ts)
    expect(exposed.breakdown.tp_comm_s).toBeGreaterThan(0);
    expect(hidden.breakdown.tp_comm_s).toBeCloseTo((1 / 16 + (OVERLAP_SLOWDOWN * 15) / 16) * exposed.breakdown.tp_comm_s, 9);
  });
});
