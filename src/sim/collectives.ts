// Collective communication time on a link: α–β model with the algorithm's traffic factor.
// Ring all-reduce moves 2(n−1)/n of the buffer through each device's link (Patarasuk & Yuan 2009;
// NCCL's busbw convention, nccl-tests doc/PERFORMANCE.md); all-gather and reduce-scatter (n−1)/n;
// all-to-all (n−1)/n of the buffer leaves each device; p2p sends the buffer once.
import type { CollectiveKind } from '../model/op.js';
import type { LinkSpec } from '../spec/types.js';

export function trafficFactor(kind: CollectiveKind, n: number): number {
  if (n <= 1) return 0;
  switch (kind) {
    case 'allreduce':
      return (2 * (n - 1)) / n;
    case 'allgather':
    case 'reducescatter':
    case 'alltoall':
      return (n - 1) / n;
    case 'p2p':
      return 1;
  }
}

// Latency steps of a ring: 2(n−1) for all-reduce, n−1 for the others, 1 for p2p.
function steps(kind: CollectiveKind, n: number): number {
  if (n <= 1) return 0;
  if (kind === 'allreduce') return 2 * (n - 1);
  if (kind === 'p2p') return 1;
  return n - 1;
}

export function collectiveTime(kind: CollectiveKind, bytes: number, n: number, link: LinkSpec, efficiency: number): number {
  if (n <= 1 || bytes <= 0) return 0;
  return steps(kind, n) * link.latencyS + (trafficFactor(kind, n) * bytes) / (link.bandwidthBytePerS * efficiency);
}
