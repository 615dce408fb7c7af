// A decoder's prompt attention written out in Python ops instead of one fused kernel (runtime kernels.prefill_scores).
// AutoAWQ's fused attention (QuantAttentionFused.forward, awq/modules/fused/attn.py @027758d) and TinyChat's
// (QuantLlamaAttentionFused.forward, tinychat/modules/fused_attn.py @048e19e) take their single-query FasterTransformer
// kernel only at seqlen 1; a prompt runs
//   scores = torch.matmul(xq, keys.transpose(2, 3)) / math.sqrt(head_dim); scores = scores + mask
//   scores = F.softmax(scores.float(), dim=-1).type_as(xq); output = torch.matmul(scores, values)
// so the [b, h, L, L] score matrix crosses DRAM in each of those kernels, and both batched matmuls compute every
// query·key pair (the causal mask is added to the finished scores): twice the causal pairs a fused kernel computes.
// Per score (16-bit activations): QKᵀ writes 2; the scale reads 2, writes 2; the mask add reads 2, writes 2 (the
// [1, 1, L, L] mask is broadcast, read once); .float() reads 2, writes 4; softmax reads 4, writes 4; .type_as reads 4,
// writes 2; the AV matmul reads 2: 32 bytes, 7 kernels, + 1 for the output's transpose(1, 2).contiguous(). The
// runtime's YAML states both (bytes_per_score, kernels). Its two matmuls are cuBLAS batched GEMMs, so the op is priced
// as a GEMM (the part's GEMM table), not at a fused attention kernel's fraction; the Python rotary embedding and the
// cache writes of the prompt path are not priced here (q/k-sized, small beside the scores at long prompts), nor the
// score tensors' memory while they are alive.
// Hot path: one pass over the freshly built ops, in place; nothing is done for runtimes without the field.
import type { GraphOp } from '../model/decoder-graph.js';
import type { NormalizedHardware } from '../spec/types.js';

/** the prompt attention ops repriced as the runtime's written-out attention (mutates `ops`) */
export function writtenPrefillAttention(ops: GraphOp[], hw: Pick<NormalizedHardware, 'runtime'>): GraphOp[] {
  const sc = hw.runtime?.kernels?.prefillScores;
  if (!sc) return ops;
  for (const op of ops) {
    const p = op.prefill;
    if (op.kind !== 'attention' || !p || !(p.pairs > 0) || !(p.width! > 0)) continue;
    const all = p.len * p.len; // every query against every key of the prompt: the mask is added after QKᵀ
    op.flops *= all / p.pairs;
    const scores = op.flops / (2 * p.width!); // per head and sequence: 2 GEMMs × 2 FLOP × (dqk + dv) per score
    op.bytes += scores * sc.bytesPerScore;
    op.kernels = sc.kernels;
    op.kind = 'gemm';
    p.pairs = all;
  }
  return ops;
}
