// Encoder towers: ViT, CLIP vision/text, T5 encoder, and encoder-shaped connectors (Perceiver resampler,
// Flamingo gated cross-attention stack).
//
// Fields read here beyond the EncoderModel type (the schema and normalizer in src/spec/ accept and fill them):
//   head_dim (hidden / heads)      attention inner width = heads × head_dim
//   bias (true)                    biases on every linear and on the patch conv
//   relative_attention (false)     T5-style relative-position bias (32 buckets × heads, first layer only) instead
//                                  of a learned (tokens or context) × hidden position table
//   final_norm (true)              a norm after the last block
//   pooler (false)                 HF-style pooler dense (d × d + d) on the class token
import type { EncoderModel } from '../../spec/types.js';
import { type ParamCount, compact, ffnMacs, ffnParams, normParams, sumValues } from './common.js';

interface EncoderExtras {
  head_dim?: number;
  bias?: boolean;
  relative_attention?: boolean | 'per_layer';
  final_norm?: boolean;
  pooler?: boolean;
}

const RELATIVE_BUCKETS = 32; // T5 relative_attention_num_buckets

function extras(m: EncoderModel): Required<EncoderExtras> {
  const x = m as EncoderModel & EncoderExtras;
  return {
    head_dim: x.head_dim ?? m.hidden / m.heads,
    bias: x.bias ?? true,
    relative_attention: x.relative_attention ?? false,
    final_norm: x.final_norm ?? true,
    pooler: x.pooler ?? false,
  };
}

/** sequence length the tower sees at its default input */
export function encoderTokens(m: EncoderModel, imageSize = m.image_size): number {
  if (m.modality === 'image') {
    const side = Math.floor(imageSize / m.patch);
    return side * side + (m.class_token ? 1 : 0);
  }
  return m.context;
}

export function encoderParams(m: EncoderModel): ParamCount {
  const x = extras(m);
  const d = m.hidden;
  const inner = m.heads * x.head_dim;
  const attn = 4 * d * inner + (x.bias ? 3 * inner + d : 0);
  const ffn = ffnParams(m.ffn.kind, d, m.ffn.intermediate, x.bias);
  const layers = m.layers * (attn + ffn + 2 * normParams(m.norm, d));
  const tokens = encoderTokens(m);

  let tokenEmb = 0;
  let patchEmb = 0;
  let classTok = 0;
  if (m.modality === 'image') {
    patchEmb = m.channels * m.patch * m.patch * d + (x.bias ? d : 0);
    classTok = m.class_token ? d : 0;
  } else {
    tokenEmb = m.vocab * d;
  }
  // umT5 (relative_attention: per_layer) gives every layer its own bias table
  const pos = x.relative_attention ? RELATIVE_BUCKETS * m.heads * (x.relative_attention === 'per_layer' ? m.layers : 1) : tokens * d;

  const breakdown = compact({
    embedding: tokenEmb,
    patch_embedding: patchEmb,
    class_token: classTok,
    position: pos,
    pre_norm: m.pre_norm ? normParams(m.norm, d) : 0,
    layers,
    final_norm: x.final_norm ? normParams(m.norm, d) : 0,
    pooler: x.pooler ? d * d + d : 0,
    projection: m.projection > 0 ? d * m.projection : 0,
    head: m.classes > 0 ? m.classes * d + m.classes : 0,
  });
  const total = sumValues(breakdown);
  return { total, active: total, embedding: tokenEmb + pos, breakdown };
}

/**
 * One forward pass of one input at the default size (image: image_size; text: the full context): patch
 * embedding, every layer (projections, FFN, full QKᵀ and AV matrices — a causal mask is not halved, as dense
 * kernels compute it), the projection of the pooled token and the classifier. 2 FLOP per multiply-add.
 */
export function encoderForwardFlops(m: EncoderModel, imageSize = m.image_size): number {
  const x = extras(m);
  const d = m.hidden;
  const inner = m.heads * x.head_dim;
  const T = encoderTokens(m, imageSize);
  let macs = 0;
  if (m.modality === 'image') {
    const side = Math.floor(imageSize / m.patch);
    macs += side * side * m.channels * m.patch * m.patch * d;
  }
  macs += m.layers * (T * (4 * d * inner + ffnMacs(m.ffn.kind, d, m.ffn.intermediate)) + 2 * T * T * inner);
  if (x.pooler) macs += d * d;
  if (m.projection > 0) macs += d * m.projection;
  if (m.classes > 0) macs += d * m.classes;
  return 2 * macs;
}
