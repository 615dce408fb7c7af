// Achievable fraction of a link's bandwidth for one training collective (all-gather, reduce-scatter, all-reduce
// rings, point-to-point sends) of `bytes`, by the link it crosses:
//
//   InfiniBand scale-out → IB_RING_BUSBW × COLLECTIVE_SHAPE(bytes)
//   otherwise → the spec's own collective efficiency (its measured sweep, or its fraction × the shape)
//
// A hardware spec's collective sweep is measured inside one scale-up domain (8-GPU nccl-tests; on H100 / H200 NCCL's
// in-switch NVLS all-reduce, an NVLink figure): it says nothing of what a ring reaches over the network. Over
// InfiniBand, NCCL's ring reaches 46-48 GB/s of a 400 Gb/s NDR NIC's 50 (NCCL maintainer, NVIDIA/nccl-tests issue
// #290, 2025-03) and 96 of 100 GB/s on 4 HDR NICs per 8 A100 (NVIDIA/nccl-tests issue #119, 3 nodes,
// all_reduce_perf): 0.92-0.96 → 0.94 at large messages. The common size shape (src/hardware/efficiency.ts, measured
// all-reduce sweeps) carries the small-message fall-off, start-up latency included (./collective-time.ts counts it once).
// RoCE, EFA and other networks keep the spec's figure (no measurement found). Scale-up collectives keep the spec's
// sweep too (whether NCCL's all-gather / reduce-scatter get NVLS there was not settled).
import type { LinkSpec, NormalizedHardware } from '../../spec/types.js';
import { COLLECTIVE_SHAPE, collectiveEfficiency, lookupEfficiency } from '../../hardware/efficiency.js';

export const IB_RING_BUSBW = 0.94;
// The expert all-to-all's off-node share over InfiniBand: DeepEP's normal kernels on H800 with one CX7 400 Gb/s NIC
// per GPU (~50 GB/s) reach a bottleneck RDMA bandwidth of 43 / 44 / 46 GB/s dispatching and 43 / 47 / 45 GB/s
// combining at EP 16 / 32 / 64 (deepseek-ai/DeepEP README, first release, DeepSeek-V3 pretraining shapes: 4096
// tokens, hidden 7168, top-8): 0.86-0.94 → 0.90.
export const IB_ALLTOALL_BUSBW = 0.9;

/**
 * fraction of `link`'s bandwidth one collective of `bytes` reaches (`link` is one of `hw`'s own links); `alltoall`:
 * the expert dispatch / combine exchange rather than a ring
 */
export function linkCollectiveEfficiency(hw: NormalizedHardware, link: LinkSpec, bytes: number, alltoall = false): number {
  if (link === hw.scaleOut && /^infiniband/.test(link.technology ?? '')) return (alltoall ? IB_ALLTOALL_BUSBW : IB_RING_BUSBW) * lookupEfficiency(COLLECTIVE_SHAPE, bytes);
  return collectiveEfficiency(hw.efficiency, bytes);
}
