// Decoder-only LMs: dense, MoE (routed + shared experts, leading dense layers), MHA/GQA/MQA and MLA.
import type { DecoderModel } from '../../spec/types.js';
import { moeLayerCount } from '../layer-kinds.js';
import { type ParamCount, compact, ffnParams, normalizeBias, normParams, sumValues } from './common.js';

/** parameters of one attention block (projections + biases, + MLA latent norms) */
export function decoderAttentionParams(m: DecoderModel): number {
  const d = m.hidden;
  const bias = normalizeBias(m.bias as DecoderModel['bias'] | boolean);
  const a = m.attention;
  if (a && a.kind === 'mla') {
    const H = m.heads;
    const qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
    const q =
      a.q_lora_rank > 0
        ? d * a.q_lora_rank + normParams(m.norm, a.q_lora_rank) + a.q_lora_rank * H * qk // wq_a, q_norm, wq_b
        : d * H * qk; // wq
    const kv =
      d * (a.kv_lora_rank + a.qk_rope_head_dim) + // wkv_a: latent + shared rope key
      normParams(m.norm, a.kv_lora_rank) + // kv_norm
      a.kv_lora_rank * H * (a.qk_nope_head_dim + a.v_head_dim); // wkv_b
    const o = H * a.v_head_dim * d;
    return q + kv + o + (bias.out ? d : 0) + attentionExtras(m);
  }
  const qDim = m.heads * m.head_dim;
  const kvDim = m.kv_heads * m.head_dim;
  return d * qDim + 2 * d * kvDim + qDim * d + (bias.qkv ? qDim + 2 * kvDim : 0) + (bias.out ? d : 0) + attentionExtras(m);
}

/** per-layer extras of the attention features: sink logits (one per head, gpt-oss `self_attn.sinks`) and the
 *  q/k RMSNorm weights (head_dim each, shared by the heads: Qwen3 `q_norm`/`k_norm`, Gemma 3); an L2 qk-norm
 *  (Llama 4) has no weights */
function attentionExtras(m: DecoderModel): number {
  const a = m.attention;
  if (!a) return 0;
  return (a.sinks ? m.heads : 0) + (a.qk_norm === 'rmsnorm' ? 2 * m.head_dim : 0);
}

export function decoderParams(m: DecoderModel): ParamCount {
  const d = m.hidden;
  const bias = normalizeBias(m.bias as DecoderModel['bias'] | boolean);
  const moe = m.moe;
  const moeLayers = moeLayerCount(m);
  const denseLayers = m.layers - moeLayers;

  const tokenEmb = m.vocab * d;
  const posEmb = m.position === 'learned' ? m.context * d : 0;
  const attention = m.layers * decoderAttentionParams(m);
  const norms =
    m.layers * (m.parallel_block ? 1 : 2 + (m.post_norms ? 2 : 0)) * normParams(m.norm, d) + (m.final_norm ? normParams(m.norm, d) : 0);
  const denseFfn = denseLayers * ffnParams(m.ffn.kind, d, m.ffn.intermediate, bias.ffn);

  let routed = 0;
  let routedActive = 0;
  let shared = 0;
  let router = 0;
  if (moe && moeLayers > 0) {
    const expert = ffnParams(m.ffn.kind, d, moe.intermediate, bias.ffn);
    routed = moeLayers * moe.experts * expert;
    routedActive = moeLayers * Math.min(moe.active, moe.experts) * expert;
    if (moe.shared > 0) {
      const sharedWidth = moe.shared_intermediate ?? moe.shared * moe.intermediate;
      shared = moeLayers * ffnParams(m.ffn.kind, d, sharedWidth, bias.ffn);
    }
    router = moeLayers * moe.experts * (d + (moe.router_bias ? 1 : 0)); // gate: hidden → expert logits
  }
  const lmHead = m.tied_embeddings ? 0 : m.vocab * d;

  const breakdown = compact({
    embedding: tokenEmb,
    position: posEmb,
    attention,
    ffn: denseFfn,
    moe_experts: routed,
    moe_shared: shared,
    router,
    norms,
    lm_head: lmHead,
  });
  const total = sumValues(breakdown);
  const active = total - routed + routedActive;
  return { total, active, embedding: tokenEmb + posEmb, breakdown };
}

/**
 * FLOPs of one token's forward at short context (attention over the cache ignored): 2 × every weight the token
 * multiplies — the active parameters without the embedding tables (a lookup, not a matmul), plus the LM head
 * (which with tied embeddings reuses the token table).
 */
export function decoderForwardFlops(m: DecoderModel): number {
  const p = decoderParams(m);
  const head = m.tied_embeddings ? m.vocab * m.hidden : 0; // untied head is already in `active`
  return 2 * (p.active - p.embedding + head);
}
