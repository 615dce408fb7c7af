// Training memory per device: weights, gradients, optimizer state (ZeRO stages), activations (recompute policies,
// pipeline in-flight micro-batches). Pure arithmetic on a DecoderShape and a plan; bytes are SI bytes.
import type { Recompute, RecomputePolicy, TrainMemory, ZeroStage } from './types.js';
import type { RuntimeSettings } from '../../spec/types.js';
import type { DecoderShape } from './shapes.js';
import type { PlanShape } from './plan.js';
import { expertDataParallel, expertTp, microBatchesPerPipeline } from './plan.js';
import { opSacSavedBytesPerToken } from './op-sac.js';
import { rematSavedBytesPerToken } from './remat-policy.js';

// Mixed-precision Adam (Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward Training Trillion Parameter
// Models", §3.1): 2Ψ bf16/fp16 weights + 2Ψ gradients + KΨ optimizer state with K = 12 (fp32 master weights,
// momentum, variance). FP8 training keeps the same state (DeepSeek-V3 report §3.3: fp32 master weights, bf16 m/v
// would be smaller; we stay conservative) — the fp8 weight copies are transient and not counted.
export const WEIGHT_BYTES = 2;
export const GRAD_BYTES = 2;
export const OPTIMIZER_BYTES = 12;

// Usable share of device memory when no runtime says otherwise: the CUDA/ROCm context, NCCL buffers and
// caching-allocator fragmentation take the rest (a few GB on an 80 GB part). Assumption, stated in the help text;
// a training runtime's `memory.share` (runtimes/megatron.yaml …) replaces it.
export const USABLE_FRACTION = 0.9;

export interface ActivationOptions {
  dropout?: boolean; // GPT-2/3-era models train with dropout; Llama-style models do not
  fp8?: boolean; // fp8 GEMMs: their inputs are cached for the weight gradient in fp8 (below)
  opSac?: boolean; // selective means torchtitan's op-level SAC (./op-sac.ts opSacSavedBytesPerToken) on dense blocks
  flash?: boolean; // attention never materializes its scores (FlashAttention; the runtime gives no kernels.attention_scores)
}

// Whether a runtime's attention is a fused (flash) kernel: all but those that say they materialize the scores
// (runtime kernels.attention_scores, e.g. pytorch-math); a bare hardware spec (no runtime) trains with flash, as every
// training runtime in the library does (Transformer Engine fused attention, PyTorch SDPA).
export function flashAttention(rt: RuntimeSettings | undefined): boolean {
  return rt?.kernels?.attentionScores === undefined;
}

// A recompute flag value or a full policy → the policy (flags' defaults: selective = ["core_attn"], full = every layer).
export function policyOf(r: Recompute | RecomputePolicy): RecomputePolicy {
  if (typeof r !== 'string') return r;
  if (r === 'selective') return { granularity: 'selective', modules: ['core_attn'], numLayers: null };
  return { granularity: r, modules: [], numLayers: null };
}

// Activation bytes stored for backward, per layer, per sequence token, before dividing by tp.
// Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models", §4.1 (fp16, a heads,
// MHA, 4h FFN, with dropout): attention 11sbh + 5as²b, MLP 19sbh, two LayerNorms 4sbh → sbh(34 + 5as/h).
// Generalized term by term:
//  - GQA/MQA: K and V are kv_heads·head_dim wide (the QK^T and softmax·V inputs shrink, Q does not);
//  - gated FFN (SwiGLU): FC1 writes gate and up (2f) that the activation keeps, and FC2 reads their product (f)
//    → 2h + 4f + 2f where a plain 4h FFN keeps 2h + 2f + 2f (+ h dropout mask);
//  - MLA: the latents feeding the up-projections (q_lora, kv_lora + RoPE key) and their norms' inputs, besides the
//    up-projected Q, K, V that attention reads; "mla_up_proj" recomputes the latter (DeepSeek-V3 report §3.2.3);
//  - MoE: every routed copy of a token keeps its dispatched input and its expert's FFN activations (`active` copies)
//    plus the shared expert; "moe_act" drops the SwiGLU output (recomputed from its input);
//  - "layernorm" drops the two norms' outputs (the first projections' inputs), recomputed from the norms' inputs;
//  - fp8: the inputs of fp8 GEMMs are cached in fp8 for the weight gradient (Transformer Engine saves the quantized
//    input; DeepSeek-V3 report §3.3.3 "we cache the activations in FP8 format for the backward pass of the Linear
//    operator", and with "moe_act" the SwiGLU input in fp8 too). Norm inputs (the residual stream) and attention's
//    Q, K, V, O stay bf16.
export function activationBytesPerToken(s: DecoderShape, seq: number, recompute: Recompute | RecomputePolicy, moe: boolean, opt: ActivationOptions = {}): number {
  const pol = policyOf(recompute);
  const h = s.hidden;
  if (pol.granularity === 'full') return 2 * h; // only the layer's input is kept (Korthikanti §4.3: 2sbh per layer)
  if (pol.granularity === 'selective' && pol.remat && !moe && !s.mla) return rematSavedBytesPerToken(s, pol.remat);
  if (pol.granularity === 'selective' && opt.opSac && !moe && !s.mla) return opSacSavedBytesPerToken(s);
  const mods = new Set(pol.granularity === 'selective' ? pol.modules : []);
  const drop = opt.dropout ? 1 : 0;
  const g = opt.fp8 ? 1 : 2; // bytes of a cached GEMM input
  const ln = mods.has('layernorm');
  // attention: first projection's input (the norm's output), latents (MLA), Q, K, V, output-projection input, dropout
  const vKv = s.kvDim === s.qDim ? s.vDim : s.kvDim;
  const qkv = s.mla && mods.has('mla_up_proj') ? 0 : 2 * (s.qDim + s.kvDim + vKv);
  const latents = s.mla ? (2 + g) * ((s.mla.qLora > 0 ? s.mla.qLora : 0) + s.mla.kvLora) + 2 * s.mla.rope : 0;
  const attn = (ln ? 0 : g * h) + latents + qkv + 2 * s.vDim + drop * h;
  // scores: softmax output 2as (+ dropout mask as + dropout output 2as); core_attn recompute drops them (§4.2), and a
  // fused attention kernel never writes them (Dao et al. 2022, FlashAttention §3.1: O(N) memory, the backward rebuilds
  // the scores from Q, K, V and the softmax statistics; Transformer Engine's fused attention and PyTorch SDPA run it)
  const scores = pol.granularity === 'none' && !opt.flash ? (2 + 3 * drop) * s.heads * seq : 0;
  // FFN of width f: input (cached by FC1), the activation's input, FC2's input, dropout mask
  const act = (f: number, inMoe: boolean) => {
    const moeAct = inMoe && mods.has('moe_act');
    const actIn = (s.gated ? 2 : 1) * f * (moeAct && opt.fp8 ? 1 : 2);
    return actIn + (moeAct ? 0 : g * f) + (inMoe ? 0 : drop * h);
  };
  const normOut = ln ? 0 : g * h;
  const ffn = moe
    ? s.active * (g * h + act(s.expertWidth, true)) + (s.sharedWidth > 0 ? normOut + act(s.sharedWidth, true) : 0)
    : normOut + act(s.ffnWidth, false);
  const norms = 4 * h; // the two norms' inputs (residual stream, bf16)
  return attn + scores + ffn + norms;
}

// Activation bytes of one micro-batch through one layer on one device. Sequence parallelism is assumed whenever
// tp > 1 (Korthikanti §4.2.2: the whole sbh(34 + 5as/h) divides by t); context parallelism splits the sequence.
export function layerActivationBytes(s: DecoderShape, p: PlanShape, recompute: Recompute | RecomputePolicy, moe: boolean, opt: ActivationOptions = {}): number {
  const tokens = (p.microBatch * p.seqLen) / p.cp;
  return (tokens * activationBytesPerToken(s, p.seqLen, recompute, moe, opt)) / p.tp;
}

// Layers of each of S virtual pipeline stages (S = pp·v; stage j runs on rank j mod pp as its chunk ⌊j/pp⌋).
// ⌈L/S⌉ slots per stage; when at least two slots are left over, the embedding and the loss each take one, so the first
// and the last stage hold a layer less — Llama 3 §3.3.2 ("we reduce one Transformer layer each from the first and
// the last stages"), Megatron-LM --account-for-embedding-in-pipeline-split / --account-for-loss-in-pipeline-split
// (on in Megatron-Bridge's Llama 3.1 405B recipe). Remaining slots are left empty from the end backwards.
export function pipelineLayout(layers: number, stages: number): number[] {
  const n = Math.ceil(layers / stages);
  const counts = new Array<number>(stages).fill(n);
  let deficit = stages * n - layers;
  let j = stages - 1;
  if (stages > 1 && deficit >= 2) {
    counts[0]!--;
    counts[stages - 1]!--;
    deficit -= 2;
    j = stages - 2;
  }
  for (; deficit > 0 && j >= 0; j--, deficit--) counts[j]!--;
  return counts;
}

// Peak activation bytes in flight on pipeline rank r of Megatron-LM's schedules (megatron/core/pipeline_parallel/
// schedules.py): 1F1B runs min(p − r − 1, m) warm-up forwards; the interleaved schedule 2(p − r − 1) + (v − 1)·p
// chunk forwards (get_num_warmup_microbatches; all m·v when m = p), chunk ⌊(k mod pv)/p⌋ for the k-th forward and
// v − 1 − that for the k-th backward; then one forward before each backward. `chunk[c]` = one micro-batch's
// activations in chunk c on this rank. The pattern repeats every p·v steps, so one period after warm-up suffices.
export function inFlightPeak(pp: number, v: number, m: number, rank: number, chunk: number[]): number {
  const total = m * v;
  const warm = v === 1 ? Math.min(pp - rank - 1, m) : m === pp ? total : Math.min(2 * (pp - rank - 1) + (v - 1) * pp, total);
  const fwd = (k: number) => Math.floor((k % (pp * v)) / pp);
  let cur = 0;
  for (let k = 0; k < warm; k++) cur += chunk[fwd(k)]!;
  let peak = cur;
  const steady = Math.min(total - warm, pp * v);
  for (let k = 0; k < steady; k++) {
    cur += chunk[fwd(warm + k)]!;
    peak = Math.max(peak, cur);
    cur -= chunk[v - 1 - fwd(k)]!;
  }
  return peak;
}

export interface MemoryInput {
  shape: DecoderShape;
  plan: PlanShape;
  recompute: Recompute | RecomputePolicy;
  zero: ZeroStage;
  capacityBytes: number;
  usableShare?: number; // of capacity, from the runtime (default USABLE_FRACTION)
  dropout?: boolean;
  fp8?: boolean; // fp8 GEMMs: cached GEMM inputs take 1 byte
  opSac?: boolean; // the runtime's selective policy is torchtitan's op-level SAC
  flash?: boolean; // the runtime's attention keeps no scores (ActivationOptions.flash)
  shard?: { dense: number; expert: number }; // ranks the ZeRO stages shard over (default dp·cp, experts dp·cp/ep)
  // ZeRO-3 whose units stay gathered through the step (runtime training.fsdp_reshard: ./fsdp-reshard.ts): the stage's
  // parameters are held unsharded, and with more than one micro-batch so are the accumulated gradients, at the reduce
  // dtype's bytes (FSDP2 upcasts an unreduced gradient it accumulates to its reduce_dtype: pytorch/pytorch
  // torch/distributed/fsdp/_fully_shard/_fsdp_param.py to_accumulated_grad_if_needed)
  resident?: { gradBytes: number; accumulate: boolean };
  optimizerStateBytes?: number; // the runtime's optimizer state per parameter (training.optimizer_state_bytes; default OPTIMIZER_BYTES)
}

export function trainingMemory(i: MemoryInput): TrainMemory {
  const { shape: s, plan: p } = i;
  const pol = policyOf(i.recompute);
  const dualpipe = p.schedule === 'dualpipe';
  const v = dualpipe ? 1 : Math.max(1, p.interleave);
  const S = p.pp * v;
  const layout = pipelineLayout(s.layers, S);
  const starts = layout.map((_, j) => layout.slice(0, j).reduce((a, b) => a + b, 0));
  // 1. activations of one micro-batch through each virtual stage: layer by layer (dense layers come first), the first
  //    numLayers of each under block-wise full recompute keep only their input, the rest the core_attn set
  const opt = { dropout: i.dropout, fp8: i.fp8, opSac: i.opSac, flash: i.flash };
  const kept = pol.granularity === 'full' && pol.numLayers !== null ? policyOf('selective') : pol;
  const full = pol.granularity === 'full' ? (pol.numLayers ?? Infinity) : 0;
  const perLayer = (moe: boolean, recomputed: boolean) => layerActivationBytes(s, p, recomputed ? 'full' : kept, moe, opt);
  const byKind = { dense: [perLayer(false, false), perLayer(false, true)], moe: [perLayer(true, false), perLayer(true, true)] };
  const stageAct = layout.map((n, j) => {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += byKind[starts[j]! + k < s.denseLayers ? 'dense' : 'moe'][k < full ? 1 : 0]!;
    return sum;
  });
  // 2. parameters per layer: dense (attention, norms, dense or shared FFN, router; averaged over layers) and routed
  //    experts (MoE layers only)
  const body = s.paramsDense - s.paramsEmbedding - s.paramsHead;
  const stageParams = layout.map((n, j) => {
    const moeLayers = Math.max(0, starts[j]! + n - Math.max(starts[j]!, s.denseLayers));
    return { dense: (n * body) / s.layers, expert: s.moeLayers > 0 ? (moeLayers * s.paramsExpert) / s.moeLayers : 0 };
  });
  // 3. ZeRO (Rajbhandari et al. 2020 §5): stage 1 shards optimizer state, 2 also gradients, 3 also weights, over
  //    the data-parallel group (dp·cp for dense parameters; for expert parameters the expert-data-parallel group,
  //    dp·cp·tp/(ep·etp) replicas: dp·cp/ep when the experts take the attention's tp).
  const dDense = p.dp * p.cp;
  const dExpert = expertDataParallel(p);
  const m = microBatchesPerPipeline(p);
  // fp32 logits of one micro-batch for the loss (Korthikanti §4.1: 4sbv/t) on the rank that holds the head
  const logits = (4 * p.microBatch * (p.seqLen / p.cp) * s.vocab) / p.tp;
  let best: TrainMemory | null = null;
  for (let r = 0; r < p.pp; r++) {
    // the virtual stages this rank holds: chunk c = stage c·pp + r; DualPipe: stages r and pp−1−r (both directions,
    // DeepSeek-V3 report Table 2: "Parameter 2×"), so rank 0 holds the embedding and the head (§3.2.3)
    const mine = dualpipe ? (p.pp === 1 ? [0] : [r, p.pp - 1 - r]) : Array.from({ length: v }, (_, c) => c * p.pp + r);
    let dense = 0;
    let expert = 0;
    for (const j of mine) {
      dense += stageParams[j]!.dense;
      expert += stageParams[j]!.expert;
    }
    const hasEmbedding = mine.includes(0);
    const hasHead = mine.includes(S - 1);
    dense += (hasEmbedding ? s.paramsEmbedding : 0) + (hasHead ? s.paramsHead : 0);
    dense /= p.tp;
    expert /= expertTp(p) * p.ep;
    // sharded over the DP×CP group, or over the part of it in one scale-up domain (runtime fsdp_scope: ./fsdp-scope.ts)
    const sg = i.shard ?? { dense: dDense, expert: dExpert };
    const shard = (stage: number) => (stage <= i.zero ? sg : { dense: 1, expert: 1 });
    const bytes = (per: number, stage: number) => per * (dense / shard(stage).dense + expert / shard(stage).expert);
    // units kept gathered through the step (runtime training.fsdp_reshard) hold the unsharded 16-bit copy (and, when
    // micro-batches accumulate, unreduced gradients); the sharded parameter FSDP2 keeps beside it and the end-of-step
    // reduce-scattered gradient shard are each 1/dp of what is counted, and are left out
    const held = i.zero >= 3 && i.resident ? i.resident : undefined;
    const weights = held ? WEIGHT_BYTES * (dense + expert) : bytes(WEIGHT_BYTES, 3);
    const gradients = held?.accumulate ? held.gradBytes * (dense + expert) : bytes(GRAD_BYTES, 2);
    const optimizer = bytes(i.optimizerStateBytes ?? OPTIMIZER_BYTES, 1);
    // 4. activations in flight: Megatron's 1F1B / interleaved warm-up (inFlightPeak); DualPipe: pp − r micro-batches
    //    of the forward direction's stage r and r + 1 of the reverse direction's stage pp−1−r, pp + 1 stage-loads
    //    in all (DeepSeek-V3 report Table 2: activation "PP+1"), each direction running m/2 micro-batches
    let activations: number;
    if (dualpipe && p.pp > 1) {
      activations = Math.min(p.pp - r, m / 2) * stageAct[r]! + Math.min(r + 1, m / 2) * stageAct[p.pp - 1 - r]!;
    } else {
      activations = inFlightPeak(p.pp, v, m, r, mine.map((j) => stageAct[j]!));
    }
    if (hasHead) activations += logits;
    const perDevice = weights + gradients + optimizer + activations;
    if (!best || perDevice > best.per_device_bytes) {
      best = {
        per_device_bytes: perDevice,
        capacity_bytes: i.capacityBytes,
        usable_bytes: i.capacityBytes * (i.usableShare ?? USABLE_FRACTION),
        fits: true,
        reason: null,
        weights_bytes: weights,
        gradients_bytes: gradients,
        optimizer_bytes: optimizer,
        activations_bytes: activations,
        peak_pp_rank: r,
      };
    }
  }
  // 5. capacity check on the fullest rank
  const out = best!;
  out.fits = out.per_device_bytes <= out.usable_bytes;
  const gb = (x: number) => `${(x / 1e9).toFixed(1)} GB`;
  if (!out.fits) {
    out.reason =
      `needs ${gb(out.per_device_bytes)} per device${p.pp > 1 ? ` on pipeline rank ${out.peak_pp_rank}` : ''} (weights ${gb(out.weights_bytes)}, gradients ${gb(out.gradients_bytes)}, ` +
      `optimizer ${gb(out.optimizer_bytes)}, activations ${gb(out.activations_bytes)}) but ${gb(out.usable_bytes)} is usable`;
  }
  return out;
}
