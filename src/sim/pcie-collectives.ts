// Collectives among GPUs that share no scale-up fabric: NCCL over PCIe (peer-to-peer writes, or through host memory
// where the driver disables P2P). Priced α–β: a start-up per ring step and the bytes at the large-message fraction of
// the PCIe link. The fabric sweeps (src/hardware/efficiency.ts COLLECTIVE_SHAPE and the specs' own) are fractions of
// an NVLink / xGMI link's bandwidth, so their small-message fractions carry a start-up of ~15-25 µs at 300-450 GB/s;
// read against a 32 GB/s PCIe link they priced a 16 KiB all-reduce over 8 cards at ~670 µs, where nccl-tests measures
// 24-54 µs for anything up to 64 KiB.
import type { LinkSpec, NormalizedHardware } from '../spec/types.js';
import type { CollectiveKind } from '../model/op.js';
import { collectiveTime } from './collectives.js';
import { largeMessageCollective } from '../hardware/efficiency.js';

// NCCL start-up per ring step on PCIe: all-reduce of a few bytes over 8 GPUs (2 × 7 = 14 steps), nccl-tests
// all_reduce_perf out-of-place: 8x RTX PRO 6000 Blackwell behind PCIe Gen5 switches 24.1-24.6 µs from 256 B to 64 KiB
// (1.75 µs a step; voipmonitor/rtx6kpro hardware/pcie-bandwidth.md @29f3863, "Custom Allreduce vs NCCL" table);
// 8x RTX 4090, PCIe Gen4, 8 B 42.14 µs (3.0 µs; NVIDIA/nccl issue #1530); 8x RTX 3090, 8 B 54.18 µs (3.9 µs;
// NVIDIA/nccl issue #1439). The median of the three.
export const PCIE_NCCL_STEP_S = 3.0e-6;

/** whether a collective on `link` runs over this part's PCIe host link (no scale-up fabric) */
export function overPcie(hw: NormalizedHardware, link: LinkSpec | undefined): boolean {
  return !!link && link === hw.host && !hw.scaleUp && /^pcie/.test(link.technology ?? '');
}

/**
 * Seconds of one collective over PCIe: 2(n − 1) (all-reduce) or n − 1 steps of NCCL's start-up, plus the traffic at the
 * part's large-message collective fraction of the link (its sweep's largest message, else its fraction). 8x RTX PRO 6000
 * on PCIe Gen5 reach 37.6-41.3 GB/s of bus bandwidth from 8 MiB up (the same page), 0.60-0.66 of 63 GB/s.
 */
export function pcieCollectiveSeconds(hw: NormalizedHardware, kind: CollectiveKind, bytes: number, group: number, link: LinkSpec): number {
  return collectiveTime(kind, bytes, group, { ...link, latencyS: PCIE_NCCL_STEP_S }, largeMessageCollective(hw.efficiency));
}
