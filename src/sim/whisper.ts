// Whisper (encoder-decoder) transcription of `--audio-seconds S` with `--output-tokens N`.
//   1. windows = ceil(S / 30): Whisper pads every window to 30 s (whisper/audio.py pad_or_trim); batch × windows
//      windows are encoded as one batch (chunked long-form, as the HF ASR pipeline with chunk_length_s=30 and a
//      batch_size), or, under a runtime whose scheduler.audio_windows is sequential (whisper.cpp, openai-whisper), one
//      window after another at the request's batch, each encoded and decoded before the next
//   2. encoder graph (front end + blocks + cross K/V) ──roofline──▶ encoder_s
//   3. decoder: the SOT prompt (prefill) then N − 1 greedy steps per window (N = --output-tokens, tokens per 30 s
//      window; default: the transcript of speech at SPEECH_TOKENS_PER_S), all windows in one batch;
//      the step time is integrated over the growing self-attention context with Simpson's rule (it is linear
//      in the context, so three samples are exact up to the roofline's max()) ──▶ decoder_s
//   4. latency = encoder_s + decoder_s; rtf = latency / S; memory = weights + KV caches + live activations
import type { EncoderDecoderModel } from '../spec/types.js';
import type { SimulateRequest, SimulateResult } from './types.js';
import { SOT_TOKENS, buildWhisperDecoderGraph, buildWhisperEncoderGraph, whisperKvBytes } from '../model/whisper-graph.js';
import { countParams } from '../model/params.js';
import { UserError } from '../spec/errors.js';
import {
  type PricedPhase,
  baseResult,
  fixedBatch,
  fusedAttention,
  memoryResult,
  peakActivationBytes,
  placement,
  pricePhase,
  repeatPhase,
  resolvePrecision,
} from './graph-cost.js';

// Transcript length of speech: ~150 words per minute in conversational English (National Center for Voice and
// Speech, as quoted by e.g. L. B. Marshall, "How fast do I speak?", 2014) at ~4/3 tokens per English word for
// Whisper's GPT-2 byte-pair vocabulary (OpenAI's tokenizer guide: "1 token ≈ ¾ of a word") = 3.33 tokens per second,
// i.e. 100 tokens per 30 s window (Whisper's sample_len cap is 224). A transcript grows with the audio.
export const SPEECH_TOKENS_PER_S = (150 / 60) * (4 / 3);

/** default --output-tokens of a Whisper model: tokens per window of speech (a short clip: its own length) */
export function speechTokensPerWindow(m: EncoderDecoderModel, audioSeconds: number | undefined): number {
  const windowS = m.window_seconds ?? 30;
  const s = audioSeconds !== undefined && audioSeconds > 0 ? Math.min(audioSeconds, windowS) : windowS;
  return Math.max(1, Math.ceil(SPEECH_TOKENS_PER_S * s - 1e-9));
}

export function simulateEncoderDecoder(req: SimulateRequest): SimulateResult {
  const m = req.model as EncoderDecoderModel;
  const hw = req.hardware;
  const warnings: string[] = [];
  const { replicas } = placement(req, warnings);
  const batch = fixedBatch(req, warnings);
  const p = resolvePrecision(req);
  const fused = fusedAttention(hw);
  // 1. windows
  const windowS = m.window_seconds ?? 30;
  const seconds = req.audioSeconds ?? windowS;
  if (!(seconds > 0)) throw new UserError(`--audio-seconds must be > 0, found "${seconds}"`);
  const windows = Math.ceil(seconds / windowS - 1e-9);
  // a runtime that transcribes a long recording window by window (runtime scheduler.audio_windows: sequential —
  // whisper.cpp's whisper_full and openai-whisper's transcribe() seek loops) runs each window at the request's batch,
  // one after another: the passes below are priced for one window and repeated `windows` times
  const sequential = hw.runtime?.scheduler.audioWindows === 'sequential' && windows > 1;
  const passes = sequential ? windows : 1;
  const B = sequential ? batch : batch * windows;
  const perWindow = Math.max(0, req.outputTokens); // tokens per window: each window is transcribed on its own
  const outTokens = perWindow * windows;
  const maxPerWindow = Math.floor(m.text_ctx / 2); // whisper/decoding.py: sample_len = n_text_ctx // 2
  if (perWindow > maxPerWindow) warnings.push(`${perWindow} tokens per 30 s window exceed Whisper's ${maxPerWindow}-token sample length`);
  // 2. encoder
  const encOps = buildWhisperEncoderGraph(m, B, p, fused);
  const encoder = repeatPhase(pricePhase('encode', encOps, hw, 'other', p.actBytes), passes);
  // 3. decoder
  const phases: PricedPhase[] = [encoder];
  let decoderS = 0;
  let decOps = encOps.slice(0, 0);
  if (perWindow > 0) {
    decOps = buildWhisperDecoderGraph(m, B, SOT_TOKENS, SOT_TOKENS, p, fused);
    const prefill = repeatPhase(pricePhase('prefill', decOps, hw, 'other', p.actBytes), passes);
    phases.push(prefill);
    const steps = perWindow - 1;
    if (steps > 0) {
      const c0 = SOT_TOKENS + 1;
      const c1 = SOT_TOKENS + steps;
      const at = (c: number) => pricePhase('decode', buildWhisperDecoderGraph(m, B, 1, Math.round(c), p, fused), hw, 'decode', p.actBytes);
      const [a, mid, b] = [at(c0), at((c0 + c1) / 2), at(c1)];
      const mean = (a.seconds + 4 * mid.seconds + b.seconds) / 6;
      const decode = repeatPhase(mid, steps * passes);
      decode.summary.seconds = mean * steps * passes;
      decode.seconds = mean * steps * passes;
      phases.push(decode);
    }
    decoderS = phases.slice(1).reduce((s, ph) => s + ph.seconds, 0);
  }
  // 4. memory and result
  const params = countParams(m).total;
  const kv = perWindow > 0 ? whisperKvBytes(m, B, SOT_TOKENS + perWindow, p.kvBytes) : 0;
  const memory = memoryResult(hw, params * p.weightBytes, kv, Math.max(peakActivationBytes(encOps, hw), peakActivationBytes(decOps, hw)));
  const res = baseResult(req, p, batch, memory, phases, warnings, replicas, batch);
  res.output_tokens = outTokens;
  res.encoder_s = memory.fits ? encoder.seconds : null;
  res.decoder_s = memory.fits ? decoderS : null;
  res.rtf = res.latency_s !== null ? res.latency_s / seconds : null;
  return res;
}
