// NCCL's per-protocol cost model for collectives across nodes (src/sim/nccl-protocols.ts, NVIDIA/nccl @5067397c
// src/graph/tuning.cc): each protocol's start-up latency with its own share of the bus bandwidth, the fastest taken.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { ncclChoices, ncclLlLatency, ncclModelSeconds } from '../src/sim/nccl-protocols.js';
import { ncclOptions, scaleOutSeconds } from '../src/sim/scale-out.js';
import { trainingCollectiveTime } from '../src/sim/training/collective-time.js';
import { ringEfficiency } from '../src/sim/training/ring-nics.js';
import { scaleOutBusBw } from '../src/sim/scale-out-busbw.js';
import { trafficFactor } from '../src/sim/collectives.js';

const hw = (id: string) => getLibrary().hardware[id]!;
const a100 = hw('a100-sxm4-80gb');
const busbw = 188e9;
const alpha = (kind: 'allgather' | 'allreduce', n: number, g: number, p: string, algorithm = 'ring') =>
  ncclChoices(kind, 1 << 30, n, g, busbw, { ll128: true }).find((c) => c.protocol === p && c.algorithm === algorithm)!.alphaS * 1e6;
const choice = (kind: 'allgather' | 'allreduce' | 'reducescatter', bytes: number, n: number, g: number, p: string, algorithm: string, o = { ll128: true, pat: true }) =>
  ncclChoices(kind, bytes, n, g, busbw, o).find((c) => c.protocol === p && c.algorithm === algorithm);

describe("NCCL's per-protocol collective model", () => {
  it('a ring all-gather over 1,536 ranks (192 nodes of 8): tuning.cc base + per-hop latencies by protocol', () => {
    // 1,344 intra-node steps, 191 network steps
    expect(alpha('allgather', 1536, 8, 'LL')).toBeCloseTo(6.6 + 1344 * 1.0 + 191 * 2.7, 6);
    expect(alpha('allgather', 1536, 8, 'LL128')).toBeCloseTo(14 + 1344 * 1.9 + 191 * 4.0, 6);
    expect(alpha('allgather', 1536, 8, 'Simple')).toBeCloseTo(8.4 + 1344 * 3.4 + 191 * 14.0, 6);
    // LL's α is the one ncclLlLatency gives (the all-to-all and p2p keep it)
    expect(alpha('allgather', 1536, 8, 'LL') * 1e-6).toBeCloseTo(ncclLlLatency('allgather', 1536, 8), 12);
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

  it("tree all-reduce shares: busBw × 0.92 first, then LL / 3.8 or LL128 × 120/128 (tuning.cc:332–335)", () => {
    // 1 GiB: past the treeCorrectionFactor table (factor 1); 128 ranks on 16 nodes of 8
    const bytes = 2 ** 30;
    const k = 127 / 128;
    expect(choice('allreduce', bytes, 128, 8, 'LL128', 'tree')!.share).toBeCloseTo(0.92 * (120 / 128) * k, 12);
    expect(choice('allreduce', bytes, 128, 8, 'Simple', 'tree')!.share).toBeCloseTo(0.92 * k, 12);
    // LL: 0.92 / 3.8 of a slow ring, llMaxBw (20.4 GB/s past two nodes) of a fast one
    const slow = ncclChoices('allreduce', bytes, 128, 8, 50e9, { ll128: true }).find((c) => c.protocol === 'LL' && c.algorithm === 'tree')!;
    expect(slow.share).toBeCloseTo((0.92 / 3.8) * k, 12);
    expect(choice('allreduce', bytes, 128, 8, 'LL', 'tree')!.share).toBeCloseTo((20.4e9 / busbw) * k, 12);
    // mid-size: treeCorrectionFactor on top (4 MiB: log2(4 MiB / 64) = 16, LL128 0.8)
    expect(choice('allreduce', 4 * 2 ** 20, 128, 8, 'LL128', 'tree')!.share).toBeCloseTo(0.92 * (120 / 128) * 0.8 * k, 12);
    // one GPU per node: NCCL_TOPO_PATTERN_TREE, × 0.85 more (tuning.cc:336, search.cc:1133)
    expect(choice('allreduce', bytes, 16, 1, 'LL128', 'tree')!.share).toBeCloseTo(0.92 * (120 / 128) * 0.85 * (15 / 16), 12);
  });

  it('treeCorrectionFactor: the tree reads its first 23 entries (64 B up to 512 MiB, tuning.cc:640), not the 24th', () => {
    const k = 127 / 128;
    // 256 MiB: log2i(2^28 >> 6) = 22, Simple 0.9; 512 MiB − 1 B still index 22; 512 MiB: index 23, which only NVLSTree
    // reads (tuning.cc:643–646), so the tree takes no factor
    expect(choice('allreduce', 2 ** 28, 128, 8, 'Simple', 'tree')!.share).toBeCloseTo(0.92 * 0.9 * k, 12);
    expect(choice('allreduce', 2 ** 29 - 1, 128, 8, 'Simple', 'tree')!.share).toBeCloseTo(0.92 * 0.9 * k, 12);
    expect(choice('allreduce', 2 ** 29, 128, 8, 'Simple', 'tree')!.share).toBeCloseTo(0.92 * k, 12);
    // 64 B is index 0 (Simple 0.9); below it log2i gives −1 and no factor applies
    expect(choice('allreduce', 64, 128, 8, 'Simple', 'tree')!.share).toBeCloseTo(0.92 * 0.9 * k, 12);
    expect(choice('allreduce', 63, 128, 8, 'Simple', 'tree')!.share).toBeCloseTo(0.92 * k, 12);
  });

  it('PAT: all-gather / reduce-scatter at one rank per node on NVIDIA parts only (tuning.cc:216–222, 337, 429–433)', () => {
    // 64 nodes of one rank: 8.0 + log2(64) · 14 / 3.5 + 64 · 2.8 µs, Simple, 0.75 of the bus bandwidth
    for (const kind of ['allgather', 'reducescatter'] as const) {
      const pat = choice(kind, 1 << 30, 64, 1, 'Simple', 'pat')!;
      expect(pat.alphaS * 1e6).toBeCloseTo(8.0 + 6 * 4.0 + 64 * 2.8, 9);
      // PAT divides all n·count bytes by 0.75 · busBw (no bus → algorithm conversion): 0.75 · 63/64 of the ring's rate
      expect(pat.share).toBeCloseTo(0.75 * (63 / 64), 12);
    }
    expect(choice('allgather', 1 << 30, 2, 1, 'Simple', 'pat')!.share).toBeCloseTo(0.375, 12);
    // its α beats the ring's at 64 nodes, so a small gather runs PAT
    const c = ncclChoices('allgather', 1e6, 64, 1, busbw, { ll128: true, pat: true });
    const small = 1e6 / busbw;
    expect(ncclModelSeconds(c, small)).toBeCloseTo((8.0 + 24 + 64 * 2.8) * 1e-6 + small / (0.75 * (63 / 64)), 12);
    // not with two ranks on a node, not for all-reduce, not off NVIDIA parts
    expect(choice('allgather', 1 << 30, 64, 2, 'Simple', 'pat')).toBeUndefined();
    expect(choice('allreduce', 1 << 30, 64, 1, 'Simple', 'pat')).toBeUndefined();
    expect(choice('allgather', 1 << 30, 64, 1, 'Simple', 'pat', { ll128: false, pat: false })).toBeUndefined();
    expect(ncclOptions(a100).pat).toBe(true);
    expect(ncclOptions(hw('mi300x')).pat).toBe(false);
  });

  it('intra-node hops read the PCI row where the GPUs are not joined by NVLink (tuning.cc:285)', () => {
    const pci = (p: string, algorithm = 'ring') =>
      ncclChoices('allreduce', 1 << 30, 16, 8, busbw, { ll128: false, nvlink: false }).find((c) => c.protocol === p && c.algorithm === algorithm)!.alphaS * 1e6;
    // 2·15 steps, 2 of them network: Simple's PCI hop 5.7 µs (past the 3 µs net overhead), × 1.4 plateau
    expect(pci('Simple')).toBeCloseTo((8.4 + 28 * 5.7 + 2 * 14.0) * 1.4, 9);
    // LL ring: PCI hop 1.0 µs; tree: (g − 1) PCI tree hops of 1.0 µs
    expect(pci('LL')).toBeCloseTo(6.6 + 28 * 1.0 + 2 * 2.7, 9);
    expect(pci('LL', 'tree')).toBeCloseTo(6.8 + 2 * (7 * 1.0 + 5.0), 9);
    const nvl = ncclChoices('allreduce', 1 << 30, 16, 8, busbw, { ll128: false }).find((c) => c.protocol === 'Simple' && c.algorithm === 'ring')!;
    expect(nvl.alphaS * 1e6).toBeCloseTo((8.4 + 28 * 3.4 + 2 * 14.0) * 1.4, 9);
    expect(ncclOptions(a100).nvlink).toBe(true);
  });

  it('the Simple ring plateau at 64 B per rank per channel counts MAXCHANNELS = 64 channels (device.h:91)', () => {
    const simple = (bytes: number) => choice('allreduce', bytes, 16, 8, 'Simple', 'ring')!.alphaS * 1e6;
    const flat = 8.4 + 28 * 3.4 + 2 * 14.0;
    expect(simple(64 * 64 * 16)).toBeCloseTo(flat * 1.4, 9);
    expect(simple(64 * 64 * 16 - 1)).toBeCloseTo(flat, 9);
  });

  it('ncclLlLatency reads the LL entries of the one table', () => {
    // LL, NVLink hops, Intel-host net overhead 1.0 µs (so an intra-node ring hop costs max(0.6, 1.0) µs past one node):
    //   all-reduce 16 ranks, 8 a node: ring 6.6 + 28 · 1.0 + 2 · 2.7 = 40.0; tree 6.8 + 2 · (7 · 0.6 + 1 · 5.0) = 25.2
    //   all-reduce 256 ranks, 8 a node: ring 6.6 + 448 · 1.0 + 62 · 2.7 = 622.0; tree 6.8 + 2 · (7 · 0.6 + 5 · 5.0) = 65.2
    //   all-gather 1,536 ranks, 8 a node (ring only): 6.6 + 1,344 · 1.0 + 191 · 2.7 = 1,866.3
    //   reduce-scatter 64 ranks, one a node (ring only, tree-row net hops): 6.6 + 63 · 5.0 = 321.6
    for (const [kind, n, g, us] of [['allreduce', 16, 8, 25.2], ['allreduce', 256, 8, 65.2], ['allgather', 1536, 8, 1866.3], ['reducescatter', 64, 1, 321.6]] as const) {
      expect(ncclLlLatency(kind, n, g) * 1e6).toBeCloseTo(us, 6);
      const ll = ncclChoices(kind, 0, n, g, 1, { ll128: false }).filter((c) => c.protocol === 'LL').map((c) => c.alphaS);
      expect(ncclLlLatency(kind, n, g)).toBe(Math.min(...ll));
    }
    expect(ncclLlLatency('p2p', 16, 8)).toBeCloseTo((6.6 + 2.7) * 1e-6, 12);
    expect(ncclLlLatency('alltoall', 16, 8)).toBeCloseTo((6.6 + 2.7) * 1e-6, 12);
  });
});
