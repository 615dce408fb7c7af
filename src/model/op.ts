// An op is one kernel's worth of work, hardware-free: FLOPs, bytes moved, weight bytes, shape.
// Builders (src/model/*-graph.ts) emit ops; src/sim/roofline.ts prices them on a hardware.
import type { Dtype } from '../spec/types.js';

export type OpKind = 'gemm' | 'attention' | 'elementwise' | 'norm' | 'embedding' | 'conv' | 'collective';
export type CollectiveKind = 'allreduce' | 'allgather' | 'reducescatter' | 'alltoall' | 'p2p';

export interface Op {
  name: string;
  kind: OpKind;
  flops: number; // FLOP, 2 per multiply-add
  bytes: number; // bytes read + written in device memory (weights, activations, KV cache)
  weightBytes: number; // the part of `bytes` that is weights
  dtype: Dtype; // dtype of the compute (GEMM inputs)
  count: number; // how many times it runs per pass (e.g. layers)
  groups?: number; // a grouped GEMM (MoE experts): independent GEMMs of flops/groups each; efficiency is per group
  // rows are the tokens of a serving batch: the runtime picks its kernel by their count (matrix-vector up to
  // gemvMaxRows, tiled above) and may take them gemvMaxRows at a time (src/sim/roofline.ts)
  batchRows?: boolean;
  // the model's output head (logits): one row per sequence, in a prompt pass as in a decode step, so a prompt pass's
  // head keeps the serving batch's matrix-vector floor (src/sim/gemm-floors.ts) whatever the op is named
  head?: boolean;
  // fp8 weights with one scale per 128×128 block (the model's fp8_scaling: block): serving runtimes run these through
  // block-scaled FP8 GEMM kernels of their own (Triton w8a8_block_fp8_matmul, CUTLASS blockwise, DeepGEMM)
  fp8Block?: boolean;
  // fp4 expert weights with one e8m0 scale per 32 (the model's fp4_scaling: mxfp4, gpt-oss): a serving runtime's MXFP4
  // MoE kernel may multiply them with 16- or 8-bit activations on a part with FP4 matrix units (src/sim/peaks.ts)
  mxfp4?: boolean;
  // tokens of the batch a grouped GEMM routes (MoE: T tokens, T·k rows over the experts); a kernel that sizes its
  // tiles from the token count rather than the rows per group reads it (runtime kernels.group_tile_from_tokens)
  batchTokens?: number;
  // a grouped (MoE) GEMM: one local expert's down-projection MACs, rows per expert × d × (I / expert split), the same on
  // its up and down GEMMs (one fused kernel runs both): the size a fused MoE kernel's measured rate is read at
  // (runtime kernels.fp4_moe_efficiency, src/sim/kernel-caps.ts fp4MoeCap)
  expertMacs?: number;
  // a grouped (MoE) GEMM: the experts this device holds (E / expert-parallel ranks; all E, sliced, under tensor
  // parallelism), the second key of a fused MoE kernel's measured rate (kernels.fp4_moe_efficiency values by local experts)
  localExperts?: number;
  // int4 weight-only expert weights (--dtype int4: AWQ / GPTQ checkpoints, 16-bit activations): a serving runtime's int4
  // MoE kernel runs them (runtime kernels.tiled_gemm.int4_moe: vLLM's fused Marlin MoE, src/sim/kernel-physics.ts)
  int4?: boolean;
  gguf?: boolean; // weights in a llama.cpp GGUF block format (q4_0, q8_0): llama.cpp's own quantized-matmul kernels run it
  m?: number; // GEMM shape [m, k] × [k, n]
  n?: number;
  k?: number;
  comm?: { kind: CollectiveKind; bytes: number; group: number; scope: 'scale_up' | 'scale_out'; ep?: ExpertExchange };
  // attention core: query and key tokens per sequence and head width, so the kernel's tiles can be priced
  attn?: { q: number; kv: number; headDim: number };
  // kernel launches one instance of the op takes where it is not one kernel (eager PyTorch: modulate = mul + add);
  // a runtime's per-kernel launch cost applies to each. Default 1.
  kernels?: number;
  // a measured floor on the op's time: a call that never costs less, whatever its bytes (the sampler's kernels at a
  // few rows: src/sim/sampler-ops.ts)
  minS?: number;
  // a GEMM that stands for `parts` projections of the same input concatenated (Whisper's q/k/v: 3, its cross-attention
  // k/v: 2): a runtime that builds them as separate matmul nodes (kernels.split_projections: ggml) runs `parts` GEMMs,
  // of which `biasedParts` carry a bias (Whisper's key projections have none). Default 1 (one projection, biased).
  parts?: number;
  biasedParts?: number;
  // an attention over another sequence's keys and values (a decoder's cross-attention over the encoder output), whose
  // K/V projection is an op of its own: a runtime that splits a fused projection inside its attention (CTranslate2's
  // self-attention ops::Split, runtime kernels.attention_scores.self_split) has nothing to split here
  cross?: boolean;
  // a norm that is an RMSNorm (no mean subtraction): reference code writes it out in Python ops (src/sim/runtime-ops.ts)
  rms?: boolean;
  // rotary embedding applied to q or k (one fused kernel reads and writes each element once); reference code writes
  // it out in Python ops (src/sim/runtime-ops.ts, runtime kernels.rope)
  rope?: boolean;
  // an attention the model's own code runs through a fused library kernel whatever the runtime (Open-Sora's
  // cross-attention calls xformers memory_efficient_attention): a runtime that writes attention out leaves it alone
  library?: boolean;
  // bytes of activation tensors alive at once while the op runs (its inputs, intermediates and outputs), where that
  // differs from the traffic `bytes - weightBytes`: a multi-pass op (GroupNorm reads x twice) moves more than it holds.
  // Default: the traffic (a single-pass op reads each input and writes each output once).
  liveBytes?: number;
  // a copy that streams a persistent K/V cache (a runtime's whole-cache append or repeat: src/sim/cache-copies.ts,
  // Whisper's dec.kv_append): its input was written a step earlier, with every other layer's traffic since, not by the
  // kernel before it, so it never finds its bytes in L2 (src/sim/l2-resident.ts)
  cache?: boolean;
  // the part of an activation-only op's `bytes` that reads a persistent tensor rather than the kernel before's output:
  // the stored parameters a runtime casts to the compute dtype at every call (kernels.weight_cast_bytes, openai-whisper's
  // fp32 weights: src/sim/runtime-ops.ts). Like a K/V-cache copy (`cache`), those bytes come from device memory
  // whatever the op's size (src/sim/l2-resident.ts); the rest of the op (the cast copy written) may stay in L2
  storedBytes?: number;
  // MLA's K/V up-projection (kv_b_proj), which in a decode pass stands for the absorbed attention's two BMMs over its
  // weights (w_kc, w_vc: torch.bmm, kept in bf16 or per-tensor FP8 by SGLang's and vLLM's post_load_weights), not a
  // Linear: no block-FP8 quantize pair and, in a decode pass, no tiled-strip floor (src/sim/roofline.ts)
  absorbedBmm?: boolean;
  // a convolution whose library kernels reach only this share of the part's GEMM efficiency at the same size (cuDNN's
  // 3-D convolutions of the Wan VAE: src/model/vae-graph.ts WAN_CONV_GEMM_SHARE); default 1
  efficiencyScale?: number;
  // a 2-D convolution that eager PyTorch hands to cuDNN as NCHW tensors (a diffusers nn.Conv2d): the elements of its
  // input, so that a runtime that runs it in NHWC (kernels.conv_layout: nchw, src/sim/runtime-ops.ts) can price the
  // layout conversions around it. Absent: a graph that prices its convolutions' layout itself, or none.
  nchwIn?: number;
  // bytes of the op that eager elementwise kernels of a slower access class move (the rest: vectorized, contiguous): a
  // binary op with a broadcast operand (x · (1 + scale[:, None]) runs TensorIterator's non-vectorized elementwise_kernel),
  // torch.where with a broadcast mask (`select`),
  // one whose operands are in different layouts (a channels-first tensor + a tokens-major one: `strided`), a copy from a
  // transposed layout (.contiguous() of a channels-first view: `transpose`), a row norm (nn.LayerNorm's kernel). A runtime
  // that measured those kernels (runtimes/*.yaml kernels.elementwise) prices each share at its rate; others ignore it.
  access?: AccessBytes;
  // the fraction of the part's achievable bandwidth (efficiency.memory) the op's kernels reach, where the bound runtime
  // says (set by src/sim/runtime-ops.ts from `access`); default 1
  memoryScale?: number;
}

export type AccessClass = 'broadcast' | 'select' | 'strided' | 'transpose' | 'rownorm';
export type AccessBytes = Partial<Record<AccessClass, number>>;

// linear({m, n, k}): y[m, n] = x[m, k] · W[k, n]; bytes = x + W + y (each read or written once).
export function linear(
  name: string,
  m: number,
  n: number,
  k: number,
  dtype: Dtype,
  weightBytesPerElem: number,
  actBytesPerElem: number,
  count = 1,
): Op {
  const weightBytes = n * k * weightBytesPerElem;
  return {
    name,
    kind: 'gemm',
    flops: 2 * m * n * k,
    bytes: weightBytes + (m * k + m * n) * actBytesPerElem,
    weightBytes,
    dtype,
    count,
    m,
    n,
    k,
  };
}

export function elementwise(name: string, elems: number, flopsPerElem: number, bytesPerElem: number, dtype: Dtype, count = 1, kind: OpKind = 'elementwise'): Op {
  return { name, kind, flops: elems * flopsPerElem, bytes: elems * bytesPerElem, weightBytes: 0, dtype, count };
}

/**
 * an expert-parallel dispatch + combine (the MoE all-to-all) as a token exchange, for runtimes whose own kernels price
 * it (src/sim/deepep-low-latency.ts): `copies` (token, expert) copies a rank sends, of `hidden` elements each, `fp8`
 * whether the dispatch goes in fp8 (block-scaled GEMM input) or 16-bit, `decode` whether the step has no extend tokens
 */
export interface ExpertExchange {
  copies: number;
  hidden: number;
  fp8: boolean;
  decode: boolean;
}
