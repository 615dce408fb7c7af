// Prefill/decode disaggregation (DistServe, Zhong et al., OSDI 2024; Splitwise, Patel et al., ISCA 2024): prompts
// run on a prefill pool, generation on a decode pool, and each request's KV cache crosses between them. Every
// prefill device holds its shard of the cache and sends it to its decode peer in parallel, so the transfer lasts
// one device's shard over one device's link: the scale-up link (NVLink, Infinity Fabric, ICI) when both pools fit
// in one scale-up domain, else the scale-out network (RDMA NIC), plus that link's latency. Two pools sharing a TPU
// slice's ICI send over its torus as the slice's collectives do (src/sim/ici-collectives.ts iciPoolSendSeconds: op
// start, then the larger of the hops to the other half of the slice and the bytes over the links crossing between the halves shared by the replica's
// devices), not the spec's assumed link latency; over DCN, or on a TPU with a measured collective sweep, the spec's
// figure stays.
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import type { Precision } from '../model/quant.js';
import { kvBytesPerToken } from '../sim/memory.js';
import { linkFor, type Layout } from '../sim/parallel.js';
import { iciPoolSendSeconds, iciPriced } from '../sim/ici-collectives.js';
import { largeMessageCollective } from '../hardware/efficiency.js';

export function kvTransfer(m: DecoderModel, hw: NormalizedHardware, prefill: Layout, p: Precision, totalDevices: number): { seconds: (tokens: number) => number; scope: string } {
  const perTok = kvBytesPerToken(m, prefill, p);
  const l = linkFor(hw, totalDevices);
  if (l?.scope === 'scale_up' && iciPriced(l.link, !!hw.efficiency.collectiveBySize) && totalDevices <= (l.link.domain ?? totalDevices)) {
    const link = l.link;
    const large = largeMessageCollective(hw.efficiency);
    // the replica's tp·pp devices send their shards at once
    const flows = prefill.tp * prefill.pp;
    return { seconds: (tokens: number) => iciPoolSendSeconds(tokens * perTok, totalDevices, flows, link, large), scope: l.scope };
  }
  // no link in the spec: a PCIe-class 16 GB/s host path (as src/sim/parallel.ts commSeconds assumes)
  const bw = l?.link.bandwidthBytePerS ?? 16e9;
  const lat = l?.link.latencyS ?? 10e-6;
  return { seconds: (tokens: number) => lat + (tokens * perTok) / bw, scope: l?.scope ?? 'host' };
}
