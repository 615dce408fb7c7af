// Ring context parallelism merges its cp partial attention results (forward) and accumulates dQ, dK, dV (backward):
// memory passes priced from Transformer Engine's AttnFuncWithCPAndKVP2P (src/sim/training/cp-merge.ts).
import { describe, expect, it } from 'vitest';
import { libraryModel, getLibrary } from '../src/spec/library.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { layerForwardOps, passCost } from '../src/sim/training/layer-cost.js';
import { cpMergeBytesPerElement, cpMergeOps } from '../src/sim/training/cp-merge.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/spec/types.js';

const s = decoderShape(libraryModel('llama-3.1-8b') as DecoderModel);
const h100 = getLibrary().hardware['h100-sxm']!;
const plan = (cp: number, tp = 1) => ({ devices: 8, tp, pp: 1, cp, dp: 8 / cp / tp, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 8192, globalBatch: 8, microBatch: 1 });

describe('training: ring context-parallel merge passes', () => {
  it('moves 4 bytes per shard element for the first step and 6 × 3/4 for each other step (cp = 2: 8.5; cp = 4: 17.5)', () => {
    expect(cpMergeBytesPerElement(1)).toBe(0);
    expect(cpMergeBytesPerElement(2)).toBe(8.5);
    expect(cpMergeBytesPerElement(4)).toBe(17.5);
  });
  it('adds nothing without CP; with CP the forward merges the output rows and the backward the q, k and v rows', () => {
    expect(cpMergeOps(s, plan(1))).toEqual([]);
    const [fwd, bwd] = cpMergeOps(s, plan(2));
    const T = 8192 / 2;
    expect(fwd!.name).toBe('cp_merge');
    expect(fwd!.bytes).toBe(T * s.vDim * 8.5);
    // Llama-3.1-8B: q 4096 wide, k and v 1024 each (GQA 32/8 heads of 128)
    expect(bwd!.bytes).toBe(T * (4096 + 1024 + 1024) * 8.5);
    // tensor parallelism splits the heads
    expect(cpMergeOps(s, plan(2, 2))[0]!.bytes).toBe(fwd!.bytes / 2);
  });
  it('prices the forward merge in the forward only and the gradient merge in the backward only', () => {
    const ops = cpMergeOps(s, plan(2));
    const c = passCost(ops, h100, 'none');
    expect(c.fwdS).toBeCloseTo(opCost(ops[0]!, h100).seconds, 15);
    expect(c.bwdS).toBeCloseTo(opCost(ops[1]!, h100).seconds, 15);
    // full recompute reruns the forward merge before the backward
    const full = passCost(ops, h100, 'full');
    expect(full.bwdS).toBeCloseTo(c.bwdS + c.fwdS, 15);
  });
  it('makes a CP layer slower than the same layer without the merges, by their memory time alone', () => {
    const withCp = passCost(layerForwardOps(s, plan(2), { moe: false, gemmDtype: 'fp8' }), h100, 'none');
    const merges = passCost(cpMergeOps(s, plan(2)), h100, 'none');
    const without = passCost(layerForwardOps(s, plan(2), { moe: false, gemmDtype: 'fp8' }).filter((o) => !o.name.startsWith('cp_')), h100, 'none');
    expect(withCp.fwdS + withCp.bwdS).toBeCloseTo(without.fwdS + without.bwdS + merges.fwdS + merges.bwdS, 12);
    expect(merges.fwdS + merges.bwdS).toBeGreaterThan(0);
    // a few percent of the layer at 8k tokens, not more
    expect((merges.fwdS + merges.bwdS) / (without.fwdS + without.bwdS)).toBeLessThan(0.05);
  });
});
