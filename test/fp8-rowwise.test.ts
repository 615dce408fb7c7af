// torchao's rowwise Float8 recipe under torchtitan (runtimes/torchtitan-float8-rowwise.yaml): the same request as the
// tensorwise one (torchtitan-compile) runs slower only through its cast traffic (8 bytes per activation / output-gradient
// element, not 6) and the pass that rescales every backward GEMM output (`output *= post_inverse_scale`, bf16 read +
// write = 4 bytes per element of grad_input and grad_weight).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { layerForwardOps, passCost } from '../src/sim/training/layer-cost.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel, NormalizedRuntime } from '../src/spec/types.js';

const lib = getLibrary();
const h100 = lib.hardware['h100-sxm-hbm2e-500w']!;
const model = libraryModel('llama-3.1-8b') as DecoderModel;
const s = decoderShape(model);
const tensorwise = libraryRuntime('torchtitan-compile');
const rowwise = libraryRuntime('torchtitan-float8-rowwise');
const castOnly: NormalizedRuntime = { ...rowwise, training: { ...rowwise.training!, fp8BackwardRescaleBytes: undefined } };
const plan = { devices: 8, tp: 1, pp: 1, cp: 1, dp: 8, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 8192, globalBatch: 8, microBatch: 1 };
const run = (rt: NormalizedRuntime, dtype: 'fp8' | 'bf16' = 'fp8') =>
  simulateTraining(buildTrainRequest(model, bindRuntime(h100, rt), { devices: 8, dp: 8, zero: 3, seqLen: 8192, globalBatch: 8, microBatch: 1, recompute: 'selective', dtype }));

describe('torchtitan-float8-rowwise', () => {
  it('is torchtitan-compile with rowwise cast bytes 8 and a 4-byte backward rescale, nothing else', () => {
    const { fp8QuantizeBytes, fp8BackwardRescaleBytes, ...rest } = rowwise.training!;
    expect(fp8QuantizeBytes).toBe(8);
    expect(fp8BackwardRescaleBytes).toBe(4);
    expect(tensorwise.training!.fp8QuantizeBytes).toBe(6);
    expect(tensorwise.training!.fp8BackwardRescaleBytes).toBeUndefined();
    const { fp8QuantizeBytes: _q, ...twRest } = tensorwise.training!;
    expect(rest).toEqual(twRest);
  });

  it('rescales 4 bytes per element of every fp8 GEMM backward output (grad_input m·k + grad_weight k·n), backward only', () => {
    const ops = layerForwardOps(s, plan, { moe: false, gemmDtype: 'fp8', quantizeBytes: 8, rescaleBytes: 4 });
    const gemms = ops.filter((o) => o.kind === 'gemm' && o.dtype === 'fp8');
    expect(gemms.length).toBeGreaterThanOrEqual(4);
    const outputs = gemms.reduce((a, o) => a + (o.m! * o.k! + o.k! * o.n!) * o.count, 0);
    const rescale = ops.find((o) => o.name === 'fp8_bwd_rescale')!;
    expect(rescale.bytes).toBe(4 * outputs);
    // absent for the tensorwise recipe and for bf16 GEMMs
    expect(layerForwardOps(s, plan, { moe: false, gemmDtype: 'fp8', quantizeBytes: 6 }).some((o) => o.name === 'fp8_bwd_rescale')).toBe(false);
    expect(layerForwardOps(s, plan, { moe: false, gemmDtype: 'bf16', rescaleBytes: 4 }).some((o) => o.name === 'fp8_bwd_rescale')).toBe(false);
    // priced once in the backward, never in the forward nor rerun by op-level SAC
    const hw = bindRuntime(h100, rowwise);
    const without = ops.filter((o) => o !== rescale);
    const a = passCost(ops, hw, 'selective', undefined, s);
    const b = passCost(without, hw, 'selective', undefined, s);
    expect(a.fwdS).toBe(b.fwdS);
    expect(a.bwdS - b.bwdS).toBeCloseTo(opCost(rescale, hw).seconds, 12);
  });

  it('slows the same step only through the cast bytes and the rescale pass', () => {
    const tw = run(tensorwise);
    const cast = run(castOnly);
    const rw = run(rowwise);
    expect(cast.step_s).toBeGreaterThan(tw.step_s);
    expect(rw.step_s).toBeGreaterThan(cast.step_s);
    // communication is untouched (bf16 all-gather in both); only compute moves
    expect(rw.breakdown.dp_comm_s).toBe(tw.breakdown.dp_comm_s);
    // the rescale adds exactly one backward pass of the 32 layers' rescale op (local batch 1: one micro-batch)
    const hw = bindRuntime(h100, rowwise);
    const rescale = layerForwardOps(s, plan, { moe: false, gemmDtype: 'fp8', quantizeBytes: 8, rescaleBytes: 4 }).find((o) => o.name === 'fp8_bwd_rescale')!;
    expect(rw.breakdown.compute_s - cast.breakdown.compute_s).toBeCloseTo(s.layers * opCost(rescale, hw).seconds, 9);
    // memory-bound passes: a few percent of an 8B step at 8k tokens, not more
    expect(rw.step_s / tw.step_s).toBeGreaterThan(1.02);
    expect(rw.step_s / tw.step_s).toBeLessThan(1.1);
    // bf16 steps are the same under both runtimes
    expect(run(rowwise, 'bf16').step_s).toBe(run(tensorwise, 'bf16').step_s);
  });
});
