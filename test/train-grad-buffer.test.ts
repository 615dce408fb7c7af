// Megatron-Core's DDP passes over the unsharded gradient buffer: its zeroing at the start of every iteration
// (zero_grad_buffer), and before each bucket's reduce-scatter check_grads' norm and the 1/dp scaling when the collective
// does not average; under Megatron-LM's bf16 defaults it keeps that
// buffer and its reduce-scatter in fp32 (runtimes/megatron.yaml grad_buffer_passes, reduce_dtype; src/sim/training/step.ts).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import type { NormalizedRuntime } from '../src/spec/types.js';

const hw = getLibrary().hardware['h100-sxm']!;
const m = libraryModel('llama-3.1-8b');
const o = { devices: 8, seqLen: 8192, globalBatch: 64, microBatch: 1, dtype: 'bf16' as const };
const run = (rt: NormalizedRuntime, zero?: 3) => simulateTraining(buildTrainRequest(m, bindRuntime(hw, rt), zero ? { ...o, zero } : o));
const without = (rt: NormalizedRuntime): NormalizedRuntime => ({ ...rt, training: { ...rt.training, gradBufferPasses: 0, averageInCollective: undefined } });

describe('gradient buffer passes and reduce dtype', () => {
  it('megatron: zeroing + norm + 1/dp scaling = 4 passes over an fp32 buffer; nemo: zeroing + norm, bf16', () => {
    const meg = libraryRuntime('megatron');
    const nemo = libraryRuntime('nemo');
    expect(meg.training!.gradBufferPasses).toBe(2);
    expect(meg.training!.averageInCollective).toBe(false);
    expect(nemo.training!.averageInCollective).toBe(true);
    expect(meg.training!.reduceDtype).toBe('fp32');
    expect(nemo.training!.gradBufferPasses).toBe(2);
    // a full-iteration CUDA graph drops the norm (no NaN check) but the buffer is still zeroed outside the graph
    expect(libraryRuntime('nemo-full-graphs').training!.gradBufferPasses).toBe(1);
    expect(nemo.training!.reduceDtype).toBe('bf16');
    // the passes land in optimizer_s (per-step passes over parameter-sized buffers): device parameters × passes ×
    // gradient bytes at the HBM rate
    const params = decoderShape(m).paramsDense;
    const rate = hw.memory.bandwidthBytePerS * hw.efficiency.memory;
    const dMeg = run(meg).breakdown.optimizer_s - run(without(meg)).breakdown.optimizer_s;
    const dNemo = run(nemo).breakdown.optimizer_s - run(without(nemo)).breakdown.optimizer_s;
    expect(run(meg).step_s! - run(without(meg)).step_s!).toBeCloseTo(dMeg, 9);
    expect(dMeg).toBeCloseTo((4 * params * 4) / rate, 9);
    expect(dNemo).toBeCloseTo((2 * params * 2) / rate, 9);
    // ~8 GB of parameters: tens of ms on a step of seconds
    expect(dMeg / run(meg).step_s!).toBeLessThan(0.05);
  });
  it('not under ZeRO-3 (another code path), and the fp32 reduce-scatter moves twice the bytes', () => {
    const meg = libraryRuntime('megatron');
    expect(run(meg, 3).breakdown.optimizer_s).toBeCloseTo(run(without(meg), 3).breakdown.optimizer_s, 12);
    // megatron's DP traffic is exposed (dp_grad 0): the reduce-scatter doubles, the bf16 parameter gather stays (the
    // larger messages reach a higher link fraction, so a little under 1.5x here)
    const bf16 = run({ ...meg, training: { ...meg.training, reduceDtype: 'bf16' } }).breakdown.dp_comm_s;
    expect(run(meg).breakdown.dp_comm_s).toBeGreaterThan(1.3 * bf16);
    expect(run(meg).breakdown.dp_comm_s).toBeLessThan(1.5 * bf16);
  });
  it('the scaling pass runs only where its factor is not 1: no data parallelism, or averaged dense buckets', () => {
    const meg = libraryRuntime('megatron');
    const rate = hw.memory.bandwidthBytePerS * hw.efficiency.memory;
    const params = decoderShape(m).paramsDense;
    // 8 GPUs as tp 8 (dp 1): gradient_scaling_factor 1/(dp·cp) = 1, so only the zeroing and the norm (over one
    // eighth of the parameters, fp32)
    const tp8 = { ...o, tp: 8 };
    const runTp8 = (rt: NormalizedRuntime) => simulateTraining(buildTrainRequest(m, bindRuntime(hw, rt), tp8));
    const d = runTp8(meg).breakdown.optimizer_s - runTp8(without(meg)).breakdown.optimizer_s;
    expect(d).toBeCloseTo((2 * (params / 8) * 4) / rate, 9);
  });
  it('averaged collectives still scale the expert buckets where the experts data-parallel group differs', () => {
    const nemo = libraryRuntime('nemo');
    const moe = libraryModel('mixtral-8x7b');
    const sh = decoderShape(moe);
    const rate = hw.memory.bandwidthBytePerS * hw.efficiency.memory;
    const plan = { devices: 8, seqLen: 4096, globalBatch: 64, microBatch: 1, dtype: 'bf16' as const, ep: 8 };
    const go = (rt: NormalizedRuntime) => simulateTraining(buildTrainRequest(moe, bindRuntime(hw, rt), plan));
    const norm = { ...nemo, training: { ...nemo.training, averageInCollective: undefined } };
    // dp 8, ep 8: edp = 1 ≠ dp·cp = 8, so the experts' buffer (one eighth of them per device, bf16) is read and written
    const d = go(nemo).breakdown.optimizer_s - go(norm).breakdown.optimizer_s;
    expect(d).toBeCloseTo((2 * (sh.paramsExpert / 8) * 2) / rate, 9);
  });
});
