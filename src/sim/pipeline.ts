// Pipelines (`family: pipeline`): stages that reference other models, each run `once`, `per_window` (audio),
// `per_step` (denoising) or `per_token` (generation), with what flows between them.
//
//   request ─defaults─▶ shape (batch, steps, resolution, frames, audio seconds, images, text tokens)
//     1. each stage ──its family's graph or engine──▶ total seconds over its runs
//          encoder (text)           T5/CLIP over `tokens`                                  once
//          encoder (image)          ViT tower per image                                     once × images
//          encoder (resampler)      Perceiver latents over the vision features              once × images
//          encoder (cross-attention) Flamingo xattn stack: prompt, then one token per step   per_token
//          encoder-decoder (audio)  Whisper-like encoder over the audio, unpadded           per_window
//          dit                      simulate() of the DiT: steps × step_s                   per_step
//          vae                      decoder graph at the video/image shape                  once
//          decoder                  simulate() of the decoder: prefill of text + media tokens, then decode
//     2. stages add up to latency_s; share = stage / total
//     3. ttft_s (pipelines with a decoder) = every stage before the first token: encoders, resampler, the
//        cross-attention prefill and the decoder's prefill (its ttft_s)
//     4. memory: the decoder's per-device answer (or nothing) + every other stage's weights + the largest
//        live activations
import type { DitModel, EncoderDecoderModel, EncoderModel, NormalizedModel, PipelineModel, PipelineStage, VaeModel } from '../spec/types.js';
import type { MemoryResult, SimulateRequest, SimulateResult } from './types.js';
import type { Op } from '../model/op.js';
import { buildEncoderGraph, buildGatedXattnGraph, buildResamplerGraph } from '../model/encoder-graph.js';
import { buildWhisperEncoderGraph } from '../model/whisper-graph.js';
import { countParams } from '../model/params.js';
import { DTYPE_BYTES } from '../model/dtype-bytes.js';
import { simulate } from './simulate.js';
import { ditFrame } from './dit.js';
import { patchParallelOps, vaeActivationBytes, vaeGraphs, vaeShape } from './vae.js';
import { ulyssesDegree } from '../model/ulysses.js';
import { type PricedPhase, type ResolvedPrecision, baseResult, fixedBatch, fusedAttention, memoryResult, needsReason, peakActivationBytes, pricePhase, repeatPhase, replicaWork, resolvePrecision } from './graph-cost.js';
import { UserError } from '../spec/errors.js';
import { matrixPeak } from './roofline.js';

interface StageRun {
  stage: PipelineStage;
  model: NormalizedModel;
  runs: number;
  seconds: number | null;
  beforeFirstToken: number; // seconds of this stage that precede the first output token
  weightsBytes: number;
  activationBytes: number;
  sub?: SimulateResult; // a stage priced by its family's engine
  phase?: PricedPhase;
  extra?: PricedPhase; // a second phase of the same stage (cross-attention decode steps)
}

interface PipelineShape {
  batch: number;
  steps: number;
  resolution: number;
  frames: number;
  audioSeconds: number;
  images: number;
  textTokens: number;
  outputTokens: number;
  cfg: boolean;
}

function shapeOf(req: SimulateRequest, m: PipelineModel, warnings: string[]): PipelineShape {
  const d = m.defaults ?? {};
  return {
    batch: fixedBatch(req, warnings),
    steps: req.steps ?? d.steps ?? 30,
    resolution: req.resolution ?? d.resolution ?? 256,
    frames: req.frames ?? d.frames ?? 1,
    audioSeconds: req.audioSeconds ?? d.audio_seconds ?? 0,
    images: d.images ?? 0,
    textTokens: req.inputTokens,
    outputTokens: req.outputTokens,
    cfg: req.cfg ?? (d.cfg !== undefined ? d.cfg !== 0 : true), // defaults.cfg: 0 for guidance-distilled denoisers
  };
}

/** media tokens each stage hands to the decoder (audio: tokens_per_second × seconds; vision: per image) */
function mediaTokens(stages: PipelineStage[], s: PipelineShape): number {
  let n = 0;
  for (const st of stages) {
    if (st.tokens_per_second) n += Math.ceil(st.tokens_per_second * s.audioSeconds);
    else if (st.role === 'resampler') n += s.images * (st.tokens ?? 64);
    else if (st.tokens_per_image && !stages.some((x) => x.role === 'resampler')) n += s.images * st.tokens_per_image;
  }
  return n;
}

function priced(stage: PipelineStage, model: NormalizedModel, runs: number, ops: Op[], req: SimulateRequest, p: ResolvedPrecision, first: boolean): StageRun {
  const phase = pricePhase(stage.role ?? model.id, ops, req.hardware, 'other', p.actBytes);
  const seconds = runs > 0 ? phase.seconds : 0;
  // a stage that does not run (no images, no audio) keeps its weights in memory but has no phase to show
  return { stage, model, runs, seconds, beforeFirstToken: first ? seconds : 0, weightsBytes: countParams(model, req.resolveModel).total * p.weightBytes, activationBytes: runs > 0 ? peakActivationBytes(ops, req.hardware) : 0, phase: runs > 0 ? phase : undefined };
}

/** the stage's own precision where its reference code fixes one (a stage's `dtype`: Wan's VAE in fp32), else the request's */
export function stagePrecision(st: PipelineStage, p: ResolvedPrecision): ResolvedPrecision {
  if (!st.dtype) return p;
  const b = DTYPE_BYTES[st.dtype];
  return { ...p, compute: st.dtype, weightBytes: b, actBytes: b, names: { ...p.names, weights: st.dtype, activations: st.dtype } };
}

/** what a stage's own `dtype` did not get: honoured on VAE stages only (others price the request's dtype), and a
 *  part without that precision's matrix or vector rate runs its convolutions at a narrower one (matrixPeak's fallback) */
function stageDtypeWarnings(runs: { stage: PipelineStage; model: NormalizedModel }[], hw: SimulateRequest['hardware']): string[] {
  const out: string[] = [];
  for (const { stage: st, model } of runs) {
    if (!st.dtype) continue;
    if (model.family !== 'vae') out.push(`stage ${st.model}: dtype ${st.dtype} is honoured on VAE stages only; priced at the request's --dtype`);
    else {
      const got = matrixPeak(hw, st.dtype, 'conv').dtype;
      if (got !== st.dtype && !(st.dtype === 'fp32' && got === 'tf32')) out.push(`stage ${st.model}: ${hw.id} has no ${st.dtype} rate; its ${st.dtype} convolutions are priced at the ${got} peak (optimistic)`);
    }
  }
  return out;
}

/** kernels with work in them: a GEMM or attention over zero rows (no media tokens) is never launched */
function launched(ops: Op[]): Op[] {
  return ops.filter((op) => op.flops > 0);
}

/** Whisper-like audio encoder over the audio itself: full windows of audio_ctx frames, the last one unpadded */
function audioEncoderOps(m: EncoderDecoderModel, st: PipelineStage, s: PipelineShape, p: ResolvedPrecision, fused: boolean): { ops: Op[]; windows: number } {
  const perSecond = st.tokens_per_second ?? m.audio_ctx / m.window_seconds;
  const windowS = m.window_seconds;
  const full = Math.floor(s.audioSeconds / windowS);
  const rest = Math.ceil(perSecond * (s.audioSeconds - full * windowS) - 1e-9);
  const ops: Op[] = [];
  if (full > 0) ops.push(...buildWhisperEncoderGraph(m, s.batch * full, p, fused, { crossKv: false }));
  if (rest > 0) ops.push(...buildWhisperEncoderGraph(m, s.batch, p, fused, { frames: rest, crossKv: false }));
  return { ops, windows: full + (rest > 0 ? 1 : 0) };
}

function runStage(st: PipelineStage, model: NormalizedModel, s: PipelineShape, req: SimulateRequest, p: ResolvedPrecision, pipe: PipelineModel, media: number): StageRun {
  const fused = fusedAttention(req.hardware);
  const sub = (over: Partial<SimulateRequest>): SimulateResult => simulate({ ...req, model, ...over });
  switch (model.family) {
    case 'encoder': {
      const m = model as EncoderModel;
      if (st.role === 'cross-attention') {
        // prompt (text + media placeholders) once with the media K/V projection, then one token per decode step
        // no images (defaults without `images`): no media K/V to project or attend over; those zero-row kernels
        // are not launched (priced, a 0-length attention's tile share is 0/0)
        const visual = s.images * (pipe.stages.find((x) => x.role === 'resampler')?.tokens ?? 64);
        const prefillOps = launched(buildGatedXattnGraph(m, s.batch, s.textTokens, visual, p, fused, false));
        const step = pricePhase(`${st.role}.decode`, launched(buildGatedXattnGraph(m, s.batch, 1, visual, p, fused, true)), req.hardware, 'decode', p.actBytes);
        const r = priced(st, model, s.outputTokens, prefillOps, req, p, true);
        if (r.phase) r.phase.summary.name = `${st.role}.prefill`;
        r.extra = repeatPhase(step, Math.max(0, s.outputTokens - 1));
        r.seconds = (r.phase?.seconds ?? 0) + r.extra.seconds;
        return r;
      }
      if (st.role === 'resampler') {
        const vision = pipe.stages.find((x) => x.tokens_per_image);
        const ops = buildResamplerGraph(m, s.batch * s.images, vision?.tokens_per_image ?? 256, p, fused);
        return priced(st, model, s.images, ops, req, p, true);
      }
      if (m.modality === 'image') {
        return priced(st, model, s.images, buildEncoderGraph(m, { batch: s.batch * s.images }, p, fused), req, p, true);
      }
      return priced(st, model, 1, buildEncoderGraph(m, { batch: s.batch, seq: st.tokens ?? m.context }, p, fused), req, p, true);
    }
    case 'encoder-decoder': {
      const { ops, windows } = audioEncoderOps(model as EncoderDecoderModel, st, s, p, fused);
      const r = priced(st, model, windows, ops, req, p, true);
      // only the encoder half is used: count its weights, not the text decoder's
      const c = countParams(model).breakdown;
      r.weightsBytes = ((c.encoder_conv ?? 0) + (c.encoder_position ?? 0) + (c.encoder_layers ?? 0) + (c.encoder_norm ?? 0)) * p.weightBytes;
      return r;
    }
    case 'dit': {
      const r = sub({ steps: s.steps, resolution: s.resolution, frames: s.frames, cfg: s.cfg, batch: s.batch, verbose: false });
      return { stage: st, model, runs: s.steps, seconds: r.latency_s, beforeFirstToken: 0, weightsBytes: r.memory.weights_bytes, activationBytes: r.memory.activations_bytes, sub: r };
    }
    case 'vae': {
      const m = model as VaeModel;
      const den = pipe.stages.map((x) => req.resolveModel(x.model)).find((x) => x.family === 'dit') as DitModel | undefined;
      const { height, width } = den ? ditFrame(den, s.resolution) : { height: s.resolution, width: s.resolution };
      const shape = vaeShape(m, s.batch, height, width, m.dims === 3 ? s.frames : undefined);
      if (m.dims === 2) shape.batch = s.batch * Math.max(1, s.frames); // a 2-D VAE decodes frame by frame
      const sp = stagePrecision(st, p);
      const g = vaeGraphs(m, shape, sp, req.resolveModel); // a composite VAE resolves its components
      // a DiT run sequence parallel over --tp devices (src/model/ulysses.ts) decodes on the same devices, patch parallel
      const ops = patchParallelOps(st.role === 'vae-encoder' ? g.encode : g.decode, den ? ulyssesDegree(den, req.tp) : 1);
      const r = priced(st, model, 1, ops, req, sp, false);
      r.activationBytes = vaeActivationBytes(m, shape, ops, req.hardware);
      return r;
    }
    case 'decoder': {
      const r = sub({ inputTokens: s.textTokens + media, outputTokens: Math.max(1, s.outputTokens), batch: s.batch, verbose: false });
      return { stage: st, model, runs: s.outputTokens, seconds: r.e2e_s ?? r.latency_s, beforeFirstToken: r.ttft_s ?? 0, weightsBytes: r.memory.weights_bytes, activationBytes: 0, sub: r };
    }
    default:
      throw new UserError(`pipeline ${pipe.id}: stage ${st.model} is a ${model.family}, which a pipeline cannot nest`);
  }
}

export function simulatePipeline(req: SimulateRequest): SimulateResult {
  const pipe = req.model as PipelineModel;
  const warnings: string[] = [];
  const p = resolvePrecision(req);
  const s = shapeOf(req, pipe, warnings);
  const media = mediaTokens(pipe.stages, s);
  // 1. every stage
  const runs = pipe.stages.map((st) => runStage(st, req.resolveModel(st.model), s, req, p, pipe, media));
  // two stages in one role (flux: CLIP and T5 text encoders) are told apart by their model ids
  for (const r of runs) if (r.phase && pipe.stages.filter((x) => x.role === r.stage.role).length > 1) r.phase.summary.name = `${r.stage.role} (${r.model.id})`;
  // energy warnings name the hardware, which every stage shares: the pipeline's own energy pass says them once
  for (const r of runs) for (const w of r.sub?.warnings ?? []) if (!w.startsWith('energy: ')) warnings.push(`${r.model.id}: ${w}`);
  for (const w of stageDtypeWarnings(runs, req.hardware)) warnings.push(w);
  // 4. memory (before timing: a pipeline that does not fit has no times)
  const dec = runs.find((r) => r.model.family === 'decoder');
  const others = runs.filter((r) => r !== dec);
  const otherWeights = others.reduce((a, r) => a + r.weightsBytes, 0);
  const act = Math.max(0, ...others.map((r) => r.activationBytes));
  let memory: MemoryResult;
  if (dec?.sub) {
    const dm = dec.sub.memory;
    memory = memoryResult(req.hardware, dm.weights_bytes + otherWeights, dm.kv_cache_bytes, Math.max(dm.activations_bytes, act));
    // the decoder's runtime decides what is usable (one figure in the whole answer)
    const fits = memory.per_device_bytes <= dm.usable_bytes;
    memory = { ...memory, usable_bytes: dm.usable_bytes, fits, reason: fits ? null : needsReason(memory.per_device_bytes, dm.usable_bytes) };
    if (!dm.fits) memory = { ...memory, fits: false, reason: `decoder ${dec.model.id}: ${dm.reason}` };
  } else {
    memory = memoryResult(req.hardware, otherWeights, 0, act);
  }
  // 2. totals and shares
  const known = runs.every((r) => r.seconds !== null) && memory.fits;
  const total = known ? runs.reduce((a, r) => a + (r.seconds ?? 0), 0) : null;
  const phases = runs.flatMap((r) => [r.phase, r.extra]).filter((x): x is PricedPhase => !!x);
  // a decoder stage is placed as simulate places it (tp · pp devices per replica); the other stages run on its devices
  const ds = dec?.sub;
  const res = baseResult(req, p, s.batch, memory, phases, warnings, ds ? ds.replicas : (req.devices ?? 1), s.batch);
  if (ds) {
    Object.assign(res, { devices: ds.devices, tp: ds.tp, pp: ds.pp, ep: ds.ep, replicas: ds.replicas });
    if (res.work) res.work.devices = ds.tp * ds.pp;
  }
  for (const r of runs) if (r.sub) res.phases.push(...r.sub.phases.map((ph) => ({ ...ph, name: `${r.model.id}.${ph.name}` })));
  res.latency_s = total;
  if (res.work && total !== null) {
    res.work = { ...res.work, seconds: total, flops: res.phases.reduce((a, ph) => a + ph.flops, 0), bytes: res.phases.reduce((a, ph) => a + ph.bytes, 0) };
  }
  res.stages = runs.map((r) => ({
    model: r.model.id,
    runs: r.runs,
    latency_s: known ? r.seconds : null,
    share: known && total ? (r.seconds ?? 0) / total : null,
  }));
  // 3. time to first token
  if (dec) {
    res.ttft_s = known ? runs.reduce((a, r) => a + r.beforeFirstToken, 0) : null;
    res.tpot_s = known ? (dec.sub?.tpot_s ?? null) : null;
    res.input_tokens = s.textTokens + media;
    res.output_tokens = s.outputTokens;
    if (res.work) res.work.items = s.batch * Math.max(1, s.outputTokens);
  }
  const dit = runs.find((r) => r.model.family === 'dit');
  if (dit?.sub && dit.sub.tp > 1) {
    // the pipeline runs on the DiT's sequence-parallel group (every stage on its devices)
    Object.assign(res, { devices: dit.sub.devices, tp: dit.sub.tp, replicas: dit.sub.replicas });
    // every stage's phases are one device's work (the text encoder on each, the DiT and VAE shards): the replica's is tp times
    if (res.work) res.work = replicaWork(res.work, dit.sub.tp);
  }
  if (dit?.sub) {
    res.step_s = known ? dit.sub.step_s : null;
    // every replica (a DiT sequence-parallel group, or one device running the whole pipeline) makes its batch in parallel
    res.images_per_s = known && total ? (s.batch * res.replicas) / total : null;
  }
  if (pipe.stages.some((x) => x.runs === 'per_window') && s.audioSeconds > 0 && total !== null) res.rtf = total / s.audioSeconds;
  return res;
}

