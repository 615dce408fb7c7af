// Training formulas against hand-computed small cases (hwperf train, src/sim/training/).
import { describe, expect, it } from 'vitest';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { countParams } from '../src/model/params.js';
import { decoderShape, modelFlopsPerToken } from '../src/sim/training/shapes.js';
import { activationBytesPerToken, trainingMemory } from '../src/sim/training/memory.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { planProblem } from '../src/sim/training/plan.js';
import { gemmTable } from '../src/hardware/efficiency.js';
import { defaultInterleave } from '../src/sim/training/schedule.js';
import { layerForwardOps } from '../src/sim/training/layer-cost.js';
import { searchTraining } from '../src/sim/training/search.js';
import { trainFromArgs } from '../src/sim/training/from-args.js';
import type { TrainResult } from '../src/sim/training/types.js';

// GPT-style toy: h 64, 2 layers, 4 heads of 16, plain 4h FFN, LayerNorm, learned positions.
const tiny: DecoderModel = {
  id: 'tiny', name: 'tiny', family: 'decoder', rumoured: false, sources: ['test'],
  hidden: 64, layers: 2, heads: 4, kv_heads: 4, head_dim: 16,
  ffn: { kind: 'plain', intermediate: 256, activation: 'gelu' },
  vocab: 100, context: 128, norm: 'layernorm', final_norm: true,
  bias: { qkv: true, out: true, ffn: true }, tied_embeddings: true, position: 'learned', parallel_block: false,
};

const hw: NormalizedHardware = {
  id: 'toy-gpu', name: 'toy', vendor: 'test', class: 'datacenter',
  matrixFlopPerS: { bf16: 100e12 }, vectorFlopPerS: { fp32: 10e12 },
  memory: { technology: 'hbm3', capacityBytes: 80e9, bandwidthBytePerS: 2e12 },
  onChip: {},
  scaleUp: { bandwidthBytePerS: 100e9, latencyS: 0, domain: 8 },
  scaleOut: { bandwidthBytePerS: 25e9, latencyS: 0 },
  efficiency: { memory: 1, gemm: gemmTable(1), attention: 1, vector: 1, collective: 1, kernelOverheadS: 0 },
  sources: ['test'],
};

describe('model FLOPs (Kaplan et al. 2020 Table 1, DESIGN.md convention)', () => {
  it('is 6·N_active + 6·n_layer·n_ctx·d_attn', () => {
    const N = countParams(tiny).active;
    // 6N + 6 · 2 layers · 128 ctx · (4 · 16)
    expect(modelFlopsPerToken(decoderShape(tiny), 128)).toBe(6 * N + 6 * 2 * 128 * 64);
  });
});

describe('activation memory (Korthikanti et al. 2022 §4)', () => {
  const s = decoderShape(tiny);
  const h = 64, a = 4, seq = 128;
  it('no recompute, MHA, 4h FFN, dropout: sbh(34 + 5as/h) per layer', () => {
    expect(activationBytesPerToken(s, seq, 'none', false, { dropout: true })).toBe(34 * h + 5 * a * seq);
  });
  it('selective recompute drops the 5as/h score term: 34 sbh', () => {
    expect(activationBytesPerToken(s, seq, 'selective', false, { dropout: true })).toBe(34 * h);
  });
  it('full recompute keeps the layer input only: 2 sbh', () => {
    expect(activationBytesPerToken(s, seq, 'full', false)).toBe(2 * h);
  });
});

describe('weights, gradients, optimizer (ZeRO paper: 2 + 2 + 12 bytes per parameter)', () => {
  const s = decoderShape(tiny);
  const plan = { devices: 4, tp: 1, pp: 1, cp: 1, dp: 4, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 128, globalBatch: 4, microBatch: 1 };
  const P = countParams(tiny).total;
  it('ZeRO 0 keeps 16 bytes per parameter on every replica', () => {
    const m = trainingMemory({ shape: s, plan, recompute: 'selective', zero: 0, capacityBytes: 80e9 });
    expect(m.weights_bytes + m.gradients_bytes + m.optimizer_bytes).toBeCloseTo(16 * P, 6);
  });
  it('ZeRO 1/2/3 shard optimizer, then gradients, then weights over dp', () => {
    const z = (zero: 0 | 1 | 2 | 3) => trainingMemory({ shape: s, plan, recompute: 'selective', zero, capacityBytes: 80e9 });
    expect(z(1).optimizer_bytes).toBeCloseTo((12 * P) / 4, 6);
    expect(z(1).gradients_bytes).toBeCloseTo(2 * P, 6);
    expect(z(2).gradients_bytes).toBeCloseTo((2 * P) / 4, 6);
    expect(z(3).weights_bytes).toBeCloseTo((2 * P) / 4, 6);
  });
  it('does not fit → fits false with a reason, every figure present', () => {
    const m = trainingMemory({ shape: s, plan, recompute: 'none', zero: 0, capacityBytes: 1e5 });
    expect(m.fits).toBe(false);
    expect(m.reason).toMatch(/usable/);
    expect(m.activations_bytes).toBeGreaterThan(0);
  });
});

describe('pipeline schedule (Narayanan et al. 2021 §2.2)', () => {
  const base = { devices: 2, pp: 2, seqLen: 128, globalBatch: 8, microBatch: 1 };
  const busy = (r: ReturnType<typeof simulateTraining>) => {
    const b = r.breakdown;
    return b.compute_s + b.tp_comm_s + b.cp_comm_s + b.ep_comm_s + b.pp_p2p_s;
  };
  it('1F1B bubble is (p−1)/m of the busy time', () => {
    const r = simulateTraining(buildTrainRequest(tiny, hw, base));
    expect(r.micro_batches).toBe(8);
    expect(r.breakdown.pp_bubble_s / busy(r)).toBeCloseTo(1 / 8, 9);
  });
  it('interleaving with v chunks divides the bubble by v', () => {
    const r = simulateTraining(buildTrainRequest({ ...tiny, layers: 4 }, hw, { ...base, interleave: 2 }));
    expect(r.breakdown.pp_bubble_s / busy(r)).toBeCloseTo(1 / 16, 9);
  });
});

describe('plan checks and fallbacks', () => {
  it('rejects splits that do not multiply to the device count or divide the heads', () => {
    const s = decoderShape(tiny);
    const p = { devices: 8, tp: 8, pp: 1, cp: 1, dp: 1, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 128, globalBatch: 8, microBatch: 1 };
    expect(planProblem(p, s)).toMatch(/heads/);
    expect(planProblem({ ...p, tp: 2, dp: 2 }, s)).toMatch(/must equal --devices/);
    expect(planProblem({ ...p, tp: 2, dp: 4, globalBatch: 6 }, s)).toMatch(/multiple of dp/);
  });
  it('fp8 on hardware without fp8 matrix units falls back to bf16 and warns', () => {
    const r = simulateTraining(buildTrainRequest(tiny, hw, { devices: 1, dtype: 'fp8', seqLen: 128, globalBatch: 1 }));
    expect(r.gemm_dtype).toBe('bf16');
    expect(r.warnings.join(' ')).toMatch(/no fp8/);
  });
  it('reports every key even when memory does not fit', () => {
    const small = { ...hw, memory: { ...hw.memory, capacityBytes: 1e5 } };
    const r = simulateTraining(buildTrainRequest(tiny, small, { devices: 1, seqLen: 128, globalBatch: 1, tokens: 1e6, priceUsdPerHour: 2 }));
    expect(r.memory.fits).toBe(false);
    for (const k of ['step_s', 'mfu', 'achieved_flops_per_device', 'tokens_per_s', 'total_flops', 'total_s', 'gpu_hours', 'cost_usd'] as const) {
      expect(typeof r[k], k).toBe('number');
    }
  });
  it('single device, no communication: compute is forward + 2× backward (+ recomputed scores)', () => {
    const r = simulateTraining(buildTrainRequest(tiny, hw, { devices: 1, seqLen: 128, globalBatch: 1, recompute: 'none' }));
    expect(r.breakdown.tp_comm_s + r.breakdown.dp_comm_s + r.breakdown.pp_bubble_s).toBe(0);
    // executed FLOPs = 3 × forward; forward = 2·(N − embedding tables + tied head)·tokens + attention
    expect(r.hardware_flops_per_step).toBeGreaterThan(0.9 * r.model_flops_per_step);
    expect(r.hardware_flops_per_step).toBeLessThan(1.1 * r.model_flops_per_step);
  });
});

describe('pipeline schedules: defaults, DualPipe, interleaving (src/sim/training/schedule.ts)', () => {
  it('default v: the largest divisor of ⌈L/pp⌉ leaving ≥ 2 layers per chunk (NVIDIA recipes: 405B PP8 → VP8, DeepSeek-V3 PP8 → VP4)', () => {
    expect(defaultInterleave(126, 8)).toBe(8);
    expect(defaultInterleave(61, 8)).toBe(4);
    expect(defaultInterleave(126, 16)).toBe(4);
    expect(defaultInterleave(96, 16)).toBe(3);
    expect(defaultInterleave(2, 2)).toBe(1);
    expect(defaultInterleave(126, 1)).toBe(1);
  });
  const deep = { ...tiny, layers: 16 };
  const base = { devices: 4, pp: 4, seqLen: 128, microBatch: 1 };
  it('dense model with enough layers and micro-batches defaults to interleaved; too few micro-batches → 1F1B', () => {
    const r = simulateTraining(buildTrainRequest(deep, hw, { ...base, globalBatch: 8 }));
    expect(r.schedule).toBe('interleaved');
    expect(r.interleave).toBe(2);
    const few = simulateTraining(buildTrainRequest(deep, hw, { ...base, globalBatch: 2 }));
    expect(few.schedule).toBe('1f1b');
  });
  it('default global batch keeps at least 2·pp micro-batches per pipeline', () => {
    const r = simulateTraining(buildTrainRequest(deep, hw, { devices: 8, pp: 8, seqLen: 128 }));
    expect(r.micro_batches).toBeGreaterThanOrEqual(16);
  });
  it('interleaved PP sends hide behind compute; plain 1F1B sends block', () => {
    const i = simulateTraining(buildTrainRequest(deep, hw, { ...base, globalBatch: 8, schedule: 'interleaved' }));
    const p = simulateTraining(buildTrainRequest(deep, hw, { ...base, globalBatch: 8, schedule: '1f1b' }));
    expect(p.breakdown.pp_p2p_s).toBeGreaterThan(0);
    // v = 2 boundaries per micro-batch, minus the compute they hide behind
    expect(i.interleave).toBe(2);
    expect(i.breakdown.pp_p2p_s).toBeCloseTo(Math.max(0, 2 * p.breakdown.pp_p2p_s - i.breakdown.compute_s), 12);
    expect(i.breakdown.pp_p2p_s).toBeLessThan(2 * p.breakdown.pp_p2p_s);
  });
  it('DualPipe bubble (p/2 − 1)(F&B + B − 3W) is smaller than 1F1B (p − 1)(F + B), zero at pp 2', () => {
    const d = simulateTraining(buildTrainRequest(deep, hw, { ...base, globalBatch: 8, schedule: 'dualpipe' }));
    const p = simulateTraining(buildTrainRequest(deep, hw, { ...base, globalBatch: 8, schedule: '1f1b' }));
    expect(d.breakdown.pp_bubble_s).toBeGreaterThan(0);
    expect(d.breakdown.pp_bubble_s).toBeLessThan(p.breakdown.pp_bubble_s / 3); // (1 · ≲2 slots) vs 3 slots
    const two = simulateTraining(buildTrainRequest(deep, hw, { devices: 2, pp: 2, seqLen: 128, globalBatch: 8, schedule: 'dualpipe' }));
    expect(two.breakdown.pp_bubble_s).toBe(0);
  });
  it('DualPipe holds two stages per device (report Table 2: parameters 2×) and pp + 1 micro-batches of activations', () => {
    const d = simulateTraining(buildTrainRequest(deep, hw, { ...base, globalBatch: 8, schedule: 'dualpipe', zero: 0 }));
    const p = simulateTraining(buildTrainRequest(deep, hw, { ...base, globalBatch: 8, schedule: '1f1b', zero: 0 }));
    expect(d.memory.weights_bytes).toBeGreaterThan(1.5 * p.memory.weights_bytes);
    expect(d.memory.activations_bytes).toBeGreaterThan(p.memory.activations_bytes);
  });
  it('rejects schedules the split cannot run', () => {
    expect(() => buildTrainRequest(deep, hw, { devices: 3, pp: 3, seqLen: 128, globalBatch: 6, schedule: 'dualpipe' })).toThrow(/even pp/);
    expect(() => buildTrainRequest(deep, hw, { ...base, globalBatch: 8, schedule: 'pipedream' })).toThrow(/--schedule must be/);
    expect(() => buildTrainRequest(deep, hw, { ...base, globalBatch: 8, schedule: '1f1b', interleave: 2 })).toThrow(/1f1b/);
  });
  it('--search tries interleaved and DualPipe schedules', () => {
    const { configs } = searchTraining(deep, hw, { devices: 4, seqLen: 128, globalBatch: 16, dtype: 'bf16', zero: 1, pp: 4, tp: 1, microBatch: 1, recompute: 'selective', top: 50 });
    const kinds = new Set(configs.map((c) => c.schedule));
    expect(kinds.has('interleaved')).toBe(true);
    expect(kinds.has('dualpipe')).toBe(true);
    expect(kinds.has('1f1b')).toBe(true);
  });
});

describe('fp8 training', () => {
  it('casts every fp8 GEMM input once (a memory-bound op) and keeps attention in bf16', () => {
    const s = decoderShape(tiny);
    const p = { devices: 1, tp: 1, pp: 1, cp: 1, dp: 1, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 128, globalBatch: 1, microBatch: 1 };
    const ops = layerForwardOps(s, p, false, 'fp8');
    expect(ops.find((o) => o.name === 'fp8_cast')).toBeDefined();
    expect(ops.find((o) => o.kind === 'attention')!.dtype).toBe('bf16');
    expect(layerForwardOps(s, p, false, 'bf16').find((o) => o.name === 'fp8_cast')).toBeUndefined();
  });
  it('gpu_hours is in --json whenever --tokens is given', async () => {
    const r = (await trainFromArgs('train --model gpt3-175b --hardware h800-sxm --devices 64 --tp 8 --pp 8 --dtype fp8 --tokens 1e9 --json'.split(' '))) as TrainResult;
    expect(r.gpu_hours).toBeCloseTo((r.total_s! * 64) / 3600, 6);
    expect(r.gemm_dtype).toBe('fp8');
  });
});
