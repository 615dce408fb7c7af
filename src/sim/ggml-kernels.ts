// How many kernels a ggml-style runtime launches for each op of the decoder graph. The graph (src/model/decoder-graph.ts)
// lists the work a fused stack runs (one op per norm, per projection, per attention call); ggml runs each graph node
// as its own kernel unless its backend fuses a pattern, so a llama.cpp decode step launches ~20-30 kernels per layer
// where the graph has 9 ops. Each kernel lasts at least the runtime's per-kernel device time (kernels.kernel_cycles /
// the part's clock, bound into efficiency.kernel_overhead by src/runtime/resolve.ts), so a batch-1 decode costs at
// least (kernels per layer × layers) × that time beside its bytes.
//
// runtime kernels.decode_graph {op: n}: n kernels for that op (for a GEMM op: n matmul kernels, e.g. Q, K and V as
// three); kernels.quantize_activations: each matmul over GGUF block-quantized weights is preceded by a kernel that
// quantizes its f32 activations to q8_1 (ggml-cuda mmvq/mmq path). Ops absent from the map keep their count.
//
// runtime kernels.attention_mask_scan N: ggml's flash attention takes causality and sliding windows from a mask over
// the KV view, whose length is the prompt rounded up to 256 cells (FATTN_KQ_STRIDE) from an empty cache. ggml-cuda
// skips KV tiles only past the last one a query tile does not fully mask, and scans for them only from N queries up
// (launch_fattn: flash_attn_mask_to_KV_max when Q->ne[1] >= 1024). So a prefill below N queries computes every query
// against every cell (twice the causal pairs), and a sliding-window layer pays the whole causal prefix ahead of its
// window (the window's keys are the late ones).
//
// runtime kernels.attention_stream_k: what that skipping saves is work, not time, where the kernel splits the work
// stream-K. ggml-cuda's mma flash-attention kernel (the prompt kernel on NVIDIA from Turing up) runs stream-K on Ada and
// later (launch_fattn: use_stream_k = cc >= GGML_CUDA_CC_ADA_LOVELACE || tiles_efficiency_percent < 75): one block per
// SM slot, each given an equal slice of the (head group, query tile, KV tile) index space counted as if every query tile
// met the whole KV view (fattn-mma-f16.cuh: kbc = blockIdx.x·iter_k·iter_j·heads / gridDim.x, jt fastest after the KV
// tiles). The KV_max skip then idles the blocks holding the early query tiles, while those holding the last query tiles
// of each head group meet every cell: the kernel lasts at most as long as the unmasked rectangle, the causal and
// sliding-window savings notwithstanding. Priced as the rectangle's pairs (the skipped pairs counted as idle blocks' time):
// an upper bound (LOW), since blocks sharing an SM run faster once the early query tiles' blocks finish
// (runtimes/llama.cpp.yaml by_architecture ada-lovelace names the timing that would settle it).
//
// runtime kernels.local_cache_ubatch: llama.cpp keeps a sliding-window (or chunked) layer's K/V in a cache of its own of
// pad(n_swa + n_ubatch, 256) cells (llama_kv_cache_iswa: size_swa = min(size_base, GGML_PAD(n_swa*n_seq + n_ubatch,
// n_pad)), from ggml-org/llama.cpp PR #13833, 2025-05; llama-bench and common_params run swa_full = false). Cells whose
// tokens left every window are reused for the next ubatch, so from a prompt's second ubatch on that layer's KV view is
// the whole ring (its cells no longer in position order, so the mask scan finds nothing to skip): q x ring pairs, not
// the prompt so far.
//
// runtime kernels.prompt_attention_head_kernels N: a prompt's attention runs head by head, each head's GEMM call adding
// N kernels (ggml-cpu: llamafile_sgemm per query head, each tinyBLAS call between two ggml_barriers), on top of the
// attention nodes decode_graph counts, once per ubatch.
//
// runtime kernels.kv_per_query_head: the decode attention kernel streams a KV head's K and V once for every query head
// of its group (ggml-metal kernel_flash_attn_ext_vec: one threadgroup per query head, K/V at ikv2 = iq2 / (ne02/ne12),
// nothing shared across the group), so the KV bytes a decode step reads per cached token are heads / kv_heads times
// the cache's (runtimes/llama.cpp.yaml by_vendor apple cites the measurement).
// Hot path: one pass over the freshly built op list, in place; nothing is done for runtimes without these fields.
import type { GraphOp } from '../model/decoder-graph.js';
import type { NormalizedHardware } from '../spec/types.js';

// ggml-cuda FATTN_KQ_STRIDE: the KV tile the mask scan works in, and the padding of the KV view
const KV_STRIDE = 256;

/** query·key pairs per sequence and head ggml's masked flash attention computes for an L-token prefill */
export function maskedPrefillPairs(L: number, scanFrom: number): number {
  const cells = Math.ceil(L / KV_STRIDE) * KV_STRIDE;
  if (L < scanFrom) return L * cells;
  // each query attends up to the end of the KV tile holding its own position: causal, rounded up to whole tiles
  const full = Math.floor(L / KV_STRIDE);
  const rest = L - full * KV_STRIDE;
  return KV_STRIDE * KV_STRIDE * (full * (full + 1)) / 2 + rest * cells;
}

/**
 * ... the same for a prompt run in physical batches of `ubatch` tokens (src/sim/ubatch.ts): each ubatch's queries attend
 * to the KV view of everything cached so far and their own tokens (rounded up to 256 cells); a ubatch below the scan
 * threshold computes that whole view, the prefix included; from the threshold up, the prefix whole and its own tokens
 * causally, as one prefill of its length does. `ring`: the cells of a local layer's own cache (kernels.local_cache_ubatch):
 * once the prompt outgrows it, each later ubatch's queries meet the whole ring.
 */
export function ubatchedPrefillPairs(L: number, scanFrom: number, ubatch: number | undefined, ring?: number): number {
  if (ubatch === undefined || !(ubatch > 0) || L <= ubatch) return maskedPrefillPairs(L, scanFrom);
  let pairs = 0;
  for (let done = 0; done < L; done += ubatch) {
    const q = Math.min(ubatch, L - done);
    const view = Math.ceil((done + q) / KV_STRIDE) * KV_STRIDE;
    if (ring !== undefined && done > 0 && ring < view) pairs += q * ring;
    else pairs += q < scanFrom ? q * view : q * done + maskedPrefillPairs(q, scanFrom);
  }
  return pairs;
}

/** cells of a local layer's llama.cpp cache: its window plus one ubatch, padded to the KV stride */
export function localRingCells(window: number, ubatch: number): number {
  return Math.ceil((window + ubatch) / KV_STRIDE) * KV_STRIDE;
}

/**
 * the ops with the kernel counts (and masked-attention work) the bound runtime launches for them (mutates `ops`);
 * `ubatch`: the pass's prompts run in physical batches of that many tokens (scheduler.ubatch), each prompt's attention
 * over its own cells; `passTokens`: the pass's prompt tokens (all prompts, no decodes), which llama.cpp splits into
 * ubatches
 */
export function ggmlKernelCounts(ops: GraphOp[], hw: Pick<NormalizedHardware, 'runtime'>, ubatch?: number, passTokens?: number): GraphOp[] {
  const k = hw.runtime?.kernels;
  const g = k?.decodeGraph;
  // a stream-K kernel lasts as long as its fullest blocks: every query against the whole view, as if nothing were skipped
  const scan = k?.attentionStreamK === true ? Infinity : k?.attentionMaskScan;
  const perQueryHead = k?.kvPerQueryHead === true;
  const localRing = k?.localCacheUbatch === true && ubatch !== undefined && ubatch > 0;
  const perHead = k?.promptAttentionHeadKernels ?? 0;
  if (!g && !scan && !perQueryHead && !(perHead > 0)) return ops;
  const q = k!.quantizeActivations === true;
  for (const op of ops) {
    if (perQueryHead && op.queriesPerKv !== undefined && op.queriesPerKv > 1) op.bytesPerCtx *= op.queriesPerKv;
    if (scan && op.prefill && op.prefill.pairs > 0) {
      const w = localRing ? op.prefill.window : undefined;
      const f = ubatchedPrefillPairs(op.prefill.len, scan, ubatch, w !== undefined ? localRingCells(w, ubatch!) : undefined) / op.prefill.pairs;
      op.flops *= f;
    }
    // a prompt's attention is the decode graph's attention nodes plus per-head kernels: ggml-cpu's mul_mat calls
    // llamafile_sgemm once per query head (the ne12 loop), and each call's tinyBLAS gemm opens and closes with a
    // ggml_barrier (kernels.prompt_attention_head_kernels: 2 per head for K·Q, 2 for V·softmax). The attention op is
    // priced once for the whole pass (src/sim/decoder.ts ubatchedPass) while its graph runs once per ubatch: its
    // kernels are those of the pass's prompt tokens / ubatch ubatches (continuous, as the ubatch body's share), a lone
    // prompt or several prompts alike (llama.cpp splits every llama_decode call). A server step's decodes beside a
    // prompt add none: each decode sequence's KV stream holds one query (the q view is [head_dim, heads, tokens per
    // stream, streams], KV streams per sequence, PR #14363), and at n = 1 llamafile_sgemm declines (sgemm.cpp n < 2),
    // as in a pure decode step, so decodes never add prompt per-head work. (A unified cache, llama-server -np auto since
    // PR #16736, puts every sequence's queries in one stream: there a step of two or more decodes calls per head too,
    // priced neither in a pure decode step nor beside a prompt.)
    if (perHead > 0 && op.kind === 'attention' && op.prefill && op.prefill.heads !== undefined) {
      const u = passTokens !== undefined ? hw.runtime?.scheduler?.ubatch : ubatch;
      const tokens = passTokens ?? op.prefill.len;
      const ubatches = u !== undefined && u > 0 && tokens > u ? tokens / u : 1;
      op.kernels = ((g && Object.hasOwn(g, 'attention_decode') ? g.attention_decode! : op.kernels ?? 1) + perHead * op.prefill.heads) * ubatches;
      continue;
    }
    // a local layer's decode attention (attention_decode_sliding, _chunked: src/model/decoder-graph.ts) runs the same
    // graph nodes as a full layer's, over fewer cells: it takes attention_decode's count
    const key = op.name.startsWith('attention_decode_') ? 'attention_decode' : op.name;
    if (!g || !Object.hasOwn(g, key)) continue;
    const n = g[key]!;
    op.kernels = q && op.gguf && op.kind === 'gemm' ? 2 * n : n;
  }
  return ops;
}
