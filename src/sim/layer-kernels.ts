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
// bf16 input (tensorrt_llm/_torch/modules/linear.py), and its LlamaDecoderLayer feeds qkv_proj and the GatedMLP's
// gate_up_proj the RMSNorm's bf16 output (o_proj gets fp8 from the attention kernel, down_proj from the fused
// SwiGLU + quantize). An `input_quant` pointwise op before qkv_proj (each attention layer) and before a dense ffn_up,
// reading [tokens, hidden] 16-bit and writing it 8-bit; the fused MoE quantizes inside its own kernel. None where the
// all-reduce before the norm carries the quantize (tp > 1, hidden > 4096). Not for block-scaled FP8 (per-token-group
// quantize: another kernel, not priced here) or MLA.
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
  let qkv: GraphOp | undefined;
  for (let i = 0; i < ops.length; i++) {
    const n = ops[i]!.name;
    if (n === 'qkv_proj') { qkv = ops[i]; after = i; qkvAt = i; }
    else if (n === 'qk_norm') after = i;
    else if (n === 'ffn_up' && !ops[i]!.groups) upAt = i;
  }
  const tokens = qkv?.m ?? 0;
  if (!qkv || !(tokens > 0)) return ops;
  // at tp > 1 with hidden > 4096 the layer's all-reduces carry the residual add, the next norm and the FP8 quantize in one
  // kernel (LlamaDecoderLayer PRE_MLP_FUSION / POST_MLP_FUSION, AllReduceFusionOp.RESIDUAL_RMS_NORM_QUANT_FP8): no kernel
  const fusedIntoAllreduce = m.hidden > 4096 && ops.some((o) => o.name === 'allreduce_attn');
  const quant = k.fp8InputQuant === true && qkv.dtype === 'fp8' && !qkv.fp8Block && !fusedIntoAllreduce ? ops : undefined;
  if (quant) ops = withInputQuant(ops, qkvAt, upAt, m.hidden, p);
  if (!k.ropeKernels && !k.kvWriteKernels) return ops;
  if (quant) { after += 1; }
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

/** `ops` with an `input_quant` op before qkv_proj (at `qkvAt`) and before the dense ffn_up (at `upAt`, -1: none): each
 *  reads its GEMM's [rows, hidden] 16-bit input and writes it in fp8 (one byte), one kernel per layer */
function withInputQuant(ops: GraphOp[], qkvAt: number, upAt: number, hidden: number, p: Precision): GraphOp[] {
  const out: GraphOp[] = [];
  for (let i = 0; i < ops.length; i++) {
    if (i === qkvAt || i === upAt) {
      const g = ops[i]!;
      const elems = (g.m ?? 0) * hidden;
      const q = graphOp('input_quant', 'elementwise', elems, elems * (p.actBytes + 1), 0, 'fp8', g.count);
      q.kernels = 1;
      out.push(q);
    }
    out.push(ops[i]!);
  }
  return out;
}
