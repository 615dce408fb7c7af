// Prefill/decode disaggregation (DistServe, Zhong et al., OSDI 2024; Splitwise, Patel et al., ISCA 2024): prompts
// run on a prefill pool, generation on a decode pool, and each request's KV cache crosses between them. Every
// prefill device holds its shard of the cache and sends it to its decode peer in parallel, so the transfer lasts
// one device's shard over one device's link: the scale-up link (NVLink, Infinity Fabric, ICI) when both pools fit
// in one scale-up domain, else the scale-out network (RDMA NIC), plus that link's latency.
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import type { Precision } from '../model/quant.js';
import { kvBytesPerToken } from '../sim/memory.js';
import { linkFor, type Layout } from '../sim/parallel.js';

export function kvTransfer(m: DecoderModel, hw: NormalizedHardware, prefill: Layout, p: Precision, totalDevices: number): { seconds: (tokens: number) => number; scope: string } {
  const perTok = kvBytesPerToken(m, prefill, p);
  const l = linkFor(hw, totalDevices);
  // no link in the spec: a PCIe-class 16 GB/s host path (as src/sim/parallel.ts commSeconds assumes)
  const bw = l?.link.bandwidthBytePerS ?? 16e9;
  const lat = l?.link.latencyS ?? 10e-6;
  return { seconds: (tokens: number) => lat + (tokens * perTok) / bw, scope: l?.scope ?? 'host' };
}
