// Eager PyTorch fp8 training (runtimes/pytorch.yaml training): Transformer Engine's default Hopper recipe,
// DelayedScaling, casts each GEMM input in one fused cast-transpose kernel (read bf16 once, write fp8 as is and
// transposed: 4 bytes per element), and TE / torchao run the backward fp8 GEMMs with split accumulation.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
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
    const defaults: NormalizedRuntime = { ...pytorch, training: undefined };
    const te = run(pytorch, 'fp8');
    const plain = run(defaults, 'fp8');
    expect(te).toBeGreaterThan(plain);
    expect(te / plain).toBeLessThan(1.15);
    expect(run(pytorch, 'bf16')).toBe(run(defaults, 'bf16'));
  });
});
