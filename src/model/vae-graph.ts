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
import { cogvideoxDecoder } from './cogvideox-vae-graph.js';

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
/** a ResidualBlock's norm: one op, or several (CogVideoX's spatial norm: ./cogvideox-vae-graph.ts) */
type NormOps = (name: string, elems: number, p: Precision) => Op | Op[];

/** the ops of one convolution of a ResidualBlock over its px pixels (Wan's add their cuDNN glue: wanConv) */
type ConvOps = (name: string, cin: number, cout: number, k: number) => Op[];

export function resBlock(name: string, px: number, cin: number, cout: number, k: number, p: Precision, norm: NormOps = groupNorm, convOps: ConvOps = (n, ci, co, kk) => [conv(n, px, px, ci, co, kk, p)]): Op[] {
  const a = p.actBytes;
  const ops: Op[] = [
    ...[norm(`${name}.norm1`, px * cin, p)].flat(), // GroupNorm [px, cin]
    elementwise(`${name}.silu1`, px * cin, 4, 2 * a, p.compute),
    ...convOps(`${name}.conv1`, cin, cout, k), // [px, cout]
    ...[norm(`${name}.norm2`, px * cout, p)].flat(),
    elementwise(`${name}.silu2`, px * cout, 4, 2 * a, p.compute),
    ...convOps(`${name}.conv2`, cout, cout, k),
  ];
  if (cin !== cout) ops.push(...convOps(`${name}.shortcut`, cin, cout, 1));
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
  if (m.layout === 'cogvideox') return cogvideoxDecoder(m, batch, out, p);
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
// time convs where the frame count changes; the upsampling conv halves the channels.
//
// As Wan's reference code runs it (Wan-Video/Wan2.1 @f1f7c88 wan/modules/vae.py, eager PyTorch, NCDHW tensors):
//  - WanVAE_.decode calls Decoder3d once per latent frame (encode once per 1, 4, 4, … pixel frames) with a feature
//    cache: every 3×3×3 CausalConv3d clones the last CACHE_T = 2 frames of its input, torch.cat's the cached frames in
//    front of the chunk and F.pad's the result (1 pixel each side; aten constant_pad_nd = empty + fill_ + copy_ of the
//    input into it), so per chunk of T frames it copies (T + 2) frames twice, writes them once more (fill_) and clones
//    2: 5·F + 14·n frames of its input moved over n chunks and F frames (wanCausalInput). Kernel-level profile of the
//    same decoder (sgl-project/sglang PR #34125, H200, 704×1280×61, bf16): 0.51 s aten::copy_ (1849 calls) + 60 ms
//    fill_ + 39 ms cat of a 2.59 s decode.
//  - cuDNN runs NCDHW convolutions in NDHWC: the input and output are transposed by kernels of their own ("Default NCDHW
//    format requires NCHW↔NHWC conversions (17 kernel calls)" for 6 Conv3d, "Same convolution kernels": ModelTC/LightX2V
//    PR #860): 2 more passes over the padded input and 2 over the output.
//  - the conv bias is an add_ after cudnn_convolution (aten/src/ATen/native/Convolution.cpp _convolution; "797
//    launches, 278 ms of a 2847 ms lossless decode": sgl-project/sglang PR #38650): read + write of the output.
//  - RMS_norm.forward is F.normalize(x, dim=1) · scale · gamma + bias with bias the Python float 0.: a vector_norm
//    reduction (reads x), the divide (reads x, writes), · scale, · gamma, + 0. (each reads and writes): 9 passes in 5
//    kernels, with x and two full-size temporaries alive (wanRmsNorm).
//  - the convolution kernels themselves reach WAN_CONV_GEMM_SHARE of the part's large-GEMM rate (below).
// The rearranges around the per-frame Conv2d resampling ('b c t h w -> (b t) c h w' and back: two permute copies)
// are priced with the conv's layout passes; the O(n²) torch.cat of the decoded output chunks (a few GB) is not.

/** cuDNN's convolutions of the Wan VAE decoder reach this share of the part's large-GEMM efficiency: on an H200 (bf16,
 *  704×1280×61, channels_last_3d) the decoder's convolutions take ~1.26 s of GPU time (sgl-project/sglang PR #34125
 *  kernel attribution, "conv itself is only ~1.26 s") for the 466.4 TFLOP this graph's convs hold at that shape: 370
 *  TFLOP/s = 0.374 of the 989.4 TFLOP/s dense bf16 peak, where the H200's large bf16 GEMM reaches 0.69
 *  (hardware/nvidia/h200-sxm.yaml gemm table): 0.374 / 0.69 = 0.54. Measured on Hopper in bf16 only; other parts and
 *  TF32 take the same share of their own GEMM rate (unmeasured). */
export const WAN_CONV_GEMM_SHARE = 0.54;

/** Wan's eager RMS_norm: 9 passes over the tensor in 5 kernels; x and two temporaries alive */
const rmsNorm: Norm = (name, elems, p) => ({ ...elementwise(name, elems, 6, 9 * p.actBytes, p.compute, 1, 'norm'), kernels: 5, liveBytes: 3 * elems * p.actBytes });

/** a Wan convolution as cuDNN runs it from NCDHW: the conv at WAN_CONV_GEMM_SHARE, then its glue (see above):
 *  `frames`/`chunks`: frames of the conv's input and causal chunks at this level (0 chunks: no causal cache, e.g.
 *  the per-frame Conv2d resampling and 1×1 convs) */
export function wanConv(name: string, px: number, pxIn: number, cin: number, cout: number, k: number, p: Precision, causal?: { frames: number; chunks: number }): Op[] {
  const c = { ...conv(name, px, pxIn, cin, cout, k, p), efficiencyScale: WAN_CONV_GEMM_SHARE };
  const a = p.actBytes;
  // per frame of its input (none when a video of --frames 0 reaches the encoder: 0 / 0 made the answer NaN)
  const perFrameIn = causal && causal.frames > 0 ? (pxIn / causal.frames) * cin : 0;
  // causal input assembly: clone 2 cached frames, cat, F.pad (fill_ + copy_) per chunk
  const assembly = causal ? perFrameIn * (5 * causal.frames + 14 * causal.chunks) * a : 0;
  const paddedIn = causal ? perFrameIn * (causal.frames + 2 * causal.chunks) : pxIn * cin;
  const layout = 2 * paddedIn * a + 2 * px * cout * a; // NCDHW → NDHWC of the input, NDHWC → NCDHW of the output
  const bias = 2 * px * cout * a;
  const chunks = Math.max(1, causal?.chunks ?? 1);
  const glue: Op = {
    name: `${name}.glue`,
    kind: 'elementwise',
    flops: px * cout,
    bytes: assembly + layout + bias,
    weightBytes: 0,
    dtype: p.compute,
    count: 1,
    kernels: chunks * ((causal ? 4 : 0) + 3),
    liveBytes: (pxIn * cin + paddedIn) * a,
  };
  return [c, glue];
}

/** a Wan ResidualBlock: RMS norms and cuDNN convolutions, the 3×3×3 ones behind the causal cache (the 1×1 shortcut has none) */
function wanResBlock(name: string, px: number, cin: number, cout: number, p: Precision, causal: { frames: number; chunks: number }): Op[] {
  return resBlock(name, px, cin, cout, 27, p, rmsNorm, (n, ci, co, k) => wanConv(n, px, px, ci, co, k, p, k === 1 ? undefined : causal));
}

function wanAttention(prefix: string, px: number, c: number, frames: number, n: number, p: Precision): Op[] {
  return [
    rmsNorm(`${prefix}.norm`, px * c, p),
    ...wanConv(`${prefix}.qkv`, px, px, c, 3 * c, 1, p),
    attentionCore(`${prefix}.attn`, { batch: frames, q: n, kv: n, heads: 1, headDim: c }, p, true), // per frame
    ...wanConv(`${prefix}.proj`, px, px, c, c, 1, p),
    elementwise(`${prefix}.residual`, px * c, 1, 3 * p.actBytes, p.compute),
  ];
}

/** nearest ×2 (or the stride-2 ZeroPad2d) around a per-frame Conv2d: the rearranges to (b t) c h w and back are permute
 *  copies (read + write each), the resampling reads its input and writes its output */
function wanResample(name: string, pin: number, px: number, c: number, cOut: number, p: Precision): Op {
  const a = p.actBytes;
  return { ...elementwise(name, px * c, 0, 0, p.compute), bytes: (2 * pin * c + pin * c + px * c + 2 * px * cOut) * a, kernels: 3, liveBytes: (pin + px) * c * a };
}

function wanDecoder(m: VaeModel, batch: number, out: Dims, p: Precision): Op[] {
  const mult = m.channel_mult;
  const L = mult.length;
  const nT = Math.round(Math.log2(m.temporal_downsample));
  const z = m.z_channels;
  let f = 1 + Math.ceil((out.f - 1) / m.temporal_downsample);
  const chunks = batch * f; // WanVAE_.decode: one Decoder3d call per latent frame of each video
  let h = Math.ceil(out.h / 2 ** (L - 1));
  let w = Math.ceil(out.w / 2 ** (L - 1));
  const px = () => batch * h * w * f;
  const causal = () => ({ frames: batch * f, chunks });
  const ddims = [m.base_channels * mult[L - 1]!, ...[...mult].reverse().map((x) => x * m.base_channels)];
  let c = ddims[0]!;
  const ops: Op[] = [...wanConv('conv2', px(), px(), z, z, 1, p), ...wanConv('conv_in', px(), px(), z, c, 27, p, causal())];
  ops.push(...wanResBlock('mid.res1', px(), c, c, p, causal()), ...wanAttention('mid.attn', px(), c, batch * f, h * w, p), ...wanResBlock('mid.res2', px(), c, c, p, causal()));
  for (let i = 0; i < L; i++) {
    let cin = i >= 1 ? ddims[i]! / 2 : ddims[i]!;
    const cout = ddims[i + 1]!;
    for (let j = 0; j <= m.res_blocks; j++) {
      ops.push(...wanResBlock(`up${i}.res${j}`, px(), cin, cout, p, causal()));
      cin = cout;
    }
    c = cout;
    if (i !== L - 1) {
      if (i < nT) {
        ops.push(...wanConv(`up${i}.time_conv`, px(), px(), c, 2 * c, 3, p, causal())); // [px, 2c] → frames 1 + 2(f − 1)
        f = 1 + 2 * (f - 1);
      }
      const pin = px();
      h *= 2;
      w *= 2;
      ops.push(wanResample(`up${i}.upsample`, pin, px(), c, c / 2, p));
      ops.push(...wanConv(`up${i}.conv`, px(), px(), c, c / 2, 9, p)); // nearest ×2, 3×3 Conv2d c → c/2
    }
  }
  ops.push(rmsNorm('norm_out', px() * c, p), elementwise('silu_out', px() * c, 4, 2 * p.actBytes, p.compute), ...wanConv('conv_out', px(), px(), c, m.in_channels, 27, p, causal()));
  return perChunk(ops, chunks, 'conv2');
}

/** every kernel of Decoder3d (Encoder3d) runs once per causal chunk (the glue ops count their chunks already); `once`:
 *  the 1×1 conv WanVAE_ runs on the whole latent outside the loop (decode conv2, encode conv1), if any */
export function perChunk(ops: Op[], chunks: number, once?: string): Op[] {
  for (const op of ops) if (!op.name.endsWith('.glue') && op.name !== once) op.kernels = (op.kernels ?? 1) * chunks;
  return ops;
}

function wanEncoder(m: VaeModel, batch: number, input: Dims, p: Precision): Op[] {
  const mult = m.channel_mult;
  const L = mult.length;
  const nT = Math.round(Math.log2(m.temporal_downsample));
  const z = m.z_channels;
  let f = input.f;
  const chunks = batch * (1 + Math.ceil((input.f - 1) / m.temporal_downsample)); // WanVAE_.encode: frames 1, 4, 4, …
  let h = input.h;
  let w = input.w;
  const px = () => batch * h * w * f;
  const causal = () => ({ frames: batch * f, chunks });
  const dims = [m.base_channels, ...mult.map((x) => x * m.base_channels)];
  const ops: Op[] = [...wanConv('conv_in', px(), px(), m.in_channels, dims[0]!, 27, p, causal())];
  for (let i = 0; i < L; i++) {
    let cin = dims[i]!;
    const cout = dims[i + 1]!;
    for (let j = 0; j < m.res_blocks; j++) {
      ops.push(...wanResBlock(`down${i}.res${j}`, px(), cin, cout, p, causal()));
      cin = cout;
    }
    if (i !== L - 1) {
      const pin = px();
      h = Math.ceil(h / 2);
      w = Math.ceil(w / 2);
      ops.push(wanResample(`down${i}.pad`, pin, pin, cout, 0, p), ...wanConv(`down${i}.conv`, px(), pin, cout, cout, 9, p)); // stride-2 3×3 Conv2d per frame
      if (i >= L - 1 - nT) {
        const fin = px();
        const cz = causal();
        f = 1 + Math.ceil((f - 1) / 2);
        ops.push(...wanConv(`down${i}.time_conv`, px(), fin, cout, cout, 3, p, cz)); // (3,1,1) stride 2 in time
      }
    }
  }
  const c = dims[L]!;
  ops.push(...wanResBlock('mid.res1', px(), c, c, p, causal()), ...wanAttention('mid.attn', px(), c, batch * f, h * w, p), ...wanResBlock('mid.res2', px(), c, c, p, causal()));
  ops.push(rmsNorm('norm_out', px() * c, p), elementwise('silu_out', px() * c, 4, 2 * p.actBytes, p.compute), ...wanConv('conv_out', px(), px(), c, 2 * z, 27, p, causal()), ...wanConv('conv1', px(), px(), 2 * z, 2 * z, 1, p));
  return perChunk(ops, chunks, 'conv1');
}
