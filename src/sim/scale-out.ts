// A collective whose group spans several scale-up domains (nodes): NCCL's hierarchical pricing, not a flat ring.
//
//   seconds = max( NCCL(kind, ranks, nodes, traffic · bytes / busbw) ,  traffic · bytes / (busbw · COLLECTIVE_SHAPE(bytes)) )
//
// NCCL(...) is NCCL's cost model at its fastest protocol for the ring family (./nccl-protocols.ts: each protocol's α
// plus the wire at its share of busbw). Its LL α (ncclLlLatency, read from the same table) is what the all-to-all and
// p2p keep. It is NCCL's own latency model (src/graph/tuning.cc, NVIDIA/nccl @5067397, ncclTopoTuneModel, default
// tuner constants, LL protocol): across nodes an all-reduce runs as a tree — base 6.8 µs + 2·((g − 1)·0.6 µs NVLink
// hops + log2(nodes)·5.0 µs network hops) with g ranks per node — or as a ring whose 2(n − 1) steps are 2(nodes − 1) network
// hops of 2.7 µs and the rest NVLink hops of max(0.6, 1.0 µs x86 net overhead) on a 6.6 µs base; NCCL takes the
// faster. All-gather / reduce-scatter are rings (n − 1 steps, nodes − 1 of them on the network); all-to-all and p2p
// pay one network hop. 16 H100s over 2 nodes: tree 25 µs, so a ~100 KB all-reduce takes tens of µs, not the
// 2(n − 1) · 10 µs = 300 µs of a flat 16-rank ring on the per-step NIC latency. (nccl-tests on 2 × 8 H20 with
// 16 NDR NICs: 46-48 µs for 4 B … 1 KiB all-reduces under NVLSTree, NVIDIA/nccl issue #1244, 2024-04.)
//
// busbw: the large-message bus bandwidth of ./scale-out-busbw.ts (g × one NIC capped by scale-up for a ring, one NIC
// for an all-to-all or p2p), shared with training. An all-to-all's traffic on it is the (n − g)/n of the buffer bound
// for other nodes (./ep-alltoall-bytes.ts), not the (n − 1)/n of trafficFactor. The spec's intra-node collective
// sweep (an NVLink / NVLS figure) is not applied to the NIC; the common size shape (src/hardware/efficiency.ts, measured
// all-reduce sweeps, which carry their own start-up latency) bounds mid-size messages from below, as an alternative
// to α + β, not added to it.
import type { CollectiveKind } from '../model/op.js';
import type { LinkSpec, NormalizedHardware } from '../spec/types.js';
import { trafficFactor } from './collectives.js';
import { collectiveShape } from '../hardware/efficiency.js';
import { scaleOutBusBw } from './scale-out-busbw.js';
import { ncclAllToAllNetworkShare } from './ep-alltoall-bytes.js';
import type { NcclOptions } from './nccl-protocols.js';
import { ncclChoices, ncclLlLatency, ncclModelSeconds } from './nccl-protocols.js';

/** seconds of one collective of `bytes` over `n` ranks that span scale-up domains of `domain` devices */
export function scaleOutSeconds(hw: NormalizedHardware, link: LinkSpec, kind: CollectiveKind, bytes: number, n: number, domain: number, ranksPerNode?: number): number {
  if (n <= 1 || bytes <= 0) return 0;
  const perNode = Math.max(1, Math.min(n, ranksPerNode ?? domain));
  const bw = scaleOutBusBw(hw, link, kind, perNode);
  // an all-to-all's NIC carries only the share bound for other nodes; its NVLink share runs beside it
  // (./ep-alltoall-bytes.ts, nccl-tests issue #130)
  const traffic = kind === 'alltoall' ? ncclAllToAllNetworkShare(n, perNode) : trafficFactor(kind, n);
  const wire = (traffic * bytes) / bw;
  return modelOrShaped(ncclSeconds(hw, kind, bytes, n, perNode, wire, bw), wire, bytes, bw);
}

/**
 * which of NCCL's protocols and algorithms run on `hw` (./nccl-protocols.ts): LL128 on NVIDIA parts joined by NVLink
 * (ASSUMPTION: each GPU's NIC on its PCIe switch, the DGX / HGX layout), the larger ring plateau before Ampere, the
 * NVLink hop latencies where the scale-up link is NVLink and the PCI ones otherwise (tuning.cc:285), PAT on NVIDIA parts
 * (SM 6.0 and up). ASSUMPTION: xGMI (AMD) reads the NVLink row — RCCL's own topology and tuning were not read, so
 * the NCCL model stands in for it. ASSUMPTION: Intel / Grace hosts (getNetOverhead 1.0 µs, the Intel llMaxBws row);
 * AMD hosts pay 2.0 µs a network post and cap LL at 22.5 / 19.0 GB/s (tuning.cc:180, 231), not applied: the hardware
 * spec does not name its host CPU. ASSUMPTION: parts whose scale-up fabric is neither NVLink nor xGMI (TPU ICI, Ascend
 * HCCS, Gaudi RoCE) take NCCL's PCI hop rows and its net rows although they run their own collective libraries (XLA,
 * HCCL, HCCL-Gaudi): no per-library latency table is held for them.
 */
export function ncclOptions(hw: NormalizedHardware): NcclOptions {
  const arch = hw.architecture ?? '';
  const tech = hw.scaleUp?.technology ?? '';
  const nvlink = /^nvlink/.test(tech);
  return {
    ll128: hw.vendor === 'nvidia' && nvlink,
    preAmpere: arch === 'volta' || arch === 'turing',
    nvlink: nvlink || /^xgmi/.test(tech),
    pat: hw.vendor === 'nvidia',
  };
}

/**
 * NCCL's modelled seconds of one scale-out collective whose traffic takes `largeWireS` at the large-message bus
 * bandwidth `busbw`: for the ring family (all-reduce, all-gather, reduce-scatter) the fastest of its protocols and
 * algorithms (./nccl-protocols.ts); all-to-all and p2p their one start-up (ncclLlLatency) plus the wire
 */
export function ncclSeconds(hw: NormalizedHardware, kind: CollectiveKind, bytes: number, n: number, perNode: number, largeWireS: number, busbw: number): number {
  if (kind === 'p2p' || kind === 'alltoall' || !(busbw > 0)) return ncclLlLatency(kind, n, perNode, ncclOptions(hw)) + largeWireS;
  return ncclModelSeconds(ncclChoices(kind, bytes, n, perNode, busbw, ncclOptions(hw)), largeWireS);
}

// The large-message bus bandwidth of the sweeps COLLECTIVE_SHAPE averages (src/hardware/efficiency.ts): 8x H100 NVLS
// 478.87 GB/s, 8x A100 ring 231.58 GB/s, 8x MI300X 0.7072 x 448 = 316.8 GB/s (the hardware specs' own sweeps); their
// geometric mean. The shape's small-message fall-off is those fabrics' start-up time expressed in bytes at that rate.
const SHAPE_REFERENCE_BUSBW = 327.5e9;

/**
 * A scale-out collective's seconds from NCCL's start-up latency `alphaS` and its wire time at the large-message rate
 * `largeWireS`: α + that wire, or the wire at the size-shaped rate (COLLECTIVE_SHAPE, which carries the small-message
 * fall-off of measured sweeps), whichever is longer. Serving (above) and training (./training/collective-time.ts,
 * the expert all-to-all in ./training/step.ts) price every scale-out collective through it.
 */
export function latencyOrShaped(alphaS: number, largeWireS: number, bytes: number, busbw?: number): number {
  return modelOrShaped(alphaS + largeWireS, largeWireS, bytes, busbw);
}

/** a modelled collective time `modelS` (start-up and wire), or the wire at the size-shaped rate, whichever is longer */
export function modelOrShaped(modelS: number, largeWireS: number, bytes: number, busbw?: number): number {
  // On a link slower than the shape's fabrics (one 200 GbE port between two DGX Sparks, 25 GB/s) the same start-up
  // time is worth fewer bytes: the shape is read at the message size that would take as long on them. Read at the raw
  // size it priced a 16 KiB all-reduce over one such port at ~320 µs, where NCCL's own model (α) gives ~12 µs.
  const equivalent = busbw !== undefined && busbw > 0 ? bytes * Math.max(1, SHAPE_REFERENCE_BUSBW / busbw) : bytes;
  return Math.max(modelS, largeWireS / collectiveShape(equivalent));
}
