// Wan 2.1's causal 3-D VAE (Wan-Video/Wan2.1 wan/modules/vae.py, WanVAE_; diffusers AutoencoderKLWan): base width
// `base_channels`, levels `channel_mult`, RMS_norm (one gamma per channel, no bias) instead of GroupNorm, causal 3×3×3
// convs with bias. Encoder: conv1 3 → c; per level `res_blocks` ResidualBlocks (in → out, 1×1×1 shortcut when the
// width changes) and, except at the last level, a Resample: a stride-2 3×3 Conv2d per frame plus, where the frame
// count halves, a (3,1,1) causal time_conv stride 2; middle ResidualBlock, single-head per-frame AttentionBlock
// (RMS_norm, 1×1 to_qkv, 1×1 proj), ResidualBlock; head RMS_norm + conv → 2z. conv1 (2z → 2z) and conv2 (z → z) are
// the 1×1×1 latent convs. Decoder: conv1 z → c_top, middle, per level `res_blocks + 1` ResidualBlocks whose input is
// half the previous level's width (the upsampling Conv2d halves the channels: dim → dim/2), a (3,1,1) time_conv
// dim → 2·dim where frames double, head → 3. Temporal down-sampling at the last log2(td) level transitions
// (temperal_downsample [False, True, True]), up-sampling at the first log2(td) ones from the latent side.
import type { VaeModel } from '../../spec/types.js';
import { type ParamCount, compact, sumValues } from './common.js';

const K = 27;
const rb = (i: number, o: number): number => i + (K * i * o + o) + o + (K * o * o + o) + (i !== o ? i * o + o : 0);
const attn = (c: number): number => c + (c * 3 * c + 3 * c) + (c * c + c);

export function wanTemporalLevels(m: VaeModel): number {
  return Math.round(Math.log2(m.temporal_downsample));
}

export function wanVaeParams(m: VaeModel): ParamCount {
  const mult = m.channel_mult;
  const L = mult.length;
  const nT = wanTemporalLevels(m);
  const z = m.z_channels;
  const dims = [m.base_channels, ...mult.map((x) => x * m.base_channels)];
  let enc = K * m.in_channels * dims[0]! + dims[0]!;
  for (let i = 0; i < L; i++) {
    let cin = dims[i]!;
    const cout = dims[i + 1]!;
    for (let j = 0; j < m.res_blocks; j++) {
      enc += rb(cin, cout);
      cin = cout;
    }
    if (i !== L - 1) {
      enc += 9 * cout * cout + cout; // Conv2d 3×3 stride 2
      if (i >= L - 1 - nT) enc += 3 * cout * cout + cout; // time_conv (3,1,1) stride 2
    }
  }
  const top = dims[L]!;
  enc += 2 * rb(top, top) + attn(top) + top + (K * top * 2 * z + 2 * z);

  const ddims = [top, ...[...mult].reverse().map((x) => x * m.base_channels)];
  let dec = K * z * ddims[0]! + ddims[0]! + 2 * rb(ddims[0]!, ddims[0]!) + attn(ddims[0]!);
  for (let i = 0; i < L; i++) {
    let cin = i >= 1 ? ddims[i]! / 2 : ddims[i]!;
    const cout = ddims[i + 1]!;
    for (let j = 0; j <= m.res_blocks; j++) {
      dec += rb(cin, cout);
      cin = cout;
    }
    if (i !== L - 1) {
      dec += 9 * cout * (cout / 2) + cout / 2; // nearest up ×2, Conv2d 3×3 dim → dim/2
      if (i < nT) dec += 3 * cout * 2 * cout + 2 * cout; // time_conv (3,1,1) dim → 2·dim, then frames interleave
    }
  }
  const last = ddims[L]!;
  dec += last + (K * last * m.in_channels + m.in_channels);
  const breakdown = compact({ encoder: enc, quant_conv: 4 * z * z + 2 * z, post_quant_conv: z * z + z, decoder: dec });
  const total = sumValues(breakdown);
  return { total, active: total, embedding: 0, breakdown };
}

/** decoder multiply-adds for F pixel frames of H×W (latent: 1 + (F−1)/td frames; frames double as 1 + 2(f−1)) */
export function wanVaeDecodeMacs(m: VaeModel, H: number, W: number, F: number): number {
  const mult = m.channel_mult;
  const L = mult.length;
  const nT = wanTemporalLevels(m);
  const z = m.z_channels;
  let f = 1 + Math.ceil((F - 1) / m.temporal_downsample);
  let h = Math.ceil(H / 2 ** (L - 1));
  let w = Math.ceil(W / 2 ** (L - 1));
  const px = () => h * w * f;
  const res = (i: number, o: number) => px() * (K * i * o + K * o * o + (i !== o ? i * o : 0));
  const ddims = [m.base_channels * mult[L - 1]!, ...[...mult].reverse().map((x) => x * m.base_channels)];
  let c = ddims[0]!;
  let macs = px() * z * z + px() * K * z * c + 2 * res(c, c) + f * (4 * h * w * c * c + 2 * (h * w) ** 2 * c);
  for (let i = 0; i < L; i++) {
    let cin = i >= 1 ? ddims[i]! / 2 : ddims[i]!;
    const cout = ddims[i + 1]!;
    for (let j = 0; j <= m.res_blocks; j++) {
      macs += res(cin, cout);
      cin = cout;
    }
    c = cout;
    if (i !== L - 1) {
      if (i < nT) {
        macs += px() * 3 * c * 2 * c; // time_conv at the low frame count
        f = 1 + 2 * (f - 1);
      }
      h *= 2;
      w *= 2;
      macs += px() * 9 * c * (c / 2);
    }
  }
  return macs + px() * K * c * m.in_channels;
}
