// ROCm Transformer Engine of mid-October 2024 (runtimes/te-rocm-2024.yaml): under fp8 it ran attention unfused (the
// score matrix written out: src/sim/training/materialised-attention.ts) and its fp8 GEMMs below hipBLASLt's table
// (kernels.fp8_tensor_efficiency, src/sim/roofline.ts). The cap is checked against the one timing it comes from
// (ROCm/TransformerEngine issue #73, TE Linear fp8 forward on an MI300X), the attention against its source's traffic.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { layerForwardOps } from '../src/sim/training/layer-cost.js';
import { materialiseAttention } from '../src/sim/training/materialised-attention.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { opCost } from '../src/sim/roofline.js';
import { elementwise, linear } from '../src/model/op.js';
import type { DecoderModel } from '../src/spec/types.js';
import type { PlanShape } from '../src/sim/training/plan.js';

const lib = getLibrary();
const gpt2 = lib.models['gpt2-xl']! as DecoderModel;
const mi300x = lib.hardware['mi300x']!;
const te = bindRuntime(mi300x, libraryRuntime('te-rocm-2024'));
const plain = bindRuntime(mi300x, libraryRuntime('pytorch'));
const plan = (b: number): PlanShape => ({ devices: 1, tp: 1, pp: 1, cp: 1, dp: 1, ep: 1, interleave: 1, schedule: '1f1b', seqLen: 1024, globalBatch: b, microBatch: b });

describe('te-rocm-2024: unfused attention in training', () => {
  it('writes every score out: 13 bytes each (baddbmm 2, causal softmax 2 + 2, dropout 2 + 2 + 1, bmm 2) and all pairs computed', () => {
    const s = decoderShape(gpt2);
    const fused = layerForwardOps(s, plan(14), { moe: false, gemmDtype: 'fp8' });
    const ops = materialiseAttention(fused, s, plan(14), te);
    const a = ops.find((o) => o.kind === 'attention')!, f = fused.find((o) => o.kind === 'attention')!;
    const scores = 14 * 25 * 1024 * 1024; // b · h · sq · sk
    expect(a.bytes - f.bytes).toBeCloseTo(13 * scores, -3);
    expect(a.flops).toBeCloseTo(2 * f.flops, -3); // the causal mask is applied after the GEMMs
    expect(a.attn).toBeUndefined();
    expect(a.kernels).toBe(8);
    // a fused runtime's ops are left as they are
    expect(materialiseAttention(fused, s, plan(14), plain)).toBe(fused);
  });

  it('the written-out attention costs more than the fused kernel at every batch, and more with the batch', () => {
    const step = (hw: typeof te, b: number) => simulateTraining(buildTrainRequest(gpt2, hw, { devices: 1, seqLen: 1024, globalBatch: b, microBatch: b, recompute: 'none', dtype: 'bf16' })).step_s!;
    const math = bindRuntime(mi300x, libraryRuntime('pytorch-math'));
    let prev = 0;
    for (const b of [2, 8, 14]) {
      const extra = step(math, b) - step(plain, b);
      expect(extra).toBeGreaterThan(prev);
      prev = extra;
    }
  });
});

describe('te-rocm-2024: fp8 GEMMs capped at the TE Linear timing of issue #73', () => {
  it('reproduces te.Linear(1280, 8192) fp8 forward on an fp32 [16384, 1280] input: 206.8 TFLOP/s (1.661 ms) within 3%', () => {
    const [m, n, k] = [16384, 8192, 1280];
    const gemm = { ...linear('te_linear', m, n, k, 'fp8', 1, 1), bytes: n * k + m * k + 4 * m * n }; // fp8 operands, fp32 output
    const casts = elementwise('casts', m * k + n * k, 1, 6, 'fp32'); // fp32 → fp8 and its transpose: read 4, write 1 + 1
    const t = opCost(gemm, te).seconds + opCost(casts, te).seconds;
    const measured = (2 * m * n * k + m * n) / 206.8e12;
    expect(t / measured).toBeGreaterThan(0.97);
    expect(t / measured).toBeLessThan(1.03);
    // the hardware's hipBLASLt table, which the cap replaces for this runtime only, is ~5x faster at that size
    expect(opCost(gemm, plain).seconds).toBeLessThan(opCost(gemm, te).seconds / 4);
  });

  it('caps only dense per-tensor fp8 GEMMs: bf16 GEMMs and block-scaled fp8 ones keep their rates', () => {
    const bf16 = linear('x', 16384, 8192, 1280, 'bf16', 2, 2);
    expect(opCost(bf16, te).seconds).toBe(opCost(bf16, plain).seconds);
    const block = { ...linear('x', 16384, 8192, 1280, 'fp8', 1, 2), fp8Block: true };
    expect(opCost(block, te).seconds).toBe(opCost(block, plain).seconds);
  });

  it('GPT-2 XL fp8 training on one MI300X is slower under te-rocm-2024 than under plain pytorch, and both finite', () => {
    const run = (hw: typeof te) => simulateTraining(buildTrainRequest(gpt2, hw, { devices: 1, seqLen: 1024, globalBatch: 14, microBatch: 14, recompute: 'none', dtype: 'fp8' }));
    const a = run(te), b = run(plain);
    expect(Number.isFinite(a.tokens_per_s!)).toBe(true);
    expect(a.tokens_per_s!).toBeLessThan(b.tokens_per_s! / 2);
    expect(a.memory.fits).toBe(true);
  });
});
