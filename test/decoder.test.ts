import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { meanMaxLinear } from '../src/sim/decode-integral.js';
import { expertsTouched, buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bindRuntime, withDefaultRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';

const lib = getLibrary();
const run = (flags: Record<string, unknown>, hw?: NormalizedHardware) =>
  simulate(buildRequest(flags, lib.models[String(flags.model)]!, hw ?? lib.hardware[String(flags.hardware)]!, (id) => lib.models[id]!));

describe('closed-form decode integral', () => {
  it('matches a fine numerical mean of max(a + b·c, d + e·c)', () => {
    const cases: [number, number, number, number, number, number][] = [
      [1, 0.01, 2, 0, 0, 300], // crosses at c = 100
      [5, 0, 1, 0.001, 10, 20], // compute everywhere
      [0, 1, 0, 2, 1, 9], // memory everywhere
      [3, -0.01, 1, 0.02, 0, 200], // crossing, opposite slopes
    ];
    for (const [a, b, d, e, c0, c1] of cases) {
      let s = 0;
      const n = 200000;
      for (let i = 0; i < n; i++) {
        const c = c0 + ((i + 0.5) / n) * (c1 - c0);
        s += Math.max(a + b * c, d + e * c);
      }
      expect(meanMaxLinear(a, b, d, e, c0, c1)).toBeCloseTo(s / n, 6);
    }
  });
  it('hand case: max(1 + 0.01c, 2) over [0, 300] = (100·2 + 200·(2 + 4)/2)/300 = 8/3', () => {
    expect(meanMaxLinear(1, 0.01, 2, 0, 0, 300)).toBeCloseTo(8 / 3, 12);
  });
});

describe('op graph formulas', () => {
  it('expected distinct experts: E·(1 − (1 − k/E)^T)', () => {
    expect(expertsTouched(8, 2, 1)).toBeCloseTo(2, 12);
    expect(expertsTouched(8, 2, 2)).toBeCloseTo(8 * (1 - 0.75 ** 2), 12);
    expect(expertsTouched(256, 8, 10000)).toBeCloseTo(256, 6);
  });
  it('decode FLOPs of a dense model ≈ 2 × non-embedding parameters per token', () => {
    const m = lib.models['llama-3.1-8b'] as DecoderModel;
    const ops = buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1), resolvePrecision('bf16'), { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 });
    const gemmFlops = ops.filter((o) => o.kind === 'gemm').reduce((s, o) => s + o.flops * o.count, 0);
    expect(gemmFlops / (2 * (8.03e9 - 128256 * 4096))).toBeCloseTo(1, 2);
    // qkv shape: [1, (32 + 2·8)·128] = [1, 6144] from [1, 4096]
    const qkv = ops.find((o) => o.name === 'qkv_proj')!;
    expect([qkv.m, qkv.n, qkv.k]).toEqual([1, 6144, 4096]);
  });
});

describe('scenarios', () => {
  it('llama.cpp-style batch-1 decode is bound by weight bytes / bandwidth', () => {
    const r = run({ model: 'llama-2-7b', hardware: 'rtx-4090', dtype: 'fp16', 'input-tokens': 1, 'output-tokens': 128 });
    const hw = lib.hardware['rtx-4090']!;
    const floor = r.memory.weights_bytes / (hw.memory.bandwidthBytePerS * hw.efficiency.memory);
    expect(r.tpot_s!).toBeGreaterThan(floor);
    expect(r.tpot_s!).toBeLessThan(floor * 1.2);
    expect(r.phases.find((p) => p.name === 'decode')!.bound).toBe('memory');
  });
  it('more memory bandwidth is never slower', () => {
    const base = lib.hardware['h100-sxm']!;
    let prev = Infinity;
    for (const f of [0.5, 1, 2, 4]) {
      const hw = { ...base, memory: { ...base.memory, bandwidthBytePerS: base.memory.bandwidthBytePerS * f } };
      const r = run({ model: 'llama-3.1-8b', batch: 8 }, hw);
      expect(r.tpot_s!).toBeLessThanOrEqual(prev);
      prev = r.tpot_s!;
    }
  });
  it('more batch never gives fewer tokens/s while memory fits', () => {
    let prev = 0;
    for (const b of [1, 2, 4, 8, 16, 32, 64, 128, 256]) {
      const r = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', batch: b });
      if (!r.memory.fits) break;
      expect(r.throughput_tok_s!).toBeGreaterThanOrEqual(prev);
      prev = r.throughput_tok_s!;
    }
  });
  it('--batch max fits memory and beats batch 1', () => {
    const r = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', batch: 'max', dtype: 'fp8' });
    expect(r.memory.fits).toBe(true);
    expect(r.batch!).toBeGreaterThan(64);
    expect(r.throughput_tok_s!).toBeGreaterThan(run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', dtype: 'fp8' }).throughput_tok_s!);
  });
  it('--max-tpot limits --batch max', () => {
    const r = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', batch: 'max', 'max-tpot': '10ms' });
    expect(r.tpot_s!).toBeLessThanOrEqual(0.01);
  });
  it('replicas multiply throughput; tp·pp must divide devices; heads must divide by tp', () => {
    const one = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', batch: 8 });
    const four = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', batch: 8, devices: 4 });
    expect(four.replicas).toBe(4);
    expect(four.throughput_tok_s! / one.throughput_tok_s!).toBeCloseTo(4, 6);
    expect(() => run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', tp: 2, devices: 3 })).toThrow(/multiple/);
    expect(() => run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', tp: 3 })).toThrow(/not divisible by --tp 3/);
  });
  it('a GEMM dtype the hardware lacks runs at the next one, with a warning', () => {
    const r = run({ model: 'llama-3.1-8b', hardware: 'a100-sxm4-80gb', dtype: 'fp8' });
    expect(r.warnings.join(' ')).toMatch(/no native fp8/);
  });
  it('work of a replica is reported for energy per token', () => {
    const r = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', batch: 4 });
    // one steady-state cycle of the replica: 4 requests × 128 tokens, at the throughput it reports
    expect(r.work!.items).toBe(4 * 128);
    expect((r.work!.items / r.work!.seconds) * r.replicas).toBeCloseTo(r.throughput_tok_s!, 6);
    expect(r.work!.flops).toBeGreaterThan(0);
    expect(r.work!.seconds).toBeGreaterThan(0);
  });
});

describe('runtime: static-shape graphs and per-iteration host work', () => {
  const base = { model: 'llama-3.2-3b', hardware: 'snapdragon-8-elite', dtype: 'int4', 'input-tokens': 128, 'output-tokens': 128, batch: 1 };
  const phone = bindRuntime(lib.hardware['snapdragon-8-elite']!, libraryRuntime('genie'));
  const dynamic = { ...phone, runtime: { ...phone.runtime!, staticContext: undefined } };
  it('a graph compiled for a 4096-token context reads the whole KV cache every step and holds it', () => {
    const s = run(base);
    const d = run(base, dynamic);
    // KV bytes per token: 28 layers × 8 KV heads × 128 × 2 (K, V) × 2 bytes (int4 keeps a 16-bit cache)
    const perToken = 28 * 8 * 128 * 2 * 2;
    expect(s.memory.kv_cache_bytes).toBe(perToken * 4096);
    expect(d.memory.kv_cache_bytes).toBe(perToken * 256);
    // the extra decode time is the extra KV read (mean context 192 → 4096) at the attention bandwidth
    const bw = phone.memory.bandwidthBytePerS * phone.efficiency.memory;
    expect(s.tpot_s! - d.tpot_s!).toBeCloseTo((perToken * (4096 - 192)) / bw, 4);
    expect(s.warnings.some((w) => w.includes('4096-token context'))).toBe(true);
  });
  it('a longer request than the compiled context is still costed, with a warning', () => {
    const s = run({ ...base, 'input-tokens': 4000, 'output-tokens': 200 });
    expect(s.tpot_s).toBeGreaterThan(0);
    expect(s.warnings.some((w) => w.includes('exceed the 4096-token context'))).toBe(true);
  });
  it('datacenter engines pay the host time of each iteration once per decode step and per prefill', () => {
    const h100 = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('tensorrt-llm'));
    const flags = { model: 'llama-3.1-8b', hardware: 'h100-sxm', dtype: 'bf16', 'input-tokens': 467, 'output-tokens': 256, batch: 4 };
    const a = run(flags);
    const b = run(flags, { ...h100, runtime: { ...h100.runtime!, stepOverheadS: 0 } });
    expect(h100.runtime?.stepOverheadS).toBe(580e-6);
    expect(a.tpot_s! - b.tpot_s!).toBeCloseTo(580e-6, 9);
    expect(a.ttft_s! - b.ttft_s!).toBeCloseTo(580e-6, 9);
    expect(withDefaultRuntime(lib.hardware['rtx-4090']!, { family: 'decoder' }).runtime?.stepOverheadS).toBe(0);
  });
});

describe('tensor-parallel all-reduce on an NVSwitch system', () => {
  it('nccl-tests (op allreduce) gets the measured in-switch curve; an engine runs NCCL ring at the p2p NVLink rate', async () => {
    const { commSeconds } = await import('../src/sim/parallel.js');
    const { lookupEfficiency, COLLECTIVE_SHAPE } = await import('../src/hardware/efficiency.js');
    const h100 = lib.hardware['h100-sxm']!;
    // prefill all-reduce of 4096 tokens × 8192 × bf16: past the measured small-message NCCL table and the stretch that
    // carries on from it (src/sim/nccl-small-allreduce.ts), where the ring model prices the engine's all-reduce
    const bytes = 67.1e6;
    // nccl-tests: algbw = 450 GB/s × the spec's measured fraction at that size
    const measured = lookupEfficiency(h100.efficiency.collectiveBySize!, bytes);
    expect(commSeconds(h100, 'allreduce', bytes, 8, true)).toBeCloseTo(bytes / (450e9 * measured), 12);
    // engine: ring, 2(n−1)/n of the buffer over 370 GB/s × the common size shape
    const ring = (1.75 * bytes) / (370e9 * lookupEfficiency(COLLECTIVE_SHAPE, bytes));
    expect(commSeconds(h100, 'allreduce', bytes, 8)).toBeCloseTo(ring, 12);
    expect(commSeconds(h100, 'allreduce', bytes, 8)).toBeGreaterThan(commSeconds(h100, 'allreduce', bytes, 8, true));
    // the ring's share grows with the group: 1.5 of the buffer at TP4, 1.75 at TP8
    expect(commSeconds(h100, 'allreduce', bytes, 8) / commSeconds(h100, 'allreduce', bytes, 4)).toBeCloseTo(1.75 / 1.5, 12);
  });
});

describe('a ring sweep of the spec’s own (GB200, Azure "NCCL AllReduce (Ring algorithm)")', () => {
  it('prices engine and nccl-tests all-reduces alike: 2(n−1)/n of the buffer at the measured busbw', async () => {
    const { commSeconds } = await import('../src/sim/parallel.js');
    const { lookupEfficiency } = await import('../src/hardware/efficiency.js');
    const gb200 = lib.hardware['gb200']!;
    const bytes = 16e6;
    const busbw = 900e9 * lookupEfficiency(gb200.efficiency.collectiveBySize!, bytes);
    expect(commSeconds(gb200, 'allreduce', bytes, 4)).toBeCloseTo((1.5 * bytes) / busbw, 12);
    expect(commSeconds(gb200, 'allreduce', bytes, 4, true)).toBeCloseTo((1.5 * bytes) / busbw, 12);
  });
});

describe('GGUF weights (q4_0, q8_0) on NVIDIA GPUs run llama.cpp MMQ kernels', () => {
  it('price a GEMM at 524 FLOP per SM per clock at the measured size, whatever the tensor peak', async () => {
    const { opCost } = await import('../src/sim/roofline.js');
    const { MMQ_FLOP_PER_SM_CLOCK, MMQ_REFERENCE_FLOP } = await import('../src/hardware/efficiency.js');
    const h100 = lib.hardware['h100-sxm']!;
    const flops = MMQ_REFERENCE_FLOP;
    const op = { name: 'ffn_up', kind: 'gemm' as const, flops, bytes: 1e6, weightBytes: 1e6, dtype: 'fp16' as const, count: 1, gguf: true };
    const c = opCost(op, h100);
    expect(c.computeS).toBeCloseTo(flops / (MMQ_FLOP_PER_SM_CLOCK * 132 * 1.83e9), 12);
    // the same GEMM with fp16 weights uses cuBLAS at the H100's fp16 tensor peak: several times faster
    expect(opCost({ ...op, gguf: false }, h100).computeS).toBeLessThan(c.computeS / 3);
    // no int8 matrix unit (V100: llama.cpp uses FP16 cuBLAS) or not NVIDIA (Apple Metal): the FP16 tables stand
    for (const id of ['v100-sxm2', 'apple-m2-ultra']) {
      const hw = lib.hardware[id]!;
      expect(opCost(op, hw).computeS, id).toBeCloseTo(opCost({ ...op, gguf: false }, hw).computeS, 15);
    }
  });
  it('on a power-capped part the MMQ rate pays its sustained-matrix share (the clock under back-to-back work: l4.yaml)', async () => {
    const { opCost } = await import('../src/sim/roofline.js');
    const { MMQ_FLOP_PER_SM_CLOCK, MMQ_REFERENCE_FLOP } = await import('../src/hardware/efficiency.js');
    const l4 = lib.hardware['l4']!;
    const op = { name: 'ffn_up', kind: 'gemm' as const, flops: MMQ_REFERENCE_FLOP, bytes: 1e6, weightBytes: 1e6, dtype: 'fp16' as const, count: 1, gguf: true };
    expect(opCost(op, l4).computeS).toBeCloseTo(MMQ_REFERENCE_FLOP / (MMQ_FLOP_PER_SM_CLOCK * 60 * 1.97e9 * 0.788), 12);
  });
  it('llama-2-7b q4_0 prompt processing on an H100 is MMQ-bound, not at the fp16 tensor peak', () => {
    const q4 = run({ model: 'llama-2-7b', hardware: 'h100-sxm', dtype: 'q4_0', 'input-tokens': 512, 'output-tokens': 1, batch: 1 });
    const f16 = run({ model: 'llama-2-7b', hardware: 'h100-sxm', dtype: 'fp16', 'input-tokens': 512, 'output-tokens': 1, batch: 1 });
    expect(q4.prefill_tok_s!).toBeLessThan(f16.prefill_tok_s! / 2);
  });
});

describe('--attention-dp (MoE serving with data-parallel attention and expert-parallel experts)', () => {
  const flags = { model: 'qwen3-235b-a22b', hardware: 'h200-sxm', tp: 8, dtype: 'fp8', 'input-tokens': 1000, 'output-tokens': 1000, batch: 256 };
  it('each device holds its own requests with all KV heads; no all-reduce, an all-to-all instead', () => {
    const tpOnly = run({ ...flags, verbose: true });
    const adp = run({ ...flags, 'attention-dp': true, verbose: true });
    expect(adp.attention_dp).toBe(true);
    expect(adp.ep).toBe(8);
    // KV per device: TP replicates Qwen3's 4 KV heads to 1 per device for all 256 requests; attention DP keeps all
    // 4 heads for 256/8 requests: half the bytes (no replication)
    expect(adp.memory.kv_cache_bytes / tpOnly.memory.kv_cache_bytes).toBeCloseTo(0.5, 10);
    const names = (r: typeof adp) => new Set((r.ops ?? []).map((o) => o.name));
    expect(names(adp).has('allreduce_attn')).toBe(false);
    expect(names(adp).has('allreduce_ffn')).toBe(false);
    expect(names(adp).has('alltoall_moe')).toBe(true);
    expect(names(tpOnly).has('allreduce_attn')).toBe(true);
    // whole attention weights on every device: more weight bytes per device than with tensor parallelism
    expect(adp.memory.weights_bytes).toBeGreaterThan(tpOnly.memory.weights_bytes);
  });
  it('is refused for a dense model, and with an --ep other than --tp', () => {
    expect(() => run({ model: 'llama-3.1-70b', hardware: 'h100-sxm', tp: 8, 'attention-dp': true })).toThrow(/has no experts/);
    expect(() => run({ ...flags, ep: 4, 'attention-dp': true })).toThrow(/--ep must equal --tp 8/);
  });
});

describe('attention-DP stragglers', () => {
  it('E[max of n Poisson(λ)]: λ for n = 1; the exact sum for small cases', async () => {
    const { expectedMaxPoisson } = await import('../src/sim/busiest-rank.js');
    expect(expectedMaxPoisson(0.7, 1)).toBeCloseTo(0.7, 9);
    // n = 2, λ = 0.5: Σ_k 1 − F(k−1)²  with F from the Poisson pmf, summed by hand over k = 1..30
    let e = 0, cdf = 0, pmf = Math.exp(-0.5);
    for (let k = 1; k < 30; k++) { cdf += pmf; e += 1 - cdf * cdf; pmf *= 0.5 / k; }
    expect(expectedMaxPoisson(0.5, 2)).toBeCloseTo(e, 9);
    // more ranks: the busiest one draws more
    expect(expectedMaxPoisson(0.2, 8)).toBeGreaterThan(expectedMaxPoisson(0.2, 2));
    expect(expectedMaxPoisson(0, 8)).toBe(0);
  });
  it('E[max of n Poisson(λ)] at large λ: the normal limit λ + σ·E[max of n standard normals], past where e^−λ underflows', async () => {
    const { expectedMaxPoisson } = await import('../src/sim/busiest-rank.js');
    // the largest of two standard normals has mean 1/√π
    for (const lambda of [100, 744, 746, 1000, 5000, 1e5]) {
      expect(expectedMaxPoisson(lambda, 2) - lambda, `λ = ${lambda}`).toBeCloseTo(Math.sqrt(lambda / Math.PI), lambda < 500 ? 1 : 2);
    }
    // and a simulate past that point keeps its throughput (batch 3000 at tp 2, 2 output tokens: λ = 750 per rank; the
    // wait was ~10⁴ prefills and throughput fell 100×)
    const at = (batch: number) => run({ model: 'qwen3-30b-a3b', hardware: 'h200-sxm', tp: 2, 'attention-dp': true, batch, 'input-tokens': 16, 'output-tokens': 2 }).throughput_tok_s!;
    expect(at(3000)).toBeGreaterThanOrEqual(at(2900));
  });
  it('E[max of n Poisson(λ)] to double precision at large λ and many ranks, where a cdf summed to within 1e-9 of 1 stalled', async () => {
    const { expectedMaxPoisson } = await import('../src/sim/busiest-rank.js');
    // references: Σ_k (1 − F(k−1)^n) with F and its survival from scipy.stats.poisson (cdf below the mode, −expm1(n·
    // log1p(−sf)) above it), summed over λ ± 14√λ; the old sum read 0.067 high at (2^20, 64) and ran 10⁶ terms
    for (const [lambda, n, ref] of [[32768, 256, 33280.9054539722], [262144, 8, 262873.11641163303], [1048576, 64, 1050976.76557168], [100, 8, 114.45931175646558], [3.7, 16, 7.4362746712394765]] as const) {
      expect(Math.abs(expectedMaxPoisson(lambda, n) - ref), `λ = ${lambda}, n = ${n}`).toBeLessThan(1e-9 * ref);
    }
    // a tiny rate: the busiest of n is about n·λ
    expect(expectedMaxPoisson(1e-9, 4) / 4e-9).toBeCloseTo(1, 6);
  });
  it('a step waits for the rank with the most prefills; tensor parallelism has no such wait', () => {
    const flags = { model: 'deepseek-v3', hardware: 'h200-sxm', tp: 8, dtype: 'fp8', 'input-tokens': 1024, 'output-tokens': 2048, batch: 1024 };
    const adp = run({ ...flags, 'attention-dp': true, verbose: true });
    expect((adp.ops ?? []).some((o) => o.name === 'attention_dp_wait' && o.seconds > 0)).toBe(true);
    const tpOnly = run({ ...flags, verbose: true });
    expect((tpOnly.ops ?? []).some((o) => o.name === 'attention_dp_wait')).toBe(false);
  });
});
