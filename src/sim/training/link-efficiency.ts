// Achievable fraction of a link's bandwidth for one training collective (all-gather, reduce-scatter, all-reduce
// rings, point-to-point sends, the expert all-to-all) of `bytes`, by the link it crosses:
//
//   scale-out link → one NIC's large-message rate (../scale-out-busbw.ts, shared with serving: 0.94 of an InfiniBand
//                    NIC for a ring or p2p, 0.90 for an all-to-all; elsewhere the spec's large-message fraction)
//                    × COLLECTIVE_SHAPE(bytes)
//   otherwise      → the spec's own collective efficiency (its measured sweep, or its fraction × the shape)
//
// A hardware spec's collective sweep is measured inside one scale-up domain (8-GPU nccl-tests; on H100 / H200 NCCL's
// in-switch NVLS all-reduce, an NVLink figure): its size shape says nothing of the network, so every scale-out
// fraction here is a large-message rate times the common shape (src/hardware/efficiency.ts, measured all-reduce
// sweeps), which carries the small-message fall-off, start-up latency included (./collective-time.ts counts it once
// and reads the large-message rate back as efficiency / shape). Scale-up collectives keep the spec's sweep (whether
// NCCL's all-gather / reduce-scatter get NVLS there was not settled).
import type { LinkSpec, NormalizedHardware } from '../../spec/types.js';
import { collectiveEfficiency, collectiveShape } from '../../hardware/efficiency.js';
import { nicCollectiveRate } from '../scale-out-busbw.js';

/**
 * fraction of `link`'s bandwidth one collective of `bytes` reaches (`link` is one of `hw`'s own links); `alltoall`:
 * the expert dispatch / combine exchange rather than a ring
 */
export function linkCollectiveEfficiency(hw: NormalizedHardware, link: LinkSpec, bytes: number, alltoall = false): number {
  if (link === hw.scaleOut) return nicCollectiveRate(hw, link, alltoall ? 'alltoall' : 'allreduce') * collectiveShape(bytes);
  return collectiveEfficiency(hw.efficiency, bytes);
}
