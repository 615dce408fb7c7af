// Eager PyTorch training (runtimes/pytorch.yaml training): Transformer Engine's default Hopper recipe, DelayedScaling,
// casts each GEMM input in one fused cast-transpose kernel (read bf16 once, write fp8 as is and transposed: 4 bytes per
// element), TE / torchao run the backward fp8 GEMMs with split accumulation, and an fp32 model under autocast casts
// its weights and gradients every micro-batch (param_cast_bytes, src/sim/training/step.ts paramCastSeconds).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { GRAD_ACCUMULATE_FP32_BYTES } from '../src/sim/training/step.js';
import type { NormalizedRuntime } from '../src/spec/types.js';

const lib = getLibrary();
const h100 = lib.hardware['h100-sxm']!;
const gpt2 = libraryModel('gpt2-xl');
const pytorch = libraryRuntime('pytorch');
const run = (rt: NormalizedRuntime, dtype: 'fp8' | 'bf16') =>
  simulateTraining(buildTrainRequest(gpt2, bindRuntime(h100, rt), { devices: 1, seqLen: 1024, globalBatch: 8, microBatch: 8, dtype })).breakdown.compute_s;

describe('eager PyTorch fp8 training', () => {
  it('states TE DelayedScaling cast bytes (4) and split-accumulated backward GEMMs', () => {
    expect(pytorch.training!.fp8QuantizeBytes).toBe(4);
    expect(pytorch.training!.fp8Accumulate).toBe('split_backward');
  });
  it('makes a GPT-2 XL fp8 step on H100 slower than with the defaults (3 bytes, fast accumulation), bf16 unchanged', () => {
    const defaults: NormalizedRuntime = { ...pytorch, training: { ...pytorch.training!, fp8QuantizeBytes: undefined, fp8Accumulate: undefined } };
    const te = run(pytorch, 'fp8');
    const plain = run(defaults, 'fp8');
    expect(te).toBeGreaterThan(plain);
    expect(te / plain).toBeLessThan(1.15);
    expect(run(pytorch, 'bf16')).toBe(run(defaults, 'bf16'));
  });
});

describe('eager PyTorch mixed precision: an fp32 model under autocast', () => {
  const noCast: NormalizedRuntime = { ...pytorch, training: { ...pytorch.training!, paramCastBytes: undefined } };
  const compute = (rt: NormalizedRuntime, globalBatch: number, zero?: 0 | 1 | 3) =>
    simulateTraining(buildTrainRequest(gpt2, bindRuntime(h100, rt), { devices: 1, seqLen: 1024, globalBatch, microBatch: 2, dtype: 'bf16', ...(zero === undefined ? {} : { zero }) })).breakdown.compute_s;
  const perParamS = (bytes: number) => (bytes / (h100.memory.bandwidthBytePerS * h100.efficiency.memory));
  it('casts every weight and its gradient each micro-batch: 12 bytes per parameter', () => {
    expect(pytorch.training!.paramCastBytes).toBe(12);
    const params = compute(pytorch, 2) - compute(noCast, 2); // one micro-batch
    const n = params / perParamS(12);
    expect(n).toBeGreaterThan(1.4e9); // GPT-2 XL: ~1.5-1.6e9 parameters
    expect(n).toBeLessThan(1.7e9);
  });
  it('adds the fp32 gradient accumulation of every micro-batch after the first, and nothing under ZeRO-3', () => {
    const one = compute(pytorch, 2) - compute(noCast, 2);
    const four = compute(pytorch, 8) - compute(noCast, 8); // 4 micro-batches
    // 4 casts of param_cast_bytes + 3 fp32 accumulations of GRAD_ACCUMULATE_FP32_BYTES per parameter
    expect(four).toBeCloseTo(4 * one + (3 * one * GRAD_ACCUMULATE_FP32_BYTES) / pytorch.training!.paramCastBytes!, 6);
    expect(compute(pytorch, 2, 3)).toBe(compute(noCast, 2, 3));
  });
});
