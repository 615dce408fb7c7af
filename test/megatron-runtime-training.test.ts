// What the megatron and nemo runtimes say about a training step, each piece pinned: the DP gradient overlap Megatron-Core
// leaves off by default, the 16-bit expert dispatch of its alltoall dispatcher, the router's kernel count with and
// without the fused router, and the Grace host's per-op cost (runtimes/megatron.yaml, runtimes/nemo.yaml).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { epDispatchBytes } from '../src/sim/training/step.js';
import { moeHostFloor } from '../src/sim/training/moe-host-sync.js';
import { linkCollectiveEfficiency } from '../src/sim/training/link-efficiency.js';
import { IB_ALLTOALL_BUSBW, IB_RING_BUSBW } from '../src/sim/scale-out-busbw.js';
import { COLLECTIVE_SHAPE, collectiveEfficiency, lookupEfficiency } from '../src/hardware/efficiency.js';
import type { MoeHostSync, NormalizedRuntime } from '../src/spec/types.js';

const hw = (id: string) => getLibrary().hardware[id]!;
const megatron = libraryRuntime('megatron');
const nemo = libraryRuntime('nemo');

describe('megatron / nemo training runtimes', () => {
  it('Megatron-Core default: gradient reduce-scatter and parameter gather not overlapped (dp_grad 0); NeMo recipes overlap them', () => {
    expect(bindRuntime(hw('h100-sxm'), megatron).runtime!.overlap.dpGrad).toBe(0);
    expect(bindRuntime(hw('h100-sxm'), nemo).runtime!.overlap.dpGrad).toBe(1);
    // a DP-only dense run: the whole reduce-scatter + gather shows under megatron, the last bucket's under nemo
    const m = libraryModel('llama-3.1-8b');
    const run = (rt: NormalizedRuntime) =>
      simulateTraining(buildTrainRequest(m, bindRuntime(hw('h100-sxm'), rt), { devices: 8, seqLen: 4096, globalBatch: 64, microBatch: 1, recompute: 'selective', dtype: 'bf16' }));
    const off = run(megatron);
    const on = run(nemo);
    expect(off.breakdown.dp_comm_s).toBeGreaterThan(2 * on.breakdown.dp_comm_s);
    expect(off.step_s!).toBeGreaterThan(on.step_s!);
  });

  it('expert dispatch moves fp8 tokens only where the runtime quantizes before the exchange', () => {
    expect(epDispatchBytes('bf16', undefined, false)).toBe(2);
    expect(epDispatchBytes('fp8', undefined, false)).toBe(1); // DeepSeek-V3 §3.3
    expect(epDispatchBytes('fp8', 'bf16', false)).toBe(2); // Megatron-Core alltoall: quantized after the permute
    expect(epDispatchBytes('fp8', 'bf16', true)).toBe(1); // DualPipe is priced with DeepSeek's own fp8 dispatch
    expect(megatron.training!.epDispatch).toBe('bf16');
    // end to end: the same fp8 MoE run exchanges more bytes under megatron than with fp8 dispatch
    const m = libraryModel('qwen3-30b-a3b');
    const fp8Dispatch: NormalizedRuntime = { ...megatron, training: { ...megatron.training, epDispatch: 'fp8' } };
    const run = (rt: NormalizedRuntime) =>
      simulateTraining(buildTrainRequest(m, bindRuntime(hw('h100-sxm'), rt), { devices: 8, ep: 8, seqLen: 4096, globalBatch: 64, microBatch: 1, recompute: 'selective', dtype: 'fp8' }));
    const a = run(megatron).breakdown.ep_comm_s;
    const b = run(fp8Dispatch).breakdown.ep_comm_s;
    // dispatch 2 + combine 2 + two backward exchanges 2 + 2 = 8 bytes per element against 7
    expect(a / b).toBeGreaterThan(1.1);
    expect(a / b).toBeLessThan(8 / 7 + 0.01);
  });

  it('router kernels: 72 unfused (megatron default) vs 31 fused (nemo recipes) per MoE layer forward', () => {
    const mh = megatron.training!.moeHost!;
    const nh = nemo.training!.moeHost!;
    expect(mh.opsFwd - nh.opsFwd).toBe(72 - 31);
    expect(mh.opsBwd).toBe(2 * mh.opsFwd);
    expect(nh.opsBwd).toBe(2 * nh.opsFwd);
    // the rest of the nemo host model is megatron's
    expect(nh.expertGemmS).toBe(mh.expertGemmS);
    expect(nh.perOpS).toBe(mh.perOpS);
  });

  it('a Grace host pays host_cpu_scale × the x86 host time; every host term scales alike', () => {
    const onGrace = bindRuntime(hw('gb200'), megatron).runtime!.training!;
    expect(onGrace.hostCpuScale).toBeCloseTo(2.6, 9);
    expect(bindRuntime(hw('gh200'), megatron).runtime!.training!.hostCpuScale).toBeCloseTo(2.6, 9);
    expect(bindRuntime(hw('b200'), megatron).runtime!.training!.hostCpuScale).toBeUndefined();
    // the override keeps the rest of the training block
    expect(onGrace.moeHost).toEqual(megatron.training!.moeHost);
    const h: MoeHostSync = { syncsFwd: 1, perOpS: 10e-6, opsFwd: 50, opsBwd: 100, expertKernelsFwd: 2, expertKernelsBwd: 4, expertGemmS: 33e-6, fp8ExpertKernelsFwd: 2, fp8ExpertKernelsBwd: 2 };
    const x86 = moeHostFloor(h, 16, 2.5e-6, true);
    const grace = moeHostFloor(h, 16, 2.5e-6, true, 2.6);
    expect(grace.fwdS).toBeCloseTo(2.6 * x86.fwdS, 12);
    expect(grace.bwdS).toBeCloseTo(2.6 * x86.bwdS, 12);
    // a host-bound MoE step on a Grace part is slower than the same step priced with x86 host times
    const m = libraryModel('qwen3-30b-a3b');
    const x86Host: NormalizedRuntime = { ...megatron, byHardware: {} };
    const run = (rt: NormalizedRuntime) =>
      simulateTraining(buildTrainRequest(m, bindRuntime(hw('gb200'), rt), { devices: 8, ep: 8, seqLen: 1024, globalBatch: 64, microBatch: 1, recompute: 'selective', dtype: 'bf16' }));
    expect(run(megatron).step_s!).toBeGreaterThan(run(x86Host).step_s!);
  });

  it('a ring over InfiniBand reaches 0.94 of the NIC (nccl-tests), not the scale-up sweep; other links keep the spec', () => {
    const h = hw('h200-sxm');
    for (const b of [1e6, 8e7, 1e9]) {
      expect(linkCollectiveEfficiency(h, h.scaleOut!, b)).toBeCloseTo(IB_RING_BUSBW * lookupEfficiency(COLLECTIVE_SHAPE, b), 12);
      expect(linkCollectiveEfficiency(h, h.scaleUp!, b)).toBe(collectiveEfficiency(h.efficiency, b));
    }
    // large messages over IB beat the NVLS-table figure the scale-up sweep would give them
    expect(linkCollectiveEfficiency(h, h.scaleOut!, 1e9)).toBeGreaterThan(collectiveEfficiency(h.efficiency, 1e9));
    // monotone in size: a bigger bucket never reaches a smaller fraction
    expect(linkCollectiveEfficiency(h, h.scaleOut!, 4e8)).toBeGreaterThanOrEqual(linkCollectiveEfficiency(h, h.scaleOut!, 4e7));
    // a ZeRO-3 run across 4 nodes exposes less gather / reduce-scatter time than with the scale-up figure, and one node is unchanged
    const m = libraryModel('llama-3.1-8b');
    const tt = libraryRuntime('torchtitan');
    const run = (devices: number, hwv = h) =>
      simulateTraining(buildTrainRequest(m, bindRuntime(hwv, tt), { devices, dp: devices, zero: 3, seqLen: 8192, globalBatch: 2 * devices, microBatch: 2, recompute: 'selective', dtype: 'bf16' }));
    const roce = { ...h, scaleOut: { ...h.scaleOut!, technology: 'roce-400g' } };
    expect(run(32).breakdown.dp_comm_s).toBeLessThan(run(32, roce).breakdown.dp_comm_s);
    expect(run(8).step_s).toBe(run(8, roce).step_s);
  });

  it('the off-node share of the expert all-to-all runs at DeepEP’s measured 0.9 of an InfiniBand NIC', () => {
    const h = hw('h100-sxm');
    expect(linkCollectiveEfficiency(h, h.scaleOut!, 5e8, true)).toBeCloseTo(IB_ALLTOALL_BUSBW * lookupEfficiency(COLLECTIVE_SHAPE, 5e8), 12);
    expect(IB_ALLTOALL_BUSBW).toBeLessThan(IB_RING_BUSBW);
    const m = libraryModel('qwen3-30b-a3b');
    const run = (ep: number, hwv = h) =>
      simulateTraining(buildTrainRequest(m, bindRuntime(hwv, megatron), { devices: ep, ep, seqLen: 4096, globalBatch: 4 * ep, microBatch: 1, recompute: 'selective', dtype: 'bf16' }));
    const roce = { ...h, scaleOut: { ...h.scaleOut!, technology: 'roce-400g' } };
    // EP 16 spans two nodes: the InfiniBand part is priced at the all-to-all rate, faster than the scale-up sweep
    expect(run(16).breakdown.ep_comm_s).toBeLessThan(run(16, roce).breakdown.ep_comm_s);
    // EP 8 stays on NVLink: unchanged
    expect(run(8).breakdown.ep_comm_s).toBe(run(8, roce).breakdown.ep_comm_s);
  });
});
