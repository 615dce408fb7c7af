// runtimes/nemo-25.04.yaml: NeMo 25.04 containers predate Megatron-Core's fused MoE router (moe_router_fusion,
// Megatron-LM c08d89bea0, core_v0.14.0), so their MoE layers issue the unfused router's kernels: Megatron-Core's own
// host-op count (runtimes/megatron.yaml), not the 31-kernel fused router runtimes/nemo.yaml prices.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import type { DecoderModel } from '../src/spec/types.js';

const old = libraryRuntime('nemo-25.04');
const nemo = libraryRuntime('nemo');
const megatron = libraryRuntime('megatron');

describe('nemo-25.04: the unfused MoE router', () => {
  it('counts megatron\'s router ops and keeps every other nemo field', () => {
    expect(old.training?.moeHost?.opsFwd).toBe(megatron.training?.moeHost?.opsFwd);
    expect(old.training?.moeHost?.opsBwd).toBe(megatron.training?.moeHost?.opsBwd);
    expect(old.training?.moeHost?.opsFwd).toBeGreaterThan(nemo.training?.moeHost?.opsFwd ?? Infinity);
    expect({ ...old.training, moeHost: undefined }).toEqual({ ...nemo.training, moeHost: undefined });
    expect(old.overlap).toEqual(nemo.overlap);
  });
  it('a host-bound MoE step (DeepSeek-V3 on GB200) is slower, a dense one unchanged', () => {
    const gb200 = getLibrary().hardware.gb200!;
    const run = (id: string, model: string, ep: number) =>
      simulateTraining(buildTrainRequest(libraryModel(model) as DecoderModel, bindRuntime(gb200, libraryRuntime(id)), { devices: 128, tp: 2, pp: 4, ep, ...(ep > 1 ? { etp: 1 } : {}), seqLen: 4096, globalBatch: 1024, microBatch: 1, recompute: 'selective', dtype: 'bf16' }));
    expect(run('nemo-25.04', 'deepseek-v3', 32).step_s).toBeGreaterThan(run('nemo', 'deepseek-v3', 32).step_s);
    expect(run('nemo-25.04', 'llama-3.1-70b', 1).step_s).toBe(run('nemo', 'llama-3.1-70b', 1).step_s);
  });
  it('its count is DeepSeek\'s router\'s (moe_host.router noaux_tc): a model routed otherwise is warned, priced as asked', () => {
    expect(old.training?.moeHost?.router).toBe('noaux_tc');
    expect(nemo.training?.moeHost?.router).toBeUndefined();
    expect((libraryModel('deepseek-v3') as DecoderModel).moe?.router).toBe('noaux_tc');
    expect((libraryModel('kimi-k2') as DecoderModel).moe?.router).toBe('noaux_tc');
    expect((libraryModel('grok-1') as DecoderModel).moe?.router).toBeUndefined();
    const h100 = getLibrary().hardware['h100-sxm']!;
    const train = (id: string, model: string) =>
      simulateTraining(buildTrainRequest(libraryModel(model) as DecoderModel, bindRuntime(h100, libraryRuntime(id)), { devices: 64, tp: 4, pp: 2, ep: 8, etp: 1, seqLen: 4096, globalBatch: 256, microBatch: 1, recompute: 'selective', dtype: 'bf16' }));
    const router = /MoE host ops .*count a noaux_tc router's kernels; grok-1 routes by topk/;
    const grok = train('nemo-25.04', 'grok-1');
    expect(grok.warnings.join('\n')).toMatch(router);
    expect(grok.step_s).toBeGreaterThan(0);
    expect(train('nemo', 'grok-1').warnings.join('\n')).not.toMatch(/MoE host ops/);
    expect(train('nemo-25.04', 'deepseek-v3').warnings.join('\n')).not.toMatch(/MoE host ops/);
  });
});
