// Core attention of a training step where the runtime writes the score matrix out instead of running a fused (flash)
// kernel (runtime kernels.attention_scores: e.g. Transformer Engine's UnfusedDotProductAttention, reference code's
// q @ kᵀ, softmax, @ v). Such a step pays what the fused kernel avoids:
//  - the whole [b, h, q, kv] score matrix crosses DRAM bytes_per_score bytes per score (the QKᵀ GEMM's output, the
//    softmax's read and write, any dropout, the AV GEMM's read), where a fused kernel keeps its tiles on chip;
//  - both batched GEMMs compute every query·key pair: the causal mask is applied to the written scores by the softmax
//    (TE ScaledAlignedCausalMaskedSoftmax; reference code's masked_fill), so they do twice the causal pairs a fused
//    causal kernel computes, and a sliding window does not shorten them either;
//  - its kernels are plain batched GEMMs and elementwise passes: no FlashAttention tile shape (op.attn dropped, as
//    src/sim/runtime-ops.ts does for inference graphs).
// The backward keeps the training rule for a materialised attention with stored scores (./layer-cost.ts passCost: 2×
// the forward). By the kernels it runs, TE's unfused backward moves ~19 bytes per score (dV's read of the dropped
// probabilities, dP's write, the dropout and softmax backwards, dQ/dK's reads of dS) against the forward's 13, so 2×
// overstates its traffic by about half a forward's.
import type { Op } from '../../model/op.js';
import type { NormalizedHardware } from '../../spec/types.js';
import type { DecoderShape } from './shapes.js';
import { attentionParts } from './shapes.js';
import type { PlanShape } from './plan.js';

/** the layer's forward ops with each core-attention op priced as the runtime's written-out attention; `ops` unchanged
 *  (same array) when the runtime runs a fused kernel */
export function materialiseAttention(ops: Op[], s: DecoderShape, p: PlanShape, hw: Pick<NormalizedHardware, 'runtime'>): Op[] {
  const sc = hw.runtime?.kernels?.attentionScores;
  if (!sc) return ops;
  const parts = attentionParts(s, p.seqLen);
  const T = (p.microBatch * p.seqLen) / p.cp; // query tokens of this device's shard
  let i = 0;
  return ops.map((op) => {
    if (op.kind !== 'attention' || !op.attn) return op;
    const layers = parts[i++]?.layers ?? 1; // the share of the layers this attention kind covers
    // every query of the shard against every key of the sequence, heads split by tp
    const scores = (T * p.seqLen * (s.heads / p.tp)) * layers;
    const flops = (2 * T * p.seqLen * (s.qDim + s.vDim) * layers) / p.tp; // two GEMMs, 2 FLOP per multiply-add, all pairs
    const o: Op = { ...op, flops, bytes: op.bytes + scores * sc.bytesPerScore, kernels: sc.kernels };
    delete o.attn;
    return o;
  });
}
