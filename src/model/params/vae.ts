// Convolutional VAEs in the LDM / Stable Diffusion AutoencoderKL layout (CompVis ldm/modules/diffusionmodules/
// model.py Encoder/Decoder): conv_in; per level `res_blocks` ResnetBlocks (GroupNorm, 3×3 conv, GroupNorm, 3×3 conv,
// 1×1 shortcut when channels change) and a stride-2 downsample conv except at the last level; a middle
// ResnetBlock + single-head attention (1×1 q, k, v, proj) + ResnetBlock; GroupNorm + conv_out (2·z channels:
// mean and log-variance). The decoder mirrors it with res_blocks + 1 blocks per level and nearest-upsample + 3×3
// conv. quant_conv (2z → 2z, 1×1) and post_quant_conv (z → z, 1×1) are counted (AutoencoderKL).
// dims 3 (video): every 3×3 conv becomes a 3×3×3 (causal) conv, 1×1 convs stay 1×1.
import type { VaeModel } from '../../spec/types.js';
import { type ParamCount, compact, sumValues } from './common.js';

function kernel(m: VaeModel): number {
  return m.dims === 3 ? 27 : 9;
}

function resBlock(m: VaeModel, cin: number, cout: number): number {
  const k = kernel(m);
  return 2 * cin + (k * cin * cout + cout) + 2 * cout + (k * cout * cout + cout) + (cin !== cout ? cin * cout + cout : 0);
}

function attnBlock(c: number): number {
  return 2 * c + 4 * (c * c + c);
}

export function vaeParams(m: VaeModel): ParamCount {
  const k = kernel(m);
  const ch = m.base_channels;
  const mult = m.channel_mult;
  const L = mult.length;
  const z = m.z_channels;

  // encoder
  let enc = k * m.in_channels * ch + ch;
  let c = ch;
  for (let i = 0; i < L; i++) {
    const cout = ch * mult[i]!;
    for (let j = 0; j < m.res_blocks; j++) {
      enc += resBlock(m, c, cout);
      c = cout;
    }
    if (i !== L - 1) enc += k * c * c + c; // downsample conv
  }
  enc += resBlock(m, c, c) + (m.mid_attention ? attnBlock(c) : 0) + resBlock(m, c, c);
  enc += 2 * c + k * c * 2 * z + 2 * z; // norm_out, conv_out

  // decoder
  c = ch * mult[L - 1]!;
  let dec = k * z * c + c;
  dec += resBlock(m, c, c) + (m.mid_attention ? attnBlock(c) : 0) + resBlock(m, c, c);
  for (let i = L - 1; i >= 0; i--) {
    const cout = ch * mult[i]!;
    for (let j = 0; j <= m.res_blocks; j++) {
      dec += resBlock(m, c, cout);
      c = cout;
    }
    if (i !== 0) dec += k * c * c + c; // upsample conv
  }
  dec += 2 * c + k * c * m.in_channels + m.in_channels;

  const breakdown = compact({
    encoder: enc,
    quant_conv: 2 * z * 2 * z + 2 * z,
    post_quant_conv: z * z + z,
    decoder: dec,
  });
  const total = sumValues(breakdown);
  return { total, active: total, embedding: 0, breakdown };
}

export interface VaeShape {
  height?: number;
  width?: number;
  /** pixel frames (dims 3); a causal video VAE keeps frame 0 and compresses the rest by temporal_downsample */
  frames?: number;
}

/**
 * Multiply-adds of one decode (latent → pixels) for one sample, convolutions and the middle attention
 * (GroupNorm and activations ignored). Default 256×256, 1 frame (dims 3: 17 frames → 5 latent frames). Video:
 * temporal up-sampling is placed at the first log2(temporal_downsample) up-sampling steps from the latent side.
 */
export function vaeDecodeMacs(m: VaeModel, shape: VaeShape = {}): number {
  const k = kernel(m);
  const ch = m.base_channels;
  const mult = m.channel_mult;
  const L = mult.length;
  const H = shape.height ?? 256;
  const W = shape.width ?? H;
  const F = m.dims === 3 ? (shape.frames ?? 4 * m.temporal_downsample + 1) : 1;
  const td = m.dims === 3 ? m.temporal_downsample : 1;
  let temporalUps = Math.round(Math.log2(td));
  let f = m.dims === 3 ? 1 + Math.ceil((F - 1) / td) : 1;
  let h = Math.ceil(H / 2 ** (L - 1));
  let w = Math.ceil(W / 2 ** (L - 1));
  const px = (): number => h * w * f;
  const res = (cin: number, cout: number): number =>
    px() * (k * cin * cout + k * cout * cout + (cin !== cout ? cin * cout : 0));

  const z = m.z_channels;
  let c = ch * mult[L - 1]!;
  let macs = px() * z * z; // post_quant_conv
  macs += px() * k * z * c; // conv_in
  macs += 2 * res(c, c);
  if (m.mid_attention) {
    const n = h * w; // attention over one frame's pixels
    macs += f * (4 * n * c * c + 2 * n * n * c);
  }
  for (let i = L - 1; i >= 0; i--) {
    const cout = ch * mult[i]!;
    for (let j = 0; j <= m.res_blocks; j++) {
      macs += res(c, cout);
      c = cout;
    }
    if (i !== 0) {
      h *= 2;
      w *= 2;
      if (temporalUps > 0) {
        f = 1 + (f - 1) * 2;
        temporalUps--;
      }
      macs += px() * k * c * c;
    }
  }
  macs += px() * k * c * m.in_channels;
  return macs;
}

export function vaeDecodeFlops(m: VaeModel, shape: VaeShape = {}): number {
  return 2 * vaeDecodeMacs(m, shape);
}
