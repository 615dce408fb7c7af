import { describe, expect, it } from 'vitest';
import { buildVaeDecoderGraph, buildVaeEncoderGraph, conv } from '../src/model/vae-graph.js';
import { vaeDecodeFlops } from '../src/model/params.js';
import { simulate } from '../src/sim/simulate.js';
import type { VaeModel } from '../src/spec/types.js';
import { loadModelRaw } from './helpers/load-model-raw.js';
import { loadHardware, matrixFlops, request, toyHardware } from './helpers/nondecoder-fixtures.js';

const P = { compute: 'fp16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };

describe('VAE graph', () => {
  it('a 3×3 conv is an implicit GEMM: FLOPs 2·px·9·cin·cout, input and output read/written once', () => {
    const op = conv('c', 64 * 64, 64 * 64, 128, 256, 9, P);
    expect(op.flops).toBe(2 * 4096 * 9 * 128 * 256);
    expect(op.bytes).toBe(9 * 128 * 256 * 2 + 4096 * (128 + 256) * 2);
  });
  it('hand-checked decoder of a one-level VAE (no up-sampling, no attention), 8×8 latent', () => {
    const m = { ...loadModelRaw('sd-vae'), base_channels: 4, channel_mult: [1], res_blocks: 0, z_channels: 2, mid_attention: false } as VaeModel;
    // px 64: post_quant 2·2, conv_in 9·2·4, mid 2 res blocks of 2·9·4·4, up level: 1 res block 2·9·4·4, conv_out 9·4·3
    const macs = 64 * (4 + 72 + 3 * 288 + 108);
    expect(matrixFlops(buildVaeDecoderGraph(m, { batch: 1, height: 8, width: 8, frames: 1 }, P))).toBe(2 * macs);
  });
  it('decode FLOPs match forward_flops (params.ts) for the SD VAE and the 3-D video VAE', () => {
    for (const [id, shape] of [['sd-vae', { height: 512, width: 512, frames: 1 }], ['opensora-vae', { height: 256, width: 256, frames: 17 }]] as const) {
      const m = loadModelRaw(id) as VaeModel;
      const g = matrixFlops(buildVaeDecoderGraph(m, { batch: 1, ...shape }, P));
      expect(g / vaeDecodeFlops(m, shape)).toBeCloseTo(1, 2);
    }
  });
  it('the encoder of the SD VAE compresses 8× and costs less than the decoder', () => {
    const m = loadModelRaw('sd-vae') as VaeModel;
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
