// Seconds of one training collective, with its start-up latency counted once.
//
// The fraction of a link's bandwidth a collective reaches at its size (src/hardware/efficiency.ts: a spec's measured
// nccl-tests sweep, or its large-message fraction × COLLECTIVE_SHAPE, the mean of measured all-reduce sweeps;
// ../scale-out-busbw.ts on scale-out links) is bus bandwidth measured end to end at that size, start-up latency included:
// "1 KiB all-reduces take ~15-25 µs, 1 MiB ones reach a tenth of the link" is that latency. Adding the α–β model's
// per-step latency (src/sim/collectives.ts collectiveTime: 2(n − 1) or n − 1 link latencies) on top of a size-shaped
// rate counts it twice. Serving prices collectives the single way already (src/sim/parallel.ts commSeconds: inside a
// scale-up domain the shaped rate alone; across domains src/sim/scale-out.ts, α + wire at the large-message rate or
// the shaped wire, whichever is longer). Training now does the same:
//
//   scale-up (and host) links:  traffic · bytes / (bandwidth · efficiency(bytes))
//   scale-out link:             max( that ,  min over NCCL's protocols p of α_p(kind, n, per node) + the same traffic at
//                                             p's share of the large-message rate )
//
// α_p is NCCL's own latency model (src/sim/nccl-protocols.ts, NVIDIA/nccl src/graph/tuning.cc): it grows with the
// ring's length, which an 8-GPU sweep cannot show, and large messages run LL128 / Simple, whose hops cost more than
// LL's. The large-message rate is efficiency(bytes) / COLLECTIVE_SHAPE(bytes): every scale-out efficiency here is a
// large-message fraction times that shape.
import type { CollectiveKind } from '../../model/op.js';
import type { LinkSpec, NormalizedHardware } from '../../spec/types.js';
import { trafficFactor } from '../collectives.js';
import { modelOrShaped, ncclSeconds } from '../scale-out.js';
import { collectiveShape, largeMessageCollective } from '../../hardware/efficiency.js';
import { iciCollectiveSeconds, iciPriced } from '../ici-collectives.js';

/**
 * seconds of one `kind` collective of `bytes` over `n` ranks on `link` at `efficiency` (the size-shaped fraction of the
 * link); `perNode`: ranks of the group in each scale-up domain (NCCL's latency model counts network hops by node)
 */
export function trainingCollectiveTime(hw: NormalizedHardware, kind: CollectiveKind, bytes: number, n: number, link: LinkSpec, efficiency: number, perNode = 1): number {
  if (n <= 1 || bytes <= 0 || !(efficiency > 0)) return 0;
  if (link !== hw.scaleOut && link === hw.scaleUp && iciPriced(link, !!hw.efficiency.collectiveBySize)) {
    return iciCollectiveSeconds(kind, bytes, n, link, largeMessageCollective(hw.efficiency));
  }
  const traffic = trafficFactor(kind, n) * bytes;
  if (link !== hw.scaleOut) return traffic / (link.bandwidthBytePerS * efficiency);
  // the large-message bus rate: the size-shaped fraction over the shape at this size
  const busbw = (link.bandwidthBytePerS * efficiency) / collectiveShape(bytes);
  const large = traffic / busbw;
  return modelOrShaped(ncclSeconds(hw, kind, bytes, n, perNode, large, busbw), large, bytes);
}
