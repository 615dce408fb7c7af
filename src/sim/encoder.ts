// Encoder towers (ViT, CLIP, T5): one batch through the tower.
//   request ──shape (batch, resolution)──▶ buildEncoderGraph ──pricePhase (roofline)──▶ latency, images/s
import type { EncoderModel } from '../spec/types.js';
import type { SimulateRequest, SimulateResult } from './types.js';
import type { Op } from '../model/op.js';
import type { NormalizedHardware } from '../spec/types.js';
import { buildEncoderGraph, isEncoderLayerOp } from '../model/encoder-graph.js';
import { countParams } from '../model/params.js';
import { eagerEncoderLayersSeconds } from '../runtime/launch.js';
import { type PricedPhase, addPhase, baseResult, fixedBatch, fusedAttention, memoryResult, peakActivationBytes, placement, pricePhase, resolvePrecision, withHost } from './graph-cost.js';

export function simulateEncoder(req: SimulateRequest): SimulateResult {
  const m = req.model as EncoderModel;
  const hw = req.hardware;
  const warnings: string[] = [];
  // 1. shape and precision
  const { replicas } = placement(req, warnings);
  const batch = fixedBatch(req, warnings);
  if (req.batch === 'max') warnings.push('--batch max is answered by the decoder engine; batch 1 used');
  const p = resolvePrecision(req);
  const imageSize = m.modality === 'image' ? (req.resolution ?? m.image_size) : undefined;
  // 2. graph and roofline
  const ops = buildEncoderGraph(m, { batch, imageSize }, p, fusedAttention(hw));
  const phase = encodePhase(ops, hw, p.actBytes, m.layers);
  // 3. memory: weights + the largest kernel's live activations
  const params = countParams(m).total;
  const memory = memoryResult(hw, params * p.weightBytes, 0, peakActivationBytes(ops, hw));
  const res = baseResult(req, p, batch, memory, [phase], warnings, replicas, batch);
  if (m.modality === 'image') res.images_per_s = res.latency_s ? (batch * replicas) / res.latency_s : null;
  return res;
}

/**
 * One forward of the tower. Under an eager runtime (host.encoder_forward: nn.Module layers called from Python) the
 * layers last the longer of their host time and their kernels (src/runtime/launch.ts eagerEncoderLayersSeconds, the
 * kernels priced without per-kernel launch floors so the dispatch is counted once) and the other ops (patch embedding,
 * final norm, head) keep their launch floors; otherwise every op is priced with its launch floor.
 */
function encodePhase(ops: Op[], hw: NormalizedHardware, actBytes: number, layers: number): PricedPhase {
  if (!hw.runtime?.encoderForward) return pricePhase('encode', ops, hw, 'other', actBytes);
  const body = pricePhase('encode', ops.filter(isEncoderLayerOp), hw, 'device', actBytes);
  const rest = pricePhase('encode', ops.filter((o) => !isEncoderLayerOp(o)), hw, 'other', actBytes);
  return { ...addPhase(withHost(body, eagerEncoderLayersSeconds(hw, layers, body.seconds)), rest), rows: [...rest.rows, ...body.rows] };
}
