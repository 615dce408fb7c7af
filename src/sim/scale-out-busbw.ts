// Bus bandwidth of a large collective over the scale-out network, one function for serving (./scale-out.ts) and
// training (./training/link-efficiency.ts, ./training/ring-nics.ts):
//
//   busbw = one NIC's rate                                   (all-to-all, p2p, one rank per node, or no scale-up link)
//         = max(one NIC, min(g × one NIC, scale-up cap))     (a ring with g ranks per node)
//
// No scale-up link: the spec has no domain of devices that share a node, so each device is its own node and a ring
// crosses one NIC per member (DGX Spark: one GB10 per box, joined to its twin by its ConnectX-7 port; a Xeon socket);
// nor is there an intra-node rate for the ring's hops that the NICs' sum could reach ("up to ... the NVLink intra-node
// bandwidth", NVIDIA/nccl issue #412). Training (./training/ring-nics.ts, ranksPerDomain over a domain of 1) and
// serving take this one rule here; the scale-up cap used to fall back to no cap at all (g NICs uncapped).
//
// A ring collective leaves each node through the NICs of all g members side by side (./training/ring-nics.ts: NCCL
// maintainer, NVIDIA/nccl issue #412; 4 HDR NICs per 8 A100 reach 96 of 100 GB/s, nccl-tests issue #119), up to what
// the ring's intra-node hops sustain. An all-to-all "cannot aggregate the bandwidth of multiple NICs, so the
// performance you should see is the performance of a single NIC" (NCCL maintainer sjeaugey, NVIDIA/nccl-tests issue
// #267, 2024-11, 6 × 8 H100 with 8 × 400 Gb/s CX7 each); a p2p send crosses its own device's NIC.
//
// One NIC's large-message rate over InfiniBand:
//   ring (all-reduce / all-gather / reduce-scatter) and p2p: NCCL's ring reaches 46-48 GB/s of a 400 Gb/s NDR NIC's 50
//     (NCCL maintainer, NVIDIA/nccl-tests issue #290, 2025-03) and 96 of 100 GB/s on 4 HDR NICs per 8 A100
//     (NVIDIA/nccl-tests issue #119, 3 nodes, all_reduce_perf): 0.92-0.96 → 0.94.
//   all-to-all: DeepEP's normal kernels on H800 with one CX7 400 Gb/s NIC per GPU (~50 GB/s) reach a bottleneck RDMA
//     bandwidth of 43 / 44 / 46 GB/s dispatching and 43 / 47 / 45 GB/s combining at EP 16 / 32 / 64
//     (deepseek-ai/DeepEP README, first release, its tests/test_internode.py kernel benchmark at DeepSeek-V3
//     pretraining shapes: 4096 tokens, hidden 7168, top-8): 0.86-0.94 → 0.90, a rate over the (token, node) pairs of
//     each token's own node as well as the others (./ep-alltoall-bytes.ts). This is a kernel-level measurement of the
//     all-to-all itself; the ring's 0.94 (an all_reduce_perf figure) is not, so serving's expert all-to-all, once priced
//     at 0.94, takes 0.90 too.
// RoCE, EFA and other networks take the spec's large-message collective fraction (no NIC measurement found), or, where
// the spec's sweep is of NVLS (an in-switch NVLink figure, not a NIC's), the class default ring fraction.
//
// The scale-up cap: the ring's intra-node hops run at NVLink's point-to-point rate. Where the spec's sweep is of NVLS
// (an in-switch figure, NCCL's single-node all-reduce), NCCL's ring reaches ~370 of NVLink4's 450 GB/s (NCCL
// maintainer, NVIDIA/nccl-tests issue #212; the p2pBandwidthLatencyTest kernel reaches 380 unidirectional on HGX H100,
// NVIDIA/nccl issue #1264, and NCCL's topology search books NVL 360 per H100, NVIDIA/nccl issue #1367); otherwise the
// spec's large-message collective fraction of the link. Training once capped the ring at the NVLS sweep itself
// (an algbw / link figure: 0.61 × 450 GB/s on H200), below what the ring's NVLink hops carry.
//
// All of these are large-message rates: callers shape them by size with COLLECTIVE_SHAPE (src/hardware/efficiency.ts).
import type { CollectiveKind } from '../model/op.js';
import type { LinkSpec, NormalizedHardware } from '../spec/types.js';
import { COLLECTIVE_SHAPE, RING_COLLECTIVE, collectiveEfficiency, collectiveShape } from '../hardware/efficiency.js';

export const IB_RING_BUSBW = 0.94;
export const IB_ALLTOALL_BUSBW = 0.9;
const NVLINK_RING_SHARE = 370 / 450;
/** the size at which a spec's large-message collective fraction is read: the common shape's last point */
export const LARGE_COLLECTIVE_BYTES = COLLECTIVE_SHAPE.sizes[COLLECTIVE_SHAPE.sizes.length - 1]!;

/** fraction of one NIC's line rate a large collective of `kind` reaches over the scale-out `link` */
export function nicCollectiveRate(hw: NormalizedHardware, link: LinkSpec, kind: CollectiveKind): number {
  if (/^infiniband/.test(link.technology ?? '')) return kind === 'alltoall' ? IB_ALLTOALL_BUSBW : IB_RING_BUSBW;
  if (hw.efficiency.collectiveAlgorithm === 'nvls') return RING_COLLECTIVE * collectiveShape(LARGE_COLLECTIVE_BYTES);
  return collectiveEfficiency(hw.efficiency, LARGE_COLLECTIVE_BYTES);
}

/** bytes/s of bus bandwidth a large collective of `kind` reaches over the scale-out `link` with `perNode` ranks a node */
export function scaleOutBusBw(hw: NormalizedHardware, link: LinkSpec, kind: CollectiveKind, perNode: number): number {
  const nic = link.bandwidthBytePerS * nicCollectiveRate(hw, link, kind);
  const up = hw.scaleUp;
  if (kind === 'p2p' || kind === 'alltoall' || perNode <= 1 || !up || up === link) return nic;
  const upRate = hw.efficiency.collectiveAlgorithm === 'nvls' ? NVLINK_RING_SHARE : collectiveEfficiency(hw.efficiency, LARGE_COLLECTIVE_BYTES);
  return Math.max(nic, Math.min(perNode * nic, up.bandwidthBytePerS * upRate));
}
