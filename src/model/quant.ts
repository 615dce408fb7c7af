// Quantization schemes (docs/design.md "Quantization" table): one `--dtype` sets the dtype of weights,
// activations (GEMM inputs) and KV cache at once; `--weights`, `--activations`, `--kv-cache` override one.
//
// Bits per weight include the scales stored beside the weights:
//   fp4  NVFP4: 4-bit e2m1 + one fp8 scale per 16 values → 4 + 8/16 = 4.5 (NVIDIA, "Introducing NVFP4", 2025)
//   int4 AWQ/GPTQ w4a16, group 128 with an fp16 scale and a 4-bit zero → 4 + 20/128 ≈ 4.16; we use 4.25
//        (group 64 or a 16-bit zero, as phone NPU toolchains ship) — Lin et al., AWQ, MLSys 2024
//   q8_0 llama.cpp GGUF: blocks of 32 int8 + one fp16 scale → (32·8 + 16)/32 = 8.5 (ggml-common.h block_q8_0)
//   q4_0 llama.cpp GGUF: blocks of 32 4-bit + one fp16 scale → (32·4 + 16)/32 = 4.5 (ggml-common.h block_q4_0)
//   q4_k_m llama.cpp GGUF Q4_K_M mixture: Q4_K blocks (4.5) with Q6_K for half of the ffn_down and attn_v tensors and
//        for the LM head (src/model/q4-k-m.ts): the FFN's mean 4.84, the attention's by model from moduleBits below
import type { DecoderModel, Dtype } from '../spec/types.js';
import type { QuantScheme } from '../sim/types.js';
import { UserError } from '../spec/errors.js';
import { DTYPE_BYTES } from './dtype-bytes.js';
import { Q4_K_M_EMBEDDING_BITS, Q4_K_M_FFN_BITS, Q4_K_M_HEAD_BITS, q4kmAttentionBits } from './q4-k-m.js';

export const QUANT_SCHEMES: readonly QuantScheme[] = ['fp32', 'bf16', 'fp16', 'fp8', 'fp4', 'int8', 'int4', 'q8_0', 'q4_0', 'q4_k_m'];

export interface Precision {
  weightBits: number; // bits per weight of the transformer linears, scales included
  headBits: number; // LM head (and embedding table) bits per weight
  gemmDtype: Dtype; // dtype the GEMMs run in (activations)
  actBytes: number; // bytes per element of activations kept in memory between kernels
  kvBytes: number; // bytes per KV-cache element
  weights: string; // labels for the result
  activations: string;
  kvCache: string;
  gguf?: boolean; // GGUF block-quantized weights (q4_0, q8_0): llama.cpp's kernels
}

// weight bits by scheme or plain dtype: a plain dtype's element (dtype-bytes.ts), a block-quantized scheme's with its
// scales (the header above)
const PLAIN_WEIGHTS: readonly Dtype[] = ['fp32', 'tf32', 'bf16', 'fp16', 'fp8', 'int8', 'fp6'];
const WEIGHT_BITS: Record<string, number> = {
  ...Object.fromEntries(PLAIN_WEIGHTS.map((d) => [d, DTYPE_BYTES[d] * 8])),
  fp4: 4.5, int4: 4.25, q8_0: 8.5, q4_0: 4.5, q4_k_m: Q4_K_M_FFN_BITS,
};
// GEMM dtype by scheme: weight-only schemes (int4, q8_0, q4_0) dequantize to fp16 and multiply in fp16
const GEMM_DTYPE: Record<string, Dtype> = {
  fp32: 'fp32', tf32: 'tf32', bf16: 'bf16', fp16: 'fp16', fp8: 'fp8', int8: 'int8', fp6: 'fp6', fp4: 'fp4',
  int4: 'fp16', q8_0: 'fp16', q4_0: 'fp16', q4_k_m: 'fp16',
};
// KV-cache dtype by scheme (docs/design.md table): fp8 and fp4 keep an fp8 cache, the others 16-bit
const KV_OF_SCHEME: Record<string, string> = {
  fp32: 'fp32', tf32: 'fp32', bf16: 'bf16', fp16: 'fp16', fp8: 'fp8', fp4: 'fp8', int8: 'fp16', int4: 'fp16',
  q8_0: 'fp16', q4_0: 'fp16', q4_k_m: 'fp16', fp6: 'fp8',
};
/** the KV-cache dtype a `--dtype` scheme carries (the table above), or undefined for an unknown scheme */
export function schemeKvCache(dtype: string): string | undefined {
  return Object.hasOwn(KV_OF_SCHEME, dtype) ? KV_OF_SCHEME[dtype] : undefined;
}
// a KV-cache element is stored as a weight of its scheme is, block scales included (llama.cpp's q8_0 / q4_0 cache
// types are the weight blocks; NVFP4's cache keeps the fp8 scale per 16 values)
const KV_TYPES = [...PLAIN_WEIGHTS, 'fp4', 'int4', 'q8_0', 'q4_0'];
const KV_BYTES: Record<string, number> = Object.fromEntries(KV_TYPES.map((k) => [k, WEIGHT_BITS[k]! / 8]));

function check(flag: string, v: string): string {
  if (!Object.hasOwn(WEIGHT_BITS, v)) {
    throw new UserError(`${flag}: unknown dtype "${v}" (expected one of ${[...QUANT_SCHEMES, 'fp6', 'tf32'].join(', ')})`);
  }
  return v;
}

/** a runtime's own quantizer layout (runtimes/*.yaml kernels.quantized_weight_bits / quantized_head_bits) */
export interface RuntimeBits {
  quantizedWeightBits?: Partial<Record<string, number>>;
  quantizedHeadBits?: Partial<Record<string, number>>;
}

/**
 * `rt`: the bound runtime's kernels, whose quantizer may store a scheme with other bits per weight than the table above
 * (gpt-fast's int4 at its default group size 32 keeps a bf16 scale and zero per group: 4 + 32/32 = 5 bits; its int8
 * handler quantizes every nn.Linear, the LM head included). Only the --weights scheme it names changes.
 */
export function resolvePrecision(dtype: string, weights?: string, activations?: string, kvCache?: string, rt?: RuntimeBits): Precision {
  check('--dtype', dtype);
  const w = weights ? check('--weights', weights) : dtype;
  const a = activations ? check('--activations', activations) : dtype;
  const kv = kvCache ? check('--kv-cache', kvCache) : KV_OF_SCHEME[dtype]!;
  // a k-quant mixture is a weight file layout: llama.cpp's KV cache types are f32, f16, bf16, q8_0, q4_0, q4_1,
  // iq4_nl, q5_0 and q5_1 (common/arg.cpp kv_cache_types)
  if (!Object.hasOwn(KV_BYTES, kv)) throw new UserError(`--kv-cache: "${kv}" is a weight format, not a KV-cache type (use q4_0, q8_0, fp8, bf16 or fp16)`);
  const weightBits = rt?.quantizedWeightBits?.[w] ?? WEIGHT_BITS[w]!;
  // The LM head (and the embedding table) stays 16-bit under fp8/fp4/int8 GEMM quantization (TensorRT Model Optimizer
  // excludes lm_head by default) and in int4 w4a16 checkpoints: AutoAWQ quantizes only the linears of the decoder
  // layers (AwqQuantizer over get_model_layers), GPTQModel's QuantizeConfig has lm_head = False by default, and
  // embeddings are never quantized; a Qwen3-32B AWQ checkpoint carries its 151,936 x 5,120 embedding and head in 16-bit
  // (~3.1 GB of its ~19.7 GB). GGUF schemes, and runtimes with their own quantizer that quantizes them (MLX's
  // nn.quantize, MLC's q4f16_1, gpt-fast: kernels.quantized_head_bits), quantize them with the rest.
  const headBits = rt?.quantizedHeadBits?.[w] ?? (w === 'fp8' || w === 'fp4' || w === 'int8' || w === 'fp6' || w === 'int4' ? 16 : w === 'q4_k_m' ? Q4_K_M_HEAD_BITS : weightBits);
  // an explicit --activations int4 is W4A4 (4-bit activations into INT4 tensor-core GEMMs: Nunchaku SVDQuant); the int4
  // scheme itself (--dtype int4) stays weight-only w4a16
  const gemmDtype: Dtype = activations === 'int4' ? 'int4' : GEMM_DTYPE[a]!;
  return {
    weightBits,
    headBits,
    gemmDtype,
    actBytes: gemmDtype === 'fp32' || gemmDtype === 'tf32' ? 4 : 2,
    kvBytes: KV_BYTES[kv]!,
    weights: w,
    activations: gemmDtype, // weight-only schemes (int4, q4_0, q4_k_m, q8_0) multiply in fp16: report what the GEMMs take
    kvCache: kv,
    gguf: w === 'q4_0' || w === 'q4_k_m' || w === 'q8_0' ? true : undefined,
  };
}

// GEMM dtypes narrower than 16 bits: their fused attention takes a 16-bit path unless the KV cache is narrow too
const NARROW_GEMM: ReadonlySet<Dtype> = new Set<Dtype>(['fp8', 'int8', 'fp6', 'fp4', 'int4']);
// GEMM dtypes narrower than a byte: no attention kernel has a matching path (see attentionDtype)
const SUB_BYTE_GEMM: ReadonlySet<Dtype> = new Set<Dtype>(['fp6', 'fp4']);

/**
 * Element type the fused attention multiplies in. Q·Kᵀ and P·V take K and V as the cache holds them: an 8-bit
 * attention kernel runs only over an 8-bit cache (TensorRT-LLM's FP8 context FMHA goes with an FP8 KV cache — "fp8:
 * FP8 weights with 16-bit KV cache; fp8_kv: FP8 weights with FP8 KV cache, faster attention with FP8 context FMHA",
 * Baseten TRT-LLM engine config reference; vLLM docs features/quantization/quantized_kvcache.md: "When using the
 * Flash Attention 3 backend with FP8 KV cache, attention operations are also performed in the quantized (FP8)
 * domain ... queries are quantized to FP8"). So fp8 / int8 GEMMs over a 16-bit cache (an FP8 checkpoint without KV
 * scales, W8A8 int8) attend at the 16-bit rate; over an 8-bit cache, or with 16-bit GEMMs, at the GEMM dtype.
 */
export function attentionDtype(p: Pick<Precision, 'gemmDtype' | 'kvBytes' | 'kvCache'>): Dtype {
  if (p.kvBytes >= 2 && NARROW_GEMM.has(p.gemmDtype)) return p.kvCache === 'fp16' ? 'fp16' : 'bf16';
  // No fused attention multiplies in 4 or 6 bits: under NVFP4 / MXFP4 GEMMs the context FMHA runs in FP8 (NVIDIA's MLPerf
  // TensorRT-LLM configs for its fp4 llama2-70b and llama3.1-405b engines set use_fp8_context_fmha: enable, with an FP8
  // KV cache; FlashInfer / FlashAttention kernels stop at FP8 too). Pricing it at the fp4 peak made long-prompt prefill
  // on Blackwell twice as fast as the FP8 kernel it runs.
  if (SUB_BYTE_GEMM.has(p.gemmDtype)) return 'fp8';
  return p.gemmDtype;
}

export interface ModuleBits {
  attnBits: number; // bits per weight of the attention projections (q/k/v/o, MLA's latent projections)
  attnDtype: Dtype; // dtype those GEMMs multiply in
  embBits: number; // embedding table
  headBits: number; // LM head
  headDtype: Dtype; // dtype the LM head multiplies in
  ffnBits: number; // mean bits per weight of the dense FFN (a checkpoint may keep some layers' FFN 16-bit: edge_ffn)
}

/**
 * Dtype of a GEMM over weights of `bits` per weight: 16-bit weights multiply in 16 bits, whatever the narrow dtype of
 * the quantized linears (the LM head a checkpoint keeps in bf16 is an unquantized Linear: TensorRT Model Optimizer's
 * quantization configs disable "*lm_head*", and NVIDIA's MLPerf harness quantizes it only on request, FP8 alone:
 * mlcommons/inference_results_v5.1 closed/NVIDIA/code/llmlib/hf_quantize.py quantize_lm_head=False; vLLM's
 * ParallelLMHead of an FP8 / NVFP4 checkpoint without lm_head in its quantized modules runs UnquantizedEmbeddingMethod,
 * a bf16 GEMM). GGUF keeps its own kernels; weight-only schemes already multiply in 16 bits.
 */
export function gemmDtypeForBits(p: Pick<Precision, 'gemmDtype' | 'gguf'>, bits: number): Dtype {
  return bits >= 16 && !p.gguf && NARROW_GEMM.has(p.gemmDtype) ? 'bf16' : p.gemmDtype;
}

/**
 * Per-module weight precision of a model whose checkpoint quantizes only some weights. gpt-oss ships MXFP4 MoE experts
 * and keeps the rest in bf16: HF openai/gpt-oss-20b and gpt-oss-120b config.json quantization_config
 * {quant_method: mxfp4, modules_to_not_convert: [model.layers.*.self_attn, model.layers.*.mlp.router,
 * model.embed_tokens, lm_head]}; vLLM runs them so (vllm/model_executor/layers/quantization/mxfp4.py @007d500:
 * Mxfp4Config.get_quant_method gives every LinearBase UnquantizedLinearMethod, FusedMoE the MXFP4 MoE method).
 * Applies when the weights are below 8 bits (the low-bit checkpoint; an fp8/int8/16-bit run quantizes as the flag
 * says). The kept weights are 16-bit in a safetensors checkpoint and q8_0 in a GGUF one: llama.cpp's
 * gpt-oss-20b-mxfp4.gguf holds 289 f32, 98 q8_0 and 72 mxfp4 tensors (its loader log, e.g. ikawrakow/ik_llama.cpp
 * issue #822: 98 = 24 layers × q/k/v/o + token_embd + output; the 72 are the experts' gate/up/down; the router
 * ffn_gate_inp is among the f32), 11.27 GiB at 4.63 bits per weight.
 * A model whose checkpoint ships at 8 bits (its dtype: fp8 or int8) keeps its list at 8 bits too. Meta's FP8 Llama 3.1 405B
 * (fp8_mixed) quantizes only the FFN of layers 1..n-2: meta-llama/llama-models @dfbccc93
 * models/llama3/quantization/loader.py convert_to_fp8_quantized_model skips block.layer_id 0 and n_layers - 1 and
 * touches feed_forward w1/w3/w2 alone, so attention, embeddings, LM head and the two edge FFNs stay bf16 ('edge_ffn':
 * priced as the dense FFN's mean bits per weight; those two layers' GEMMs are priced at the quantized dtype's rate).
 */
export function moduleBits(m: { unquantized?: readonly string[] } & Partial<Pick<DecoderModel, 'heads' | 'kv_heads' | 'layers' | 'moe' | 'attention' | 'tied_embeddings' | 'dtype'>>, p: Precision): ModuleBits {
  const keep = m.unquantized;
  // a Q4_K_M file's attention projections carry their own mixture (v wider than q/k/o); its embedding table is Q4_K,
  // or the output tensor's Q6_K when the two are one tensor (tied embeddings)
  const q4km = p.weights === 'q4_k_m' && m.heads !== undefined && m.kv_heads !== undefined && m.layers !== undefined;
  const plain = q4km
    ? { attnBits: q4kmAttentionBits(m as DecoderModel), attnDtype: p.gemmDtype, embBits: m.tied_embeddings ? p.headBits : Q4_K_M_EMBEDDING_BITS, headBits: p.headBits, headDtype: p.gemmDtype, ffnBits: p.weightBits }
    : { attnBits: p.weightBits, attnDtype: p.gemmDtype, embBits: p.headBits, headBits: p.headBits, headDtype: gemmDtypeForBits(p, p.headBits), ffnBits: p.weightBits };
  const applies = p.weightBits < 8 || ((m.dtype === 'fp8' || m.dtype === 'int8') && p.weightBits <= 8);
  if (!keep || keep.length === 0 || !applies) return plain;
  const bits = p.gguf ? WEIGHT_BITS.q8_0! : 16;
  // the two edge layers' FFN (dense models only: a MoE's first layers are its dense ones, a different split)
  const edge = keep.includes('edge_ffn') && !m.moe && m.layers !== undefined && m.layers > 2 ? 2 / m.layers : 0;
  // 16-bit weights multiply in 16-bit: a narrow GEMM dtype (fp4) is the experts', not theirs
  const dtype: Dtype = !p.gguf && NARROW_GEMM.has(p.gemmDtype) ? 'bf16' : p.gemmDtype;
  return {
    attnBits: keep.includes('attention') ? Math.max(bits, p.weightBits) : p.weightBits,
    attnDtype: keep.includes('attention') ? dtype : p.gemmDtype,
    embBits: keep.includes('embeddings') ? Math.max(bits, p.headBits) : p.headBits,
    headBits: keep.includes('lm_head') ? Math.max(bits, p.headBits) : p.headBits,
    headDtype: gemmDtypeForBits(p, keep.includes('lm_head') ? Math.max(bits, p.headBits) : p.headBits),
    ffnBits: p.weightBits * (1 - edge) + Math.max(bits, p.weightBits) * edge,
  };
}
