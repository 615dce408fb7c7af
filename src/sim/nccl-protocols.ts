// NCCL's cost model of a collective that spans nodes, protocol by protocol: NCCL times every (algorithm, protocol) pair
// as latency + bytes / bandwidth and runs the fastest (NVIDIA/nccl @5067397c src/graph/tuning.cc ncclTopoTuneModel and
// ncclTopoGetAlgoTime). The three protocols trade start-up latency against bandwidth:
//
//   protocol   base (µs)       per NVLink hop (ring / tree)   per network hop (ring / tree)   bus bandwidth
//   LL         6.6 / 6.8       0.6 / 0.6                      2.7 / 5.0                       ≤ half, and ≤ llMaxBw
//   LL128      14.0            1.9 / 1.25                     4.0 / 8.5                       0.92 (tree 120/128)
//   Simple     8.4             3.4 / 4.0                      14.0 / 14.0                     all (tree 0.92)
//
// (tuning.cc default tuner constants baseLatencies, hwLatencies; the model refinements in ncclTopoTuneModel.) A ring of
// n ranks on `nodes` nodes pays n − 1 steps (all-gather, reduce-scatter) or 2(n − 1) (all-reduce), nodes − 1 (or
// 2(nodes − 1)) of them network hops; each intra-node step costs at least the host's network post overhead (1.0 µs on
// x86 Intel hosts, getNetOverhead; × 3 under Simple) once the ring leaves the node; with one rank per node every hop is
// priced at the tree's network latency ("With ppn=1 latencies are fully exposed"). A tree all-reduce pays
// 2·((g − 1)·intra + log2(nodes)·net). llMaxBws caps LL's bus bandwidth across nodes at 39.0 GB/s on two nodes and
// 20.4 GB/s on more (x86 Intel hosts; 22.5 / 19.0 on AMD ones); ring Simple all-reduce latency is × 1.4 once the message
// is past 64 B per rank per channel (× 1.9 before compute capability 8.0: "Plateau effect of ring"); tree all-reduce
// bandwidth takes treeCorrectionFactor for messages below 512 MiB.
//
// Why it matters: the network and NVLink hops of a ring add up linearly in its ranks, and large messages run LL128 or
// Simple, whose hops cost 2-5× LL's. A 300 MB all-gather over 1,536 A100s (192 DGX nodes) is modelled at 3.3 ms of
// LL128 latency + 1.7 ms of wire; LL's 1.9 ms start-up with Simple's bandwidth (the earlier pricing) is a pair NCCL
// cannot run. Ring latency linear in the rank count is the documented limit of NCCL's all-gather and reduce-scatter at
// scale (they are rings only; Singh et al., "The Big Send-off", arXiv 2504.18658, §I).
//
// LL128 is on by default only where NCCL tested it: NVLink between the GPUs (typeIntra ≤ NVB) and each GPU's NIC on
// its PCIe switch (typeInter ≤ PXB; PXN from Hopper), compute capability 7.0 and up. Priced here as NVIDIA parts whose
// scale-up link is NVLink (ASSUMPTION: the NIC placement of DGX / HGX nodes); elsewhere LL and Simple only. LIMIT: the
// per-channel LL128 and tree bandwidth caps (nChannels × 20 GB/s on Ampere …) need the channel count, which the
// hardware spec does not give: not applied.
import type { CollectiveKind } from '../model/op.js';

type Protocol = 'LL' | 'LL128' | 'Simple';
const PROTOCOLS: readonly Protocol[] = ['LL', 'LL128', 'Simple'];

// tuning.cc @5067397c ncclTunerConstantsDefaults, µs
const BASE = { ring: { LL: 6.6, LL128: 14.0, Simple: 8.4 }, tree: { LL: 6.8, LL128: 14.0, Simple: 8.4 } };
const NVLINK = { ring: { LL: 0.6, LL128: 1.9, Simple: 3.4 }, tree: { LL: 0.6, LL128: 1.25, Simple: 4.0 } };
const NET = { ring: { LL: 2.7, LL128: 4.0, Simple: 14.0 }, tree: { LL: 5.0, LL128: 8.5, Simple: 14.0 } };
// getNetOverhead on x86 Intel hosts (µs); Simple pays it three times
const NET_OVERHEAD = 1.0;
// llMaxBws, x86 Intel row ("Intel-N2 / Intel-N4"), GB/s of bus bandwidth
const LL_MAX_BW_2_NODES = 39.0e9;
const LL_MAX_BW_MORE_NODES = 20.4e9;
// ring Simple all-reduce across nodes: "Plateau effect of ring" latency factor (compute capability ≥ 8.0 / below)
const RING_PLATEAU = 1.4;
const RING_PLATEAU_PRE_AMPERE = 1.9;
// NCCL_MAX_CHANNELS: the plateau applies when bytes / (nChannels · nRanks) ≥ 64, which holds for any channel count
// once it holds for the most channels a communicator can have
const MAX_CHANNELS = 32;
// treeCorrectionFactor (tuning.cc): tree all-reduce bandwidth by log2(bytes / 64), LL / LL128 / Simple
const TREE_CORRECTION: Record<Protocol, readonly number[]> = {
  LL: [1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.7, 0.7, 0.7, 0.6, 0.5, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0],
  LL128: [1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.0],
  Simple: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.6, 0.7, 0.8, 0.7, 0.7, 0.8, 0.9, 0.9, 0.9],
};
// ncclTopoGetAlgoTime applies it for log2(bytes / 64) in [0, 23)
const TREE_CORRECTION_SIZES = 23;

export interface NcclOptions {
  /** LL128 enabled (NVLink between the node's GPUs, NICs beside them) */
  ll128: boolean;
  /** compute capability below 8.0 (Volta): the larger ring plateau factor */
  preAmpere?: boolean;
}

/** one (algorithm, protocol) choice: its modelled start-up seconds and the share of the ring's Simple bus bandwidth */
export interface NcclChoice {
  protocol: Protocol;
  algorithm: 'ring' | 'tree';
  alphaS: number;
  share: number;
}

function treeCorrection(p: Protocol, bytes: number): number {
  // log2i(nBytes >> 6): below 64 B the index is -1 and no factor applies
  const i = bytes < 64 ? -1 : Math.floor(Math.log2(bytes / 64));
  return i >= 0 && i < TREE_CORRECTION_SIZES ? TREE_CORRECTION[p][i]! : 1;
}

/**
 * NCCL's candidate (algorithm, protocol) pairs for a ring-family collective (`allreduce`, `allgather`,
 * `reducescatter`) of `bytes` over `n` ranks, `perNode` of them on each node, whose ring reaches `busbw` bytes/s of
 * bus bandwidth with large messages under Simple
 */
export function ncclChoices(kind: CollectiveKind, bytes: number, n: number, perNode: number, busbw: number, o: NcclOptions): NcclChoice[] {
  const g = Math.max(1, Math.min(n, perNode));
  const nodes = Math.ceil(n / g);
  const llCap = nodes <= 2 ? LL_MAX_BW_2_NODES : LL_MAX_BW_MORE_NODES;
  const out: NcclChoice[] = [];
  const steps = kind === 'allreduce' ? 2 * (n - 1) : n - 1;
  const netSteps = nodes <= 1 ? 0 : kind === 'allreduce' ? 2 * (nodes - 1) : nodes - 1;
  for (const p of PROTOCOLS) {
    if (p === 'LL128' && !o.ll128) continue;
    const overhead = nodes > 1 ? NET_OVERHEAD * (p === 'Simple' ? 3 : 1) : 0;
    const intra = Math.max(NVLINK.ring[p], overhead);
    const inter = g === 1 ? NET.tree[p] : NET.ring[p];
    let ringUs = BASE.ring[p] + (steps - netSteps) * intra + netSteps * inter;
    if (kind === 'allreduce' && p === 'Simple' && nodes > 1 && bytes / (MAX_CHANNELS * n) >= 64) ringUs *= o.preAmpere ? RING_PLATEAU_PRE_AMPERE : RING_PLATEAU;
    const ringShare = p === 'LL' ? Math.min(0.5, llCap / busbw) : p === 'LL128' ? 0.92 : 1;
    out.push({ protocol: p, algorithm: 'ring', alphaS: ringUs * 1e-6, share: ringShare });
    if (kind !== 'allreduce' || nodes <= 1) continue;
    // tree: bandwidth factors of ncclTopoTuneModel (LL busBw / 3.8 capped, LL128 120/128 across nodes, Simple .92);
    // its algorithm bandwidth is half the bus bandwidth where the ring's is n / 2(n − 1) of it
    const treeUs = BASE.tree[p] + 2 * ((g - 1) * NVLINK.tree[p] + Math.floor(Math.log2(nodes)) * NET.tree[p]);
    const base = p === 'LL' ? Math.min(1 / 3.8, llCap / busbw) : p === 'LL128' ? 120 / 128 : 0.92;
    const treeShare = base * treeCorrection(p, bytes) * ((n - 1) / n);
    out.push({ protocol: p, algorithm: 'tree', alphaS: treeUs * 1e-6, share: treeShare });
  }
  return out;
}

/**
 * NCCL's modelled seconds of the collective: the fastest choice's start-up plus `largeWireS` (the traffic at the ring's
 * Simple bus bandwidth) at that choice's share of it
 */
export function ncclModelSeconds(choices: readonly NcclChoice[], largeWireS: number): number {
  let best = Infinity;
  for (const c of choices) if (c.share > 0) best = Math.min(best, c.alphaS + largeWireS / c.share);
  return Number.isFinite(best) ? best : largeWireS;
}
