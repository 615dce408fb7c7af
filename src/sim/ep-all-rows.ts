// Expert parallelism without an all-to-all (runtime kernels.moe_ep_all_rows): every rank holds every token (the
// attention all-reduce left them there) and runs its fused MoE over all T·k (token, expert) rows, the other ranks'
// experts' rows masked, not over the T·k/ep rows routed to its own experts. vLLM's Triton fused MoE under
// --enable-expert-parallel with no all-to-all backend (TritonExperts.apply, vllm/model_executor/layers/fused_moe/
// fused_moe.py): moe_align_block_size(topk_ids, BLOCK_SIZE_M, global_num_experts, expert_map) keeps every row, a
// non-local expert's id mapped to -1; fused_moe_kernel "Write[s] back zeros to the output when the expert is not in the
// current expert parallel rank" (write_zeros_to_output) for those row blocks in both grouped GEMMs; the activation
// (silu_and_mul over intermediate_cache1.view(-1, N)) and ops.moe_sum over intermediate_cache3 [M, topk, K] run over
// all rows. The decoder graph (src/model/decoder-graph.ts) prices the local rows only; this adds one `moe_ep_rows` op
// per MoE layer with the rest of that traffic, inside the kernels already priced (no launch of its own):
//   GEMM1 zeros  (T·k − T·k/ep) × mats·I_dev   written
//   activation   (T·k − T·k/ep) × (mats + 1)·I_dev   read and written
//   GEMM2 zeros  (T·k − T·k/ep) × d   written
//   top-k sum    (T·k − T·k/ep) × d   read
// (16-bit elements; I_dev = an expert's intermediate width on this device). The block-FP8 requantize of the activation's
// output (per_token_group_quant_fp8 over all rows) is not counted: a lower bound.
// Not applied under attention data parallelism (tokens differ per rank) or where the graph has an all-to-all (the
// tokens are dispatched to their experts' ranks).
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import { graphOp, type GraphOp } from '../model/decoder-graph.js';
import { busiestExpertRank } from '../model/busiest-expert-rank.js';
import type { Precision } from '../model/quant.js';
import type { Layout } from './parallel.js';

/** the pass's ops with a `moe_ep_rows` op after experts_down where the runtime's fused MoE runs every row under expert
 *  parallelism (`ops` itself otherwise) */
export function epAllRows(ops: GraphOp[], hw: Pick<NormalizedHardware, 'runtime' | 'matrixFlopPerS'>, m: DecoderModel, L: Pick<Layout, 'ep' | 'attentionDp'>, p: Precision): GraphOp[] {
  if (!hw.runtime?.kernels?.moeEpAllRows || !m.moe || !(L.ep > 1) || L.attentionDp) return ops;
  let up: GraphOp | undefined;
  let act: GraphOp | undefined;
  let downAt = -1;
  for (let i = 0; i < ops.length; i++) {
    const n = ops[i]!.name;
    if (n === 'alltoall_moe') return ops;
    if (n === 'experts_up') up = ops[i];
    else if (n === 'experts_act') act = ops[i];
    else if (n === 'experts_down') downAt = i;
  }
  const down = downAt >= 0 ? ops[downAt]! : undefined;
  // the Triton fused MoE's expert types: 16-bit, or FP8 (per-tensor or block-scaled) on a part with FP8 matrix units;
  // weight-only experts (int4, FP8 on Ampere: Marlin) and FP4 ones run other kernels
  const w16 = (up?.dtype === 'bf16' || up?.dtype === 'fp16') && p.weightBits >= 16;
  const w8 = up?.dtype === 'fp8' && p.weightBits >= 8 && p.weightBits < 9 && (hw.matrixFlopPerS?.fp8 ?? 0) > 0;
  if (!up || !(w16 || w8)) return ops;
  const T = up?.batchTokens ?? 0;
  if (!down || !(T > 0) || !up.n || !down.k || !down.n) return ops;
  const pairs = T * Math.min(m.moe.active, m.moe.experts);
  // the rows the busiest rank's own experts take are priced in the GEMMs (src/model/busiest-expert-rank.ts); the rest masked
  const masked = pairs - (pairs * busiestExpertRank(m.moe.experts, m.moe.active, T, L.ep).rows) / L.ep;
  // a single token's rows can all be the busiest rank's own (top-1, one token): nothing masked, no op
  if (!(masked > 0)) return ops;
  const mats = up.n / down.k; // 2 for gated experts (gate and up in one GEMM), else 1
  const elems = masked * (mats * down.k + (mats + 1) * down.k + 2 * down.n);
  const extra = graphOp('moe_ep_rows', 'elementwise', 0, elems * p.actBytes, 0, act?.dtype ?? down.dtype, down.count);
  extra.kernels = 0;
  return [...ops.slice(0, downAt + 1), extra, ...ops.slice(downAt + 1)];
}
