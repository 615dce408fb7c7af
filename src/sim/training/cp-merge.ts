// The memory passes that ring (P2P) context parallelism adds around the attention kernels: each rank runs its
// attention as cp partial kernels, one per K,V shard it holds in turn, and merges their partial outputs with the
// log-sum-exp correction; the backward accumulates each step's partial dQ and dK,dV.
//
// From Transformer Engine's AttnFuncWithCPAndKVP2P (transformer_engine/pytorch/attention/dot_product_attention/
// context_parallel.py @d0067d0; the same structure in v1.11 attention.py), causal, load-balanced (the sequence cut into
// 2·cp chunks, rank r holding chunks r and 2·cp−1−r), 16-bit attention (no fp8 DPA), sbhd/bshd layout:
//  - forward: step 0 ("diagonal") covers the rank's whole shard; of the other cp−1 steps, the r with i ≤ rank
//    ("lower-triangle") give every local query a partial output, the rest ("upper-triangle") only the second half of
//    them. After the loop, flash_attn_fwd_out_correction_init (step 0: read out_per_step, write out) and
//    flash_attn_fwd_out_correction / _second_half_ (each other step: read out_per_step and out, write out; one
//    torch.compile'd kernel, jit_fuser) run over the covered rows. Averaged over ranks, a step other than the first
//    covers (1 + 1/2)/2 = 3/4 of the shard, so the forward moves (4 + 6·0.75·(cp−1)) bytes per element of the
//    rank's output. (v1.11 zero-fills out and adds step 0 too: 4 bytes more, not priced.)
//  - backward: each step's fused-attention backward writes fresh dq_, dk_, dv_ that are copied (first) or added
//    (dq.add_, dk.add_, dv.add_: read 2, read 2, write 2 bytes) into the accumulators: dq over the same rows as the
//    forward (upper-triangle steps: half), dK,dV over the whole received shard except the lower-triangle steps (the
//    first half of K,V): 3/4 on average again → (4 + 4.5·(cp−1)) bytes per element of q and of k plus v.
//  - the log-sum-exp merges run per head and token, not per element of the head dimension (under 2% of the above at
//    head dim 64-128): not priced. With Megatron's sbhd layout the half-shard views are contiguous (no .contiguous()
//    copies); a bshd layout with batch > 1 copies them as well (not priced).
// These are extra elementwise passes at the part's contiguous elementwise rate; they do not overlap the attention
// kernels of the same rank (the corrections wait for fwd_results_correction_done / the step's dq_).
import { elementwise, type Op } from '../../model/op.js';
import type { DecoderShape } from './shapes.js';
import type { PlanShape } from './plan.js';

/** bytes moved per element of a rank's shard by the merges of cp partial results (see above) */
export function cpMergeBytesPerElement(cp: number): number {
  return cp > 1 ? 4 + 4.5 * (cp - 1) : 0;
}

/**
 * The ring-CP merge passes of one layer for one micro-batch on one device: 'cp_merge' (forward: partial outputs) and
 * 'cp_grad_merge' (backward: dQ, dK, dV accumulation), both in bf16; none without CP.
 */
export function cpMergeOps(s: DecoderShape, p: PlanShape): Op[] {
  if (p.cp <= 1) return [];
  const T = (p.microBatch * p.seqLen) / p.cp;
  const vKv = s.kvDim === s.qDim ? s.vDim : s.kvDim;
  const b = cpMergeBytesPerElement(p.cp);
  const outElems = (T * s.vDim) / p.tp;
  const gradElems = (T * (s.qDim + s.kvDim + vKv)) / p.tp;
  return [elementwise('cp_merge', outElems, 3, b, 'bf16'), elementwise('cp_grad_merge', gradElems, 1, b, 'bf16')];
}
