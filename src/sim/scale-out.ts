// A collective whose group spans several scale-up domains (nodes): NCCL's hierarchical pricing, not a flat ring.
//
//   seconds = max( α(kind, ranks, nodes) + traffic · bytes / busbw ,  traffic · bytes / (busbw · COLLECTIVE_SHAPE(bytes)) )
//
// α is NCCL's own latency model (src/graph/tuning.cc, NVIDIA/nccl @5067397, ncclTopoTuneModel, default tuner
// constants, LL protocol): across nodes an all-reduce runs as a tree — base 6.8 µs + 2·((g − 1)·0.6 µs NVLink hops +
// log2(nodes)·5.0 µs network hops) with g ranks per node — or as a ring whose 2(n − 1) steps are 2(nodes − 1) network
// hops of 2.7 µs and the rest NVLink hops of max(0.6, 1.0 µs x86 net overhead) on a 6.6 µs base; NCCL takes the
// faster. All-gather / reduce-scatter are rings (n − 1 steps, nodes − 1 of them on the network); all-to-all and p2p
// pay one network hop. 16 H100s over 2 nodes: tree 25 µs, so a ~100 KB all-reduce takes tens of µs, not the
// 2(n − 1) · 10 µs = 300 µs of a flat 16-rank ring on the per-step NIC latency. (nccl-tests on 2 × 8 H20 with
// 16 NDR NICs: 46-48 µs for 4 B … 1 KiB all-reduces under NVLSTree, NVIDIA/nccl issue #1244, 2024-04.)
//
// busbw: a ring collective leaves each node through the NICs of all g members side by side (src/sim/training/
// ring-nics.ts: NCCL maintainer, NVIDIA/nccl issue #412; 4 HDR NICs per 8 A100 reach 96 of 100 GB/s, nccl-tests
// issue #119): g × one NIC's ring rate (InfiniBand 0.94 of line rate, ./training/link-efficiency.ts; NDR "46-48 GB/s
// per NIC", NCCL maintainer, nccl-tests issue #290), capped by the scale-up link's large-message collective rate. An
// all-to-all or p2p send crosses each device's own NIC. The spec's intra-node collective sweep (an NVLink / NVLS
// figure) is not applied to the NIC; the common size shape (src/hardware/efficiency.ts, measured all-reduce sweeps,
// which carry their own start-up latency) bounds mid-size messages from below, as an alternative to α + β, not
// added to it.
import type { CollectiveKind } from '../model/op.js';
import type { LinkSpec, NormalizedHardware } from '../spec/types.js';
import { trafficFactor } from './collectives.js';
import { COLLECTIVE_SHAPE, collectiveEfficiency, lookupEfficiency } from '../hardware/efficiency.js';
import { IB_RING_BUSBW } from './training/link-efficiency.js';

// NCCL tuning.cc @5067397 default tuner constants (µs): baseLatencies Tree/Ring LL, hwLatencies NVLINK Tree/Ring LL,
// NET Tree/Ring LL, getNetOverhead on x86 Intel hosts.
const BASE_TREE_LL = 6.8e-6;
const BASE_RING_LL = 6.6e-6;
const NVLINK_TREE_LL = 0.6e-6;
const NVLINK_RING_LL = 0.6e-6;
const NET_TREE_LL = 5.0e-6;
const NET_RING_LL = 2.7e-6;
const NET_OVERHEAD = 1.0e-6;
const NVLINK_RING_SHARE = 370 / 450;
// the size at which a measured sweep's large-message fraction is read (the sweeps end at 8 GiB)
const LARGE = 8589934592;

/** NCCL's modelled start-up latency of one collective over `n` ranks, `perNode` of them in each scale-up domain */
export function scaleOutLatency(kind: CollectiveKind, n: number, perNode: number): number {
  const g = Math.max(1, Math.min(n, perNode));
  const nodes = Math.ceil(n / g);
  if (kind === 'p2p' || kind === 'alltoall') return BASE_RING_LL + NET_RING_LL;
  const intra = Math.max(NVLINK_RING_LL, NET_OVERHEAD);
  if (kind === 'allreduce') {
    const ring = BASE_RING_LL + (2 * (n - 1) - 2 * (nodes - 1)) * intra + 2 * (nodes - 1) * NET_RING_LL;
    const tree = BASE_TREE_LL + 2 * ((g - 1) * NVLINK_TREE_LL + Math.floor(Math.log2(nodes)) * NET_TREE_LL);
    return Math.min(ring, tree);
  }
  return BASE_RING_LL + (n - 1 - (nodes - 1)) * intra + (nodes - 1) * NET_RING_LL;
}

/** bytes/s of bus bandwidth a large collective of `kind` reaches over the scale-out `link` with `perNode` ranks a node */
export function scaleOutBusBw(hw: NormalizedHardware, link: LinkSpec, kind: CollectiveKind, perNode: number): number {
  const rate = /^infiniband/.test(link.technology ?? '') ? IB_RING_BUSBW : collectiveEfficiency(hw.efficiency, LARGE);
  const nic = link.bandwidthBytePerS * rate;
  if (kind === 'p2p' || kind === 'alltoall' || perNode <= 1) return nic;
  const up = hw.scaleUp;
  // the intra-node hops of the ring run at NVLink's point-to-point rate: where the spec's sweep is of NVLS (an
  // in-switch figure), NCCL's ring reaches ~370 of NVLink4's 450 GB/s (NCCL maintainer, nccl-tests issue #212)
  const upRate = hw.efficiency.collectiveAlgorithm === 'nvls' ? NVLINK_RING_SHARE : collectiveEfficiency(hw.efficiency, LARGE);
  const cap = up && up !== link ? up.bandwidthBytePerS * upRate : Infinity;
  return Math.max(nic, Math.min(perNode * nic, cap));
}

/** seconds of one collective of `bytes` over `n` ranks that span scale-up domains of `domain` devices */
export function scaleOutSeconds(hw: NormalizedHardware, link: LinkSpec, kind: CollectiveKind, bytes: number, n: number, domain: number, ranksPerNode?: number): number {
  if (n <= 1 || bytes <= 0) return 0;
  const perNode = Math.max(1, Math.min(n, ranksPerNode ?? domain));
  const bw = scaleOutBusBw(hw, link, kind, perNode);
  const wire = (trafficFactor(kind, n) * bytes) / bw;
  return latencyOrShaped(scaleOutLatency(kind, n, perNode), wire, bytes);
}

/**
 * A scale-out collective's seconds from NCCL's start-up latency `alphaS` and its wire time at the large-message rate
 * `largeWireS`: α + that wire, or the wire at the size-shaped rate (COLLECTIVE_SHAPE, which carries the small-message
 * fall-off of measured sweeps), whichever is longer. Serving (above) and training (./training/collective-time.ts,
 * the expert all-to-all in ./training/step.ts) price every scale-out collective through it.
 */
export function latencyOrShaped(alphaS: number, largeWireS: number, bytes: number): number {
  return Math.max(alphaS + largeWireS, largeWireS / lookupEfficiency(COLLECTIVE_SHAPE, bytes));
}
