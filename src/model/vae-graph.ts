// Convolutional VAEs (LDM / Stable Diffusion AutoencoderKL: Rombach et al. 2022, arXiv:2112.10752; CompVis
// ldm/modules/diffusionmodules/model.py Encoder/Decoder; layout as in ./params/vae.ts) as ops with their
// activation traffic. Per ResnetBlock at resolution px (pixels × frames × batch):
//   GroupNorm (stats pass + normalise: 2 reads, 1 write) → SiLU → 3×3 conv (cin → cout) → GroupNorm → SiLU →
//   3×3 conv (cout → cout) [+ 1×1 shortcut when cin ≠ cout] → residual add
// Convolutions are implicit GEMMs [px, k·cin] × [k·cin, cout] (cuDNN/CUTLASS implicit GEMM: the input is read
// once, not k times); dims 3 uses causal 3×3×3 convs (Open-Sora / Magvit-v2 style). The decoder's middle
// attention is single-head over one frame's h·w positions.
import { type Op, elementwise } from './op.js';
import type { VaeModel } from '../spec/types.js';
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

function resBlock(name: string, px: number, cin: number, cout: number, k: number, p: Precision): Op[] {
  const a = p.actBytes;
  const ops: Op[] = [
    elementwise(`${name}.norm1`, px * cin, 6, 3 * a, p.compute, 1, 'norm'), // GroupNorm [px, cin]
    elementwise(`${name}.silu1`, px * cin, 4, 2 * a, p.compute),
    conv(`${name}.conv1`, px, px, cin, cout, k, p), // [px, cout]
    elementwise(`${name}.norm2`, px * cout, 6, 3 * a, p.compute, 1, 'norm'),
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
      elementwise('mid.attn.norm', px * c, 6, 3 * p.actBytes, p.compute, 1, 'norm'),
      conv('mid.attn.qkv', px, px, c, 3 * c, 1, p), // 1×1 convs [px, 3c]
      attentionCore('mid.attn', { batch: seqs, q: n, kv: n, heads: 1, headDim: c }, p, true),
      conv('mid.attn.proj', px, px, c, c, 1, p),
      elementwise('mid.attn.residual', px * c, 1, 3 * p.actBytes, p.compute),
    );
  }
  ops.push(...resBlock('mid.res2', px, c, c, k, p));
  return ops;
}

/** latent geometry: spatial side divided by 2^(levels−1), causal temporal compression 1 + (F−1)/td */
function latentDims(m: VaeModel, s: VaeRunShape): { h: number; w: number; f: number } {
  const down = 2 ** (m.channel_mult.length - 1);
  const td = m.dims === 3 ? m.temporal_downsample : 1;
  return { h: Math.ceil(s.height / down), w: Math.ceil(s.width / down), f: m.dims === 3 ? 1 + Math.ceil((s.frames - 1) / td) : s.frames };
}

/** decode: latent [B, z, f, h, w] → pixels [B, 3, F, H, W] */
export function buildVaeDecoderGraph(m: VaeModel, s: VaeRunShape, p: Precision): Op[] {
  const k = kernel(m);
  const ch = m.base_channels;
  const L = m.channel_mult.length;
  let { h, w, f } = latentDims(m, s);
  let temporalUps = m.dims === 3 ? Math.round(Math.log2(m.temporal_downsample)) : 0;
  const px = (): number => s.batch * f * h * w;
  const z = m.z_channels;
  let c = ch * m.channel_mult[L - 1]!;
  const ops: Op[] = [conv('post_quant_conv', px(), px(), z, z, 1, p), conv('conv_in', px(), px(), z, c, k, p)];
  ops.push(...midBlock(m, px(), c, k, p, s.batch * f, h * w));
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
    elementwise('norm_out', px() * c, 6, 3 * p.actBytes, p.compute, 1, 'norm'),
    elementwise('silu_out', px() * c, 4, 2 * p.actBytes, p.compute),
    conv('conv_out', px(), px(), c, m.in_channels, k, p), // [B, 3, F, H, W]
  );
  return ops;
}

/** encode: pixels → latent mean/log-variance (the sample is one fused elementwise op) */
export function buildVaeEncoderGraph(m: VaeModel, s: VaeRunShape, p: Precision): Op[] {
  const k = kernel(m);
  const ch = m.base_channels;
  const L = m.channel_mult.length;
  const lat = latentDims(m, s);
  let h = s.height;
  let w = s.width;
  let f = s.frames;
  let temporalDowns = m.dims === 3 ? Math.round(Math.log2(m.temporal_downsample)) : 0;
  const px = (): number => s.batch * f * h * w;
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
  ops.push(...midBlock(m, px(), c, k, p, s.batch * lat.f, h * w));
  ops.push(
    elementwise('norm_out', px() * c, 6, 3 * p.actBytes, p.compute, 1, 'norm'),
    elementwise('silu_out', px() * c, 4, 2 * p.actBytes, p.compute),
    conv('conv_out', px(), px(), c, 2 * m.z_channels, k, p),
    conv('quant_conv', px(), px(), 2 * m.z_channels, 2 * m.z_channels, 1, p),
  );
  return ops;
}
