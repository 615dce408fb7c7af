// NCCL's per-protocol cost model for collectives across nodes (src/sim/nccl-protocols.ts, NVIDIA/nccl @5067397c
// src/graph/tuning.cc): each protocol's start-up latency with its own share of the bus bandwidth, the fastest taken.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { ncclChoices, ncclModelSeconds } from '../src/sim/nccl-protocols.js';
import { ncclOptions, scaleOutLatency, scaleOutSeconds } from '../src/sim/scale-out.js';
import { trainingCollectiveTime } from '../src/sim/training/collective-time.js';
import { ringEfficiency } from '../src/sim/training/ring-nics.js';
import { scaleOutBusBw } from '../src/sim/scale-out-busbw.js';
import { trafficFactor } from '../src/sim/collectives.js';

const hw = (id: string) => getLibrary().hardware[id]!;
const a100 = hw('a100-sxm4-80gb');
const busbw = 188e9;
const alpha = (kind: 'allgather' | 'allreduce', n: number, g: number, p: string, algorithm = 'ring') =>
  ncclChoices(kind, 1 << 30, n, g, busbw, { ll128: true }).find((c) => c.protocol === p && c.algorithm === algorithm)!.alphaS * 1e6;

describe("NCCL's per-protocol collective model", () => {
  it('a ring all-gather over 1,536 ranks (192 nodes of 8): tuning.cc base + per-hop latencies by protocol', () => {
    // 1,344 intra-node steps, 191 network steps
    expect(alpha('allgather', 1536, 8, 'LL')).toBeCloseTo(6.6 + 1344 * 1.0 + 191 * 2.7, 6);
    expect(alpha('allgather', 1536, 8, 'LL128')).toBeCloseTo(14 + 1344 * 1.9 + 191 * 4.0, 6);
    expect(alpha('allgather', 1536, 8, 'Simple')).toBeCloseTo(8.4 + 1344 * 3.4 + 191 * 14.0, 6);
    // LL's α is the one scaleOutLatency has always given (the all-to-all and p2p keep it)
    expect(alpha('allgather', 1536, 8, 'LL') * 1e-6).toBeCloseTo(scaleOutLatency('allgather', 1536, 8), 12);
    // one rank per node: every hop at the tree's network latency ("With ppn=1 latencies are fully exposed")
    expect(alpha('allgather', 64, 1, 'Simple')).toBeCloseTo(8.4 + 63 * 14.0, 6);
    // the tree all-reduce: 2·((g − 1)·intra + log2(nodes)·net)
    expect(alpha('allreduce', 16, 8, 'LL', 'tree')).toBeCloseTo(6.8 + 2 * (7 * 0.6 + 1 * 5.0), 6);
  });

  it('small messages take LL; large ones cannot have LL latency with full bandwidth', () => {
    const c = ncclChoices('allgather', 300e6, 1536, 8, busbw, { ll128: true });
    const small = 4096 / busbw;
    expect(ncclModelSeconds(c, small)).toBeCloseTo(alpha('allgather', 1536, 8, 'LL') * 1e-6 + small / Math.min(0.5, 20.4e9 / busbw), 12); // LL: ≤ 20.4 GB/s past two nodes
    const wire = (300e6 * 1535) / 1536 / busbw;
    const best = ncclModelSeconds(c, wire);
    expect(best).toBeCloseTo((14 + 1344 * 1.9 + 191 * 4.0) * 1e-6 + wire / 0.92, 9); // LL128
    expect(best).toBeGreaterThan(alpha('allgather', 1536, 8, 'LL') * 1e-6 + wire); // the pair NCCL cannot run
    // without LL128 (no NVLink between the GPUs) the same gather runs Simple
    const noLl128 = ncclModelSeconds(ncclChoices('allgather', 300e6, 1536, 8, busbw, { ll128: false }), wire);
    expect(noLl128).toBeCloseTo((8.4 + 1344 * 3.4 + 191 * 14.0) * 1e-6 + wire, 9);
  });

  it('LL128 on NVIDIA parts joined by NVLink only; Volta keeps the larger ring plateau', () => {
    expect(ncclOptions(a100).ll128).toBe(true);
    expect(ncclOptions(hw('h100-sxm')).ll128).toBe(true);
    expect(ncclOptions(hw('mi300x')).ll128).toBe(false);
    expect(ncclOptions(hw('v100-sxm2')).preAmpere).toBe(true);
    expect(ncclOptions(a100).preAmpere).toBe(false);
  });

  it('a ZeRO-3 gather never gets faster as the ring grows, and never beats its bytes at bus bandwidth', () => {
    const out = a100.scaleOut!;
    for (const bytes of [3e6, 302e6, 1.2e9]) {
      let prev = 0;
      for (const n of [16, 32, 64, 128, 256, 384, 768, 1536, 3072]) {
        const t = trainingCollectiveTime(a100, 'allgather', bytes, n, out, ringEfficiency(a100, out, bytes, 8), 8);
        expect(Number.isFinite(t)).toBe(true);
        expect(t).toBeGreaterThanOrEqual(prev);
        prev = t;
        expect(t).toBeGreaterThanOrEqual((trafficFactor('allgather', n) * bytes) / scaleOutBusBw(a100, out, 'allgather', 8));
        // serving's path prices the same gather no faster either
        const s = scaleOutSeconds(a100, out, 'allgather', bytes, n, 8);
        expect(s).toBeGreaterThanOrEqual((trafficFactor('allgather', n) * bytes) / scaleOutBusBw(a100, out, 'allgather', 8));
      }
    }
    // at 1,536 ranks a 300 MB gather is latency-heavy: under 60% of the bus bandwidth
    const t = trainingCollectiveTime(a100, 'allgather', 302e6, 1536, out, ringEfficiency(a100, out, 302e6, 8), 8);
    expect(((302e6 * 1535) / 1536 / t) / scaleOutBusBw(a100, out, 'allgather', 8)).toBeLessThan(0.6);
  });

  it('two nodes and a large message: within 10% of the bytes at bus bandwidth (small groups barely move)', () => {
    const out = a100.scaleOut!;
    const bytes = 1.2e9;
    const t = trainingCollectiveTime(a100, 'allgather', bytes, 16, out, ringEfficiency(a100, out, bytes, 8), 8);
    const bare = (trafficFactor('allgather', 16) * bytes) / scaleOutBusBw(a100, out, 'allgather', 8);
    expect(t / bare).toBeLessThan(1.1);
  });
});
