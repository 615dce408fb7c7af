// Communication hidden behind compute is not free: the collective's kernels run on the same chip as the compute they
// overlap, holding SMs (NCCL's ring kernels take one thread block per channel, 16-32 on H100) and HBM bandwidth, so the
// overlapped compute runs slower than it would alone. Measured: overlapping GPT and Llama training compute with its
// collectives on 4 A100s, H100s, MI250s and MI210s slows the compute kernels by 18.9% on average (40.0% at most)
// against the same kernels without communication beside them ("Characterizing Compute-Communication Overlap in
// GPU-Accelerated Distributed Deep Learning: Performance and Power Implications", arXiv 2507.03114, 2025, abstract); a single H100 GEMM sized to one wave of 132 blocks nearly doubles when a 24-block
// ncclAllGather holds SMs beside it (NVIDIA developer forum, "Compute-Communication Overlap Causes Severe GEMM
// Performance Degradation because of Tail Effect", 2025), the tail-effect end of that range.
// Priced here as the mean slowdown applied to the compute that runs beside the hidden share of each collective: a
// hidden collective of h seconds costs OVERLAP_SLOWDOWN · h seconds of compute. DualPipe's overlap keeps its own
// explicit SM split (./step.ts A2A_COMM_UNITS) instead.
export const OVERLAP_SLOWDOWN = 0.189;

/**
 * time a collective of `commS` costs when `exposedS` of it shows: the exposed part plus the slowdown of the compute
 * beside the hidden part (never negative; the hidden part is commS − exposedS)
 */
export function withContention(commS: number, exposedS: number): number {
  if (!(commS > 0)) return Math.max(0, exposedS);
  const exposed = Math.min(commS, Math.max(0, exposedS));
  return exposed + OVERLAP_SLOWDOWN * (commS - exposed);
}
