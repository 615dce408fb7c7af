import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opAllreduce } from '../src/sim/ops.js';
import { commSeconds } from '../src/sim/parallel.js';
import { ncclLlLatency } from '../src/sim/nccl-protocols.js';
import { IB_ALLTOALL_BUSBW, LARGE_COLLECTIVE_BYTES, nicCollectiveRate, scaleOutBusBw } from '../src/sim/scale-out-busbw.js';
import { linkCollectiveEfficiency } from '../src/sim/training/link-efficiency.js';
import { ringEfficiency } from '../src/sim/training/ring-nics.js';
import { COLLECTIVE_SHAPE, RING_COLLECTIVE, lookupEfficiency } from '../src/hardware/efficiency.js';

const hw = (id: string) => getLibrary().hardware[id]!;

// src/sim/scale-out.ts: a collective across nodes is NCCL's hierarchical tree / multi-NIC ring, not a flat ring over
// one NIC with 2(n − 1) network latencies on top of the intra-node sweep.
describe('scale-out collectives', () => {
  it("NCCL's tree latency for 16 ranks on 2 nodes of 8: 6.8 + 2·(7·0.6 + 1·5.0) µs (tuning.cc, LL)", () => {
    expect(ncclLlLatency('allreduce', 16, 8) * 1e6).toBeCloseTo(25.2, 6);
    // 4 nodes: one more tree level, not 2·(32 − 1) more steps
    expect(ncclLlLatency('allreduce', 32, 8) * 1e6).toBeCloseTo(35.2, 6);
  });

  it('a 128 KB all-reduce over 16 H100s (2 HGX nodes) takes tens of µs, not the flat ring\'s ~0.8 ms', () => {
    // nccl-tests across 2+ InfiniBand nodes: 40-48 µs for ≤1 KiB all-reduces on H100 (NVIDIA/nccl-tests issue #182),
    // 46-48 µs on 2 × 8 H20 with 16 NDR NICs (NVIDIA/nccl issue #1244); NCCL's own model ~25-32 µs at 128 KB
    const s = opAllreduce(hw('h100-sxm'), 131072, 16).seconds;
    expect(s).toBeGreaterThan(20e-6);
    expect(s).toBeLessThan(80e-6);
    const h200 = opAllreduce(hw('h200-sxm'), 115000, 16).seconds;
    expect(h200).toBeLessThan(80e-6);
  });

  it('large messages reach the NICs of all 8 ranks of a node: ~46-48 GB/s per NDR NIC (nccl-tests #290)', () => {
    const r = opAllreduce(hw('h100-sxm'), 2 ** 30, 16);
    expect(r.bus_bandwidth_bytes_per_s!).toBeGreaterThan(300e9);
    expect(r.bus_bandwidth_bytes_per_s!).toBeLessThanOrEqual(8 * 48e9);
  });

  it('is monotone in bytes and in ranks, finite, and never cheaper than the scale-up domain', () => {
    const h = hw('h200-sxm');
    let last = 0;
    for (const b of [1024, 16384, 131072, 1 << 20, 1 << 24, 1 << 28, 2 ** 31]) {
      const s = commSeconds(h, 'allreduce', b, 16);
      expect(Number.isFinite(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(last);
      last = s;
      expect(s).toBeGreaterThan(commSeconds(h, 'allreduce', b, 8));
      expect(commSeconds(h, 'allreduce', b, 32)).toBeGreaterThanOrEqual(s);
    }
    for (const k of ['allgather', 'reducescatter', 'alltoall', 'p2p'] as const) expect(commSeconds(h, k, 1 << 20, 16)).toBeGreaterThan(0);
  });

  it('serving and training price the same scale-out bus bandwidth (one function: src/sim/scale-out-busbw.ts)', () => {
    const shape = (b: number) => lookupEfficiency(COLLECTIVE_SHAPE, b);
    expect(LARGE_COLLECTIVE_BYTES).toBe(COLLECTIVE_SHAPE.sizes[COLLECTIVE_SHAPE.sizes.length - 1]);
    for (const id of ['h100-sxm', 'h200-sxm', 'a100-sxm4-80gb', 'h100-sxm-hbm2e-500w', 'gb300']) {
      const h = hw(id);
      const out = h.scaleOut!;
      for (const b of [1 << 20, 1 << 28]) {
        // the expert all-to-all: one NIC, at the same rate in both (DeepEP's 0.90 over InfiniBand)
        expect(linkCollectiveEfficiency(h, out, b, true) * out.bandwidthBytePerS).toBeCloseTo(scaleOutBusBw(h, out, 'alltoall', 8) * shape(b), 0);
        // a ring with 1 and with 8 ranks a node: g NICs capped by the scale-up ring rate, in both
        for (const g of [1, 8]) expect(ringEfficiency(h, out, b, g) * out.bandwidthBytePerS).toBeCloseTo(scaleOutBusBw(h, out, 'allreduce', g) * shape(b), 0);
      }
    }
    expect(scaleOutBusBw(hw('h100-sxm'), hw('h100-sxm').scaleOut!, 'alltoall', 8)).toBeCloseTo(IB_ALLTOALL_BUSBW * 50e9, 0);
  });

  it('an NVLS spec caps a multi-NIC ring at NCCL\'s NVLink ring rate (~370 of 450 GB/s), not its in-switch sweep', () => {
    const h = hw('h200-sxm');
    expect(h.efficiency.collectiveAlgorithm).toBe('nvls');
    expect(scaleOutBusBw(h, h.scaleOut!, 'allreduce', 8)).toBeCloseTo(370e9, 0);
  });
  it("a non-InfiniBand NIC on a part whose sweep is NVLS takes the class ring fraction, not the in-switch NVLink figure", () => {
    const hw = getLibrary().hardware['h100-sxm-hbm2e-500w']!;
    expect(hw.efficiency.collectiveAlgorithm).toBe('nvls');
    expect(hw.scaleOut!.technology).toBe('roce-400g');
    expect(nicCollectiveRate(hw, hw.scaleOut!, 'allreduce')).toBeCloseTo(RING_COLLECTIVE * lookupEfficiency(COLLECTIVE_SHAPE, LARGE_COLLECTIVE_BYTES), 12);
  });

  it('no scale-up link: one NIC per ring in serving\'s busbw and in training\'s ring efficiency alike (each device its own node)', () => {
    // DGX Spark: one GB10 per box, no scale-up link, one ConnectX-7 port; src/sim/scale-out-busbw.ts
    const spark = hw('dgx-spark');
    expect(spark.scaleUp).toBeUndefined();
    const out = spark.scaleOut!;
    const nic = scaleOutBusBw(spark, out, 'allreduce', 1);
    for (const g of [2, 8]) expect(scaleOutBusBw(spark, out, 'allreduce', g)).toBe(nic);
    for (const b of [1e5, 1e8]) for (const g of [1, 4]) expect(ringEfficiency(spark, out, b, g)).toBe(linkCollectiveEfficiency(spark, out, b));
    // an H100 node without its NVLink: g NICs no longer add up uncapped
    const h = hw('h100-sxm');
    const bare = { ...h, scaleUp: undefined };
    expect(scaleOutBusBw(bare, h.scaleOut!, 'allreduce', 8)).toBe(scaleOutBusBw(h, h.scaleOut!, 'allreduce', 1));
    expect(scaleOutBusBw(h, h.scaleOut!, 'allreduce', 8)).toBeGreaterThan(4 * scaleOutBusBw(h, h.scaleOut!, 'allreduce', 1));
  });
});
