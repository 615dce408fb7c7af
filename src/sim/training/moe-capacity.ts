// A token-dropping MoE layer dispatched by one-hot einsums onto a fixed capacity per expert, as MaxText runs it with
// megablox and sparse_matmul off and capacity_factor > 0 (runtime training.moe_capacity_factor).
//
// MaxText's RoutedMoE.dense_matmul (AI-Hypercomputer/maxtext MaxText/layers/moe.py @0077e52a, training mode):
//   generate_masks: expert_capacity_per_batch C = int(max(ceil(S·k / E) · capacity_factor, capacity_factor)) for
//     each batch row of S tokens, k experts per token, E experts; dispatch_mask / combine_mask are [B, S, E, C]
//     one-hots (the combine mask carries the routing weights);
//   dispatch  "BSM,BSEC -> EBCM": the tokens gathered onto every expert's C slots by a matmul with the mask;
//   wi_0, wi_1 "EBCM,EMH -> EBCH" and wo "EBCH,EHM -> EBCM": every expert computed over all its C slots, filled or
//     not;
//   combine   "EBCM,BSEC -> BSM": the weighted sum back onto the tokens, again a matmul with the mask.
// So per batch row the experts see E·C ≈ k·S·capacity_factor rows instead of the k·S routed ones, and the two
// einsums add 2·S·E·C·M FLOP each. They replace the permute / unpermute row gathers of a dropless layer. Backward:
// the dispatch einsum has one gradient (the input's; the boolean mask has none), the combine two (the expert
// outputs' and the routing weights', which the combine mask carries).
// Not priced: building the masks (one_hot, cumsum over [B, S·k, E], the [B, S, E, C+1] position one-hot), which XLA
// may fuse into the einsums' operands; no TPU profile of it was found. Activation memory (./memory.ts) still counts the
// k routed copies per token, not the E·C capacity slots.
import type { Dtype } from '../../spec/types.js';
import { linear, type Op } from '../../model/op.js';
import type { DecoderShape } from './shapes.js';
import type { PlanShape } from './plan.js';

/** MaxText's expert capacity per batch row: C = int(max(ceil(S·k/E)·cf, cf)) (moe.py generate_masks). */
export function expertCapacity(seqLen: number, active: number, experts: number, capacityFactor: number): number {
  return Math.floor(Math.max(Math.ceil((seqLen * active) / experts) * capacityFactor, capacityFactor));
}

export interface CapacityDispatch {
  ops: Op[]; // the dispatch and combine einsums of one micro-batch on one device
  rowsPerExpert: number; // rows each local expert GEMM runs over (its capacity slots from the whole EP group)
  expertRows: number; // expert rows on this device in all (for the activation between the expert GEMMs)
}

/**
 * One micro-batch's dense dispatch on one device: B = micro-batch sequences of S = seqLen/cp tokens, hidden M split
 * by tp (the einsums' embed axis is the tensor-sharded activation_embed). With expert parallelism each device keeps
 * E/ep experts, each over the C slots of every batch row in its EP group (ep·B·C rows).
 */
export function capacityDispatch(s: DecoderShape, p: PlanShape, capacityFactor: number, gemmDtype: Dtype): CapacityDispatch {
  const S = p.seqLen / p.cp;
  const B = p.microBatch;
  const C = expertCapacity(S, s.active, s.experts, capacityFactor);
  const M = s.hidden / p.tp;
  const eb = gemmDtype === 'fp8' || gemmDtype === 'int8' ? 1 : 2; // 8-bit operands (MaxText's AQT einsums quantize these too)
  const EC = s.experts * C;
  return {
    ops: [
      // dispatch per batch row: [E·C, S] mask × [S, M] tokens
      linear('moe_dispatch', EC, M, S, gemmDtype, eb, eb, B),
      // combine per batch row: [S, E·C] mask × [E·C, M] expert outputs
      linear('moe_combine', S, M, EC, gemmDtype, eb, eb, B),
    ],
    rowsPerExpert: p.ep * B * C,
    expertRows: capacityCopies(s, p, capacityFactor),
  };
}

/** Rows of one micro-batch's dispatch tensor on one device, B·E·C: what the expert-parallel exchange moves. */
export function capacityCopies(s: DecoderShape, p: PlanShape, capacityFactor: number): number {
  return p.microBatch * s.experts * expertCapacity(p.seqLen / p.cp, s.active, s.experts, capacityFactor);
}
