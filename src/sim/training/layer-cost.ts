// Work of one micro-batch through one transformer layer on one device, priced by the same roofline as inference
// (src/sim/roofline.ts opCost): the forward ops, then backward and recompute as multiples of them.
import type { Dtype, EagerChain, NormalizedHardware } from '../../spec/types.js';
import { elementwise, linear, type Op } from '../../model/op.js';
import { opCost } from '../roofline.js';
import { attentionParts, type DecoderShape } from './shapes.js';
import { expertTp, type PlanShape } from './plan.js';
import type { Recompute, RecomputeModule, RecomputePolicy } from './types.js';
import { flashAttention, policyOf } from './memory.js';
import { opSacRecomputeShare } from './op-sac.js';
import { rematRecomputeShare } from './remat-policy.js';
import { attentionLengthFactor } from './attention-length.js';
import { cpMergeOps } from './cp-merge.js';
import { capacityDispatch } from './moe-capacity.js';
import { busiestExpertRank } from '../../model/busiest-expert-rank.js';

// Forward ops of one layer for one micro-batch on one device. Rows m = micro-batch tokens on this device
// (b·s/cp); with sequence parallelism the GEMMs see all of them after the all-gather, with n (or k) split by tp
// (Shoeybi et al. 2019, Megatron-LM §3: column-parallel QKV/FC1, row-parallel out/FC2).
// `eager`: norms and RoPE run as a PyTorch model's Python writes them, op by op with fp32 intermediates (runtime
// training.elementwise: eager), instead of one fused bf16 kernel each: the runtime's kernels.rmsnorm and
// kernels.rope say how many kernels and bytes per element of 16-bit input (runtimes/torchtitan.yaml, from its source).
// One fp8 quantization of a 16-bit tensor, fused and without a transpose: read 2 bytes, write 1.
const FP8_CAST_BYTES = 3;

export interface EagerElementwise {
  rmsnorm: EagerChain;
  rope: EagerChain;
  // a dense gated FFN's activation, silu(gate) · up, as the model's Python writes it (kernels.swiglu: bytes per element
  // of the FFN's width); absent: priced fused (read 2f, write f)
  swiglu?: EagerChain;
  // a plain (ungated) FFN's activation as the model's Python writes it (kernels.gelu: GPT-2's gelu_new, a tanh chain of
  // elementwise ops, bytes per element of the FFN's width); absent: priced fused (read f, write f)
  gelu?: EagerChain;
}

/** the eager norm and RoPE costs of a training runtime, or undefined when it runs them fused */
export function eagerElementwise(hw: NormalizedHardware): EagerElementwise | undefined {
  const rt = hw.runtime;
  const k = rt?.kernels;
  return rt?.training?.elementwise === 'eager' && k?.rmsnorm && k.rope ? { rmsnorm: k.rmsnorm, rope: k.rope, swiglu: k.swiglu, gelu: k.gelu } : undefined;
}

// A token permutation moves whole h-wide rows by an index (a row gather / scatter), not one contiguous stream: PyTorch's
// vectorized_gather_kernel moving T·k rows of an MoE layer's tokens on an H200 (bench/gpu/h200-eager-2026-12-04/
// eager.json, section moe_train: 4 calls per forward + backward, read + write of T·k·h bf16 each) ran at 3.94 / 3.39 /
// 3.67 / 3.66 TB/s at Qwen3-30B-A3B / gpt-oss-120b / DeepSeek-V3 / Mixtral shapes (h 2048-7168), 0.90 / 0.78 / 0.84 /
// 0.84 of the contiguous elementwise add's 4.37 TB/s on the same part (bench/gpu/h200-2026-12-04/kernels.json section
// elementwise, the reference of runtimes/pytorch.yaml's access classes): 0.84 of the part's elementwise rate.
export const ROW_GATHER_RATE = 0.84;

// `quantizeBytes`: bytes moved per element by the quantization of an 8-bit GEMM's input (runtime
// training.fp8_quantize_bytes; default 3: read 16-bit, write 8-bit once).
// int8 GEMMs (train --dtype int8) are MaxText's `quantization: int8` (google/maxtext @e64f6813
// MaxText/layers/quantizations.py _get_int8_quant_config → google/aqt @9d1667eb aqt/jax/v2/config.py config_v3): every
// DenseGeneral and MoE einsum (linears.py compute_dot_general / get_einsum) runs its forward (fwd_bits 8), its
// activation gradient (dlhs_bits 8) and, with the default quantization_local_shard_count -1, its weight gradient
// (drhs_bits 8, local AQT) as int8 × int8 with int32 accumulation: all three at the part's int8 matrix rate. Operands are
// quantized on the fly (abs-max calibration, no delayed scaling, no weight cache: rhs_freeze_mode only freezes for
// serving), and the backward requantizes from the bf16 residuals (config_v3 sets dlhs/drhs use_fwd_quant False): the
// same activation-input quantize pass as fp8 (the cast op below, backward 2× for the output gradient's quantizations),
// under the runtime's quantize bytes (the amax reduction taken as fused into the producer, as the fp8 default takes
// it; no TPU trace found to set it). Not priced: the weights' own quantization (under FSDP, MaxText's recipes, it runs
// on each device's shard before the int8 all-gather, ./step.ts zero3GatherBytes; without ZeRO-3 it would be k·n per
// call) and the stochastic-rounding noise AQT adds to the gradients (rng_type jax.uniform), which XLA fuses into the
// quantize fusion. Attention, norms, router and LM head are not AQT dot_generals (attentions.py passes no quant to the
// flash kernel; the logits layer has no quant): they stay bf16 as in fp8 recipes.
// `sortChunks`: the dispatcher reorders the tokens it received by local expert after the dispatch all-to-all and back
// before the combine (Megatron-Core's alltoall dispatcher, below); false for DeepEP-style dispatchers, whose kernels
// write the received tokens where they go.
// `capacityFactor`: the MoE layer dispatches by one-hot einsums onto every expert's fixed capacity (runtime
// training.moe_capacity_factor, MaxText's dense_matmul: ./moe-capacity.ts) instead of moving only the routed rows.
export interface LayerOpsOptions {
  moe: boolean; // the MoE layer (router, experts, token movement) rather than the dense one
  gemmDtype: Dtype;
  eager?: EagerElementwise; // the runtime's unfused elementwise kernels (eagerElementwise)
  quantizeBytes?: number; // default FP8_CAST_BYTES
  rescaleBytes?: number; // the runtime's training.fp8_backward_rescale_bytes; default 0 (scales applied in the GEMM)
  sortChunks?: boolean; // default false
  capacityFactor?: number;
  kvRepeat?: boolean; // default false
  sequenceParallel?: boolean; // default true: the norms and residual adds split over tp (runtime training.sequence_parallel)
}
export function layerForwardOps(s: DecoderShape, p: PlanShape, o: LayerOpsOptions): Op[] {
  const { moe, gemmDtype, eager, quantizeBytes = FP8_CAST_BYTES, rescaleBytes = 0, sortChunks = false, capacityFactor, kvRepeat = false, sequenceParallel = true } = o;
  const T = (p.microBatch * p.seqLen) / p.cp; // tokens of this device's sequence shard
  const t = p.tp;
  const h = s.hidden;
  const eight = gemmDtype === 'fp8' || gemmDtype === 'int8'; // 8-bit GEMMs quantize their inputs on the fly
  const eb = eight ? 1 : 2; // GEMM operand bytes
  const ops: Op[] = [];
  // fp8 GEMMs read inputs quantized just before them (Transformer Engine cast/cast-transpose kernels; DeepSeek-V3
  // report §3.3.2: activations quantized per 1×128 tile online): a memory-bound pass per GEMM input of `quantizeBytes`
  // per element (the runtime's recipe: a row-wise and a column-wise copy for the weight gradient, an amax pass first
  // with current scaling). Counted per element of every fp8 GEMM's activation input; the backward's 2× of it stands in
  // for the quantization of the output gradients.
  let castElems = 0;
  // `rescaleBytes` (runtime training.fp8_backward_rescale_bytes): the backward GEMMs' outputs, grad_input (m·k) and
  // grad_weight (k·n) of every fp8 linear, rescaled in a pass of their own after the GEMM (torchao's rowwise recipe:
  // fp8_bwd_rescale below)
  let rescaleElems = 0;
  const lin = (name: string, m: number, n: number, k: number, count = 1) => {
    ops.push(linear(name, m, n, k, gemmDtype, eb, eb, count));
    if (eight) {
      castElems += m * k * count;
      rescaleElems += (m * k + k * n) * count;
    }
  };
  // attention projections: QKV (or MLA down/up projections) column-parallel, output row-parallel
  const outParams = s.vDim * h;
  if (s.mla) {
    // MLA: down-projections from h, then the up-projections from the latents (recomputed by "mla_up_proj")
    lin('qkv', T, (s.attnParams - outParams - s.mla.upParams) / h / t, h);
    lin('mla_up', T, s.mla.upParams / t / Math.max(1, s.mla.qLora + s.mla.kvLora), s.mla.qLora + s.mla.kvLora);
  } else lin('qkv', T, (s.attnParams - outParams) / h / t, h);
  // core attention, causal: each query sees s/2 keys on average → 2·(s/2)·(d_qk + d_v) FLOP per head per token
  // (FlashAttention: Dao et al. 2022; reads Q, K, V, writes O once); sliding-window / chunked layers compute only the
  // pairs inside their window, in a kernel whose loop is as short as the window (./shapes.ts attentionParts)
  const vKv = s.kvDim === s.qDim ? s.vDim : s.kvDim;
  const shard = T / p.microBatch;
  for (const part of attentionParts(s, p.seqLen)) {
    ops.push({
      name: 'attention',
      kind: 'attention',
      flops: (T * p.seqLen * (s.qDim + s.vDim) * part.pairs) / t,
      bytes: (T * (s.qDim + s.kvDim + vKv + s.vDim) * 2 * part.layers) / t,
      weightBytes: 0,
      dtype: 'bf16', // attention stays bf16 in fp8 recipes (DeepSeek-V3 report §3.3.1; Transformer Engine default) and in AQT int8 (above)
      count: 1,
      // one kernel call per sequence shard: its length sets the rate (passCost, ./attention-length.ts)
      attn: { q: shard, kv: Math.min(shard, part.kernelLen ?? shard), headDim: s.qDim / s.heads },
    });
  }
  // `kvRepeat` (runtime kernels.kv_repeat materialized): grouped K and V are expanded to every query head before the
  // attention call, a copy each (repeat_kv: unsqueeze, expand, reshape), read kv-wide and written q-wide; its backward
  // sums the n_rep copies' gradients back, one pass of the same bytes (BWD_FACTOR kv_repeat 1)
  if (kvRepeat && !s.mla && s.kvDim < s.qDim) {
    const vHeads = s.vDim; // V expanded to every query head: vDim wide, read vKv wide
    ops.push({ ...elementwise('kv_repeat', (T * (s.qDim + vHeads)) / t, 0, 2 + (2 * (s.kvDim + vKv)) / (s.qDim + vHeads), 'bf16'), kernels: 2 });
  }
  lin('attn_out', T, h, s.vDim / t);
  // (tw: the ranks the FFN's weights are split over: tp, or for the routed experts the expert TP size)
  const ffn = (name: string, rows: number, f: number, count: number, tw = t) => {
    lin(`${name}_in`, rows, ((s.gated ? 2 : 1) * f) / tw, h, count);
    lin(`${name}_out`, rows, h, f / tw, count);
  };
  let actElems: number;
  let moeActElems = 0;
  if (!moe) {
    ffn('ffn', T, s.ffnWidth, 1);
    actElems = T * s.ffnWidth;
  } else {
    // router (replicated), then experts: a device's experts/ep local experts receive T·active tokens in all
    // (balanced routing), i.e. T·active·ep/experts rows each; expert weights also shard by tp.
    ops.push(linear('router', T, s.experts, h, 'bf16', 2, 2));
    // routing and token movement around the expert GEMMs (Megatron-Core moe_utils: topk_softmax_with_capacity,
    // permute / unpermute of the alltoall token dispatcher; TensorRT-LLM and vLLM run the same steps in inference,
    // src/model/decoder-graph.ts moeDataMovement): top-k softmax over the fp32 router logits [T, E]; permute reads
    // each token's h-wide bf16 row once and writes its k copies; unpermute reads the k expert outputs and writes the
    // probability-weighted sum (k multiply-adds per element). Sharded by tp like the other elementwise work (SP).
    // Both are row gathers (ROW_GATHER_RATE).
    ops.push(elementwise('moe_topk', (T * s.experts) / t, 5, 8, 'fp32'));
    if (capacityFactor !== undefined && capacityFactor > 0) {
      const d = capacityDispatch(s, p, capacityFactor, gemmDtype);
      ops.push(...d.ops);
      ffn('expert', d.rowsPerExpert, s.expertWidth, s.experts / p.ep);
      moeActElems = d.expertRows * s.expertWidth + T * s.sharedWidth;
    } else {
      const gather = (o: Op): Op => ({ ...o, memoryScale: ROW_GATHER_RATE });
      ops.push(gather(elementwise('moe_permute', (T * s.active * h) / t, 0, 2 + 2 / s.active, 'bf16')));
      ops.push(gather(elementwise('moe_unpermute', (T * s.active * h) / t, 2, 2 + 2 / s.active, 'bf16')));
      // With more than one local expert, Megatron-Core's alltoall dispatcher sorts the T·k received rows by local expert
      // after the dispatch all-to-all ("Permutation 2: Sort tokens by local expert", sort_chunks_by_idxs) and unsorts the
      // expert outputs before the combine ("Unpermutation 2"), tokens and probs (NVIDIA/Megatron-LM
      // megatron/core/transformer/moe/token_dispatcher.py @0014f137 MoEAlltoAllTokenDispatcher.dispatch_postprocess /
      // combine_preprocess: `if self.num_local_experts > 1`, whatever the EP size): two more row gathers of T·k·h bf16,
      // read and written, forward.
      if (sortChunks && s.experts / p.ep > 1) ops.push(gather(elementwise('moe_sort', (2 * T * s.active * h) / t, 0, 4, 'bf16')));
      // A local expert sees the tokens of the etp ranks that share its weight shard: each rank routes its T/tp
      // sequence-parallel tokens, and with etp > 1 the dispatcher all-gathers the received rows over the expert TP group
      // (token_dispatcher.py dispatch_postprocess), so rows = (T/tp)·etp·k·ep/E with the weights split by etp: the
      // same FLOPs per device at any etp, in GEMMs of other shapes.
      // The step waits for the busiest rank of the EP group (the combine all-to-all follows the experts): the group's
      // ep·T·etp/tp tokens routed at random (as Megatron-Core's moe_router_force_load_balancing benchmarks route: random
      // logits) leave one rank more than the mean (src/model/busiest-expert-rank.ts). Only the received rows' work is
      // scaled: the permute / unpermute above move this rank's own tokens (balanced), and the dispatch all-to-all's
      // busiest receiver (< 1% more bytes at training sizes) is left at the mean (docs/design.md, MoE).
      const et = expertTp(p);
      const busy = busiestExpertRank(s.experts, s.active, (p.ep * T * et) / t, p.ep).rows;
      const rows = ((T * (et / t) * s.active * p.ep) / s.experts) * busy;
      ffn('expert', rows, s.expertWidth, s.experts / p.ep, et);
      moeActElems = T * s.active * s.expertWidth * busy + T * s.sharedWidth;
    }
    actElems = 0;
    if (s.sharedWidth > 0) ffn('shared', T, s.sharedWidth, 1);
  }
  // memory-bound elementwise work, bf16 read + write, sharded by tp (SP), as separate ops because recompute modules
  // rerun some of them: the two norms (2h each: "layernorm"), two residual adds (3h each) and rotary on q and k, the
  // FFN activation (gated: read 2f, write f; plain: read f, write f; in MoE layers "moe_act").
  // Without sequence parallelism (runtime training.sequence_parallel false: TP splits the linears only) the norms and
  // the residual adds run on the whole [T, h] activation on every TP rank; RoPE (per local head) and the FFN
  // activation (f/tp wide) stay split.
  const actFactor = s.gated ? 3 : 2;
  const tn = sequenceParallel ? t : 1; // the ranks the h-wide elementwise work is split over
  // The eager chains are the RMSNorm and rotary code of the model's Python (kernels.rmsnorm / kernels.rope: Hugging
  // Face LlamaRMSNorm, apply_rotary_pos_emb; torchtitan's RMSNorm, apply_rotary_emb). A LayerNorm model runs
  // nn.LayerNorm, one ATen kernel per call in eager code too (Hugging Face GPT2Block's ln_1 / ln_2 = nn.LayerNorm,
  // transformers models/gpt2/modeling_gpt2.py; BLOOM, OPT, GPT-NeoX alike), priced as the fused norm; a model without
  // rotary positions (learned, ALiBi, none) has no q / k rotation at all.
  const eagerNorm = eager && s.norm !== 'layernorm' ? eager.rmsnorm : undefined;
  const rotary = s.rotary !== false;
  if (eagerNorm) ops.push({ ...elementwise('norms', (T * 2 * h) / tn, 5, eagerNorm.bytesPerElement, 'fp32'), kernels: eagerNorm.kernels });
  else ops.push(elementwise('norms', (T * 4 * h) / tn, 2, 2, 'bf16'));
  if (!eager || !rotary) {
    ops.push(elementwise('residual_rope', T * ((6 * h) / tn + (rotary ? (2 * (s.qDim + s.kvDim)) / t : 0)), 2, 2, 'bf16'));
  } else {
    // bytes per element of q and k; kernels per call
    const resid = (6 * h * 2) / tn; // the two residual adds, as fused: read 2, write 1 bf16 rows each
    const rope = ((s.qDim + s.kvDim) * eager.rope.bytesPerElement) / t;
    const elems = (3 * h) / tn + (s.qDim + s.kvDim) / t;
    ops.push({ ...elementwise('residual_rope', T * elems, 2, (resid + rope) / elems, 'fp32'), kernels: 2 + 2 * eager.rope.kernels });
  }
  // (eager, a dense gated FFN's activation is the runtime's kernels.swiglu: F.silu, then the product, each a kernel of
  // its own that reads and writes the f-wide rows; its elements are the FFN width's, its FLOPs the fused op's)
  if (actElems > 0 && eager?.swiglu && s.gated) ops.push({ ...elementwise('ffn_act', actElems / t, 2 * actFactor, eager.swiglu.bytesPerElement, 'bf16'), kernels: eager.swiglu.kernels });
  // (eager, a plain FFN's activation is the runtime's kernels.gelu where it gives one: one kernel per op of the chain)
  else if (actElems > 0 && eager?.gelu && !s.gated) ops.push({ ...elementwise('ffn_act', actElems / t, 2 * actFactor, eager.gelu.bytesPerElement, 'bf16'), kernels: eager.gelu.kernels });
  else if (actElems > 0) ops.push(elementwise('ffn_act', (actElems * actFactor) / t, 2, 2, 'bf16'));
  if (moeActElems > 0) ops.push(elementwise('moe_act', (moeActElems * actFactor) / t, 2, 2, 'bf16'));
  if (castElems > 0) ops.push(elementwise(gemmDtype === 'int8' ? 'int8_quantize' : 'fp8_cast', castElems, 2, quantizeBytes, 'bf16'));
  // torchao's rowwise recipe runs the backward GEMMs (no fast accumulation) as the tensorwise cuBLAS kernel with unit
  // scales, then `output *= post_inverse_scale` (pytorch/ao torchao/float8/float8_ops.py addmm_float8_unwrapped
  // @ca17609a): one multiply per output element, read and written (bf16: 4 bytes), backward only
  if (rescaleBytes > 0 && rescaleElems > 0 && gemmDtype === 'fp8') ops.push(elementwise('fp8_bwd_rescale', rescaleElems, 1, rescaleBytes, 'bf16'));
  // ring context parallelism: merges of the cp partial attention results, forward and backward (./cp-merge.ts)
  ops.push(...cpMergeOps(s, p));
  return ops;
}

// LM head + cross-entropy for one micro-batch (vocab-parallel over tp: Megatron-LM §3). The head stays bf16 in fp8
// recipes (DeepSeek-V3 report §3.3: "the embedding module, the output head, MoE gating modules, normalization
// operators, and attention operators" keep their original precision; Megatron's output layer is not a TE fp8 layer).
// The loss moves `loss.forward` bytes per element of the [T, vocab/tp] logits shard forward and `loss.backward` in the
// backward (runtime training.loss_forward_bytes / loss_backward_bytes: the passes the runtime's cross-entropy makes,
// e.g. Megatron-Core's unfused vocab-parallel one; LOSS_BYTES when the runtime does not say).
export const LOSS_BYTES = { forward: 8, backward: 16 }; // fp32 logits read + written once forward, twice backward
export function headForwardOps(s: DecoderShape, p: PlanShape, _gemmDtype: Dtype, loss = LOSS_BYTES): Op[] {
  const T = (p.microBatch * p.seqLen) / p.cp;
  const elems = (T * s.vocab) / p.tp;
  return [
    { ...linear('lm_head', T, s.vocab / p.tp, s.hidden, 'bf16', 2, 2), head: true },
    elementwise('cross_entropy', elems, 5, loss.forward, 'fp32'),
    elementwise('cross_entropy_grad', elems, 10, loss.backward, 'fp32'),
  ];
}


export interface PassCost {
  fwdS: number; // forward as run the first time
  bwdS: number; // backward including any recomputation
  attnFwdS: number; // the attention core's forward (CP overlaps its ring exchange with it)
  fwdFlops: number;
  bwdFlops: number; // executed, with recompute
}

// A fused attention backward runs at a lower FLOP rate than its forward: on H100 SXM5, head dim 128, the FlashAttention-3
// paper's kernel benchmarks (Shah et al. 2024, arXiv 2407.08608, Figs. 5-6; backward FLOPs counted as 2.5x forward)
// give at 4k / 8k tokens cuDNN 499 / 518 TFLOP/s backward vs 609 / 600 forward, FlashAttention-2 310 / 318 vs 368 / 370,
// FlashAttention-3 542 / 559 vs 638 / 646: 0.82-0.87 of the forward rate for every implementation → 0.85 (the
// forward's rate is the hardware's efficiency.attention). Those sweeps run without the causal mask; the causal backward
// training runs is lower (cuDNN 9.19 on H200: 0.80 / 0.84 causal vs 0.84 / 0.86 unmasked at 4k / 8k), which the Hopper
// parts state as efficiency.attention_backward 0.82 (hardware/nvidia/h200-sxm.yaml). Materialized attention is not
// affected (its backward is GEMMs).
export const FLASH_BWD_RATE = 0.85;

// The part's own backward/forward ratio where its fused-attention kernels were timed both ways (hardware
// efficiency.attention_backward: the causal cuDNN SDPA backward runs at 0.82 of its forward on Hopper, 0.76-0.81 on
// Blackwell; hardware/nvidia/h200-sxm.yaml, b200.yaml); FLASH_BWD_RATE otherwise.
export function flashBackwardRate(hw: NormalizedHardware): number {
  const r = hw.efficiency.attentionBackward;
  return r !== undefined && r > 0 ? Math.min(1, r) : FLASH_BWD_RATE;
}

// Head dim 64 under a runtime whose fused attention was timed at both widths (runtime kernels.attention_head_dim_64: the
// forward and backward rates at head dim ≤ 64 as fractions of the head-dim-128 ones at the same keys per query; the
// hardware's efficiency.attention / attention_backward and CAUSAL_ATTENTION_LENGTH are head-dim-128 timings). A
// 64-wide head does half the multiply-adds per score of a 128-wide one, so the per-tile softmax and rescale weigh twice
// as much against the matrix work: cuDNN's SDPA (the kernel Transformer Engine runs) reaches ~0.6 of its head-dim-128
// forward rate on Blackwell and ~0.73 on Hopper (runtimes/megatron.yaml by_architecture cites the timings).
export function headDim64Rates(hw: NormalizedHardware, headDim: number | undefined): { forward: number; backward: number } {
  const r = hw.runtime?.kernels?.attentionHeadDim64;
  return r && headDim !== undefined && headDim <= 64 ? r : HEAD_DIM_128;
}
const HEAD_DIM_128 = { forward: 1, backward: 1 };

// The backward fp8 GEMMs' rate relative to the forward's where the runtime runs them with split (precise) accumulation
// and the hardware has such a mode (runtime training.fp8_accumulate: split_backward × hardware
// efficiency.gemm_fp8_split_accumulate): Transformer Engine's fp8 recipes set use_split_accumulator False for fprop and
// True for dgrad and wgrad (transformer_engine/common/recipe/__init__.py MMParams; cublaslt_gemm.cu: fastAccuMode =
// use_split_accumulator ? 0 : 1), torchao's Float8Linear enables use_fast_accum for the output GEMM only. 1 otherwise.
export function fp8SplitAccumulateRate(hw: NormalizedHardware): number {
  const r = hw.efficiency.gemmFp8SplitAccumulate;
  return hw.runtime?.training?.fp8Accumulate === 'split_backward' && r !== undefined && r > 0 ? Math.min(1, r) : 1;
}

// Ops that a selective recompute module runs again before the backward (Megatron-Core recompute_modules).
const MODULE_OPS: Record<string, RecomputeModule> = { norms: 'layernorm', moe_act: 'moe_act', mla_up: 'mla_up_proj' };

// The backward of a permutation is the inverse permutation of its gradient: one pass of the same volume (Megatron-Core
// moe_utils permute/unpermute autograd functions), not the 2× of a GEMM. The probability-weighted unpermute is the
// exception: its backward writes the k-fold gradient rows and also reads the forward's k expert output rows to form the
// gradient of each routing probability (TransformerEngine moe_unpermute backward, prob_grad). Measured, the fused
// CUDA permute / unpermute kernels (fanshiqing/grouped_gemm, the kernels TransformerEngine PR #936 took in) at 8,192
// tokens, hidden 4096, top-8, fp16: permute forward 0.275 ms, backward 0.207 ms; unpermute forward 0.208 ms, backward
// 0.423 ms (fp32: 0.486 / 0.405 and 0.405 / 0.827; DeepLink-org/DLBlas PR #66, GPU not named): the permute's backward
// 0.75-0.83 of its forward → 0.8, the unpermute's 2.03-2.04 → 2. A chunk sort's backward is the inverse sort: 1.
// The loss (headForwardOps) likewise: 'cross_entropy' is its forward passes only, 'cross_entropy_grad' its backward ones.
// The ring-CP merges (./cp-merge.ts) are priced as what they are: 'cp_merge' runs in the forward only (its backward is
// the gradient accumulation), 'cp_grad_merge' in the backward only (BACKWARD_ONLY: no forward share).
// MaxText's dense dispatch einsum has one gradient, its input's (the mask is boolean); its combine einsum the usual two
// (./moe-capacity.ts).
const BWD_FACTOR: Record<string, number> = { kv_repeat: 1, moe_permute: 0.8, moe_unpermute: 2, moe_sort: 1, cp_merge: 0, cp_grad_merge: 1, moe_dispatch: 1, cross_entropy: 0, cross_entropy_grad: 1, fp8_bwd_rescale: 1 };
const BACKWARD_ONLY: ReadonlySet<string> = new Set(['cp_grad_merge', 'cross_entropy_grad', 'fp8_bwd_rescale']);
const CP_MERGE: ReadonlySet<string> = new Set(['cp_merge', 'cp_grad_merge']);

// Backward = 2× forward for GEMMs (activation gradient + weight gradient) and elementwise ops. Attention: a fused
// (flash) kernel rebuilds the scores in its backward whatever the recompute policy (FlashAttention-2 backward: Dao
// 2023, 5 matmuls vs 2 → 2.5×); a materialized one (runtime kernels.attention_scores) with stored scores (recompute
// none) 2×, otherwise the scores/softmax are recomputed from Q, K (Korthikanti et al. 2022 selective recompute) → 2.5×. Selective modules rerun their
// ops' forward once ("layernorm": the norms, "moe_act": the MoE activation, "mla_up_proj": the MLA up-projections).
// Full recompute reruns the whole forward once more before the backward (Chen et al. 2016, "Training Deep Nets with
// Sublinear Memory Cost") for the share `fullShare` of the layers (block-wise: k of a chunk's layers; 1 = all).
// With `opPolicy` (a dense block whose selective recompute is an op-level policy) selective means that policy instead
// of modules: a MaxText remat policy where the recompute names one (./remat-policy.ts: the forward of the ops it does
// not save is rerun), else torchtitan's op-level SAC (./op-sac.ts).
export function passCost(ops: Op[], hw: NormalizedHardware, recompute: Recompute | RecomputePolicy, fullShare?: number, opPolicy?: DecoderShape): PassCost {
  const pol = policyOf(recompute);
  const share = pol.granularity === 'full' ? (fullShare ?? 1) : 0;
  const mods = new Set(pol.granularity === 'selective' ? pol.modules : []);
  const sac = pol.granularity === 'selective' ? opPolicy : undefined;
  const flash = flashAttention(hw.runtime);
  const splitRate = fp8SplitAccumulateRate(hw);
  const flashBwdRate = flashBackwardRate(hw);
  let fwdS = 0;
  let bwdS = 0;
  let attnFwdS = 0;
  let fwdFlops = 0;
  let bwdFlops = 0;
  for (const op of ops) {
    // a causal fused attention at a training sequence length runs below the long-sequence rate the hardware states
    // (./attention-length.ts); a materialized one is GEMMs and softmax passes, priced as they are
    const short = op.kind === 'attention' && op.attn && flash ? attentionLengthFactor(op.attn.kv) : 1;
    // (and at head dim 64 below its head-dim-128 rate, forward and backward apart, where the runtime states both)
    const hd = op.kind === 'attention' && op.attn && flash ? headDim64Rates(hw, op.attn.headDim) : HEAD_DIM_128;
    const sec = (opCost(op, hw).seconds * op.count) / (short * hd.forward);
    const fl = op.flops * op.count;
    const mod = MODULE_OPS[op.name];
    const fwdShare = BACKWARD_ONLY.has(op.name) ? 0 : 1;
    // the share of the op's forward recomputed before its backward (op-level SAC keeps the attention's output, so the
    // CP merges are not rerun either; a backward-only op has no forward to rerun)
    const rerun =
      fwdShare === 0 ? 0
      : sac && pol.remat ? rematRecomputeShare(pol.remat, op.name, op.kind)
      : sac ? (op.kind === 'gemm' ? opSacRecomputeShare(sac, op.name) : op.kind === 'attention' || CP_MERGE.has(op.name) ? 0 : 1)
      : mod && mods.has(mod) ? 1
      : 0;
    const bwdFactor = (BWD_FACTOR[op.name] ?? (op.kind === 'attention' && (flash || (pol.granularity !== 'none' && !sac)) ? 2.5 : 2)) + rerun;
    fwdS += fwdShare * sec;
    // the flash backward's own 2.5× (not a recomputed forward's share) at its lower rate; an fp8 GEMM's data- and
    // weight-gradient GEMMs (2× its forward) at the split-accumulation rate where the runtime asks for it
    if (op.kind === 'attention' && flash) bwdS += (bwdFactor - 2.5) * sec + (2.5 * sec * hd.forward) / (flashBwdRate * hd.backward);
    else if (op.kind === 'gemm' && op.dtype === 'fp8' && splitRate < 1) bwdS += (bwdFactor - 2) * sec + (2 * sec) / splitRate;
    else bwdS += bwdFactor * sec;
    fwdFlops += fwdShare * fl;
    bwdFlops += bwdFactor * fl;
    if (op.kind === 'attention') attnFwdS += sec;
  }
  bwdS += share * fwdS;
  bwdFlops += share * fwdFlops;
  return { fwdS, bwdS, attnFwdS, fwdFlops, bwdFlops };
}
