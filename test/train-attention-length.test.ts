// A causal fused attention at training sequence lengths runs below the long-sequence rate (src/sim/training/
// attention-length.ts: the H200 cuDNN causal sweep of bench/gpu/h200-2026-12-04/kernels.json).
import { describe, expect, it } from 'vitest';
import { libraryModel, getLibrary } from '../src/spec/library.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { layerForwardOps, passCost } from '../src/sim/training/layer-cost.js';
import { attentionLengthFactor } from '../src/sim/training/attention-length.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/spec/types.js';

const s = decoderShape(libraryModel('llama-3.1-8b') as DecoderModel);
const h100 = getLibrary().hardware['h100-sxm']!;
const plan = (seqLen: number, microBatch = 1, cp = 1) => ({ devices: 8, tp: 1, pp: 1, cp, dp: 8, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen, globalBatch: 8, microBatch });
const attn = (seqLen: number, microBatch = 1, cp = 1) => layerForwardOps(s, plan(seqLen, microBatch, cp), { moe: false, gemmDtype: 'bf16' }).filter((o) => o.kind === 'attention');

describe('training attention: rate by sequence length', () => {
  it('follows the measured cuDNN causal curve relative to 16k: 0.639 at 2k, 0.805 at 4k, 0.911 at 8k, 1 from 16k', () => {
    expect(attentionLengthFactor(2048)).toBeCloseTo(0.639, 3);
    expect(attentionLengthFactor(4096)).toBeCloseTo(0.805, 3);
    expect(attentionLengthFactor(8192)).toBeCloseTo(0.911, 3);
    expect(attentionLengthFactor(16384)).toBe(1);
    expect(attentionLengthFactor(131072)).toBe(1);
    expect(attentionLengthFactor(512)).toBeCloseTo(0.409, 3); // below 1k: the 1k value
    let prev = 0;
    for (let n = 256; n <= 65536; n *= 1.5) {
      const f = attentionLengthFactor(n);
      expect(f).toBeGreaterThanOrEqual(prev);
      expect(f).toBeLessThanOrEqual(1);
      prev = f;
    }
  });
  it('a layer’s attention at 4k costs 1/0.805 of the long-sequence rate, forward and backward alike', () => {
    const ops = attn(4096);
    expect(ops[0]!.attn).toEqual({ q: 4096, kv: 4096, headDim: 128 });
    const c = passCost(ops, h100, 'none');
    expect(c.fwdS).toBeCloseTo(opCost(ops[0]!, h100).seconds / 0.805, 12);
    // the flash backward (2.5× the forward's FLOPs at H100's 0.82 of its rate) scales with the same factor
    expect(c.bwdS / c.fwdS).toBeCloseTo(2.5 / 0.82, 9);
  });
  it('sets the rate by the sequence each kernel call sees: micro-batches do not lengthen it, context parallelism shortens it', () => {
    expect(attn(4096, 4)[0]!.attn!.kv).toBe(4096);
    expect(attn(8192, 1, 2)[0]!.attn!.kv).toBe(4096);
    // per token, attention at 8k costs more than at 4k (twice the keys per query) but less than twice as much
    const per = (n: number) => passCost(attn(n), h100, 'none').fwdS / n;
    expect(per(8192) / per(4096)).toBeGreaterThan(1.5);
    expect(per(8192) / per(4096)).toBeLessThan(2);
  });
});
