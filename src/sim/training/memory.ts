// Training memory per device: weights, gradients, optimizer state (ZeRO stages), activations (recompute policies,
// pipeline in-flight micro-batches). Pure arithmetic on a DecoderShape and a plan; bytes are SI bytes.
import type { Recompute, TrainMemory, ZeroStage } from './types.js';
import type { DecoderShape } from './shapes.js';
import type { PlanShape } from './plan.js';
import { microBatchesPerPipeline } from './plan.js';

// Mixed-precision Adam (Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward Training Trillion Parameter
// Models", §3.1): 2Ψ bf16/fp16 weights + 2Ψ gradients + KΨ optimizer state with K = 12 (fp32 master weights,
// momentum, variance). FP8 training keeps the same state (DeepSeek-V3 report §3.3: fp32 master weights, bf16 m/v
// would be smaller; we stay conservative) — the fp8 weight copies are transient and not counted.
export const WEIGHT_BYTES = 2;
export const GRAD_BYTES = 2;
export const OPTIMIZER_BYTES = 12;

// Usable share of device memory: the CUDA/ROCm context, NCCL buffers and caching-allocator fragmentation
// take the rest (a few GB on an 80 GB part). Assumption, stated in the help text.
export const USABLE_FRACTION = 0.9;

export interface ActivationOptions {
  dropout?: boolean; // GPT-2/3-era models train with dropout; Llama-style models do not
}

// Activation bytes stored for backward, per layer, per sequence token, before dividing by tp.
// Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models", §4.1 (fp16, a heads,
// MHA, 4h FFN, with dropout): attention 11sbh + 5as²b, MLP 19sbh, two LayerNorms 4sbh → sbh(34 + 5as/h).
// Generalized here term by term to GQA/MLA widths, gated FFNs and MoE (each token's copy at `active` experts).
export function activationBytesPerToken(s: DecoderShape, seq: number, recompute: Recompute, moe: boolean, opt: ActivationOptions = {}): number {
  const h = s.hidden;
  if (recompute === 'full') return 2 * h; // only each layer's input is kept (Korthikanti §4.3: 2sbh per layer)
  const drop = opt.dropout ? 1 : 0;
  // attention: QKV input 2h, Q and K 2(q + k), V 2v_kv, output-projection input 2v, dropout mask h
  const vKv = s.kvDim === s.qDim ? s.vDim : s.kvDim;
  const attn = 2 * h + 2 * (s.qDim + s.kvDim) + 2 * vKv + 2 * s.vDim + drop * h;
  // scores: softmax output 2as (+ dropout mask as + dropout output 2as); selective recompute drops them (§4.2)
  const scores = recompute === 'none' ? (2 + 3 * drop) * s.heads * seq : 0;
  // MLP: FC1 input 2h, plain: activation input 2f + output 2f (+ dropout mask h); gated: gate 2f, up 2f, product 2f
  const mlp = (f: number) => 2 * h + (s.gated ? 6 * f : 4 * f + drop * h);
  const ffn = moe ? s.active * mlp(s.expertWidth) + (s.sharedWidth > 0 ? mlp(s.sharedWidth) : 0) : mlp(s.ffnWidth);
  const norms = 4 * h; // the two norms' inputs
  return attn + scores + ffn + norms;
}

// Activation bytes of one micro-batch through one layer on one device. Sequence parallelism is assumed whenever
// tp > 1 (Korthikanti §4.2.2: the whole sbh(34 + 5as/h) divides by t); context parallelism splits the sequence.
export function layerActivationBytes(s: DecoderShape, p: PlanShape, recompute: Recompute, moe: boolean, opt: ActivationOptions = {}): number {
  const tokens = (p.microBatch * p.seqLen) / p.cp;
  return (tokens * activationBytesPerToken(s, p.seqLen, recompute, moe, opt)) / p.tp;
}

export interface MemoryInput {
  shape: DecoderShape;
  plan: PlanShape;
  recompute: Recompute;
  zero: ZeroStage;
  capacityBytes: number;
  dropout?: boolean;
}

export function trainingMemory(i: MemoryInput): TrainMemory {
  const { shape: s, plan: p } = i;
  // 1. parameters on the peak device (stage 0 holds the input embedding; with pp = 1 also the head)
  const body = s.paramsDense - s.paramsEmbedding - s.paramsHead;
  const ends = p.pp === 1 ? s.paramsEmbedding + s.paramsHead : Math.max(s.paramsEmbedding, s.paramsHead);
  // DualPipe holds two stages per device, i and p−1−i (DeepSeek-V3 report Table 2: "Parameter 2×").
  const copies = p.schedule === 'dualpipe' ? 2 : 1;
  const denseParams = (copies * (body / p.pp) + ends) / p.tp;
  const expertParams = (copies * s.paramsExpert) / (p.tp * p.pp * p.ep);
  // 2. ZeRO (Rajbhandari et al. 2020 §5): stage 1 shards optimizer state, 2 also gradients, 3 also weights, over
  //    the data-parallel group (dp·cp for dense parameters; dp·cp/ep replicas for expert parameters).
  const dDense = p.dp * p.cp;
  const dExpert = Math.max(1, (p.dp * p.cp) / p.ep);
  const shard = (stage: number) => (stage <= i.zero ? { dense: dDense, expert: dExpert } : { dense: 1, expert: 1 });
  const bytes = (per: number, stage: number) => per * (denseParams / shard(stage).dense + expertParams / shard(stage).expert);
  const weights = bytes(WEIGHT_BYTES, 3);
  const gradients = bytes(GRAD_BYTES, 2);
  const optimizer = bytes(OPTIMIZER_BYTES, 1);
  // 3. activations: 1F1B keeps up to p micro-batches in flight on stage 0, each through L/p layers (Korthikanti
  //    §4.2.3: the first stage stores p·(L/p) = L layers' worth); interleaving multiplies by 1 + (p−1)/(p·v).
  //    DualPipe keeps pp + 1 micro-batches' activations (DeepSeek-V3 report Table 2).
  const m = microBatchesPerPipeline(p);
  const inFlight = p.schedule === 'dualpipe' ? Math.min(p.pp + 1, m) : Math.min(p.pp, m);
  const interleaveFactor = p.pp > 1 && p.interleave > 1 ? 1 + (p.pp - 1) / (p.pp * p.interleave) : 1;
  const perLayer = (moe: boolean) => layerActivationBytes(s, p, i.recompute, moe, { dropout: i.dropout });
  const avgLayer = (s.denseLayers * perLayer(false) + s.moeLayers * perLayer(true)) / s.layers;
  const stageLayers = Math.ceil(s.layers / p.pp);
  const stage0 = stageLayers * avgLayer * inFlight * interleaveFactor;
  // last stage: one micro-batch in flight plus fp32 logits for the loss (Korthikanti §4.1: 4sbv/t)
  const logits = (4 * p.microBatch * (p.seqLen / p.cp) * s.vocab) / p.tp;
  const stageLast = p.pp === 1 ? 0 : stageLayers * avgLayer + logits;
  const activations = Math.max(stage0 + (p.pp === 1 ? logits : 0), stageLast);
  // 4. capacity check
  const perDevice = weights + gradients + optimizer + activations;
  const usable = i.capacityBytes * USABLE_FRACTION;
  const fits = perDevice <= usable;
  const gb = (x: number) => `${(x / 1e9).toFixed(1)} GB`;
  return {
    per_device_bytes: perDevice,
    capacity_bytes: i.capacityBytes,
    usable_bytes: usable,
    fits,
    reason: fits
      ? null
      : `needs ${gb(perDevice)} per device (weights ${gb(weights)}, gradients ${gb(gradients)}, optimizer ${gb(optimizer)}, activations ${gb(activations)}) but ${gb(usable)} is usable`,
    weights_bytes: weights,
    gradients_bytes: gradients,
    optimizer_bytes: optimizer,
    activations_bytes: activations,
  };
}
