// Memory footprint of a decoder on one device: weights (sharded, quantized, scales included), KV cache at the
// peak (every in-flight request holding input + output tokens), activations/workspace, against usable capacity.
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import type { MemoryResult } from './types.js';
import { moduleBits, type Precision } from '../model/quant.js';
import { kvBytesPerTokenLayer } from '../model/decoder-graph.js';
import { cachedTokens, layerAttentionCounts, localWindow, moeLayerCount } from '../model/layer-kinds.js';
import type { Layout } from './parallel.js';
import { sglangDefaultShare } from '../runtime/sglang-memory.js';

// Tokens one forward pass holds activations for: chunked prefill / max_num_tokens. TensorRT-LLM's default
// max_num_tokens is 8192 (docs "Tuning Max Batch Size and Max Num Tokens"); vLLM's chunked prefill uses a
// similar token budget. The workspace is sized for that chunk, not for batch × input.
export const ACTIVATION_CHUNK_TOKENS = 8192;

// Runtime context (CUDA/ROCm context, cuBLAS/NCCL workspaces) on a discrete accelerator, when no runtime is bound.
export const RUNTIME_RESERVE_BYTES = 1e9;
// Share of the memory left after weights and workspace that the runtime gives the KV cache, when no runtime is bound:
// TensorRT-LLM's kv_cache_free_gpu_mem_fraction default (runtimes/tensorrt-llm.yaml cites it).
export const KV_FREE_FRACTION = 0.9;

/** Whether the device shares its memory with a host OS (Apple silicon, phones, Jetson, DGX Spark). */
function unified(hw: NormalizedHardware): boolean {
  return hw.class === 'mobile' || hw.class === 'laptop' || hw.class === 'edge' || hw.class === 'desktop';
}

/** Bytes a serving runtime can use on one device, given what weights and workspace take. The runtime says how
 *  (runtimes/*.yaml memory): a share of what is free after weights and workspace (TensorRT-LLM's KV fraction),
 *  a share of the whole device (vLLM's gpu_memory_utilization), or a share of what is free once the runtime has
 *  started, for weights and KV cache alone (SGLang's mem_fraction_static: basis startup, where the activation
 *  workspace lives outside the share and `acts` is added back, so that usable − weights − acts is the KV pool). */
export function usableBytes(hw: NormalizedHardware, weights: number, acts: number, tp = 1): number {
  const cap = hw.memory.capacityBytes;
  const m = hw.runtime?.memory;
  // Unified memory: Metal's recommendedMaxWorkingSetSize is ~75% of RAM on Apple silicon (llama.cpp prints it
  // at load); phones and Jetson leave a similar share to the OS and other apps.
  if (unified(hw)) return cap * (m?.unifiedShare ?? 0.75);
  const reserve = m ? reserveAtTp(m, tp) : RUNTIME_RESERVE_BYTES;
  if (m?.basis === 'device' || m?.basis === 'startup') {
    const share = m.shareRule === 'sglang' ? sglangDefaultShare(cap, tp) : shareAtTp(m, tp);
    // SGLang's profile_max_num_token: rest = available_after_weights − total × (1 − mem_fraction_static), where total
    // is what was free once the CUDA context and the communicators were up (init_torch_distributed's minimum over the
    // ranks): the pool is share × (capacity − reserve) − weights, and the activations, CUDA graphs and the sampler
    // work in the (1 − share) left over
    if (m.basis === 'startup') return Math.max(0, share * Math.max(0, cap - reserve) + acts);
    return Math.max(0, share * cap - reserve);
  }
  const free = Math.max(0, cap - reserve - weights - acts);
  // never negative: a device smaller than the runtime's reserve has nothing usable (validate flags it)
  return Math.max(0, Math.min(cap - reserve, weights + acts + (m?.share ?? KV_FREE_FRACTION) * free));
}

/** a by-tp table's value at this tensor-parallel size: the entry with the largest tp ≤ `tp` (entries ascending), else `base` */
export function atTp(base: number, byTp: readonly [number, number][] | undefined, tp: number): number {
  let v = base;
  for (const [from, x] of byTp ?? []) if (tp >= from) v = x;
  return v;
}

/** the runtime's reserve at this tensor-parallel size (memory.reserve_by_tp, else reserve) */
export function reserveAtTp(m: { reserveBytes: number; reserveByTp?: [number, number][] }, tp: number): number {
  return atTp(m.reserveBytes, m.reserveByTp, tp);
}

/** the runtime's usable share at this tensor-parallel size (memory.share_by_tp, else share) */
export function shareAtTp(m: { share: number; shareByTp?: [number, number][] }, tp: number): number {
  return atTp(m.share, m.shareByTp, tp);
}

export interface WeightBreakdown {
  perDevice: number;
  total: number; // one replica, all devices
}

/** Weight bytes per device: every linear sharded over tp (experts over max(tp, ep)), small latent/router
 *  projections and norms replicated, vocabulary-parallel embedding and LM head (Megatron-LM). */
export function weightBytes(m: DecoderModel, L: Layout, p: Precision): WeightBreakdown {
  const d = m.hidden;
  const tp = L.attentionDp ? 1 : L.tp; // attention data parallelism keeps whole dense weights on every device
  const wb = p.weightBits / 8;
  // weights the checkpoint leaves out of its low-bit quantization (gpt-oss: attention, embeddings, LM head)
  const mb = moduleBits(m, p);
  const ab = mb.attnBits / 8;
  const hq = L.headsPerDevice;
  const mla = m.attention?.kind === 'mla' ? m.attention : undefined;
  let attn: number; // one layer, one device
  if (mla) {
    const qk = mla.qk_nope_head_dim + mla.qk_rope_head_dim;
    const q = mla.q_lora_rank > 0 ? d * mla.q_lora_rank + mla.q_lora_rank * hq * qk : d * hq * qk;
    attn = (q + d * (mla.kv_lora_rank + mla.qk_rope_head_dim) + mla.kv_lora_rank * hq * (mla.qk_nope_head_dim + mla.v_head_dim) + hq * mla.v_head_dim * d) * ab;
  } else {
    attn = (d * hq * m.head_dim * 2 + 2 * d * L.kvHeadsPerDevice * m.head_dim) * ab;
  }
  const norms = (m.parallel_block ? 1 : 2) * d * 2;
  const mats = m.ffn.kind === 'gated' ? 3 : 2;
  const moe = m.moe;
  const nMoe = moeLayerCount(m);
  const nDense = m.layers - nMoe;
  // gather-mode attention DP (src/sim/parallel.ts DpMoe) splits the dense FFN and shared experts over tp as without it
  const ffnTp = L.dpMoe ? L.tp : tp;
  const dense = (mats * d * m.ffn.intermediate * mb.ffnBits) / 8 / ffnTp;
  let moeLayer = 0;
  if (moe) {
    moeLayer = (moe.experts * mats * d * moe.intermediate * wb) / L.expertShards + moe.experts * d * 2;
    if (moe.shared > 0) moeLayer += (mats * d * (moe.shared_intermediate ?? moe.shared * moe.intermediate) * wb) / ffnTp;
  }
  const layersBytes = m.layers * (attn + norms) + nDense * dense + nMoe * moeLayer;
  const emb = (m.vocab * d * mb.embBits) / 8 / tp + (m.position === 'learned' ? (m.context * d * 2) / tp : 0);
  const head = m.tied_embeddings ? 0 : (m.vocab * d * mb.headBits) / 8 / tp;
  const ends = L.pp > 1 ? Math.max(emb, head + d * 2) : emb + head + d * 2;
  const perDevice = layersBytes / L.pp + ends;
  return { perDevice, total: (layersBytes + (emb + head + d * 2) * L.pp) * L.tp };
}

/** KV-cache bytes per token on one device (all its layers). */
export function kvBytesPerToken(m: DecoderModel, L: Layout, p: Precision): number {
  return kvBytesPerTokenLayer(m, L.kvHeadsPerDevice, p.kvBytes) * L.layersPerStage;
}

/** KV-cache bytes one sequence of `tokens` tokens holds on one device: full layers keep every token, sliding
 *  layers the last W, chunked layers at most one block (vLLM's hybrid KV cache manager and llama.cpp's SWA cache
 *  free the rest). Equals kvBytesPerToken × tokens when every layer attends fully. */
export function kvBytesForContext(m: DecoderModel, L: Layout, p: Precision, tokens: number): number {
  const perLayer = kvBytesPerTokenLayer(m, L.kvHeadsPerDevice, p.kvBytes);
  const n = layerAttentionCounts(m);
  let held = 0;
  for (const kind of ['full', 'sliding', 'chunked'] as const) {
    if (n[kind] > 0) held += n[kind] * cachedTokens(localWindow(m, kind), tokens);
  }
  return (perLayer * held * L.layersPerStage) / m.layers;
}

/** Activation workspace of the largest pass (a prefill chunk) plus fp32 logits of the batch, or, where the runtime
 *  states its per-slot buffers (`slot`, from slotBytes), those in place of the logits. */
export function activationBytes(m: DecoderModel, L: Layout, p: Precision, batch: number, inputTokens: number, slot?: number): number {
  const tokens = Math.min(batch * Math.max(1, inputTokens), ACTIVATION_CHUNK_TOKENS);
  const width = m.moe ? Math.max(m.ffn.intermediate, m.moe.active * m.moe.intermediate) : m.ffn.intermediate;
  const tw = L.attentionDp ? 1 : L.tp;
  const perToken = (4 * m.hidden + ((L.headsPerDevice + 2 * L.kvHeadsPerDevice) * m.head_dim) + (3 * width) / tw) * p.actBytes;
  return tokens * perToken + (slot ?? (batch * m.vocab * 4) / tw);
}

/** Bytes of the buffers a runtime allocates per sequence slot before it sizes its KV cache (runtime memory.slot:
 *  TensorRT-LLM's decoder state and runtime buffers, runtimes/tensorrt-llm.yaml), on one device: `slots` × (bytes per
 *  token of the engine's max sequence length × `maxSeqLen` + bytes per padded vocabulary entry × the vocabulary padded
 *  to a multiple of tp, ModelConfig::getVocabSizePadded(worldSize)). Every rank holds them whole: the decoder samples
 *  the gathered logits over the full vocabulary. Undefined when the runtime states none. */
export function slotBytes(hw: NormalizedHardware, m: DecoderModel, L: Layout, slots: number, maxSeqLen: number): number | undefined {
  const s = hw.runtime?.memory?.slot;
  if (!s) return undefined;
  const vocabPadded = Math.ceil(m.vocab / L.tp) * L.tp;
  return Math.max(0, slots) * (s.perSeqToken * Math.max(1, maxSeqLen) + s.perVocab * vocabPadded);
}

/** Tokens of KV cache a request holds: its context, or the whole compiled context of a static-shape runtime. */
export function kvTokens(hw: NormalizedHardware, context: number): number {
  return Math.max(context, hw.runtime?.staticContext ?? 0);
}

export function decoderMemory(
  m: DecoderModel,
  hw: NormalizedHardware,
  L: Layout,
  p: Precision,
  batch: number,
  inputTokens: number,
  outputTokens: number,
): MemoryResult {
  const weights = weightBytes(m, L, p).perDevice;
  const local = L.attentionDp ? batch / L.tp : batch; // requests whose KV cache this device holds
  const kv = kvBytesForContext(m, L, p, kvTokens(hw, inputTokens + outputTokens)) * local;
  // the engine's max_seq_len: trtllm-bench builds it to the dataset's longest request (input + output)
  const acts = activationBytes(m, L, p, local, inputTokens, slotBytes(hw, m, L, local, kvTokens(hw, inputTokens + outputTokens)));
  const per = weights + kv + acts;
  const cap = hw.memory.capacityBytes;
  const usable = usableBytes(hw, weights, acts, L.tp);
  const fits = per <= usable;
  const gb = (x: number) => `${(x / 1e9).toFixed(1)} GB`;
  const reason = fits
    ? null
    : `needs ${gb(per)} per device (weights ${gb(weights)}, KV cache ${gb(kv)}, activations ${gb(acts)}) but ${hw.id} has ${gb(usable)} usable of ${gb(cap)}` +
      (weights > usable ? '; the weights alone do not fit: raise --tp/--pp or use a smaller --dtype' : '; lower --batch or the token counts, or raise --tp');
  return {
    per_device_bytes: per,
    capacity_bytes: cap,
    usable_bytes: usable,
    fits,
    reason,
    weights_bytes: weights,
    kv_cache_bytes: kv,
    activations_bytes: acts,
  };
}

/** Usable share of capacity for engines without a KV cache (other families): the runtime's share of the device
 *  when it states one, else (unified memory) its working-set share, else the runtime reserve and a 5% allocator margin. */
export function usableFraction(hw: NormalizedHardware): number {
  const m = hw.runtime?.memory;
  if (unified(hw)) return m?.unifiedShare ?? 0.75;
  const reserve = m?.reserveBytes ?? RUNTIME_RESERVE_BYTES;
  if (m?.basis === 'device' || m?.basis === 'startup') return Math.max(0.5, m.share - reserve / hw.memory.capacityBytes);
  return Math.max(0.5, 0.95 - reserve / hw.memory.capacityBytes);
}
