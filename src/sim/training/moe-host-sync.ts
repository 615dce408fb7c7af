// A dropless MoE layer whose token dispatcher waits for the device every forward: the host cannot run ahead of it.
//
// Megatron-Core's alltoall dispatcher (megatron/core/transformer/moe/token_dispatcher.py, MoEAlltoAllTokenDispatcher
// .preprocess / _maybe_dtoh_and_synchronize) copies the per-expert token counts and the all-to-all split sizes to the
// host and blocks on that copy (`d2h_event.synchronize()` at "before_ep_alltoall" with EP > 1, "before_finish"
// without) once per MoE layer forward; the copy waits for every kernel queued before it. So the device queue is empty
// at each sync, and the kernels of the segment that follows (the layer's permute, all-to-all, expert GEMMs, combine,
// then the next layer's attention and router up to its sync) reach the device only as fast as the host issues them:
//
//   segment = max(device time of its kernels, host time to issue them)
//
// Host time = Python-issued ops × per-op host cost + per-expert GEMM calls × the host time of one call + (fp8) per-expert
// quantize kernels × launch.per_kernel. Transformer Engine's grouped GEMM loops over the local experts in C++, one
// cuBLASLt GEMM each (transformer_engine/common/gemm/cublaslt_gemm.cu multi_stream_cublas_gemm → cublas_gemm): every
// call creates its matrix layouts, matmul descriptor and preference and queries cublasLtMatmulAlgoGetHeuristic before
// the launch, so one call costs the host several launches (runtime moe_host.expert_gemm; launch.per_kernel when the
// runtime gives none). With fp8 GEMMs, split_quantize quantizes each expert's slice with its own kernel(s)
// (transformer_engine/pytorch/csrc/extensions/cast.cpp: no fused multi-tensor kernel for current scaling or MXFP8).
// The backward has no sync (the split sizes are already on the host), but the host still issues every kernel, so its
// throughput bounds the backward the same way. These are host constants per local expert and per op, so the floor
// grows with the experts a device holds, weighs most at small micro-batches and vanishes as the device work grows.
import type { MoeHostSync, NormalizedHardware } from '../../spec/types.js';
import type { Op } from '../../model/op.js';
import { passCost, type PassCost } from './layer-cost.js';
import type { Recompute, RecomputePolicy } from './types.js';

export interface MoeHostFloor {
  fwdS: number; // host time to issue one MoE layer's forward segment
  bwdS: number; // and its backward
  // of fwdS, the host time of what is issued after the sync: the dispatch, the per-expert GEMM calls and quantizations,
  // the combine (absent where the runtime does not count those ops apart)
  fwdAfterSyncS?: number;
}

/**
 * Host issue time of one MoE layer per micro-batch, for `localExperts` experts on this device; `fp8`: fp8 GEMMs.
 * `hostScale`: the host CPU's per-op cost relative to the x86 hosts the runtime's times were taken on (runtime
 * training.host_cpu_scale; Grace > 1). Every term is host work, so all scale with it alike.
 */
export function moeHostFloor(h: MoeHostSync, localExperts: number, launchS: number, fp8 = false, hostScale = 1): MoeHostFloor {
  if (h.syncsFwd <= 0) return { fwdS: 0, bwdS: 0 };
  const gemmS = h.expertGemmS ?? launchS;
  const perExpert = (gemms: number, each: number, quantize: number) => gemms * each + (fp8 ? quantize * launchS : 0);
  const expertsFwd = localExperts * perExpert(h.expertKernelsFwd, h.expertGemmFwdS ?? gemmS, h.fp8ExpertKernelsFwd);
  const after = h.opsAfterSync === undefined ? undefined : Math.min(h.opsAfterSync, h.opsFwd);
  return {
    fwdS: hostScale * (h.opsFwd * h.perOpS + expertsFwd),
    bwdS: hostScale * (h.opsBwd * h.perOpS + localExperts * perExpert(h.expertKernelsBwd, gemmS, h.fp8ExpertKernelsBwd)),
    ...(after === undefined ? {} : { fwdAfterSyncS: hostScale * (after * h.perOpS + expertsFwd) }),
  };
}

/** One MoE layer's pass cost with the host floor applied: each of forward and backward lasts at least its host time. */
export function withMoeHostFloor(c: PassCost, f: MoeHostFloor): PassCost {
  return { ...c, fwdS: Math.max(c.fwdS, f.fwdS), bwdS: Math.max(c.bwdS, f.bwdS) };
}

// In order, not only in total. The host issues a segment's kernels one after another and the device runs them in the
// same order, each no sooner than it was issued: a two-stage pipeline whose makespan is max over k of (host time to
// issue ops 1..k + device time of ops k..n), never less than either total. A segment starts at the sync with nothing
// queued and runs in two parts (NVIDIA/Megatron-LM megatron/core/transformer/moe/moe_layer.py @d98e8a6 MoELayer.forward:
// route → dispatch → routed_experts_compute → combine, the shared experts computed before the route;
// transformer_layer.py: attention, pre-MLP norm, MoE layer):
//   after the sync: permute, dispatch all-to-all, sort by local expert, the per-expert GEMM calls, activation, unsort,
//     combine all-to-all, unpermute: host-heavy (a C++ cuBLASLt call per local expert, ./moe-host-sync.ts above);
//   before the next sync: the next layer's attention half, shared experts, router and preprocess: device-heavy.
// Where the first part's host time exceeds its device time the device runs dry until the host reaches the second part,
// whose device time then follows: the segment lasts at least H_after + D_before (k at the end of the first part). The
// all-to-alls run on the compute stream between the host's calls (NCCL all_to_all_single returns once enqueued): the
// dispatch's behind the host's issue of the expert calls that follow it, the combine's after the experts, so with the
// exchanges E (dispatch, combine) inside the segment it lasts
//   max(D + E, H, H_after + E_combine + D_before)
// and the backward, which has no sync (the split sizes are on the host), max(D_b + E_b, H_b) over the layer.
// The caller adds the layer's exchanges after this pass (step.ts), so the pass returned is that makespan less E; where
// the runtime hides the exchanges behind another micro-batch instead (`ep` undefined), the segment is max(D, H,
// H_after + D_before) and E stays the caller's. The rerun forward of full recompute syncs again in the backward: its
// order is not priced (its host time is, in bwdS).

// The forward ops of a MoE layer (./layer-cost.ts layerForwardOps) that run after the sync, and the quantization of
// 8-bit GEMM inputs, whose one op covers every GEMM of the layer: the experts' share of it (their inputs' elements)
// runs after the sync too.
const AFTER_SYNC: ReadonlySet<string> = new Set(['moe_permute', 'moe_sort', 'expert_in', 'expert_out', 'moe_act', 'moe_unpermute']);
const QUANTIZE: ReadonlySet<string> = new Set(['fp8_cast', 'int8_quantize']);

/** Device time of a MoE layer's forward ops issued before its sync (the rest of `ops` runs after it). */
export function beforeSyncForwardS(ops: Op[], hw: NormalizedHardware, recompute: Recompute | RecomputePolicy, fullShare?: number): number {
  const inputs = (o: Op) => (o.kind === 'gemm' && (o.dtype === 'fp8' || o.dtype === 'int8') ? (o.m ?? 0) * (o.k ?? 0) * o.count : 0);
  const all = ops.reduce((t, o) => t + inputs(o), 0);
  const after = ops.reduce((t, o) => t + (AFTER_SYNC.has(o.name) ? inputs(o) : 0), 0);
  let s = 0;
  for (const op of ops) {
    if (AFTER_SYNC.has(op.name)) continue;
    const t = passCost([op], hw, recompute, fullShare).fwdS;
    s += QUANTIZE.has(op.name) && all > 0 ? t * (1 - after / all) : t;
  }
  return s;
}

/** The forward and backward EP exchanges of one MoE layer that the caller prices after the layer (seconds). */
export interface LayerExchanges {
  fwdS: number; // dispatch + combine
  bwdS: number;
}

/**
 * One MoE layer's pass cost under a per-layer forward sync: `device` its kernels' device time, `beforeSyncS` the device
 * time of its forward ops issued before the sync (attention half, shared experts, router), `f` the host floor, `ep` the
 * layer's exchanges where they run in the layer's own stream order. Each pass lasts the makespan above, less the
 * exchanges the caller adds; never less than its device time.
 */
export function syncedMoePass(device: PassCost, f: MoeHostFloor, beforeSyncS: number, ep?: LayerExchanges): PassCost {
  const eF = ep?.fwdS ?? 0;
  const eB = ep?.bwdS ?? 0;
  const order = f.fwdAfterSyncS === undefined ? 0 : f.fwdAfterSyncS + eF / 2 + Math.min(beforeSyncS, device.fwdS) - eF;
  return {
    ...device,
    fwdS: Math.max(device.fwdS, f.fwdS - eF, order),
    bwdS: Math.max(device.bwdS, f.bwdS - eB),
  };
}
