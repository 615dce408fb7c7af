// Latent-diffusion UNets (SDXL: Podell et al. 2023, arXiv:2307.01952; diffusers UNet2DConditionModel), counted as
// diffusers builds them:
//   conv_in (in → c₀, 3×3); time_embedding Linear(c₀, T) + Linear(T, T); SDXL's add_embedding (text_time) Linear(A, T)
//   + Linear(T, T) over the pooled text vector and the six size/crop time ids;
//   down level i (width cᵢ): `res_blocks` ResnetBlock2D (GroupNorm, 3×3 conv, time_emb_proj Linear(T, c), GroupNorm,
//   3×3 conv, 1×1 shortcut when the width changes), each followed — where transformer_depth[i] > 0 — by a
//   Transformer2DModel (GroupNorm, proj_in Linear(c, c), depth × BasicTransformerBlock, proj_out Linear(c, c));
//   a stride-2 3×3 Downsample2D except at the last level;
//   mid: ResnetBlock, Transformer2DModel (mid_depth: SDXL the last level's depth, SD 1.x/2.x 1), ResnetBlock;
//   up level j (widths reversed): `res_blocks + 1` ResnetBlocks over [previous ‖ skip] channels (the skips are
//   every down-path output, popped in reverse), each followed by a Transformer2DModel where the depth > 0, and a
//   nearest ×2 + 3×3 Upsample2D conv except at the last level; GroupNorm + conv_out (c₀ → out, 3×3).
// BasicTransformerBlock (width c, cross width X): LayerNorm, self-attention (q, k, v without bias, out with bias),
// LayerNorm, cross-attention (q from c, k/v from X), LayerNorm, GEGLU FFN (c → 8c with bias, 4c → c with bias).
import type { DitModel } from '../../spec/types.js';
import { type ParamCount, compact, sumValues } from './common.js';

export interface UnetSpec {
  channels: number[];
  res_blocks: number;
  transformer_depth: number[];
  mid_depth: number;
  head_dim: number;
  heads: number;
  time_embed_dim: number;
  add_embed_dim: number;
}

/** skip widths the down path pushes (conv_in, every down resnet, every downsample), in push order */
export function unetSkips(u: UnetSpec): number[] {
  const s = [u.channels[0]!];
  u.channels.forEach((c, i) => {
    for (let j = 0; j < u.res_blocks; j++) s.push(c);
    if (i !== u.channels.length - 1) s.push(c);
  });
  return s;
}

export function unetParams(m: DitModel): ParamCount {
  const u = m.unet!;
  const T = u.time_embed_dim;
  const X = m.cross_attention?.context_dim ?? 0;
  const C = u.channels;
  const res = (i: number, o: number) => 2 * i + (9 * i * o + o) + (T * o + o) + 2 * o + (9 * o * o + o) + (i !== o ? i * o + o : 0);
  const block = (c: number) => 2 * c + 3 * c * c + (c * c + c) + 2 * c + c * c + 2 * X * c + (c * c + c) + 2 * c + (c * 8 * c + 8 * c) + (4 * c * c + c);
  const tr = (c: number, d: number) => (d > 0 ? 2 * c + (c * c + c) + d * block(c) + (c * c + c) : 0);
  let down = 0, mid = 0, up = 0;
  let prev = C[0]!;
  C.forEach((c, i) => {
    for (let j = 0; j < u.res_blocks; j++) {
      down += res(prev, c) + tr(c, u.transformer_depth[i]!);
      prev = c;
    }
    if (i !== C.length - 1) down += 9 * c * c + c;
  });
  const top = C[C.length - 1]!;
  mid = 2 * res(top, top) + tr(top, u.mid_depth);
  const skips = unetSkips(u);
  prev = top;
  for (let j = C.length - 1; j >= 0; j--) {
    const c = C[j]!;
    for (let i = 0; i <= u.res_blocks; i++) {
      up += res(prev + skips.pop()!, c) + tr(c, u.transformer_depth[j]!);
      prev = c;
    }
    if (j !== 0) up += 9 * c * c + c;
  }
  const breakdown = compact({
    conv_in: 9 * m.in_channels * C[0]! + C[0]!,
    time_embedding: C[0]! * T + T + T * T + T,
    add_embedding: u.add_embed_dim > 0 ? u.add_embed_dim * T + T + T * T + T : 0,
    down_blocks: down,
    mid_block: mid,
    up_blocks: up,
    conv_out: 2 * C[0]! + 9 * C[0]! * m.out_channels + m.out_channels,
  });
  const total = sumValues(breakdown);
  return { total, active: total, embedding: 0, breakdown };
}

/** multiply-adds of one UNet forward for one sample at a latent of h × w (convs, projections, attention) */
export function unetForwardMacs(m: DitModel, h: number, w: number): number {
  const u = m.unet!;
  const T = u.time_embed_dim;
  const X = m.cross_attention?.context_dim ?? 0;
  const Lc = m.cross_attention?.context ?? 0;
  const C = u.channels;
  const res = (P: number, i: number, o: number) => P * (9 * i * o + 9 * o * o + (i !== o ? i * o : 0)) + T * o;
  const tr = (P: number, c: number, d: number) =>
    d > 0 ? 2 * P * c * c + d * (P * (4 * c * c + 2 * c * c + 12 * c * c) + 2 * P * P * c + 2 * Lc * X * c + 2 * P * Lc * c) : 0;
  const px = (i: number) => Math.ceil(h / 2 ** i) * Math.ceil(w / 2 ** i);
  let macs = px(0) * 9 * m.in_channels * C[0]! + C[0]! * T + T * T + (u.add_embed_dim > 0 ? u.add_embed_dim * T + T * T : 0);
  let prev = C[0]!;
  C.forEach((c, i) => {
    for (let j = 0; j < u.res_blocks; j++) {
      macs += res(px(i), prev, c) + tr(px(i), c, u.transformer_depth[i]!);
      prev = c;
    }
    if (i !== C.length - 1) macs += px(i + 1) * 9 * c * c;
  });
  const L = C.length - 1;
  const top = C[L]!;
  macs += 2 * res(px(L), top, top) + tr(px(L), top, u.mid_depth);
  const skips = unetSkips(u);
  prev = top;
  for (let j = L; j >= 0; j--) {
    const c = C[j]!;
    for (let i = 0; i <= u.res_blocks; i++) {
      macs += res(px(j), prev + skips.pop()!, c) + tr(px(j), c, u.transformer_depth[j]!);
      prev = c;
    }
    if (j !== 0) macs += px(j - 1) * 9 * c * c;
  }
  return macs + px(0) * 9 * C[0]! * m.out_channels;
}
