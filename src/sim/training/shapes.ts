// Hardware-free facts about a decoder that training needs: layer widths, parameter groups (dense vs routed
// experts, which shard differently) and the model-FLOP convention of docs/design.md.
import type { DecoderModel } from '../../spec/types.js';
import { layerAttentionCounts, localWindow, moeLayerCount, prefillPairs, type LocalWindow } from '../../model/layer-kinds.js';
import { countParams, decoderAttentionParams } from '../../model/params.js';

export interface DecoderShape {
  hidden: number;
  layers: number;
  denseLayers: number; // layers with a dense FFN (all of them for a dense model)
  moeLayers: number;
  heads: number;
  qDim: number; // heads × q/k head dim (MLA: nope + rope)
  kvDim: number; // K (and V) width stored per token before attention (GQA: kv_heads × head_dim)
  vDim: number; // heads × v head dim
  // MLA (DeepSeek-V2/V3): compressed latents that feed the up-projections (q: q_lora_rank, kv: kv_lora_rank + the
  // decoupled RoPE key); null for MHA/GQA/MQA
  mla: { qLora: number; kvLora: number; rope: number; upParams: number } | null;
  attnParams: number; // per layer
  ffnWidth: number; // dense FFN intermediate
  gated: boolean;
  // the model's norm and position encoding (the eager norm / RoPE chains of ./layer-cost.ts apply to RMSNorm and
  // rotary models only); absent: RMSNorm, rotary
  norm?: 'rmsnorm' | 'layernorm';
  rotary?: boolean;
  expertWidth: number; // one routed expert's intermediate (0 = dense model)
  experts: number;
  active: number;
  groupLimit?: { groups: number; topk: number }; // group-limited routing (DeepSeek-V3: top-4 of 8 expert blocks)
  sharedWidth: number; // shared-expert intermediate (0 = none)
  vocab: number;
  dAttn: number; // Kaplan's d_attn = heads × head_dim
  paramsTotal: number;
  paramsActive: number;
  paramsExpert: number; // routed-expert parameters (shard over ep)
  paramsDense: number; // everything else (shard over tp·pp only)
  paramsEmbedding: number; // input embedding (+ position) table
  paramsHead: number; // untied LM head (0 when tied)
  // the layers' attention kinds as shares of all layers, each with its window (undefined: full causal attention)
  attentionKinds: { share: number; window: LocalWindow | undefined }[];
}

export function decoderShape(m: DecoderModel): DecoderShape {
  const p = countParams(m);
  const mla = m.attention?.kind === 'mla' ? m.attention : undefined;
  const qDim = mla ? m.heads * (mla.qk_nope_head_dim + mla.qk_rope_head_dim) : m.heads * m.head_dim;
  const vDim = mla ? m.heads * mla.v_head_dim : m.heads * m.head_dim;
  const kvDim = mla ? qDim : m.kv_heads * m.head_dim; // MLA decompresses full K per head for training
  const moe = m.moe;
  const denseLayers = m.layers - moeLayerCount(m);
  const paramsExpert = p.breakdown.moe_experts ?? 0;
  return {
    hidden: m.hidden,
    layers: m.layers,
    denseLayers,
    moeLayers: m.layers - denseLayers,
    heads: m.heads,
    qDim,
    kvDim,
    vDim,
    mla: mla
      ? {
          qLora: mla.q_lora_rank,
          kvLora: mla.kv_lora_rank,
          rope: mla.qk_rope_head_dim,
          // up-projections: q_lora → heads·(nope + rope) (when q is compressed), kv_lora → heads·(nope + v)
          upParams: (mla.q_lora_rank > 0 ? mla.q_lora_rank * qDim : 0) + mla.kv_lora_rank * m.heads * (mla.qk_nope_head_dim + mla.v_head_dim),
        }
      : null,
    attnParams: decoderAttentionParams(m),
    ffnWidth: m.ffn.intermediate,
    gated: m.ffn.kind === 'gated',
    norm: m.norm,
    rotary: m.position === 'rope',
    expertWidth: moe ? moe.intermediate : 0,
    experts: moe ? moe.experts : 1,
    active: moe ? Math.min(moe.active, moe.experts) : 1,
    ...(moe?.expert_groups && moe.topk_groups ? { groupLimit: { groups: moe.expert_groups, topk: moe.topk_groups } } : {}),
    sharedWidth: moe && moe.shared > 0 ? (moe.shared_intermediate ?? moe.shared * moe.intermediate) : 0,
    vocab: m.vocab,
    dAttn: m.heads * m.head_dim,
    paramsTotal: p.total,
    paramsActive: p.active,
    paramsExpert,
    paramsDense: p.total - paramsExpert,
    paramsEmbedding: p.embedding,
    paramsHead: p.breakdown.lm_head ?? 0,
    attentionKinds: attentionKinds(m),
  };
}

function attentionKinds(m: DecoderModel): DecoderShape['attentionKinds'] {
  const counts = layerAttentionCounts(m);
  const out: DecoderShape['attentionKinds'] = [];
  for (const kind of ['full', 'sliding', 'chunked'] as const) {
    if (counts[kind] > 0) out.push({ share: counts[kind] / m.layers, window: kind === 'full' ? undefined : localWindow(m, kind) });
  }
  return out;
}

/**
 * The core attention of one layer as the kernels that run it, per attention kind: `layers` the share of the layers
 * (Q, K, V read and O written once per layer), `pairs` the share of a full causal attention's query·key pairs they
 * compute (a sliding layer, gpt-oss 128 / Gemma 3 1024, or a chunked one, Llama 4, only those inside its window:
 * src/model/layer-kinds.ts prefillPairs; the fused kernels training runs skip the masked-out key blocks —
 * FlashAttention-2/3 window_size, Transformer Engine / cuDNN fused attention with window_size, which Megatron-Core
 * passes for gpt-oss's alternating layers), and `kernelLen` the causal length whose kernel loop is as long as the
 * windowed one (a query sees about W keys: 2W; a chunk is a causal attention over C: C), which sets the kernel's rate
 * (./attention-length.ts). Full layers: undefined (the sequence shard).
 */
export function attentionParts(s: DecoderShape, seqLen: number): { layers: number; pairs: number; kernelLen?: number }[] {
  if (!(seqLen > 0) || s.attentionKinds.length === 0) return [{ layers: 1, pairs: 1 }];
  const full = (seqLen * (seqLen + 1)) / 2;
  return s.attentionKinds.map((k) =>
    k.window
      ? { layers: k.share, pairs: (k.share * prefillPairs(k.window, seqLen)) / full, kernelLen: k.window.kind === 'sliding' ? 2 * k.window.size : k.window.size }
      : { layers: k.share, pairs: k.share },
  );
}

/** the share of a full causal attention's query·key pairs a training sequence of `seqLen` tokens computes, averaged
 *  over the layers (1 for full attention): the sum of attentionParts' pairs */
export function attentionPairShare(s: DecoderShape, seqLen: number): number {
  return attentionParts(s, seqLen).reduce((a, x) => a + x.pairs, 0);
}

// Model FLOPs per trained token (docs/design.md): 6·N_active + 6·n_layer·n_ctx·d_attn.
// Kaplan et al. 2020, "Scaling Laws for Neural Language Models", Table 1: forward C ≈ 2N + 2·n_layer·n_ctx·d_attn,
// backward ≈ 2× forward. The attention term is not halved for the causal mask; recomputation is not counted.
export function modelFlopsPerToken(s: DecoderShape, seqLen: number): number {
  return 6 * s.paramsActive + 6 * s.layers * seqLen * s.dAttn;
}
