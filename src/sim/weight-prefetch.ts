// How much of a dense GEMM's time a compiler takes off it by prefetching its weights into on-chip memory while an
// earlier op runs, so that a tensor-parallel collective before it can hide behind that stream (runtime
// overlap.tp_comm_prefetch, src/sim/overlap.ts; priced in src/sim/decoder.ts finishPass).
//
// XLA on TPU places an op's operands in VMEM with async copies issued ahead of the op (memory-space assignment:
// openxla/xla docs/flags_guidance.md @28192b98, xla_tpu_async_copy_bandwidth_scaling_factor "used when making prefetch
// decisions and deciding which tensors should live in VMEM"). A weight does not depend on the collective's result, so
// its copy can run during the collective; the activation the GEMM multiplies it by does depend on it and is not
// prefetched. With its weights already on chip the GEMM takes max(compute, the rest of its bytes) and its overheads,
// never less than its floors: the difference is what the prefetch can take, and so what a collective before it can
// hide behind. A compute-bound GEMM (a prompt pass) gains nothing; a memory-bound decode GEMM gains its weight stream.
//
// Where a matrix-vector floor kernel competes with the tiled one (src/sim/gemm-floors.ts), the share is that of the
// kernel the pass runs, and the pass runs the assignment of the two kernels to its dense GEMMs that makes it cheapest
// (src/sim/kernel-assignment.ts, priced in finishPass): taken GEMM by GEMM (the one cheaper with its weights in DRAM),
// faster matrix units or a few more rows tipped a GEMM from the floor's memory-bound passes, whose weight stream hid the
// all-reduces, to the compute-bound tiled kernel, which hides nothing, and the step got slower (property seed 544 at
// scale 10: gpt-j-6b q8_0 TP 8 at batch 102 under jetstream-jax on an M3 Ultra, compute ×1.4 -> ×1.7, +18%; seed 546:
// gpt3-13b int4 TP 2 under sglang-jax on an M3 Max, batch 127 -> 133, -5% throughput). Two repairs were tried before and
// reverted: crediting each GEMM the cheaper kernel's on-chip body, taken or not (a cheap on-chip floor far from its
// switch hid a small batch's all-reduces and not a larger one's: batch monotonicity broke), and no floor under XLA (the
// small-M tiled table then priced gemma-3-27b TP 4 PP 2 under sglang-jax on an M1 28% below at batch 18 than at 13).
// KNOWN GAP: whether XLA on TPU has such a floor kernel at all (a matrix-vector dot for a decode step's few rows) is
// unread; an XLA dump of a decode step's dot fusions at a few batch sizes would say.
//
// Only a dense GEMM: a grouped (MoE) GEMM's experts are chosen by the router after the collective, so which weights to
// fetch is not known ahead of it.
import type { Op } from '../model/op.js';
import type { OpCost } from './roofline.js';

/** seconds a GEMM of `t` seconds (its device time as the pass adds it, costed as `k`) saves when its weights are
 *  prefetched on chip; `floorS`: the floor its time keeps anyway (the host's dispatch when that is inside `t`, else 0) */
export function prefetchableS(op: Op, k: OpCost, t: number, floorS: number): number {
  if (op.kind !== 'gemm' || op.groups || !(op.weightBytes > 0) || !(op.bytes > 0)) return 0;
  const rest = Math.max(0, 1 - op.weightBytes / op.bytes);
  const after = Math.max(Math.max(k.computeS, k.memoryS * rest) + (k.overheadS ?? 0), op.minS ?? 0, floorS);
  return Math.max(0, t - after);
}
