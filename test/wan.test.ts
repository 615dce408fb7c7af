// Wan 2.1: the causal 3-D VAE's op graph does the work of its closed-form count and maps 1 + 4k frames to 1 + k
// latent frames; the video DiT attends over all spacetime tokens with its q/k and cross-attention norms.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildVaeDecoderGraph, buildVaeEncoderGraph } from '../src/model/vae-graph.js';
import { vaeDecodeMacs } from '../src/model/params.js';
import { buildDitGraph, ditGeometry } from '../src/model/dit-graph.js';
import type { DitModel, VaeModel } from '../src/spec/types.js';

const lib = getLibrary();
const prec = { compute: 'bf16', weightBytes: 2, actBytes: 2 } as const;

describe('Wan 2.1 VAE', () => {
  const m = lib.models['wan-2.1-vae'] as VaeModel;
  it('decoder graph FLOPs (convs + attention) = 2 × the closed-form MACs, 81 frames at 1280 × 720', () => {
    const ops = buildVaeDecoderGraph(m, { batch: 1, height: 720, width: 1280, frames: 81 }, prec as never);
    const f = ops.filter((o) => o.kind === 'conv' || o.kind === 'attention').reduce((s, o) => s + o.flops * o.count, 0);
    expect(f / (2 * vaeDecodeMacs(m, { height: 720, width: 1280, frames: 81 }))).toBeCloseTo(1, 6);
  });
  it('the decoder starts from 21 latent frames of 90 × 160 and ends at 81 frames; the encoder ends at 21', () => {
    const dec = buildVaeDecoderGraph(m, { batch: 1, height: 720, width: 1280, frames: 81 }, prec as never);
    expect(dec[0]!.m).toBe(21 * 90 * 160); // conv2 on the latent
    expect(dec.find((o) => o.name === 'conv_out')!.m).toBe(81 * 720 * 1280); // conv_out on the pixels
    const enc = buildVaeEncoderGraph(m, { batch: 1, height: 720, width: 1280, frames: 81 }, prec as never);
    expect(enc.find((o) => o.name === 'conv1')!.m).toBe(21 * 90 * 160);
  });
});

describe('Wan 2.1 DiT', () => {
  const m = lib.models['wan-2.1-t2v-14b-dit'] as DitModel;
  it('81 frames at 1280 × 720: 21 latent frames × 45 × 80 patches = 75,600 tokens in one spacetime attention', () => {
    const g = ditGeometry(m, { batch: 1, height: 720, width: 1280, frames: 81 });
    expect(g.N).toBe(75_600);
    const ops = buildDitGraph(m, { batch: 1, height: 720, width: 1280, frames: 81 }, prec as never, true);
    const attn = ops.find((o) => o.name === 'block.attn')!;
    expect(attn.flops).toBe(4 * 75_600 * 75_600 * 5120);
    expect(ops.some((o) => o.name === 'block.q_norm')).toBe(true);
    expect(ops.some((o) => o.name === 'block.cross.norm')).toBe(true);
  });
});
