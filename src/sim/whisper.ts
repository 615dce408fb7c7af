// Whisper (encoder-decoder) transcription of `--audio-seconds S` with `--output-tokens N`.
//   1. windows = ceil(S / 30): Whisper pads every window to 30 s (whisper/audio.py pad_or_trim); a runtime that
//      overlaps its chunks (scheduler.audio_window_step: the HF pipeline's 20 s stride) starts one every step seconds;
//      a seek loop with timestamps (scheduler.timestamps) starts the next window at the end of the last complete
//      segment, SEEK_TAIL_S before the window's end on average (see timestamps below).
//      batch × windows windows are encoded as one batch (chunked long-form), or in passes of scheduler.audio_batch
//      windows (the HF ASR pipeline's batch_size), or, under a runtime whose scheduler.audio_windows is sequential
//      (whisper.cpp, openai-whisper, faster-whisper), one window after another at the request's batch, each encoded
//      and decoded before the next; an in-flight executor with an encoder token budget (scheduler.encoder_max_num_tokens:
//      TensorRT-LLM, vLLM) encodes a pass's windows budget / 1,500 frames at a time, a decoder step in every iteration
//   2. encoder graph (front end + blocks + cross K/V) ──roofline──▶ encoder_s
//   3. decoder: the prompt (SOT, after the previous window's text where the runtime conditions on it) then N − 1 steps
//      per window (N = --output-tokens, tokens per 30 s window; default: the transcript of speech at
//      SPEECH_TOKENS_PER_S, plus two timestamp tokens per segment under a runtime that samples them), greedy or with the runtime's beam search (scheduler.beam_size: every decode row, self
//      cache and logits row per beam; the cross K/V as the runtime keeps them: src/model/whisper-graph.ts); a pass of
//      several windows decodes until its longest transcript (src/sim/longest-transcript.ts: every row to it where the
//      runtime keeps finished rows, scheduler.batching static; else the rest past the mean at one request); the step
//      time is integrated over the growing self-attention context with Simpson's rule (it is linear in the context,
//      so three samples are exact up to the roofline's max()) ──▶ decoder_s
//   4. latency = audio decode + encoder_s + decoder_s (+ a language-detection pass, --detect-language: one more encoder
//      window and one decoder step per request, outside encoder_s and decoder_s); rtf = latency / S; memory = weights + KV caches + live activations
//   0. (before 1.) a runtime that decodes the input file on the host first (host.audio_decode: the HF ASR pipeline's
//      ffmpeg_read of a file or URL, runtimes/transformers.yaml) adds that time per second of audio, serial; one that
//      computes the log-mel spectrogram on the host CPU (host.log_mel) adds that time per second of audio transformed
//      (hostLogMelSeconds), serial, or only what outlasts the device's work where a front-end process computes it
//      beside the engine core (scheduler.log_mel_overlap: vLLM V1), and its encoder graph has no log-mel op; a run that filters the recording with a
//      voice-activity detector (scheduler.vad) adds host.vad per second of audio
import type { EncoderDecoderModel } from '../spec/types.js';
import type { SimulateRequest, SimulateResult } from './types.js';
import { longestTranscript } from './longest-transcript.js';
import { SOT_TOKENS, buildWhisperDecoderGraph, buildWhisperEncoderGraph, decodingOf, encoderTokenBudget, whisperKvBytes, whisperTimestamps } from '../model/whisper-graph.js';
import type { Op } from '../model/op.js';
import { countParams } from '../model/params.js';
import { hostStepSeconds } from '../runtime/host.js';
import { UserError } from '../spec/errors.js';
import { eagerDecodeLoop, eagerForwardSeconds, eagerStepSeconds, encoderLaunchPhaseOf, launchPhaseOf } from '../runtime/launch.js';
import {
  type PricedPhase,
  addPhase,
  baseResult,
  fixedBatch,
  fusedAttention,
  memoryResult,
  peakActivationBytes,
  placement,
  pricePhase,
  repeatPhase,
  resolvePrecision,
  withHost,
} from './graph-cost.js';

// Transcript length of speech: ~150 words per minute in conversational English (National Center for Voice and
// Speech, as quoted by e.g. L. B. Marshall, "How fast do I speak?", 2014) at ~4/3 tokens per English word for
// Whisper's GPT-2 byte-pair vocabulary (OpenAI's tokenizer guide: "1 token ≈ ¾ of a word") = 3.33 tokens per second,
// i.e. 100 tokens per 30 s window (Whisper's sample_len cap is 224). A transcript grows with the audio.
export const SPEECH_TOKENS_PER_S = (150 / 60) * (4 / 3);

// Timestamps. With timestamps on (the default of openai-whisper's and faster-whisper's transcribe() — DecodingOptions
// without_timestamps=False, whisper/decoding.py @v20240930; WhisperModel.transcribe(without_timestamps=False),
// faster_whisper/transcribe.py @97a4785 — and of whisper.cpp's whisper_full, no_timestamps = false) the decoder writes
// <|t_start|> text <|t_end|> for every segment, and the seek loop moves to the end of the last complete segment when
// the window ends inside one (faster_whisper/transcribe.py _split_segments_by_timestamps: "ignore the unfinished
// segment and seek to the last timestamp", seek += last_timestamp_position * input_stride; whisper/transcribe.py the
// same; whisper.cpp seek += seek_delta), so the unfinished segment is decoded twice. Measured on the transcript of a
// 2 h 24 min English podcast that faster-whisper large-v2 printed (Vaibhavs10/insanely-fast-whisper
// notebooks/infer_faster_whisper_large_v2.ipynb @59368f5, Lex Fridman #367: fp16 run 2,795 segments, int8 run 2,089, over
// 8,627 s; tokens counted with openai/whisper whisper/assets/multilingual.tiktoken @c0d2f62):
//   - text 3.36 tokens/s in both runs (29,012 and 29,017 tokens), as SPEECH_TOKENS_PER_S above;
//   - a segment starts every 3.09 s (fp16) / 4.13 s (int8): SEGMENT_INTERVAL_S, the mean of the two;
//   - a window cut at a random instant leaves the unfinished segment's elapsed part, E[I²] / (2 E[I]) over the
//     intervals I between segment starts: 2.03 s / 2.70 s: SEEK_TAIL_S, the mean. Replaying the seek rule over the
//     printed segments gives 306 / 316 windows (mean advance 28.2 / 27.4 s) where 8,627 / 30 gives 288.
// The podcast is continuous speech (segments cover 87-89% of it): a recording with long silences ends more windows
// on a complete segment (a full 30 s advance), which this does not model.
export const SEGMENT_INTERVAL_S = (3.09 + 4.13) / 2;
export const SEEK_TAIL_S = (2.03 + 2.7) / 2;

/**
 * timestamp tokens of a window of `seconds` of speech: two per segment; in a window of a longer recording the segments
 * that end before the seek point, and the opening timestamp of the unfinished one
 */
export function timestampTokensPerWindow(seconds: number, windowS: number, longForm: boolean): number {
  if (!longForm) return 2 * Math.max(1, seconds / SEGMENT_INTERVAL_S);
  return (2 * (windowS - SEEK_TAIL_S)) / SEGMENT_INTERVAL_S + 1;
}

/**
 * default --output-tokens of a Whisper model: tokens per window of speech (a short clip: its own length), with the
 * timestamp tokens where the bound runtime samples them
 */
export function speechTokensPerWindow(m: EncoderDecoderModel, audioSeconds: number | undefined, hw?: SimulateRequest['hardware']): number {
  const windowS = m.window_seconds ?? 30;
  const s = audioSeconds !== undefined && audioSeconds > 0 ? Math.min(audioSeconds, windowS) : windowS;
  const ts = whisperTimestamps(hw?.runtime?.scheduler) ? timestampTokensPerWindow(s, windowS, (audioSeconds ?? 0) > windowS + 1e-9) : 0;
  return Math.max(1, Math.ceil(SPEECH_TOKENS_PER_S * s + ts - 1e-9));
}

/** windows of `seconds` of audio: one per `step` seconds after the first window (step = the window: no overlap) */
export function audioWindows(seconds: number, windowS: number, stepS: number = windowS): number {
  if (seconds <= windowS + 1e-9) return 1;
  return Math.ceil((seconds - windowS) / Math.min(stepS, windowS) - 1e-9) + 1;
}

/**
 * mean prompt of a window when the runtime conditions on the previous text (openai-whisper and faster-whisper
 * transcribe(condition_on_previous_text=True)): <|startofprev|> and the transcript so far, its last n_text_ctx/2 − 1
 * tokens (whisper/decoding.py `prompt_tokens[-(self.n_ctx // 2 - 1):]`; faster_whisper/transcribe.py get_prompt
 * `previous_tokens[-(self.max_length // 2 - 1):]`), averaged over the windows (the first has none)
 */
export function meanPreviousText(windows: number, perWindow: number, textCtx: number): number {
  if (windows <= 1 || perWindow <= 0) return 0;
  const cap = Math.floor(textCtx / 2) - 1;
  // Σ_{i=1}^{W−1} (1 + min(cap, i·p)) in closed form: the first k windows carry i·p tokens, the rest the cap
  const n = windows - 1;
  const k = Math.min(n, Math.floor(cap / perWindow));
  return (n + (perWindow * k * (k + 1)) / 2 + cap * (n - k)) / windows;
}

/** a phase with `seconds` more of host time that the device waits for (serial), its FLOPs and bytes unchanged */
function addSeconds(ph: PricedPhase, seconds: number): PricedPhase {
  if (!(seconds > 0)) return ph;
  return { ...ph, seconds: ph.seconds + seconds, summary: { ...ph.summary, seconds: ph.summary.seconds + seconds } };
}

/** the language-detection pass: its encoder window and its one decoder step, one phase */
function detectLanguagePhase(encoder: PricedPhase, step: PricedPhase): PricedPhase {
  const both = addPhase(encoder, step);
  return { ...both, summary: { ...both.summary, name: 'detect_language' }, rows: [...encoder.rows, ...step.rows] };
}

/** a phase of host work only (the device idle): its seconds, no FLOPs or bytes */
function hostPhase(name: string, seconds: number): PricedPhase {
  return { summary: { name, seconds, flops: 0, bytes: 0, bound: 'overhead', compute_s: 0, memory_s: 0, comm_s: 0 }, rows: [], seconds };
}

/**
 * seconds of audio a host-side log-mel transforms: each window's whole chunk where the runtime overlaps its chunks (the
 * HF ASR pipeline's chunk_iter yields 30 s chunks every 20 s and WhisperFeatureExtractor pads each to 30 s before its
 * STFT, padding="max_length"), else the recording once (openai-whisper's transcribe() and faster-whisper's
 * WhisperModel.transcribe() transform the whole recording before the seek loop; BatchedInferencePipeline each VAD chunk
 * unpadded, together about the recording). openai-whisper's 30 s of zero padding after the recording is not counted.
 */
export function hostLogMelSeconds(seconds: number, windows: number, windowS: number, stepS: number | undefined): number {
  return stepS !== undefined && stepS < windowS ? windows * windowS : seconds;
}

export function simulateEncoderDecoder(req: SimulateRequest): SimulateResult {
  const m = req.model as EncoderDecoderModel;
  const hw = req.hardware;
  const warnings: string[] = [];
  const { replicas } = placement(req, warnings);
  const batch = fixedBatch(req, warnings);
  const p = resolvePrecision(req);
  const fused = fusedAttention(hw);
  const sch = hw.runtime?.scheduler;
  const dec = decodingOf(hw.runtime); // beams, cross K/V, cache reorders and appends (runtimes/*.yaml)
  // 1. windows: 30 s each, one per window length, or one per chunk stride where the runtime overlaps them (the HF
  // pipeline's chunk_length_s=30 with its default stride of chunk_length_s/6 on each side: a window every 20 s)
  const windowS = m.window_seconds ?? 30;
  const seconds = req.audioSeconds ?? windowS;
  if (!(seconds > 0)) throw new UserError(`--audio-seconds must be > 0, found "${seconds}"`);
  // a seek loop with timestamps moves to the last complete segment: SEEK_TAIL_S short of a full window on average
  const seekStep = sch?.audioWindows === 'sequential' && whisperTimestamps(sch) ? windowS - SEEK_TAIL_S : undefined;
  const windows = audioWindows(seconds, windowS, sch?.audioWindowStepS ?? seekStep);
  // a runtime that transcribes a long recording window by window (runtime scheduler.audio_windows: sequential —
  // whisper.cpp's whisper_full and openai-whisper's transcribe() seek loops) runs each window at the request's batch,
  // one after another; one that batches a bounded number of windows (scheduler.audio_batch: the HF pipeline's
  // batch_size) runs them in passes of that many; else all windows are one pass
  const sequential = sch?.audioWindows === 'sequential';
  const perPass = sequential ? 1 : Math.min(windows, Math.max(1, sch?.audioBatch ?? windows));
  const fullPasses = Math.floor(windows / perPass);
  const restWindows = windows - fullPasses * perPass;
  const perWindow = Math.max(0, req.outputTokens); // tokens per window: each window is transcribed on its own
  const outTokens = perWindow * windows;
  const maxPerWindow = Math.floor(m.text_ctx / 2); // whisper/decoding.py: sample_len = n_text_ctx // 2
  if (perWindow > maxPerWindow) warnings.push(`${perWindow} tokens per 30 s window exceed Whisper's ${maxPerWindow}-token sample length`);
  // the decoder prompt: the SOT sequence, after the previous text where the runtime conditions on it
  const previous = sch?.conditionOnPreviousText && sequential ? meanPreviousText(windows, perWindow, m.text_ctx) : 0;
  const prompt = SOT_TOKENS + Math.round(previous);
  // a runtime whose decoder runs in an eager Python loop (host.decode_step) prices each forward of it as its host time
  // against its kernels' device time (src/runtime/launch.ts eagerStepSeconds) instead of per-kernel launch floors. Its
  // per-row host work (host.per_sequence) is a beam walk (openai-whisper's BeamSearchDecoder.update): a greedy decode
  // (beam width 1: GreedyDecoder, vectorised) pays none
  const beamRows = (rows: number) => (dec.width > 1 ? rows : 0);
  // after each beam-search step a Python loop gathers every reordered cache tensor to the surviving beams, one call per
  // tensor whatever the rows (host.beam_reorder_per_cache: openai-whisper's rearrange_kv_cache indexes each cache with a
  // Python list — an index copy to the device and a gather): the self-attention K and V of every layer ('self'), plus
  // the cross-attention K and V where those are reordered too ('all')
  const reorderCaches = dec.width > 1 && dec.reorder !== 'none' ? (dec.reorder === 'all' ? 4 : 2) * m.decoder_layers : 0;
  const reorderHost = (hw.runtime?.hostBeamReorderPerCacheS ?? 0) * reorderCaches;
  const eagerStep = (ph: PricedPhase, rows: number): PricedPhase => withHost(ph, eagerStepSeconds(hw, { layers: m.decoder_layers, rows: beamRows(rows), deviceS: ph.seconds }));
  // 2.–3. one pass over `w` windows of every request: encoder, prompt, decode steps
  // an in-flight executor with an encoder token budget per iteration (scheduler.encoder_max_num_tokens:
  // encoderTokenBudget) admits a pass's windows to its encoder that many encoder frames at a time, a decoder step in
  // every iteration; the windows that wait cost the decoder no rows, only its per-step work per iteration. A runtime
  // without one, or whose batch is static or whose windows run one at a time (no in-flight executor), encodes the pass's
  // windows together.
  const encBudget = !sequential && sch?.batching !== 'static' ? encoderTokenBudget(sch) : undefined;
  const encPerIter = encBudget ? Math.max(1, Math.floor(encBudget / m.audio_ctx)) : Infinity;
  // a runtime that computes the log-mel on the host (host.log_mel) hands the encoder finished features
  const hostLogMel = (hw.runtime?.hostLogMelS ?? 0) > 0;
  const encode = (B: number, logMel = !hostLogMel) => {
    const ops = buildWhisperEncoderGraph(m, B, p, fused, { logMel });
    // an eager encoder (host.encoder_forward) lasts the longer of its host dispatch and its kernels; its kernels are
    // priced without the per-kernel launch floors ('device') so the dispatch is counted once
    const device = pricePhase('encode', ops, hw, encoderLaunchPhaseOf(hw), p.actBytes);
    return { ops, phase: withHost(device, eagerForwardSeconds(hw, m.encoder_layers, device.seconds)) };
  };
  const pass = (w: number) => {
    const B = batch * w;
    const chunk = Math.min(B, encPerIter);
    const iterations = Math.ceil(B / chunk);
    const first = encode(chunk);
    const lastChunk = B - (iterations - 1) * chunk;
    const encoder = iterations > 1 ? addPhase(repeatPhase(first.phase, iterations - 1), lastChunk === chunk ? first.phase : encode(lastChunk).phase) : first.phase;
    const encOps = first.ops;
    // an executor's host time per iteration (host.step_overhead, with host.per_sequence: src/runtime/host.ts
    // hostStepSeconds), the device idle: a serving engine's Whisper decoder runs in its LLM iteration loop (TensorRT-LLM's
    // executor, vLLM's EngineCore step), so every iteration pays it — the prompt's, each decode step's and each encoder
    // iteration's. Runtimes whose Python loop is priced as an eager step (host.decode_step) or that state none pay 0.
    const stepHost = (rows: number, deviceS: number) => (eagerDecodeLoop(hw) ? 0 : hostStepSeconds(hw.runtime, rows, deviceS));
    const out: { encOps: Op[]; decOps: Op[]; encoder: PricedPhase; prefill?: PricedPhase; decode?: PricedPhase } = { encOps, decOps: [], encoder };
    if (perWindow <= 0) {
      // encoder iterations alone (--output-tokens 0): the executor's fixed host time once per iteration
      out.encoder = addSeconds(encoder, stepHost(0, 0) * iterations);
      return out;
    }
    out.decOps = buildWhisperDecoderGraph(m, B, prompt, prompt, p, fused, dec);
    const prefill = eagerStep(pricePhase('prefill', out.decOps, hw, launchPhaseOf(hw, 'prefill'), p.actBytes), B * dec.width);
    out.prefill = addSeconds(prefill, stepHost(B * dec.width, prefill.seconds));
    // the B transcripts of the pass end at different lengths and the call returns with the longest
    // (src/sim/longest-transcript.ts): a runtime that keeps finished rows (scheduler.batching: static) runs all B rows
    // to it; one that retires them runs the mean's steps at B rows and the rest at the one request still decoding
    const longest = longestTranscript(perWindow, B, maxPerWindow);
    const keepsRows = sch?.batching === 'static';
    const steps = (keepsRows ? longest : perWindow) - 1;
    const at = (c: number, rows = B) => eagerStep(pricePhase('decode', buildWhisperDecoderGraph(m, rows, 1, Math.round(c), p, fused, dec), hw, launchPhaseOf(hw, 'decode'), p.actBytes), rows * dec.width);
    if (steps > 0) {
      // the step time is integrated over the growing self-attention context with Simpson's rule
      const c0 = prompt + 1;
      const c1 = prompt + steps;
      const [a, mid, b] = [at(c0), at((c0 + c1) / 2), at(c1)];
      const mean = (a.seconds + 4 * mid.seconds + b.seconds) / 6;
      // the runtime's host work per decoded row per step that the device waits for (host.per_sequence: CTranslate2's
      // timestamp rules reduce each beam row's log-probs to the host, runtimes/faster-whisper.yaml) and the executor's
      // fixed time per iteration (host.step_overhead, stepHost above); an eager loop's per-row work is already inside
      // its step (eagerStepSeconds). A timestamp logits processor that walks every row in Python
      // (host.timestamps_per_sequence: HF WhisperTimeStampLogitsProcessor) costs the host per row per step, only while
      // the decoder samples timestamps
      const tsRows = whisperTimestamps(sch) ? (hw.runtime?.hostTimestampsPerSequenceS ?? 0) * B * dec.width : 0;
      const host = stepHost(B * dec.width, mean) + tsRows + reorderHost;
      const decode = repeatPhase(mid, steps);
      decode.summary.seconds = (mean + host) * steps;
      decode.seconds = (mean + host) * steps;
      out.decode = decode;
    }
    // steps past the mean at the one request still decoding, and one decoder step per encoder iteration but the last
    const tail = (keepsRows ? 0 : longest - perWindow) + (iterations - 1);
    if (tail > 0) {
      const lone = at(prompt + perWindow + tail / 2, 1);
      const host = stepHost(dec.width, lone.seconds) + reorderHost;
      const rest = repeatPhase(lone, tail);
      rest.summary.seconds = (lone.seconds + host) * tail;
      rest.seconds = rest.summary.seconds;
      out.decode = out.decode ? addPhase(out.decode, rest) : rest;
    }
    return out;
  };
  const full = pass(perPass);
  const rest = restWindows > 0 ? pass(restWindows) : undefined;
  const total = (get: (x: ReturnType<typeof pass>) => PricedPhase | undefined): PricedPhase | undefined => {
    const f = get(full);
    if (!f) return undefined;
    const r = rest && get(rest);
    const many = repeatPhase(f, fullPasses);
    return r ? addPhase(many, r) : many;
  };
  const encoder = total((x) => x.encoder)!;
  const phases: PricedPhase[] = [encoder];
  for (const ph of [total((x) => x.prefill), total((x) => x.decode)]) if (ph) phases.push(ph);
  const decoderS = phases.slice(1).reduce((s, ph) => s + ph.seconds, 0);
  // 0. the input file decoded to 16 kHz mono PCM on the host before the first window (host.audio_decode per second of
  // audio, each request's recording): serial with the device, which has nothing to run until the samples exist
  const decodeS = (hw.runtime?.hostAudioDecodeS ?? 0) * seconds * batch;
  if (decodeS > 0) phases.push(hostPhase('preprocess', decodeS));
  // the log-mel spectrogram on the host CPU (host.log_mel per second of audio transformed, each request's recording):
  // serial with the device, which waits for the features (faster-whisper and openai-whisper transform the recording
  // before the first window; the HF pipeline transforms each chunk in its main process, num_workers 0; vLLM V0's
  // LLMEngine runs its input processor on every prompt of a generate() call before the first step). Where the runtime
  // computes it in a front-end process beside the engine core (scheduler.logMelOverlap: vLLM V1, whose engine core in
  // its own process starts on the first request handed to it), only the first request's and whatever of the rest
  // outlasts the device's encoder and decoder work is exposed
  const logMelPerRequest = hostLogMel ? hw.runtime!.hostLogMelS! * hostLogMelSeconds(seconds, windows, windowS, sch?.audioWindowStepS) : 0;
  const logMelS = sch?.logMelOverlap ? logMelPerRequest + Math.max(0, logMelPerRequest * (batch - 1) - (encoder.seconds + decoderS)) : logMelPerRequest * batch;
  if (logMelS > 0) phases.push(hostPhase('log_mel', logMelS));
  // a voice-activity pass over each request's whole recording before the first window, where the run filters with one
  // (scheduler.vad: faster-whisper's transcribe(vad_filter=True) and BatchedInferencePipeline call
  // get_speech_timestamps on the decoded audio before any window is encoded, Silero VAD on one CPU thread): host.vad per
  // second of audio, serial with the device. The silence it drops is not taken out of the windows
  const vadS = sch?.vad ? (hw.runtime?.hostVadS ?? 0) * seconds * batch : 0;
  if (vadS > 0) phases.push(hostPhase('vad', vadS));
  // a transcription's token sampling on the host under beam search, per step of each sequence, where the runtime states
  // it (host.sample_per_beam_step: whisper.cpp whisper_full brings the logits to the host every step and runs
  // whisper_process_logits and the top-k for the beams on parallel threads, then sorts the candidates and copies KV
  // cells, serial with the device; its timer gives the wall of a beam-5 step). Width 1 (greedy: one argmax on the
  // calling thread, unmeasured) is not priced; other widths take the measured beam-5 wall. Outside decoder_s, which is
  // the decoder's own time (what whisper.cpp's bench times)
  const sampleS = dec.width > 1 ? (hw.runtime?.hostSampleBeamStepS ?? 0) * outTokens * batch : 0;
  if (sampleS > 0) phases.push(hostPhase('sample', sampleS));
  // language detection before the first window (--detect-language): openai-whisper's transcribe() with language=None
  // on a multilingual checkpoint calls model.detect_language(mel_segment) on the first 30 s of the mel it already
  // computed (whisper/transcribe.py @v20240930), which encodes that window ("mel = model.encoder(mel)") and runs the
  // decoder once on a single token, startoftranscript, for every audio, without a KV cache (whisper/decoding.py
  // detect_language @v20240930); decode() then encodes the window again. mlx-whisper (ml-explore/mlx-examples
  // whisper/mlx_whisper/decoding.py detect_language) is the same code. So: one more encoder pass over one window per
  // request (no log-mel op: the features exist) and one greedy decoder forward of one token at context 1
  const detect = req.detectLanguage ? detectLanguagePhase(encode(batch, false).phase, eagerStep(pricePhase('prefill', buildWhisperDecoderGraph(m, batch, 1, 1, p, fused), hw, launchPhaseOf(hw, 'prefill'), p.actBytes), batch)) : undefined;
  if (detect) phases.push(detect);
  // 4. memory and result: the largest pass
  const B = batch * perPass;
  const params = countParams(m).total;
  const kv = perWindow > 0 ? whisperKvBytes(m, B, prompt + perWindow, p.kvBytes, dec) : 0;
  // a runtime that allocates its caches when first written (kv_append: copy — openai-whisper's hooks and HF project the
  // cross K/V in the decoder's first forward and grow the self cache by torch.cat; CTranslate2 caches memory_keys at
  // the first decoder step, src/layers/attention.cc) never holds them beside the encoder's activations: the peak is
  // the larger of the two phases. A runtime that allocates them up front (whisper.cpp's whisper_init_state kv_cross,
  // kv_self) holds both.
  const encAct = peakActivationBytes(full.encOps, hw);
  const decAct = peakActivationBytes(full.decOps, hw);
  const act = dec.kvAppend === 'copy' ? Math.max(decAct, encAct - kv) : Math.max(encAct, decAct);
  const memory = memoryResult(hw, params * p.weightBytes, kv, act);
  const res = baseResult(req, p, batch, memory, phases, warnings, replicas, batch);
  res.output_tokens = outTokens;
  res.encoder_s = memory.fits ? encoder.seconds : null;
  res.decoder_s = memory.fits ? decoderS : null;
  res.rtf = res.latency_s !== null ? res.latency_s / seconds : null;
  return res;
}
