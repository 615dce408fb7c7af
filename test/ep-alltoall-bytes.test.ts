// src/sim/ep-alltoall-bytes.ts: the bytes an expert-parallel all-to-all puts on a rank's NIC, per runtime — NCCL's
// grouped send/recv (the (n − g)/n bound for other nodes: NVIDIA/nccl-tests issue #130) and DeepEP's node-aware normal
// kernels (the (token, node) pairs its benchmark times, own node included: deepseek-ai/DeepEP tests/test_internode.py).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { commSeconds } from '../src/sim/parallel.js';
import { ncclAllToAllNetworkShare, nodeAwarePairsPerToken } from '../src/sim/ep-alltoall-bytes.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';

const h100 = getLibrary().hardware['h100-sxm']!;

describe('NCCL all-to-all across nodes: only the share bound for other nodes crosses the NIC', () => {
  it('is (n − g)/n: half the buffer on 2 nodes of 8, 7/8 on 8 nodes, none inside one node', () => {
    expect(ncclAllToAllNetworkShare(16, 8)).toBe(0.5);
    expect(ncclAllToAllNetworkShare(64, 8)).toBe(7 / 8);
    expect(ncclAllToAllNetworkShare(8, 8)).toBe(0);
    expect(ncclAllToAllNetworkShare(1, 1)).toBe(0);
    // one rank a node: every peer is remote, the (n − 1)/n of nccl-tests' busbw convention
    expect(ncclAllToAllNetworkShare(4, 1)).toBe(3 / 4);
  });

  it("serving's all-to-all over 2 HGX nodes reaches busbw ≈ 2 × one NIC, over 8 nodes ≈ 8/7 × (the maintainer's N/(N−1))", () => {
    // nccl-tests busbw = algbw · (n − 1)/n = bytes · (n − 1)/n / t; large messages, where start-up is negligible
    const bytes = 2 ** 30;
    const busbw = (n: number) => (bytes * (n - 1)) / n / commSeconds(h100, 'alltoall', bytes, n);
    const nic = 0.9 * 50e9; // DeepEP's all-to-all rate over one CX7 (src/sim/scale-out-busbw.ts)
    expect(busbw(16) / nic).toBeGreaterThan(1.8);
    expect(busbw(16) / nic).toBeLessThan(2 * (15 / 16) + 1e-9);
    expect(busbw(64) / nic).toBeGreaterThan(1.05);
    expect(busbw(64) / nic).toBeLessThan(8 / 7 + 1e-9);
  });
});

describe("DeepEP's node-aware dispatch: the (token, node) pairs its benchmark divides by", () => {
  it('is N·(1 − (1 − 1/N)^k): ~1.99 per token at EP 16 over 2 nodes with top-8, ~5.25 over 8 nodes', () => {
    expect(nodeAwarePairsPerToken(2, 8)).toBeCloseTo(2 * (1 - 0.5 ** 8), 12);
    expect(nodeAwarePairsPerToken(8, 8)).toBeCloseTo(5.2511, 3);
    expect(nodeAwarePairsPerToken(1, 8)).toBe(0);
    // a token on one expert visits one node
    expect(nodeAwarePairsPerToken(4, 1)).toBeCloseTo(1, 12);
  });

  it("group-limited routing (DeepSeek-V3: top-4 of 8 expert blocks) reaches at most the chosen blocks' nodes", () => {
    const dsv3 = { groups: 8, topk: 4 };
    // blocks = nodes at EP 64 over 8 nodes: exactly the 4 chosen nodes (DeepEP's benchmark routing, ~3.98 drawn)
    expect(nodeAwarePairsPerToken(8, 8, dsv3)).toBeCloseTo(4, 12);
    // 2 blocks a node over 4 nodes: 4·(1 − C(6,4)/C(8,4)) = 4·(1 − 15/70)
    expect(nodeAwarePairsPerToken(4, 8, dsv3)).toBeCloseTo(4 * (1 - 15 / 70), 12);
    // 16 nodes, each block over 2: 8·(1 − ½·(7/8)^4) ≈ 5.66, below the uniform 6.45
    expect(nodeAwarePairsPerToken(16, 8, dsv3)).toBeCloseTo(8 * (1 - 0.5 * (7 / 8) ** 4), 12);
    expect(nodeAwarePairsPerToken(16, 8, dsv3)).toBeLessThan(nodeAwarePairsPerToken(16, 8));
    // no limit (one group, every group chosen): the uniform count
    expect(nodeAwarePairsPerToken(8, 8, { groups: 1, topk: 1 })).toBe(nodeAwarePairsPerToken(8, 8));
    expect(nodeAwarePairsPerToken(8, 8, { groups: 8, topk: 8 })).toBe(nodeAwarePairsPerToken(8, 8));
    // never above the uniform count
    for (const n of [2, 4, 8, 16, 32, 64]) expect(nodeAwarePairsPerToken(n, 8, { groups: 8, topk: 7 })).toBeLessThanOrEqual(nodeAwarePairsPerToken(n, 8));
  });

  it("training: DeepSeek-V3's node limit cuts DeepEP's network bytes at EP 64 over 8 nodes by 4 / 5.25", () => {
    const m = libraryModel('deepseek-v3');
    expect(m.family === 'decoder' && [m.moe?.expert_groups, m.moe?.topk_groups]).toEqual([8, 4]);
    // Kimi K2 extends the DeepSeek-V3 spec with one group (HF n_group 1, topk_group 1): no limit
    const kimi = libraryModel('kimi-k2');
    expect(kimi.family === 'decoder' && [kimi.moe?.expert_groups, kimi.moe?.topk_groups]).toEqual([undefined, undefined]);
    const run = (model: typeof m) =>
      simulateTraining(buildTrainRequest(model, bindRuntime(h100, libraryRuntime('nemo-deepep')), { devices: 512, tp: 2, pp: 8, ep: 64, etp: 1, seqLen: 4096, globalBatch: 512, microBatch: 1, recompute: 'none', dtype: 'bf16' })).breakdown.ep_comm_s;
    const unlimited = m.family === 'decoder' ? { ...m, moe: { ...m.moe!, expert_groups: undefined, topk_groups: undefined } } : m;
    const ratio = run(m) / run(unlimited);
    expect(ratio).toBeLessThan(0.95);
    expect(ratio).toBeGreaterThan(4 / 5.2511 - 0.05);
  });

  it("training: DeepEP at EP 16 over 2 HGX nodes puts half the alltoall dispatcher's NIC time on the network (1.99 vs 4 copies a token)", () => {
    const m = libraryModel('qwen3-30b-a3b');
    const run = (rt: string) =>
      simulateTraining(buildTrainRequest(m, bindRuntime(h100, libraryRuntime(rt)), { devices: 16, ep: 16, seqLen: 4096, globalBatch: 64, microBatch: 1, recompute: 'none', dtype: 'fp8' })).breakdown.ep_comm_s;
    const ratio = run('nemo-deepep') / run('nemo');
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(0.6);
  });
});
