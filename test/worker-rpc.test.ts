// host.worker_rpc: an engine that calls every worker remotely each step (vLLM 0.2 at tp > 1: one Ray actor call per
// GPU worker, then ray.get of all; runtimes/vllm-0.2.yaml) pays one call's round trip plus one submission per further
// worker on every step; one worker runs in the engine's process and pays nothing.
import { describe, expect, it } from 'vitest';
import { runCommand } from '@oclif/test';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { libraryModel } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { hostStepSeconds, workerRpcSeconds, workerRpcWorkers } from '../src/runtime/host.js';
import type { DecoderModel } from '../src/index.js';
import { bound } from './helpers/bound.js';
import { useScratchDir } from './helpers/scratch.js';

const scratch = useScratchDir('worker-rpc-');
const llama70 = libraryModel('llama-2-70b') as DecoderModel;
const run = (hardware: ReturnType<typeof bound>, tp: number) =>
  simulate({ model: llama70, hardware, resolveModel: libraryModel, tp, pp: 1, batch: 1, inputTokens: 7, outputTokens: 256, dtype: 'fp16' });
// the same binding without the Ray calls: the step's price before host.worker_rpc
const withoutRpc = (hw: ReturnType<typeof bound>) => ({ ...hw, runtime: { ...hw.runtime!, workerRpc: undefined } });

describe('host.worker_rpc', () => {
  it('vllm-0.2 carries Ray actor-call times from Ray\'s microbenchmark; V1 and TensorRT-LLM carry no worker calls', () => {
    const rt = bound('a100-pcie-80gb', 'vllm-0.2').runtime!;
    expect(rt.workerRpc!.roundTripS).toBeCloseTo(1 / 2011.9, 6);
    expect(rt.workerRpc!.perWorkerS).toBeCloseTo(1 / 8038.2, 6);
    // the inherited host block stays: 580 us a step + 19 us a sequence
    expect(rt.stepOverheadS).toBeCloseTo(580e-6, 12);
    expect(rt.hostPerSequenceS).toBeCloseTo(19e-6, 12);
    for (const id of ['vllm', 'tensorrt-llm']) expect(bound('a100-pcie-80gb', id).runtime!.workerRpc).toBeUndefined();
  });
  it('V0 (vllm-0.5 to 0.7) pays nine c10d broadcasts of the step\'s input tensors at tp > 1, whatever the group size', () => {
    // runtimes/vllm-0.6.yaml host.worker_rpc: broadcast_tensor_dict's nine tensors x 89 us (pytorch issue #138773's
    // all-reduce), issued by every rank at once, so nothing per further worker
    for (const id of ['vllm-0.5', 'vllm-0.6', 'vllm-0.7']) {
      const rt = bound('a100-pcie-80gb', id).runtime!;
      expect(rt.workerRpc!.roundTripS).toBeCloseTo(9 * 89e-6, 9);
      expect(rt.workerRpc!.perWorkerS).toBe(0);
      expect(rt.workerRpc!.group).toBe('tp');
      expect(workerRpcSeconds(rt, 1)).toBe(0);
      expect(workerRpcSeconds(rt, 2)).toBeCloseTo(workerRpcSeconds(rt, 8), 12);
      // the broadcast runs on the TP group (do_metadata_broadcast: tensor_parallel_size > 1): tp 1 pays none at any pp
      expect(workerRpcWorkers(rt, 1, 4)).toBe(1);
      expect(workerRpcWorkers(rt, 2, 4)).toBe(2);
    }
    // vLLM 0.2's Ray actors are every device's
    expect(workerRpcWorkers(bound('a100-pcie-80gb', 'vllm-0.2').runtime, 2, 2)).toBe(4);
    const hw = bound('a100-pcie-80gb', 'vllm-0.6');
    for (const tp of [2, 4]) expect(run(hw, tp).tpot_s! - run(withoutRpc(hw), tp).tpot_s!).toBeCloseTo(9 * 89e-6, 6);
    const pp2 = (h: ReturnType<typeof bound>) => simulate({ model: llama70, hardware: h, resolveModel: libraryModel, tp: 1, pp: 2, batch: 1, inputTokens: 7, outputTokens: 64, dtype: 'fp16' });
    expect(pp2(hw).tpot_s).toBeCloseTo(pp2(withoutRpc(hw)).tpot_s!, 12);
  });
  it('costs round_trip + (workers - 1) x per_worker above one worker, nothing at one', () => {
    const rt = { workerRpc: { roundTripS: 500e-6, perWorkerS: 100e-6 } };
    expect(workerRpcSeconds(rt, 1)).toBe(0);
    expect(workerRpcSeconds(rt, 2)).toBeCloseTo(600e-6, 12);
    expect(workerRpcSeconds(rt, 4)).toBeCloseTo(800e-6, 12);
    expect(workerRpcSeconds(undefined, 8)).toBe(0);
    expect(hostStepSeconds({ stepOverheadS: 1e-3, ...rt }, 1, 0, 0, 4) - hostStepSeconds({ stepOverheadS: 1e-3, ...rt }, 1, 0, 0, 1)).toBeCloseTo(800e-6, 12);
  });
  it('adds exactly the calls to every tp > 1 step of simulate and nothing at tp 1', () => {
    const hw = bound('a100-pcie-80gb', 'vllm-0.2');
    for (const tp of [2, 4]) {
      const a = run(hw, tp), b = run(withoutRpc(hw), tp);
      const calls = 497e-6 + (tp - 1) * 124e-6;
      expect(a.tpot_s! - b.tpot_s!).toBeCloseTo(calls, 6);
      expect(a.ttft_s! - b.ttft_s!).toBeCloseTo(calls, 6);
    }
    const h100 = bound('h100-sxm', 'vllm-0.2');
    const one = (h: ReturnType<typeof bound>) => simulate({ model: libraryModel('llama-2-7b') as DecoderModel, hardware: h, resolveModel: libraryModel, tp: 1, pp: 1, batch: 1, inputTokens: 7, outputTokens: 64, dtype: 'fp16' });
    expect(one(h100).tpot_s).toBeCloseTo(one(withoutRpc(h100)).tpot_s!, 12);
    // more devices still make the step faster (monotone in hardware)
    expect(run(hw, 4).tpot_s!).toBeLessThan(run(hw, 2).tpot_s!);
  });
  it('a worker_rpc missing a field, or a negative time, is a one-line error naming the file', async () => {
    const base = `id: my-ray-engine\nname: x\nkind: runtime\nrole: serving\nextends: vllm\nsources: [test]\n`;
    const ok = await loadSpecFile(scratch.write('ok.yaml', base + 'host:\n  worker_rpc: {round_trip: 0.5 ms, per_worker: 0.1 ms}\n  source: s\n'));
    expect(ok.errors.map(formatIssue)).toEqual([]);
    expect((ok.value!.spec as any).workerRpc).toEqual({ roundTripS: 0.5e-3, perWorkerS: 0.1e-3 });
    for (const [name, body] of [['missing.yaml', '{round_trip: 0.5 ms}'], ['negative.yaml', '{round_trip: -0.5 ms, per_worker: 0.1 ms}']]) {
      const bad = (await loadSpecFile(scratch.write(name, base + `host:\n  worker_rpc: ${body}\n  source: s\n`))).errors.map(formatIssue);
      expect(bad.length).toBeGreaterThan(0);
      expect(bad[0]).toContain(name);
      expect(bad[0].split('\n').length).toBe(1);
    }
  });
  it('group: tp limits the calls to the tensor-parallel group; another group is a one-line error naming the file', async () => {
    const base = `id: my-v0-engine\nname: x\nkind: runtime\nrole: serving\nextends: vllm\nsources: [test]\n`;
    const tpOnly = await loadSpecFile(scratch.write('tp.yaml', base + 'host:\n  worker_rpc: {round_trip: 0.5 ms, per_worker: 0 ms, group: tp}\n  source: s\n'));
    expect(tpOnly.errors.map(formatIssue)).toEqual([]);
    expect((tpOnly.value!.spec as any).workerRpc).toEqual({ roundTripS: 0.5e-3, perWorkerS: 0, group: 'tp' });
    const bad = (await loadSpecFile(scratch.write('group.yaml', base + 'host:\n  worker_rpc: {round_trip: 0.5 ms, per_worker: 0 ms, group: pp}\n  source: s\n'))).errors.map(formatIssue);
    expect(bad.length).toBeGreaterThan(0);
    expect(bad[0]).toContain('group.yaml');
    expect(bad[0].split('\n').length).toBe(1);
  });
  it('show runtime prints a per-worker cost only where there is one (vllm-0.6 printed "801 µs + 0 s per further worker")', async () => {
    const root = new URL('..', import.meta.url).pathname;
    const v6 = (await runCommand(['show', 'runtime', 'vllm-0.6'], { root })).stdout;
    expect(v6).toContain('above one tensor-parallel worker, 801 µs of remote calls, whatever the worker count');
    expect(v6).not.toContain('per further worker');
    const v2 = (await runCommand(['show', 'runtime', 'vllm-0.2'], { root })).stdout;
    expect(v2).toMatch(/above one worker, [\d.]+ µs \+ [\d.]+ µs per further worker of remote calls/);
  });
});
