// `train --dtype int8`: AQT int8 training as MaxText's `quantization: int8` runs it (google/aqt config_v3: forward,
// activation-gradient and weight-gradient dot_generals int8 with int32 accumulation), attention and the LM head in
// bf16, activations saved in bf16, linear weights all-gathered in int8 under FSDP (src/sim/training/layer-cost.ts, step.ts).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining, type TrainOptions } from '../src/sim/training/train.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { layerForwardOps } from '../src/sim/training/layer-cost.js';
import { zero3GatherBytes } from '../src/sim/training/step.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const model = libraryModel('llama-3.1-8b') as DecoderModel;
const jax = libraryRuntime('jax');
const v6e = bindRuntime(lib.hardware['tpu-v6e']!, jax);
const base: TrainOptions = { devices: 8, seqLen: 4096, globalBatch: 16, microBatch: 1, recompute: 'full', dtype: 'bf16' };
const run = (hw: NormalizedHardware, o: Partial<TrainOptions> = {}) => simulateTraining(buildTrainRequest(model, hw, { ...base, ...o }));
const plan = { devices: 1, tp: 1, pp: 1, cp: 1, dp: 1, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 4096, globalBatch: 1, microBatch: 1 };

describe('int8 training GEMMs (AQT)', () => {
  it('runs every linear layer in int8 with 8-bit operands and one quantize pass per GEMM input; attention and router stay bf16', () => {
    const s = decoderShape(model);
    const ops = layerForwardOps(s, plan, { moe: false, gemmDtype: 'int8' });
    const gemms = ops.filter((o) => o.kind === 'gemm');
    expect(gemms.length).toBeGreaterThan(0);
    for (const g of gemms) expect(g.dtype, g.name).toBe('int8');
    expect(ops.find((o) => o.kind === 'attention')!.dtype).toBe('bf16');
    // the same quantized elements as fp8 (the activation inputs of the GEMMs), under its own name
    const q = ops.find((o) => o.name === 'int8_quantize')!;
    const f = layerForwardOps(s, plan, { moe: false, gemmDtype: 'fp8' }).find((o) => o.name === 'fp8_cast')!;
    expect(q.bytes).toBe(f.bytes);
    expect(layerForwardOps(s, plan, { moe: false, gemmDtype: 'bf16' }).find((o) => o.name === 'int8_quantize')).toBeUndefined();
  });
  it('prices the GEMMs at the int8 matrix peak: a compute-bound int8 GEMM takes bf16 time × bf16 peak / int8 peak at equal efficiency', () => {
    const s = decoderShape(model);
    const i8 = layerForwardOps(s, plan, { moe: false, gemmDtype: 'int8' }).find((o) => o.name === 'ffn_in')!;
    const b16 = layerForwardOps(s, plan, { moe: false, gemmDtype: 'bf16' }).find((o) => o.name === 'ffn_in')!;
    const hw = lib.hardware['tpu-v6e']!;
    const ratio = opCost(i8, v6e).seconds / opCost(b16, v6e).seconds;
    expect(hw.matrixFlopPerS.int8! / hw.matrixFlopPerS.bf16!).toBe(2);
    expect(ratio).toBeLessThan(0.75); // ~0.5 where the two dtypes share an efficiency table
    const r = run(v6e, { dtype: 'int8' });
    expect(r.gemm_dtype).toBe('int8');
    expect(r.peak_flops_per_device).toBe(hw.matrixFlopPerS.int8);
    expect(r.step_s!).toBeLessThan(run(v6e).step_s!);
    expect(r.warnings.join(' ')).not.toMatch(/int8/);
  });
  it('keeps weights, optimizer and saved activations as bf16 training does', () => {
    const a = run(v6e, { dtype: 'int8' }).memory;
    const b = run(v6e).memory;
    expect(a).toEqual(b);
  });
  it('gathers the linear weights in int8 under ZeRO-3 (embedding and head in 16 bits); 16-bit without ZeRO-3', () => {
    const s = decoderShape(model);
    const g = zero3GatherBytes(s, 'int8', undefined, 3);
    expect(g).toBeGreaterThan(1);
    expect(g).toBeLessThan(1.2);
    expect(zero3GatherBytes(s, 'int8', undefined, 3, true)).toBe(1);
    expect(zero3GatherBytes(s, 'int8', undefined, 1)).toBe(2);
    expect(zero3GatherBytes(s, 'bf16', undefined, 3)).toBe(2);
  });
  it('on a part without int8 matrix units: warns and prices bf16', () => {
    for (const id of ['tpu-v7', 'gaudi3']) {
      const hw = lib.hardware[id]!;
      expect(hw.matrixFlopPerS.int8, id).toBeUndefined();
      const r = run(hw, { dtype: 'int8' });
      expect(r.gemm_dtype).toBe('bf16');
      expect(r.warnings.some((w) => w.includes('no int8 matrix units'))).toBe(true);
      expect(r.step_s).toBe(run(hw).step_s);
    }
  });
  it('rejects other dtypes naming the three it takes', () => {
    expect(() => buildTrainRequest(model, v6e, { ...base, dtype: 'int4' })).toThrow(/bf16, fp8 or int8/);
  });
});

describe('training GEMM dtypes per runtime (training.gemm_dtypes)', () => {
  it('warns where the runtime has no int8 training recipe (Megatron, torchtitan) and prices as asked; jax has one', () => {
    const h100 = lib.hardware['h100-sxm']!;
    const meg = run(bindRuntime(h100, libraryRuntime('megatron')), { dtype: 'int8' });
    expect(meg.warnings.join(' ')).toMatch(/megatron has no int8 training recipe \(it trains bf16, fp8\)/);
    expect(meg.step_s!).toBeLessThan(run(bindRuntime(h100, libraryRuntime('megatron'))).step_s!);
    expect(run(bindRuntime(h100, libraryRuntime('torchtitan')), { dtype: 'int8' }).warnings.join(' ')).toMatch(/torchtitan has no int8/);
    expect(run(bindRuntime(h100, libraryRuntime('megatron')), { dtype: 'fp8' }).warnings.join(' ')).not.toMatch(/training recipe/);
    expect(run(v6e, { dtype: 'int8' }).warnings.join(' ')).not.toMatch(/training recipe/);
  });
});
