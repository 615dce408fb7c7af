// VAE decode (latent → pixels) of `--batch` images (or videos with `--frames`, dims 3) at `--resolution`.
//   buildVaeDecoderGraph ──roofline──▶ decoder_s = latency_s; the encode of the same shape is priced too and
//   reported as encoder_s (image-to-image and video-to-video pipelines need it).
// Defaults follow forward_flops (src/model/params.ts): 256 px, dims 3: 17 frames.
// Memory: video VAEs decode in temporal chunks of 17 frames (Open-Sora 1.2 VideoAutoencoderPipeline
// micro_frame_size 17), so live activations are those of one chunk.
// Composite VAEs (Open-Sora 1.2: SDXL 2-D VAE per frame + temporal VAE) resolve their components through
// req.resolveModel; their graphs are the components' graphs in order (see src/model/vae-graph.ts).
import type { NormalizedHardware, VaeModel } from '../spec/types.js';
import type { SimulateRequest, SimulateResult } from './types.js';
import type { Op } from '../model/op.js';
import type { Precision } from '../model/transformer-block.js';
import { VIDEO_VAE_CHUNK_FRAMES, type VaeResolver, type VaeRunShape, buildVaeDecoderGraph, buildVaeEncoderGraph } from '../model/vae-graph.js';
import { countParams } from '../model/params.js';
import { COGVIDEOX_LATENT_FRAME_BATCH } from '../model/cogvideox-vae-graph.js';
import { baseResult, fixedBatch, memoryResult, peakActivationBytes, placement, pricePhase, resolvePrecision } from './graph-cost.js';

export const VAE_DEFAULT_RESOLUTION = 256;
export const VIDEO_VAE_DEFAULT_FRAMES = 17;
export { VIDEO_VAE_CHUNK_FRAMES };

/** pixel frames a video VAE holds at once: Wan decodes one latent frame per Decoder3d call (4 pixel frames) with
 *  CACHE_T = 2 cached frames in front of each causal conv's input (wan/modules/vae.py WanVAE_.decode, CausalConv3d);
 *  CogVideoX 2 latent frames per decoder call (AutoencoderKLCogVideoX num_latent_frames_batch_size); Open-Sora's
 *  micro-chunks of 17 */
function chunkFrames(m: VaeModel): number {
  if (m.layout === 'cogvideox') return COGVIDEOX_LATENT_FRAME_BATCH * m.temporal_downsample + 2; // 2 latent frames per decoder call + the 2-frame conv_cache
  return m.layout === 'wan' ? m.temporal_downsample + 2 : VIDEO_VAE_CHUNK_FRAMES;
}

/** live activation bytes of a VAE graph, per temporal chunk for video VAEs */
export function vaeActivationBytes(m: VaeModel, s: VaeRunShape, ops: Op[], hw?: Pick<NormalizedHardware, 'runtime'>): number {
  const chunk = m.dims === 3 ? Math.min(1, chunkFrames(m) / s.frames) : 1;
  return peakActivationBytes(ops, hw) * chunk;
}

export function vaeShape(m: VaeModel, batch: number, height: number, width: number, frames?: number): VaeRunShape {
  return { batch, height, width, frames: m.dims === 3 ? (frames ?? VIDEO_VAE_DEFAULT_FRAMES) : 1 };
}

/**
 * one device's share of a VAE decode split spatially over `n` devices (patch parallelism: xDiT's DistVAE, which the
 * MLPerf Wan2.2 SingleStream systems run on the DiT's devices: AMD's harness vae.use_parallel over all 8 ranks, NVIDIA
 * VisualGen parallel_vae_size 4): every kernel still launches on each device, over 1/n of the activations and FLOPs,
 * with the whole (small) weights. The halo rows each convolution exchanges with its neighbours are not priced.
 */
export function patchParallelOps(ops: Op[], n: number): Op[] {
  if (n <= 1) return ops;
  return ops.map((op) => {
    const act = op.bytes - op.weightBytes;
    const out: Op = { ...op, flops: op.flops / n, bytes: op.weightBytes + act / n };
    if (op.m !== undefined) out.m = op.m / n;
    if (op.liveBytes !== undefined) out.liveBytes = op.liveBytes / n;
    if (op.access) out.access = Object.fromEntries(Object.entries(op.access).map(([k, v]) => [k, (v ?? 0) / n]));
    return out;
  });
}

export function vaeGraphs(m: VaeModel, s: VaeRunShape, p: Precision, resolve?: VaeResolver): { decode: Op[]; encode: Op[] } {
  return { decode: buildVaeDecoderGraph(m, s, p, resolve), encode: buildVaeEncoderGraph(m, s, p, resolve) };
}

export function simulateVae(req: SimulateRequest): SimulateResult {
  const m = req.model as VaeModel;
  const hw = req.hardware;
  const warnings: string[] = [];
  const { replicas } = placement(req, warnings);
  const batch = fixedBatch(req, warnings);
  const p = resolvePrecision(req);
  const side = req.resolution ?? VAE_DEFAULT_RESOLUTION;
  const shape = vaeShape(m, batch, side, side, req.frames);
  if (m.dims === 2 && req.frames && req.frames > 1) warnings.push(`${m.id} is an image VAE: --frames ignored (batch the frames instead)`);
  const g = vaeGraphs(m, shape, p, req.resolveModel);
  const decode = pricePhase('decode', g.decode, hw, 'other', p.actBytes);
  const encode = pricePhase('encode', g.encode, hw, 'other', p.actBytes);
  const act = Math.max(vaeActivationBytes(m, shape, g.decode, hw), vaeActivationBytes(m, shape, g.encode, hw));
  const memory = memoryResult(hw, countParams(m, req.resolveModel).total * p.weightBytes, 0, act);
  const res = baseResult(req, p, batch, memory, [decode], warnings, replicas, batch);
  res.phases.push(encode.summary);
  res.decoder_s = memory.fits ? decode.seconds : null;
  res.encoder_s = memory.fits ? encode.seconds : null;
  res.images_per_s = res.latency_s ? (batch * replicas) / res.latency_s : null;
  return res;
}
