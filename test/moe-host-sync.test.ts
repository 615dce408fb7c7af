// The host floor of a dropless MoE layer under a runtime that syncs with the host every forward
// (runtimes/megatron.yaml training.moe_host; src/sim/training/moe-host-sync.ts).
import { describe, expect, it } from 'vitest';
import { libraryModel, getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { moeHostFloor, withMoeHostFloor } from '../src/sim/training/moe-host-sync.js';
import { busiestExpertRank } from '../src/model/busiest-expert-rank.js';
import type { MoeHostSync, NormalizedRuntime } from '../src/spec/types.js';

const h100 = getLibrary().hardware['h100-sxm']!;
const megatron = libraryRuntime('megatron');
const mh = megatron.training!.moeHost!;
// the same runtime without the per-layer sync
const noSync: NormalizedRuntime = { ...megatron, training: { ...megatron.training, moeHost: undefined } };

function step(model: string, rt: NormalizedRuntime, seqLen: number, microBatch: number, ep = 8): number {
  const m = libraryModel(model);
  const r = simulateTraining(
    buildTrainRequest(m, bindRuntime(h100, rt), { devices: 8, ep, seqLen, globalBatch: 64 * microBatch, microBatch, recompute: 'selective', dtype: 'bf16' }),
  );
  return r.step_s! / (64 * microBatch); // seconds per sequence
}

describe('MoE host sync floor', () => {
  it('host time = Python ops × per-op cost + per-expert launches × launch.per_kernel; no sync, no floor', () => {
    const h: MoeHostSync = { syncsFwd: 1, perOpS: 10e-6, opsFwd: 50, opsBwd: 100, expertKernelsFwd: 2, expertKernelsBwd: 4, fp8ExpertKernelsFwd: 2, fp8ExpertKernelsBwd: 2 };
    const f = moeHostFloor(h, 16, 2.5e-6);
    expect(f.fwdS).toBeCloseTo(50 * 10e-6 + 2 * 16 * 2.5e-6, 12);
    expect(f.bwdS).toBeCloseTo(100 * 10e-6 + 4 * 16 * 2.5e-6, 12);
    expect(moeHostFloor({ ...h, syncsFwd: 0 }, 16, 2.5e-6)).toEqual({ fwdS: 0, bwdS: 0 });
    const c = { fwdS: 1e-4, bwdS: 5e-3, attnFwdS: 0, fwdFlops: 1, bwdFlops: 2 };
    const w = withMoeHostFloor(c, f);
    expect(w.fwdS).toBe(f.fwdS); // host-bound forward
    expect(w.bwdS).toBe(5e-3); // device-bound backward keeps its time
    expect(w.fwdFlops).toBe(1);
  });
  it('a per-expert GEMM call costs the runtime’s expert_gemm; fp8 adds per-expert quantize launches; both scale with local experts', () => {
    const h: MoeHostSync = { syncsFwd: 1, perOpS: 10e-6, opsFwd: 50, opsBwd: 100, expertKernelsFwd: 2, expertKernelsBwd: 4, expertGemmS: 33e-6, fp8ExpertKernelsFwd: 2, fp8ExpertKernelsBwd: 2 };
    const bf16 = moeHostFloor(h, 16, 2.5e-6);
    expect(bf16.fwdS).toBeCloseTo(50 * 10e-6 + 16 * 2 * 33e-6, 12);
    expect(bf16.bwdS).toBeCloseTo(100 * 10e-6 + 16 * 4 * 33e-6, 12);
    const fp8 = moeHostFloor(h, 16, 2.5e-6, true);
    expect(fp8.fwdS - bf16.fwdS).toBeCloseTo(16 * 2 * 2.5e-6, 12); // one quantize kernel per expert per GEMM input
    expect(fp8.bwdS - bf16.bwdS).toBeCloseTo(16 * 2 * 2.5e-6, 12);
    // linear in the local experts: twice the experts per device, twice the per-expert part
    const one = moeHostFloor(h, 1, 2.5e-6, true);
    const two = moeHostFloor(h, 2, 2.5e-6, true);
    expect(two.fwdS - one.fwdS).toBeCloseTo(one.fwdS - moeHostFloor(h, 0, 2.5e-6, true).fwdS, 12);
    // megatron prices the GEMM call above a bare launch (descriptors + heuristic per call)
    expect(mh.expertGemmS!).toBeGreaterThan(2.5e-6);
  });
  it('a forward per-expert GEMM call may cost more than a backward one (expert_gemm_fwd: TE GroupedLinear Python forward)', () => {
    const h: MoeHostSync = { syncsFwd: 1, perOpS: 22e-6, opsFwd: 50, opsBwd: 100, expertKernelsFwd: 2, expertKernelsBwd: 4, expertGemmS: 33e-6, expertGemmFwdS: 67e-6, fp8ExpertKernelsFwd: 2, fp8ExpertKernelsBwd: 2 };
    const f = moeHostFloor(h, 16, 2.5e-6);
    expect(f.fwdS).toBeCloseTo(50 * 22e-6 + 16 * 2 * 67e-6, 12);
    expect(f.bwdS).toBeCloseTo(100 * 22e-6 + 16 * 4 * 33e-6, 12);
    // megatron's forward per-op and per-expert host times are the Nsys trace's (runtimes/megatron.yaml)
    expect(mh.perOpS).toBeCloseTo(22e-6, 12);
    expect(mh.expertGemmFwdS!).toBeCloseTo(67e-6, 12);
    expect(mh.expertGemmS!).toBeCloseTo(33e-6, 12);
  });
  it('at equal FLOPs per device, a device holding more experts is slower at short sequences (host floor)', () => {
    // qwen3-30b-a3b on 8 devices: EP 8 holds 16 experts per device, EP 4 holds 32; each device still routes T·k token
    // copies through its experts, so the expert FLOPs per device are the same
    const m = libraryModel('qwen3-30b-a3b');
    const run = (ep: number, rt: NormalizedRuntime) =>
      simulateTraining(buildTrainRequest(m, bindRuntime(h100, rt), { devices: 8, ep, seqLen: 1024, globalBatch: 64, microBatch: 1, recompute: 'selective', dtype: 'bf16' }));
    const e8 = run(8, megatron);
    const e4 = run(4, megatron);
    // but for the busiest EP rank's excess over the mean, which differs with ep (src/model/busiest-expert-rank.ts): the
    // routed experts' FLOPs a step (6 per weight a token: forward, two backward GEMMs; gated 3·d·I a routed copy; plus
    // the gated activation's 3·I elements at 2 FLOPs forward and twice that backward, 18·I) times the difference of the
    // two layouts' factors, exactly
    const q = m.moe!;
    const expertFlops = 64 * 1024 * 18 * q.active * q.intermediate * (m.hidden + 1) * m.layers;
    const b = (ep: number) => busiestExpertRank(q.experts, q.active, ep * 1024, ep).rows;
    expect((e4.hardware_flops_per_step! - e8.hardware_flops_per_step!) / (expertFlops * (b(4) - b(8)))).toBeCloseTo(1, 6);
    // the host floor's share of the step grows with the local experts
    const share = (ep: number) => run(ep, megatron).step_s! / run(ep, noSync).step_s!;
    expect(share(8)).toBeGreaterThan(1);
    expect(share(4)).toBeGreaterThan(share(8));
    expect(e4.step_s!).toBeGreaterThan(e8.step_s!);
  });
  it('megatron cites its counts; the floor binds at short sequences and fades as the micro-batch grows', () => {
    expect(mh.syncsFwd).toBe(1);
    expect(mh.opsFwd).toBeGreaterThan(0);
    // qwen3-30b-a3b at 256 tokens: the per-layer host time dominates the small device work
    const small1 = step('qwen3-30b-a3b', megatron, 256, 1) / step('qwen3-30b-a3b', noSync, 256, 1);
    const small8 = step('qwen3-30b-a3b', megatron, 256, 8) / step('qwen3-30b-a3b', noSync, 256, 8);
    expect(small1).toBeGreaterThan(1.2);
    expect(small8).toBeLessThan(small1); // a fixed cost per layer and micro-batch weighs less as the micro-batch grows
    expect(small8).toBeGreaterThanOrEqual(1);
    // long sequences: the device work hides the host
    expect(step('qwen3-30b-a3b', megatron, 8192, 4) / step('qwen3-30b-a3b', noSync, 8192, 4)).toBeCloseTo(1, 6);
  });
  it('dense models are unchanged', () => {
    expect(step('llama-3.1-8b', megatron, 256, 1, 1)).toBe(step('llama-3.1-8b', noSync, 256, 1, 1));
  });
});

describe('NeMo recipes with the MoE router and preprocess in CUDA graphs (runtimes/nemo-moe-graphs.yaml)', () => {
  it('issue the router and the dispatcher preprocess as one graph launch each: fewer host ops, same per-op and per-expert costs', () => {
    const nemo = libraryRuntime('nemo').training!.moeHost!;
    const g = libraryRuntime('nemo-moe-graphs').training!.moeHost!;
    expect(g.opsFwd).toBe(nemo.opsFwd - 31 - 12 + 2); // fused router 31 kernels, preprocess ~12 → 2 graph replays
    expect(g.opsBwd).toBe(2 * g.opsFwd);
    expect(g.perOpS).toBe(nemo.perOpS);
    expect(g.expertGemmFwdS).toBe(nemo.expertGemmFwdS);
    // a short-sequence MoE run bound by the host is faster with the graphs, never slower
    const m = libraryModel('qwen3-30b-a3b');
    const run = (rt: string) => simulateTraining(buildTrainRequest(m, bindRuntime(h100, libraryRuntime(rt)), { devices: 8, ep: 8, seqLen: 2048, globalBatch: 64, microBatch: 1, recompute: 'none', dtype: 'bf16' }));
    expect(run('nemo-moe-graphs').step_s).toBeLessThan(run('nemo').step_s);
  });
});

describe('NeMo recipes that also capture the attention half in the layer graph (runtimes/nemo-attn-graphs.yaml)', () => {
  it('the attention half’s ~13 ops join the captured graph: fewer host ops, same per-op and per-expert costs, never slower', () => {
    const g = libraryRuntime('nemo-moe-graphs').training!.moeHost!;
    const a = libraryRuntime('nemo-attn-graphs').training!.moeHost!;
    expect(a.opsFwd).toBe(g.opsFwd - 13); // one TE graph per layer holds attention, router and preprocess
    expect(a.opsBwd).toBe(2 * a.opsFwd);
    expect(a.perOpS).toBe(g.perOpS);
    expect(a.expertGemmFwdS).toBe(g.expertGemmFwdS);
    expect(a.syncsFwd).toBe(g.syncsFwd); // the routed experts stay outside the graph: the sync remains
    const m = libraryModel('qwen3-30b-a3b');
    const run = (rt: string) => simulateTraining(buildTrainRequest(m, bindRuntime(h100, libraryRuntime(rt)), { devices: 8, ep: 8, seqLen: 2048, globalBatch: 64, microBatch: 1, recompute: 'none', dtype: 'bf16' }));
    expect(run('nemo-attn-graphs').step_s).toBeLessThan(run('nemo-moe-graphs').step_s);
    // long sequences: the device work hides the host either way
    const long = (rt: string) => simulateTraining(buildTrainRequest(m, bindRuntime(h100, libraryRuntime(rt)), { devices: 8, ep: 8, seqLen: 16384, globalBatch: 32, microBatch: 4, recompute: 'none', dtype: 'bf16' }));
    expect(long('nemo-attn-graphs').step_s).toBeLessThanOrEqual(long('nemo-moe-graphs').step_s!);
  });
});
