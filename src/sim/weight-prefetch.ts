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
// KNOWN GAP (property seed 544 at scale 10 fails on this): the share is the chosen kernel's own. Where a floor kernel
// competes with the tiled one (the matrix-vector kernel taking a batch's rows a few at a time, src/sim/roofline.ts),
// faster matrix units can tip the choice from the memory-bound passes, whose weight stream hides the all-reduces, to the
// compute-bound tiled kernel, which hides nothing, and the step gets slower (gpt-j-6b q8_0 TP 8 at batch 102 under
// jetstream-jax on an M3 Ultra, compute ×1.4 -> ×1.7: +18%). Crediting the cheaper kernel's on-chip body instead mended
// that and broke batch monotonicity (seed 546: a cheap on-chip floor kernel far from its switch hid a small batch's
// all-reduces and not a larger one's); charging it its extra time in DRAM left seed 544 rising 3%. What would hold both:
// the pass's time as the least over kernel assignments of max(sum of op times, on-chip bodies + collectives), each
// assignment monotone in the hardware; and whether XLA on TPU has such a floor kernel at all (an XLA dump of a decode
// step's dot fusions at a few batch sizes would say).
// Dropping the floor under XLA instead (08c0c3d0, reverted) held seeds 544 / 546 there but let the small-M tiled table
// price a batch just past the floor's rows 28% below a smaller one (seed 544's unmixed-EP case: gemma-3-27b TP 4 PP 2
// under sglang-jax on an M1, batch 13 -> 18), the cliff the floor exists to prevent. Seed 546 at scale 10 also fails
// the unmixed-EP batch check on this mechanism (gpt3-13b int4 TP 2 under sglang-jax on an M3 Max, batch 127 -> 133: -5%).
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
