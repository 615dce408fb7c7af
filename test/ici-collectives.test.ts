// TPU ICI collectives: α–β with ICI's own op start and hop latency (src/sim/ici-collectives.ts), not the NVLink-measured
// size shape read against the ICI link rate.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { commSeconds } from '../src/sim/parallel.js';
import { ICI_HOP_S, ICI_OP_S, iciHops } from '../src/sim/ici-collectives.js';
import { expectLinkShape } from './helpers/collective-shape.js';

const hw = (id: string) => getLibrary().hardware[id]!;

describe('ICI collectives on a TPU slice', () => {
  it('hops follow a bidirectional ring: floor(n/2) per AllGather / ReduceScatter, twice that per AllReduce', () => {
    expect(iciHops('allgather', 4)).toBe(2);
    expect(iciHops('reducescatter', 8)).toBe(4);
    expect(iciHops('allreduce', 4)).toBe(4);
    expect(iciHops('allreduce', 2)).toBe(2);
    expect(iciHops('p2p', 8)).toBe(1);
    expect(iciHops('allreduce', 1)).toBe(0);
  });
  it('a one-hop ppermute-sized transfer costs what the v6e-8 loop measured (5.6-5.9 µs at 1-16 KiB)', () => {
    for (const bytes of [1024, 16384]) {
      const t = commSeconds(hw('tpu-v6e'), 'p2p', bytes, 2);
      expect(t).toBeGreaterThan(5.6e-6);
      expect(t).toBeLessThan(5.95e-6);
    }
  });
  it('a latency-bound all-reduce costs the same on v5e and v6e (latency is not a fraction of the link rate)', () => {
    const v5e = commSeconds(hw('tpu-v5e'), 'allreduce', 8192, 4);
    const v6e = commSeconds(hw('tpu-v6e'), 'allreduce', 8192, 4);
    // op start + 4 hops + 12 KiB at the link: ~8.8 µs, not the 66.5 µs of the size shape
    expect(v5e).toBeGreaterThan(ICI_OP_S + 4 * ICI_HOP_S);
    expect(v5e).toBeLessThan(10e-6);
    expect(Math.abs(v5e - v6e)).toBeLessThan(0.1e-6);
  });
  it('a three-hop AllGather of 32 kB shards on v5e is near the profiled ~8 µs (scaling-book sharding.md)', () => {
    // 4 devices: floor(4/2) = 2 hops on a ring with wraparound (the profiled axis had none: 3 hops)
    const t = commSeconds(hw('tpu-v5e'), 'allgather', 4 * 32e3, 4);
    expect(t).toBeGreaterThan(6e-6);
    expect(t).toBeLessThan(9e-6);
  });
  it('large messages reach the large-message fraction; time grows with size and group', () => {
    const h = hw('tpu-v5e');
    expectLinkShape(h, h.scaleUp!.bandwidthBytePerS, 4, 16, 2);
  });
  it('a TPU part with a measured collective sweep keeps it (tpu-v7-tensorcore)', () => {
    const h = hw('tpu-v7-tensorcore');
    const mib = 1 << 20;
    const sweep = ((2 * 7) / 8) * mib / (h.scaleUp!.bandwidthBytePerS * 0.1196);
    expect(commSeconds(h, 'allreduce', mib, 8)).toBeCloseTo(sweep, 8);
  });
});
