// Encoder towers (ViT, CLIP, T5): one batch through the tower.
//   request ──shape (batch, resolution)──▶ buildEncoderGraph ──pricePhase (roofline)──▶ latency, images/s
import type { EncoderModel } from '../spec/types.js';
import type { SimulateRequest, SimulateResult } from './types.js';
import { buildEncoderGraph } from '../model/encoder-graph.js';
import { countParams } from '../model/params.js';
import { baseResult, fixedBatch, fusedAttention, memoryResult, peakActivationBytes, placement, pricePhase, resolvePrecision } from './graph-cost.js';

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
  const phase = pricePhase('encode', ops, hw, 'other', p.actBytes);
  // 3. memory: weights + the largest kernel's live activations
  const params = countParams(m).total;
  const memory = memoryResult(hw, params * p.weightBytes, 0, peakActivationBytes(ops, hw));
  const res = baseResult(req, p, batch, memory, [phase], warnings, replicas, batch);
  if (m.modality === 'image') res.images_per_s = res.latency_s ? (batch * replicas) / res.latency_s : null;
  return res;
}
