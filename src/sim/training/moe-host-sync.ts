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
import type { MoeHostSync } from '../../spec/types.js';
import type { PassCost } from './layer-cost.js';

export interface MoeHostFloor {
  fwdS: number; // host time to issue one MoE layer's forward segment
  bwdS: number; // and its backward
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
  return {
    fwdS: hostScale * (h.opsFwd * h.perOpS + localExperts * perExpert(h.expertKernelsFwd, h.expertGemmFwdS ?? gemmS, h.fp8ExpertKernelsFwd)),
    bwdS: hostScale * (h.opsBwd * h.perOpS + localExperts * perExpert(h.expertKernelsBwd, gemmS, h.fp8ExpertKernelsBwd)),
  };
}

/** One MoE layer's pass cost with the host floor applied: each of forward and backward lasts at least its host time. */
export function withMoeHostFloor(c: PassCost, f: MoeHostFloor): PassCost {
  return { ...c, fwdS: Math.max(c.fwdS, f.fwdS), bwdS: Math.max(c.bwdS, f.bwdS) };
}
