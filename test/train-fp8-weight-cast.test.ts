// Transformer Engine quantizes each fp8 GEMM's 16-bit weight once per optimizer step (its weight workspace, refreshed
// only with is_first_microbatch, which Megatron-Core sets on a step's first micro-batch): runtime
// training.fp8_weight_cast per_step (runtimes/megatron.yaml, inherited by nemo*), at fp8_quantize_bytes per weight.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining, type TrainOptions } from '../src/sim/training/train.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const h100 = getLibrary().hardware['h100-sxm']!;
const model = libraryModel('llama-3.1-8b') as DecoderModel;
const nemo = bindRuntime(h100, libraryRuntime('nemo'));
// the same runtime without the per-step weight quantization
const without: NormalizedHardware = { ...nemo, runtime: { ...nemo.runtime!, training: { ...nemo.runtime!.training, fp8WeightCast: undefined } } };
const base: TrainOptions = { devices: 8, seqLen: 8192, globalBatch: 16, microBatch: 2, dtype: 'fp8', recompute: 'none' };
const run = (hw: NormalizedHardware, o: Partial<TrainOptions> = {}) => simulateTraining(buildTrainRequest(model, hw, { ...base, ...o }));

describe('fp8 weights quantized once per step (runtime training.fp8_weight_cast)', () => {
  it('is set for Megatron-Core and the NeMo runtimes that extend it', () => {
    for (const id of ['megatron', 'nemo', 'nemo-deepep', 'nemo-moe-graphs', 'nemo-full-graphs', 'nemo-flash-attn']) expect(libraryRuntime(id).training!.fp8WeightCast, id).toBe('per_step');
    expect(libraryRuntime('torchtitan-float8').training?.fp8WeightCast).toBeUndefined();
  });
  it('adds every linear weight read and written once at fp8_quantize_bytes, whatever the micro-batch count', () => {
    const s = decoderShape(model);
    const linear = s.paramsDense - s.paramsEmbedding - s.paramsHead; // TP1 PP1: the whole model's linear layers
    const expected = (linear * nemo.runtime!.training!.fp8QuantizeBytes!) / (h100.memory.bandwidthBytePerS * h100.efficiency.memory);
    for (const globalBatch of [16, 128]) {
      const d = run(nemo, { globalBatch }).step_s - run(without, { globalBatch }).step_s;
      expect(d / expected).toBeCloseTo(1, 6);
    }
    expect(expected).toBeGreaterThan(0.01); // ~6e9 weights × 6 B at the H100's streaming rate: ~15 ms
  });
  it('costs nothing with bf16 GEMMs or under ZeRO-3', () => {
    expect(run(nemo, { dtype: 'bf16' }).step_s).toBe(run(without, { dtype: 'bf16' }).step_s);
    expect(run(nemo, { zero: 3 }).step_s).toBe(run(without, { zero: 3 }).step_s);
  });
});
