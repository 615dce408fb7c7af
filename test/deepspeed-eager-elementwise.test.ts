// DeepSpeed ZeRO training runs the model's own Python modules: the Hugging Face Llama family's RMSNorm, rotary and
// gated activation op by op with fp32 intermediates (runtimes/deepspeed.yaml training.elementwise: eager and
// kernels.rmsnorm / rope / swiglu, from transformers' modeling_llama.py), priced as eager like torchtitan's Python
// modules; llamafactory (extends deepspeed) inherits it.
import { describe, expect, it } from 'vitest';
import { libraryModel, getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { eagerElementwise, layerForwardOps } from '../src/sim/training/layer-cost.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const a100 = lib.hardware['a100-sxm4-80gb']!;
const model = libraryModel('llama-2-7b') as DecoderModel;
const s = decoderShape(model);
const p = { devices: 8, tp: 1, pp: 1, cp: 1, dp: 8, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 4096, globalBatch: 32, microBatch: 4 };

describe('DeepSpeed training prices the Hugging Face model eager elementwise ops', () => {
  it('deepspeed and llamafactory carry modeling_llama.py kernels: RMSNorm 36 B / 8 kernels, RoPE 20 B / 5, SwiGLU 10 B / 2', () => {
    const want = { rmsnorm: { kernels: 8, bytesPerElement: 36 }, rope: { kernels: 5, bytesPerElement: 20 }, swiglu: { kernels: 2, bytesPerElement: 10 } };
    expect(eagerElementwise(bindRuntime(a100, libraryRuntime('deepspeed')))).toEqual(want);
    expect(eagerElementwise(bindRuntime(a100, libraryRuntime('llamafactory')))).toEqual(want);
  });
  it('the norms of a Llama 2 7B micro-batch move 36 bytes per element, RoPE 20 per q/k element', () => {
    const T = 4 * 4096, h = 4096;
    const ew = eagerElementwise(bindRuntime(a100, libraryRuntime('deepspeed')))!;
    const ops = layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16', eager: ew });
    const n = (name: string) => ops.find((o) => o.name === name)!;
    expect(n('norms').bytes).toBeCloseTo(T * 2 * h * 36, 0);
    expect(n('residual_rope').bytes).toBeCloseTo(T * (12 * h + 20 * (4096 + 4096)), 0);
    expect(n('residual_rope').kernels).toBe(2 + 2 * 5);
  });
  it('a ZeRO-3 step pays the eager bytes in compute only: slower than the same runtime with fused norms, same comm', () => {
    const rt = libraryRuntime('deepspeed');
    const fusedRt = { ...rt, training: { ...rt.training!, elementwise: undefined } };
    const run = (r: typeof rt) => simulateTraining(buildTrainRequest(model, bindRuntime(a100, r), { devices: 8, dp: 8, zero: 3, seqLen: 4096, globalBatch: 32, microBatch: 4, recompute: 'full', dtype: 'bf16' }));
    const eager = run(rt), fused = run(fusedRt);
    expect(eager.step_s).toBeGreaterThan(fused.step_s * 1.01);
    expect(eager.breakdown.compute_s).toBeGreaterThan(fused.breakdown.compute_s);
    expect(eager.breakdown.dp_comm_s).toBeCloseTo(fused.breakdown.dp_comm_s, 9);
    expect(eager.model_flops_per_step).toBeCloseTo(fused.model_flops_per_step, -3);
  });
});

describe('tensor parallelism without sequence parallelism (runtime training.sequence_parallel false)', () => {
  const p2 = { ...p, tp: 2, dp: 4 };
  it('deepspeed (and llamafactory) split the linears only; torchtitan keeps the default (split, SP)', () => {
    expect(libraryRuntime('deepspeed').training?.sequenceParallel).toBe(false);
    expect(libraryRuntime('llamafactory').training?.sequenceParallel).toBe(false);
    expect(libraryRuntime('torchtitan').training?.sequenceParallel).toBeUndefined();
  });
  it('keeps the norms and residual adds whole on each TP rank; RoPE and the FFN activation stay split; same FLOPs per GEMM', () => {
    const T = 4 * 4096, h = 4096, q = 4096, kv = 4096;
    const ew = eagerElementwise(bindRuntime(a100, libraryRuntime('deepspeed')))!;
    const whole = layerForwardOps(s, p2, { moe: false, gemmDtype: 'bf16', eager: ew, sequenceParallel: false });
    const split = layerForwardOps(s, p2, { moe: false, gemmDtype: 'bf16', eager: ew });
    const n = (ops: typeof whole, name: string) => ops.find((o) => o.name === name)!;
    expect(n(whole, 'norms').bytes).toBeCloseTo(T * 2 * h * 36, 0);
    expect(n(split, 'norms').bytes).toBeCloseTo((T * 2 * h * 36) / 2, 0);
    expect(n(whole, 'residual_rope').bytes).toBeCloseTo(T * (12 * h + (20 * (q + kv)) / 2), 0);
    expect(n(split, 'residual_rope').bytes).toBeCloseTo((T * (12 * h + 20 * (q + kv))) / 2, 0);
    expect(n(whole, 'ffn_act').bytes).toBeCloseTo(n(split, 'ffn_act').bytes, 0);
    // fused kernels too: the norms' 4 bytes per element over the whole width
    expect(n(layerForwardOps(s, p2, { moe: false, gemmDtype: 'bf16', sequenceParallel: false }), 'norms').bytes).toBeCloseTo(T * 4 * h * 2, 0);
    expect(whole.filter((o) => o.kind !== 'elementwise')).toEqual(split.filter((o) => o.kind !== 'elementwise'));
    // at tp 1 the flag changes nothing
    expect(layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16', eager: ew, sequenceParallel: false })).toEqual(layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16', eager: ew }));
  });
  it('a TP 2 step under deepspeed is slower than the same runtime with sequence parallelism', () => {
    const rt = libraryRuntime('deepspeed');
    const spRt = { ...rt, training: { ...rt.training!, sequenceParallel: undefined } };
    const run = (r: typeof rt) => simulateTraining(buildTrainRequest(model, bindRuntime(a100, r), { devices: 8, tp: 2, dp: 4, zero: 1, seqLen: 4096, globalBatch: 64, microBatch: 8, recompute: 'full', dtype: 'bf16' }));
    const whole = run(rt), sp = run(spRt);
    expect(whole.breakdown.compute_s).toBeGreaterThan(sp.breakdown.compute_s * 1.02);
    expect(whole.breakdown.tp_comm_s).toBeCloseTo(sp.breakdown.tp_comm_s, 9);
  });
});
