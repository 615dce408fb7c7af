// A ring collective (all-gather, reduce-scatter, all-reduce) whose group spans several scale-up domains crosses the
// network through every member's NIC, not through one.
//
// NCCL builds one ring per channel through the group's ranks, node by node; each ring enters and leaves a node once,
// and its channels leave through different NICs (each GPU's nearest), so with g members of the group on a node the g
// NICs carry the inter-node hops side by side and the rest of each ring runs over NVLink. The bus bandwidth of the ring
// is then g NICs' worth, up to what the intra-node hops sustain. Measured: one HDR NIC per 8 A800 gives ~24 GB/s
// inter-node bus bandwidth, and "you can add more NICs and you should get more bandwidth, up to 160GB/s which is the
// NVLink intra-node bandwidth of your system" (NCCL maintainer sjeaugey, NVIDIA/nccl issue #412, 2023-04-24);
// 4 HDR NICs per 8 A100 reach 96 GB/s all-reduce bus bandwidth over 3 nodes (NVIDIA/nccl-tests issue #119), the four
// NICs' 100 GB/s, not one's 25; nccl-tests issue #152 states the "theoretical 100 GB/s (25GB/s per HDR)" of such a node.
// Hardware specs give the scale-out link per device (one NIC per GPU), so a group with g ranks per scale-up domain
// reaches min(g × one NIC's ring rate, the scale-up link's ring rate): ../scale-out-busbw.ts scaleOutBusBw, the one
// function serving prices the same ring with, shaped by size as every scale-out fraction is (./link-efficiency.ts).
import type { LinkSpec, NormalizedHardware } from '../../spec/types.js';
import { collectiveShape } from '../../hardware/efficiency.js';
import { scaleOutBusBw } from '../scale-out-busbw.js';
import { linkCollectiveEfficiency } from './link-efficiency.js';

/** members of a group of `size` ranks spaced `stride` apart that share one scale-up domain of `domain` devices */
export function ranksPerDomain(domain: number, stride: number, size: number): number {
  if (!(domain >= 1) || !(stride >= 1) || !(size >= 1)) return 1;
  return Math.max(1, Math.min(size, Math.floor(domain / stride)));
}

/**
 * fraction of `link`'s (one device's) bandwidth a ring of `bytes` reaches when `perDomain` members of its group share
 * each scale-up domain: above 1 over the scale-out network where several NICs carry the ring, capped by the scale-up
 * link's collective rate (scaleOutBusBw, which also keeps one NIC where there is no scale-up link); a link other than
 * the scale-out one (or one member per domain) keeps linkCollectiveEfficiency
 */
export function ringEfficiency(hw: NormalizedHardware, link: LinkSpec, bytes: number, perDomain: number): number {
  if (perDomain <= 1 || link !== hw.scaleOut) return linkCollectiveEfficiency(hw, link, bytes);
  return (scaleOutBusBw(hw, link, 'allreduce', perDomain) / link.bandwidthBytePerS) * collectiveShape(bytes);
}
