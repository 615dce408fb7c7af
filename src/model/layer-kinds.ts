// Which layers are MoE and which attend locally, and what a local layer attends over.
//
// MoE placement follows Hugging Face's rule for interleaved models (Qwen2-MoE `decoder_sparse_step`, Llama 4
// `interleave_moe_layer_step`): layer i (0-based) is MoE iff i ≥ dense_layers and (i + 1) % every = 0.
// Local attention (docs/spec-format.md `attention.layer_types`):
//   sliding (Mistral, Gemma 2/3, gpt-oss): a query at position c attends to the last min(c, W) cached tokens;
//   chunked (Llama 4 `attention_chunk_size`): a query attends to the cached tokens of its own aligned block of C
//   tokens, c mod C of them.
import type { DecoderModel, LayerAttention } from '../spec/types.js';

export interface LocalWindow {
  kind: 'sliding' | 'chunked';
  size: number;
}

/** number of MoE layers of the model */
export function moeLayerCount(m: DecoderModel): number {
  const moe = m.moe;
  if (!moe) return 0;
  const every = Math.max(1, moe.every ?? 1);
  const first = Math.min(moe.dense_layers, m.layers);
  // i in [first, layers) with (i + 1) % every == 0
  return Math.max(0, Math.floor(m.layers / every) - Math.floor(first / every));
}

/** layers of each attention kind (whole model) */
export function layerAttentionCounts(m: DecoderModel): Record<LayerAttention, number> {
  const out: Record<LayerAttention, number> = { full: 0, sliding: 0, chunked: 0 };
  const types = m.attention?.layer_types;
  if (!types || types.length === 0) {
    out.full = m.layers;
    return out;
  }
  for (let i = 0; i < m.layers; i++) out[types[i % types.length]!]++;
  return out;
}

/** the window of a local layer kind (undefined for full attention) */
export function localWindow(m: DecoderModel, kind: LayerAttention): LocalWindow | undefined {
  const a = m.attention;
  if (kind === 'sliding' && a?.sliding_window) return { kind, size: a.sliding_window };
  if (kind === 'chunked' && a?.chunk) return { kind, size: a.chunk };
  return undefined;
}

/** cached tokens a query at context c attends to (and, for the cache size, holds: sliding min(c, W); chunked
 *  min(c, C) — a chunked cache must keep a whole block) */
export function cachedTokens(w: LocalWindow | undefined, c: number): number {
  return w ? Math.min(c, w.size) : c;
}

/** causal query·key pairs of a prefill of L tokens from an empty cache, per sequence and head (self included) */
export function prefillPairs(w: LocalWindow | undefined, L: number): number {
  if (!w || L <= 0) return (L * (L + 1)) / 2;
  const W = w.size;
  if (w.kind === 'sliding') {
    // token i (1-based) sees min(i, W) keys
    return L <= W ? (L * (L + 1)) / 2 : (W * (W + 1)) / 2 + (L - W) * W;
  }
  // chunked: full blocks of W and a remainder, each causal within itself
  const n = Math.floor(L / W), r = L - n * W;
  return (n * W * (W + 1)) / 2 + (r * (r + 1)) / 2;
}

/** breakpoints of the effective decode context over [c0, c1]: on each piece it is linear in c (sliding: c then
 *  W; chunked: c − k·C on each block). Returns [start, end, value at start, slope] pieces; a chunked range
 *  spanning many blocks is summarised by one whole-block piece with its weight (exact mean, O(1) pieces). */
export function contextPieces(w: LocalWindow | undefined, c0: number, c1: number): { a: number; b: number; e0: number; slope: number; weight: number }[] {
  const len = c1 - c0;
  if (!w) return [{ a: c0, b: c1, e0: c0, slope: 1, weight: 1 }];
  const W = w.size;
  if (len <= 0) {
    const e = w.kind === 'sliding' ? Math.min(c0, W) : c0 - Math.floor(c0 / W) * W;
    return [{ a: c0, b: c0, e0: e, slope: 0, weight: 1 }];
  }
  if (w.kind === 'sliding') {
    if (c1 <= W) return [{ a: c0, b: c1, e0: c0, slope: 1, weight: 1 }];
    if (c0 >= W) return [{ a: c0, b: c1, e0: W, slope: 0, weight: 1 }];
    return [
      { a: c0, b: W, e0: c0, slope: 1, weight: (W - c0) / len },
      { a: W, b: c1, e0: W, slope: 0, weight: (c1 - W) / len },
    ];
  }
  // chunked: the sawtooth c mod W
  const k0 = Math.floor(c0 / W), k1 = Math.floor(c1 / W);
  if (k0 === k1) return [{ a: c0, b: c1, e0: c0 - k0 * W, slope: 1, weight: 1 }];
  const pieces = [{ a: c0, b: (k0 + 1) * W, e0: c0 - k0 * W, slope: 1, weight: ((k0 + 1) * W - c0) / len }];
  const whole = k1 - k0 - 1;
  if (whole > 0) pieces.push({ a: 0, b: W, e0: 0, slope: 1, weight: (whole * W) / len });
  if (c1 > k1 * W) pieces.push({ a: k1 * W, b: c1, e0: 0, slope: 1, weight: (c1 - k1 * W) / len });
  return pieces;
}
