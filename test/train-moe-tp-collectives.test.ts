// The tensor-parallel collectives of a MoE layer. Megatron-Core's MoELayer feeds its sequence-parallel input straight
// to the router and the token dispatcher (NVIDIA/Megatron-LM megatron/core/transformer/moe/moe_layer.py,
// token_dispatcher.py: the dispatcher's own all-gather over the expert TP group replaces the MLP's), and torchtitan
// keeps the MoE input sequence-sharded under EP (torchtitan/models/common/MOE_SHARDING.md): a MoE layer runs the
// attention's all-gather / reduce-scatter pair only, plus the MLP's pair where a shared expert (SharedExpertMLP) runs
// its own. Full recompute reruns the layer's forward, dispatcher collectives included.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining, type TrainOptions } from '../src/sim/training/train.js';
import { searchTraining } from '../src/sim/training/search.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const model = libraryModel('qwen3-30b-a3b') as DecoderModel; // every layer MoE, no shared expert
const shared: DecoderModel = { ...model, moe: { ...model.moe!, shared: 1, shared_intermediate: model.moe!.intermediate } };
const hw = (rt: string) => bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime(rt));
const base: TrainOptions = { devices: 8, tp: 2, ep: 4, seqLen: 4096, globalBatch: 64, microBatch: 1, dtype: 'bf16', recompute: 'none' };
const run = (rt: string, o: Partial<TrainOptions> = {}, m: DecoderModel = model) => simulateTraining(buildTrainRequest(m, hw(rt), { ...base, ...o }));

describe('TP collectives of a MoE layer', () => {
  it('the test models are what they say: all layers MoE, with and without a shared expert', () => {
    expect(decoderShape(model).denseLayers).toBe(0);
    expect(decoderShape(model).sharedWidth).toBe(0);
    expect(decoderShape(shared).sharedWidth).toBeGreaterThan(0);
  });
  it('a MoE layer without a shared expert pays the attention\'s pair only: half the TP collectives of one with a shared expert', () => {
    // megatron: TP collectives not overlapped, so tp_comm_s is the collectives' time itself
    for (const etp of [1, 2]) {
      const plain = run('megatron', { etp });
      const withShared = run('megatron', { etp }, shared);
      expect(plain.breakdown.tp_comm_s).toBeGreaterThan(0);
      expect(withShared.breakdown.tp_comm_s / plain.breakdown.tp_comm_s).toBeCloseTo(2, 9);
    }
  });
  it('dense layers keep both halves: a dense model of the same attention pays twice the MoE model\'s TP time per layer', () => {
    const dense: DecoderModel = { ...model, moe: undefined } as DecoderModel;
    const d = simulateTraining(buildTrainRequest(dense, hw('megatron'), { ...base, ep: 1 }));
    expect(d.breakdown.tp_comm_s / run('megatron', { etp: 1 }).breakdown.tp_comm_s).toBeCloseTo(2, 9);
  });
  it('torchtitan at ep 1 gathers the MoE input over TP as a dense MLP does (MOE_SHARDING.md: EP off)', () => {
    const epOff = run('torchtitan', { ep: 1 });
    expect(epOff.etp).toBe(2);
    expect(epOff.breakdown.tp_comm_s / run('torchtitan', { ep: 2 }).breakdown.tp_comm_s).toBeCloseTo(2, 9);
  });
  it('full recompute repeats the forward\'s all-to-all and expert-TP all-gather / reduce-scatter: 6 of each instead of 4', () => {
    for (const etp of [1, 2]) {
      const none = run('megatron', { etp });
      const full = run('megatron', { etp, recompute: 'full' });
      expect(none.breakdown.ep_comm_s).toBeGreaterThan(0);
      expect(full.breakdown.ep_comm_s / none.breakdown.ep_comm_s).toBeCloseTo(1.5, 9);
      expect(full.breakdown.tp_comm_s / none.breakdown.tp_comm_s).toBeCloseTo(1.5, 9);
    }
  });
});

describe('expert TP default per runtime (training.expert_tp)', () => {
  it('megatron / nemo: tp (Megatron-Core); torchtitan and deepspeed: 1 under EP, tp at ep 1; --etp overrides', () => {
    expect(run('megatron').etp).toBe(2);
    expect(run('nemo').etp).toBe(2);
    expect(run('torchtitan').etp).toBe(1);
    expect(run('torchtitan-compile').etp).toBe(1);
    expect(run('deepspeed').etp).toBe(1);
    expect(run('torchtitan', { ep: 1 }).etp).toBe(2);
    expect(run('torchtitan', { etp: 2 }).etp).toBe(2);
    expect(libraryRuntime('torchtitan').training?.expertTp).toBe(1);
    expect(libraryRuntime('megatron').training?.expertTp).toBe('tp');
  });
});

describe('expert ranks with etp below tp (Megatron-Core: tp·dp·cp divisible by etp·ep)', () => {
  const o16: Partial<TrainOptions> = { devices: 16, tp: 2, ep: 16, globalBatch: 64 };
  it('takes EP ranks from the tp ranks the experts leave', () => {
    const r = run('megatron', { ...o16, etp: 1 });
    expect(r.ep).toBe(16);
    expect(Number.isFinite(r.step_s) && r.step_s > 0).toBe(true);
  });
  it('refuses etp·ep beyond tp·dp·cp in one line', () => {
    expect(() => run('megatron', o16)).toThrow(/^train: etp·ep = 2·16 must divide tp·dp·cp = 16 \(/);
  });
});

describe('train --search keeps --etp', () => {
  const search = (etp?: number) =>
    searchTraining(model, hw('megatron'), { devices: 8, seqLen: 4096, globalBatch: 64, dtype: 'bf16', zero: 1, top: 50, recompute: 'none', etp }).configs;
  it('every candidate has the etp asked for', () => {
    const one = search(1);
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((c) => c.etp === 1)).toBe(true);
    expect(one.some((c) => c.tp > 1)).toBe(true);
    const two = search(2);
    expect(two.length).toBeGreaterThan(0);
    expect(two.every((c) => c.etp === 2 && c.tp % 2 === 0)).toBe(true);
  });
});

describe('--etp on a dense model, and the --search order', () => {
  it('refuses --etp on a model without routed experts, as --ep is refused', () => {
    const dense = libraryModel('llama-3.1-8b') as DecoderModel;
    expect(() => buildTrainRequest(dense, hw('megatron'), { ...base, ep: undefined, etp: 2 })).toThrow(/--etp 2 needs a mixture-of-experts model/);
    expect(() => searchTraining(dense, hw('megatron'), { devices: 8, seqLen: 4096, dtype: 'bf16', zero: 1, etp: 1 })).toThrow(/--etp 1 needs a mixture-of-experts model/);
  });
  it('lists configurations in a consistent order: by 1% speed bands, then memory within a band', () => {
    const cs = searchTraining(model, hw('megatron'), { devices: 16, seqLen: 4096, dtype: 'bf16', zero: 1, etp: 1, top: 40 }).configs;
    const band = (t: number) => Math.floor(Math.log(t) / Math.log(1.01));
    for (let i = 1; i < cs.length; i++) {
      const [a, b] = [cs[i - 1]!, cs[i]!];
      expect(band(a.tokens_per_s)).toBeGreaterThanOrEqual(band(b.tokens_per_s));
      if (band(a.tokens_per_s) === band(b.tokens_per_s)) expect(a.memory.per_device_bytes).toBeLessThanOrEqual(b.memory.per_device_bytes);
    }
  });
});

describe('--search table', () => {
  it('shows an etp column only where some split prices the experts at a TP size other than tp', async () => {
    const { renderTrainSearch } = await import('../src/report/train-text.js');
    const o = { devices: 8, seqLen: 4096, globalBatch: 64, dtype: 'bf16' as const, zero: 1 as const, tp: 2, recompute: 'none' as const, top: 3 };
    const header = (rt: string) => renderTrainSearch(searchTraining(model, hw(rt), o).configs, 1).split('\n')[1]!;
    expect(header('megatron')).not.toMatch(/\betp\b/); // megatron: etp = tp
    expect(header('torchtitan')).toMatch(/\bep +etp +schedule/); // torchtitan: expert_tp 1
  });
});
