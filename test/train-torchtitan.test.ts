// torchtitan training fields (runtimes/torchtitan.yaml training:): op-level selective activation checkpointing
// (src/sim/training/op-sac.ts: per Llama block the outputs of every other mm — wq, wv, w1, w2 — and of SDPA are saved,
// wk, wo, w3 and every elementwise op rerun before the backward, attention not recomputed) and the fp32 gradient reduce.
import { describe, expect, it } from 'vitest';
import { libraryModel, getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { eagerElementwise, layerForwardOps, passCost } from '../src/sim/training/layer-cost.js';
import { opSacRecomputeShare, opSacSavedBytesPerToken } from '../src/sim/training/op-sac.js';
import { activationBytesPerToken } from '../src/sim/training/memory.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { opCost } from '../src/sim/roofline.js';
import { attentionLengthFactor } from '../src/sim/training/attention-length.js';
import type { DecoderModel } from '../src/spec/types.js';

const model = libraryModel('llama-3.1-8b') as DecoderModel;
const s = decoderShape(model);
const lib = getLibrary();
const h100 = lib.hardware['h100-sxm']!;
const p = { devices: 8, tp: 1, pp: 1, cp: 1, dp: 8, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 8192, globalBatch: 16, microBatch: 2 };

describe('torchtitan op-level SAC', () => {
  it('reruns wk of the fused QKV, all of wo, w3 of the gated FC1 (half), none of w2', () => {
    expect(s.qDim).toBe(4096);
    expect(s.kvDim).toBe(1024);
    expect(opSacRecomputeShare(s, 'qkv')).toBeCloseTo(1024 / (4096 + 1024 + 1024), 12);
    expect(opSacRecomputeShare(s, 'attn_out')).toBe(1);
    expect(opSacRecomputeShare(s, 'ffn_in')).toBe(0.5);
    expect(opSacRecomputeShare(s, 'ffn_out')).toBe(0);
    expect(opSacRecomputeShare(s, 'router')).toBe(0);
  });
  it('a block keeps its input, wq, wv, w1, w2 outputs and the attention output (bf16)', () => {
    const h = 4096, f = 14336;
    expect(opSacSavedBytesPerToken(s)).toBe(2 * (h + 4096 + 1024 + f + h + 4096));
    expect(activationBytesPerToken(s, 8192, 'selective', false, { opSac: true })).toBe(opSacSavedBytesPerToken(s));
    // far below the module model's selective (core_attn) set, which keeps every GEMM input and the SwiGLU inputs
    expect(opSacSavedBytesPerToken(s)).toBeLessThan(0.5 * activationBytesPerToken(s, 8192, 'selective', false));
  });
  it('backward = 2× forward plus the rerun share of each GEMM, one more forward of each elementwise op, attention the flash backward (2.5× its FLOPs, at 0.82 of the forward rate on H100)', () => {
    const ops = layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16' });
    const c = passCost(ops, h100, 'selective', undefined, s);
    let want = 0;
    for (const op of ops) {
      // attention at this sequence length runs at its short-sequence rate (src/sim/training/attention-length.ts)
      const sec = (opCost(op, h100).seconds * op.count) / (op.kind === 'attention' ? attentionLengthFactor(p.seqLen) : 1);
      want += op.kind === 'attention' ? (2.5 * sec) / 0.82 : sec * (2 + (op.kind === 'gemm' ? opSacRecomputeShare(s, op.name) : 1));
    }
    expect(c.bwdS).toBeCloseTo(want, 12);
    // the same ops under the module model: attention recomputed (2.5×), nothing else
    const m = passCost(ops, h100, 'selective');
    const attn = opCost(ops.find((o) => o.kind === 'attention')!, h100).seconds / attentionLengthFactor(p.seqLen);
    expect(c.bwdS - m.bwdS).toBeGreaterThan(0);
    expect(m.bwdS).toBeCloseTo(2 * c.fwdS - 2 * attn + (2.5 * attn) / 0.82, 12);
  });
  it('applies under the torchtitan runtime only: same request, lower activation memory, more backward work', () => {
    const run = (rt: string) => simulateTraining(buildTrainRequest(model, bindRuntime(h100, libraryRuntime(rt)), { devices: 8, dp: 8, zero: 3, seqLen: 8192, globalBatch: 16, microBatch: 2, recompute: 'selective', dtype: 'bf16' }));
    const tt = run('torchtitan');
    const mg = run('megatron');
    expect(tt.memory.activations_bytes).toBeLessThan(0.6 * mg.memory.activations_bytes);
    expect(tt.hardware_flops_per_step).toBeGreaterThan(mg.hardware_flops_per_step);
    expect(tt.runtime).toBe('torchtitan');
  });
});

describe('torchtitan gradient reduce dtype (FSDP2 MixedPrecisionPolicy reduce_dtype, fp32 by default)', () => {
  it('the runtime file says fp32, and fp32 reduce-scatters expose more DP time than bf16 ones on a comm-bound FSDP run', () => {
    const tt = libraryRuntime('torchtitan');
    expect(tt.training?.reduceDtype).toBe('fp32');
    const bf16 = { ...tt, training: { ...tt.training, reduceDtype: 'bf16' as const } };
    const hw = lib.hardware['h100-sxm-hbm2e-500w']!;
    const run = (rt: typeof tt) => simulateTraining(buildTrainRequest(model, bindRuntime(hw, rt), { devices: 128, dp: 128, zero: 3, seqLen: 8192, globalBatch: 256, microBatch: 2, recompute: 'selective', dtype: 'bf16' }));
    const a = run(tt);
    const b = run(bf16);
    // compute differs only by FSDP2's reduce-scatter copy-in writing 4 bytes per parameter instead of 2 (test/train-fsdp-copies.test.ts)
    expect(a.breakdown.compute_s - b.breakdown.compute_s).toBeCloseTo((2 * s.paramsDense) / (hw.memory.bandwidthBytePerS * hw.efficiency.memory), 9);
    expect(a.breakdown.dp_comm_s).toBeGreaterThan(b.breakdown.dp_comm_s);
    expect(a.step_s).toBeGreaterThan(b.step_s);
  });
});

describe('torchtitan without torch.compile: RMSNorm and RoPE op by op in fp32 (training.elementwise: eager)', () => {
  it('moves 36 bytes per norm input element and 20 per q/k element for RoPE; fused moves 4', () => {
    const T = 2 * 8192, h = 4096;
    // one source: the byte and kernel counts are the runtime file's kernels.rmsnorm / kernels.rope
    const ew = eagerElementwise(bindRuntime(h100, libraryRuntime('torchtitan')))!;
    expect(ew).toEqual({ rmsnorm: { kernels: 8, bytesPerElement: 36 }, rope: { kernels: 3, bytesPerElement: 20 }, swiglu: { kernels: 2, bytesPerElement: 10 } });
    expect(eagerElementwise(bindRuntime(h100, libraryRuntime('torchtitan-compile')))).toBeUndefined();
    const eager = layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16', eager: ew });
    const fused = layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16' });
    const n = (ops: typeof eager, name: string) => ops.find((o) => o.name === name)!;
    expect(n(eager, 'norms').bytes).toBeCloseTo(T * 2 * h * 36, 0);
    expect(n(fused, 'norms').bytes).toBeCloseTo(T * 2 * h * 4, 0);
    expect(n(eager, 'residual_rope').bytes).toBeCloseTo(T * (12 * h + 20 * (4096 + 1024)), 0);
    expect(n(fused, 'residual_rope').bytes).toBeCloseTo(T * (12 * h + 4 * (4096 + 1024)), 0);
    expect(n(eager, 'norms').kernels).toBe(8);
    // the GEMMs and attention are the same ops either way
    expect(eager.filter((o) => o.kind !== 'elementwise')).toEqual(fused.filter((o) => o.kind !== 'elementwise'));
  });
  it('runs the dense SwiGLU as F.silu then the product: 10 bytes per FFN-width element in 2 kernels where fused moves 6 in 1; same FLOPs', () => {
    const T = 2 * 8192, f = 14336;
    const ew = eagerElementwise(bindRuntime(h100, libraryRuntime('torchtitan')))!;
    const act = (ops: ReturnType<typeof layerForwardOps>) => ops.find((o) => o.name === 'ffn_act')!;
    const eager = act(layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16', eager: ew }));
    const fused = act(layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16' }));
    expect(eager.bytes).toBeCloseTo(T * f * 10, 0);
    expect(fused.bytes).toBeCloseTo(T * f * 6, 0);
    expect(eager.kernels).toBe(2);
    expect(eager.flops).toBeCloseTo(fused.flops, 0);
    // without the runtime's kernels.swiglu the eager path keeps the fused activation (norms and RoPE eager alone)
    expect(act(layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16', eager: { ...ew, swiglu: undefined } })).bytes).toBeCloseTo(T * f * 6, 0);
    // the step under torchtitan pays it: slower than the same runtime with a fused activation, by the extra bytes
    const run = (e: typeof ew) => passCost(layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16', eager: e }), bindRuntime(h100, libraryRuntime('torchtitan')), 'selective', undefined, s);
    const withAct = run(ew), without = run({ ...ew, swiglu: undefined });
    expect(withAct.fwdS).toBeGreaterThan(without.fwdS);
    expect(withAct.bwdS).toBeGreaterThan(without.bwdS);
  });
  it('expands grouped K/V to every query head before SDPA (repeat_kv, until PR #2259): read kv-wide, write q-wide; backward one pass', () => {
    const T = 2 * 8192;
    const rt = libraryRuntime('torchtitan');
    expect(rt.kernels?.kvRepeat).toBe('materialized');
    expect(libraryRuntime('torchtitan-compile').kernels?.kvRepeat).toBe('materialized'); // inherited: SDPA takes the copies
    expect(libraryRuntime('fsdp1').kernels?.kvRepeat).toBe('none'); // not torchtitan's model code
    const rep = layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16', kvRepeat: true }).find((o) => o.name === 'kv_repeat')!;
    // Llama 3.1 8B: q 4096 wide, k and v 1024: K and V each read 1024 and write 4096 bf16 per token
    expect(rep.bytes).toBeCloseTo(T * 2 * 2 * (1024 + 4096), 0);
    expect(rep.kernels).toBe(2);
    expect(layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16' }).find((o) => o.name === 'kv_repeat')).toBeUndefined();
    // the sum of the n_rep gradients moves the forward's bytes once (not the 2x of an elementwise op); op SAC reruns it
    const hw = bindRuntime(h100, rt);
    const one = passCost([rep], hw, 'none');
    expect(one.bwdS).toBeCloseTo(one.fwdS, 12);
    expect(passCost([rep], hw, 'selective', undefined, s).bwdS).toBeCloseTo(2 * one.fwdS, 12);
    // without grouped heads (q and k equally wide) there is nothing to repeat
    expect(layerForwardOps({ ...s, kvDim: s.qDim }, p, { moe: false, gemmDtype: 'bf16', kvRepeat: true }).find((o) => o.name === 'kv_repeat')).toBeUndefined();
  });
  it('torchtitan runs eager, torchtitan-compile fused: same request, the eager step is slower, only through elementwise work', () => {
    expect(libraryRuntime('torchtitan').training?.elementwise).toBe('eager');
    expect(libraryRuntime('torchtitan-compile').training).toEqual({ selective: 'op', reduceDtype: 'fp32', elementwise: 'fused', fp8QuantizeBytes: 6, fsdpLayout: 'per_parameter', fsdpReshard: 'pipeline', optimizerBytes: 92, lossForwardBytes: 8, lossBackwardBytes: 16, pipelineSchedules: ['1f1b', 'interleaved', 'dualpipe'], defaultSchedule: '1f1b', expertTp: 1, fp8Accumulate: 'split_backward', gemmDtypes: ['bf16', 'fp8'] });
    const run = (rt: string) => simulateTraining(buildTrainRequest(model, bindRuntime(h100, libraryRuntime(rt)), { devices: 8, dp: 8, zero: 3, seqLen: 8192, globalBatch: 16, microBatch: 2, recompute: 'selective', dtype: 'bf16' }));
    const e = run('torchtitan');
    const c = run('torchtitan-compile');
    expect(e.breakdown.compute_s).toBeGreaterThan(c.breakdown.compute_s);
    expect(Math.abs(e.hardware_flops_per_step / c.hardware_flops_per_step - 1)).toBeLessThan(1e-3); // elementwise FLOPs only
  });
});

describe('torchtitan Float8 FSDP all-gather (runtimes/torchtitan-float8.yaml)', () => {
  it('gathers linear-layer weights in fp8 (1 byte), embedding and head in 16 bits; only with fp8 GEMMs and ZeRO-3', async () => {
    const { zero3GatherBytes } = await import('../src/sim/training/step.js');
    const sixteen = s.paramsEmbedding + s.paramsHead;
    const mean = (2 * sixteen + (s.paramsDense - sixteen)) / s.paramsDense;
    expect(zero3GatherBytes(s, 'fp8', 'fp8', 3)).toBeCloseTo(mean, 12);
    expect(mean).toBeGreaterThan(1);
    expect(mean).toBeLessThan(1.2); // Llama 3.1 8B: ~1.05B of 8.0B parameters are embedding + head
    expect(zero3GatherBytes(s, 'fp8', 'fp8', 3, true)).toBe(1);
    expect(zero3GatherBytes(s, 'bf16', 'fp8', 3)).toBe(2);
    expect(zero3GatherBytes(s, 'fp8', undefined, 3)).toBe(2);
    expect(zero3GatherBytes(s, 'fp8', 'fp8', 1)).toBe(2);
    const rt = libraryRuntime('torchtitan-float8');
    expect(rt.training!.fsdpGatherDtype).toBe('fp8');
    expect(libraryRuntime('torchtitan-compile').training!.fsdpGatherDtype).toBeUndefined();
  });
  it('an FSDP step across nodes exposes less gather time with the fp8 all-gather; bf16 runs are unchanged', () => {
    const h200 = lib.hardware['h200-sxm']!;
    const run = (id: string, dtype: 'fp8' | 'bf16') =>
      simulateTraining(buildTrainRequest(model, bindRuntime(h200, libraryRuntime(id)), { devices: 32, dp: 32, zero: 3, seqLen: 8192, globalBatch: 64, microBatch: 2, recompute: 'selective', dtype }));
    expect(run('torchtitan-float8', 'fp8').breakdown.dp_comm_s).toBeLessThan(run('torchtitan-compile', 'fp8').breakdown.dp_comm_s);
    expect(run('torchtitan-float8', 'bf16').step_s).toBe(run('torchtitan-compile', 'bf16').step_s);
  });
  it('quantizes each fp8 GEMM input at torchao tensorwise cost: amax read + cast read + row- and column-major writes = 6 bytes', async () => {
    const { layerForwardOps } = await import('../src/sim/training/layer-cost.js');
    expect(libraryRuntime('torchtitan-compile').training!.fp8QuantizeBytes).toBe(6);
    expect(libraryRuntime('torchtitan-float8').training!.fp8QuantizeBytes).toBe(6);
    const plan = { devices: 8, tp: 1, pp: 1, cp: 1, dp: 8, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 8192, globalBatch: 16, microBatch: 2 };
    const cast = (qb?: number) => layerForwardOps(s, plan, { moe: false, gemmDtype: 'fp8', quantizeBytes: qb }).find((o) => o.name === 'fp8_cast')!;
    expect(cast(6).bytes).toBe(2 * cast().bytes); // the default (3) reads 16 bits and writes 8 once
    const h200 = lib.hardware['h200-sxm']!;
    const rt = libraryRuntime('torchtitan-float8');
    const three = { ...rt, training: { ...rt.training!, fp8QuantizeBytes: undefined } };
    const compute = (r: typeof rt) => simulateTraining(buildTrainRequest(model, bindRuntime(h200, r), { devices: 32, dp: 32, zero: 3, seqLen: 8192, globalBatch: 64, microBatch: 2, recompute: 'selective', dtype: 'fp8' })).breakdown.compute_s;
    // memory-bound casts: a few percent of an 8B step, not more
    expect(compute(rt) / compute(three)).toBeGreaterThan(1.01);
    expect(compute(rt) / compute(three)).toBeLessThan(1.08);
  });
});
