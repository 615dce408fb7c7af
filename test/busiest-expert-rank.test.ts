import { describe, expect, it } from 'vitest';
import { busiestExpertRank } from '../src/model/busiest-expert-rank.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { getLibrary } from '../src/spec/library.js';
import type { DecoderModel } from '../src/spec/types.js';

// Monte Carlo reference: T tokens each pick k distinct experts of E uniformly (the routing hwperf assumes); experts
// e lies on rank ⌊e/(E/ep)⌋; the busiest rank's rows and touched experts, averaged over trials (seeded mulberry32: a
// 31-bit LCG's correlated draws inflate the spread by a few % at thousands of draws a trial).
function simulate(E: number, k: number, T: number, ep: number, trials: number) {
  let a = 12345;
  const rnd = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const local = E / ep;
  let rowsMax = 0, touchedMax = 0;
  for (let t = 0; t < trials; t++) {
    const hits = new Int32Array(E);
    for (let i = 0; i < T; i++) {
      const picked = new Set<number>();
      while (picked.size < k) picked.add(Math.floor(rnd() * E));
      for (const e of picked) hits[e]!++;
    }
    let r = 0, h = 0;
    for (let rank = 0; rank < ep; rank++) {
      let rows = 0, touched = 0;
      for (let e = rank * local; e < (rank + 1) * local; e++) {
        rows += hits[e]!;
        if (hits[e]! > 0) touched++;
      }
      r = Math.max(r, rows);
      h = Math.max(h, touched);
    }
    rowsMax += r;
    touchedMax += h;
  }
  return { rows: rowsMax / trials, touched: touchedMax / trials };
}

describe('busiest expert-parallel rank under uniform top-k routing', () => {
  it('the memo keys each shape apart (E, k, ep packed, then T) and answers off-grid shapes without it', () => {
    // every (E, k, ep) asked twice in a shuffled order gives the first answer back, and no two shapes share one
    const shapes = [[256, 8, 8], [128, 8, 8], [256, 6, 8], [256, 8, 4], [64, 6, 64], [8, 2, 2]] as const;
    const first = new Map<string, ReturnType<typeof busiestExpertRank>>();
    for (const T of [1, 37.5, 4096]) for (const [E, k, ep] of shapes) first.set(`${E},${k},${T},${ep}`, busiestExpertRank(E, k, T, ep));
    for (const T of [4096, 1, 37.5]) for (const [E, k, ep] of [...shapes].reverse()) expect(busiestExpertRank(E, k, T, ep)).toEqual(first.get(`${E},${k},${T},${ep}`));
    expect(new Set([...first.values()].map((b) => JSON.stringify(b))).size).toBeGreaterThan(shapes.length);
    // a count past the packing (2^17) or not whole is computed, not memoized under a colliding key
    expect(busiestExpertRank(2 ** 17 + 256, 8, 64, 8).rows).toBeGreaterThan(1);
    expect(busiestExpertRank(256.5, 8, 64, 8).rows).toBeCloseTo(busiestExpertRank(256, 8, 64, 8).rows, 1);
  });
  it('no expert parallelism: every rank is the mean', () => {
    expect(busiestExpertRank(256, 8, 100, 1)).toEqual({ rows: 1, touched: 1 });
  });
  it('matches a Monte Carlo of the routing within 4% (rows and touched experts, the busiest of ep ranks)', () => {
    for (const [E, k, T, ep] of [[256, 8, 1, 8], [256, 8, 8, 8], [128, 8, 32, 8], [128, 8, 256, 8], [128, 8, 2048, 16], [8, 2, 16, 2], [64, 6, 4, 4]] as const) {
      const b = busiestExpertRank(E, k, T, ep);
      const mc = simulate(E, k, T, ep, T > 1000 ? 400 : 3000);
      const meanRows = (T * k) / ep;
      const meanTouched = (E / ep) * (1 - Math.pow(1 - k / E, T));
      expect(b.rows * meanRows, `rows ${E}/${k} T ${T} ep ${ep}`).toBeGreaterThan(mc.rows * 0.96);
      expect(b.rows * meanRows, `rows ${E}/${k} T ${T} ep ${ep}`).toBeLessThan(mc.rows * 1.04);
      expect(b.touched * meanTouched, `touched ${E}/${k} T ${T} ep ${ep}`).toBeGreaterThan(mc.touched * 0.96);
      expect(b.touched * meanTouched, `touched ${E}/${k} T ${T} ep ${ep}`).toBeLessThan(mc.touched * 1.04);
    }
  });
  it('the excess shrinks as tokens grow while the busiest rank\'s rows grow; more ranks, more excess', () => {
    let prevFactor = Infinity, prevRows = 0;
    for (const T of [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536]) {
      const b = busiestExpertRank(256, 8, T, 8);
      expect(b.rows).toBeLessThanOrEqual(prevFactor + 1e-12);
      expect(b.rows).toBeGreaterThanOrEqual(1);
      expect((b.rows * T * 8) / 8).toBeGreaterThan(prevRows);
      prevFactor = b.rows;
      prevRows = (b.rows * T * 8) / 8;
    }
    expect(busiestExpertRank(256, 8, 65536, 8).rows).toBeLessThan(1.02);
    expect(busiestExpertRank(256, 8, 64, 32).rows).toBeGreaterThan(busiestExpertRank(256, 8, 64, 8).rows);
    // every expert touched: nothing left to differ in the weights read
    expect(busiestExpertRank(256, 8, 100000, 8).touched).toBeCloseTo(1, 9);
  });
  it('the decoder graph prices the busiest rank: EP 8 expert FLOPs = the mean rank\'s × rows factor', () => {
    const lib = getLibrary();
    const m = lib.models['qwen3-30b-a3b'] as DecoderModel;
    const p = resolvePrecision('bf16');
    const L = buildLayout(m, 8, 1, 1, 8);
    const Lep = { ...L, ep: 8, expertShards: 8 };
    const T = 32;
    const ops = buildDecoderPass(m, Lep, p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: T });
    const up = ops.find((o) => o.name === 'experts_up')!;
    const b = busiestExpertRank(m.moe!.experts, m.moe!.active, T, 8);
    expect(b.rows).toBeGreaterThan(1.2);
    const mats = 2; // gated experts
    const mean = (2 * T * m.moe!.active * mats * m.moe!.intermediate * m.hidden) / 8;
    expect(up.flops).toBeCloseTo(mean * b.rows, 0);
  });
});
