// Training formulas against hand-computed small cases (hwperf train, src/sim/training/).
import { describe, expect, it } from 'vitest';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { countParams } from '../src/model/params.js';
import { decoderShape, modelFlopsPerToken } from '../src/sim/training/shapes.js';
import { activationBytesPerToken, trainingMemory } from '../src/sim/training/memory.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { planProblem } from '../src/sim/training/plan.js';
import { gemmTable } from '../src/hardware/efficiency.js';

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
  const plan = { devices: 4, tp: 1, pp: 1, cp: 1, dp: 4, ep: 1, interleave: 1, seqLen: 128, globalBatch: 4, microBatch: 1 };
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
    const p = { devices: 8, tp: 8, pp: 1, cp: 1, dp: 1, ep: 1, interleave: 1, seqLen: 128, globalBatch: 8, microBatch: 1 };
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
