// Kernels a serving runtime launches per attention layer that the decoder graph (src/model/decoder-graph.ts) does not
// list as ops of their own, for models with per-head K/V (MLA's are runtime kernels.mla_decode_kernels):
//
// runtime kernels.rope_kernels N: the rotary embedding of q and k runs as N kernels between the QKV projection (and the
// q/k norm) and the attention call: a `rope` op per attention layer that reads and writes q and k once, priced as any
// pointwise op (its bytes, the per-kernel gap). vLLM: RotaryEmbedding (ops.rotary_embedding, q and k in one call, or
// the same code as one Inductor kernel); SGLang: apply_rope_with_cos_sin_cache_inplace (q and k in one call).
// TensorRT-LLM rotates q and k inside its attention op's QKV preprocessing: 0 there.
//
// runtime kernels.kv_write_kernels N: the paged KV-cache write runs as N kernels between the rope and the attention
// kernel (vLLM FlashAttentionImpl: reshape_and_cache_flash; SGLang set_kv_buffer; TensorRT-LLM's QKV preprocessing
// kernel, which also applies the rope): a pointwise `kv_write` op per attention layer that reads the step's K and V
// (their write into the cache is already in the attention op's bytes). A step whose attention the runtime measured as
// whole calls (kernels.decode_attention for the pass's KV width, kernels.prefill_attention for its attention dtype,
// src/sim/roofline.ts) has none: the measured calls hold the write (aiconfigurator times the backend's forward, write
// included). A runtime that writes the cache inside its rope kernel for some models says so with a fusion group
// [rope, kv_write].
//
// runtime kernels.fp8_input_quant: per-tensor FP8 linears quantize their 16-bit input in a kernel of their own where it
// comes from a norm: TensorRT-LLM's PyTorch-flow Linear with FP8QDQLinearMethod runs static_quantize_e4m3_per_tensor on a
// bf16 input (tensorrt_llm/_torch/modules/linear.py), and its decoder layers feed qkv_proj and the GatedMLP's
// gate_up_proj the RMSNorm's bf16 output (o_proj gets fp8 from the attention kernel, down_proj from the fused
// SwiGLU + quantize). An `input_quant` pointwise op before qkv_proj (each attention layer) and before a dense ffn_up,
// reading [tokens, hidden] 16-bit and writing it 8-bit. A MoE layer runs the same kernel on the experts' input: the
// fused MoE modules quantize x before their grouped GEMMs (CutlassFusedMoE / WideEPMoE forward: `if self.has_fp8_qdq:
// x, _ = torch.ops.tensorrt_llm.static_quantize_e4m3_per_tensor(x, self.fc31_input_dequant)`,
// modules/fused_moe/fused_moe_cutlass.py, fused_moe_wide_ep.py), so one more op before moe_permute over the FFN's
// [tokens, hidden] rows (not for block-scaled FP8 experts: has_deepseek_fp8_block_scales skips it; not NVFP4).
// Only LlamaDecoderLayer (LlamaForCausalLM: Llama 2 and Llama 3.x dense) moves the quantize into the all-reduce
// (modeling_llama.py: enable_fusion &= hidden_size > 4096; PRE_MLP_FUSION = has_tp and not enable_attention_dp, the
// o_proj all-reduce with post_attention_layernorm and gate_up_proj's quantize; POST_MLP_FUSION = has_tp, the
// down_proj all-reduce with the next layer's input_layernorm and qkv_proj's quantize; RESIDUAL_RMS_NORM_QUANT_FP8):
// no kernel for ffn_up where the attention all-reduce is in the graph, none for qkv_proj where the FFN all-reduce is.
// Other architectures' layers (Qwen3DecoderLayer @010bb95f: plain RMSNorms; the rest not checked per release) keep
// both kernels. Not for block-scaled FP8 (per-token-group quantize: another kernel, not priced here) or MLA.
//
// Hot path: nothing is done for runtimes without the fields; otherwise one scan of a ~20-op list and, for the rope, one
// new op built with the graph's own op shape (never a property added to an existing op).
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import { graphOp, kvBytesPerTokenLayer, type GraphOp, type PassShape } from '../model/decoder-graph.js';
import { attentionDtype, type Precision } from '../model/quant.js';
import { decodeAttentionTable, prefillAttentionTable } from './roofline.js';

/** the pass's ops with the runtime's per-layer rope and KV-write ops (`ops` itself where the runtime adds none, else a new
 *  list: `rope` after the q/k norm or the QKV projection, `kv_write` after it) */
export function layerKernels(ops: GraphOp[], hw: Pick<NormalizedHardware, 'runtime'>, m: DecoderModel, p: Precision, s: PassShape, heads: number, kvHeads: number): GraphOp[] {
  const k = hw.runtime?.kernels;
  if (!k || (!k.ropeKernels && !k.kvWriteKernels && !k.fp8InputQuant)) return ops;
  if (m.attention?.kind === 'mla' || !(kvHeads > 0)) return ops;
  let after = -1;
  let qkvAt = -1;
  let upAt = -1;
  let moeAt = -1;
  let arAttn = false;
  let arFfn = false;
  let qkv: GraphOp | undefined;
  let up: GraphOp | undefined;
  let rows = 0;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    const n = o.name;
    if (n === 'qkv_proj') { qkv = o; after = i; qkvAt = i; }
    else if (n === 'qk_norm') after = i;
    else if (n === 'ffn_up' && !o.groups) upAt = i;
    else if (n === 'router') rows = o.m ?? 0;
    else if (n === 'moe_permute') moeAt = i;
    else if (n === 'experts_up') up = o;
    else if (n === 'allreduce_attn') arAttn = true;
    else if (n === 'allreduce_ffn') arFfn = true;
  }
  const tokens = qkv?.m ?? 0;
  if (!qkv || !(tokens > 0)) return ops;
  if (k.fp8InputQuant === true && qkv.dtype === 'fp8' && !qkv.fp8Block) {
    // LlamaDecoderLayer's all-reduce fusion (see the header): PRE_MLP_FUSION carries ffn_up's quantize, POST_MLP_FUSION qkv's
    const llama = llamaDecoderLayer(m) && m.hidden > 4096;
    const q = llama && arFfn ? -1 : qkvAt;
    const u = llama && arAttn ? -1 : upAt;
    // the fused MoE's own quantize of its per-tensor FP8 input, before the permute
    const e = up && up.dtype === 'fp8' && !up.fp8Block && rows > 0 ? moeAt : -1;
    const at = q >= 0 ? 1 : 0;
    if (q >= 0 || u >= 0 || e >= 0) ops = withInputQuant(ops, q, u, e, rows, m.hidden, p);
    after += at;
  }
  if (!k.ropeKernels && !k.kvWriteKernels) return ops;
  const r = m.position === 'rope' ? k.ropeKernels ?? 0 : 0;
  // a measured attention call holds the write (aiconfigurator times the backend's whole forward): the decode table of
  // this KV width for the step's decodes, the context-attention table of the attention dtype for its prompts — the
  // tables src/sim/roofline.ts prices those calls with (decodeAttentionTable: none under a runtime whose decode kernel
  // runs one block per query head, whose cache write stays a kernel of its own; prefillAttentionTable); a step has no
  // separate write only where every part of it is measured
  const measured = (s.decodeSeqs === 0 || decodeAttentionTable(k, p.kvBytes) !== undefined)
    && (s.prefillSeqs === 0 || prefillAttentionTable(k, attentionDtype(p)) !== undefined);
  const w = measured ? 0 : k.kvWriteKernels ?? 0;
  if (!(r > 0) && !(w > 0)) return ops;
  const out = ops.slice(0, after + 1);
  if (r > 0) {
    // q and k of this device's heads, read and written once (cos/sin from a cached table: a few KB)
    const elems = tokens * (heads + kvHeads) * m.head_dim;
    const rope = graphOp('rope', 'elementwise', 3 * elems, 2 * elems * p.actBytes, 0, p.gemmDtype, qkv.count);
    rope.kernels = r;
    out.push(rope);
  }
  if (w > 0) {
    // the step's K and V read from the projection's output (their write into the cache is the attention op's)
    const kv = graphOp('kv_write', 'elementwise', 0, tokens * kvBytesPerTokenLayer(m, kvHeads, p.actBytes), 0, p.gemmDtype, qkv.count);
    kv.kernels = w;
    out.push(kv);
  }
  for (let i = after + 1; i < ops.length; i++) out.push(ops[i]!);
  return out;
}

/** TensorRT-LLM's LlamaDecoderLayer (LlamaForCausalLM: Llama 2 and the dense Llama 3.x checkpoints), the one decoder
 *  layer whose all-reduce fusion with the FP8 quantize is read at source (tensorrt_llm/_torch/models/modeling_llama.py);
 *  Llama 4 runs Llama4DecoderLayer (MoE), not this */
function llamaDecoderLayer(m: DecoderModel): boolean {
  return !m.moe && /^llama-[23]/.test(m.id);
}

/** `ops` with an `input_quant` op before qkv_proj (at `qkvAt`), the dense ffn_up (at `upAt`) and the MoE's permute (at
 *  `moeAt`, over `moeRows` rows), -1: none; each reads its GEMM's [rows, hidden] 16-bit input and writes it in fp8 (one
 *  byte), one kernel per layer */
function withInputQuant(ops: GraphOp[], qkvAt: number, upAt: number, moeAt: number, moeRows: number, hidden: number, p: Precision): GraphOp[] {
  const out: GraphOp[] = [];
  for (let i = 0; i < ops.length; i++) {
    if (i === qkvAt || i === upAt || i === moeAt) {
      const g = ops[i]!;
      const elems = (i === moeAt ? moeRows : g.m ?? 0) * hidden;
      const q = graphOp('input_quant', 'elementwise', elems, elems * (p.actBytes + 1), 0, 'fp8', g.count);
      q.kernels = 1;
      out.push(q);
    }
    out.push(ops[i]!);
  }
  return out;
}
