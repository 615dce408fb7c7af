// Whisper (encoder-decoder) transcription of `--audio-seconds S` with `--output-tokens N`.
//   1. windows = ceil(S / 30): Whisper pads every window to 30 s (whisper/audio.py pad_or_trim); batch × windows
//      windows are encoded as one batch (chunked long-form, as the HF ASR pipeline with chunk_length_s=30)
//   2. encoder graph (front end + blocks + cross K/V) ──roofline──▶ encoder_s
//   3. decoder: the SOT prompt (prefill) then N/windows − 1 greedy steps per window, all windows in one batch;
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

export function simulateEncoderDecoder(req: SimulateRequest): SimulateResult {
  const m = req.model as EncoderDecoderModel;
  const hw = req.hardware;
  const warnings: string[] = [];
  const { replicas } = placement(req, warnings);
  const batch = fixedBatch(req);
  const p = resolvePrecision(req);
  const fused = fusedAttention(hw);
  // 1. windows
  const windowS = m.window_seconds ?? 30;
  const seconds = req.audioSeconds ?? windowS;
  if (!(seconds > 0)) throw new UserError(`--audio-seconds must be > 0, found ${seconds}`);
  const windows = Math.ceil(seconds / windowS - 1e-9);
  const B = batch * windows;
  const outTokens = Math.max(0, req.outputTokens);
  const perWindow = Math.ceil(outTokens / windows);
  const maxPerWindow = Math.floor(m.text_ctx / 2); // whisper/decoding.py: sample_len = n_text_ctx // 2
  if (perWindow > maxPerWindow) warnings.push(`${perWindow} tokens per 30 s window exceed Whisper's ${maxPerWindow}-token sample length`);
  // 2. encoder
  const encOps = buildWhisperEncoderGraph(m, B, p, fused);
  const encoder = pricePhase('encode', encOps, hw);
  // 3. decoder
  const phases: PricedPhase[] = [encoder];
  let decoderS = 0;
  let decOps = encOps.slice(0, 0);
  if (perWindow > 0) {
    decOps = buildWhisperDecoderGraph(m, B, SOT_TOKENS, SOT_TOKENS, p, fused);
    const prefill = pricePhase('prefill', decOps, hw);
    phases.push(prefill);
    const steps = perWindow - 1;
    if (steps > 0) {
      const c0 = SOT_TOKENS + 1;
      const c1 = SOT_TOKENS + steps;
      const at = (c: number) => pricePhase('decode', buildWhisperDecoderGraph(m, B, 1, Math.round(c), p, fused), hw, 'decode');
      const [a, mid, b] = [at(c0), at((c0 + c1) / 2), at(c1)];
      const mean = (a.seconds + 4 * mid.seconds + b.seconds) / 6;
      const decode = repeatPhase(mid, steps);
      decode.summary.seconds = mean * steps;
      decode.seconds = mean * steps;
      phases.push(decode);
    }
    decoderS = phases.slice(1).reduce((s, ph) => s + ph.seconds, 0);
  }
  // 4. memory and result
  const params = countParams(m).total;
  const kv = perWindow > 0 ? whisperKvBytes(m, B, SOT_TOKENS + perWindow, p.kvBytes) : 0;
  const memory = memoryResult(hw, params * p.weightBytes, kv, Math.max(peakActivationBytes(encOps), peakActivationBytes(decOps)));
  const res = baseResult(req, p, batch, memory, phases, warnings, replicas, batch);
  res.output_tokens = outTokens;
  res.encoder_s = memory.fits ? encoder.seconds : null;
  res.decoder_s = memory.fits ? decoderS : null;
  res.rtf = res.latency_s !== null ? res.latency_s / seconds : null;
  return res;
}
