// The LM head's cross-entropy moves the runtime's bytes per element of the [T, vocab/tp] logits shard, forward and
// backward (runtime training.loss_forward_bytes / loss_backward_bytes; src/sim/training/layer-cost.ts headForwardOps):
// Megatron-Core's unfused vocab-parallel cross-entropy (megatron/core/tensor_parallel/cross_entropy.py, the default
// without --cross-entropy-loss-fusion) makes 38 / 14; the engine's default, kept by nemo, 8 / 16.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { headForwardOps, LOSS_BYTES, passCost } from '../src/sim/training/layer-cost.js';
import type { DecoderModel, NormalizedRuntime } from '../src/spec/types.js';

const model = libraryModel('llama-3.1-8b') as DecoderModel;
const s = decoderShape(model);
const h100 = getLibrary().hardware['h100-sxm']!;
const plan = { devices: 8, tp: 2, pp: 1, cp: 1, dp: 4, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 8192, globalBatch: 8, microBatch: 1 };
const withLoss = (rt: NormalizedRuntime, forward?: number, backward?: number): NormalizedRuntime => ({ ...rt, training: { ...rt.training, lossForwardBytes: forward, lossBackwardBytes: backward } });

describe('cross-entropy bytes per logit element (training.loss_forward_bytes / loss_backward_bytes)', () => {
  it('counts Megatron-Core’s unfused passes: float 6 + max 4 + sub 8 + exp 8 + sum 4 + div 8 forward, mul 8 + cast 6 backward', () => {
    expect(6 + 4 + 8 + 8 + 4 + 8).toBe(38);
    expect(8 + 6).toBe(14);
    const meg = libraryRuntime('megatron').training!;
    expect([meg.lossForwardBytes, meg.lossBackwardBytes]).toEqual([38, 14]);
    // nemo's recipes fuse the loss (path not stated per run): the engine's default, restated over megatron's
    const nemo = libraryRuntime('nemo').training!;
    expect([nemo.lossForwardBytes, nemo.lossBackwardBytes]).toEqual([LOSS_BYTES.forward, LOSS_BYTES.backward]);
    expect(LOSS_BYTES).toEqual({ forward: 8, backward: 16 });
  });
  it('counts torchtitan’s eager loss (logits .float(), F.cross_entropy): cast 6 + softmax 3 reads + 1 write 16 forward; zero-fill 4 + softmax backward 16 + cast back 6', () => {
    expect(2 + 4 + (3 * 4 + 4)).toBe(22);
    expect(4 + (3 * 4 + 4) + (4 + 2)).toBe(26);
    const tt = libraryRuntime('torchtitan').training!;
    expect([tt.lossForwardBytes, tt.lossBackwardBytes]).toEqual([22, 26]);
    // compiled from torchtitan bbb1b616 on: the engine's default restated (traffic not read)
    const tc = libraryRuntime('torchtitan-compile').training!;
    expect([tc.lossForwardBytes, tc.lossBackwardBytes]).toEqual([LOSS_BYTES.forward, LOSS_BYTES.backward]);
    // the eager step is slower than the same runtime at the default, by those bytes
    const go = (rt: NormalizedRuntime) =>
      simulateTraining(buildTrainRequest(model, bindRuntime(h100, rt), { devices: 8, dp: 8, zero: 3, seqLen: 8192, globalBatch: 8, microBatch: 1, recompute: 'selective', dtype: 'bf16' }));
    const a = go(libraryRuntime('torchtitan'));
    const b = go(withLoss(libraryRuntime('torchtitan')));
    expect(a.breakdown.compute_s - b.breakdown.compute_s).toBeCloseTo((8192 * s.vocab * (22 - 8 + (26 - 16))) / (h100.memory.bandwidthBytePerS * h100.efficiency.memory), 4);
  });
  it('prices the loss forward and backward apart, at the memory rate, on the vocab-parallel shard', () => {
    const elems = (plan.seqLen * s.vocab) / plan.tp;
    const ops = headForwardOps(s, plan, 'bf16', { forward: 38, backward: 14 });
    expect(ops.map((o) => o.name)).toEqual(['lm_head', 'cross_entropy', 'cross_entropy_grad']);
    expect(ops[1]!.bytes).toBe(38 * elems);
    expect(ops[2]!.bytes).toBe(14 * elems);
    const fwdOnly = passCost([ops[1]!], h100, 'none');
    const bwdOnly = passCost([ops[2]!], h100, 'none');
    expect(fwdOnly.bwdS).toBe(0); // its backward is the gradient op
    expect(bwdOnly.fwdS).toBe(0); // the gradient runs in the backward only
    const rate = h100.memory.bandwidthBytePerS * h100.efficiency.memory;
    expect(fwdOnly.fwdS).toBeCloseTo((38 * elems) / rate, 5);
    expect(bwdOnly.bwdS).toBeCloseTo((14 * elems) / rate, 5);
    // the default keeps the old pricing: one fp32 read + write forward, twice that backward
    const d = passCost(headForwardOps(s, plan, 'bf16').slice(1), h100, 'none');
    expect(d.bwdS / d.fwdS).toBeCloseTo(2, 2); // (one more launch than before: a few µs)
  });
  it('a Megatron step pays the extra passes once per micro-batch: (38 − 8) + (14 − 16) bytes per logit element', () => {
    const meg = libraryRuntime('megatron');
    const go = (rt: NormalizedRuntime) =>
      simulateTraining(buildTrainRequest(model, bindRuntime(h100, rt), { devices: 8, tp: 2, seqLen: 8192, globalBatch: 16, microBatch: 1, recompute: 'selective', dtype: 'bf16' }));
    const a = go(meg);
    const b = go(withLoss(meg));
    const perMb = (((plan.seqLen * s.vocab) / 2) * (38 - 8 + (14 - 16))) / (h100.memory.bandwidthBytePerS * h100.efficiency.memory);
    expect(a.micro_batches).toBe(4);
    expect((a.step_s! - b.step_s!) / (4 * perMb)).toBeCloseTo(1, 2);
    // ~1-2% of an 8B step at 128k vocabulary
    expect(a.step_s! / b.step_s!).toBeGreaterThan(1.005);
    expect(a.step_s! / b.step_s!).toBeLessThan(1.03);
  });
});
