// A run without graph capture (`--set runtime.graphs=none`: vLLM --enforce-eager, SGLang --disable-cuda-graph): every op
// of every step is dispatched from the host, at the runtime's launch.eager costs where it states them (vLLM's
// per_kernel with graphs on is a launch between replayed pieces, not an op from its Python modules), and the step lasts
// the serial host work plus max(dispatch chain, kernels) (src/runtime/launch.ts asyncStepSeconds).
import { describe, expect, it } from 'vitest';
import { libraryModel, libraryRuntime } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { applySetPlain } from '../src/hardware/set-path.js';
import { eagerLaunch } from '../src/runtime/override.js';
import { launchMode } from '../src/runtime/launch.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const EAGER = 'runtime.graphs=none';
const tpot = (hw: NormalizedHardware, model: string, batch: number) =>
  simulate(buildRequest({ model, hardware: hw.id, dtype: 'bf16', 'input-tokens': 128, 'output-tokens': 128, batch }, libraryModel(model), hw, libraryModel)).tpot_s!;

const tpotWarnings = (hw: NormalizedHardware) =>
  simulate(buildRequest({ model: 'llama-3.2-1b', hardware: hw.id, dtype: 'bf16', 'input-tokens': 128, 'output-tokens': 128, batch: 1 }, libraryModel('llama-3.2-1b'), hw, libraryModel)).warnings;

describe('--set runtime.graphs=none (a run without graph capture)', () => {
  it("under vllm, takes the runtime's launch.eager costs in place of the 2.5 us launch between replayed pieces", () => {
    const e = libraryRuntime('vllm').launch.eager!;
    const hw = applySetPlain(bound('h100-sxm', 'vllm'), EAGER);
    const l = hw.runtime!.launch;
    expect(l.graphs).toBe('none');
    expect(l.perKernelS).toBe(e.perKernelS);
    expect(l.perKernelByKindS).toEqual(e.perKernelByKindS);
    expect(e.perKernelS).toBeGreaterThan(bound('h100-sxm', 'vllm').runtime!.launch.perKernelS);
    expect(launchMode(hw, 'decode')).toBe('eager');
    expect(launchMode(hw, 'mixed')).toBe('eager');
  });
  it('a small model at batch 1 on an H100 is host-bound: its step lasts at least the layers\' dispatch of their linears and norms', () => {
    const m = libraryModel('llama-3.2-1b') as DecoderModel;
    const hw = applySetPlain(bound('h100-sxm', 'vllm'), EAGER);
    const k = hw.runtime!.launch.perKernelByKindS!;
    // four linears (qkv, o, gate_up, down) and two norms a layer, each an op of its own in the dispatch chain
    const floor = m.layers * (4 * k.gemm! + 2 * k.norm!);
    const eager = tpot(hw, 'llama-3.2-1b', 1);
    expect(eager).toBeGreaterThanOrEqual(floor);
    expect(eager).toBeGreaterThan(1.3 * tpot(bound('h100-sxm', 'vllm'), 'llama-3.2-1b', 1));
  });
  it('a device-bound step keeps its kernels\' time: the dispatch hides behind them', () => {
    const hw = applySetPlain(bound('a100-sxm4-80gb', 'vllm'), EAGER);
    const [g, e] = [tpot(bound('a100-sxm4-80gb', 'vllm'), 'qwen2.5-7b', 64), tpot(hw, 'qwen2.5-7b', 64)];
    expect(e).toBeGreaterThanOrEqual(g * 0.98);
    expect(e).toBeLessThan(g * 1.1);
  });
  it('eager steps stay finite and monotone in the batch, on every runtime, model and part tried', () => {
    for (const rt of ['vllm', 'sglang', 'vllm-awq'])
      for (const part of ['h100-sxm', 'l4', 'a100-sxm4-80gb'])
        for (const m of ['llama-3.2-1b', 'qwen2.5-7b']) {
          const hw = applySetPlain(bound(part, rt), EAGER);
          const t = [1, 2, 8, 32, 128].map((b) => tpot(hw, m, b));
          for (const x of t) expect(Number.isFinite(x) && x > 0, `${rt} ${part} ${m}`).toBe(true);
          for (let i = 1; i < t.length; i++) expect(t[i], `${rt} ${part} ${m}`).toBeGreaterThanOrEqual(t[i - 1]! * (1 - 1e-9));
        }
  });
  it('under sglang (no launch.eager: its per_kernel is already an eager op\'s), decode turns eager at the same costs', () => {
    const base = bound('h100-sxm', 'sglang');
    const hw = applySetPlain(base, EAGER);
    expect(hw.runtime!.launch.perKernelS).toBe(base.runtime!.launch.perKernelS);
    expect(launchMode(base, 'decode')).toBe('full');
    expect(launchMode(hw, 'decode')).toBe('eager');
    expect(tpot(hw, 'llama-3.2-1b', 1)).toBeGreaterThan(tpot(base, 'llama-3.2-1b', 1));
  });
  it('a runtime that runs without graphs in its own file keeps its own costs; graphs back on keep per_kernel', () => {
    const l = { perKernelS: 1e-5, graphs: 'decode' as const, deviceGap: true, eager: { perKernelS: 3e-5 } };
    expect(eagerLaunch({ ...l, graphs: 'none' }, { graphs: 'none' }).perKernelS).toBe(1e-5);
    expect(eagerLaunch(l, { graphs: 'none', perKernelS: 2e-5 }).perKernelS).toBe(2e-5);
    expect(eagerLaunch(l, { graphs: 'none' }).perKernelS).toBe(3e-5);
    expect(eagerLaunch(l, { graphs: 'all' }).perKernelS).toBe(1e-5);
  });
  it("keeps a runtime's own costs for the kinds launch.eager does not name: vllm-0.6's c10d collectives stay, and ttft and tpot never fall", () => {
    const base = bound('h100-sxm', 'vllm-0.6');
    const hw = applySetPlain(base, EAGER);
    const own = base.runtime!.launch.perKernelByKindS!;
    const k = hw.runtime!.launch.perKernelByKindS!;
    // pytorch/pytorch #138773's c10d host time per call, which vllm-0.6.yaml keys beside the eager per-op costs
    expect(k.allreduce).toBe(own.allreduce);
    expect(k.allreduce).toBeCloseTo(89e-6, 12);
    expect(k.allgather).toBe(own.allgather);
    expect(k.gemm).toBe(libraryRuntime('vllm-0.6').launch.eager!.perKernelByKindS!.gemm);
    const run = (h: NormalizedHardware) =>
      simulate(buildRequest({ model: 'llama-3.1-8b', hardware: h.id, dtype: 'bf16', tp: 4, 'input-tokens': 128, 'output-tokens': 128, batch: 1 }, libraryModel('llama-3.1-8b'), h, libraryModel));
    const [g, e] = [run(base), run(hw)];
    expect(e.ttft_s!).toBeGreaterThanOrEqual(g.ttft_s! * (1 - 1e-9));
    expect(e.tpot_s!).toBeGreaterThan(g.tpot_s!);
  });
  it("under vllm, an all-gather (the logits' tensor_model_parallel_all_gather) is a c10d call: 131 us of host, not a tensor op's", () => {
    // CudaCommunicator overrides all_reduce but not all_gather (cuda_communicator.py @00b5a01d): DeviceCommunicatorBase's
    // all_gather_into_tensor, pytorch/pytorch #138773's AllGather host time
    const k = applySetPlain(bound('h100-sxm', 'vllm'), EAGER).runtime!.launch.perKernelByKindS!;
    expect(k.allgather).toBeCloseTo(131e-6, 12);
    expect(k.allreduce).toBeUndefined(); // custom all-reduce, then PyNccl: per_kernel
  });
  it("under vllm, an attention call costs the host its kernel's dispatch plus PR #10733's 22.8 us of reshapes and shape checks", () => {
    // vllm-project/vllm PR #10733: moving Attention's reshapes and checks out of the custom op saved (227 - 192) ms over
    // 128 forwards x 12 layers of opt-125m on one H100; eager runs still pay them every layer
    const m = libraryModel('llama-3.2-1b') as DecoderModel;
    const hw = applySetPlain(bound('h100-sxm', 'vllm'), EAGER);
    const k = hw.runtime!.launch.perKernelByKindS!;
    expect(k.attention).toBeCloseTo(hw.runtime!.launch.perKernelS + ((227 - 192) * 1e-3) / (128 * 12), 7);
    // the same run with the attention call priced as a bare tensor op: a host-bound batch-1 step is shorter by the
    // reshapes of every layer
    const { attention: _, ...rest } = k;
    const bare = { ...hw, runtime: { ...hw.runtime!, launch: { ...hw.runtime!.launch, perKernelByKindS: rest } } };
    const extra = tpot(hw, 'llama-3.2-1b', 1) - tpot(bare, 'llama-3.2-1b', 1);
    expect(extra).toBeGreaterThan(0.9 * m.layers * (k.attention! - hw.runtime!.launch.perKernelS));
    expect(extra).toBeLessThan(1.1 * m.layers * (k.attention! - hw.runtime!.launch.perKernelS));
    // V0 (vllm-0.6 and the files on it) runs the same Python around its attention kernels in every eager step: its
    // prompt steps with graphs on, and every step under --enforce-eager
    const v0 = bound('h100-sxm', 'vllm-0.6');
    expect(v0.runtime!.launch.perKernelByKindS!.attention).toBe(k.attention);
    expect(applySetPlain(v0, EAGER).runtime!.launch.perKernelByKindS!.attention).toBe(k.attention);
    // vllm-ascend's own attention call (832 us a block, vllm-ascend #9404) is not undercut by the CUDA figure
    const ascend = bound('ascend-910b', 'vllm-ascend');
    expect(applySetPlain(ascend, EAGER).runtime!.launch.perKernelByKindS!.attention)
      .toBe(ascend.runtime!.launch.perKernelByKindS!.attention);
  });
  it('under llama.cpp (kernels priced by ggml node counts) says once that graphs=none keeps the graph-replay device time, naming llama.cpp-2023', () => {
    const req = (hw: NormalizedHardware) =>
      simulate(buildRequest({ model: 'llama-3.2-1b', hardware: hw.id, dtype: 'q4_0', 'input-tokens': 128, 'output-tokens': 128, batch: 1 }, libraryModel('llama-3.2-1b'), hw, libraryModel));
    const off = req(applySetPlain(bound('h100-sxm', 'llama.cpp'), EAGER)).warnings.filter((w) => w.includes('runtime.graphs=none'));
    expect(off).toHaveLength(1);
    expect(off[0]).toMatch(/llama\.cpp-2023/);
    expect(req(bound('h100-sxm', 'llama.cpp')).warnings.some((w) => w.includes('runtime.graphs'))).toBe(false);
    // only ggml-cuda's kernels: no CUDA advice for MLX, ggml-vulkan, or llama.cpp-2023 (graphs none in its own file)
    for (const [part, rt] of [['apple-m4', 'mlx'], ['h100-sxm', 'llama.cpp-vulkan'], ['h100-sxm', 'llama.cpp-2023']] as const) {
      const w = simulate(buildRequest({ model: 'llama-3.2-1b', hardware: part, dtype: 'q4_0', 'input-tokens': 128, 'output-tokens': 128, batch: 1 }, libraryModel('llama-3.2-1b'), applySetPlain(bound(part, rt), EAGER), libraryModel)).warnings;
      expect(w.some((x) => x.includes('llama.cpp-2023')), `${rt} ${part}`).toBe(false);
    }
    // vLLM prices the switch itself: no warning
    expect(tpotWarnings(applySetPlain(bound('h100-sxm', 'vllm'), EAGER)).some((w) => w.includes('runtime.graphs'))).toBe(false);
    // the switch changes nothing where the part runs ggml-cuda without graphs already (by_architecture turing: graphs
    // none), and graphs set again decide afresh: no warning either way
    expect(bound('tesla-t4', 'llama.cpp').runtime!.launch.graphs).toBe('none');
    expect(req(applySetPlain(bound('tesla-t4', 'llama.cpp'), EAGER)).warnings.some((w) => w.includes('runtime.graphs'))).toBe(false);
    const back = applySetPlain(applySetPlain(bound('h100-sxm', 'llama.cpp'), EAGER), 'runtime.graphs=decode');
    expect(back.runtime!.launch.graphsOffByRun).toBeUndefined();
    expect(req(back).warnings.some((w) => w.includes('runtime.graphs'))).toBe(false);
    expect(applySetPlain(bound('h100-sxm', 'llama.cpp'), EAGER).runtime!.launch.graphsOffByRun).toBe(true);
  });
  it('the warning follows what the runtime file says its graphs replay (launch.capture), not its id', () => {
    const warns = (hw: NormalizedHardware) =>
      simulate(buildRequest({ model: 'llama-3.2-1b', hardware: hw.id, dtype: 'q4_0', 'input-tokens': 128, 'output-tokens': 128, batch: 1 }, libraryModel('llama-3.2-1b'), hw, libraryModel)).warnings.some((w) => w.includes('runtime.graphs=none'));
    // ggml-vulkan records command buffers each step (its file: capture command_buffers), whatever the runtime is called
    const vk = bound('h100-sxm', 'llama.cpp-vulkan');
    expect(vk.runtime!.launch.capture).toBe('command_buffers');
    expect(vk.runtime!.launch.graphs).toBe('decode');
    const renamed = { ...vk, runtime: { ...vk.runtime!, id: 'ggml-vk-build' } };
    expect(warns(applySetPlain(renamed, EAGER))).toBe(false);
    // ggml-cuda's file says nothing (device graphs): it warns, and would not once its file said command buffers
    const cuda = bound('h100-sxm', 'llama.cpp');
    expect(cuda.runtime!.launch.capture).toBeUndefined();
    expect(warns(applySetPlain(cuda, EAGER))).toBe(true);
    const recorded = { ...cuda, runtime: { ...cuda.runtime!, launch: { ...cuda.runtime!.launch, capture: 'command_buffers' as const } } };
    expect(warns(applySetPlain(recorded, EAGER))).toBe(false);
  });
  it('refuses a value it does not know in one line naming the field and the choices', () => {
    expect(() => applySetPlain(bound('h100-sxm', 'vllm'), 'runtime.graphs=off')).toThrow(/runtime\.graphs.*none/);
  });
});
