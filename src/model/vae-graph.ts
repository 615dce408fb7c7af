// Convolutional VAEs (LDM / Stable Diffusion AutoencoderKL: Rombach et al. 2022, arXiv:2112.10752; CompVis
// ldm/modules/diffusionmodules/model.py Encoder/Decoder; layout as in ./params/vae.ts) as ops with their
// activation traffic. Per ResnetBlock at resolution px (pixels × frames × batch):
//   GroupNorm (stats pass + normalise: 2 reads, 1 write) → SiLU → 3×3 conv (cin → cout) → GroupNorm → SiLU →
//   3×3 conv (cout → cout) [+ 1×1 shortcut when cin ≠ cout] → residual add
// Convolutions are implicit GEMMs [px, k·cin] × [k·cin, cout] (cuDNN/CUTLASS implicit GEMM: the input is read
// once, not k times); dims 3 uses causal 3×3×3 convs (Open-Sora / Magvit-v2 style). The decoder's middle
// attention is single-head over one frame's h·w positions.
//
// layout 'magvit' (Open-Sora 1.2 VAE_Temporal, opensora/models/vae/vae_temporal.py): causal 3×3×3 convs, no spatial
// down-sampling and no attention. Encoder: conv_in; per level `res_blocks` ResBlocks, a stride-(2,1,1) conv at the
// last log2(temporal_downsample) level transitions (identity elsewhere); `res_blocks` more ResBlocks; GroupNorm +
// 1×1 conv to 2z; quant_conv. Decoder: post_quant_conv; conv z → c_top; `res_blocks` ResBlocks; per level
// `res_blocks` ResBlocks and, at the first log2(td) transitions from the latent side, a 3×3×3 conv c → 2c + depth-to-
// space (2× frames); GroupNorm + conv_out. Frames: Open-Sora runs it on micro-chunks of VIDEO_VAE_CHUNK_FRAMES frames
// (VideoAutoencoderPipeline micro_frame_size 17), each padded at the front to a multiple of td: 17 → 20 → 5 latent.
//
// Composite VAEs (`components`, encode order): encode runs the components in order, decode in reverse, each at the
// shape the previous one hands over; a 2-D component in a video runs frame by frame (frames fold into the batch).
// Open-Sora 1.2: decode = temporal VAE on the latent video (T/4 → T frames at H/8×W/8, 4 channels), then the SDXL
// 2-D VAE per frame at full resolution. Op names carry the component id (`opensora-vae-2d.conv_in`).
import { UserError } from '../spec/errors.js';
import { videoLatentFrames } from './params/common.js';
import { type Op, elementwise } from './op.js';
import type { NormalizedModel, VaeModel } from '../spec/types.js';
import type { Precision } from './transformer-block.js';
import { attentionCore } from './transformer-block.js';

export interface VaeRunShape {
  batch: number;
  height: number; // pixels
  width: number;
  frames: number; // pixel frames (1 for dims 2)
}

function kernel(m: VaeModel): number {
  return m.dims === 3 ? 27 : 9;
}

/** a convolution over `px` output positions: FLOPs 2·px·k·cin·cout; bytes = input + output + weights */
export function conv(name: string, px: number, pxIn: number, cin: number, cout: number, k: number, p: Precision): Op {
  const weightBytes = k * cin * cout * p.weightBytes;
  return {
    name,
    kind: 'conv',
    flops: 2 * px * k * cin * cout,
    bytes: weightBytes + (pxIn * cin + px * cout) * p.actBytes,
    weightBytes,
    dtype: p.compute,
    count: 1,
    m: px,
    n: cout,
    k: k * cin,
  };
}

/**
 * GroupNorm over `elems` activations: RowwiseMoments reads x, the normalise kernel reads x and writes y (3 passes of
 * traffic), but only x and y are alive: PyTorch's native_group_norm allocates Y = empty_like(X) plus mean and rstd of
 * [N, group] (pytorch/pytorch aten/src/ATen/native/group_norm.cpp native_group_norm; the CUDA kernel's fused a, b
 * params in aten/src/ATen/native/cuda/group_norm_kernel.cu are [N, C]), negligible next to x and y.
 */
export function groupNorm(name: string, elems: number, p: Precision): Op {
  return { ...elementwise(name, elems, 6, 3 * p.actBytes, p.compute, 1, 'norm'), liveBytes: 2 * elems * p.actBytes };
}

type Norm = (name: string, elems: number, p: Precision) => Op;

function resBlock(name: string, px: number, cin: number, cout: number, k: number, p: Precision, norm: Norm = groupNorm): Op[] {
  const a = p.actBytes;
  const ops: Op[] = [
    norm(`${name}.norm1`, px * cin, p), // GroupNorm [px, cin]
    elementwise(`${name}.silu1`, px * cin, 4, 2 * a, p.compute),
    conv(`${name}.conv1`, px, px, cin, cout, k, p), // [px, cout]
    norm(`${name}.norm2`, px * cout, p),
    elementwise(`${name}.silu2`, px * cout, 4, 2 * a, p.compute),
    conv(`${name}.conv2`, px, px, cout, cout, k, p),
  ];
  if (cin !== cout) ops.push(conv(`${name}.shortcut`, px, px, cin, cout, 1, p));
  ops.push(elementwise(`${name}.residual`, px * cout, 1, 3 * a, p.compute));
  return ops;
}

function midBlock(m: VaeModel, px: number, c: number, k: number, p: Precision, seqs: number, n: number): Op[] {
  const ops = [...resBlock('mid.res1', px, c, c, k, p)];
  if (m.mid_attention) {
    ops.push(
      groupNorm('mid.attn.norm', px * c, p),
      conv('mid.attn.qkv', px, px, c, 3 * c, 1, p), // 1×1 convs [px, 3c]
      attentionCore('mid.attn', { batch: seqs, q: n, kv: n, heads: 1, headDim: c }, p, true),
      conv('mid.attn.proj', px, px, c, c, 1, p),
      elementwise('mid.attn.residual', px * c, 1, 3 * p.actBytes, p.compute),
    );
  }
  ops.push(...resBlock('mid.res2', px, c, c, k, p));
  return ops;
}

/** Open-Sora's VideoAutoencoderPipeline micro_frame_size: temporal VAEs work on chunks of this many frames */
export const VIDEO_VAE_CHUNK_FRAMES = 17;

export type VaeResolver = (id: string) => NormalizedModel;

interface Dims {
  h: number;
  w: number;
  f: number;
}

/** the components of a composite VAE (encode order), checked against the composite's stated geometry */
export function vaeParts(m: VaeModel, resolve?: VaeResolver): VaeModel[] {
  if (!m.components?.length) return [m];
  if (!resolve) throw new UserError(`VAE ${m.id}: a composite needs a resolver for its components`);
  const parts = m.components.map((id) => {
    const c = resolve(id);
    if (c.family !== 'vae') throw new UserError(`VAE ${m.id}: component ${id} is a ${c.family}, not a vae`);
    if (c.components?.length) throw new UserError(`VAE ${m.id}: component ${id} is itself a composite`);
    return c;
  });
  const sd = parts.reduce((a, c) => a * spatialDownsample(c), 1);
  const td = parts.reduce((a, c) => a * (c.dims === 3 ? c.temporal_downsample : 1), 1);
  if (m.spatial_downsample !== undefined && m.spatial_downsample !== sd) throw new UserError(`VAE ${m.id}: spatial_downsample ${m.spatial_downsample} ≠ its components' ${sd}`);
  if (m.dims === 3 && m.temporal_downsample !== td) throw new UserError(`VAE ${m.id}: temporal_downsample ${m.temporal_downsample} ≠ its components' ${td}`);
  return parts;
}

/** spatial compression of one (non-composite) VAE */
export function spatialDownsample(m: VaeModel): number {
  return m.layout === 'magvit' ? 1 : 2 ** (m.channel_mult.length - 1);
}

/** latent frames of a magvit-layout VAE: per micro-chunk, padded at the front to a multiple of td */
export function magvitLatentFrames(frames: number, td: number): number {
  return videoLatentFrames(frames, td, VIDEO_VAE_CHUNK_FRAMES);
}

/** latent geometry of one VAE for a pixel-side input: spatial side / spatial_downsample; frames: causal
 *  1 + (F−1)/td (ldm, dims 3), chunked F/td (magvit), unchanged for dims 2 (frames are a batch) */
function latentDims(m: VaeModel, d: Dims): Dims {
  const down = spatialDownsample(m);
  const h = Math.ceil(d.h / down);
  const w = Math.ceil(d.w / down);
  if (m.dims !== 3) return { h, w, f: d.f };
  if (m.layout === 'magvit') return { h, w, f: magvitLatentFrames(d.f, m.temporal_downsample) };
  return { h, w, f: 1 + Math.ceil((d.f - 1) / m.temporal_downsample) };
}

/** the pixel-side input dims of each component, in encode order, and the final latent */
function chain(parts: VaeModel[], s: VaeRunShape): { inputs: Dims[]; latent: Dims } {
  const inputs: Dims[] = [];
  let d: Dims = { h: s.height, w: s.width, f: s.frames };
  for (const c of parts) {
    inputs.push(d);
    d = latentDims(c, d);
  }
  return { inputs, latent: d };
}

function prefixed(id: string, ops: Op[], composite: boolean): Op[] {
  if (composite) for (const op of ops) op.name = `${id}.${op.name}`;
  return ops;
}

/** decode: latent [B, z, f, h, w] → pixels [B, in_channels, F, H, W]; composites decode their components in reverse */
export function buildVaeDecoderGraph(m: VaeModel, s: VaeRunShape, p: Precision, resolve?: VaeResolver): Op[] {
  const parts = vaeParts(m, resolve);
  const { inputs } = chain(parts, s);
  const ops: Op[] = [];
  for (let i = parts.length - 1; i >= 0; i--) ops.push(...prefixed(parts[i]!.id, decoderOf(parts[i]!, s.batch, inputs[i]!, p), parts.length > 1));
  return ops;
}

/** encode: pixels → latent mean/log-variance; composites encode their components in order */
export function buildVaeEncoderGraph(m: VaeModel, s: VaeRunShape, p: Precision, resolve?: VaeResolver): Op[] {
  const parts = vaeParts(m, resolve);
  const { inputs } = chain(parts, s);
  return parts.flatMap((c, i) => prefixed(c.id, encoderOf(c, s.batch, inputs[i]!, p), parts.length > 1));
}

/** one VAE's decoder producing pixel-side dims `out` (a 2-D VAE folds frames into the batch) */
function decoderOf(m: VaeModel, batch: number, out: Dims, p: Precision): Op[] {
  if (m.dims !== 3) return ldmDecoder(m, batch * out.f, { ...out, f: 1 }, p); // magvit is always dims 3 (normalize-model.ts)
  if (m.layout === 'wan') return wanDecoder(m, batch, out, p);
  return m.layout === 'magvit' ? magvitDecoder(m, batch, out, p) : ldmDecoder(m, batch, out, p);
}

function encoderOf(m: VaeModel, batch: number, input: Dims, p: Precision): Op[] {
  if (m.dims !== 3) return ldmEncoder(m, batch * input.f, { ...input, f: 1 }, p);
  if (m.layout === 'wan') return wanEncoder(m, batch, input, p);
  return m.layout === 'magvit' ? magvitEncoder(m, batch, input, p) : ldmEncoder(m, batch, input, p);
}

function ldmDecoder(m: VaeModel, batch: number, out: Dims, p: Precision): Op[] {
  const k = kernel(m);
  const ch = m.base_channels;
  const L = m.channel_mult.length;
  let { h, w, f } = latentDims(m, out);
  let temporalUps = m.dims === 3 ? Math.round(Math.log2(m.temporal_downsample)) : 0;
  const px = (): number => batch * f * h * w;
  const z = m.z_channels;
  let c = ch * m.channel_mult[L - 1]!;
  const ops: Op[] = [...(m.quant_conv === false ? [] : [conv('post_quant_conv', px(), px(), z, z, 1, p)]), conv('conv_in', px(), px(), z, c, k, p)];
  ops.push(...midBlock(m, px(), c, k, p, batch * f, h * w));
  for (let i = L - 1; i >= 0; i--) {
    const cout = ch * m.channel_mult[i]!;
    for (let j = 0; j <= m.res_blocks; j++) {
      ops.push(...resBlock(`up${i}.res${j}`, px(), c, cout, k, p));
      c = cout;
    }
    if (i !== 0) {
      const before = px();
      h *= 2;
      w *= 2;
      if (temporalUps > 0) {
        f = 1 + (f - 1) * 2;
        temporalUps--;
      }
      ops.push(elementwise(`up${i}.upsample`, px() * c, 0, 0, p.compute)); // nearest: reads before·c, writes px·c
      ops[ops.length - 1]!.bytes = (before + px()) * c * p.actBytes;
      ops.push(conv(`up${i}.conv`, px(), px(), c, c, k, p));
    }
  }
  ops.push(
    groupNorm('norm_out', px() * c, p),
    elementwise('silu_out', px() * c, 4, 2 * p.actBytes, p.compute),
    conv('conv_out', px(), px(), c, m.in_channels, k, p), // [B, 3, F, H, W]
  );
  return ops;
}

function ldmEncoder(m: VaeModel, batch: number, input: Dims, p: Precision): Op[] {
  const k = kernel(m);
  const ch = m.base_channels;
  const L = m.channel_mult.length;
  const lat = latentDims(m, input);
  let { h, w, f } = input;
  let temporalDowns = m.dims === 3 ? Math.round(Math.log2(m.temporal_downsample)) : 0;
  const px = (): number => batch * f * h * w;
  let c = ch;
  const ops: Op[] = [conv('conv_in', px(), px(), m.in_channels, ch, k, p)];
  for (let i = 0; i < L; i++) {
    const cout = ch * m.channel_mult[i]!;
    for (let j = 0; j < m.res_blocks; j++) {
      ops.push(...resBlock(`down${i}.res${j}`, px(), c, cout, k, p));
      c = cout;
    }
    if (i !== L - 1) {
      const before = px();
      h = Math.ceil(h / 2);
      w = Math.ceil(w / 2);
      if (temporalDowns > 0) {
        f = 1 + Math.ceil((f - 1) / 2);
        temporalDowns--;
      }
      ops.push(conv(`down${i}.conv`, px(), before, c, c, k, p)); // stride-2 conv
    }
  }
  ops.push(...midBlock(m, px(), c, k, p, batch * lat.f, h * w));
  ops.push(
    groupNorm('norm_out', px() * c, p),
    elementwise('silu_out', px() * c, 4, 2 * p.actBytes, p.compute),
    conv('conv_out', px(), px(), c, 2 * m.z_channels, k, p),
    ...(m.quant_conv === false ? [] : [conv('quant_conv', px(), px(), 2 * m.z_channels, 2 * m.z_channels, 1, p)]),
  );
  return ops;
}

/** magvit level transitions t (level t → t+1) that change the frame count: the last log2(td) of them */
function temporalTransition(m: VaeModel, t: number): boolean {
  const L = m.channel_mult.length;
  return t >= L - 1 - Math.round(Math.log2(m.dims === 3 ? m.temporal_downsample : 1));
}

function magvitDecoder(m: VaeModel, batch: number, out: Dims, p: Precision): Op[] {
  const k = kernel(m);
  const ch = m.base_channels;
  const L = m.channel_mult.length;
  const { h, w } = out;
  let { f } = latentDims(m, out); // the decoder makes f·td frames; the front padding is cropped afterwards
  const px = (): number => batch * f * h * w;
  const z = m.z_channels;
  let c = ch * m.channel_mult[L - 1]!;
  const ops: Op[] = [...(m.quant_conv === false ? [] : [conv('post_quant_conv', px(), px(), z, z, 1, p)]), conv('conv_in', px(), px(), z, c, k, p)];
  for (let j = 0; j < m.res_blocks; j++) ops.push(...resBlock(`mid.res${j}`, px(), c, c, k, p));
  for (let i = L - 1; i >= 0; i--) {
    const cout = ch * m.channel_mult[i]!;
    for (let j = 0; j < m.res_blocks; j++) {
      ops.push(...resBlock(`up${i}.res${j}`, px(), c, cout, k, p));
      c = cout;
    }
    if (i !== 0 && temporalTransition(m, i - 1)) {
      ops.push(conv(`up${i}.conv`, px(), px(), c, 2 * c, k, p)); // c → 2c, then depth-to-space: 2× frames
      f *= 2;
      const op = elementwise(`up${i}.depth_to_space`, px() * c, 0, 0, p.compute);
      op.bytes = 2 * px() * c * p.actBytes;
      ops.push(op);
    }
  }
  ops.push(
    groupNorm('norm_out', px() * c, p),
    elementwise('silu_out', px() * c, 4, 2 * p.actBytes, p.compute),
    conv('conv_out', px(), px(), c, m.in_channels, k, p),
  );
  return ops;
}

function magvitEncoder(m: VaeModel, batch: number, input: Dims, p: Precision): Op[] {
  const k = kernel(m);
  const ch = m.base_channels;
  const L = m.channel_mult.length;
  const { h, w } = input;
  let f = latentDims(m, input).f * m.temporal_downsample; // frames after the front padding of each chunk
  const px = (): number => batch * f * h * w;
  let c = ch;
  const ops: Op[] = [conv('conv_in', px(), px(), m.in_channels, ch, k, p)];
  for (let i = 0; i < L; i++) {
    const cout = ch * m.channel_mult[i]!;
    for (let j = 0; j < m.res_blocks; j++) {
      ops.push(...resBlock(`down${i}.res${j}`, px(), c, cout, k, p));
      c = cout;
    }
    if (i !== L - 1 && temporalTransition(m, i)) {
      const before = px();
      f /= 2;
      ops.push(conv(`down${i}.conv`, px(), before, c, c, k, p)); // stride-(2,1,1) causal conv
    }
  }
  for (let j = 0; j < m.res_blocks; j++) ops.push(...resBlock(`mid.res${j}`, px(), c, c, k, p));
  ops.push(
    groupNorm('norm_out', px() * c, p),
    elementwise('silu_out', px() * c, 4, 2 * p.actBytes, p.compute),
    conv('conv_out', px(), px(), c, 2 * m.z_channels, 1, p),
    ...(m.quant_conv === false ? [] : [conv('quant_conv', px(), px(), 2 * m.z_channels, 2 * m.z_channels, 1, p)]),
  );
  return ops;
}

// Wan 2.1 VAE (./params/wan-vae.ts): causal 3×3×3 ResidualBlocks, per-frame 3×3 Conv2d resampling, (3,1,1) causal
// time convs where the frame count changes; the upsampling conv halves the channels. RMS_norm is priced as the
// GroupNorm kernels of resBlock (one statistics pass and one normalising pass).
//
// RMS_norm's live memory is its traffic, not GroupNorm's x + y: Wan's RMS_norm.forward is eager Python,
// F.normalize(x) * scale * gamma + bias, so x and two full-size temporaries are alive at once.
const rmsNorm: Norm = (name, elems, p) => elementwise(name, elems, 6, 3 * p.actBytes, p.compute, 1, 'norm');

function wanAttention(prefix: string, px: number, c: number, frames: number, n: number, p: Precision): Op[] {
  return [
    rmsNorm(`${prefix}.norm`, px * c, p),
    conv(`${prefix}.qkv`, px, px, c, 3 * c, 1, p),
    attentionCore(`${prefix}.attn`, { batch: frames, q: n, kv: n, heads: 1, headDim: c }, p, true), // per frame
    conv(`${prefix}.proj`, px, px, c, c, 1, p),
    elementwise(`${prefix}.residual`, px * c, 1, 3 * p.actBytes, p.compute),
  ];
}

function wanDecoder(m: VaeModel, batch: number, out: Dims, p: Precision): Op[] {
  const mult = m.channel_mult;
  const L = mult.length;
  const nT = Math.round(Math.log2(m.temporal_downsample));
  const z = m.z_channels;
  let f = 1 + Math.ceil((out.f - 1) / m.temporal_downsample);
  let h = Math.ceil(out.h / 2 ** (L - 1));
  let w = Math.ceil(out.w / 2 ** (L - 1));
  const px = () => batch * h * w * f;
  const ddims = [m.base_channels * mult[L - 1]!, ...[...mult].reverse().map((x) => x * m.base_channels)];
  let c = ddims[0]!;
  const ops: Op[] = [conv('conv2', px(), px(), z, z, 1, p), conv('conv_in', px(), px(), z, c, 27, p)];
  ops.push(...resBlock('mid.res1', px(), c, c, 27, p, rmsNorm), ...wanAttention('mid.attn', px(), c, batch * f, h * w, p), ...resBlock('mid.res2', px(), c, c, 27, p, rmsNorm));
  for (let i = 0; i < L; i++) {
    let cin = i >= 1 ? ddims[i]! / 2 : ddims[i]!;
    const cout = ddims[i + 1]!;
    for (let j = 0; j <= m.res_blocks; j++) {
      ops.push(...resBlock(`up${i}.res${j}`, px(), cin, cout, 27, p, rmsNorm));
      cin = cout;
    }
    c = cout;
    if (i !== L - 1) {
      if (i < nT) {
        ops.push(conv(`up${i}.time_conv`, px(), px(), c, 2 * c, 3, p)); // [px, 2c] → frames 1 + 2(f − 1)
        f = 1 + 2 * (f - 1);
      }
      const pin = px();
      h *= 2;
      w *= 2;
      ops.push(conv(`up${i}.conv`, px(), pin, c, c / 2, 9, p)); // nearest ×2, 3×3 Conv2d c → c/2
    }
  }
  ops.push(rmsNorm('norm_out', px() * c, p), conv('conv_out', px(), px(), c, m.in_channels, 27, p));
  return ops;
}

function wanEncoder(m: VaeModel, batch: number, input: Dims, p: Precision): Op[] {
  const mult = m.channel_mult;
  const L = mult.length;
  const nT = Math.round(Math.log2(m.temporal_downsample));
  const z = m.z_channels;
  let f = input.f;
  let h = input.h;
  let w = input.w;
  const px = () => batch * h * w * f;
  const dims = [m.base_channels, ...mult.map((x) => x * m.base_channels)];
  const ops: Op[] = [conv('conv_in', px(), px(), m.in_channels, dims[0]!, 27, p)];
  for (let i = 0; i < L; i++) {
    let cin = dims[i]!;
    const cout = dims[i + 1]!;
    for (let j = 0; j < m.res_blocks; j++) {
      ops.push(...resBlock(`down${i}.res${j}`, px(), cin, cout, 27, p, rmsNorm));
      cin = cout;
    }
    if (i !== L - 1) {
      const pin = px();
      h = Math.ceil(h / 2);
      w = Math.ceil(w / 2);
      ops.push(conv(`down${i}.conv`, px(), pin, cout, cout, 9, p)); // stride-2 3×3 Conv2d per frame
      if (i >= L - 1 - nT) {
        const fin = px();
        f = 1 + Math.ceil((f - 1) / 2);
        ops.push(conv(`down${i}.time_conv`, px(), fin, cout, cout, 3, p)); // (3,1,1) stride 2 in time
      }
    }
  }
  const c = dims[L]!;
  ops.push(...resBlock('mid.res1', px(), c, c, 27, p, rmsNorm), ...wanAttention('mid.attn', px(), c, batch * f, h * w, p), ...resBlock('mid.res2', px(), c, c, 27, p, rmsNorm));
  ops.push(rmsNorm('norm_out', px() * c, p), conv('conv_out', px(), px(), c, 2 * z, 27, p), conv('conv1', px(), px(), 2 * z, 2 * z, 1, p));
  return ops;
}
