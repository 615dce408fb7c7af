// Collectives on a TPU slice's ICI torus: a fixed start of the collective op, then the larger of one hop latency per
// hop of the longest path and the bytes over the links the collective's algorithm uses on the slice's torus axes, each
// at the spec's per-link rate times the large-message fraction. Serving (src/sim/parallel.ts commSeconds), training
// (src/sim/training/collective-time.ts and the expert all-to-all in step.ts) and the KV hand-off between disaggregated
// pools (src/serve/disagg.ts) all price ICI here.
//
// Why not the class size shape (src/hardware/efficiency.ts COLLECTIVE_SHAPE): that shape is nccl-tests bus bandwidth on
// NVLink / xGMI, where small messages are latency-bound, so it prices a latency as a fraction of the link rate: a part
// with half the link rate pays twice the latency (an 8 KB TP-4 all-reduce: 66.5 µs on v5e, 33.2 µs on v6e). ICI's
// latency is its own, and its bandwidth plateau comes early: an AllGather on a v5e 8x16 slice reaches ~95% of the link's
// 4.5e10 B/s at ~10 MB (625 kB per device) (jax-ml/scaling-book @04d8de58b9f64e2d6cc1df469b8a36f506a0138d sharding.md,
// "A note on ICI latency", empirical AllGather figure: "this is much better than GPUs").
//
// The slice (jax-ml/scaling-book @0819a7d tpus.md, "Chips are connected to each other through the ICI network"):
// v5e / v6e chips have 4 ICI ports (2-D torus, 16x16 pods), v4 / v5p 6 (3-D torus of 4x4x4 cubes). A spec's
// `scale_up.links` says which (4: 2-D, 6: 3-D); its bandwidth is the chip's per-direction total, so one link carries
// bandwidth / links each way. Wraparound: 2-D parts have it only on an axis of 16 ("smaller topologies can be requested
// without wraps on dims < 16"; "a TPU v5e 8x16 will have a wraparound on the longer axis"); 3-D parts on every axis of a
// slice made of whole 4x4x4 cubes ("Any multiple of a full cube (e.g. 4x4x4 or 4x4x8) will have wraparounds";
// "a 2x2x4 won't have any"). A group of n chips is taken as the smallest slice of n chips, Cloud TPU's topologies
// (2x2, 2x4, 4x4, … ; 2x2x1, 2x2x2, 2x2x4, 2x4x4, 4x4x4, …): doubling its shortest axis (iciSlice). ASSUMPTION: a group
// inside a larger slice (a TP-8 group of a 2,048-chip job) may instead lie along one axis of it; XLA's device
// assignment (jax mesh_utils.create_device_mesh) was not read for every mesh.
//
// Per axis (scaling-book @0819a7d sharding.md, "How is an AllGather actually performed?" and Pop Quiz 2):
//  - with wraparound, a bidirectional ring: an AllGather / ReduceScatter sends half the shards each way, so it takes
//    V / W_bidi (two links' worth, one each way) and ⌊X/2⌋ hops;
//  - without wraparound, a line: "we have to do 3 hops for data from the edges to reach the other edge" on a 4-long
//    v5e axis, T = (X − 1)·shard / W_unidirectional: one link's worth, X − 1 hops.
// Over several axes ("What happens when we AllGather over multiple axes?"): the axes' bandwidths add (V / (W·n_axes)),
// and the longest path is the sum of the axes' (Σ|X_i|/2 with wraparound). The hops and the bytes are not added: the
// source's time is T = max(T_min·Σ|X_i|/2, V / (W_ICI·n_axes)) (same section; inference.md Appendix C, "Latency bound
// communications": T = max(T_min·|X|/2, B / W_ICI)), the shards pipelining through the hops, so one collective costs
// ICI_OP_S + max(hops · ICI_HOP_S, bytes over the links). The two device-timed readings below agree with that sum and
// not with hops + bytes: the one-hop ppermute (bytes ~0.2 µs) either way, and Pop Quiz 2's 32 kB AllGather on a
// 4-line, 4.75 + max(3, 2.5) = 7.75 µs against "closer to 8us" (hops + bytes: 10.3 µs). An AllReduce is a ReduceScatter then an
// AllGather (twice the hops; the traffic factor 2(n − 1)/n carries the bytes). An AllToAll's chunks travel part-way
// round: on a bidirectional ring each device's buffer b crosses N²/4 chunk-hops of b/N (the footnote of "Our final
// communication primitive"), b·X/8 a link each way; on a line the middle link carries the (X/2)² chunks from one half to
// the other, b·X/4; over several axes (dimension-order routing) each axis carries its share at once: the slowest axis.
// A point-to-point send to a neighbour is one hop over one link (a ppermute on a v6e-8: 86.8 GB/s for large payloads
// against the spec's 100 GB/s a link, marin-community/marin issue #6736).
//
// Per hop: "typically around 1us" (scaling-book sharding.md, same note): ICI_HOP_S.
// Start of one collective op, ICI_OP_S, from two device-timed measurements:
//  - a barriered lax.ppermute loop on a v6e-8 (one hop; repeat-count slope, device time) takes 5.6-5.9 µs at 1-16 KiB
//    per device (marin-community/marin issue #6736, 2026-06-28): 5.75 − 1 hop = 4.75 µs; the v5p-8 run reads ~4.5-5.5 µs;
//  - an AllGather of 32 kB shards over a 4-long v5e axis without wraparound (3 hops) takes "closer to 8us" in a profile
//    (scaling-book sharding.md Pop Quiz 2 (2), linked trace): 8 − 3 hops = 5 µs, or 2.5 µs less the 96 kB the line's end
//    link carries at 38.5 GB/s (0.77 of 50 GB/s).
// 4.75 µs is used (the v6e one-hop reading, whose bytes term is ~0.2 µs). LOW: two readings on two parts.
// KNOWN GAP: XLA's TPU collective algorithms (libtpu) are not public; a 2x2 / 2x4 slice may run a one-shot small
// all-reduce. A device-timed psum / all_gather sweep at 4 KiB-64 MiB on a v5e-4 / v6e-8 would settle it.
import type { CollectiveKind } from '../model/op.js';
import type { LinkSpec } from '../spec/types.js';
import { trafficFactor } from './collectives.js';

export const ICI_HOP_S = 1e-6;
export const ICI_OP_S = 4.75e-6;

/** one torus axis of a slice: its length in chips and whether it wraps around (a ring) or not (a line) */
export interface IciAxis {
  len: number;
  wrap: boolean;
}

// 2-D parts wrap an axis of this length (the 16x16 pod's side); 3-D parts wrap a slice of whole cubes of this side
const WRAP_2D = 16;
const CUBE_3D = 4;

/** the axes (length > 1) of the smallest slice of n chips on a part whose chips have `links` ICI ports (4: 2-D torus,
 *  6: 3-D torus); undefined for another port count (a spec that does not say) */
export function iciSlice(n: number, links: number | undefined): IciAxis[] | undefined {
  if (links !== 4 && links !== 6) return undefined;
  const dims = links / 2;
  const lens = new Array<number>(dims).fill(1);
  const shortest = () => lens.indexOf(Math.min(...lens));
  let size = 1;
  while (size * 2 <= n) {
    lens[shortest()]! *= 2;
    size *= 2;
  }
  // ASSUMPTION: a group that is not a power of two stretches its shortest axis by the remaining factor (6 chips: 3x2;
  // 6,144: 24x16x16), which may leave a fractional length (5 chips: 2.5x2): hops then count ⌈X⌉ − 1 on a line and ⌊X/2⌋
  // on a ring, the bytes use the fractional length. Cloud TPU slices are power-of-two shapes (and v5p multiples of 4).
  if (n > size) lens[shortest()]! *= n / size;
  const wrapAll = dims === 3 && lens.every((l) => l >= CUBE_3D && Number.isInteger(l / CUBE_3D));
  return lens.filter((l) => l > 1).sort((a, b) => a - b).map((len) => ({ len, wrap: dims === 2 ? len >= WRAP_2D : wrapAll }));
}

/** one collective op: its start, then the larger of its longest path's hops and its bytes on the wire (the shards
 *  pipeline through the hops: scaling-book's T = max(T_min·hops, bytes / W)) */
const opSeconds = (hops: number, wireSeconds: number) => ICI_OP_S + Math.max(hops * ICI_HOP_S, wireSeconds);

/** bytes/s one ICI link of `link` carries each way at the large-message fraction `large` */
const linkRate = (link: LinkSpec, large: number) => (link.bandwidthBytePerS / link.links!) * large;

/** hops across one axis: ⌊X/2⌋ on a ring, X − 1 on a line */
const axisHops = (a: IciAxis) => (a.wrap ? Math.floor(a.len / 2) : Math.ceil(a.len) - 1);

/** hops on the longest path of a `kind` collective over the slice `axes` (scaling-book sharding.md) */
export function iciAxesHops(kind: CollectiveKind, axes: IciAxis[]): number {
  if (axes.length === 0) return 0;
  if (kind === 'p2p') return 1;
  const path = axes.reduce((s, a) => s + axisHops(a), 0);
  return kind === 'allreduce' ? 2 * path : path;
}

/** hops on the longest path of a `kind` collective over one bidirectional ring of n devices (a part whose port count
 *  the spec does not give) */
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

/** seconds of the bytes of one `kind` collective of `bytes` (each device's buffer) over the slice `axes`, each link
 *  carrying `linkRate` bytes/s each way */
export function iciAxesWireSeconds(kind: CollectiveKind, bytes: number, axes: IciAxis[], linkRate: number): number {
  if (axes.length === 0 || bytes <= 0) return 0;
  if (kind === 'p2p') return bytes / linkRate;
  if (kind === 'alltoall') return Math.max(...axes.map((a) => (bytes * a.len) / (a.wrap ? 8 : 4))) / linkRate;
  const n = axes.reduce((p, a) => p * a.len, 1);
  const links = axes.reduce((s, a) => s + (a.wrap ? 2 : 1), 0);
  return (trafficFactor(kind, n) * bytes) / (links * linkRate);
}

/** seconds of one `kind` collective of `bytes` over n devices on an ICI link at the large-message fraction `large` */
export function iciCollectiveSeconds(kind: CollectiveKind, bytes: number, n: number, link: LinkSpec, large: number): number {
  if (n <= 1 || bytes <= 0) return 0;
  const axes = iciSlice(n, link.links);
  // no port count: one bidirectional ring over the chip's whole bandwidth
  if (!axes) return opSeconds(iciHops(kind, n), (trafficFactor(kind, n) * bytes) / (link.bandwidthBytePerS * large));
  return iciAxesSeconds(kind, bytes, axes, link, large);
}

/** seconds of one `kind` collective of `bytes` over the slice `axes` of chips whose ICI is `link` (with its port
 *  count) at the large-message fraction `large` */
export function iciAxesSeconds(kind: CollectiveKind, bytes: number, axes: IciAxis[], link: LinkSpec, large: number): number {
  if (axes.length === 0 || bytes <= 0 || !link.links) return 0;
  return opSeconds(iciAxesHops(kind, axes), iciAxesWireSeconds(kind, bytes, axes, linkRate(link, large)));
}

/** the fixed part of one `kind` collective over n devices on an ICI link: op start and the longest path's hops */
export function iciStartSeconds(kind: CollectiveKind, n: number, link: LinkSpec): number {
  if (n <= 1) return 0;
  const axes = iciSlice(n, link.links);
  return ICI_OP_S + (axes ? iciAxesHops(kind, axes) : iciHops(kind, n)) * ICI_HOP_S;
}

/**
 * seconds to send `bytes` from each of `flows` devices of one pool to its peer in another pool, the two pools sharing
 * one slice of `devices` chips (disaggregated prefill / decode: src/serve/disagg.ts). The pools are taken as the two
 * halves of the slice across its longest axis (ASSUMPTION: the runtime's placement is not read), so a peer is half
 * that axis away, and the flows share the links that cross between the halves, (devices / length) of them each way
 * on a line, twice that on a ring, each at the link rate. Like a collective, the op start and then the larger of the
 * hops and the bytes (opSeconds).
 */
export function iciPoolSendSeconds(bytes: number, devices: number, flows: number, link: LinkSpec, large: number): number {
  if (bytes <= 0) return 0;
  const axes = iciSlice(devices, link.links);
  if (!axes || axes.length === 0) return iciCollectiveSeconds('p2p', bytes, 2, link, large);
  const longest = axes.reduce((a, b) => (b.len > a.len ? b : a));
  const cut = (devices / longest.len) * (longest.wrap ? 2 : 1);
  const hops = Math.max(1, Math.floor(longest.len / 2));
  return opSeconds(hops, bytes / (linkRate(link, large) * Math.min(1, cut / Math.max(1, flows))));
}
