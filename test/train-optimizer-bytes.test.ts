// The optimizer step's memory traffic per parameter (runtime training.optimizer_bytes; src/sim/training/step.ts):
// torchtitan's torch.optim.AdamW(foreach=True) + foreach clip_grad_norm_ run one pass per _foreach op (92 bytes per
// fp32 parameter, runtimes/torchtitan.yaml), where the engine's default prices one fused Adam pass (28); Megatron-Core's
// distributed optimizer adds its gradient norm and the copy of the updated shard into the bf16 parameter buffer (38,
// runtimes/megatron.yaml), NeMo's bf16 gradient buffer the fp32 copy of the main gradient (44, runtimes/nemo.yaml).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import type { DecoderModel, NormalizedRuntime } from '../src/spec/types.js';

const model = libraryModel('llama-3.1-8b') as DecoderModel;
const h100 = getLibrary().hardware['h100-sxm']!;
const fusedAdam = (id: string): NormalizedRuntime => {
  const rt = libraryRuntime(id);
  return { ...rt, training: { ...rt.training, optimizerBytes: undefined } };
};
const run = (rt: NormalizedRuntime, devices: number) =>
  simulateTraining(buildTrainRequest(model, bindRuntime(h100, rt), { devices, dp: devices, zero: 3, seqLen: 8192, globalBatch: 2 * devices, microBatch: 2, recompute: 'selective', dtype: 'bf16' }));

describe('optimizer bytes per parameter (training.optimizer_bytes)', () => {
  it('torchtitan counts its foreach AdamW passes (80) and the gradient clipping (12)', () => {
    // _foreach_mul_ 8, _foreach_lerp_ 12, _foreach_mul_ 8, _foreach_addcmul_ 12, sqrt 8, div 8, add 8, addcdiv 16
    expect(8 + 12 + 8 + 12 + 8 + 8 + 8 + 16 + (4 + 8)).toBe(92);
    expect(libraryRuntime('torchtitan').training!.optimizerBytes).toBe(92);
    expect(libraryRuntime('torchtitan-compile').training!.optimizerBytes).toBe(92);
  });
  it('Megatron-Core counts its distributed optimizer step: l2 norm 4 + FusedAdam 28 + fp32 → bf16 copy 6; NeMo adds the bf16 → fp32 main gradient copy', () => {
    // multi_tensor_l2norm reads the fp32 main gradient; multi_tensor_adam reads grad, param, exp_avg, exp_avg_sq and
    // writes the last three (fp32); the updated shard is copied into the bf16 parameter buffer
    expect(4 + (4 * 4 + 3 * 4) + (4 + 2)).toBe(38);
    expect(libraryRuntime('megatron').training!.optimizerBytes).toBe(38);
    // reduce_dtype bf16: shard_model_grad.float() reads 2 and writes 4
    expect(libraryRuntime('nemo').training!.reduceDtype).toBe('bf16');
    expect(38 + 2 + 4).toBe(44);
    expect(libraryRuntime('nemo').training!.optimizerBytes).toBe(44);
    expect(libraryRuntime('nemo-full-graphs').training!.optimizerBytes).toBe(44); // inherited
  });
  it('prices the Megatron step over the distributed optimizer shard at 38 / 28 of a bare fused Adam', () => {
    // ZeRO-1 (the distributed optimizer) over dp 8: an eighth of the fp32 states per device
    const go = (rt: NormalizedRuntime) =>
      simulateTraining(buildTrainRequest(model, bindRuntime(h100, rt), { devices: 8, dp: 8, zero: 1, seqLen: 8192, globalBatch: 16, microBatch: 1, recompute: 'none', dtype: 'bf16' }));
    const meg = libraryRuntime('megatron');
    const noPasses = (rt: NormalizedRuntime): NormalizedRuntime => ({ ...rt, training: { ...rt.training, gradBufferPasses: 0, averageInCollective: undefined } });
    const a = go(noPasses(meg)).breakdown.optimizer_s;
    const b = go(noPasses(fusedAdam('megatron'))).breakdown.optimizer_s;
    expect(a / b).toBeCloseTo(38 / 28, 9);
    expect(go(meg).step_s! - go(fusedAdam('megatron')).step_s!).toBeCloseTo(a - b, 9);
  });
  it('scales the optimizer time by 92 / 28 over the sharded parameters, and nothing else', () => {
    const foreach = run(libraryRuntime('torchtitan'), 8);
    const fused = run(fusedAdam('torchtitan'), 8);
    expect(foreach.breakdown.optimizer_s / fused.breakdown.optimizer_s).toBeCloseTo(92 / 28, 9);
    expect(foreach.breakdown.compute_s).toBe(fused.breakdown.compute_s);
    // ~1e9 fp32 parameters per H100 at 8-way sharding: ~30 ms of a ~2 s step, shrinking with the DP degree
    expect(foreach.breakdown.optimizer_s).toBeGreaterThan(0.025);
    expect(foreach.breakdown.optimizer_s).toBeLessThan(0.045);
    expect(run(libraryRuntime('torchtitan'), 64).breakdown.optimizer_s).toBeCloseTo(foreach.breakdown.optimizer_s / 8, 9);
  });
});
