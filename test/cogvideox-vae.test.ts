// The CogVideoX VAE decoder as diffusers runs it (AutoencoderKLCogVideoX, autoencoder_kl_cogvideox.py @01d6a1b): 2-latent-
// frame batches with a causal conv cache, CogVideoXSpatialNorm3D norms (GroupNorm + two 1×1 convs of the latent +
// modulate), 3×3 Conv2d upsampling, and the CogVideoX pipelines pricing T5-XXL + transformer steps + this decode.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { WAN_CONV_GEMM_SHARE, buildVaeDecoderGraph } from '../src/model/vae-graph.js';
import { cogvideoxFrameBatches } from '../src/model/cogvideox-vae-graph.js';
import { simulate } from '../src/sim/simulate.js';
import type { VaeModel } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const lib = getLibrary();
const prec = { compute: 'bf16', weightBytes: 2, actBytes: 2, kvBytes: 2 } as const;
const m = lib.models['cogvideox-vae'] as VaeModel;
const dec = buildVaeDecoderGraph(m, { batch: 1, height: 480, width: 720, frames: 49 }, prec);

describe('CogVideoX VAE decode graph', () => {
  it('13 latent frames decode in 6 batches (3, 2, 2, 2, 2, 2); every kernel runs once per batch', () => {
    expect(cogvideoxFrameBatches(13)).toBe(6);
    expect(cogvideoxFrameBatches(1)).toBe(1);
    expect(dec.find((o) => o.name === 'conv_in')!.kernels).toBe(6);
    expect(dec.find((o) => o.name === 'up0.res0.norm1.norm')!.kernels).toBe(6);
  });
  it('the decoder is conv_in, 2 mid ResnetBlocks, 4 up blocks of layers_per_block + 1, 3 upsamplers, conv_out', () => {
    expect(dec.filter((o) => o.name.endsWith('.conv1') && o.kind === 'conv')).toHaveLength(2 + 4 * 4);
    expect(dec.filter((o) => o.name.endsWith('.upsample'))).toHaveLength(3);
    // the two channel changes (512 → 256, 256 → 128) take a 1×1 shortcut
    expect(dec.filter((o) => o.name.endsWith('.shortcut') && o.kind === 'conv')).toHaveLength(2);
  });
  it('every norm is a spatial norm: GroupNorm + conv_y + conv_b (16 → C, 1×1) + modulate in 2 kernels', () => {
    const px = 49 * 480 * 720; // the last level: 128 channels at full size, 49 frames
    const y = dec.find((o) => o.name === 'up0.res1.norm1.conv_y' && o.kind === 'conv')!;
    expect(y.flops).toBe(2 * px * 16 * 128);
    const mod = dec.find((o) => o.name === 'up0.res1.norm1.modulate')!;
    expect(mod.bytes).toBe(6 * px * 128 * 2);
    expect(mod.kernels).toBe(2 * 6);
  });
  it('a causal 3×3×3 conv assembles its input as the Wan decoder does (cat + clone + F.pad over 6 batches)', () => {
    const g = dec.find((o) => o.name === 'up0.res1.conv1.glue')!; // 128 → 128 at 480 × 720, 49 frames
    const frame = 480 * 720 * 128 * 2;
    const assembly = frame * (5 * 49 + 14 * 6);
    const layout = 2 * frame * (49 + 2 * 6) + 2 * frame * 49;
    expect(g.bytes).toBe(assembly + layout + 2 * frame * 49);
  });
  it('its convolutions carry the measured cuDNN share of the GEMM rate; upsampling convs are 3×3 Conv2d', () => {
    for (const o of dec.filter((x) => x.kind === 'conv')) expect(o.efficiencyScale).toBe(WAN_CONV_GEMM_SHARE);
    const up = dec.find((o) => o.name === 'up1.conv' && o.kind === 'conv')!; // 256 → 256 at 480 × 720
    expect(up.flops).toBe(2 * 49 * 480 * 720 * 9 * 256 * 256);
  });
});

describe('CogVideoX pipelines', () => {
  it('price T5-XXL, the transformer steps and the VAE decode; the denoise is the transformer alone', async () => {
    const hw = await loadHardware('a100-sxm4-80gb');
    const over = { frames: 49, steps: 50 };
    const pipe = simulate(request('cogvideox-2b', hw, over));
    const dit = simulate(request('cogvideox-2b-transformer', hw, over));
    const phase = (n: string) => pipe.phases.find((p: { name: string }) => p.name.includes(n))!.seconds;
    expect(phase('denoise')).toBeCloseTo(dit.latency_s!, 6);
    expect(phase('vae-decoder')).toBeGreaterThan(1);
    expect(pipe.latency_s!).toBeCloseTo(phase('denoise') + phase('vae-decoder') + phase('text-encoder'), 6);
  });
});
