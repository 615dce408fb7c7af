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
// A runtime that evaluates the prompt in physical batches (ggml: Ollama's Go engine, scheduler.ubatch) computes, per
// batch, its q queries against the cache view so far plus its own tokens (q x view pairs; a sliding-window layer's view is
// its window's cells before the batch plus the batch: Ollama's kvcache/causal.go updateSlidingWindow keeps the cells
// within swaWindowSize of the batch's lowest position in curCellRange), not the whole prompt against itself.
// decode_bytes_per_score: the same runtime writes a decode step's scores out too (one query per head: the [kv, heads]
// score rows cross DRAM in each kernel), priced as bytes per cached token: that many bytes per query head and sequence.
// Hot path: one pass over the freshly built ops, in place; nothing is done for runtimes without the field.
import type { GraphOp } from '../model/decoder-graph.js';
import type { NormalizedHardware } from '../spec/types.js';

/** query·key pairs per head an L-token prompt computes in physical batches of `ubatch`, each against the view so far */
export function ubatchedWrittenPairs(L: number, u: number, window?: number): number {
  // n full batches (batch i: u queries against i·u cells before it, or min(i·u, W), plus its own u) and a remainder of r
  const n = Math.floor(L / u);
  const r = L - n * u;
  const W = window ?? Infinity;
  // Σ_{i<n} min(i·u, W): i·u while i ≤ m, W after
  const m = Math.min(n - 1, Math.floor(W / u));
  const before = m >= 0 ? u * (m * (m + 1)) / 2 + (n - 1 > m ? W * (n - 1 - m) : 0) : 0;
  return u * u * n + u * before + (r > 0 ? r * (Math.min(n * u, W) + r) : 0);
}

/**
 * the prompt attention ops repriced as the runtime's written-out attention (mutates `ops`); `ubatch`: the runtime runs
 * a prompt in physical batches of that many tokens (each against the view so far)
 */
export function writtenPrefillAttention(ops: GraphOp[], hw: Pick<NormalizedHardware, 'runtime'>, ubatch?: number): GraphOp[] {
  const sc = hw.runtime?.kernels?.prefillScores;
  if (!sc) return ops;
  const perDecodeScore = sc.decodeBytesPerScore ?? 0;
  for (const op of ops) {
    const p = op.prefill;
    if (perDecodeScore > 0 && op.kind === 'attention' && !p && op.bytesPerCtx > 0 && op.kvHeadSeqs !== undefined && op.queriesPerKv !== undefined) {
      // a decode step: one score per cached token, query head and sequence, written out kernel by kernel
      op.bytesPerCtx += op.kvHeadSeqs * op.queriesPerKv * perDecodeScore;
      continue;
    }
    if (op.kind !== 'attention' || !p || !(p.pairs > 0) || !(p.width! > 0)) continue;
    // every query against every key of its view: the mask is added after QKᵀ (the whole prompt at once, or batch by batch)
    const all = ubatch !== undefined && ubatch > 0 && p.len > ubatch ? ubatchedWrittenPairs(p.len, ubatch, p.window) : p.len * p.len;
    op.flops *= all / p.pairs;
    const scores = op.flops / (2 * p.width!); // per head and sequence: 2 GEMMs × 2 FLOP × (dqk + dv) per score
    op.bytes += scores * sc.bytesPerScore;
    op.kernels = sc.kernels;
    op.kind = 'gemm';
    p.pairs = all;
  }
  return ops;
}
