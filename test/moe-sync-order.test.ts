// The order of a synced MoE layer's host and device work (src/sim/training/moe-host-sync.ts syncedMoePass): after the
// dispatcher's sync the host issues the host-heavy dispatch / expert calls / combine while the device has nothing
// queued, then the device-heavy attention half; the EP exchanges run on the stream behind the host's issue.
import { describe, expect, it } from 'vitest';
import { libraryModel, getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { beforeSyncForwardS, moeHostFloor, syncedMoePass } from '../src/sim/training/moe-host-sync.js';
import { passCost } from '../src/sim/training/layer-cost.js';
import { elementwise, linear } from '../src/model/op.js';
import type { MoeHostSync, NormalizedRuntime } from '../src/spec/types.js';

const h100 = getLibrary().hardware['h100-sxm']!;
const base: MoeHostSync = { syncsFwd: 1, perOpS: 20e-6, opsFwd: 100, opsBwd: 200, expertKernelsFwd: 2, expertKernelsBwd: 4, expertGemmS: 30e-6, expertGemmFwdS: 60e-6, fp8ExpertKernelsFwd: 2, fp8ExpertKernelsBwd: 2 };
const pass = (fwdS: number, bwdS: number) => ({ fwdS, bwdS, attnFwdS: 0, fwdFlops: 1, bwdFlops: 2 });

describe('host time issued after the sync', () => {
  it('is the ops after it plus every per-expert call and quantization, scaled like the rest; absent without the count', () => {
    const f = moeHostFloor({ ...base, opsAfterSync: 18 }, 16, 2.5e-6, true, 2);
    const experts = 16 * (2 * 60e-6 + 2 * 2.5e-6);
    expect(f.fwdAfterSyncS!).toBeCloseTo(2 * (18 * 20e-6 + experts), 12);
    expect(f.fwdS).toBeCloseTo(2 * (100 * 20e-6 + experts), 12);
    expect(moeHostFloor(base, 16, 2.5e-6).fwdAfterSyncS).toBeUndefined();
    // never more ops after the sync than in the whole segment
    expect(moeHostFloor({ ...base, opsAfterSync: 500 }, 0, 2.5e-6).fwdAfterSyncS).toBeCloseTo(100 * 20e-6, 12);
  });
});

describe('syncedMoePass', () => {
  const f = { fwdS: 4e-3, bwdS: 6e-3, fwdAfterSyncS: 3e-3 };
  it('a device-bound layer keeps its device time', () => {
    expect(syncedMoePass(pass(10e-3, 20e-3), f, 5e-3, { fwdS: 1e-3, bwdS: 1e-3 })).toMatchObject({ fwdS: 10e-3, bwdS: 20e-3 });
  });
  it('a host-bound layer hides its exchanges behind the host: the pass plus the caller’s exchanges is the host time', () => {
    const c = syncedMoePass(pass(1e-3, 2e-3), f, 0.5e-3, { fwdS: 0.8e-3, bwdS: 0.8e-3 });
    expect(c.fwdS + 0.8e-3).toBeCloseTo(4e-3, 12); // H_f (> H_after + E/2 + D_before = 3.9 ms)
    expect(c.bwdS + 0.8e-3).toBeCloseTo(6e-3, 12);
  });
  it('host-heavy tail then device-heavy head: at least H_after + E_combine + D_before', () => {
    const c = syncedMoePass(pass(3e-3, 8e-3), f, 2.5e-3, { fwdS: 1e-3, bwdS: 1e-3 });
    expect(c.fwdS + 1e-3).toBeCloseTo(3e-3 + 0.5e-3 + 2.5e-3, 12); // 6 ms > H 4 ms, D + E 4 ms
    // without the exchanges in its order (hidden elsewhere): max(D, H, H_after + D_before), E stays the caller's
    expect(syncedMoePass(pass(3e-3, 8e-3), f, 2.5e-3).fwdS).toBeCloseTo(5.5e-3, 12);
    // without the after-sync count: max only
    expect(syncedMoePass(pass(3e-3, 8e-3), { fwdS: 4e-3, bwdS: 6e-3 }, 2.5e-3).fwdS).toBeCloseTo(4e-3, 12);
    // the device time before the sync is a part of the device time
    expect(syncedMoePass(pass(3e-3, 8e-3), f, 99, undefined).fwdS).toBeCloseTo(6e-3, 12);
  });
  it('the device time before the sync leaves out the MoE block’s tail and the experts’ share of the fp8 quantization', () => {
    const hw = bindRuntime(h100, libraryRuntime('megatron'));
    const attn = linear('qkv', 4096, 4096, 4096, 'fp8', 1, 1);
    const exp = linear('expert_in', 1024, 1536, 4096, 'fp8', 1, 1, 8);
    const cast = elementwise('fp8_cast', 4096 * 4096 + 8 * 1024 * 4096, 2, 6, 'bf16');
    const perm = elementwise('moe_permute', 1e7, 0, 4, 'bf16');
    const one = (o: typeof attn) => passCost([o], hw, 'none').fwdS;
    const share = (4096 * 4096) / (4096 * 4096 + 8 * 1024 * 4096);
    expect(beforeSyncForwardS([attn, exp, cast, perm], hw, 'none')).toBeCloseTo(one(attn) + share * one(cast), 12);
  });
});

describe('in the engine', () => {
  const m = libraryModel('qwen3-30b-a3b');
  const run = (rt: NormalizedRuntime, ep = 8) =>
    simulateTraining(buildTrainRequest(m, bindRuntime(h100, rt), { devices: 8, ep, seqLen: 4096, globalBatch: 64, microBatch: 1, recompute: 'none', dtype: 'bf16' })).step_s!;
  it('megatron counts 18 of its forward ops after the sync (nemo and the graph runtimes inherit it)', () => {
    for (const id of ['megatron', 'nemo', 'nemo-moe-graphs', 'nemo-attn-graphs']) {
      const h = libraryRuntime(id).training!.moeHost!;
      expect(h.opsAfterSync).toBe(18);
      expect(h.opsAfterSync!).toBeLessThanOrEqual(h.opsFwd);
    }
  });
  it('with the attention half in a CUDA graph, the layer is slower than max(host, device) prices it', () => {
    const g = libraryRuntime('nemo-attn-graphs');
    const maxOnly: NormalizedRuntime = { ...g, training: { ...g.training, moeHost: { ...g.training!.moeHost!, opsAfterSync: undefined } } };
    expect(run(g)).toBeGreaterThan(run(maxOnly) * 1.01);
  });
});
