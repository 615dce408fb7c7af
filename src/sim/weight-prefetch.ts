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
// ASSUMPTION (a monotonicity repair, no kernel evidence): where a floor kernel competes with the tiled one (the
// matrix-vector kernel taking a batch's rows a few at a time, or the runtime's own skinny kernel: src/sim/roofline.ts),
// the time with the weights on chip is the cheaper of the two, not that of the one that won with the weights in DRAM:
// taken from the winner alone, a part with faster matrix units, on which the tiled kernel just beat the memory-bound
// passes, lost the passes' weight stream as cover and ran a decode step 14% slower (property seed 544 at scale 10:
// gpt-j-6b q8_0 TP 8 at batch 102 under jetstream-jax, compute ×1.7).
// XLA picks its kernel at compile time; whether it weighs the prefetch when it does is not read. An XLA dump of a
// TPU decode step's fusion choice at a batch near the switch would settle it.
//
// Only a dense GEMM: a grouped (MoE) GEMM's experts are chosen by the router after the collective, so which weights to
// fetch is not known ahead of it.
import type { Op } from '../model/op.js';
import type { OpCost } from './roofline.js';

/** a dense GEMM's body with its weights already on chip: its compute, or the rest of its bytes */
export function onChipBodyS(op: Op, computeS: number, memoryS: number): number {
  return Math.max(computeS, memoryS * Math.max(0, 1 - op.weightBytes / op.bytes));
}

/** seconds a GEMM of `t` seconds (its device time as the pass adds it, costed as `k`) saves when its weights are
 *  prefetched on chip; `floorS`: the floor its time keeps anyway (the host's dispatch when that is inside `t`, else 0) */
export function prefetchableS(op: Op, k: OpCost, t: number, floorS: number): number {
  if (op.kind !== 'gemm' || op.groups || !(op.weightBytes > 0) || !(op.bytes > 0)) return 0;
  const onChip = Math.min(onChipBodyS(op, k.computeS, k.memoryS), k.onChipS ?? Infinity);
  const after = Math.max(onChip + (k.overheadS ?? 0), op.minS ?? 0, floorS);
  return Math.max(0, t - after);
}
