// Collectives on a TPU slice's ICI torus, priced α–β: a fixed start of the collective op, one hop latency per hop of
// the longest path, and the bytes at the large-message fraction of the link.
//
// Why not the class size shape (src/hardware/efficiency.ts COLLECTIVE_SHAPE): that shape is nccl-tests bus bandwidth on
// NVLink / xGMI, where small messages are latency-bound, so it prices a latency as a fraction of the link rate: a part
// with half the link rate pays twice the latency (an 8 KB TP-4 all-reduce: 66.5 µs on v5e, 33.2 µs on v6e). ICI's
// latency is its own, and its bandwidth plateau comes early: an AllGather on a v5e 8x16 slice reaches ~95% of the link's
// 4.5e10 B/s at ~10 MB (625 kB per device) (jax-ml/scaling-book @04d8de58b9f64e2d6cc1df469b8a36f506a0138d sharding.md,
// "A note on ICI latency", empirical AllGather figure: "this is much better than GPUs").
//
// Hops (same source): a bidirectional ring of X devices reaches every device in floor(X/2) hops for an AllGather or a
// ReduceScatter; an AllReduce is a ReduceScatter then an AllGather (2·floor(X/2) hops); an AllToAll's longest path is
// also floor(X/2); a point-to-point send is one hop. ASSUMPTION / KNOWN GAP: XLA's TPU collective algorithm (libtpu, not
// public) is not read; a 2x2 or 2x4 slice may run its axes at once (the source's Σ|X_i|/2 is shorter than floor(n/2) on
// 2x4) or a one-shot small all-reduce. A device-timed psum sweep at 4-64 KiB on a v5e-4 / v6e-8 would settle both.
//
// Per hop: "typically around 1us" (scaling-book sharding.md, same note): ICI_HOP_S.
// Start of one collective op, ICI_OP_S, from two device-timed measurements that agree under that 1 µs hop:
//  - a barriered lax.ppermute loop on a v6e-8 (one hop; repeat-count slope, device time) takes 5.6-5.9 µs at 1-16 KiB
//    per device (marin-community/marin issue #6736, 2026-06-28): 5.75 − 1 hop = 4.75 µs; the v5p-8 run reads ~4.5-5.5 µs;
//  - an AllGather of 32 kB shards over a 4-long v5e axis without wraparound (3 hops) takes "closer to 8us" in a profile
//    (scaling-book sharding.md Pop Quiz 2 (2), linked trace): 8 − 3 hops = 5 µs.
// 4.75 µs is used (the v6e one-hop reading; the v5e three-hop reading gives 5). LOW: two readings on two parts.
import type { CollectiveKind } from '../model/op.js';
import type { LinkSpec } from '../spec/types.js';
import { trafficFactor } from './collectives.js';

export const ICI_HOP_S = 1e-6;
export const ICI_OP_S = 4.75e-6;

/** hops on the longest path of a `kind` collective over a bidirectional ring of n devices (scaling-book sharding.md) */
export function iciHops(kind: CollectiveKind, n: number): number {
  if (n <= 1) return 0;
  if (kind === 'p2p') return 1;
  const half = Math.floor(n / 2);
  return kind === 'allreduce' ? 2 * half : half;
}

/** whether a collective on `link` is an ICI collective priced here (a TPU scale-up link without a measured size sweep) */
export function iciPriced(link: LinkSpec | undefined, hasSweep: boolean): boolean {
  return !!link && link.technology === 'ici' && !hasSweep;
}

/** seconds of one `kind` collective of `bytes` over n devices on an ICI link at the large-message fraction `large` */
export function iciCollectiveSeconds(kind: CollectiveKind, bytes: number, n: number, link: LinkSpec, large: number): number {
  if (n <= 1 || bytes <= 0) return 0;
  return ICI_OP_S + iciHops(kind, n) * ICI_HOP_S + (trafficFactor(kind, n) * bytes) / (link.bandwidthBytePerS * large);
}
