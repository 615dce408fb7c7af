// vLLM before CUDA graphs (runtimes/vllm-0.2.yaml): the engine of autumn 2023 ran every step eagerly (graphs came with
// vllm PR #1926, v0.2.6) and all-reduced through NCCL (vLLM's custom all-reduce came with PR #2192), so a tensor-parallel
// batch-1 decode pays eager dispatch and the collective library's small-message time where vllm-0.6 replays a graph
// and runs its own all-reduce kernel.
import { describe, expect, it } from 'vitest';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { libraryModel } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel } from '../src/index.js';
import { bound } from './helpers/bound.js';
import { useScratchDir } from './helpers/scratch.js';

const scratch = useScratchDir('vllm-eager-');
const llama70 = libraryModel('llama-2-70b') as DecoderModel;
const decode = (rt: string, tp: number) =>
  simulate({ model: llama70, hardware: bound('a100-pcie-80gb', rt), resolveModel: libraryModel, tp, pp: 1, batch: 1, inputTokens: 7, outputTokens: 256, dtype: 'fp16' });

describe('vllm-0.2: eager steps and NCCL all-reduces', () => {
  it('runs no graphs, eager PyTorch per-op dispatch, and no all-reduce table of its own on NVIDIA parts', () => {
    for (const hw of ['a100-pcie-80gb', 'a100-sxm4-80gb', 'h100-sxm']) {
      const rt = bound(hw, 'vllm-0.2').runtime!;
      expect(rt.launch.graphs).toBe('none');
      expect(rt.launch.perKernelByKindS!.gemm).toBeCloseTo(30.8e-6, 12);
      expect(rt.collectives?.customAllreduce).toBeFalsy();
    }
    expect(bound('a100-sxm4-80gb', 'vllm-0.6').runtime!.collectives?.customAllreduce).toBeDefined();
    expect(bound('a100-pcie-80gb', 'vllm-0.6').runtime!.launch.graphs).toBe('decode');
    // no chunked prefill before the 0.4 releases, at any context length
    expect(bound('a100-pcie-80gb', 'vllm-0.2').runtime!.scheduler.longContext!.chunkedPrefill).toBe(false);
    expect(bound('a100-pcie-80gb', 'vllm-0.6').runtime!.scheduler.longContext!.chunkedPrefill).toBe(true);
    // the rest of the V0 engine is inherited
    expect(bound('a100-pcie-80gb', 'vllm-0.2').runtime!.memory.share).toBe(bound('a100-pcie-80gb', 'vllm-0.6').runtime!.memory.share);
  });
  it('prices a TP 2 / TP 4 batch-1 decode step slower than the graph-replaying engine, the all-reduces included', () => {
    for (const tp of [2, 4]) {
      const eager = decode('vllm-0.2', tp), graphs = decode('vllm-0.6', tp);
      // (the host's dispatch runs ahead of the GEMMs, src/runtime/launch.ts asyncStepSeconds: the step is not the sum of
      // max(kernel, dispatch) per op, so a 70B layer's weight reads hide most of it)
      expect(eager.tpot_s!).toBeGreaterThan(graphs.tpot_s! * 1.02);
      const comm = (r: typeof eager) => r.phases.find((p) => p.name === 'decode')!.comm_s;
      // TP 2 sits inside the part's peer domain, where vllm-0.6 runs its own all-reduce kernel; TP 4 goes to NCCL in both
      if (tp === 2) expect(comm(eager)).toBeGreaterThan(comm(graphs) * 1.5);
      else expect(comm(eager)).toBeCloseTo(comm(graphs), 12);
      expect(Number.isFinite(eager.e2e_s)).toBe(true);
    }
    // more devices still make the step faster (monotone in hardware)
    expect(decode('vllm-0.2', 4).tpot_s!).toBeLessThan(decode('vllm-0.2', 2).tpot_s!);
  });
  it('collectives.custom_allreduce: false drops an inherited table; other values are a one-line error', async () => {
    const base = `id: my-old-vllm\nname: x\nkind: runtime\nrole: serving\nextends: vllm\nsources: [test]\n`;
    const off = `collectives:\n  custom_allreduce: false\n  source: "release before the kernel"\nby_vendor:\n  nvidia:\n    collectives:\n      custom_allreduce: false\n      source: s\nby_architecture:\n  ampere:\n    collectives:\n      custom_allreduce: false\n      source: s\n`;
    const ok = await loadSpecFile(scratch.write('ar-off.yaml', base + off));
    expect(ok.errors.map(formatIssue)).toEqual([]);
    const spec = ok.value!.spec as any;
    expect(spec.collectives?.customAllreduce).toBeFalsy();
    expect(spec.byVendor.nvidia.collectives?.customAllreduce).toBeFalsy();
    const bad = (await loadSpecFile(scratch.write('ar-bad.yaml', base + 'collectives:\n  custom_allreduce: true\n  source: s\n'))).errors.map(formatIssue);
    expect(bad.length).toBeGreaterThan(0);
    expect(bad[0]).toMatch(/ar-bad\.yaml/);
  });
});
