// Training collectives count their start-up latency once (src/sim/training/collective-time.ts): the size-shaped link
// efficiency is measured end to end, so a scale-up collective is its wire time at that rate, and a scale-out one is
// NCCL's modelled time (its fastest protocol's latency plus the wire at that protocol's rate), or the shaped wire
// time, whichever is longer.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { trainingCollectiveTime } from '../src/sim/training/collective-time.js';
import { collectiveTime, trafficFactor } from '../src/sim/collectives.js';
import { ncclSeconds } from '../src/sim/scale-out.js';
import { COLLECTIVE_SHAPE, lookupEfficiency } from '../src/hardware/efficiency.js';

const h100 = getLibrary().hardware['h100-sxm']!;
const up = h100.scaleUp!;
const out = h100.scaleOut!;

describe('training collective time', () => {
  it('inside the scale-up domain: the wire time at the size-shaped rate, no per-step latency on top', () => {
    const bytes = 1 << 20;
    const eff = 0.1;
    const t = trainingCollectiveTime(h100, 'allgather', bytes, 8, up, eff);
    expect(t).toBeCloseTo((trafficFactor('allgather', 8) * bytes) / (up.bandwidthBytePerS * eff), 15);
    // the α–β form adds (n − 1) link latencies to the same shaped rate: the double count this replaces
    expect(collectiveTime('allgather', bytes, 8, up, eff) - t).toBeCloseTo(7 * up.latencyS, 15);
  });
  it('over the network: NCCL’s modelled time at its fastest protocol, or the shaped wire, whichever is longer', () => {
    const n = 256, perNode = 8;
    for (const bytes of [4096, 1 << 20, 1 << 28]) {
      const shape = lookupEfficiency(COLLECTIVE_SHAPE, bytes);
      const eff = 0.94 * shape;
      const wire = (trafficFactor('reducescatter', n) * bytes) / (out.bandwidthBytePerS * eff);
      const t = trainingCollectiveTime(h100, 'reducescatter', bytes, n, out, eff, perNode);
      // NCCL's model at its fastest protocol (src/sim/nccl-protocols.ts) on the large-message wire
      const large = wire * shape;
      const busbw = (trafficFactor('reducescatter', n) * bytes) / large;
      expect(t).toBeCloseTo(Math.max(wire, ncclSeconds(h100, 'reducescatter', bytes, n, perNode, large, busbw)), 15);
      // never the flat ring's (n − 1) NIC latencies added to the shaped wire
      expect(t).toBeLessThan(collectiveTime('reducescatter', bytes, n, out, eff));
    }
  });
  it('a single rank or an empty buffer costs nothing; a larger buffer never less', () => {
    expect(trainingCollectiveTime(h100, 'allreduce', 1e6, 1, up, 0.5)).toBe(0);
    expect(trainingCollectiveTime(h100, 'allreduce', 0, 8, out, 0.5)).toBe(0);
    let prev = 0;
    for (let b = 1024; b < 1e10; b *= 4) {
      const t = trainingCollectiveTime(h100, 'allreduce', b, 64, out, 0.94 * lookupEfficiency(COLLECTIVE_SHAPE, b), 8);
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
    }
  });
});
