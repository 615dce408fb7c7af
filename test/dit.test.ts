import { describe, expect, it } from 'vitest';
import { buildDitGraph, ditGeometry } from '../src/model/dit-graph.js';
import { ditForwardFlops, forwardFlops } from '../src/model/params.js';
import { simulate } from '../src/sim/simulate.js';
import type { DitModel } from '../src/spec/types.js';
import { libraryModel } from './helpers/library-models.js';
import { loadHardware, matrixFlops, request, toyHardware } from './helpers/nondecoder-fixtures.js';

const P = { compute: 'bf16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };

// DiT paper (Peebles & Xie, arXiv:2212.09748) Table 1: Gflops = multiply-adds at 256×256 (rows DT1a-d); XL/2 118.6
describe('DiT forward FLOPs against the paper', () => {
  it.each([
    ['dit-s-4', 1.4],
    ['dit-b-4', 5.6],
    ['dit-l-4', 19.7],
    ['dit-xl-4', 29.1],
    ['dit-xl-2', 118.6],
  ])('%s: %f GMAC within 3%%', (id, gmac) => {
    const m = libraryModel(id);
    expect(Math.abs(forwardFlops(m) / (2 * gmac * 1e9) - 1)).toBeLessThan(0.03);
    // the simulated graph does the same matrix work (+ modulation/elementwise, not counted by the paper)
    expect(matrixFlops(buildDitGraph(m as DitModel, { batch: 1, height: 256, width: 256, frames: 1 }, P, true)) / forwardFlops(m)).toBeCloseTo(1, 2);
  });
});

describe('DiT graph', () => {
  it('hand-checked: a 1-block DiT, d 8, patch 2 on a 4×4 latent (4 tokens)', () => {
    const m = { ...libraryModel('dit-s-2'), hidden: 8, layers: 1, heads: 2, latent_size: 4, image_size: 32, mlp_ratio: 4 } as DitModel;
    // MACs: patch 4·16·8 = 512; t-MLP 256·8 + 64 = 2,112; block adaLN 6·64 = 384, qkv+proj 4·4·64 = 1,024,
    // attention 2·4²·8 = 256, MLP 4·2·8·32 = 2,048; final adaLN 2·64 = 128, linear 4·8·(4·8) = 1,024
    const macs = 512 + 2112 + 384 + 1024 + 256 + 2048 + 128 + 1024;
    expect(matrixFlops(buildDitGraph(m, { batch: 1, height: 32, width: 32, frames: 1 }, P, true))).toBe(2 * macs);
  });
  it('classifier-free guidance doubles the forward batch; latency = steps × step_s', () => {
    const hw = toyHardware();
    const on = simulate(request('dit-xl-2', hw, { steps: 10 }));
    const off = simulate(request('dit-xl-2', hw, { steps: 10, cfg: false }));
    expect(on.phases[0]!.flops).toBeCloseTo(2 * off.phases[0]!.flops, -3);
    expect(on.latency_s).toBeCloseTo(10 * on.step_s!, 12);
    expect(on.images_per_s).toBeCloseTo(1 / on.latency_s!, 12);
  });
  it('video DiT tokens = latent frames × spatial patches; separate attention', () => {
    const m = libraryModel('stdit3-xl-2') as DitModel;
    const g = ditGeometry(m, { batch: 1, height: 720, width: 1280, frames: 51 });
    expect(g.S).toBe((720 / 16) * (1280 / 16));
    // the VAE compresses 17-frame chunks (padded to 20) to 5 latent frames each: 51 frames → 3 × 5 = 15
    expect(g.F).toBe(15);
    // graph matrix work vs params.ts ditForwardFlops at the same shape (caption MLP and blocks)
    const ops = buildDitGraph(m, { batch: 1, height: 720, width: 1280, frames: 51 }, P, true);
    expect(matrixFlops(ops) / ditForwardFlops(m, { height: 720, width: 1280, frames: 51 })).toBeCloseTo(1, 2);
  });
  it('runs end to end on a datacenter GPU and a phone', async () => {
    for (const hw of ['h100-sxm', 'snapdragon-8-elite']) {
      const r = simulate(request('dit-xl-2', await loadHardware(hw), { steps: 50, dtype: 'fp16' }));
      expect(r.memory.fits).toBe(true);
      expect(r.step_s!).toBeGreaterThan(0);
    }
  });
});
