import { describe, expect, it } from 'vitest';
import { buildEncoderGraph } from '../src/model/encoder-graph.js';
import { encoderForwardFlops } from '../src/model/params.js';
import { simulate } from '../src/sim/simulate.js';
import type { EncoderModel } from '../src/spec/types.js';
import { libraryModel } from './helpers/library-models.js';
import { loadHardware, matrixFlops, request, toyHardware } from './helpers/nondecoder-fixtures.js';

const P = { compute: 'bf16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };

// 32 px image, 16 px patches → 4 patches + class token = 5 tokens; d 8, 2 heads, FFN 32, 2 layers
const tiny = {
  ...libraryModel('vit-b-16'),
  id: 'tiny-vit', hidden: 8, layers: 2, heads: 2, head_dim: 4, image_size: 32, patch: 16,
  ffn: { kind: 'plain', intermediate: 32, activation: 'gelu' },
} as EncoderModel;

describe('encoder graph (ViT)', () => {
  it('hand-checked FLOPs of a tiny ViT', () => {
    // MACs: patch 4·(3·16·16)·8 = 24,576; per layer 5·(4·8·8 + 2·8·32) + 2·5²·8 = 4,240 → 2 layers 8,480
    const ops = buildEncoderGraph(tiny, { batch: 1 }, P, true);
    expect(matrixFlops(ops)).toBe(2 * (24576 + 8480));
    expect(matrixFlops(ops)).toBe(encoderForwardFlops(tiny));
  });
  it('matches forward_flops for the library towers and scales with batch', () => {
    for (const id of ['vit-b-16', 'vit-h-14', 'clip-vit-l-14-text', 't5-xxl-encoder']) {
      const m = libraryModel(id) as EncoderModel;
      expect(matrixFlops(buildEncoderGraph(m, { batch: 1 }, P, true)) / encoderForwardFlops(m)).toBeCloseTo(1, 6);
      expect(matrixFlops(buildEncoderGraph(m, { batch: 4 }, P, true)) / encoderForwardFlops(m)).toBeCloseTo(4, 6);
    }
  });
  it('prices on an ideal device as Σ max(compute, memory)', () => {
    const r = simulate(request(tiny, toyHardware(), { batch: 2 }));
    const ops = buildEncoderGraph(tiny, { batch: 2 }, P, true);
    const expected = ops.reduce((s, o) => s + o.count * Math.max(o.flops / (o.kind === 'gemm' || o.kind === 'conv' || o.kind === 'attention' ? 1e12 : 1e11), o.bytes / 1e11), 0);
    expect(r.latency_s).toBeCloseTo(expected, 12);
    expect(r.images_per_s).toBeCloseTo(2 / expected, 6);
  });
});

// validation rows (validation/public-measurements.csv): timm benchmark-infer-amp, batch 1024, fp16
describe('ViT throughput against public measurements', () => {
  it.each([
    ['D022', 'vit-b-16', 'rtx-4090', 2787.15],
    ['D026', 'vit-h-14', 'rtx-5090', 421.46],
  ])('%s %s on %s within 25%%', async (_row, model, hw, expected) => {
    const r = simulate(request(model, await loadHardware(hw), { batch: 1024, dtype: 'fp16' }));
    expect(Math.abs(r.images_per_s! / expected - 1)).toBeLessThan(0.25);
  });
});
