// Training formulas against hand-computed small cases (hwperf train, src/sim/training/).
import { describe, expect, it } from 'vitest';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { countParams } from '../src/model/params.js';
import { decoderShape, modelFlopsPerToken } from '../src/sim/training/shapes.js';
import { activationBytesPerToken, trainingMemory } from '../src/sim/training/memory.js';
import { buildTrainRequest, simulateTraining, type TrainOptions } from '../src/sim/training/train.js';
import { planProblem } from '../src/sim/training/plan.js';
import { gemmTable } from '../src/hardware/efficiency.js';
import { defaultInterleave } from '../src/sim/training/schedule.js';
import { layerForwardOps } from '../src/sim/training/layer-cost.js';
import { searchTraining } from '../src/sim/training/search.js';
import { trainFromArgs } from '../src/sim/training/from-args.js';
import type { TrainResult } from '../src/sim/training/types.js';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { OVERLAP_SLOWDOWN } from '../src/sim/training/contention.js';

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

describe('model FLOPs (Kaplan et al. 2020 Table 1, docs/design.md convention)', () => {
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
    // (sends all hidden: the blocking warmup/flush sends are test/train-pp-flush-p2p.test.ts)
    const overlapped = bindRuntime(hw, { ...libraryRuntime('megatron'), training: { ...libraryRuntime('megatron').training, ppWarmupFlushP2p: 'overlapped' } });
    const r = simulateTraining(buildTrainRequest({ ...tiny, layers: 4 }, overlapped, { ...base, interleave: 2 }));
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
  it('dense model with enough layers and micro-batches defaults to interleaved where the runtime names no framework default (and under nemo); too few micro-batches → 1F1B; Megatron-LM runs its own default, 1F1B', () => {
    for (const id of ['ideal', 'nemo']) {
      const rt = bindRuntime(hw, libraryRuntime(id));
      const r = simulateTraining(buildTrainRequest(deep, rt, { ...base, globalBatch: 8 }));
      expect([r.schedule, r.interleave], id).toEqual(['interleaved', 2]);
      const few = simulateTraining(buildTrainRequest(deep, rt, { ...base, globalBatch: 2 }));
      expect(few.schedule, id).toBe('1f1b');
    }
    // megatron (the training default): no virtual stages unless asked for (runtimes/megatron.yaml default_schedule)
    const meg = simulateTraining(buildTrainRequest(deep, hw, { ...base, globalBatch: 8 }));
    expect([meg.runtime, meg.schedule, meg.interleave]).toEqual(['megatron', '1f1b', 1]);
    expect(simulateTraining(buildTrainRequest(deep, hw, { ...base, globalBatch: 8, schedule: 'interleaved' })).interleave).toBe(2);
  });
  it('default global batch keeps at least 2·pp micro-batches per pipeline', () => {
    const r = simulateTraining(buildTrainRequest(deep, hw, { devices: 8, pp: 8, seqLen: 128 }));
    expect(r.micro_batches).toBeGreaterThanOrEqual(16);
  });
  it('interleaved PP sends hide behind compute; plain 1F1B sends block', () => {
    // (steady-phase overlap only; the warmup/flush sends Megatron blocks on are test/train-pp-flush-p2p.test.ts)
    const overlapped = bindRuntime(hw, { ...libraryRuntime('megatron'), training: { ...libraryRuntime('megatron').training, ppWarmupFlushP2p: 'overlapped' } });
    const i = simulateTraining(buildTrainRequest(deep, overlapped, { ...base, globalBatch: 8, schedule: 'interleaved' }));
    const p = simulateTraining(buildTrainRequest(deep, hw, { ...base, globalBatch: 8, schedule: '1f1b' }));
    expect(p.breakdown.pp_p2p_s).toBeGreaterThan(0);
    // v = 2 boundaries per micro-batch, minus the compute they hide behind; the hidden part slows that compute by
    // OVERLAP_SLOWDOWN of its time (src/sim/training/contention.ts)
    expect(i.interleave).toBe(2);
    const exposed = Math.max(0, 2 * p.breakdown.pp_p2p_s - i.breakdown.compute_s);
    expect(i.breakdown.pp_p2p_s).toBeCloseTo(exposed + OVERLAP_SLOWDOWN * (2 * p.breakdown.pp_p2p_s - exposed), 12);
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
  it('--search tries the schedules the runtime implements: Megatron (the default) 1F1B and interleaved, ideal DualPipe too', () => {
    const o = { devices: 4, seqLen: 128, globalBatch: 16, dtype: 'bf16' as const, zero: 1 as const, pp: 4, tp: 1, microBatch: 1, recompute: 'selective' as const, top: 50 };
    const kinds = (h: NormalizedHardware) => new Set(searchTraining(deep, h, o).configs.map((c) => c.schedule));
    expect([...kinds(hw)].sort()).toEqual(['1f1b', 'interleaved']);
    expect([...kinds(bindRuntime(hw, libraryRuntime('ideal')))].sort()).toEqual(['1f1b', 'dualpipe', 'interleaved']);
    // a schedule the user names is tried as named
    expect([...new Set(searchTraining(deep, hw, { ...o, schedule: 'dualpipe' }).configs.map((c) => c.schedule))]).toEqual(['dualpipe']);
  });
  it('an MoE with ep > 1 defaults to DualPipe only under a runtime that has it and names no framework default; torchtitan runs its own 1F1B unless DualPipe is named; Megatron runs 1F1B, NeMo interleaves, and Megatron warns when asked for DualPipe', () => {
    const moe: DecoderModel = { ...deep, moe: { experts: 4, active: 2, shared: 0, intermediate: 32, dense_layers: 0 } };
    const o = { devices: 8, pp: 4, ep: 2, seqLen: 128, globalBatch: 16, microBatch: 1 };
    const meg = simulateTraining(buildTrainRequest(moe, hw, o));
    expect([meg.runtime, meg.schedule, meg.interleave]).toEqual(['megatron', '1f1b', 1]);
    const nemo = simulateTraining(buildTrainRequest(moe, bindRuntime(hw, libraryRuntime('nemo')), o));
    expect([nemo.schedule, nemo.interleave]).toEqual(['interleaved', 2]);
    const deepspeed = simulateTraining(buildTrainRequest(moe, bindRuntime(hw, libraryRuntime('deepspeed')), o));
    expect(deepspeed.schedule).toBe('1f1b');
    expect(simulateTraining(buildTrainRequest(moe, bindRuntime(hw, libraryRuntime('ideal')), o)).schedule).toBe('dualpipe');
    const titan = bindRuntime(hw, libraryRuntime('torchtitan'));
    expect(simulateTraining(buildTrainRequest(moe, titan, o)).schedule).toBe('1f1b'); // ParallelismConfig "1F1B"
    const titanDual = simulateTraining(buildTrainRequest(moe, titan, { ...o, schedule: 'dualpipe' }));
    expect(titanDual.schedule).toBe('dualpipe');
    expect(titanDual.warnings.join(' ')).not.toMatch(/does not implement/);
    const asked = simulateTraining(buildTrainRequest(moe, hw, { ...o, schedule: 'dualpipe' }));
    expect(asked.schedule).toBe('dualpipe');
    expect(asked.warnings.join(' ')).toMatch(/megatron does not implement the dualpipe schedule/);
    expect(meg.warnings.join(' ')).not.toMatch(/does not implement/);
  });
});

describe('fp8 training', () => {
  it('casts every fp8 GEMM input once (a memory-bound op) and keeps attention in bf16', () => {
    const s = decoderShape(tiny);
    const p = { devices: 1, tp: 1, pp: 1, cp: 1, dp: 1, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 128, globalBatch: 1, microBatch: 1 };
    const ops = layerForwardOps(s, p, { moe: false, gemmDtype: 'fp8' });
    expect(ops.find((o) => o.name === 'fp8_cast')).toBeDefined();
    expect(ops.find((o) => o.kind === 'attention')!.dtype).toBe('bf16');
    expect(layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16' }).find((o) => o.name === 'fp8_cast')).toBeUndefined();
  });
  it('the runtime sets the bytes of each quantization (megatron: current scaling, amax pass + row- and column-wise copies)', () => {
    const s = decoderShape(tiny);
    const p = { devices: 1, tp: 1, pp: 1, cp: 1, dp: 1, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 128, globalBatch: 1, microBatch: 1 };
    const plain = layerForwardOps(s, p, { moe: false, gemmDtype: 'fp8' }).find((o) => o.name === 'fp8_cast')!;
    const cs = layerForwardOps(s, p, { moe: false, gemmDtype: 'fp8', quantizeBytes: 6 }).find((o) => o.name === 'fp8_cast')!;
    expect(cs.bytes).toBeCloseTo(2 * plain.bytes, 6); // 6 bytes per element instead of 3, same elements
    const megatron = libraryRuntime('megatron');
    expect(megatron.training!.fp8QuantizeBytes).toBe(6);
    const run = (rt: typeof megatron, dtype: 'fp8' | 'bf16') =>
      simulateTraining(buildTrainRequest(libraryModel('llama-3.1-8b'), bindRuntime(getLibrary().hardware['h100-sxm']!, rt), { devices: 8, seqLen: 4096, globalBatch: 8, recompute: 'selective', dtype })).step_s!;
    const three = { ...megatron, training: { ...megatron.training, fp8QuantizeBytes: undefined } };
    expect(run(megatron, 'fp8')).toBeGreaterThan(run(three, 'fp8'));
    expect(run(megatron, 'bf16')).toBe(run(three, 'bf16'));
  });
  it('gpu_hours is in --json whenever --tokens is given', async () => {
    const r = (await trainFromArgs('train --model gpt3-175b --hardware h800-sxm --devices 64 --tp 8 --pp 8 --dtype fp8 --tokens 1e9 --json'.split(' '))) as TrainResult;
    expect(r.gpu_hours).toBeCloseTo((r.total_s! * 64) / 3600, 6);
    expect(r.gemm_dtype).toBe('fp8');
  });
});

// ---- activation memory per recompute policy and pipeline schedule (src/sim/training/memory.ts, recompute.ts) ----
import { inFlightPeak, pipelineLayout } from '../src/sim/training/memory.js';

describe('activation memory per policy: GQA, SwiGLU, fp8, MoE, MLA (hand-computed)', () => {
  // h 64, 4 query heads and 2 KV heads of 16 (GQA), SwiGLU f 128
  const gqa: DecoderModel = { ...tiny, kv_heads: 2, ffn: { kind: 'gated', intermediate: 128, activation: 'silu' }, norm: 'rmsnorm', bias: { qkv: false, out: false, ffn: false } };
  const s = decoderShape(gqa);
  const h = 64, q = 64, kv = 32, v = 64, f = 128, a = 4, seq = 128;
  // two norm inputs 4h + QKV input 2h + Q 2q + K, V 2kv each + O 2v + FC1 input 2h + gate, up 4f + FC2 input 2f
  const selective = 4 * h + 2 * h + 2 * q + 4 * kv + 2 * v + 2 * h + 4 * f + 2 * f;
  it('selective (core_attn): 8h + 2q + 4kv + 2v + 6f — K and V at kv width, SwiGLU keeps gate, up and product', () => {
    expect(activationBytesPerToken(s, seq, 'selective', false)).toBe(selective);
    expect(selective).toBe(1664); // 26h, vs 34h for MHA + 4h GeLU with dropout
  });
  it('none adds the softmax output 2as (no dropout)', () => {
    expect(activationBytesPerToken(s, seq, 'none', false)).toBe(selective + 2 * a * seq);
  });
  it('+ layernorm drops the two norm outputs (QKV and FC1 inputs)', () => {
    expect(activationBytesPerToken(s, seq, { granularity: 'selective', modules: ['core_attn', 'layernorm'], numLayers: null }, false)).toBe(selective - 4 * h);
  });
  it('fp8 caches the GEMM inputs (QKV, FC1, FC2) in 1 byte (DeepSeek-V3 §3.3.3)', () => {
    expect(activationBytesPerToken(s, seq, 'selective', false, { fp8: true })).toBe(selective - h - h - f);
  });
  it('full keeps the layer input: 2h', () => {
    expect(activationBytesPerToken(s, seq, 'full', false)).toBe(2 * h);
  });
  // MoE: 4 experts of 32, 2 active, one shared expert of 32; MLA: q_lora 32, kv_lora 16, rope 8, nope 16, v 16
  const moeMla: DecoderModel = {
    ...gqa, kv_heads: 4,
    moe: { experts: 4, active: 2, shared: 1, intermediate: 32, dense_layers: 0 },
    attention: { kind: 'mla', q_lora_rank: 32, kv_lora_rank: 16, qk_rope_head_dim: 8, qk_nope_head_dim: 16, v_head_dim: 16 },
  };
  const m = decoderShape(moeMla);
  const qd = 4 * (16 + 8), kd = qd, vd = 4 * 16, e = 32;
  const latents = (2 + 2) * (32 + 16) + 2 * 8; // latent norms' inputs + up-projection inputs, RoPE key
  const attn = 2 * h + latents + 2 * (qd + kd + vd) + 2 * vd;
  const expert = (fc1In: number, actIn: number, fc2In: number) => fc1In + actIn + fc2In;
  it('MoE + MLA, selective: each routed copy keeps its dispatched input and expert activations, plus the shared expert', () => {
    const ffn = 2 * expert(2 * h, 4 * e, 2 * e) + expert(2 * h, 4 * e, 2 * e);
    expect(activationBytesPerToken(m, seq, 'selective', true)).toBe(4 * h + attn + ffn);
  });
  it('DeepSeek-V3 set in fp8: norms, MLA up-projections, SwiGLU output recomputed; SwiGLU input cached in fp8', () => {
    const pol = { granularity: 'selective' as const, modules: ['core_attn', 'layernorm', 'moe_act', 'mla_up_proj'] as const };
    const attnDs = 0 + (2 + 1) * (32 + 16) + 2 * 8 + 0 + 2 * vd; // no QKV input, latents in fp8, no Q/K/V, O in bf16
    const ffn = 2 * expert(h, 2 * e, 0) + expert(0, 2 * e, 0); // dispatched copies in fp8; the shared expert reads the (recomputed) norm output
    expect(activationBytesPerToken(m, seq, { ...pol, modules: [...pol.modules], numLayers: null }, true, { fp8: true })).toBe(4 * h + attnDs + ffn);
  });
});

describe('in-flight micro-batches per schedule (Megatron schedules.py; DeepSeek-V3 Table 2)', () => {
  it('layouts: a layer slot each for embedding and loss when two are free (Llama 3 §3.3.2)', () => {
    expect(pipelineLayout(126, 16)).toEqual([7, ...new Array(14).fill(8), 7]);
    expect(pipelineLayout(126, 128)).toEqual([0, ...new Array(126).fill(1), 0]); // v = 8: first chunk embedding only
    expect(pipelineLayout(61, 16)).toEqual([3, ...new Array(13).fill(4), 3, 3]);
    expect(pipelineLayout(120, 60)).toEqual(new Array(60).fill(2));
    expect(pipelineLayout(7, 1)).toEqual([7]);
  });
  it('1F1B: rank r holds min(p − r, m) micro-batches of its stage (rank 0 ≈ the whole model)', () => {
    expect(inFlightPeak(4, 1, 8, 0, [1])).toBe(4);
    expect(inFlightPeak(4, 1, 8, 3, [1])).toBe(1);
    expect(inFlightPeak(4, 1, 2, 0, [1])).toBe(2);
  });
  it('interleaved: 2(p − r − 1) + (v − 1)·p warm-up chunks + 1 (rank 0, p 4, v 2: 7 of chunk 0, 4 of chunk 1)', () => {
    // chunk 0 alone peaks at 8: its first backward waits for chunk 1's backward of micro-batches 0–3, by when chunk 0
    // has run forward for micro-batches 0–7
    expect(inFlightPeak(4, 2, 8, 0, [1, 0])).toBe(8);
    expect(inFlightPeak(4, 2, 8, 0, [1, 1])).toBe(11); // = v·(p + (p − 1)/v) chunks: L(1 + (p−1)/(pv)) layers
    expect(inFlightPeak(4, 2, 8, 3, [1, 1])).toBe(5);
    expect(inFlightPeak(4, 2, 4, 0, [1, 1])).toBe(8); // m = p: every forward first
  });
  const deep = { ...tiny, layers: 16 };
  const sd = decoderShape(deep);
  const A = 128 * activationBytesPerToken(sd, 128, 'selective', false); // one layer, one micro-batch, tp 1
  const plan = { devices: 4, tp: 1, pp: 4, cp: 1, dp: 1, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 128, globalBatch: 8, microBatch: 1 };
  const act = (o: Partial<typeof plan> | { schedule: 'interleaved' | 'dualpipe'; interleave: number }) =>
    trainingMemory({ shape: sd, plan: { ...plan, ...o } as typeof plan, recompute: 'selective', zero: 0, capacityBytes: 80e9 });
  it('16 layers, pp 4: 1F1B rank 0 holds 4 × 4 layers; interleaved v 2: 11 chunks × 2; DualPipe: (p + 1) × 4 (+ logits)', () => {
    expect(act({}).activations_bytes).toBeCloseTo(16 * A, 6);
    expect(act({ schedule: 'interleaved', interleave: 2 }).activations_bytes).toBeCloseTo(22 * A, 6);
    // DualPipe rank 0 also holds the last stage, hence the head's fp32 logits of one micro-batch (4·s·V)
    expect(act({ schedule: 'dualpipe', interleave: 1 }).activations_bytes).toBeCloseTo(20 * A + 4 * 128 * 100, 6);
  });
  it('block-wise full recompute of k layers per chunk: those keep 2h per token, the rest the selective set', () => {
    const k1 = trainingMemory({ shape: sd, plan, recompute: { granularity: 'full', modules: [], numLayers: 1 }, zero: 0, capacityBytes: 80e9 });
    const F = 128 * 2 * 64;
    expect(k1.activations_bytes).toBeCloseTo(4 * (F + 3 * A), 6);
    const all = trainingMemory({ shape: sd, plan, recompute: 'full', zero: 0, capacityBytes: 80e9 });
    expect(all.activations_bytes).toBeCloseTo(16 * F, 6);
  });
});

describe('--recompute auto: the cheapest policy that fits, its cost in step_s', () => {
  const deep = { ...tiny, layers: 16 };
  const base = { devices: 1, seqLen: 128, globalBatch: 4 };
  // a runtime whose attention materializes the scores (kernels.attention_scores), so that "none" stores them
  const megatron = libraryRuntime('megatron');
  const materialized = bindRuntime(hw, { ...megatron, kernels: { ...megatron.kernels, attentionScores: { bytesPerScore: 4, kernels: 4 } } });
  const at = (cap: number, o: Partial<TrainOptions> = {}, h: NormalizedHardware = materialized) =>
    simulateTraining(buildTrainRequest(deep, { ...h, memory: { ...h.memory, capacityBytes: cap } }, { ...base, ...o }));
  const need = (o: Partial<TrainOptions>, h: NormalizedHardware = materialized) => at(80e9, o, h).memory.per_device_bytes / 0.9;
  it('flash attention keeps no scores: none needs what selective needs, auto keeps none, the attention backward is 2.5× either way', () => {
    const flash = bindRuntime(hw, megatron);
    const none = at(80e9, { recompute: 'none' }, flash);
    const sel = at(80e9, { recompute: 'selective' }, flash);
    expect(none.memory.per_device_bytes).toBe(sel.memory.per_device_bytes);
    expect(none.step_s).toBeCloseTo(sel.step_s!, 12);
    expect(at(need({ recompute: 'none' }, flash) * 1.001, {}, flash).recompute).toBe('none');
    // the materialized runtime stores the softmax output under none, and its attention backward is then 2×
    expect(need({ recompute: 'none' })).toBeGreaterThan(need({ recompute: 'selective' }));
    expect(at(80e9, { recompute: 'none' }).step_s!).toBeLessThan(at(80e9, { recompute: 'selective' }).step_s!);
  });
  it('walks none → selective → + layernorm → full k layers → full as memory shrinks', () => {
    const none = need({ recompute: 'none' });
    const sel = need({ recompute: 'selective' });
    const ln = need({ recompute: 'selective', recomputeModules: ['core_attn', 'layernorm'] });
    const full = need({ recompute: 'full' });
    expect(at(none * 1.001).recompute).toBe('none');
    expect([at(sel * 1.001).recompute, at(sel * 1.001).recompute_modules]).toEqual(['selective', ['core_attn']]);
    expect(at(ln * 1.001).recompute_modules).toEqual(['core_attn', 'layernorm']);
    const partial = at((ln + full) / 2);
    expect(partial.recompute).toBe('full');
    expect(partial.recompute_num_layers).toBeGreaterThanOrEqual(1);
    expect(partial.recompute_num_layers).toBeLessThan(16);
    expect(partial.memory.fits).toBe(true);
    expect(at(full * 1.001).recompute_num_layers).toBe(16);
  });
  it('recomputation costs step time but not model FLOPs (MFU stays on model FLOPs)', () => {
    const sel = at(80e9, { recompute: 'selective' });
    const full = at(80e9, { recompute: 'full' });
    expect(full.step_s).toBeGreaterThan(sel.step_s);
    expect(full.model_flops_per_step).toBe(sel.model_flops_per_step);
    expect(full.hardware_flops_per_step).toBeGreaterThan(sel.hardware_flops_per_step);
    expect(full.mfu).toBeCloseTo(full.achieved_flops_per_device / full.peak_flops_per_device, 12);
  });
  it('a model that does not fit even with full recompute: fits false, a reason, every key', async () => {
    const r = (await trainFromArgs('train --model llama-3.1-70b --hardware h100-sxm --devices 1 --json'.split(' '))) as TrainResult;
    expect(r.memory.fits).toBe(false);
    expect(r.memory.reason).toMatch(/even with full recomputation/);
    expect(r.recompute).toBe('full');
    expect(typeof r.step_s).toBe('number');
  });
  it('rejects modules without selective and layers without full', () => {
    expect(() => buildTrainRequest(deep, hw, { ...base, recompute: 'full', recomputeModules: ['layernorm'] })).toThrow(/goes with --recompute selective/);
    expect(() => buildTrainRequest(deep, hw, { ...base, recompute: 'selective', recomputeModules: ['bogus'] })).toThrow(/unknown module/);
    expect(() => buildTrainRequest(deep, hw, { ...base, recomputeNumLayers: 2 })).toThrow(/goes with --recompute full/);
  });
});

describe('--goodput', () => {
  it('total_s and gpu_hours divide the stepping time by the goodput (default 0.9); 1 gives stepping time alone', async () => {
    const { trainFromArgs } = await import('../src/sim/training/from-args.js');
    const base = 'train --model llama-3.1-8b --hardware h100-sxm --devices 64 --tp 1 --seq-len 4096 --global-batch 512 --tokens 1e12'.split(' ');
    const d = (await trainFromArgs(base)) as any;
    const one = (await trainFromArgs([...base, '--goodput', '1'])) as any;
    expect(d.goodput).toBe(0.9);
    expect(one.total_s).toBeCloseTo(1e12 / one.tokens_per_s, 6);
    expect(d.total_s).toBeCloseTo(one.total_s / 0.9, 6);
    expect(d.gpu_hours).toBeCloseTo(one.gpu_hours / 0.9, 6);
    await expect(trainFromArgs([...base, '--goodput', '1.5'])).rejects.toThrow(/--goodput is a share of wall time from 0.01 to 1/);
  });
});
