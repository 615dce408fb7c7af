// Diffusion transformers.
//
// Class-conditional DiT (facebookresearch/DiT models.py): patch-embedding conv, timestep MLP (256 → d → d),
// class table (classes + 1 null class for classifier-free guidance), adaLN-Zero blocks (qkv + proj, MLP,
// Linear(d, 6d) modulation; LayerNorms without affine), final layer (Linear(d, 2d) modulation + Linear(d, p²·out)).
// Convention (docs/design.md): trainable parameters PLUS the fixed 2-D sin-cos position table (tokens × d).
//
// With `cross_attention` (PixArt-α / Open-Sora STDiT3 style): adaLN-single — one shared t_block Linear(d, 6d) and a
// 6×d scale_shift_table per block — a cross-attention (q, kv, proj with biases) to the caption after the
// caption projection MLP (context_dim → d → d); no class table; positions computed on the fly (not stored).
// `temporal.attention: separate` doubles the blocks (a spatial and a temporal block per depth, as STDiT);
// `full` attends over all spacetime tokens in each block.
import { videoLatentFrames } from './common.js';
import type { DitModel } from '../../spec/types.js';
import { type ParamCount, compact, sumValues } from './common.js';
import { mmditForwardMacs, mmditParams } from './mmdit.js';
import { unetForwardMacs, unetParams } from './unet.js';

function patchVolume(m: DitModel): number {
  return (m.temporal?.patch ?? 1) * m.patch * m.patch;
}

function blockCount(m: DitModel): number {
  return m.temporal?.attention === 'separate' ? 2 * m.layers : m.layers;
}

/** weights of one q (or k) norm: head_dim (per-head RMSNorm) or hidden (Wan's RMSNorm over all heads) */
function qkNormWeights(m: DitModel): number {
  return m.qk_norm === 'rmsnorm' ? m.hidden / m.heads : m.qk_norm === 'rmsnorm_across_heads' ? m.hidden : 0;
}

export function ditParams(m: DitModel): ParamCount {
  if (m.architecture === 'mmdit') return mmditParams(m);
  if (m.architecture === 'unet') return unetParams(m);
  const d = m.hidden;
  const mlp = Math.round(m.mlp_ratio * d);
  const pv = patchVolume(m);
  const tokens = Math.pow(Math.floor(m.latent_size / m.patch), 2);
  const attn = 4 * d * d + 4 * d;
  const ffn = 2 * d * mlp + mlp + d;
  const timestep = 256 * d + d + d * d + d;
  const finalLinear = d * pv * m.out_channels + pv * m.out_channels;
  const blocks = blockCount(m);

  let breakdown: Record<string, number>;
  if (m.cross_attention) {
    const ca = m.cross_attention;
    breakdown = {
      patch_embedding: m.in_channels * pv * d + d,
      timestep_embedding: timestep,
      t_block: 6 * d * d + 6 * d,
      caption_projection: ca.context_dim * d + d + d * d + d,
      // + q/k norms of the self- and cross-attention and Wan's affine LayerNorm before the cross-attention
      blocks: blocks * (attn + (4 * d * d + 4 * d) + ffn + 6 * d + 4 * qkNormWeights(m) + (m.cross_norm ? 2 * d : 0)),
      final_layer: finalLinear + 2 * d,
    };
  } else {
    breakdown = {
      patch_embedding: m.in_channels * pv * d + d,
      timestep_embedding: timestep,
      class_embedding: m.classes > 0 ? (m.classes + 1) * d : 0,
      position: tokens * d,
      blocks: blocks * (attn + ffn + 6 * d * d + 6 * d + 2 * qkNormWeights(m)),
      final_layer: finalLinear + 2 * d * d + 2 * d,
    };
  }
  breakdown = compact(breakdown);
  const total = sumValues(breakdown);
  return { total, active: total, embedding: breakdown.position ?? 0, breakdown };
}

export interface DitShape {
  /** pixels; default image_size (square) */
  height?: number;
  width?: number;
  /** video frames (pixel space); default 1 */
  frames?: number;
}

/** latent tokens per frame and latent frames for an input shape */
export function ditTokens(m: DitModel, shape: DitShape = {}): { spatial: number; frames: number } {
  const h = shape.height ?? m.image_size;
  const w = shape.width ?? h;
  const hs = Math.ceil(h / m.vae_downsample / m.patch);
  const ws = Math.ceil(w / m.vae_downsample / m.patch);
  const f = shape.frames ?? 1;
  const tds = m.temporal?.downsample ?? 1;
  // latent frames as the video VAE makes them (chunked like Open-Sora's when the spec says so), then patched
  const latentFrames = m.temporal ? Math.ceil(videoLatentFrames(f, tds, m.temporal.chunk) / (m.temporal.patch ?? 1)) : 1;
  return { spatial: hs * ws, frames: Math.max(1, latentFrames) };
}

/**
 * Multiply-adds of one denoiser forward pass for one sample (no classifier-free guidance, no VAE). For the
 * class-conditional DiT at 256 px this is the paper's "Gflops" (Table 1):
 * layers·[T·(4d² + 2·r·d²) + 2·T²·d + 6d²] + T·p²·in·d + (256d + d²) + 2d² + T·d·p²·out.
 */
export function ditForwardMacs(m: DitModel, shape: DitShape = {}): number {
  if (m.architecture === 'mmdit') return mmditForwardMacs(m, shape);
  if (m.architecture === 'unet') {
    const h = shape.height ?? m.image_size;
    return unetForwardMacs(m, Math.ceil(h / m.vae_downsample), Math.ceil((shape.width ?? h) / m.vae_downsample));
  }
  const d = m.hidden;
  const mlp = Math.round(m.mlp_ratio * d);
  const { spatial: S, frames: F } = ditTokens(m, shape);
  const N = S * F;
  const pv = patchVolume(m);
  const proj = N * (4 * d * d + 2 * d * mlp); // qkv + out projections and MLP, per block
  let macs = 0;
  if (m.cross_attention) {
    const L = m.cross_attention.context;
    const cross = N * 2 * d * d + L * 2 * d * d + 2 * N * L * d; // q + out over N, kv over L, QKᵀ + AV
    const spatialAttn = F * 2 * S * S * d;
    if (m.temporal?.attention === 'separate') {
      const temporalAttn = S * 2 * F * F * d;
      macs += m.layers * (2 * (proj + cross) + spatialAttn + temporalAttn);
    } else if (m.temporal?.attention === 'full') {
      macs += m.layers * (proj + cross + 2 * N * N * d);
    } else {
      macs += m.layers * (proj + cross + spatialAttn);
    }
    macs += 6 * d * d + 256 * d + d * d; // t_block + timestep MLP
    macs += L * (m.cross_attention.context_dim * d + d * d); // caption projection
  } else {
    let attn = 2 * N * N * d;
    let blocks = m.layers;
    if (m.temporal?.attention === 'separate') {
      attn = F * 2 * S * S * d + S * 2 * F * F * d;
      blocks = 2 * m.layers;
      macs += m.layers * 2 * (proj + 6 * d * d) + m.layers * attn;
    } else {
      macs += blocks * (proj + attn + 6 * d * d);
    }
    macs += 256 * d + d * d + 2 * d * d; // timestep MLP + final adaLN
  }
  macs += N * pv * m.in_channels * d; // patch embedding
  macs += N * d * pv * m.out_channels; // final linear
  return macs;
}

export function ditForwardFlops(m: DitModel, shape: DitShape = {}): number {
  return 2 * ditForwardMacs(m, shape);
}
