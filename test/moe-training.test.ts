// MoE training costs beyond the expert GEMMs (issue 11 item 3): routing softmax, permute and unpermute passes, each
// with its backward; the EP all-to-all is priced in src/sim/training/step.ts.
import { describe, expect, it } from 'vitest';
import { libraryModel, getLibrary } from '../src/spec/library.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { layerForwardOps, passCost, ROW_GATHER_RATE } from '../src/sim/training/layer-cost.js';
import { opCost } from '../src/sim/roofline.js';
import { attentionLengthFactor } from '../src/sim/training/attention-length.js';
import type { DecoderModel } from '../src/spec/types.js';
import { stepTime } from '../src/sim/training/step.js';
import { busiestExpertRank } from '../src/model/busiest-expert-rank.js';

const s = decoderShape(libraryModel('mixtral-8x7b') as DecoderModel);
const h100 = getLibrary().hardware['h100-sxm']!;
const p = { devices: 8, tp: 2, pp: 1, cp: 1, dp: 4, ep: 4, interleave: 1, schedule: '1f1b' as const, seqLen: 4096, globalBatch: 8, microBatch: 1 };

describe('MoE training: routing and token movement', () => {
  it('a MoE layer carries top-k softmax, permute and unpermute with hand-checked bytes; a dense layer none', () => {
    const ops = layerForwardOps(s, p, { moe: true, gemmDtype: 'bf16' });
    const T = 4096, h = s.hidden, k = s.active, t = 2;
    const perm = ops.find((o) => o.name === 'moe_permute')!;
    const unperm = ops.find((o) => o.name === 'moe_unpermute')!;
    const topk = ops.find((o) => o.name === 'moe_topk')!;
    expect(perm.bytes).toBeCloseTo(((T * h * 2) + (T * k * h * 2)) / t, 3); // read each row once, write k copies
    expect(unperm.bytes).toBeCloseTo(((T * k * h * 2) + (T * h * 2)) / t, 3); // read k rows, write the weighted sum
    expect(unperm.flops).toBeCloseTo((2 * T * k * h) / t, 3);
    expect(topk.bytes).toBe((T * s.experts * 8) / t);
    const dense = layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16' });
    expect(dense.some((o) => o.name.startsWith('moe_'))).toBe(false);
  });
  it('a permutation backward is 0.8 of its forward, the weighted unpermute’s 2× (fused kernel timings, DLBlas PR #66)', () => {
    const all = layerForwardOps(s, p, { moe: true, gemmDtype: 'bf16' });
    const perm = all.filter((o) => o.name === 'moe_permute');
    const c = passCost(perm, h100, 'selective');
    expect(c.bwdS).toBeCloseTo(0.8 * c.fwdS, 15);
    expect(c.fwdS).toBeCloseTo(opCost(perm[0]!, h100).seconds, 15);
    const un = passCost(all.filter((o) => o.name === 'moe_unpermute'), h100, 'selective');
    expect(un.bwdS).toBeCloseTo(2 * un.fwdS, 15);
  });
  it('token permutations run at the measured row-gather rate, 0.84 of a contiguous elementwise pass (H200 profile)', () => {
    const ops = layerForwardOps(s, p, { moe: true, gemmDtype: 'bf16' });
    const perm = ops.find((o) => o.name === 'moe_permute')!;
    expect(perm.memoryScale).toBe(ROW_GATHER_RATE);
    expect(ROW_GATHER_RATE).toBe(0.84);
    const contiguous = opCost({ ...perm, memoryScale: undefined }, h100).seconds;
    const stream = perm.bytes / (h100.memory.bandwidthBytePerS * h100.efficiency.memory);
    expect(opCost(perm, h100).seconds - contiguous).toBeCloseTo(stream / 0.84 - stream, 12);
  });
  it('the alltoall dispatcher sorts received tokens by local expert and back (two T·k·h row passes); DeepEP-style and one local expert: none', () => {
    const T = 4096, h = s.hidden, k = s.active, t = 2;
    const sorted = layerForwardOps(s, p, { moe: true, gemmDtype: 'bf16', quantizeBytes: 3, sortChunks: true }).find((o) => o.name === 'moe_sort')!;
    expect(sorted.bytes).toBeCloseTo((2 * T * k * h * 4) / t, 3); // read and write 2 bytes, twice
    expect(sorted.memoryScale).toBe(ROW_GATHER_RATE);
    expect(layerForwardOps(s, p, { moe: true, gemmDtype: 'bf16', quantizeBytes: 3, sortChunks: false }).some((o) => o.name === 'moe_sort')).toBe(false);
    const oneLocal = { ...p, ep: s.experts, dp: s.experts };
    expect(layerForwardOps(s, oneLocal, { moe: true, gemmDtype: 'bf16', quantizeBytes: 3, sortChunks: true }).some((o) => o.name === 'moe_sort')).toBe(false);
    const c = passCost([sorted], h100, 'none');
    expect(c.bwdS).toBeCloseTo(c.fwdS, 15);
    // in the step: the default (alltoall) runtime pays it, a node-aware dispatcher does not
    const q = decoderShape(libraryModel('qwen3-30b-a3b') as DecoderModel);
    const pl = { ...p, tp: 1, dp: 8, ep: 8 };
    const base = stepTime({ shape: q, plan: pl, hw: h100, gemmDtype: 'bf16', recompute: 'none', zero: 1 });
    const na = { ...h100, runtime: { ...h100.runtime, training: { ...h100.runtime?.training, epDispatcher: 'node_aware' as const } } } as typeof h100;
    const flex = stepTime({ shape: q, plan: pl, hw: na, gemmDtype: 'bf16', recompute: 'none', zero: 1 });
    expect(base.breakdown.compute_s).toBeGreaterThan(flex.breakdown.compute_s);
  });
  it('at fixed FLOPs, a MoE layer slows as top-k × tokens grows (token movement and all-to-all scale with copies)', () => {
    // top-2k experts of half the width: the same expert FLOPs per token, twice the routed copies per token
    const q = decoderShape(libraryModel('qwen3-30b-a3b') as DecoderModel);
    const wide = { ...q, active: 4, expertWidth: 1536 };
    const narrow = { ...q, active: 8, expertWidth: 768 };
    const pl = { ...p, tp: 1, dp: 8, ep: 8 };
    const cw = passCost(layerForwardOps(wide, pl, { moe: true, gemmDtype: 'bf16' }), h100, 'selective');
    const cn = passCost(layerForwardOps(narrow, pl, { moe: true, gemmDtype: 'bf16' }), h100, 'selective');
    // only the unpermute's weighted sum grows (2 FLOPs a copy and element, 4 more copies a token), and the busiest EP
    // rank's excess is smaller over twice the routed rows (src/model/busiest-expert-rank.ts): the expert GEMMs' and
    // activation's forward FLOPs (2·3·d·I and 6·I a copy, k·I the same in both) times the factors' difference
    const T = pl.microBatch * pl.seqLen;
    const kI = 8 * 768;
    const b = (k: number) => busiestExpertRank(q.experts, k, pl.ep * T, pl.ep).rows;
    const expected = T * kI * (6 * q.hidden + 6) * (b(8) - b(4)) + 2 * T * 4 * q.hidden;
    expect((cn.fwdFlops - cw.fwdFlops) / expected).toBeCloseTo(1, 6);
    expect(cn.fwdFlops / cw.fwdFlops).toBeLessThan(1.01);
    expect(cn.fwdS + cn.bwdS).toBeGreaterThan(cw.fwdS + cw.bwdS);
    const stepOf = (sh: typeof q) => stepTime({ shape: sh, plan: pl, hw: h100, gemmDtype: 'bf16', recompute: 'selective', zero: 1 });
    const sw = stepOf(wide);
    const sn = stepOf(narrow);
    expect(sn.breakdown.ep_comm_s).toBeGreaterThan(1.5 * sw.breakdown.ep_comm_s); // twice the copies cross the EP group
    expect(sn.stepS).toBeGreaterThan(sw.stepS);
  });
  it('a fused attention backward is 2.5× its forward FLOPs at 0.82 of its rate on H100 (causal cuDNN SDPA on the same die, hardware/nvidia/h200-sxm.yaml)', () => {
    const att = layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16' }).filter((o) => o.kind === 'attention');
    // at this 4k sequence the fused kernel runs at 0.805 of its long-sequence rate (src/sim/training/attention-length.ts)
    const fwd = opCost(att[0]!, h100).seconds / attentionLengthFactor(p.seqLen);
    const c = passCost(att, h100, 'none');
    expect(c.bwdS).toBeCloseTo((2.5 * fwd) / 0.82, 12);
    expect(c.bwdFlops).toBeCloseTo(2.5 * c.fwdFlops, 3);
  });
});
