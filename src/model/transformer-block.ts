// Op builders for the transformer blocks of the non-decoder families (ViT/CLIP/T5 encoders, Whisper, DiT,
// Perceiver/Flamingo connectors). Hardware-free: each builder returns ops for ONE layer with `count` = how many
// layers share the shape. The LLM path has its own graph (src/model/decoder-graph.ts).
//
// Conventions (same as src/model/op.ts and docs/design.md):
// - 2 FLOP per multiply-add; biases are fused into the GEMM epilogue (cuBLASLt / PyTorch addmm), so a bias adds
//   no kernel and no traffic beyond its (negligible) vector.
// - Attention runs as one fused kernel (FlashAttention, Dao et al. 2022, arXiv:2205.14135 §3: Q, K, V read once,
//   O written once, the score matrix stays on chip) when `fused`; otherwise (runtimes without a fused kernel,
//   e.g. phone NPU graphs) the scores [b, h, sq, skv] are written by QKᵀ, read and written by softmax, and read by
//   AV — three more passes over the score matrix (the "standard attention" of the same paper, Algorithm 0).
// - Elementwise kernels (norms, activations, residual adds, modulation) read their inputs and write their
//   outputs once each (eager frameworks run them as separate kernels).
import { type Op, elementwise, linear } from './op.js';
import type { Dtype, FfnSpec } from '../spec/types.js';

/** dtypes and element sizes of one run: GEMM compute dtype, weight/activation/KV bytes per element */
export interface Precision {
  compute: Dtype;
  weightBytes: number;
  actBytes: number;
  kvBytes: number;
}

export interface AttentionShape {
  batch: number; // independent sequences
  q: number; // query tokens per sequence
  kv: number; // key/value tokens per sequence
  heads: number;
  headDim: number;
}

/** fused or unfused attention core: QKᵀ, softmax, AV for `batch` sequences (projections not included) */
export function attentionCore(name: string, s: AttentionShape, p: Precision, fused: boolean, count = 1, kvBytes = p.actBytes): Op {
  const inner = s.heads * s.headDim;
  // QKᵀ [b, h, q, kv] and AV [b, h, q, dh]: 2 · (q · kv · dh) multiply-adds per head
  const flops = 2 * 2 * s.batch * s.heads * s.q * s.kv * s.headDim;
  const qo = 2 * s.batch * s.q * inner * p.actBytes; // Q read, O written   // [b, q, h·dh]
  const kvRead = 2 * s.batch * s.kv * inner * kvBytes; // K and V read        // [b, kv, h·dh]
  const scores = fused ? 0 : 4 * s.batch * s.heads * s.q * s.kv * p.actBytes; // QKᵀ write, softmax r+w, AV read
  // unfused: QKᵀ, scale, softmax and AV as separate kernels (the "standard attention" above)
  const op: Op = { name, kind: 'attention', flops, bytes: qo + kvRead + scores, weightBytes: 0, dtype: p.compute, count, kernels: fused ? 1 : 4 };
  if (fused) op.attn = { q: s.q, kv: s.kv, headDim: s.headDim };
  return op;
}

export interface BlockOpts {
  d: number; // model width
  heads: number;
  headDim: number;
  ffn: Pick<FfnSpec, 'kind' | 'intermediate'>;
  fused: boolean; // fused attention kernel available
}

/** pre-norm self-attention sub-block: norm → qkv → attention → out proj → residual add */
export function selfAttentionOps(prefix: string, batch: number, seq: number, o: BlockOpts, p: Precision, count: number, kvLen = seq): Op[] {
  const m = batch * seq;
  const inner = o.heads * o.headDim;
  return [
    elementwise(`${prefix}.norm1`, m * o.d, 5, 2 * p.actBytes, p.compute, count, 'norm'), // [b, s, d]
    linear(`${prefix}.qkv`, m, 3 * inner, o.d, p.compute, p.weightBytes, p.actBytes, count), // [b, s, 3·h·dh]
    attentionCore(`${prefix}.attn`, { batch, q: seq, kv: kvLen, heads: o.heads, headDim: o.headDim }, p, o.fused, count),
    linear(`${prefix}.out`, m, o.d, inner, p.compute, p.weightBytes, p.actBytes, count), // [b, s, d]
    elementwise(`${prefix}.residual1`, m * o.d, 1, 3 * p.actBytes, p.compute, count), // x + attn(x)
  ];
}

/**
 * cross-attention sub-block: queries from `seq` tokens, keys/values from `ctx` context tokens of width
 * `ctxDim`; `kvCached` when the context's K/V were projected earlier (Whisper decoder, Flamingo per token).
 */
export function crossAttentionOps(
  prefix: string,
  batch: number,
  seq: number,
  ctx: number,
  ctxDim: number,
  o: BlockOpts,
  p: Precision,
  count: number,
  kvCached: boolean,
): Op[] {
  const m = batch * seq;
  const inner = o.heads * o.headDim;
  const ops: Op[] = [
    elementwise(`${prefix}.norm`, m * o.d, 5, 2 * p.actBytes, p.compute, count, 'norm'),
    linear(`${prefix}.q`, m, inner, o.d, p.compute, p.weightBytes, p.actBytes, count), // [b, s, h·dh]
  ];
  if (!kvCached) ops.push(linear(`${prefix}.kv`, batch * ctx, 2 * inner, ctxDim, p.compute, p.weightBytes, p.actBytes, count)); // [b, ctx, 2·h·dh]
  ops.push(
    { ...attentionCore(`${prefix}.attn`, { batch, q: seq, kv: ctx, heads: o.heads, headDim: o.headDim }, p, o.fused, count, kvCached ? p.kvBytes : p.actBytes), cross: true },
    linear(`${prefix}.out`, m, o.d, inner, p.compute, p.weightBytes, p.actBytes, count),
    elementwise(`${prefix}.residual`, m * o.d, 1, 3 * p.actBytes, p.compute, count),
  );
  return ops;
}

/** pre-norm FFN sub-block: norm → up (gated: gate+up) → activation → down → residual add */
export function ffnOps(prefix: string, tokens: number, o: BlockOpts, p: Precision, count: number): Op[] {
  const I = o.ffn.intermediate;
  const gated = o.ffn.kind === 'gated';
  return [
    elementwise(`${prefix}.norm2`, tokens * o.d, 5, 2 * p.actBytes, p.compute, count, 'norm'),
    linear(`${prefix}.up`, tokens, (gated ? 2 : 1) * I, o.d, p.compute, p.weightBytes, p.actBytes, count), // [t, I(·2)]
    // GELU/SiLU (gated: act(gate) · up reads 2I, writes I)
    elementwise(`${prefix}.act`, tokens * I, 8, (gated ? 3 : 2) * p.actBytes, p.compute, count),
    linear(`${prefix}.down`, tokens, o.d, I, p.compute, p.weightBytes, p.actBytes, count), // [t, d]
    elementwise(`${prefix}.residual2`, tokens * o.d, 1, 3 * p.actBytes, p.compute, count),
  ];
}

/** a standard pre-norm encoder layer (ViT, CLIP, T5, Whisper encoder): self-attention + FFN */
export function encoderLayerOps(prefix: string, batch: number, seq: number, o: BlockOpts, p: Precision, count: number): Op[] {
  return [...selfAttentionOps(prefix, batch, seq, o, p, count), ...ffnOps(prefix, batch * seq, o, p, count)];
}

/** total FLOPs and bytes of a list of ops (each × its count) */
export function totals(ops: Op[]): { flops: number; bytes: number; weightBytes: number } {
  let flops = 0;
  let bytes = 0;
  let weightBytes = 0;
  for (const op of ops) {
    flops += op.flops * op.count;
    bytes += op.bytes * op.count;
    weightBytes += op.weightBytes * op.count;
  }
  return { flops, bytes, weightBytes };
}
