import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildDecoderPass, expertsTouched, moeDataMovement, gemmInputBytes } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { opCost, groupedGemmBody, gemmEfficiency, matrixPeak } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const mixtral = lib.models['mixtral-8x7b'] as DecoderModel;
const h100 = lib.hardware['h100-sxm']!;

describe('expertsTouched', () => {
  it('is k for one token, E·(1 − (1 − k/E)^T) after, and saturates at E', () => {
    expect(expertsTouched(8, 2, 0)).toBe(0);
    expect(expertsTouched(8, 2, 1)).toBeCloseTo(2, 12);
    expect(expertsTouched(8, 2, 3)).toBeCloseTo(8 * (1 - 0.75 ** 3), 12); // 4.625
    expect(expertsTouched(128, 8, 1)).toBeCloseTo(8, 12);
    expect(expertsTouched(8, 2, 1000)).toBeCloseTo(8, 9);
  });
});

describe('MoE data movement (hand-checked bytes)', () => {
  it('Mixtral-like layer: T = 100 tokens, top-2 of 8, d = 4096, 16-bit', () => {
    const mv = moeDataMovement(100, 200, 8, 2, 4096, 2);
    expect(mv.topkBytes).toBe(100 * 8 * 4 + 100 * 2 * 8); // 3200 + 1600
    expect(mv.sortBytes).toBe(200 * 4 + 4 * 200 * 4); // 800 + 3200
    expect(mv.permuteBytes).toBe(100 * 4096 * 2 + 200 * 4096 * 2); // 819,200 + 1,638,400
    expect(mv.finalizeBytes).toBe(200 * 4096 * 2 + 100 * 4096 * 2);
    expect(mv.finalizeFlops).toBe(2 * 200 * 4096);
  });
  it('fp8 GEMM inputs: permuted rows are written at 1 byte, finalize still reads 16-bit FC2 outputs', () => {
    const p = resolvePrecision('fp8');
    expect(gemmInputBytes(p)).toBe(1);
    expect(gemmInputBytes(resolvePrecision('bf16'))).toBe(2);
    const mv = moeDataMovement(100, 200, 8, 2, 4096, 2, gemmInputBytes(p));
    expect(mv.permuteBytes).toBe(100 * 4096 * 2 + 200 * 4096 * 1);
    expect(mv.finalizeBytes).toBe(200 * 4096 * 2 + 100 * 4096 * 2);
  });
  it('the decoder graph carries the routing, permute and finalize ops; every tp rank permutes all T·k rows', () => {
    const p = resolvePrecision('bf16');
    for (const tp of [1, 2]) {
      const L = buildLayout(mixtral, tp, 1, 1, tp);
      const ops = buildDecoderPass(mixtral, L, p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 100 });
      const byName = Object.fromEntries(ops.map((o) => [o.name, o]));
      for (const n of ['moe_topk', 'moe_sort', 'moe_permute', 'experts_up', 'experts_act', 'experts_down', 'moe_finalize']) {
        expect(byName[n], n).toBeDefined();
        expect(byName[n]!.count).toBe(32);
      }
      expect(byName.moe_permute!.bytes).toBe(100 * 4096 * 2 + 200 * 4096 * 2);
      expect(byName.moe_finalize!.bytes).toBe(200 * 4096 * 2 + 100 * 4096 * 2);
      // FC1 reads all 200 full-width rows on every rank, plus its 1/tp slice of the weights and of the 2·I outputs
      const up = byName.experts_up!;
      const touched = expertsTouched(8, 2, 100);
      const w = (touched * 2 * 14336 * 4096 * 2) / tp;
      expect(up.bytes).toBeCloseTo(w + 200 * 4096 * 2 + (200 * 2 * 14336 * 2) / tp, 3);
      expect(up.groups).toBeCloseTo(touched, 9);
      expect(up.m).toBeCloseTo(200 / touched, 9);
    }
  });
  it('with expert parallelism a device permutes only its T·k/ep rows', () => {
    const p = resolvePrecision('bf16');
    const L = buildLayout(mixtral, 1, 1, 1, 1);
    const Lep = { ...L, ep: 2, expertShards: 2 };
    const ops = buildDecoderPass(mixtral, Lep, p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 100 });
    expect(ops.find((o) => o.name === 'moe_permute')!.bytes).toBe(100 * 4096 * 2 + 100 * 4096 * 2);
  });
});

describe('grouped GEMM cost rule', () => {
  it('sqrt(c² + m²): 3-4-5, equal sides √2, far from the knee → max', () => {
    expect(groupedGemmBody(3, 4)).toBeCloseTo(5, 12);
    expect(groupedGemmBody(1, 1)).toBeCloseTo(Math.SQRT2, 12);
    expect(groupedGemmBody(1, 4) / 4).toBeCloseTo(Math.sqrt(17) / 4, 12); // c = m/4 → +3.1%
    expect(groupedGemmBody(0, 7)).toBe(7);
  });
  it('opCost: a grouped GEMM pays the smooth max plus tile padding; a dense GEMM keeps max()', () => {
    // 8 groups of m = 32 rows (padded to 64 → half the MMA rows wasted), n = 28672, k = 4096, fp8
    const m = 32, n = 28672, k = 4096, G = 8;
    const flops = 2 * G * m * n * k;
    const bytes = G * n * k + G * m * k * 2 + G * m * n * 2;
    const base = { name: 'x', kind: 'gemm' as const, flops, bytes, weightBytes: G * n * k, dtype: 'fp8' as const, count: 1 };
    const c = flops / (matrixPeak(h100, 'fp8').flopPerS * gemmEfficiency(h100, 'fp8', flops * 2) * (32 / 64)); // efficiency of the padded work
    const mem = bytes / (h100.memory.bandwidthBytePerS * h100.efficiency.memory);
    const grouped = opCost({ ...base, groups: G, m, n, k }, h100);
    expect(grouped.seconds).toBeCloseTo(Math.hypot(c, mem) + h100.efficiency.kernelOverheadS, 12);
    expect(grouped.bound).toBe(c >= mem ? 'compute' : 'memory');
    expect(Math.max(grouped.computeS, grouped.memoryS)).toBeCloseTo(Math.hypot(c, mem), 12);
    const dense = opCost({ ...base, m: G * m, n, k }, h100);
    const cd = flops / (matrixPeak(h100, 'fp8').flopPerS * gemmEfficiency(h100, 'fp8', flops));
    expect(dense.seconds).toBeCloseTo(Math.max(cd, mem) + h100.efficiency.kernelOverheadS, 12);
  });
  it('reproduces the vLLM fused_moe Mixtral H100 bf16 kernel times it was checked against within 20%', () => {
    // vllm-project/vllm PR #24700, benchmark_moe.py, Mixtral-8x7B tp2 (E=8, I/tp = 7168), H100: tokens → µs
    const meas: [number, number][] = [[128, 491.39], [512, 662.33], [1024, 833.72], [1536, 1122.93]];
    const p = resolvePrecision('bf16');
    const L = buildLayout(mixtral, 2, 1, 1, 2);
    for (const [T, us] of meas) {
      const ops = buildDecoderPass(mixtral, L, p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: T });
      const moeOps = ops.filter((o) => o.name.startsWith('experts_') || o.name.startsWith('moe_'));
      const t = moeOps.reduce((a, o) => a + opCost(o, h100).seconds, 0) * 1e6;
      expect(us / t, `T=${T}: ${t.toFixed(0)} µs`).toBeGreaterThan(0.8);
      expect(us / t, `T=${T}: ${t.toFixed(0)} µs`).toBeLessThan(1.2);
    }
  });
});
