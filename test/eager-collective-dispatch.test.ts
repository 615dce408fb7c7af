// A collective in a step the host dispatches op by op (vLLM V0's prompt steps, SGLang's extend batches, vLLM 0.2's every
// step) is a call the host makes too: it joins the dispatch chain beside the other ops' launch floors
// (src/runtime/launch.ts collectiveLaunchS, src/sim/decoder.ts costPass). A call the runtime's own all-reduce kernel
// takes is one custom op (per_kernel); one handed to the collective library outside graph capture is c10d's
// torch.distributed.all_reduce, which costs the host what launch.per_kernel_by_kind.collective states.
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
// a host-bound step: many tiny pointwise ops, each kernel far shorter than its dispatch
const tiny = [op('residual', 'elementwise', 64, 256, 3000)];

describe('collectiveLaunchS: the host dispatch of one collective call', () => {
  it('a library call in an eager step costs what the runtime states for it, a custom-kernel call one op', () => {
    const byKind = v06.runtime!.launch.perKernelByKindS!.collective!;
    expect(byKind).toBeGreaterThan(v06.runtime!.launch.perKernelS);
    expect(collectiveLaunchS(v06, 'prefill', false)).toBe(byKind);
    expect(collectiveLaunchS(v06, 'prefill', true)).toBe(v06.runtime!.launch.perKernelS);
  });
  it('nothing where the step is replayed: a captured decode step, a piecewise prompt step (all-reduces inside the pieces)', () => {
    expect(collectiveLaunchS(v06, 'decode', false)).toBe(0);
    expect(collectiveLaunchS(v1, 'prefill', false)).toBe(0);
    expect(collectiveLaunchS(v1, 'decode', false)).toBe(0);
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
    expect(withBig.seconds - base).toBeCloseTo(40 * v06.runtime!.launch.perKernelByKindS!.collective!, 12);
  });
  it('vLLM 0.2 (no custom all-reduce) pays the library price at every size', () => {
    const base = costPass(tiny, v02, 0, 0, 'decode').seconds;
    const t = costPass([...tiny, allreduce(16 * 1024, 10)], v02, 0, 0, 'decode').seconds;
    expect(t - base).toBeCloseTo(10 * v02.runtime!.launch.perKernelByKindS!.collective!, 12);
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
