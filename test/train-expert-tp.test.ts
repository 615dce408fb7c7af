// Expert tensor parallelism (--etp, Megatron-Core --expert-tensor-parallel-size, default tp): the routed experts'
// weights split over etp ranks, and with etp > 1 the alltoall dispatcher's all-gather of the received rows over the
// expert TP group before the expert GEMMs and reduce-scatter after them (forward and backward: four collectives per
// MoE layer; NVIDIA/Megatron-LM megatron/core/transformer/moe/token_dispatcher.py dispatch_postprocess /
// combine_preprocess).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining, type TrainOptions } from '../src/sim/training/train.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { WEIGHT_BYTES } from '../src/sim/training/memory.js';
import { busiestExpertRank } from '../src/model/busiest-expert-rank.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const model = libraryModel('qwen3-30b-a3b') as DecoderModel;
// one 8-GPU node: TP2 × DP4 with EP4, so every EP and expert-TP group stays on NVLink whatever etp is
const base: TrainOptions = { devices: 8, tp: 2, ep: 4, seqLen: 4096, globalBatch: 64, microBatch: 1, dtype: 'bf16', recompute: 'none' };
const run = (rt: string, o: Partial<TrainOptions> = {}) =>
  simulateTraining(buildTrainRequest(model, bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime(rt)), { ...base, ...o }));

describe('expert tensor parallelism (--etp)', () => {
  it('defaults to tp, as Megatron-Core does (megatron/training/arguments.py)', () => {
    expect(run('nemo').etp).toBe(2);
    expect(run('nemo', { etp: 1 }).etp).toBe(1);
  });
  it('adds the dispatcher\'s expert-TP all-gather / reduce-scatter to the exposed expert communication, same FLOPs', () => {
    const split = run('nemo');
    const whole = run('nemo', { etp: 1 });
    // the same FLOPs but for the busiest EP rank's excess, which shrinks as a rank sees more tokens (etp 2 gathers the
    // rows of two ranks: src/model/busiest-expert-rank.ts): the step's routed-expert FLOPs (18·k·I·(d + 1) a token and
    // layer: three gated GEMM widths forward and backward, and the activation) times the two factors' difference
    const q = model.moe!;
    const expertFlops = 64 * 4096 * 18 * q.active * q.intermediate * (model.hidden + 1) * model.layers;
    const b = (et: number) => busiestExpertRank(q.experts, q.active, (4 * 4096 * et) / 2, 4).rows;
    expect((split.hardware_flops_per_step - whole.hardware_flops_per_step) / (expertFlops * (b(2) - b(1)))).toBeCloseTo(1, 6);
    expect(split.breakdown.ep_comm_s).toBeGreaterThan(whole.breakdown.ep_comm_s * 1.2);
    // slower where the device sets the pace; at micro-batch 1 the host's issue of 32 local experts' calls sets it and
    // the collectives run behind it on the stream (src/sim/training/moe-host-sync.ts syncedMoePass)
    const mb4 = { microBatch: 4, globalBatch: 256 };
    expect(run('nemo', mb4).step_s).toBeGreaterThan(run('nemo', { ...mb4, etp: 1 }).step_s * 1.1);
    expect(split.step_s).toBeGreaterThan(whole.step_s * 0.99);
  });
  it('prices no expert-TP collective for DeepEP / HybridEP dispatchers (they send each token to the etp ranks directly)', () => {
    expect(run('nemo-deepep').breakdown.ep_comm_s).toBeCloseTo(run('nemo-deepep', { etp: 1 }).breakdown.ep_comm_s, 12);
  });
  it('keeps each expert whole on its rank at etp 1: tp times the expert weights per device', () => {
    const s = decoderShape(model);
    const dw = run('nemo', { etp: 1 }).memory.weights_bytes - run('nemo').memory.weights_bytes;
    // expert weights per device: paramsExpert / (etp · ep) (ZeRO 1 leaves the weights unsharded)
    expect(dw).toBeCloseTo(WEIGHT_BYTES * (s.paramsExpert / 4) * (1 - 1 / 2), -3);
  });
  it('refuses an etp that does not divide tp, in one line naming the flag', () => {
    expect(() => run('nemo', { etp: 3 })).toThrow(/etp 3 must divide tp 2/);
    expect(() => run('nemo', { etp: 0 })).toThrow(/--etp must be a whole number/);
  });
});

describe('validation commands: a train flag the runner does not read is refused, not dropped', () => {
  it('prices --etp from a command line and refuses an unknown flag in one line', async () => {
    const { trainFromFlags } = await import('../src/sim/training/from-args.js');
    const flags = { model: 'qwen3-30b-a3b', hardware: 'h100-sxm', devices: '8', tp: '2', ep: '4', 'seq-len': '4096', 'global-batch': '64', recompute: 'none', runtime: 'nemo' };
    expect(trainFromFlags({ ...flags, etp: '1' }).etp).toBe(1);
    expect(() => trainFromFlags({ ...flags, 'expert-tp': '1' })).toThrow(/^train: unknown flag --expert-tp \(one of /);
  });
});
