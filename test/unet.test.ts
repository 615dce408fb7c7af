// The SDXL UNet: exact released count, the op graph does the work of the closed-form MAC count, and its attention
// sits at the two lower resolutions only (transformer_depth [0, 2, 10]).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildDitGraph } from '../src/model/dit-graph.js';
import { countParams, ditForwardMacs } from '../src/model/params.js';
import type { DitModel } from '../src/spec/types.js';

const lib = getLibrary();
const prec = { compute: 'fp16', weightBytes: 2, actBytes: 2 } as const;
const m = lib.models['sdxl-unet'] as DitModel;

describe('SDXL UNet', () => {
  it('2,567,463,684 parameters; the SDXL pipeline adds CLIP-L, bigG (817,720,320) and the VAE', () => {
    expect(countParams(m).total).toBe(2_567_463_684);
    expect(countParams(libraryModel('sdxl'), libraryModel).total).toBe(2_567_463_684 + 817_720_320 + 83_653_863);
  });

  it('derived widths: hidden 320, 5 heads of 64, 70 transformer blocks', () => {
    expect([m.hidden, m.heads, m.layers, m.patch]).toEqual([320, 5, 70, 1]);
  });

  for (const px of [512, 1024]) {
    it(`graph conv + GEMM + attention FLOPs = 2 × closed-form MACs at ${px} px`, () => {
      const ops = buildDitGraph(m, { batch: 1, height: px, width: px, frames: 1 }, prec as never, true);
      const f = ops.filter((o) => o.kind === 'gemm' || o.kind === 'attention' || o.kind === 'conv').reduce((s, o) => s + o.flops * o.count, 0);
      expect(f / (2 * ditForwardMacs(m, { height: px }))).toBeCloseTo(1, 6);
    });
  }

  it('self-attention only at 64×64 and 32×32 latent positions for a 1024 px image (4096 and 1024 tokens)', () => {
    const ops = buildDitGraph(m, { batch: 1, height: 1024, width: 1024, frames: 1 }, prec as never, true);
    const selfAttn = ops.filter((o) => o.kind === 'attention' && o.name.endsWith('.attn1'));
    const tokens = new Set(selfAttn.map((o) => Math.round(Math.sqrt(o.flops / (4 * 64 * (o.name.startsWith('down1') || o.name.startsWith('up1') ? 10 : 20))))));
    expect([...tokens].sort((a, b) => a - b)).toEqual([1024, 4096]);
    // sanity range for one 1024² forward (6.76 TFLOP here): convs and projections of the 2.57B weights over the
    // 128² / 64² / 32² levels plus the 4096-token self-attention
    expect(2 * ditForwardMacs(m, { height: 1024 })).toBeGreaterThan(5e12);
    expect(2 * ditForwardMacs(m, { height: 1024 })).toBeLessThan(7.5e12);
  });
});

describe('SDXL UNet live memory', () => {
  it("a ResnetBlock's GroupNorm + SiLU (5 passes of traffic) holds 3 tensors: input, GroupNorm out, SiLU out", () => {
    const ops = buildDitGraph(m, { batch: 1, height: 1024, width: 1024, frames: 1 }, prec as never, true);
    const norms = ops.filter((o) => /res\d+\.norm1$/.test(o.name));
    expect(norms.length).toBeGreaterThan(0);
    for (const o of norms) {
      expect(o.bytes).toBeCloseTo(5 * (o.liveBytes! / 3), 6);
      expect(o.liveBytes).toBeLessThan(o.bytes);
    }
  });
});

// SD v1.5: four levels, no attention at the last, one transformer block in the mid block (mid_depth 1), and 8 heads
// at every width (diffusers' attention_head_dim 8), so head dims 40 / 80 / 160.
describe('SD v1.5 UNet', () => {
  const sd = lib.models['sd-1.5-unet'] as DitModel;
  it('859,520,964 parameters (CompVis log 859.52 M); the pipeline adds CLIP-L text (123,060,480) and the VAE', () => {
    expect(countParams(sd).total).toBe(859_520_964);
    expect(countParams(libraryModel('sd-1.5'), libraryModel).total).toBe(859_520_964 + 123_060_480 + 83_653_863);
  });

  it('16 transformer blocks (down 6, mid 1, up 9), 8 heads', () => {
    expect([sd.hidden, sd.heads, sd.layers]).toEqual([320, 8, 16]);
  });

  it('graph FLOPs = 2 × closed-form MACs at 512 px, with a mid-block attention at 8×8 and head dims 40..160', () => {
    const ops = buildDitGraph(sd, { batch: 1, height: 512, width: 512, frames: 1 }, prec as never, true);
    const f = ops.filter((o) => o.kind === 'gemm' || o.kind === 'attention' || o.kind === 'conv').reduce((s, o) => s + o.flops * o.count, 0);
    expect(f / (2 * ditForwardMacs(sd, { height: 512 }))).toBeCloseTo(1, 6);
    const mid = ops.find((o) => o.name === 'mid.attn.attn1');
    expect(mid).toBeDefined();
    expect(mid!.flops).toBeCloseTo(4 * 64 * 64 * 1280, 0); // 8×8 = 64 positions, width 1280
    expect(ops.some((o) => o.name.startsWith('down3.attn') || o.name.startsWith('up3.attn'))).toBe(false);
  });
});
