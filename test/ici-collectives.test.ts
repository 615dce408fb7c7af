// TPU ICI collectives: α–β with ICI's own op start and hop latency over the links each collective's algorithm uses on
// the slice's torus axes (src/sim/ici-collectives.ts), not the NVLink-measured size shape read against the chip's whole
// ICI bandwidth. Serving, training and the disaggregated KV hand-off share the one model.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildLayout, commSeconds } from '../src/sim/parallel.js';
import { ICI_HOP_S, ICI_OP_S, iciAxesHops, iciAxesSeconds, iciAxesWireSeconds, iciCollectiveSeconds, iciHops, iciSlice } from '../src/sim/ici-collectives.js';
import { trainingCollectiveTime } from '../src/sim/training/collective-time.js';
import { trafficFactor } from '../src/sim/collectives.js';
import { kvTransfer } from '../src/serve/disagg.js';
import { resolvePrecision } from '../src/model/quant.js';
import { kvBytesPerToken } from '../src/sim/memory.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { expectLinkShape } from './helpers/collective-shape.js';

const hw = (id: string) => getLibrary().hardware[id]!;
const line = (len: number) => ({ len, wrap: false });
const ring = (len: number) => ({ len, wrap: true });

describe('the slice a group of TPU chips occupies (scaling-book tpus.md)', () => {
  it('2-D parts (4 ports): Cloud TPU topologies, wraparound only on an axis of 16', () => {
    expect(iciSlice(8, 4)).toEqual([line(2), line(4)]);
    expect(iciSlice(16, 4)).toEqual([line(4), line(4)]);
    expect(iciSlice(128, 4)).toEqual([line(8), ring(16)]);
    expect(iciSlice(256, 4)).toEqual([ring(16), ring(16)]);
    expect(iciSlice(2, 4)).toEqual([line(2)]);
  });
  it('3-D parts (6 ports): no wraparound below a full 4x4x4 cube (2x2x4 has none), all axes wrap from it', () => {
    expect(iciSlice(4, 6)).toEqual([line(2), line(2)]);
    expect(iciSlice(8, 6)).toEqual([line(2), line(2), line(2)]);
    expect(iciSlice(32, 6)).toEqual([line(2), line(4), line(4)]);
    expect(iciSlice(64, 6)).toEqual([ring(4), ring(4), ring(4)]);
    expect(iciSlice(128, 6)).toEqual([ring(4), ring(4), ring(8)]);
  });
  it('a part whose spec gives no port count has no slice (one ring over the whole chip)', () => {
    expect(iciSlice(8, undefined)).toBeUndefined();
    expect(iciHops('allreduce', 8)).toBe(8);
  });
  it('hops: ⌊X/2⌋ a ring, X − 1 a line, summed over axes; twice for an all-reduce; one for a neighbour send', () => {
    expect(iciAxesHops('allgather', [line(4)])).toBe(3); // "3 hops for data from the edges to reach the other edge"
    expect(iciAxesHops('allgather', [ring(4), ring(4), ring(4)])).toBe(6); // Σ|X_i|/2
    expect(iciAxesHops('allreduce', [line(2), line(4)])).toBe(8);
    expect(iciAxesHops('p2p', [line(2)])).toBe(1);
  });
});

describe('ICI collective times against the sources', () => {
  it('AllGather over a 4-long v5e axis without wraparound: the profiled 680 µs (8.4 MB shards) and ~8 µs (32 kB)', () => {
    // scaling-book sharding.md Pop Quiz 2: a line moves (X − 1) shards through its end link, one link's worth
    const v5e = hw('tpu-v5e');
    const t = (shard: number) => iciAxesSeconds('allgather', 4 * shard, [line(4)], v5e.scaleUp!, v5e.efficiency.collective);
    expect(t(8.4e6) / 680e-6).toBeGreaterThan(0.9);
    expect(t(8.4e6) / 680e-6).toBeLessThan(1.1);
    // the small one: 4.75 + max(3 hops, 2.5 µs of bytes) = 7.75 µs against "closer to 8us" (hops + bytes would read
    // 10.3 µs: the source's T = max(T_min·Σ|X_i|/2, V / (W·n_axes)))
    expect(t(32e3) / 8e-6).toBeGreaterThan(0.9);
    expect(t(32e3) / 8e-6).toBeLessThan(1.05);
    expect(t(32e3)).toBeCloseTo(ICI_OP_S + 3 * ICI_HOP_S, 12);
  });
  it('a one-hop ppermute on v6e: 5.6-5.9 µs at 1 KiB, 17.45 µs at 1 MiB, 776 µs at 64 MiB (marin issue #6736)', () => {
    const v6e = hw('tpu-v6e');
    expect(commSeconds(v6e, 'p2p', 1024, 2)).toBeGreaterThan(5.6e-6);
    expect(commSeconds(v6e, 'p2p', 1024, 2)).toBeLessThan(5.9e-6);
    // one link (100 GB/s a direction of the spec's 400) at the large-message fraction: within 15% at both sizes; the
    // chip's whole bandwidth would read 0.53 and 0.29 of the measured times
    for (const [bytes, measured] of [[1 << 20, 17.45e-6], [64 << 20, 776e-6]] as const) {
      const ratio = commSeconds(v6e, 'p2p', bytes, 2) / measured;
      expect(ratio).toBeGreaterThan(1);
      expect(ratio).toBeLessThan(1.15);
    }
  });
  it('bandwidth-bound rings: V/W_bidi a wrapped axis, the axes adding (bytes / (bidirectional bandwidth · n_axes))', () => {
    const V = 1 << 26, r = 4.5e10;
    expect(iciAxesWireSeconds('allgather', V, [ring(16)], r)).toBeCloseTo(((15 / 16) * V) / (2 * r), 12);
    expect(iciAxesWireSeconds('allgather', V, [ring(16), ring(16)], r)).toBeCloseTo(((255 / 256) * V) / (4 * r), 12);
    expect(iciAxesWireSeconds('allreduce', V, [ring(16)], r)).toBeCloseTo(2 * iciAxesWireSeconds('allgather', V, [ring(16)], r), 12);
    // a line: one link's worth
    expect(iciAxesWireSeconds('reducescatter', V, [line(4)], r)).toBeCloseTo(((3 / 4) * V) / r, 12);
  });
  it('AllToAll: a quarter of an AllGather on a bidirectional ring; bisection-bound on a line; the slowest axis', () => {
    const b = 1 << 24, r = 4.5e10, X = 16;
    // the footnote's per-device cost: the whole array (X·b) / 4 over the bidirectional bandwidth, an AllGather of the
    // whole array being X·b / W_bidi
    expect(iciAxesWireSeconds('alltoall', b, [ring(X)], r)).toBeCloseTo((X * b) / 4 / (2 * r), 12);
    // 2x4 lines: half the devices send half their buffer over the 2 links crossing the 4-axis: 4·b/2 / (2r)
    expect(iciAxesWireSeconds('alltoall', b, [line(2), line(4)], r)).toBeCloseTo(b / r, 12);
  });
  it('a latency-bound all-reduce costs the same on v5e and v6e (latency is not a fraction of the link rate)', () => {
    const v5e = commSeconds(hw('tpu-v5e'), 'allreduce', 8192, 4);
    const v6e = commSeconds(hw('tpu-v6e'), 'allreduce', 8192, 4);
    // op start + the larger of 2x2's 2·(1 + 1) hops and 12 KiB over two links: 8.75 µs, not the 66.5 µs of the size shape
    expect(v5e).toBeCloseTo(ICI_OP_S + 4 * ICI_HOP_S, 12);
    expect(v5e).toBeLessThan(10e-6);
    expect(Math.abs(v5e - v6e)).toBeLessThan(0.2e-6);
  });
  it('large messages reach the large-message fraction of the links the slice uses; time grows with size and group', () => {
    const h = hw('tpu-v5e');
    // 4 and 16 chips (2x2, 4x4): two lines, one link each way on each
    expectLinkShape(h, (h.scaleUp!.bandwidthBytePerS / 4) * 2, 4, 16, 2);
    // a whole 16x16 pod wraps both axes: all four links
    const big = 1 << 30;
    const busbw = ((2 * 255) / 256) * big / commSeconds(h, 'allreduce', big, 256);
    expect(busbw / h.scaleUp!.bandwidthBytePerS).toBeCloseTo(h.efficiency.collective, 2);
  });
  it('a TPU part with a measured collective sweep keeps it (tpu-v7-tensorcore)', () => {
    const h = hw('tpu-v7-tensorcore');
    const mib = 1 << 20;
    const sweep = ((2 * 7) / 8) * mib / (h.scaleUp!.bandwidthBytePerS * 0.1196);
    expect(commSeconds(h, 'allreduce', mib, 8)).toBeCloseTo(sweep, 8);
  });
});

describe('training and the disaggregated KV hand-off use the same ICI model', () => {
  it('a training collective on a TPU slice is the serving one, whatever size-shaped efficiency the caller passes', () => {
    for (const id of ['tpu-v5e', 'tpu-v5p', 'tpu-v6e', 'tpu-v4']) {
      const h = hw(id);
      for (const [kind, bytes, n] of [['allgather', 5e7, 256], ['reducescatter', 4096, 8], ['allreduce', 1 << 20, 64], ['p2p', 1 << 22, 2]] as const) {
        const t = trainingCollectiveTime(h, kind, bytes, n, h.scaleUp!, 0.01);
        expect(t).toBeCloseTo(commSeconds(h, kind, bytes, n), 12);
        expect(t).toBeCloseTo(iciCollectiveSeconds(kind, bytes, n, h.scaleUp!, h.efficiency.collective), 12);
      }
    }
    // not the old rate: the chip's whole ICI at the caller's efficiency
    const v6e = hw('tpu-v6e');
    expect(trainingCollectiveTime(v6e, 'allgather', 5e7, 8, v6e.scaleUp!, 0.77)).toBeGreaterThan(1.9 * (trafficFactor('allgather', 8) * 5e7) / (v6e.scaleUp!.bandwidthBytePerS * 0.77));
  });
  it('the training expert all-to-all over a v6e-8 is bound by the 2x4 slice bisection, not the four links of the chip', () => {
    const v6e = hw('tpu-v6e');
    const switched = { ...v6e, scaleUp: { ...v6e.scaleUp!, technology: 'other' } };
    const m = libraryModel('mixtral-8x7b');
    const ep = (h: typeof v6e) =>
      simulateTraining(buildTrainRequest(m, bindRuntime(h, libraryRuntime('jax')), { devices: 8, ep: 8, seqLen: 4096, globalBatch: 8, microBatch: 1, recompute: 'full', zero: 3 })).breakdown.ep_comm_s;
    // on 2x4 lines half the chips send half their buffer over the 2 links crossing the 4-axis (b / r); the switched
    // reading sends 7/8 of it over the chip's 4 links (7b / 32r): 4.6x apart at large sizes
    const ratio = ep(v6e) / ep(switched);
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(5);
  });
  it('KV cache between pools sharing a v5e slice crosses its middle; across DCN it keeps the spec link', () => {
    const h = hw('tpu-v5e');
    const m = libraryModel('llama-3.1-8b') as DecoderModel;
    const p = resolvePrecision('bf16', undefined, undefined, undefined, undefined);
    const L = buildLayout(m, 4, 1, undefined, 4);
    const bytes = 2048 * kvBytesPerToken(m, L, p);
    // 8 chips: 2x4 lines; a peer is 2 hops along the 4-axis; the 4 prefill devices share the 2 links crossing it
    const r = (h.scaleUp!.bandwidthBytePerS / 4) * h.efficiency.collective;
    const x = kvTransfer(m, h, L, p, 8);
    expect(x.scope).toBe('scale_up');
    // the op start, then the larger of the hops and the bytes (the bytes here: 2048 tokens of KV, far above 2 µs)
    expect(bytes / r).toBeGreaterThan(2 * ICI_HOP_S);
    expect(x.seconds(2048)).toBeCloseTo(ICI_OP_S + Math.max(2 * ICI_HOP_S, bytes / (r / 2)), 12);
    // 16 chips: 4x4 lines, 4 links cross: each of the 4 flows has one
    expect(kvTransfer(m, h, L, p, 16).seconds(2048)).toBeCloseTo(ICI_OP_S + Math.max(2 * ICI_HOP_S, bytes / r), 12);
    // one token's KV is latency-bound: the hops, not hops + bytes
    const one = kvBytesPerToken(m, L, p);
    expect(one / r).toBeLessThan(2 * ICI_HOP_S);
    expect(kvTransfer(m, h, L, p, 16).seconds(1)).toBeCloseTo(ICI_OP_S + 2 * ICI_HOP_S, 12);
    // pools beyond the 256-chip pod: DCN (2 x 100 Gbps a host), the spec's latency and bandwidth
    const dcn = kvTransfer(m, h, L, p, 512);
    const out = h.scaleOut ?? h.host!;
    expect(dcn.scope).toBe('scale_out');
    expect(dcn.seconds(2048)).toBeCloseTo(out.latencyS + bytes / out.bandwidthBytePerS, 12);
  });
});
