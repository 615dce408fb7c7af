// CogVideoX VAE decoder (layout 'cogvideox') as diffusers runs it: AutoencoderKLCogVideoX / CogVideoXDecoder3D
// (huggingface/diffusers src/diffusers/models/autoencoders/autoencoder_kl_cogvideox.py @01d6a1b; upsampling.py
// CogVideoXUpsample3D), eager PyTorch, NCDHW tensors, in the pipeline's dtype (CogVideoXPipeline does not upcast).
//  - conv_in: causal 3×3×3 z → c_top; mid block: 2 CogVideoXResnetBlock3D; per level (top first) res_blocks + 1
//    ResnetBlocks, then (all but the last level) CogVideoXUpsample3D: nearest ×2 (also in time at the first
//    log2(td) levels: compress_time), the (b t) c h w permute copies and a 3×3 Conv2d c → c per frame; norm_out,
//    SiLU, causal conv_out c → 3. No attention, no post_quant_conv (use_post_quant_conv False).
//  - every norm of the decoder is CogVideoXSpatialNorm3D(f, zq): F.interpolate of the 16-channel latent zq to f's
//    size, two 1×1 CogVideoXCausalConv3d zq → C (conv_y, conv_b), GroupNorm(f), then norm_f · conv_y + conv_b
//    (two kernels).
//  - ResnetBlock: norm1 → SiLU → causal conv1 → norm2 → SiLU → causal conv2 [+ 1×1 CogVideoXSafeConv3d shortcut]
//    → residual add (temb None in the decoder).
//  - frame batches: AutoencoderKLCogVideoX._decode runs the decoder on num_latent_frames_batch_size = 2 latent frames
//    at a time (13 latent frames: 3, 2, 2, 2, 2, 2), each CogVideoXCausalConv3d torch.cat's its 2-frame conv_cache
//    in front of the batch, clones the last 2 frames as the next cache and F.pad's the result spatially: the same
//    causal-input assembly, cuDNN NCDHW↔NDHWC passes and separate bias add as the Wan decoder's (wanConv in
//    ./vae-graph.ts), with the convolutions at the same measured cuDNN share of the GEMM rate (WAN_CONV_GEMM_SHARE:
//    the same kernels, nn.Conv3d 3×3×3 at 128–512 channels from NCDHW; measured on an H200 in bf16 only).
//    Every kernel runs once per frame batch.
// Not priced: tiling (off by default: use_tiling False), the output torch.cat and the pipeline's PIL post-processing.
import type { Op } from './op.js';
import { elementwise } from './op.js';
import type { VaeModel } from '../spec/types.js';
import type { Precision } from './transformer-block.js';
import { groupNorm, perChunk, resBlock, wanConv } from './vae-graph.js';

/** AutoencoderKLCogVideoX.num_latent_frames_batch_size: latent frames per decoder call */
export const COGVIDEOX_LATENT_FRAME_BATCH = 2;

interface Dims {
  h: number;
  w: number;
  f: number;
}

type Causal = { frames: number; chunks: number };

/** CogVideoXSpatialNorm3D over px positions of c channels, conditioned on the z-channel latent */
function spatialNorm(name: string, px: number, c: number, z: number, p: Precision): Op[] {
  const a = p.actBytes;
  const zq = { ...elementwise(`${name}.interpolate`, px * z, 0, 0, p.compute), bytes: 2 * px * z * a }; // nearest: ≤ px·z read, px·z written
  return [
    zq,
    ...wanConv(`${name}.conv_y`, px, px, z, c, 1, p),
    ...wanConv(`${name}.conv_b`, px, px, z, c, 1, p),
    groupNorm(`${name}.norm`, px * c, p),
    { ...elementwise(`${name}.modulate`, px * c, 2, 6 * a, p.compute), kernels: 2 }, // norm_f · conv_y (read 2, write 1) + conv_b (read 2, write 1)
  ];
}

/** a CogVideoXResnetBlock3D: spatial norms and causal 3×3×3 convolutions (the 1×1 shortcut has no cache) */
function cogResBlock(name: string, px: number, cin: number, cout: number, z: number, p: Precision, causal: Causal): Op[] {
  // the norm's channels are its elements over the positions: none at a zero-pixel frame (--resolution 0, or 1 in a
  // pipeline whose latent rounds to nothing), where 0 / 0 made every number of the answer NaN
  return resBlock(name, px, cin, cout, 27, p, (n, elems) => spatialNorm(n, px, px > 0 ? elems / px : 0, z, p), (n, ci, co, k) => wanConv(n, px, px, ci, co, k, p, k === 1 ? undefined : causal));
}

/** nearest ×2 of pin → px positions, then the (b t) c h w permute copy in and back out around the Conv2d */
function upsample(name: string, pin: number, px: number, c: number, p: Precision): Op {
  const a = p.actBytes;
  return { ...elementwise(name, px * c, 0, 0, p.compute), bytes: (pin * c + px * c + 4 * px * c) * a, kernels: 3, liveBytes: (pin + px) * c * a };
}

/** latent frame batches of one video: floor(f / 2), the remainder joining the first (AutoencoderKLCogVideoX._decode) */
export function cogvideoxFrameBatches(latentFrames: number): number {
  return Math.max(1, Math.floor(latentFrames / COGVIDEOX_LATENT_FRAME_BATCH));
}

export function cogvideoxDecoder(m: VaeModel, batch: number, out: Dims, p: Precision): Op[] {
  const mult = m.channel_mult;
  const L = mult.length;
  const z = m.z_channels;
  let temporalUps = Math.round(Math.log2(m.temporal_downsample));
  let f = 1 + Math.ceil((out.f - 1) / m.temporal_downsample);
  const chunks = batch * cogvideoxFrameBatches(f);
  let h = Math.ceil(out.h / 2 ** (L - 1));
  let w = Math.ceil(out.w / 2 ** (L - 1));
  const px = () => batch * f * h * w;
  const causal = () => ({ frames: batch * f, chunks });
  let c = m.base_channels * mult[L - 1]!;
  const ops: Op[] = [...wanConv('conv_in', px(), px(), z, c, 27, p, causal())];
  for (let j = 0; j < 2; j++) ops.push(...cogResBlock(`mid.res${j}`, px(), c, c, z, p, causal()));
  for (let i = L - 1; i >= 0; i--) {
    const cout = m.base_channels * mult[i]!;
    for (let j = 0; j <= m.res_blocks; j++) {
      ops.push(...cogResBlock(`up${i}.res${j}`, px(), c, cout, z, p, causal()));
      c = cout;
    }
    if (i !== 0) {
      const pin = px();
      h *= 2;
      w *= 2;
      if (temporalUps > 0) {
        f = 1 + 2 * (f - 1); // per batch: 2t frames, the odd first batch 1 + 2(t − 1)
        temporalUps--;
      }
      ops.push(upsample(`up${i}.upsample`, pin, px(), c, p), ...wanConv(`up${i}.conv`, px(), px(), c, c, 9, p)); // 3×3 Conv2d per frame
    }
  }
  ops.push(...spatialNorm('norm_out', px(), c, z, p), elementwise('silu_out', px() * c, 4, 2 * p.actBytes, p.compute), ...wanConv('conv_out', px(), px(), c, m.in_channels, 27, p, causal()));
  return perChunk(ops, chunks);
}
