// NCCL's cost model of a collective that spans nodes, protocol by protocol: NCCL times every (algorithm, protocol) pair
// as latency + bytes / bandwidth and runs the fastest (NVIDIA/nccl @5067397c src/graph/tuning.cc ncclTopoTuneModel and
// ncclTopoGetAlgoTime). The three protocols trade start-up latency against bandwidth:
//
//   protocol   base (µs)       per hop NVLink / PCI (ring; tree)    per network hop (ring / tree)   bus bandwidth
//   LL         6.6 / 6.8       0.6 / 1.0 (0.6 / 1.0)               2.7 / 5.0                       ring ≤ half; tree 0.92 / 3.8;
//                                                                                                   both ≤ llMaxBw
//   LL128      14.0            1.9 / 2.5 (1.25 / 1.9)              4.0 / 8.5                       ring 0.92; tree 0.92 · 120/128
//   Simple     8.4             3.4 / 5.7 (4.0 / 4.0)               14.0 / 14.0                     ring all; tree 0.92
//   PAT        8.0 (Simple)    —                                   log2(nodes) · 14.0 / 3.5        0.75·(n−1)/n; + 2.8 µs per rank
//
// (tuning.cc default tuner constants baseLatencies, hwLatencies lines 150–175; the model refinements in
// ncclTopoTuneModel lines 328–337; the latencies lines 385–433.) Every tree all-reduce first takes busBw · 0.92
// (line 332), then LL's / 3.8 or LL128's 120/128 on top (lines 333–335); a tree whose nodes hold one GPU each is
// NCCL_TOPO_PATTERN_TREE (src/graph/search.cc:1133) and takes a further × 0.85 (tuning.cc:336). Intra-node hops read
// the NVLink row where the GPUs are joined by NVLink and the PCI row otherwise (tuning.cc:285, typeIntra). A ring of
// n ranks on `nodes` nodes pays n − 1 steps (all-gather, reduce-scatter) or 2(n − 1) (all-reduce), nodes − 1 (or
// 2(nodes − 1)) of them network hops; each intra-node step costs at least the host's network post overhead (1.0 µs on
// x86 Intel hosts, getNetOverhead; × 3 under Simple) once the ring leaves the node; with one rank per node every hop is
// priced at the tree's network latency ("With ppn=1 latencies are fully exposed"). A tree all-reduce pays
// 2·((g − 1)·intra + log2(nodes)·net). llMaxBws caps LL's bus bandwidth across nodes at 39.0 GB/s on two nodes and
// 20.4 GB/s on more (x86 Intel hosts; 22.5 / 19.0 on AMD ones); ring Simple all-reduce latency is × 1.4 once the message
// is past 64 B per rank per channel (× 1.9 before compute capability 8.0: "Plateau effect of ring"); tree all-reduce
// bandwidth takes treeCorrectionFactor for messages below 512 MiB. PAT (all-gather / reduce-scatter, Simple, lines
// 216–222 and 429–433) runs only with one GPU per node and only on NVIDIA parts (it needs SM 6.0 atomics); it runs on
// the tree's graph (src/init.cc:980–981), priced here at the ring's bus bandwidth (ASSUMPTION: with one GPU per node
// both graphs leave through the same one NIC).
//
// ASSUMPTION: x86 Intel (or Grace) hosts: the AMD-host rows (getNetOverhead 2.0 µs, llMaxBws 22.5 / 19.0 GB/s) are not
// applied; the hardware spec does not name its host CPU.
// ASSUMPTION: CollNet (Direct, Chain, and NVLS across nodes) is left out: NCCL disables it unless collnetEnable, which
// needs the SHARP plugin (tuning.cc:504–506).
// KNOWN GAP: NVLSTree, which NCCL enables by default for all-reduce across nodes on NVLS parts (Hopper and later with
// NVSwitch; disabled only on one node, tuning.cc:502), is not a candidate: its latency is 25 µs + 2·log2(nodes)·20.9 µs
// (Simple), but its bandwidth is min(NVLS intra-node rate · nvlsEfficiency · 2, the network rate, nChannels ·
// perChMaxNVLSTreeBw) (tuning.cc:313–324), which needs the NVLS graph's channel count and bandwidth the hardware spec
// does not give. Where NCCL would choose it, the model prices the faster of ring and tree instead.
//
// Why it matters: the network and NVLink hops of a ring add up linearly in its ranks, and large messages run LL128 or
// Simple, whose hops cost 2-5× LL's. A 300 MB all-gather over 1,536 A100s (192 DGX nodes) is modelled at 3.3 ms of
// LL128 latency + 1.7 ms of wire; LL's 1.9 ms start-up with Simple's bandwidth (the earlier pricing) is a pair NCCL
// cannot run. Ring latency linear in the rank count is the documented limit of NCCL's all-gather and reduce-scatter at
// scale (they are rings only, PAT at one GPU per node excepted; Singh et al., "The Big Send-off", arXiv 2504.18658, §I).
//
// LL128 is on by default only where NCCL tested it: NVLink between the GPUs (typeIntra ≤ NVB) and each GPU's NIC on
// its PCIe switch (typeInter ≤ PXB; PXN from Hopper), compute capability 7.0 and up. Priced here as NVIDIA parts whose
// scale-up link is NVLink (ASSUMPTION: the NIC placement of DGX / HGX nodes); elsewhere LL and Simple only. LIMIT: the
// per-channel LL128 and tree bandwidth caps (nChannels × 20 GB/s on Ampere …) need the channel count, which the
// hardware spec does not give: not applied.
import type { CollectiveKind } from '../model/op.js';

export type Protocol = 'LL' | 'LL128' | 'Simple';
const PROTOCOLS: readonly Protocol[] = ['LL', 'LL128', 'Simple'];

// tuning.cc @5067397c ncclTunerConstantsDefaults, µs
const BASE = { ring: { LL: 6.6, LL128: 14.0, Simple: 8.4 }, tree: { LL: 6.8, LL128: 14.0, Simple: 8.4 } };
const NVLINK = { ring: { LL: 0.6, LL128: 1.9, Simple: 3.4 }, tree: { LL: 0.6, LL128: 1.25, Simple: 4.0 } };
const PCI = { ring: { LL: 1.0, LL128: 2.5, Simple: 5.7 }, tree: { LL: 1.0, LL128: 1.9, Simple: 4.0 } };
const NET = { ring: { LL: 2.7, LL128: 4.0, Simple: 14.0 }, tree: { LL: 5.0, LL128: 8.5, Simple: 14.0 } };
// PAT (Simple only): baseLatencies 8.0 µs; log2i(nodes) · interLat / 3.5 + nRanks · 2.8 µs (tuning.cc:429–433), interLat
// the tree's network Simple latency at one rank per node; busBw × 0.75 (tuning.cc:337)
const PAT_BASE = 8.0;
const PAT_NET_DIVISOR = 3.5;
const PAT_PER_RANK = 2.8;
const PAT_SHARE = 0.75;
// every tree all-reduce: busBw × 0.92 (tuning.cc:332); LL then / 3.8 (333), LL128 × 120/128 across nodes (334–335)
const TREE_BW = 0.92;
const TREE_LL_DIVISOR = 3.8;
const TREE_LL128 = 120 / 128;
// NCCL_TOPO_PATTERN_TREE (one GPU per node, search.cc:1133): tree busBw × 0.85 (tuning.cc:336)
const TREE_PATTERN_ONE_GPU = 0.85;
// ring LL128 busBw × 0.92 (tuning.cc:330–331); ring LL at most half (329)
const RING_LL128 = 0.92;
const RING_LL = 0.5;
// getNetOverhead on x86 Intel hosts (µs); Simple pays it three times
const NET_OVERHEAD = 1.0;
// llMaxBws, x86 Intel row ("Intel-N2 / Intel-N4"), GB/s of bus bandwidth
const LL_MAX_BW_2_NODES = 39.0e9;
const LL_MAX_BW_MORE_NODES = 20.4e9;
// ring Simple all-reduce across nodes: "Plateau effect of ring" latency factor (compute capability ≥ 8.0 / below)
const RING_PLATEAU = 1.4;
const RING_PLATEAU_PRE_AMPERE = 1.9;
// MAXCHANNELS (src/include/device.h:91): the plateau applies when bytes / (nChannels · nRanks) ≥ 64 with the run's
// channel count (tuning.cc:647), which the hardware spec does not give; the condition at the most channels a
// communicator can have holds for any channel count
const MAX_CHANNELS = 64;
// treeCorrectionFactor (tuning.cc:620–627, "Powers of two, 64 B to 256MB"): bandwidth by log2i(bytes >> 6), LL / LL128 /
// Simple. The table holds 24 entries a protocol, 64 B … 512 MiB; the tree reads the first 23 (below 512 MiB, line 640),
// and only NVLSTree, on compute capability 10.0 and up with x86 hosts, reads the 24th (lines 643–646): not a candidate
// here (KNOWN GAP above), so the last entry is held as the source has it and never read
const TREE_CORRECTION: Record<Protocol, readonly number[]> = {
  LL: [1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.7, 0.7, 0.7, 0.6, 0.5, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0],
  LL128: [1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.0],
  Simple: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.6, 0.7, 0.8, 0.7, 0.7, 0.8, 0.9, 0.9, 0.9],
};
// ncclTopoGetAlgoTime applies it to the tree for log2i(bytes >> 6) in [0, 23) (tuning.cc:640)
const TREE_CORRECTION_SIZES = 23;

export interface NcclOptions {
  /** LL128 enabled (NVLink between the node's GPUs, NICs beside them) */
  ll128: boolean;
  /** compute capability below 8.0 (Volta): the larger ring plateau factor */
  preAmpere?: boolean;
  /** GPUs in a node joined by NVLink (typeIntra LINK_NVL): intra-node hops read the NVLink row, else the PCI row */
  nvlink?: boolean;
  /** PAT enabled: an NVIDIA part (SM 6.0 atomics); it then runs where each node holds one rank */
  pat?: boolean;
}

/** one (algorithm, protocol) choice: its modelled start-up seconds and the share of the ring's Simple bus bandwidth */
export interface NcclChoice {
  protocol: Protocol;
  algorithm: 'ring' | 'tree' | 'pat';
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
  const hop = o.nvlink === false ? PCI : NVLINK;
  // one GPU per node: the tree is NCCL_TOPO_PATTERN_TREE
  const treePattern = g === 1 ? TREE_PATTERN_ONE_GPU : 1;
  for (const p of PROTOCOLS) {
    if (p === 'LL128' && !o.ll128) continue;
    const overhead = nodes > 1 ? NET_OVERHEAD * (p === 'Simple' ? 3 : 1) : 0;
    const intra = Math.max(hop.ring[p], overhead);
    const inter = g === 1 ? NET.tree[p] : NET.ring[p];
    let ringUs = BASE.ring[p] + (steps - netSteps) * intra + netSteps * inter;
    if (kind === 'allreduce' && p === 'Simple' && nodes > 1 && bytes / (MAX_CHANNELS * n) >= 64) ringUs *= o.preAmpere ? RING_PLATEAU_PRE_AMPERE : RING_PLATEAU;
    const ringShare = p === 'LL' ? Math.min(RING_LL, llCap / busbw) : p === 'LL128' ? RING_LL128 : 1;
    out.push({ protocol: p, algorithm: 'ring', alphaS: ringUs * 1e-6, share: ringShare });
    if (kind !== 'allreduce' || nodes <= 1) continue;
    // tree: busBw × 0.92, then LL / 3.8 capped at llMaxBw or LL128 × 120/128, then × 0.85 at one GPU per node; its
    // algorithm bandwidth is half the bus bandwidth where the ring's is n / 2(n − 1) of it
    const treeUs = BASE.tree[p] + 2 * ((g - 1) * hop.tree[p] + Math.floor(Math.log2(nodes)) * NET.tree[p]);
    const base = p === 'LL' ? Math.min(TREE_BW / TREE_LL_DIVISOR, llCap / busbw) : p === 'LL128' ? TREE_BW * TREE_LL128 : TREE_BW;
    const treeShare = base * treePattern * treeCorrection(p, bytes) * ((n - 1) / n);
    out.push({ protocol: p, algorithm: 'tree', alphaS: treeUs * 1e-6, share: treeShare });
  }
  if (o.pat && g === 1 && nodes > 1 && (kind === 'allgather' || kind === 'reducescatter')) {
    const patUs = PAT_BASE + (Math.floor(Math.log2(nodes)) * NET.tree.Simple) / PAT_NET_DIVISOR + n * PAT_PER_RANK;
    // PAT skips the bus → algorithm conversion (tuning.cc:376–382: only rings convert for all-gather / reduce-scatter)
    // and its time divides the whole n·count bytes (enqueue.h:40) by 0.75 of the bus bandwidth, where largeWireS is the
    // ring's (n − 1)/n of them: so its share of the ring's rate is 0.75 · (n − 1)/n
    out.push({ protocol: 'Simple', algorithm: 'pat', alphaS: patUs * 1e-6, share: (PAT_SHARE * (n - 1)) / n });
  }
  return out;
}

/**
 * NCCL's LL start-up seconds of a collective over `n` ranks, `perNode` on each node: the faster of the LL ring and (for
 * all-reduce) LL tree of ncclChoices; an all-to-all or p2p pays LL's ring base and one network hop
 */
export function ncclLlLatency(kind: CollectiveKind, n: number, perNode: number, o: NcclOptions = { ll128: false }): number {
  if (kind === 'p2p' || kind === 'alltoall') return (BASE.ring.LL + NET.ring.LL) * 1e-6;
  let best = Infinity;
  for (const c of ncclChoices(kind, 0, n, perNode, 1, o)) if (c.protocol === 'LL') best = Math.min(best, c.alphaS);
  return best;
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
