// FSDP2's copies on the compute stream (src/sim/training/fsdp-copies.ts; runtime training.fsdp_layout): the copy-out
// of each gathered parameter (forward and backward gather) and the reduce-scatter copy-in of each gradient, priced per
// micro-batch for torchtitan's FSDP2 runtimes, not for FSDP1's flat buffers (runtimes/fsdp1*.yaml) nor without ZeRO-3.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { fsdpCopyBytesPerParam } from '../src/sim/training/fsdp-copies.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import type { DecoderModel } from '../src/spec/types.js';

const model = libraryModel('llama-3.1-8b') as DecoderModel;
const s = decoderShape(model);
const a100 = getLibrary().hardware['a100-sxm4-80gb']!;
// (fsdp1 with torchtitan's K/V repeat, runtimes/fsdp1.yaml leaves it out as not its stacks' code: the layout alone differs)
const layoutOnly = (runtime: string) => {
  const rt = libraryRuntime(runtime);
  return runtime === 'fsdp1' ? { ...rt, kernels: { ...rt.kernels, kvRepeat: 'materialized' as const } } : rt;
};
const run = (runtime: string, zero: 1 | 3, microBatch = 1, globalBatch = 64) =>
  simulateTraining(buildTrainRequest(model, bindRuntime(a100, layoutOnly(runtime)), { devices: 64, dp: 64, zero, seqLen: 8192, globalBatch, microBatch, recompute: 'selective', dtype: 'bf16' }));

describe('FSDP2 copy-out / copy-in (training.fsdp_layout per_parameter)', () => {
  it('moves 2 x (read 2 + write 2) for the two bf16 gathers and read 2 + write 4 for the fp32 reduce-scatter copy-in', () => {
    expect(fsdpCopyBytesPerParam(2, 4)).toBe(14);
    expect(fsdpCopyBytesPerParam(1, 4)).toBe(10); // fp8 all-gather (torchtitan-float8)
    expect(fsdpCopyBytesPerParam(2, 2)).toBe(12);
  });
  it('torchtitan runtimes run FSDP2; the FSDP1 stand-ins do not', () => {
    expect(libraryRuntime('torchtitan').training!.fsdpLayout).toBe('per_parameter');
    expect(libraryRuntime('torchtitan-compile').training!.fsdpLayout).toBe('per_parameter');
    expect(libraryRuntime('torchtitan-float8').training!.fsdpLayout).toBe('per_parameter');
    expect(libraryRuntime('fsdp1').training!.fsdpLayout).toBe('flat');
    expect(libraryRuntime('fsdp1-compile').training!.fsdpLayout).toBe('flat');
    expect(libraryRuntime('fsdp1').training!.elementwise).toBe('eager'); // torchtitan's other settings kept
    expect(libraryRuntime('fsdp1-compile').training!.elementwise).toBe('fused');
  });
  it('adds 14 bytes per unsharded parameter per micro-batch to the compute, at the part\'s memory rate', () => {
    const fsdp2 = run('torchtitan', 3);
    const fsdp1 = run('fsdp1', 3);
    const copyS = (s.paramsDense * 14) / (a100.memory.bandwidthBytePerS * a100.efficiency.memory);
    expect(fsdp2.breakdown.compute_s - fsdp1.breakdown.compute_s).toBeCloseTo(copyS, 9);
    expect(copyS).toBeGreaterThan(0.04); // Llama 3.1 8B on an A100: ~60 ms per micro-batch
    expect(copyS).toBeLessThan(0.08);
    expect(fsdp2.step_s).toBeGreaterThan(fsdp1.step_s);
  });
  it('is paid per micro-batch, and not at all without ZeRO-3', () => {
    const one = run('torchtitan', 3, 1, 64).breakdown.compute_s - run('fsdp1', 3, 1, 64).breakdown.compute_s;
    const four = run('torchtitan', 3, 1, 256).breakdown.compute_s - run('fsdp1', 3, 1, 256).breakdown.compute_s;
    expect(four).toBeCloseTo(4 * one, 9);
    expect(run('torchtitan', 1).step_s).toBe(run('fsdp1', 1).step_s);
  });
});
