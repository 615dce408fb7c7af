// Convolutional VAEs in the LDM / Stable Diffusion AutoencoderKL layout (CompVis ldm/modules/diffusionmodules/
// model.py Encoder/Decoder): conv_in; per level `res_blocks` ResnetBlocks (GroupNorm, 3×3 conv, GroupNorm, 3×3 conv,
// 1×1 shortcut when channels change) and a stride-2 downsample conv except at the last level; a middle
// ResnetBlock + single-head attention (1×1 q, k, v, proj) + ResnetBlock; GroupNorm + conv_out (2·z channels:
// mean and log-variance). The decoder mirrors it with res_blocks + 1 blocks per level and nearest-upsample + 3×3
// conv. quant_conv (2z → 2z, 1×1) and post_quant_conv (z → z, 1×1) are counted (AutoencoderKL).
// dims 3 (video): every 3×3 conv becomes a 3×3×3 (causal) conv, 1×1 convs stay 1×1.
// layout 'magvit' (Open-Sora VAE_Temporal, opensora/models/vae/vae_temporal.py; see ../vae-graph.ts): ResBlock convs
// and the encoder's conv_in have no bias; down/up-sampling convs only at temporal transitions (the decoder's c → 2c
// before depth-to-space); no attention; encoder conv_out is 1×1. Composite VAEs (`components`) sum their components.
import type { NormalizedModel, VaeModel } from '../../spec/types.js';
import { type ParamCount, compact, sumValues } from './common.js';
import { wanVaeDecodeMacs, wanVaeParams } from './wan-vae.js';

type Resolver = (id: string) => NormalizedModel;

/** a composite's components, resolved (encode order) */
function parts(m: VaeModel, resolve?: Resolver): VaeModel[] {
  if (!m.components?.length) return [m];
  if (!resolve) throw new Error(`VAE ${m.id}: counting a composite needs a resolver for its components`);
  return m.components.map((id) => {
    const c = resolve(id);
    if (c.family !== 'vae' || c.components?.length) throw new Error(`VAE ${m.id}: component ${id} must be a plain vae`);
    return c;
  });
}

function magvitParams(m: VaeModel): ParamCount {
  const k = 27;
  const ch = m.base_channels;
  const mult = m.channel_mult;
  const L = mult.length;
  const z = m.z_channels;
  const nT = Math.round(Math.log2(m.temporal_downsample));
  const temporal = (t: number): boolean => t >= L - 1 - nT; // level transition t → t+1 changes the frame count
  const rb = (cin: number, cout: number): number => 2 * cin + k * cin * cout + 2 * cout + k * cout * cout + (cin !== cout ? cin * cout : 0);

  let enc = k * m.in_channels * ch; // conv_in, bias=False
  let c = ch;
  for (let i = 0; i < L; i++) {
    const cout = ch * mult[i]!;
    for (let j = 0; j < m.res_blocks; j++) {
      enc += rb(c, cout);
      c = cout;
    }
    if (i !== L - 1 && temporal(i)) enc += k * c * c + c; // stride-(2,1,1) conv
  }
  for (let j = 0; j < m.res_blocks; j++) enc += rb(c, c);
  enc += 2 * c + c * 2 * z + 2 * z; // norm, 1×1 conv to 2z

  c = ch * mult[L - 1]!;
  let dec = k * z * c + c; // conv1
  for (let j = 0; j < m.res_blocks; j++) dec += rb(c, c);
  for (let i = L - 1; i >= 0; i--) {
    const cout = ch * mult[i]!;
    for (let j = 0; j < m.res_blocks; j++) {
      dec += rb(c, cout);
      c = cout;
    }
    if (i !== 0 && temporal(i - 1)) dec += k * c * 2 * c + 2 * c; // c → 2c before depth-to-space
  }
  dec += 2 * c + k * c * m.in_channels + m.in_channels;

  const q = m.quant_conv === false ? 0 : 1;
  const breakdown = compact({ encoder: enc, quant_conv: q * (2 * z * 2 * z + 2 * z), post_quant_conv: q * (z * z + z), decoder: dec });
  const total = sumValues(breakdown);
  return { total, active: total, embedding: 0, breakdown };
}

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

export function vaeParams(m: VaeModel, resolve?: Resolver): ParamCount {
  if (m.components?.length) {
    const breakdown: Record<string, number> = {};
    for (const c of parts(m, resolve)) for (const [key, v] of Object.entries(vaeParams(c).breakdown)) breakdown[`${c.id}.${key}`] = v;
    const total = sumValues(breakdown);
    return { total, active: total, embedding: 0, breakdown };
  }
  if (m.layout === 'magvit') return magvitParams(m);
  if (m.layout === 'wan') return wanVaeParams(m);
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
    quant_conv: m.quant_conv === false ? 0 : 2 * z * 2 * z + 2 * z,
    post_quant_conv: m.quant_conv === false ? 0 : z * z + z,
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
 * (GroupNorm and activations ignored). Default 256×256, 1 frame (dims 3: 4·td + 1 = 17 frames). Video (ldm):
 * temporal up-sampling is placed at the first log2(temporal_downsample) up-sampling steps from the latent side,
 * causal latent frames 1 + (F−1)/td. Composite: the sum of its components at the shapes they see (a 2-D component
 * decodes each of the F frames at full resolution; the temporal one works at the 2-D component's latent size).
 */
export function vaeDecodeMacs(m: VaeModel, shape: VaeShape = {}, resolve?: Resolver): number {
  const H = shape.height ?? 256;
  const W = shape.width ?? H;
  const F = m.dims === 3 ? (shape.frames ?? 4 * m.temporal_downsample + 1) : 1;
  if (m.components?.length) {
    let d = { height: H, width: W, frames: F };
    let macs = 0;
    for (const c of parts(m, resolve)) {
      if (c.dims === 3) {
        macs += vaeDecodeMacs(c, d);
        d = { ...d, frames: latentFramesOf(c, d.frames) };
      } else {
        macs += d.frames * vaeDecodeMacs(c, d); // per frame
      }
      const down = c.layout === 'magvit' ? 1 : 2 ** (c.channel_mult.length - 1);
      d = { ...d, height: Math.ceil(d.height / down), width: Math.ceil(d.width / down) };
    }
    return macs;
  }
  if (m.layout === 'magvit') return magvitDecodeMacs(m, H, W, F);
  if (m.layout === 'wan') return wanVaeDecodeMacs(m, H, W, F);
  const k = kernel(m);
  const ch = m.base_channels;
  const mult = m.channel_mult;
  const L = mult.length;
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

/** Open-Sora's temporal VAE runs on 17-frame micro-chunks (VideoAutoencoderPipeline micro_frame_size), each padded
 *  at the front to a multiple of td; ldm video VAEs are causal: 1 + (F−1)/td */
function latentFramesOf(m: VaeModel, F: number): number {
  const td = m.temporal_downsample;
  if (m.layout !== 'magvit') return 1 + Math.ceil((F - 1) / td);
  const chunk = 17;
  return Math.floor(F / chunk) * Math.ceil(chunk / td) + Math.ceil((F % chunk) / td);
}

/** magvit decoder: no spatial change; frames ×2 after each temporal up conv (c → 2c, then depth-to-space) */
function magvitDecodeMacs(m: VaeModel, H: number, W: number, F: number): number {
  const k = 27;
  const ch = m.base_channels;
  const L = m.channel_mult.length;
  const nT = Math.round(Math.log2(m.temporal_downsample));
  let f = latentFramesOf(m, F);
  const px = (): number => H * W * f;
  const res = (cin: number, cout: number): number => px() * (k * cin * cout + k * cout * cout + (cin !== cout ? cin * cout : 0));
  const z = m.z_channels;
  let c = ch * m.channel_mult[L - 1]!;
  let macs = px() * z * z + px() * k * z * c; // post_quant_conv, conv1
  macs += m.res_blocks * res(c, c);
  for (let i = L - 1; i >= 0; i--) {
    const cout = ch * m.channel_mult[i]!;
    for (let j = 0; j < m.res_blocks; j++) {
      macs += res(c, cout);
      c = cout;
    }
    if (i !== 0 && i - 1 >= L - 1 - nT) {
      macs += px() * k * c * 2 * c;
      f *= 2;
    }
  }
  return macs + px() * k * c * m.in_channels;
}

export function vaeDecodeFlops(m: VaeModel, shape: VaeShape = {}, resolve?: Resolver): number {
  return 2 * vaeDecodeMacs(m, shape, resolve);
}
