// Whisper-style audio encoder-decoder. Counting convention (docs/spec-format.md): conv1 (n_mels→d, k=3) and conv2
// (d→d, k=3, stride 2) with biases; the audio_ctx×d sinusoidal encoder position table counts (as in the HF and
// Keras checkpoints); decoder learned positions text_ctx×d; token embedding tied to the output; LayerNorms with
// bias; q/v/out projections with bias, k without; FFN with biases.
import type { EncoderDecoderModel } from '../../spec/types.js';
import { type ParamCount, compact, ffnMacs, ffnParams, sumValues } from './common.js';

export function encoderDecoderParams(m: EncoderDecoderModel): ParamCount {
  const d = m.hidden;
  const ln = 2 * d;
  const attn = 4 * d * d + 3 * d; // q, k, v, out; biases on q, v, out
  const ffn = ffnParams(m.ffn.kind, d, m.ffn.intermediate, true);
  const conv = m.n_mels * d * 3 + d + d * d * 3 + d;
  const encPos = m.audio_ctx * d;
  const encLayers = m.encoder_layers * (attn + ffn + 2 * ln);
  const tokenEmb = m.vocab * d;
  const decPos = m.text_ctx * d;
  const decLayers = m.decoder_layers * (2 * attn + ffn + 3 * ln); // self-attn, cross-attn, FFN
  const breakdown = compact({
    encoder_conv: conv,
    encoder_position: encPos,
    encoder_layers: encLayers,
    encoder_norm: ln,
    embedding: tokenEmb,
    decoder_position: decPos,
    decoder_layers: decLayers,
    decoder_norm: ln,
  });
  const total = sumValues(breakdown);
  return { total, active: total, embedding: tokenEmb + decPos + encPos, breakdown };
}

/**
 * Encoder FLOPs over one window (default 30 s): conv front end over 2·audio_ctx mel frames, then every encoder
 * layer over audio_ctx frames (projections, FFN, and the QKᵀ and AV products). 2 FLOP per multiply-add.
 */
export function whisperEncoderFlops(m: EncoderDecoderModel, seconds = m.window_seconds): number {
  const d = m.hidden;
  const T = Math.round((m.audio_ctx * seconds) / m.window_seconds);
  const conv = 2 * T * m.n_mels * 3 * d + T * d * 3 * d;
  const perLayer = T * (4 * d * d + ffnMacs(m.ffn.kind, d, m.ffn.intermediate)) + 2 * T * T * d;
  return 2 * (conv + m.encoder_layers * perLayer);
}

/**
 * FLOPs of one decoder token at short text context, with the cross-attention K/V of the audio already computed:
 * self-attn + cross-attn q/out projections, FFN, attention over audio_ctx frames, and the tied output head.
 */
export function whisperDecoderTokenFlops(m: EncoderDecoderModel, textContext = 1): number {
  const d = m.hidden;
  const perLayer =
    4 * d * d + // self-attention projections
    2 * d * d + // cross-attention q and out (K/V of the audio are cached)
    ffnMacs(m.ffn.kind, d, m.ffn.intermediate) +
    2 * m.audio_ctx * d + // cross-attention scores and weighted sum
    2 * textContext * d;
  return 2 * (m.decoder_layers * perLayer + m.vocab * d);
}
