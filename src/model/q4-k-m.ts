// llama.cpp's Q4_K_M mixture: which GGUF block type each tensor of a decoder gets when a file is quantized with
// `llama-quantize … Q4_K_M` (ggml-org/llama.cpp src/llama-quant.cpp llama_tensor_get_type; the rules below have been
// the same since the k-quants landed, PR #1684). Bits per weight of the block types (ggml-common.h):
//   Q4_K  256 weights in 144 bytes (d, dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles) → 4.5
//   Q5_K  256 in 176 → 5.5;   Q6_K  256 in 210 (ql[128], qh[64], scales[16], d) → 6.5625;   Q8_0  32 in 34 → 8.5
// Rules for Q4_K_M (non-Falcon architectures):
//   - every tensor Q4_K unless named below; the output tensor (LM head) Q6_K;
//   - attn_v and ffn_down Q6_K in the layers use_more_bits picks (the first and last eighth, and every third layer
//     between: half of the layers for any layer count divisible by 8, and within one layer of half otherwise);
//   - a 70B-class model (80 layers) keeps its other attn_v at Q5_K instead of Q4_K;
//   - an 8-expert MoE (Mixtral) stores attn_v and attn_k at Q8_0 and attn_output at Q5_K.
// Check against published file sizes: Llama-2-7B 4.08 GB (TheBloke/Llama-2-7B-GGUF llama-2-7b.Q4_K_M.gguf), which
// these bits give to within 0.1% (test/q4-k-m.test.ts).
import type { DecoderModel } from '../spec/types.js';

const Q4_K = 4.5;
const Q5_K = 5.5;
const Q6_K = 6.5625;
const Q8_0 = 8.5;
const MORE_BITS_SHARE = 0.5; // use_more_bits: half of the layers take the wider type

/** bits per weight of the FFN matrices (gate, up Q4_K; down Q6_K in half of the layers): one number for the scheme */
export const Q4_K_M_FFN_BITS = (2 * Q4_K + (MORE_BITS_SHARE * Q6_K + (1 - MORE_BITS_SHARE) * Q4_K)) / 3;
/** the LM head (output.weight): Q6_K */
export const Q4_K_M_HEAD_BITS = Q6_K;
/** the token embedding table (token_embd.weight) when it is not the LM head's tensor: Q4_K */
export const Q4_K_M_EMBEDDING_BITS = Q4_K;

/** mean bits per weight of a layer's attention projections (q, k, v, o weighted by their sizes); MLA projections Q4_K */
export function q4kmAttentionBits(m: Pick<DecoderModel, 'heads' | 'kv_heads' | 'layers' | 'moe' | 'attention'>): number {
  if (m.attention?.kind === 'mla') return Q4_K;
  const eightExperts = m.moe?.experts === 8;
  const vRest = m.layers === 80 ? Q5_K : Q4_K;
  const v = eightExperts ? Q8_0 : MORE_BITS_SHARE * Q6_K + (1 - MORE_BITS_SHARE) * vRest;
  const k = eightExperts ? Q8_0 : Q4_K;
  const o = eightExperts ? Q5_K : Q4_K;
  // q and o are heads × head_dim wide, k and v kv_heads × head_dim (the head_dim and hidden factors cancel)
  return (m.heads * Q4_K + m.kv_heads * k + m.kv_heads * v + m.heads * o) / (2 * m.heads + 2 * m.kv_heads);
}
