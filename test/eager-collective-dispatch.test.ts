// A collective in a step the host dispatches op by op (vLLM V0's prompt steps, SGLang's extend batches, vLLM 0.2's every
// step) is a call the host makes too: it joins the dispatch chain beside the other ops' launch floors
// (src/runtime/launch.ts collectiveLaunchS, src/sim/decoder.ts costPass). A call the runtime's own all-reduce kernel
// takes is one custom op (per_kernel); one handed to the collective library outside graph capture is a c10d call
// (torch.distributed.all_reduce / all_gather / reduce_scatter), which costs the host what launch.per_kernel_by_kind
// states for that collective kind; a kind it does not name (an all-to-all: no evidence) costs per_kernel.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { collectiveLaunchS } from '../src/runtime/launch.js';
import { customAllreduceSeconds } from '../src/runtime/collectives.js';
import { costPass, costPrepared, preparePass } from '../src/sim/decoder.js';
import type { GraphOp } from '../src/model/decoder-graph.js';

const lib = getLibrary();
const h100 = lib.hardware['h100-sxm']!;
const v06 = bindRuntime(h100, libraryRuntime('vllm-0.6'));
const v02 = bindRuntime(lib.hardware['a100-pcie-80gb']!, libraryRuntime('vllm-0.2'));
const v1 = bindRuntime(h100, libraryRuntime('vllm'));
const MiB = 1024 * 1024;

function op(name: string, kind: GraphOp['kind'], flops: number, bytes: number, count: number): GraphOp {
  return { name, kind, flops, bytes, weightBytes: 0, dtype: 'bf16', count, flopsPerCtx: 0, bytesPerCtx: 0 };
}
function allreduce(bytes: number, count: number, group = 4): GraphOp {
  return { ...op('allreduce_attn', 'collective', 0, 0, count), comm: { kind: 'allreduce', bytes, group, scope: 'scale_up' } };
}
function collective(kind: 'allgather' | 'reducescatter' | 'alltoall', bytes: number, count: number, group = 4): GraphOp {
  return { ...op(kind === 'alltoall' ? 'alltoall_moe' : `dp_${kind}`, 'collective', 0, 0, count), comm: { kind, bytes, group, scope: 'scale_up' } };
}
// a host-bound step: many tiny pointwise ops, each kernel far shorter than its dispatch
const tiny = [op('residual', 'elementwise', 64, 256, 3000)];

describe('collectiveLaunchS: the host dispatch of one collective call', () => {
  it('a library call in an eager step costs what the runtime states for it, a custom-kernel call one op', () => {
    const byKind = v06.runtime!.launch.perKernelByKindS!.allreduce!;
    expect(byKind).toBeGreaterThan(v06.runtime!.launch.perKernelS);
    expect(collectiveLaunchS(v06, 'prefill', 'allreduce', false)).toBe(byKind);
    expect(collectiveLaunchS(v06, 'prefill', 'allreduce', true)).toBe(v06.runtime!.launch.perKernelS);
  });
  it("each collective kind at its own c10d figure (pytorch/pytorch issue #138773: all_reduce 89, all_gather 131, reduce_scatter 122 us); an all-to-all, untimed there, at per_kernel", () => {
    for (const rt of [v06, v02, bindRuntime(h100, libraryRuntime('sglang'))]) {
      expect(collectiveLaunchS(rt, 'prefill', 'allreduce', false)).toBeCloseTo(89e-6, 12);
      expect(collectiveLaunchS(rt, 'prefill', 'allgather', false)).toBeCloseTo(131e-6, 12);
      expect(collectiveLaunchS(rt, 'prefill', 'reducescatter', false)).toBeCloseTo(122e-6, 12);
      expect(collectiveLaunchS(rt, 'prefill', 'alltoall', false)).toBe(rt.runtime!.launch.perKernelS);
    }
  });
  it('nothing where the step is replayed: a captured decode step, a piecewise prompt step (all-reduces inside the pieces)', () => {
    expect(collectiveLaunchS(v06, 'decode', 'allreduce', false)).toBe(0);
    expect(collectiveLaunchS(v1, 'prefill', 'allreduce', false)).toBe(0);
    expect(collectiveLaunchS(v1, 'decode', 'allreduce', false)).toBe(0);
    expect(collectiveLaunchS(v1, 'prefill', 'alltoall', false)).toBe(0);
  });
});

describe('an eager step dispatches its collectives in the host chain', () => {
  it('a host-bound step grows by the calls: library calls at the runtime price, custom-kernel calls at per_kernel', () => {
    const base = costPass(tiny, v06, 0, 0, 'prefill').seconds;
    const small = allreduce(64 * 1024, 40);
    const big = allreduce(64 * MiB, 40);
    // the small message is the custom kernel's (vLLM's table on an H100), the large one the library's
    expect(customAllreduceSeconds(v06, small.comm!.bytes, 4)).toBeDefined();
    expect(customAllreduceSeconds(v06, big.comm!.bytes, 4)).toBeUndefined();
    const withSmall = costPass([...tiny, small], v06, 0, 0, 'prefill');
    const withBig = costPass([...tiny, big], v06, 0, 0, 'prefill');
    expect(withSmall.seconds - base).toBeCloseTo(40 * v06.runtime!.launch.perKernelS, 12);
    // host-bound still with 40 library calls (the chain outlasts the step's device time, collectives included)
    expect(withBig.bound).toBe('overhead');
    expect(withBig.seconds - base).toBeCloseTo(40 * v06.runtime!.launch.perKernelByKindS!.allreduce!, 12);
  });
  it('vLLM 0.2 (no custom all-reduce) pays the library price at every size', () => {
    const base = costPass(tiny, v02, 0, 0, 'decode').seconds;
    const t = costPass([...tiny, allreduce(16 * 1024, 10)], v02, 0, 0, 'decode').seconds;
    expect(t - base).toBeCloseTo(10 * v02.runtime!.launch.perKernelByKindS!.allreduce!, 12);
  });
  it("an expert-parallel all-to-all in an eager step joins the chain at per_kernel, not at the all-reduce's c10d figure", () => {
    const base = costPass(tiny, v06, 0, 0, 'prefill').seconds;
    const a2a = collective('alltoall', 64 * 1024, 40);
    const c = costPass([...tiny, a2a], v06, 0, 0, 'prefill');
    expect(c.bound).toBe('overhead');
    expect(c.seconds - base).toBeCloseTo(40 * v06.runtime!.launch.perKernelS, 12);
    // an all-gather (an attention-DP gather) at its own figure, above the all-reduce's
    const ag = costPass([...tiny, collective('allgather', 64 * 1024, 40)], v06, 0, 0, 'prefill');
    expect(ag.seconds - base).toBeCloseTo(40 * v06.runtime!.launch.perKernelByKindS!.allgather!, 12);
    expect(costPrepared(preparePass([...tiny, a2a], v06, 'prefill'), v06, 0, 0, 'prefill').seconds).toBe(c.seconds);
  });
  it('a captured decode step adds the collective device time alone', () => {
    const base = costPass(tiny, v06, 0, 0, 'decode').seconds;
    const c = costPass([...tiny, allreduce(64 * MiB, 40)], v06, 0, 0, 'decode');
    expect(c.rows).toBeUndefined();
    expect(c.commS).toBeGreaterThan(0);
    expect(c.seconds - base).toBeCloseTo(c.commS, 9);
  });
  it('a prepared pass (the sweep memo) prices the calls the same, bit for bit', () => {
    const ops = [...tiny, allreduce(64 * MiB, 40), allreduce(64 * 1024, 40)];
    const direct = costPass(ops, v06, 0, 0, 'prefill').seconds;
    expect(costPrepared(preparePass(ops, v06, 'prefill'), v06, 0, 0, 'prefill').seconds).toBe(direct);
  });
  it('a CPU run as the device adds no dispatch of its own to the collective', () => {
    const cpu = bindRuntime(lib.hardware['xeon-6980p']!, libraryRuntime('vllm-0.6'));
    const base = costPass(tiny, cpu, 0, 0, 'prefill');
    const c = costPass([...tiny, allreduce(64 * MiB, 4, 2)], cpu, 0, 0, 'prefill');
    expect(c.seconds - base.seconds).toBeCloseTo(c.commS, 12);
  });
});

// DeepSpeed-FastGen runs every step eagerly and hands its all-reduces (two a layer) and the logits' all-gather to
// torch.distributed through deepspeed.comm (runtimes/deepspeed-fastgen.yaml launch): each call pays the c10d figure, so a
// deep tensor-parallel model at batch 1 is host-bound on those calls.
describe('DeepSpeed-FastGen: its collectives are c10d calls from Python', () => {
  const a100 = lib.hardware['a100-sxm4-80gb']!;
  const fg = bindRuntime(a100, libraryRuntime('deepspeed-fastgen'));
  it('an all-reduce and an all-gather at their c10d figures in every step (no graphs, no custom kernel)', () => {
    for (const phase of ['prefill', 'decode'] as const) {
      expect(collectiveLaunchS(fg, phase, 'allreduce', false)).toBeCloseTo(89e-6, 12);
      expect(collectiveLaunchS(fg, phase, 'allgather', false)).toBeCloseTo(131e-6, 12);
    }
    expect(customAllreduceSeconds(fg, 16 * 1024, 8)).toBeUndefined();
  });
  it('a decode step of 80 layers x 2 small all-reduces costs at least their 160 calls of host time', () => {
    const calls = allreduce(16 * 1024, 160, 8);
    const c = costPass([op('residual', 'elementwise', 64, 256, 720), calls], fg, 0, 0, 'decode');
    expect(c.bound).toBe('overhead');
    expect(c.seconds).toBeGreaterThanOrEqual(160 * 89e-6 + 720 * fg.runtime!.launch.perKernelS - 1e-12);
  });
});
