import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVaeDecoderGraph, buildVaeEncoderGraph, conv } from '../src/model/vae-graph.js';
import { countParams, forwardFlops, vaeDecodeFlops } from '../src/model/params.js';
import { simulate } from '../src/sim/simulate.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { VaeModel } from '../src/spec/types.js';
import { libraryModel } from './helpers/library-models.js';
import { loadHardware, matrixFlops, request, toyHardware } from './helpers/nondecoder-fixtures.js';

const P = { compute: 'fp16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };

describe('VAE graph', () => {
  it('a 3×3 conv is an implicit GEMM: FLOPs 2·px·9·cin·cout, input and output read/written once', () => {
    const op = conv('c', 64 * 64, 64 * 64, 128, 256, 9, P);
    expect(op.flops).toBe(2 * 4096 * 9 * 128 * 256);
    expect(op.bytes).toBe(9 * 128 * 256 * 2 + 4096 * (128 + 256) * 2);
  });
  it('hand-checked decoder of a one-level VAE (no up-sampling, no attention), 8×8 latent', () => {
    const m = { ...libraryModel('sd-vae'), base_channels: 4, channel_mult: [1], res_blocks: 0, z_channels: 2, mid_attention: false } as VaeModel;
    // px 64: post_quant 2·2, conv_in 9·2·4, mid 2 res blocks of 2·9·4·4, up level: 1 res block 2·9·4·4, conv_out 9·4·3
    const macs = 64 * (4 + 72 + 3 * 288 + 108);
    expect(matrixFlops(buildVaeDecoderGraph(m, { batch: 1, height: 8, width: 8, frames: 1 }, P))).toBe(2 * macs);
  });
  it('decode FLOPs match forward_flops (params.ts) for the SD VAE, the temporal VAE and the composite video VAE', () => {
    const cases = [
      ['sd-vae', { height: 512, width: 512, frames: 1 }],
      ['opensora-vae-temporal', { height: 32, width: 32, frames: 17 }],
      ['opensora-vae', { height: 256, width: 256, frames: 17 }],
      ['opensora-vae', { height: 720, width: 1280, frames: 51 }],
    ] as const;
    for (const [id, shape] of cases) {
      const m = libraryModel(id) as VaeModel;
      const g = matrixFlops(buildVaeDecoderGraph(m, { batch: 1, ...shape }, P, libraryModel));
      expect(g / vaeDecodeFlops(m, shape, libraryModel), `${id} ${shape.height}`).toBeCloseTo(1, 2);
    }
    // forward_flops of the composite: one decode to 256×256, 17 frames
    expect(forwardFlops(libraryModel('opensora-vae'), libraryModel)).toBe(vaeDecodeFlops(libraryModel('opensora-vae') as VaeModel, { height: 256, width: 256, frames: 17 }, libraryModel));
  });
  it('the encoder of the SD VAE compresses 8× and costs less than the decoder', () => {
    const m = libraryModel('sd-vae') as VaeModel;
    const s = { batch: 1, height: 512, width: 512, frames: 1 };
    expect(matrixFlops(buildVaeEncoderGraph(m, s, P))).toBeLessThan(matrixFlops(buildVaeDecoderGraph(m, s, P)));
  });
  it('simulates decode; video VAEs cost more per frame in 3-D and keep one chunk of activations', async () => {
    const hw = toyHardware();
    const img = simulate(request('sd-vae', hw, { resolution: 512 }));
    expect(img.latency_s).toBe(img.decoder_s);
    expect(img.encoder_s!).toBeGreaterThan(0);
    const vid = simulate(request('opensora-vae', await loadHardware('h100-sxm'), { resolution: 256, frames: 51 }));
    expect(vid.memory.fits).toBe(true);
    const phone = simulate(request('sd-vae', await loadHardware('snapdragon-8-elite'), { resolution: 512, dtype: 'fp16' }));
    expect(phone.latency_s!).toBeGreaterThan(0);
  });
});

// Open-Sora 1.2's video VAE (OpenSoraVAE_V1_2): the SDXL 2-D VAE per frame + the temporal VAE (VAE_Temporal_SD) on its
// 4-channel latents. Decode: temporal decoder first (T/4 → T latent frames at H/8×W/8), then the 2-D decoder per frame.
describe('Open-Sora 1.2 composite video VAE', () => {
  const vae = libraryModel('opensora-vae') as VaeModel;
  const temporal = libraryModel('opensora-vae-temporal') as VaeModel;
  const sd = libraryModel('sd-vae') as VaeModel;
  const s = { batch: 1, height: 720, width: 1280, frames: 51 };
  const strip = (id: string, ops: ReturnType<typeof buildVaeDecoderGraph>) =>
    ops.filter((o) => o.name.startsWith(`${id}.`)).map((o) => ({ ...o, name: o.name.slice(id.length + 1) }));

  it('decodes as the temporal decoder at H/8×W/8, then the 2-D decoder per frame; FLOPs are the sum', () => {
    const ops = buildVaeDecoderGraph(vae, s, P, libraryModel);
    // order: every temporal op, then every 2-D op
    const firstSpatial = ops.findIndex((o) => o.name.startsWith('opensora-vae-2d.'));
    expect(ops.slice(0, firstSpatial).every((o) => o.name.startsWith('opensora-vae-temporal.'))).toBe(true);
    expect(ops.slice(firstSpatial).every((o) => o.name.startsWith('opensora-vae-2d.'))).toBe(true);
    // the 2-D component is exactly sd-vae's decoder over 51 frames as a batch
    expect(strip('opensora-vae-2d', ops)).toEqual(buildVaeDecoderGraph(sd, { batch: 51, height: 720, width: 1280, frames: 1 }, P));
    // the temporal component is the temporal VAE on the 90×160 latent video of 51 frames
    expect(strip('opensora-vae-temporal', ops)).toEqual(buildVaeDecoderGraph(temporal, { batch: 1, height: 90, width: 160, frames: 51 }, P));
    const sum = matrixFlops(buildVaeDecoderGraph(sd, { batch: 51, height: 720, width: 1280, frames: 1 }, P)) + matrixFlops(buildVaeDecoderGraph(temporal, { batch: 1, height: 90, width: 160, frames: 51 }, P));
    expect(matrixFlops(ops)).toBe(sum);
    expect(vaeDecodeFlops(vae, s, libraryModel)).toBe(51 * vaeDecodeFlops(sd, { height: 720, width: 1280 }) + vaeDecodeFlops(temporal, { height: 90, width: 160, frames: 51 }));
  });

  it('temporal VAE frames: 17-frame micro-chunks, each front-padded to 20 → 5 latent frames; decode makes 4× as many', () => {
    const px = 90 * 160;
    const dec = buildVaeDecoderGraph(temporal, { batch: 1, height: 90, width: 160, frames: 51 }, P);
    expect(dec.find((o) => o.name === 'conv_in')!.m).toBe(15 * px); // 3 chunks × 5 latent frames
    expect(dec.find((o) => o.name === 'conv_out')!.m).toBe(60 * px); // 3 × 20 frames, the 3 padding frames per chunk cropped after
    expect(dec.find((o) => o.name === 'conv_out')!.n).toBe(4); // back to the 2-D VAE's 4 latent channels
    const enc = buildVaeEncoderGraph(temporal, { batch: 1, height: 90, width: 160, frames: 17 }, P);
    expect(enc[0]!.m).toBe(20 * px);
    expect(enc.at(-1)!.m).toBe(5 * px);
    // hand-checked decode MACs per latent pixel (vae_temporal.py Decoder, 5 latent frames → 20): conv1 4→512, 4 res
    // blocks 512, level 3: 4 res blocks 512 + up conv 512→1024 (f 5→10), level 2: 512→256 + 3×256 + up conv 256→512
    // (f 10→20), level 1: 4×256, level 0: 256→128 + 3×128, conv_out 128→4; post_quant_conv 4→4
    const k = 27;
    const rb = (a: number, b: number) => k * a * b + k * b * b + (a !== b ? a * b : 0);
    const macs =
      5 * (16 + k * 4 * 512 + 8 * rb(512, 512) + k * 512 * 1024) +
      10 * (rb(512, 256) + 3 * rb(256, 256) + k * 256 * 512) +
      20 * (4 * rb(256, 256) + rb(256, 128) + 3 * rb(128, 128) + k * 128 * 4);
    expect(vaeDecodeFlops(temporal, { height: 1, width: 1, frames: 17 })).toBe(2 * macs);
  });

  it('counts 83,653,863 (SDXL VAE) + 309,687,144 (temporal VAE) parameters, near the report\'s 83M + 300M = 384M', () => {
    // 309,687,144: counted by hand from the modules of vae_temporal.py (VAE_Temporal_SD); see the spec's comment
    expect(countParams(temporal).total).toBe(309_687_144);
    expect(countParams(libraryModel('opensora-vae-2d')).total).toBe(83_653_863);
    expect(countParams(sd).total).toBe(83_653_863);
    const c = countParams(vae, libraryModel);
    expect(c.total).toBe(83_653_863 + 309_687_144);
    expect(Math.abs(c.total / 384e6 - 1)).toBeLessThan(0.025); // the report's figures are rounded
    expect(c.breakdown['opensora-vae-temporal.decoder']).toBeGreaterThan(0);
    expect(() => countParams(vae)).toThrow(/resolver/);
  });

  it('decodes 720p × 51 frames at about a third of the FLOPs of the former one-VAE approximation', () => {
    // the former spec: an LDM-style VAE with causal 3×3×3 convs at full resolution, 4 res blocks, 4×8×8
    const former = { ...sd, id: 'former', dims: 3, res_blocks: 4, temporal_downsample: 4 } as VaeModel;
    const ratio = vaeDecodeFlops(vae, s, libraryModel) / vaeDecodeFlops(former, s);
    expect(ratio).toBeGreaterThan(0.3);
    expect(ratio).toBeLessThan(0.4);
  });

  it('simulates the composite alone with the components’ weights', async () => {
    const hw = await loadHardware('h100-sxm');
    const r = simulate(request('opensora-vae', hw, { resolution: 720, frames: 51 }));
    expect(r.memory.weights_bytes).toBe(2 * (83_653_863 + 309_687_144));
    expect(r.decoder_s!).toBeGreaterThan(r.encoder_s!);
  });

  it('spec rules: a composite takes no architecture fields; a plain VAE needs base_channels and channel_mult', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwperf-vae-'));
    const write = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const ok = await loadSpecFile(write('c.yaml', 'id: c\nfamily: vae\ndims: 3\ncomponents: [opensora-vae-2d, opensora-vae-temporal]\ntemporal_downsample: 4\nsources: [x]\n'));
    expect(ok.errors).toEqual([]);
    expect((ok.value!.spec as VaeModel).components).toEqual(['opensora-vae-2d', 'opensora-vae-temporal']);
    const bad = await loadSpecFile(write('b.yaml', 'id: b\nfamily: vae\ncomponents: [sd-vae]\nres_blocks: 2\nsources: [x]\n'));
    expect(bad.errors.map((e) => e.message).join()).toMatch(/composite/);
    const plain = await loadSpecFile(write('p.yaml', 'id: p\nfamily: vae\nsources: [x]\n'));
    expect(plain.errors.map((e) => e.message).join()).toMatch(/base_channels/);
    const magvit = await loadSpecFile(write('m.yaml', 'id: m\nfamily: vae\nlayout: magvit\ndims: 3\nmid_attention: false\nbase_channels: 8\nchannel_mult: [1, 2]\nspatial_downsample: 2\nsources: [x]\n'));
    expect(magvit.errors.map((e) => e.message).join()).toMatch(/spatially/);
  });
});
