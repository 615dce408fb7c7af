// The ops of one decoder forward pass on one device, hardware-free (docs/design.md: buildGraph(phase, shape)).
//
// One pass mixes what an in-flight-batching step runs together (TensorRT-LLM / vLLM fuse context and
// generation requests in one forward): `prefillSeqs` sequences of `prefillLen` new tokens from an empty cache,
// and `decodeSeqs` sequences of one new token each over a cache of `c` tokens. Decode attention is the only
// work that depends on c; it is given as a value at c = 0 plus a slope per context token (flopsPerCtx,
// bytesPerCtx), so a caller can cost a whole generation in closed form (src/sim/decode-integral.ts).
//
// Shapes are per device: d = hidden, hq = heads/tp, hkv = KV heads on the device, hd = head_dim, I = FFN width.
import type { AttentionDpMoe, DecoderModel, Dtype } from '../spec/types.js';
import type { Op, OpKind, CollectiveKind } from './op.js';
import { attentionDtype, gemmDtypeForBits, moduleBits, type Precision } from './quant.js';
import { layerAttentionCounts, localWindow, moeLayerCount, prefillPairs, type LocalWindow } from './layer-kinds.js';
import { busiestExpertRank } from './busiest-expert-rank.js';

export interface GraphOp extends Op {
  flopsPerCtx: number; // extra FLOPs per token of decode context (decode attention), else 0
  bytesPerCtx: number;
  kvElemBytes?: number; // decode attention: bytes per KV-cache element it streams (its bandwidth depends on it)
  queriesPerKv?: number; // attention over per-head K/V (not MLA's shared latent): query heads per KV head
  kvHeadSeqs?: number; // decode attention over per-head K/V: sequences × KV heads one call attends for (a kernel's per-call work items)
  window?: LocalWindow; // decode attention of local layers: attends over e(c) (sliding min(c, W), chunked c mod C)
  // prefill attention: the prompt length and the query·key pairs per sequence the op is priced at (causal, windowed),
  // so a runtime whose kernel computes other pairs can reprice it, the local window (src/sim/ggml-kernels.ts), and the
  // query heads on the device (a runtime that multiplies head by head pays per head: src/sim/ggml-kernels.ts)
  // width: the score and value widths of a head (dqk + dv), so a runtime that writes the scores out can count them
  // qkWidth: dqk alone, the length a score's dot product reduces over (a matrix unit's depth floor: src/sim/matrix-depth.ts)
  prefill?: { len: number; pairs: number; window?: number; heads?: number; width?: number; qkWidth?: number };
  // prefill attention of a model with attention sinks (gpt-oss): a runtime may run it on another kernel
  // (kernels.sink_attention_rate, src/sim/roofline.ts)
  sinks?: boolean;
  // the op of the same pass whose kernel runs this one (a runtime's fusion group, src/sim/fusion.ts): no launch of its own
  fusedInto?: string;
}

export interface PassShape {
  prefillSeqs: number;
  prefillLen: number;
  decodeSeqs: number;
}

export interface GraphLayout {
  tp: number;
  pp: number;
  ep: number;
  headsPerDevice: number;
  kvHeadsPerDevice: number;
  layersPerStage: number;
  expertShards: number;
  attentionDp?: boolean; // attention, dense FFN and LM head data-parallel over tp (src/sim/parallel.ts)
  // attention DP's MoE by gathering the tokens (src/sim/parallel.ts DpMoe); undefined: all-to-all dispatch
  dpMoe?: AttentionDpMoe;
}

// `kernels` and `fusedInto` are set on every op, unset, so that the ops a runtime's fusion groups rewrite (src/sim/
// fusion.ts) keep the shape the others have: added to two ops of a pass afterwards, they made costPass's reads of every
// op polymorphic, simulate() 9.5 -> 15 us per estimate. `head` likewise (the output head sets it true): added to the
// head op alone it doubled simulate() (21-32 -> 46-51 us, scripts/bench-sim.js, at 26189d7a). `expertMacs` likewise
// and `localExperts` (the expert GEMMs set them: the fused MoE cap's keys), and `absorbedBmm` (MLA's kv_b_proj sets it).
function op(name: string, kind: OpKind, flops: number, bytes: number, weightBytes: number, dtype: Dtype, count: number): GraphOp {
  return { name, kind, flops, bytes, weightBytes, dtype, count, flopsPerCtx: 0, bytesPerCtx: 0, kernels: undefined, fusedInto: undefined, head: false, expertMacs: undefined, localExperts: undefined, absorbedBmm: false };
}
/** a pass op of the graph's own shape, for ops a runtime adds to the pass (src/sim/layer-kernels.ts) */
export const graphOp = op;

// y[m, n] = x[m, k] · W[k, n]: 2mnk FLOPs; reads W and x, writes y (each once). `quantized`: W is in the
// checkpoint's weight format (false for the 16-bit router), so GGUF weights run llama.cpp's kernels.
function gemm(name: string, m: number, n: number, k: number, p: Precision, wBits: number, count: number, quantized = true, dtype: Dtype = p.gemmDtype): GraphOp {
  const w = (n * k * wBits) / 8;
  const o = op(name, 'gemm', 2 * m * n * k, w + (m * k + m * n) * p.actBytes, w, dtype, count);
  o.m = m;
  o.n = n;
  o.k = k;
  o.batchRows = true;
  if (quantized && p.gguf) o.gguf = true;
  return o;
}

function comm(name: string, kind: CollectiveKind, bytes: number, group: number, count: number, dtype: Dtype): GraphOp {
  const o = op(name, 'collective', 0, 0, 0, dtype, count);
  o.comm = { kind, bytes, group, scope: 'scale_up', ep: undefined }; // ep: set on the MoE all-to-all (one object shape)
  return o;
}

/** KV-cache bytes of one token in one layer on one device (MLA: the compressed latent + the rope key). */
export function kvBytesPerTokenLayer(m: DecoderModel, kvHeadsPerDevice: number, kvBytes: number): number {
  const a = m.attention;
  if (a?.kind === 'mla') {
    // expanded (a runtime without an MLA kernel, src/runtime/mla-cache.ts): K = [nope ‖ rope] and V zero-padded to the
    // same width, per local head (heads/tp; kvHeadsPerDevice equals it for an MLA model)
    if (a.cache === 'expanded') return 2 * kvHeadsPerDevice * (a.qk_nope_head_dim + a.qk_rope_head_dim) * kvBytes;
    return (a.kv_lora_rank + a.qk_rope_head_dim) * kvBytes; // DeepSeek-V2 §2.1.2: (d_c + d_h^R) per token
  }
  return 2 * kvHeadsPerDevice * m.head_dim * kvBytes; // K and V: 2·kv_heads·head_dim (GQA, Ainslie et al. 2023)
}

/** bytes per element of a GEMM input in `p`'s GEMM dtype (8-bit and narrower inputs are stored quantized) */
export function gemmInputBytes(p: Precision): number {
  const b: Partial<Record<Dtype, number>> = { fp8: 1, int8: 1, fp6: 0.75, fp4: 0.5625 };
  return b[p.gemmDtype] ?? p.actBytes;
}

/** expected distinct experts a batch of `tokens` touches when each picks k of E uniformly: E·(1 − (1 − k/E)^tokens) */
export function expertsTouched(experts: number, active: number, tokens: number): number {
  if (tokens <= 0) return 0;
  return experts * (1 - Math.pow(1 - active / experts, tokens));
}

/**
 * Bytes (and FLOPs) of the MoE routing and data-movement kernels of one layer on one device: T tokens, `rows`
 * expanded (token, expert) rows on the device (T·k, or T·k/ep with expert parallelism), E experts, top-k, hidden d,
 * `act` bytes per 16-bit activation element, `inB` bytes per element of the GEMM input type. Physics only, no
 * fitted factor:
 *  - top-k softmax: reads the fp32 router logits [T, E], writes k expert ids (int32) and k scales (fp32) per token;
 *  - sort/scan: reads the T·k ids, writes the permuted row map and its inverse (int32 each) and reads them back;
 *  - permute (expandInputRows): reads each token's d-wide row once, writes it (GEMM input type) to each of its
 *    `rows` destinations;
 *  - finalize (unpermute + weighted sum): reads the `rows` FC2 outputs, writes [T, d]; k multiply-adds per element.
 */
export function moeDataMovement(T: number, rows: number, E: number, k: number, d: number, act: number, inB = act) {
  return {
    topkFlops: 5 * T * E,
    topkBytes: T * E * 4 + T * k * 8,
    sortBytes: T * k * 4 + 4 * T * k * 4,
    permuteBytes: T * d * act + rows * d * inB,
    finalizeFlops: 2 * rows * d,
    finalizeBytes: rows * d * act + T * d * act,
  };
}

/**
 * The ops of one pass on the critical pipeline stage of one device. Per-layer ops carry count = layers on the
 * stage; the embedding, final norm and LM head run once (first/last stage; we charge them to the stage).
 */
// The attention kinds of a model's layers per stage depend on the model and pp only; a simulate() builds three
// passes and a sweep thousands, so they are listed once per (model object, pp).
interface AttentionKind { kind: string; n: number; w: LocalWindow | undefined }
const KINDS = new WeakMap<DecoderModel, Map<number, AttentionKind[]>>();
function attentionKinds(m: DecoderModel, pp: number): AttentionKind[] {
  let byPp = KINDS.get(m);
  if (!byPp) KINDS.set(m, (byPp = new Map()));
  let kinds = byPp.get(pp);
  if (!kinds) {
    kinds = Object.entries(layerAttentionCounts(m))
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => ({ kind, n: n / pp, w: localWindow(m, kind as 'full' | 'sliding' | 'chunked') }));
    byPp.set(pp, kinds);
  }
  return kinds;
}

export function buildDecoderPass(m: DecoderModel, L: GraphLayout, p: Precision, s: PassShape): GraphOp[] {
  const ops: GraphOp[] = [];
  const d = m.hidden;
  const tp = L.tp;
  const hq = L.headsPerDevice;
  const hkv = L.kvHeadsPerDevice;
  const hd = m.head_dim;
  const wb = p.weightBits;
  const act = p.actBytes;
  const dt = p.gemmDtype;
  const T = s.prefillSeqs * s.prefillLen + s.decodeSeqs; // tokens through the GEMMs
  const seqs = s.prefillSeqs + s.decodeSeqs; // rows of the LM head
  if (T <= 0) return ops;
  // Attention data parallelism: each device runs the attention side (and dense FFN, LM head) on its 1/tp share of
  // the requests with whole weights (tw = 1); otherwise every device sees all T tokens on a 1/tp slice of the weights.
  const dpA = L.attentionDp ? tp : 1;
  const tw = L.attentionDp ? 1 : tp;
  const Ta = T / dpA; // tokens through this device's attention side
  const seqsA = seqs / dpA;
  // Attention DP in a runtime's gather mode (SGLang without DeepEP): the FFN side (dense FFN, router, routed and shared
  // experts) runs over all T tokens gathered from the ranks, its weights split over tp as without attention DP
  const dpMoe = L.attentionDp ? L.dpMoe : undefined;
  // a step with no extend tokens runs the runtime's decode pair where it has one (DpMoe.decode); any extend: the other
  const gather = dpMoe && s.prefillSeqs === 0 && dpMoe.decode ? dpMoe.decode : dpMoe;
  const Tf = gather ? T : Ta; // tokens through this device's FFN side
  const tf = gather ? tp : tw; // devices the FFN side's dense weights are split over
  const layers = L.layersPerStage;
  const moe = m.moe;
  const moeLayers = moeLayerCount(m) / L.pp;
  // attention kinds of the layers on this stage (average share, as for MoE layers)
  const kinds = attentionKinds(m, L.pp);
  const denseLayers = layers - moeLayers;
  const mla = m.attention?.kind === 'mla' ? m.attention : undefined;
  const kvTok = kvBytesPerTokenLayer(m, hkv, p.kvBytes);
  const normPasses = m.parallel_block ? 1 : 2;
  // weights the checkpoint leaves out of its low-bit quantization (gpt-oss: attention, router, embeddings, LM head)
  const mb = moduleBits(m, p);
  const ab = mb.attnBits;
  const adt = mb.attnDtype;

  // embedding lookup: gather T rows of the (vocab-parallel) table  // [T, d]
  ops.push(op('embedding', 'embedding', 0, Ta * d * ((mb.embBits / 8) + act), 0, dt, 1));

  // --- attention block, every layer ---
  ops.push(op('attn_norm', 'norm', 4 * Ta * d, 2 * Ta * d * act + d * 2, d * 2, dt, layers)); // [T, d]
  let attnOutIn: number; // input width of the output projection
  if (mla) {
    const qk = mla.qk_nope_head_dim + mla.qk_rope_head_dim;
    if (mla.q_lora_rank > 0) {
      ops.push(gemm('q_a_proj', Ta, mla.q_lora_rank, d, p, ab, layers, true, adt)); // [T, q_lora] (replicated on each tp rank)
      ops.push(gemm('q_b_proj', Ta, hq * qk, mla.q_lora_rank, p, ab, layers, true, adt)); // [T, hq·(nope+rope)]
    } else {
      ops.push(gemm('q_proj', Ta, hq * qk, d, p, ab, layers, true, adt)); // [T, hq·(nope+rope)]
    }
    ops.push(gemm('kv_a_proj', Ta, mla.kv_lora_rank + mla.qk_rope_head_dim, d, p, ab, layers, true, adt)); // [T, d_c + d_rope]
    // K/V up-projection (prefill) or its absorbed form into q and o (decode): same weights, 2·T·d_c·hq·(nope+v)
    const kvB = gemm('kv_b_proj', Ta, hq * (mla.qk_nope_head_dim + mla.v_head_dim), mla.kv_lora_rank, p, ab, layers, true, adt);
    kvB.absorbedBmm = true; // decode: the absorbed BMMs (Op.absorbedBmm)
    ops.push(kvB);
    attnOutIn = hq * mla.v_head_dim;
  } else {
    ops.push(gemm('qkv_proj', Ta, (hq + 2 * hkv) * hd, d, p, ab, layers, true, adt)); // [T, (hq + 2·hkv)·hd]
    attnOutIn = hq * hd;
  }
  // per-head RMS/L2 norm of q and k (Qwen3, Gemma 3, Llama 4): one read and write of q and k
  if (m.attention && m.attention.qk_norm !== 'none') {
    const w = m.attention.qk_norm === 'rmsnorm' ? 2 * hd * 2 : 0;
    ops.push(op('qk_norm', 'norm', 4 * Ta * (hq + hkv) * hd, 2 * Ta * (hq + hkv) * hd * act + w, w, dt, layers)); // [T, (hq + hkv)·hd]
  }
  // Fused attention (FlashAttention, Dao et al. 2022): scores and values never reach DRAM; K/V read once.
  // Prefill, causal from an empty cache: L(L+1)/2 query·key pairs per sequence and head.
  // Local layers (sliding window, chunked) see fewer keys: one op per attention kind.
  const suffix = (kind: string) => (kind === 'full' ? '' : `_${kind}`);
  if (s.prefillSeqs > 0) {
    const Lp = s.prefillLen;
    const pSeqs = s.prefillSeqs / dpA;
    // MLA prefill up-projects the latent to per-head K (nope + rope) and V (FlashAttention over 192/128-wide heads),
    // unless the runtime runs it absorbed over the latent (attention.prefill 'absorbed', src/runtime/mla-cache.ts):
    // then each head's scores are d_c + d_rope wide and its values d_c wide, as in decode (576 / 512 for DeepSeek-V3)
    const absorbed = mla && mla.prefill === 'absorbed';
    const dqk = mla ? (absorbed ? mla.kv_lora_rank + mla.qk_rope_head_dim : mla.qk_nope_head_dim + mla.qk_rope_head_dim) : hd;
    const dv = mla ? (absorbed ? mla.kv_lora_rank : mla.v_head_dim) : hd;
    const tok = pSeqs * Lp;
    const bytes = tok * hq * (dqk + dv) * act * 2 + tok * kvTok * 2; // q in, o out; K/V written then read
    // A fractional share (steady state: B/O new requests per step) is one kernel on that share of the steps.
    const share = Math.min(1, pSeqs);
    for (const k of kinds) {
      const perSeq = prefillPairs(k.w, Lp);
      const pairs = pSeqs * perSeq;
      const a = op(`attention_prefill${suffix(k.kind)}`, 'attention', (2 * pairs * hq * (dqk + dv)) / share, bytes / share, 0, attentionDtype(p), k.n * share); // [b, hq, L, L]
      a.prefill = k.w ? { len: Lp, pairs: perSeq, window: k.w.size, heads: hq, width: dqk + dv, qkWidth: dqk } : { len: Lp, pairs: perSeq, heads: hq, width: dqk + dv, qkWidth: dqk };
      if (m.attention?.sinks) a.sinks = true;
      if (!mla && hkv > 0) a.queriesPerKv = hq / hkv;
      ops.push(a);
    }
  }
  // Decode: one query per sequence over c cached tokens. MLA decodes in the absorbed form over the latent
  // (DeepSeek-V2 §2.1.2): score dim d_c + d_rope, value dim d_c, one latent shared by all heads.
  if (s.decodeSeqs > 0) {
    // expanded MLA decodes as multi-head attention over per-head K (nope + rope) and V padded to that width
    const wide = mla && mla.cache === 'expanded' ? mla.qk_nope_head_dim + mla.qk_rope_head_dim : 0;
    const dqk = mla ? wide || mla.kv_lora_rank + mla.qk_rope_head_dim : hd;
    const dv = mla ? wide || mla.kv_lora_rank : hd;
    const b = s.decodeSeqs / dpA;
    for (const k of kinds) {
      const o = op(`attention_decode${suffix(k.kind)}`, 'attention', 0, b * hq * (dqk + dv) * act + b * kvTok, 0, attentionDtype(p), k.n); // [b, hq, 1, c]
      o.flopsPerCtx = 2 * b * hq * (dqk + dv);
      o.bytesPerCtx = b * kvTok;
      o.kvElemBytes = p.kvBytes;
      if (!mla && hkv > 0) {
        o.queriesPerKv = hq / hkv;
        o.kvHeadSeqs = b * hkv;
      }
      if (k.w) o.window = k.w;
      ops.push(o);
    }
  }
  ops.push(gemm('o_proj', Ta, d, attnOutIn, p, ab, layers, true, adt)); // [T, d] partial sums on each tp rank
  if (tp > 1 && !L.attentionDp) ops.push(comm('allreduce_attn', 'allreduce', T * d * act, tp, m.parallel_block ? 0 : layers, dt));
  // gather mode: the tokens of every rank reach the FFN side before its norm (SGLang @7f00a464 deepseek_v2.py
  // forward_normal: dp_gather_partial, then post_attention_layernorm over the gathered buffer)
  if (gather) ops.push(comm('dp_gather', gather.gather, T * d * act, tp, layers, dt));
  if (normPasses === 2) ops.push(op('ffn_norm', 'norm', 5 * Tf * d, 3 * Tf * d * act + d * 2, d * 2, dt, layers)); // residual + norm
  // Gemma 2/3 sandwich norms: the attention output and the FFN output are normalised before the residual add
  if (m.post_norms) ops.push(op('post_norms', 'norm', 2 * 4 * Ta * d, 2 * (2 * Ta * d * act + d * 2), 2 * d * 2, dt, layers)); // 2 × [T, d]

  // --- FFN: dense layers ---
  const gated = m.ffn.kind === 'gated';
  const mats = gated ? 2 : 1;
  if (denseLayers > 0) {
    const I = m.ffn.intermediate / tf;
    ops.push(gemm('ffn_up', Tf, mats * I, d, p, mb.ffnBits, denseLayers)); // [T, (2)·I/tp]
    ops.push(op('ffn_act', 'elementwise', 4 * Tf * I, (mats + 1) * Tf * I * act, 0, dt, denseLayers)); // [T, I/tp]
    ops.push(gemm('ffn_down', Tf, d, I, p, mb.ffnBits, denseLayers)); // [T, d]
  }
  // --- FFN: MoE layers (router + routed experts as grouped GEMMs + shared experts) ---
  if (moe && moeLayers > 0) {
    const E = moe.experts;
    const k = Math.min(moe.active, E);
    const I = moe.intermediate;
    const shards = L.expertShards;
    ops.push(gemm('router', Tf, E, d, p, 16, moeLayers, false, gemmDtypeForBits(p, 16))); // [T, E], router weights kept 16-bit (a bf16 Linear), replicated
    // Weights read: the distinct experts the T tokens touch (Fedus et al. 2021 top-k routing, uniform load);
    // FLOPs: T·k expert-token pairs. Experts split evenly over max(tp, ep) devices.
    const touched = expertsTouched(E, k, T);
    const pairs = T * k;
    // Rows a device's grouped GEMMs see: with tensor parallelism every device runs all T·k rows on its slice of I;
    // with expert parallelism a device gets the T·k/ep rows routed to its experts.
    const rows = pairs / L.ep;
    // The permuted rows are stored in the GEMM input type (TensorRT-LLM: ExpandedActivationsType = T, fp8 rows in
    // fp8 mode); FC2 writes its output type (16-bit), which finalize reads.
    const inB = gemmInputBytes(p);
    const mv = moeDataMovement(Tf, rows, E, k, d, act, inB);
    // TensorRT-LLM CutlassMoeFCRunner::runMoe (cpp/tensorrt_llm/kernels/mixtureOfExperts/moe_kernels.cu, v0.1x):
    // top-k softmax over the router logits, a sort/scan of the T·k (expert, row) pairs into per-expert offsets,
    // expandInputRowsKernel (permuted_data_ [T·k, d]), FC1, activation, FC2, finalizeMoeRoutingKernel (weighted
    // sum of the k rows back to [T, d]). vLLM fused_moe runs the same steps (topk_softmax, moe_align_block_size,
    // two grouped GEMMs, silu_and_mul, moe_sum).
    ops.push(op('moe_topk', 'elementwise', mv.topkFlops, mv.topkBytes, 0, dt, moeLayers)); // [T, E] → [T, k]
    ops.push(op('moe_sort', 'elementwise', 0, mv.sortBytes, 0, dt, moeLayers)); // [T·k] → per-expert offsets
    ops.push(op('moe_permute', 'elementwise', 0, mv.permuteBytes, 0, dt, moeLayers)); // [T, d] → [T·k, d]
    // the busiest expert-parallel rank's rows and touched experts over the mean rank's (./busiest-expert-rank.ts): the
    // layer waits for it at the collective after the experts
    const busy = busiestExpertRank(E, k, T, L.ep);
    const wUp = (touched * busy.touched * mats * I * d * wb) / 8 / shards;
    const wDown = (touched * busy.touched * I * d * wb) / 8 / shards;
    const bp = pairs * busy.rows; // the busiest rank's rows, as pairs over the group
    const brows = rows * busy.rows;
    // each row reads its full d-wide input and writes its slice of (2)·I; FC2 reads the I slice, writes d-wide partials
    const up = op('experts_up', 'gemm', (2 * bp * mats * I * d) / shards, wUp + brows * d * inB + (bp * mats * I * act) / shards, wUp, dt, moeLayers);
    // one GEMM per touched expert on this device (grouped GEMM): with expert parallelism a device holds E/ep
    // experts, with tensor parallelism every device holds a slice of each
    const groups = Math.max(1, L.ep > 1 ? (touched * busy.touched) / L.ep : touched);
    up.groups = groups;
    up.batchRows = true;
    up.batchTokens = T;
    if (p.gguf) up.gguf = true; // llama.cpp MUL_MAT_ID runs the same quantized kernels
    up.m = bp / Math.max(1, touched * busy.touched);
    // this device's slice of each of its experts (shapes are per device): an expert is split over the shards / ep
    // devices that share it (tensor parallelism inside the expert), whole under pure expert parallelism (ep = shards)
    const expertSplit = shards / Math.max(1, Math.min(L.ep, shards));
    up.n = (mats * I) / expertSplit;
    up.k = d;
    up.expertMacs = up.m * d * (I / expertSplit);
    up.localExperts = E / Math.max(1, Math.min(L.ep, shards));
    ops.push(up); // [T·k/shards, (2)·I]
    ops.push(op('experts_act', 'elementwise', (4 * bp * I) / shards, ((mats + 1) * bp * I * act) / shards, 0, dt, moeLayers));
    const down = op('experts_down', 'gemm', (2 * bp * I * d) / shards, wDown + (bp * I * act) / shards + brows * d * act, wDown, dt, moeLayers);
    down.groups = groups;
    down.batchRows = true;
    down.batchTokens = T;
    if (p.gguf) down.gguf = true;
    down.m = up.m;
    down.n = d;
    down.k = I / expertSplit;
    down.expertMacs = up.expertMacs;
    down.localExperts = up.localExperts;
    ops.push(down); // [T·k/shards, d]
    ops.push(op('moe_finalize', 'elementwise', mv.finalizeFlops, mv.finalizeBytes, 0, dt, moeLayers)); // [T·k, d] → [T, d]
    if (moe.shared > 0) {
      const Is = (moe.shared_intermediate ?? moe.shared * I) / tf;
      ops.push(gemm('shared_up', Tf, mats * Is, d, p, wb, moeLayers));
      ops.push(gemm('shared_down', Tf, d, Is, p, wb, moeLayers));
    }
    // Dispatch and combine: each token's hidden state to k experts and back (GShard all-to-all), where the devices
    // hold different tokens: attention data parallelism, or experts spread wider than the tp group. With plain
    // tensor-parallel attention (ep ≤ tp) every tp rank already holds every token after the attention all-reduce;
    // each rank runs its local experts on them and the FFN all-reduce below sums the partial outputs, with no
    // all-to-all: TensorRT-LLM Qwen3MoE.forward (tensorrt_llm/_torch/models/modeling_qwen3_moe.py: self.allreduce
    // after the experts when not enable_attention_dp and tp_size > 1; the fused MoE's enable_alltoall requires
    // mapping.enable_attention_dp, modules/fused_moe/fused_moe_trtllm_gen.py) and vLLM
    // (FusedMoEParallelConfig.use_all2all_kernels = use_ep and dp_size > 1, model_executor/layers/fused_moe/config.py).
    if (L.ep > 1 && ((L.attentionDp && !gather) || L.ep > tp)) {
      const a2a = comm('alltoall_moe', 'alltoall', (2 * pairs * d * act) / tp, L.ep, moeLayers, dt);
      // the same exchange as (token, expert) copies, for a runtime whose own EP kernels price it (src/sim/deepep-low-latency.ts)
      a2a.comm!.ep = { copies: pairs / tp, hidden: d, fp8: dt === 'fp8', decode: s.prefillSeqs === 0 };
      ops.push(a2a);
    }
  }
  if (tp > 1 && !L.attentionDp) ops.push(comm('allreduce_ffn', 'allreduce', T * d * act, tp, layers, dt));
  // gather mode: each rank's partial FFN output summed and its own tokens kept (the MoE's tensor-parallel all-reduce,
  // then a copy of the rank's rows; or one reduce-scatter)
  if (gather) ops.push(comm('dp_combine', gather.combine, T * d * act, tp, layers, dt));
  ops.push(op('residual', 'elementwise', Ta * d, 3 * Ta * d * act, 0, dt, layers)); // [T, d]
  if (L.pp > 1) ops.push(comm('pp_send', 'p2p', Ta * d * act, 2, L.pp - 1, dt)); // stage boundaries (GPipe)

  // --- head: final norm, LM head on the sequences that sample, logits in fp32 written and read by the sampler ---
  if (m.final_norm) ops.push(op('final_norm', 'norm', 4 * seqsA * d, 2 * seqsA * d * act, 0, dt, 1));
  const head = gemm('lm_head', seqsA, m.vocab / tw, d, p, mb.headBits, 1, true, mb.headDtype); // [seqs, vocab/tp], 16-bit weights in bf16
  head.head = true;
  ops.push(head);
  // the head is split over the vocabulary (each rank's lm_head makes [seqs, vocab/tp] logits), and sampling needs every
  // rank's slice: the serving engines gather them once a step before the sampler, in the model dtype — vLLM's
  // LogitsProcessor._gather_logits (tensor_model_parallel_all_gather, or a gather to the driver rank under V0: the same
  // bytes into it), SGLang's LogitsProcessor (tensor_model_parallel_all_gather), DeepSpeed-FastGen's _forward_unembed
  // (all_gather_into_tensor), TensorRT-LLM's lm_head ColumnLinear(gather_output=True)
  if (tw > 1) ops.push(comm('logits_gather', 'allgather', seqsA * m.vocab * act, tw, 1, dt));
  ops.push(op('sampling', 'elementwise', 5 * seqsA * (m.vocab / tw), 2 * seqsA * (m.vocab / tw) * 4, 0, dt, 1));
  // a block-scaled FP8 checkpoint (DeepSeek-V3's and Qwen3's FP8 releases: weight_block_size [128, 128]) keeps its
  // router and LM head in 16-bit; every other projection is a block-scaled FP8 GEMM
  if (m.fp8_scaling === 'block' && dt === 'fp8' && wb === 8) {
    for (const o of ops) if (o.kind === 'gemm' && o.name !== 'router' && !o.head) o.fp8Block = true;
  }
  // an MXFP4 checkpoint (gpt-oss: HF quantization_config quant_method mxfp4, the experts only) run as fp4: its grouped
  // expert GEMMs take whatever activation dtype the runtime's MXFP4 MoE kernel takes (src/sim/peaks.ts mxfp4MoeDtype)
  if (m.fp4_scaling === 'mxfp4' && dt === 'fp4') {
    for (const o of ops) if (o.kind === 'gemm' && o.groups) o.mxfp4 = true;
  }
  // int4 weight-only experts (AWQ / GPTQ, 16-bit activations): the runtime's int4 MoE kernel runs their grouped GEMMs
  if (p.weights === 'int4' && p.gemmDtype !== 'int4') {
    for (const o of ops) if (o.kind === 'gemm' && o.groups) o.int4 = true;
  }
  return ops;
}
