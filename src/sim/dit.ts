// DiT denoising: `--steps N` forwards of the denoiser at `--resolution PX` (`--frames N` for video DiTs).
//   1. shape: classifier-free guidance (request `cfg`, default true) runs a conditional and an unconditional
//      sample per image (Ho & Salimans 2022, arXiv:2207.12598; DiT sample.py concatenates the null class), so the
//      forward batch is 2 × batch
//   2. buildDitGraph ──roofline──▶ step_s; latency = steps × step_s (the denoiser only: no VAE, no text encoder —
//      pipelines add those); images_per_s = batch / latency
// Defaults: DiT sample.py --num-sampling-steps 250; video DiTs (temporal) 30 steps and 51 frames at 720p, as
// Open-Sora 1.2's inference configs (configs/opensora-v1-2/inference/sample.py: rflow 30 steps, 51 frames).
// A video model's --resolution is its height ("720p") with a 16:9 frame (1280×720) unless the spec's frame_aspect
// says otherwise (CogVideoX: 720×480); images are square.
import type { DitModel } from '../spec/types.js';
import type { SimulateRequest, SimulateResult } from './types.js';
import { buildDitGraph, ditGeometry } from '../model/dit-graph.js';
import { countParams } from '../model/params.js';
import { UserError } from '../spec/errors.js';
import { ulyssesDegree, ulyssesSupported } from '../model/ulysses.js';
import { baseResult, fixedBatch, ulyssesPlacement, fusedAttention, memoryResult, peakActivationBytes, placement, pricePhase, repeatPhase, replicaWork, resolvePrecision } from './graph-cost.js';

export const DIT_DEFAULT_STEPS = 250;
export const VIDEO_DIT_DEFAULT_STEPS = 30;
export const VIDEO_DIT_DEFAULT_FRAMES = 51;

export function ditFrame(m: DitModel, resolution?: number): { height: number; width: number } {
  const height = resolution ?? m.image_size;
  const align = m.vae_downsample * m.patch;
  const width = m.temporal ? Math.round((height * (m.frame_aspect ?? 16 / 9)) / align) * align : height;
  return { height, width };
}

export function simulateDit(req: SimulateRequest): SimulateResult {
  const m = req.model as DitModel;
  const hw = req.hardware;
  const warnings: string[] = [];
  // --tp N: one sample's forward on N devices by Ulysses sequence parallelism (src/model/ulysses.ts), where it applies
  const sp = ulyssesDegree(m, req.tp);
  const { replicas } = sp > 1 ? ulyssesPlacement(req, sp, warnings) : placement(req, warnings);
  if (req.tp > 1 && sp === 1) warnings[warnings.length - 1] += ulyssesSupported(m) ? ` (Ulysses sequence parallelism needs --tp to divide the ${m.heads} heads)` : ` (${m.id} has no Ulysses split)`;
  const batch = fixedBatch(req, warnings);
  const p = resolvePrecision(req);
  // 1. shape
  const cfg = req.cfg ?? !m.guidance_embed; // a guidance-distilled model (Flux.1-dev) takes the scale as an input: one sample
  const steps = req.steps ?? (m.temporal ? VIDEO_DIT_DEFAULT_STEPS : DIT_DEFAULT_STEPS);
  if (!(steps >= 1)) throw new UserError(`--steps must be ≥ 1, found "${steps}"`);
  const frames = m.temporal ? (req.frames ?? VIDEO_DIT_DEFAULT_FRAMES) : 1;
  if (!m.temporal && req.frames && req.frames > 1) warnings.push(`${m.id} is an image DiT: --frames ignored`);
  const { height, width } = ditFrame(m, req.resolution);
  const shape = { batch: batch * (cfg ? 2 : 1), height, width, frames };
  // 2. graph, one step, all steps
  const ops = buildDitGraph(m, shape, p, fusedAttention(hw), sp);
  const step = pricePhase('step', ops, hw, 'other', p.actBytes);
  const all = repeatPhase(step, steps, 'denoise');
  const memory = memoryResult(hw, countParams(m).total * p.weightBytes, 0, peakActivationBytes(ops, hw)); // weights on every device
  const res = baseResult(req, p, batch, memory, [all], warnings, replicas, batch);
  if (sp > 1) {
    Object.assign(res, { tp: sp, devices: sp * replicas });
    if (res.work) res.work = replicaWork(res.work, sp); // the replica's work (energy)
  }
  res.step_s = memory.fits ? step.seconds : null;
  res.images_per_s = res.latency_s ? (batch * replicas) / res.latency_s : null;
  const g = ditGeometry(m, shape);
  if (req.verbose) warnings.push(`tokens per sample: ${g.N} (${g.S} per latent frame × ${g.F} latent frames); forward batch ${shape.batch}`);
  return res;
}
