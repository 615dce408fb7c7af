// Decode rows inside a mixed prefill + decode step, under a runtime that runs the whole step's attention as one varlen
// prefill kernel call (runtime kernels.mixed_decode_tile_rows).
//
// vLLM V1's FLASH_ATTN backend on SM8x (Ampere, Ada) calls FlashAttention-2's flash_attn_varlen_func once for a mixed
// batch (vllm-project/vllm PR #58013: "On FA2 GPUs (SM8x ...) FLASH_ATTN runs every mixed prefill+decode batch as one
// flash_attn_varlen_func call ... The decodes also miss FA2's max_seqlen_q == 1 path (packed GQA + split-KV), which only
// activates when the whole call is decode"). In vllm-project/flash-attention csrc/flash_attn/flash_api.cpp mha_varlen_fwd,
// a paged KV cache forces the split-KV kernel (run_mha_fwd(params, stream, paged_KV)) with one split
// (set_params_splitkv is called only when seqlenq_ngroups_swapped, i.e. max_seqlen_q == 1), and
// run_mha_fwd_splitkv_dispatch fixes kBlockM = 64 "for all head dimensions" (flash_fwd_launch_template.h): a decode
// sequence's single query is the one valid row of a 64-row query tile per query head, and the tile's MMAs run on all
// 64 rows over every cached key. So its attention costs 64x the FLOPs of the decode kernel, at the part's fused
// attention rate.
//
// Only the compute is changed here. The same kernel also reads the KV of a KV head once per query head of its GQA
// group (no packing); the L2 may serve part of those repeats (heads of one group run in neighbouring CTAs), and how
// much is not measured, so K/V stay priced once per KV head: a lower bound on the step.
import type { DecoderModel, NormalizedHardware, RuntimeSettings } from '../spec/types.js';
import type { GraphOp, PassShape } from '../model/decoder-graph.js';

/** the ops with each decode sequence's attention priced as a query tile of `rows` rows, in a step with prefill (mutates `ops`) */
export function mixedDecodeTiles(ops: GraphOp[], hw: Pick<NormalizedHardware, 'runtime'>, m: DecoderModel, s: PassShape): GraphOp[] {
  const rows = hw.runtime?.kernels?.mixedDecodeTileRows;
  if (rows === undefined || !(rows > 1) || !(s.prefillSeqs > 0) || !(s.decodeSeqs > 0) || !mixesSteps(hw)) return ops;
  // attention sinks (gpt-oss) are not in FlashAttention-2: vLLM runs those models on its Triton attention backend
  if (m.attention?.sinks) return ops;
  for (const op of ops) {
    // per-head K/V only (MLA decodes over its latent in its own kernels); a 16-bit cache only (FlashAttention-2 has no
    // fp8 KV cache, so vLLM picks another backend for one)
    if (op.kind !== 'attention' || !op.name.startsWith('attention_decode') || op.queriesPerKv === undefined) continue;
    if ((op.kvElemBytes ?? 2) < 2) continue;
    op.flopsPerCtx *= rows;
  }
  return ops;
}

/**
 * whether the runtime's scheduler runs prompts and decodes in one step. Not where a step with prompts carries no decodes:
 * without chunked prefill under scheduler.unchunked_prefill_first (vLLM V0's _schedule_default; vLLM-Ascend's
 * AscendScheduler, prefill-first) or with scheduler.mixed_batches false. There the decodes run in steps of their own
 * (the decode kernel's path), so none sits in a prefill call's query tiles.
 */
export function mixesSteps(hw: Pick<NormalizedHardware, 'runtime'>): boolean {
  const s = hw.runtime?.scheduler;
  return !s || schedulerMixes(s, s.chunkedPrefill);
}

/** the same rule for a scheduler whose chunking the caller has settled (serve: a long context's own default) */
export function schedulerMixes(s: Pick<RuntimeSettings['scheduler'], 'unchunkedPrefillFirst' | 'mixedBatches'>, chunked: boolean): boolean {
  return !(s.unchunkedPrefillFirst && !chunked) && s.mixedBatches !== false;
}
