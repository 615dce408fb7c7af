// Pipeline sends the interleaved schedule cannot hide: the warmup and cooldown (flush) phases.
//
// Megatron-Core's interleaved 1F1B (megatron/core/pipeline_parallel/schedules.py
// forward_backward_pipelining_with_interleaving, NVIDIA/Megatron-LM @d98e8a6) overlaps the pipeline send/receive with
// the next chunk's compute only in the steady 1F1B phase (overlap_p2p_comm). Unless overlap_p2p_comm_warmup_flush is
// set (a later option, off by default: model_parallel_config.py; added in Megatron-LM 4295be1a, 2024-11), every warmup
// forward ends in a blocking send_forward_recv_forward and every cooldown backward in a blocking
// send_backward_recv_backward (p2p_communicator called without overlap_p2p_comm: the requests are waited on before
// the next chunk's kernels), so the transfer sits between two chunks on the device's stream. NeMo's own guide says the
// same: "The PP communications in pipeline fill and flush are still exposed" (NVIDIA/NeMo
// docs/source/features/optimizations/communication_overlap.rst @88e76a78, "Pipeline-parallel Communication Overlap"),
// and the Apex schedule
// that introduced the overlap (NVIDIA/apex PR #1616, 2023) overlapped "during the 1F1B phase of pipelining" only.
//
// Warmup length on pipeline rank r (schedules.py get_pp_rank_microbatches): (p − r − 1)·2 + (v − 1)·g chunk forwards,
// g = microbatch_group_size_per_vp_stage (default p), at most m·v (every chunk of every micro-batch: then the whole
// step is warmup and cooldown). The cooldown runs as many chunk backwards. Averaged over the p ranks:
//
//   W = min(m·v, (p − 1) + (v − 1)·g),   exposed = 2·W·x
//
// with x one chunk boundary's transfer (the [b·s/cp, h]/tp activation or its gradient; the send and the receive of
// one exchange run at once on different peers). The mean rank stands for the step: rank 0 runs p − 1 more blocking
// exchanges each way, the last rank p − 1 fewer.
export function ppFlushP2pExposed(transferS: number, pp: number, v: number, microBatches: number, group = pp): number {
  if (!(transferS > 0) || pp <= 1 || v <= 1) return 0;
  return 2 * ppWarmupChunks(pp, v, microBatches, group) * transferS;
}

/** W above: the mean rank's warmup chunk forwards (as many cooldown backwards), at most m·v. */
export function ppWarmupChunks(pp: number, v: number, microBatches: number, group = pp): number {
  return Math.min(microBatches * v, pp - 1 + (v - 1) * Math.max(1, group));
}

/** The share of the m·v chunk forwards that run in the steady 1F1B phase, whose sends hide behind compute. */
export function ppSteadyShare(pp: number, v: number, microBatches: number, group = pp): number {
  if (pp <= 1 || v <= 1 || !(microBatches > 0)) return 1;
  return Math.max(0, 1 - ppWarmupChunks(pp, v, microBatches, group) / (microBatches * v));
}
