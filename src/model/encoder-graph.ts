// Encoder towers (ViT, CLIP vision/text, T5 encoder, encoder-shaped connectors) as ops for one batch.
// ViT: Dosovitskiy et al. 2021 (arXiv:2010.11929) eq. 1–4: patch embedding (a p×p stride-p conv = one GEMM over
// patches), class token + learned positions, L pre-norm blocks, final LayerNorm, head on the class token.
// CLIP (Radford et al. 2021): same layout with ln_pre (vision) and a projection of the pooled token; the text tower
// embeds tokens, runs causal blocks over its 77-token context and projects the EOT token.
// T5 v1.1 encoder: RMSNorm, gated-GELU FFN, relative-position bias added inside attention (no table lookup op).
import { type Op, elementwise, linear } from './op.js';
import type { EncoderModel } from '../spec/types.js';
import { type BlockOpts, type Precision, crossAttentionOps, encoderLayerOps, ffnOps } from './transformer-block.js';
import { encoderTokens } from './params.js';

export interface EncoderShape {
  batch: number;
  imageSize?: number; // image towers: side in pixels (default image_size)
  seq?: number; // text towers: tokens per sequence (default context)
}

// fields normalize fills beyond the EncoderModel type (src/spec/normalize-model.ts)
type EncoderExtras = EncoderModel & { head_dim?: number; final_norm?: boolean };

export function encoderBlockOpts(m: EncoderModel, fused: boolean): BlockOpts {
  const x = m as EncoderExtras;
  return { d: m.hidden, heads: m.heads, headDim: x.head_dim ?? m.hidden / m.heads, ffn: m.ffn, fused };
}

/** tokens per sequence the blocks see for this shape */
export function encoderSeq(m: EncoderModel, s: EncoderShape): number {
  return m.modality === 'image' ? encoderTokens(m, s.imageSize ?? m.image_size) : (s.seq ?? m.context);
}

/** the name prefix of the tower's per-layer ops in buildEncoderGraph (encoderLayerOps), what an eager runtime prices
 *  by its host time per layer (src/runtime/launch.ts eagerEncoderLayersSeconds) */
export const ENCODER_LAYER_PREFIX = 'layer';

/** whether an op of buildEncoderGraph is one of the tower's layers (not the embedding, final norm or head) */
export function isEncoderLayerOp(op: Pick<Op, 'name'>): boolean {
  return op.name.startsWith(`${ENCODER_LAYER_PREFIX}.`);
}

export function buildEncoderGraph(m: EncoderModel, s: EncoderShape, p: Precision, fused: boolean): Op[] {
  const b = s.batch;
  const d = m.hidden;
  const T = encoderSeq(m, s);
  const ops: Op[] = [];
  if (m.modality === 'image') {
    const px = s.imageSize ?? m.image_size;
    const side = Math.floor(px / m.patch);
    const P = side * side;
    const k = m.channels * m.patch * m.patch;
    // patch embedding: im2col of non-overlapping patches is a reshape, the conv is a GEMM   // [b·P, c·p²] × [c·p², d]
    ops.push({ ...linear('patch_embed', b * P, d, k, p.compute, p.weightBytes, p.actBytes), kind: 'conv' });
    ops.push(elementwise('cls_pos_add', b * T * d, 1, 3 * p.actBytes, p.compute)); // [b, T, d]: concat class token, + positions
  } else {
    ops.push(elementwise('token_embed', b * T * d, 0, 2 * p.actBytes, p.compute, 1, 'embedding')); // gather rows [b, T, d]
    ops.push(elementwise('pos_add', b * T * d, 1, 3 * p.actBytes, p.compute));
  }
  if (m.pre_norm) ops.push(elementwise('ln_pre', b * T * d, 5, 2 * p.actBytes, p.compute, 1, 'norm'));
  ops.push(...encoderLayerOps(ENCODER_LAYER_PREFIX, b, T, encoderBlockOpts(m, fused), p, m.layers));
  if ((m as EncoderExtras).final_norm !== false) ops.push(elementwise('final_norm', b * T * d, 5, 2 * p.actBytes, p.compute, 1, 'norm'));
  if (m.projection > 0) ops.push(linear('projection', b, m.projection, d, p.compute, p.weightBytes, p.actBytes)); // pooled [b, d] → [b, proj]
  if (m.classes > 0) ops.push(linear('classifier', b, m.classes, d, p.compute, p.weightBytes, p.actBytes)); // [b, classes]
  return ops;
}

/**
 * Perceiver Resampler (Alayrac et al. 2022, arXiv:2204.14198 §2.1, Fig. 5; lucidrains/flamingo-pytorch): the
 * tower's `context` learned latents attend to [media features; latents] in every layer. The encoder graph over the
 * latents plus, per layer, the K/V projection of the `mediaTokens` features and their share of the attention.
 */
export function buildResamplerGraph(m: EncoderModel, images: number, mediaTokens: number, p: Precision, fused: boolean): Op[] {
  const o = encoderBlockOpts(m, fused);
  const inner = o.heads * o.headDim;
  const ops = buildEncoderGraph(m, { batch: images, seq: m.context }, p, fused);
  ops.push(linear('media_kv', images * mediaTokens, 2 * inner, m.hidden, p.compute, p.weightBytes, p.actBytes, m.layers)); // [n, T·media, 2·inner]
  ops.push({ ...elementwise('media_attn', 0, 0, 0, p.compute, m.layers), kind: 'attention', flops: 4 * images * m.context * mediaTokens * inner, bytes: 2 * images * mediaTokens * inner * p.actBytes });
  return ops;
}

/**
 * Flamingo GATED XATTN-DENSE stack run over `q` new text tokens of `batch` sequences (q = prompt length for the
 * prefill, 1 per decode step): tanh-gated cross-attention to `visual` media tokens (K/V projected once per image
 * when `kvCached` is false, cached afterwards) and a gated FFN, in each of the tower's layers.
 */
export function buildGatedXattnGraph(m: EncoderModel, batch: number, q: number, visual: number, p: Precision, fused: boolean, kvCached: boolean): Op[] {
  const o = encoderBlockOpts(m, fused);
  return [...crossAttentionOps('xattn', batch, q, visual, m.hidden, o, p, m.layers, kvCached), ...ffnOps('xattn', batch * q, o, p, m.layers)];
}
