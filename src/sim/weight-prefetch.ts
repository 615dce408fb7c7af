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
// The share is the chosen kernel's own. No floor kernel competes with the tiled one under these runtimes (XLA emits its
// own dots: src/sim/gemm-floors.ts gemvFloorRows), so no switch of kernel with the part's speed or the batch takes the
// weight stream, and the all-reduces' cover, away (property seeds 544 and 546 at scale 10). Crediting a cheaper kernel's
// on-chip body instead, taken or not, broke batch monotonicity (seed 546 on 875a780f, reverted).
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
