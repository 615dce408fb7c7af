// vLLM replays CUDA graphs of the model's forward only: the model runner calls compute_logits (the output head's linear,
// then LogitsProcessor._gather_logits, an all-gather at tp > 1 under V1) after the replayed forward returns
// (vllm/v1/worker/gpu_model_runner.py execute_model), so every step the host dispatches the head and the logits'
// all-gather, a c10d call (131 us of host, pytorch/pytorch issue #138773), whether or not the step replays graphs
// (runtimes/vllm.yaml launch.outside_graph; src/runtime/launch.ts launchFloorForOpS). The ops join the step's dispatch
// chain, which runs beside the device's kernels: a step lasts max(host chain, device).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { collectiveLaunchS, launchFloorForOpS } from '../src/runtime/launch.js';
import { costPass } from '../src/sim/decoder.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { applySetPlain } from '../src/hardware/set-path.js';
import type { GraphOp } from '../src/model/decoder-graph.js';
import type { NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const h100 = lib.hardware['h100-sxm']!;
const v1 = bindRuntime(h100, libraryRuntime('vllm'));
const sglang = bindRuntime(h100, libraryRuntime('sglang'));
// the same runtime with every op of a replayed step inside the graph (the price before outside_graph)
const allCaptured = (hw: NormalizedHardware): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, launch: { ...hw.runtime!.launch, outsideGraph: undefined } } });

function op(name: string, kind: GraphOp['kind'], flops: number, bytes: number, count: number): GraphOp {
  return { name, kind, flops, bytes, weightBytes: 0, dtype: 'bf16', count, flopsPerCtx: 0, bytesPerCtx: 0 };
}
const gather = (name: string, bytes: number, group: number): GraphOp =>
  ({ ...op(name, 'collective', 0, 0, 1), comm: { kind: 'allgather', bytes, group, scope: 'scale_up' } });

describe("launch.outside_graph: the ops vLLM's model runner calls after the replayed forward", () => {
  it('vllm names the output head and the logits gather', () => {
    expect(v1.runtime!.launch.outsideGraph).toEqual(['lm_head', 'logits_gather']);
    expect(sglang.runtime!.launch.outsideGraph).toBeUndefined();
  });
  it('the logits all-gather costs the host a c10d all_gather (131 us) in a replayed decode step; a captured collective nothing', () => {
    expect(collectiveLaunchS(v1, 'decode', 'allgather', false, 'logits_gather')).toBeCloseTo(131e-6, 12);
    expect(collectiveLaunchS(v1, 'prefill', 'allgather', false, 'logits_gather')).toBeCloseTo(131e-6, 12);
    expect(collectiveLaunchS(v1, 'decode', 'allgather', false, 'dp_allgather')).toBe(0);
    expect(collectiveLaunchS(v1, 'decode', 'allreduce', false, 'allreduce_attn')).toBe(0);
    // SGLang captures its logits processor inside the decode graph: sgl-project/sglang
    // python/sglang/srt/model_executor/cuda_graph_runner.py @21514ff5 capture_one_batch_size's run_once captures
    // `logits_output_or_pp_proxy_tensors = forward(...)`, the model's forward, which ends in its LogitsProcessor
    expect(collectiveLaunchS(sglang, 'decode', 'allgather', false, 'logits_gather')).toBe(0);
  });
  it("the output head's linear is an eager call (launch.eager's gemm) in a replayed step; the layers' GEMMs nothing", () => {
    expect(launchFloorForOpS(v1, 'decode', 'gemm', 1, 'lm_head')).toBe(v1.runtime!.launch.eager!.perKernelByKindS!.gemm);
    expect(launchFloorForOpS(v1, 'decode', 'gemm', 1, 'gate_up')).toBe(0);
  });
  it('only the named ops: an all-gather of another name keeps per_kernel in an eager step above the capture sizes', () => {
    expect(collectiveLaunchS(v1, 'decode_eager', 'allgather', false, 'dp_allgather')).toBe(v1.runtime!.launch.perKernelS);
    expect(collectiveLaunchS(v1, 'decode_eager', 'allgather', false, 'logits_gather')).toBeCloseTo(131e-6, 12);
  });
  it('under --enforce-eager the same ops keep their eager prices (no double charge)', () => {
    const eager = applySetPlain(v1, 'runtime.graphs=none');
    expect(collectiveLaunchS(eager, 'decode', 'allgather', false, 'logits_gather')).toBeCloseTo(131e-6, 12);
    expect(collectiveLaunchS(eager, 'decode', 'allgather', false, 'dp_allgather')).toBeCloseTo(131e-6, 12);
  });
});

describe('the gather joins the replayed step\'s host chain', () => {
  it('a decode step whose kernels finish in under 131 us lasts at least the gather\'s dispatch; captured, it did not', () => {
    const ops = [op('residual', 'elementwise', 64, 256, 4), gather('logits_gather', 2 * 152064 * 2, 2)];
    const outside = costPass(ops, v1, 0, 0, 'decode');
    const inside = costPass(ops, allCaptured(v1), 0, 0, 'decode');
    expect(inside.seconds).toBeLessThan(131e-6);
    expect(outside.seconds).toBeGreaterThanOrEqual(131e-6 * (1 - 1e-9));
    // renamed, the same all-gather is inside the graph again
    expect(costPass([ops[0]!, gather('dp_allgather', 2 * 152064 * 2, 2)], v1, 0, 0, 'decode').seconds).toBeCloseTo(inside.seconds, 12);
  });
  it('a device-bound TP decode step hides it: qwen2.5-7b at tp 2, batch 8, keeps its time to within 1e-9', () => {
    const run = (hw: NormalizedHardware) =>
      simulate(buildRequest({ model: 'qwen2.5-7b', hardware: hw.id, tp: 2, dtype: 'bf16', 'input-tokens': 128, 'output-tokens': 128, batch: 8 }, lib.models['qwen2.5-7b']!, hw, (id) => lib.models[id]!)).tpot_s!;
    const [with_, without] = [run(v1), run(allCaptured(v1))];
    expect(with_).toBeGreaterThan(131e-6);
    expect(Math.abs(with_ / without - 1)).toBeLessThan(1e-9);
  });
});
