// Whisper (Radford et al. 2022, arXiv:2212.04356 §2.2; github openai/whisper whisper/model.py, audio.py) as ops.
//
//   audio ─log-mel (n_fft 400, hop 160: 3,000 frames / 30 s)─▶ conv1 (k3) GELU ─▶ conv2 (k3, stride 2) GELU
//         ─▶ + sinusoidal positions ─▶ encoder blocks × L over audio_ctx = 1,500 frames ─▶ ln_post
//         ─▶ cross-attention K/V of every decoder layer (projected once per window, cached)
//   text  ─▶ decoder blocks × L: masked self-attention (KV cache) + cross-attention to the audio + MLP
//         ─▶ ln ─▶ logits through the tied token embedding
//
// The cross-attention K/V projections are placed in the encoder graph, as exported encoders do
// (whisper.cpp whisper_encode_internal "cross" graph; qai_hub_models WhisperEncoderInf returns the cross KV cache).
import { type Op, elementwise, linear } from './op.js';
import type { EncoderDecoderModel, RuntimeSettings } from '../spec/types.js';
import { type BlockOpts, type Precision, attentionCore, crossAttentionOps, encoderLayerOps, ffnOps } from './transformer-block.js';

// whisper/audio.py: SAMPLE_RATE 16000, N_FFT 400, HOP_LENGTH 160 → N_FRAMES 3000 per 30 s chunk
export const SAMPLE_RATE = 16000;
export const N_FFT = 400;
export const HOP = 160;
// whisper/tokenizer.py sot_sequence: <|startoftranscript|><|lang|><|transcribe|> (+<|notimestamps|>)
export const SOT_TOKENS = 4;

// Whisper's attention projections (openai/whisper whisper/model.py MultiHeadAttention: query, key, value, out as separate
// nn.Linear, key with bias=False) are one concatenated GEMM here: q/k/v are 3 projections of which 2 carry a bias, the
// cross-attention k/v 2 of which 1 does. A runtime that runs each projection as its own matmul reads these (op.parts).
const QKV_PARTS = { parts: 3, biasedParts: 2 } as const;
const CROSS_KV_PARTS = { parts: 2, biasedParts: 1 } as const;

export function whisperBlockOpts(m: EncoderDecoderModel, fused: boolean): BlockOpts {
  return { d: m.hidden, heads: m.heads, headDim: m.hidden / m.heads, ffn: m.ffn, fused };
}

export interface WhisperEncoderOpts {
  /** encoder frames per window (default audio_ctx: Whisper pads every window to 30 s) */
  frames?: number;
  /** project the decoder's cross-attention K/V (default true; false when only the encoder is used) */
  crossKv?: boolean;
  /** compute the log-mel spectrogram on the device (default true; false where the runtime computes it on the host CPU
   *  and copies the features in: runtime host.log_mel, src/sim/whisper.ts) */
  logMel?: boolean;
}

/** encoder over `windows` windows in one batch: front end, blocks, and the decoder's cross K/V */
export function buildWhisperEncoderGraph(m: EncoderDecoderModel, windows: number, p: Precision, fused: boolean, opts: WhisperEncoderOpts = {}): Op[] {
  const B = windows;
  const d = m.hidden;
  const T = opts.frames ?? m.audio_ctx; // frames after the stride-2 conv
  const mel = 2 * T; // mel frames per window
  const samples = ((m.window_seconds ?? 30) * SAMPLE_RATE * T) / m.audio_ctx;
  const o = whisperBlockOpts(m, fused);
  // STFT: (N_FFT/2+1)-bin FFT per frame ≈ 5·N·log2(N) flops; mel filterbank [201 → n_mels] matmul; log
  const fftFlops = 5 * N_FFT * Math.log2(N_FFT) + 2 * (N_FFT / 2 + 1) * m.n_mels + 4 * m.n_mels;
  const ops: Op[] = [
    ...(opts.logMel === false ? [] : [{ ...elementwise('log_mel', B * mel, fftFlops, 0, p.compute), bytes: B * (samples * 4 + mel * m.n_mels * 4) }]), // fp32 [B, n_mels, 3000]
    { ...linear('conv1', B * mel, d, 3 * m.n_mels, p.compute, p.weightBytes, p.actBytes), kind: 'conv' }, // [B, 3000, d]
    elementwise('gelu1', B * mel * d, 8, 2 * p.actBytes, p.compute),
    { ...linear('conv2', B * T, d, 3 * d, p.compute, p.weightBytes, p.actBytes), kind: 'conv' }, // stride 2 → [B, 1500, d]
    elementwise('gelu2', B * T * d, 8, 2 * p.actBytes, p.compute),
    elementwise('pos_add', B * T * d, 1, 3 * p.actBytes, p.compute),
    ...encoderLayerOps('enc', B, T, o, p, m.encoder_layers).map((op) => (op.name === 'enc.qkv' ? { ...op, ...QKV_PARTS } : op)),
    elementwise('ln_post', B * T * d, 5, 2 * p.actBytes, p.compute, 1, 'norm'),
  ];
  // cross K/V for every decoder layer: [B, 1500, d] × [d, 2d] (written once to the KV cache)
  if (opts.crossKv !== false) ops.push({ ...linear('cross_kv', B * T, 2 * d, d, p.compute, p.weightBytes, p.actBytes, m.decoder_layers), ...CROSS_KV_PARTS });
  return ops;
}

/**
 * How a runtime runs the decoder under beam search and grows its self-attention cache (runtimes/*.yaml scheduler.beam_*,
 * kernels.kv_append; src/sim/whisper.ts fills it from the bound runtime). Absent: greedy, cache appended in place.
 *   width    beams per window: every decode row, self-attention cache and logits row is there `width` times
 *   crossKv  the audio's cross-attention K/V: 'shared' = stored once, the beams folded into the query rows of one
 *            attention per audio (CTranslate2 >= 3.6 "beamable MM"), 'broadcast' = stored once, read by each beam's
 *            attention (openai-whisper since #1483), 'per_beam' = projected, stored and read per beam (HF transformers
 *            expands the encoder output by num_beams)
 *   reorder  caches gathered to the surviving beams after every step (a read and a write of each): 'self' or 'all'
 *   prompt   'once' = the prompt runs at one row per window and its cache is replicated to the beams (CTranslate2
 *            models/whisper.cc forward_prompt, then BeamSearch replicate_state on GPU); else per beam (openai-whisper and
 *            HF repeat the tokens before the loop)
 *   kvAppend 'copy' = each step copies the whole self-attention cache into a new tensor to append its K/V (torch.cat,
 *            CTranslate2 ops::Concat): a read and a write of the cache per step
 */
export interface WhisperDecoding {
  width: number;
  /** the prompt pass (q > 1) once per window, its cache then replicated to the beams (CTranslate2), or per beam */
  prompt?: 'once' | 'per_beam';
  crossKv: 'shared' | 'broadcast' | 'per_beam';
  reorder: 'none' | 'self' | 'all';
  kvAppend: 'in_place' | 'copy';
  /** kernels of that copy, K and V together (kernels.kv_append_kernels: CTranslate2's ops::Concat scatters each input) */
  kvAppendKernels?: number;
  /** a decode step's work on its logits after the LM head (kernels.decode_logits with its beam and timestamp parts as
   *  they apply): bytes per logit and kernels, none where kernels is 0 */
  logits?: { bytesPerLogit: number; kernels: number };
}

/** whether the runtime's decoder samples timestamp tokens: scheduler.timestamps, by default on for a seek loop */
export function whisperTimestamps(s: RuntimeSettings['scheduler'] | undefined): boolean {
  return s?.timestamps ?? s?.audioWindows === 'sequential';
}

/**
 * encoder frames an in-flight executor admits per iteration (scheduler.encoder_max_num_tokens), undefined: no cap.
 * TensorRT-LLM's TrtEncoderModel::forwardAsync schedules encoder requests with MicroBatchScheduler(..., getMaxBatchSize(),
 * mModelConfig.getMaxNumTokens()) (cpp/tensorrt_llm/batch_manager/trtEncoderModel.cpp), which counts each request's
 * getEncoderOutputLen() (1,500 frames per Whisper window) and stops at the budget (microBatchScheduler.cpp): the ENCODER
 * engine's own max_num_tokens (trtllm-build default 8192), which an Executor's runtime max_num_tokens does not reach
 * (executorImpl.cpp createEncoderModel hands TrtEncoderModel a fresh ExecutorConfig carrying only the scheduler config).
 * vLLM sizes its encoder budget from the step's (vllm/config/scheduler.py SchedulerConfig.__post_init__:
 * max_num_encoder_input_tokens = max_num_batched_tokens): the value 'max_num_batched_tokens' follows that field,
 * its below-memory class and `--set runtime.max_num_batched_tokens` included.
 */
export function encoderTokenBudget(sch: RuntimeSettings['scheduler'] | undefined): number | undefined {
  const e = sch?.encoderMaxNumTokens;
  return e === 'max_num_batched_tokens' ? sch?.maxNumBatchedTokens : e;
}

/** greedy decoding, and the value of every decoding setting a runtime leaves unset: the one place these defaults live */
export const GREEDY: Required<WhisperDecoding> = { width: 1, prompt: 'per_beam', crossKv: 'shared', reorder: 'none', kvAppend: 'in_place', kvAppendKernels: 2, logits: { bytesPerLogit: 0, kernels: 0 } };

/** how a runtime decodes Whisper: its beams (scheduler.beam_*) and cache appends (kernels.kv_append), unset ones GREEDY's */
export function decodingOf(rt: { scheduler: RuntimeSettings['scheduler']; kernels?: RuntimeSettings['kernels'] } | undefined): Required<WhisperDecoding> {
  const s = rt?.scheduler;
  const width = Math.max(1, s?.beamSize ?? GREEDY.width);
  return {
    width,
    prompt: s?.beamPrompt ?? GREEDY.prompt,
    crossKv: s?.beamCrossKv ?? GREEDY.crossKv,
    reorder: s?.beamReorder ?? GREEDY.reorder,
    kvAppend: rt?.kernels?.kvAppend ?? GREEDY.kvAppend,
    kvAppendKernels: rt?.kernels?.kvAppendKernels ?? GREEDY.kvAppendKernels,
    logits: decodeLogitsOf(rt, width),
  };
}

/** the runtime's work on a decode step's logits (kernels.decode_logits): the base part, + beam under beam search,
 *  + timestamps where the decoder samples timestamp tokens */
function decodeLogitsOf(rt: { scheduler: RuntimeSettings['scheduler']; kernels?: RuntimeSettings['kernels'] } | undefined, width: number): { bytesPerLogit: number; kernels: number } {
  const d = rt?.kernels?.decodeLogits;
  if (!d) return GREEDY.logits;
  const parts = [d, width > 1 ? d.beam : undefined, whisperTimestamps(rt?.scheduler) ? d.timestamps : undefined];
  let bytesPerLogit = 0;
  let kernels = 0;
  for (const x of parts) if (x) { bytesPerLogit += x.bytesPerLogit; kernels += x.kernels; }
  return { bytesPerLogit, kernels };
}

/**
 * decoder forward over `q` new tokens for `B` windows whose self-attention KV cache holds `ctx` tokens
 * (including the new ones); the cross K/V of the audio are cached. q = SOT_TOKENS is the prompt (prefill),
 * q = 1 a decode step. Logits only for the last position of each beam. Under beam search (dec.width > 1) every
 * window decodes dec.width rows (the prompt too: openai-whisper and HF expand it before the loop).
 */
export function buildWhisperDecoderGraph(m: EncoderDecoderModel, B: number, q: number, ctx: number, p: Precision, fused: boolean, dec: WhisperDecoding = GREEDY): Op[] {
  const d = m.hidden;
  const L = m.decoder_layers;
  const o = whisperBlockOpts(m, fused);
  // the prompt pass runs once per window where the runtime replicates its cache to the beams afterwards
  const K = q > 1 && dec.prompt === 'once' ? 1 : Math.max(1, dec.width);
  const rows = B * K; // sequences decoded
  const t = rows * q;
  // 'shared': one attention per audio over its cached K/V with the beams as query rows; else one per beam
  const cross = K > 1 && dec.crossKv === 'shared' ? crossAttentionOps('dec.cross', B, q * K, m.audio_ctx, d, o, p, L, true) : crossAttentionOps('dec.cross', rows, q, m.audio_ctx, d, o, p, L, true);
  const ops: Op[] = [
    elementwise('embed_pos', t * d, 1, 3 * p.actBytes, p.compute, 1, 'embedding'), // token rows + learned positions
    elementwise('dec.norm1', t * d, 5, 2 * p.actBytes, p.compute, L, 'norm'),
    { ...linear('dec.qkv', t, 3 * d, d, p.compute, p.weightBytes, p.actBytes, L), ...QKV_PARTS }, // [B, q, 3d]; K, V appended to the cache
  ];
  // bytes of one layer's self-attention K and V over `n` tokens, all sequences
  const selfKv = (n: number) => 2 * rows * n * d * p.kvBytes;
  if (dec.kvAppend === 'copy' && ctx > q) ops.push({ ...elementwise('dec.kv_append', 0, 0, 0, p.compute, L), bytes: 2 * selfKv(ctx - q) + selfKv(q), liveBytes: selfKv(ctx), kernels: dec.kvAppendKernels ?? GREEDY.kvAppendKernels, cache: true });
  ops.push(
    attentionCore('dec.self_attn', { batch: rows, q, kv: ctx, heads: m.heads, headDim: d / m.heads }, p, fused, L, p.kvBytes),
    linear('dec.out', t, d, d, p.compute, p.weightBytes, p.actBytes, L),
    elementwise('dec.residual1', t * d, 1, 3 * p.actBytes, p.compute, L),
    ...cross,
    ...ffnOps('dec', t, o, p, L),
    elementwise('dec.ln', t * d, 5, 2 * p.actBytes, p.compute, 1, 'norm'),
    { ...linear('logits', rows, m.vocab, d, p.compute, p.weightBytes, p.actBytes), biasedParts: 0 }, // tied embedding [d, vocab], no bias
  );
  // a decode step's logits processors, log-softmax, top-k and copies (the runtime's kernels.decode_logits), serial
  // with the step: the next step's input ids come out of them
  const lg = dec.logits ?? GREEDY.logits;
  if (q === 1 && lg.kernels > 0) ops.push({ ...elementwise('logits_step', rows * m.vocab, 2, lg.bytesPerLogit, p.compute), kernels: lg.kernels });
  // after the step the beams are re-selected: the caches gathered to the survivors (read + write of each)
  if (K > 1 && q === 1 && dec.reorder !== 'none') {
    const crossCopies = dec.reorder === 'all' && dec.crossKv === 'per_beam';
    const bytes = 2 * selfKv(ctx) + (crossCopies ? 2 * 2 * rows * m.audio_ctx * d * p.kvBytes : 0);
    ops.push({ ...elementwise('dec.beam_reorder', 0, 0, 0, p.compute, L), bytes, liveBytes: bytes / 2, kernels: crossCopies ? 4 : 2 });
  }
  return ops;
}

/** KV-cache bytes: self-attention over `textLen` tokens and cross-attention over the audio, every decoder layer; under
 *  beam search the self-attention cache is per beam, the cross cache per beam only where the runtime copies it */
export function whisperKvBytes(m: EncoderDecoderModel, B: number, textLen: number, kvBytes: number, dec: WhisperDecoding = GREEDY): number {
  const K = Math.max(1, dec.width);
  const crossCopies = dec.crossKv === 'per_beam' ? K : 1;
  return 2 * m.decoder_layers * B * (K * textLen + crossCopies * m.audio_ctx) * m.hidden * kvBytes;
}
