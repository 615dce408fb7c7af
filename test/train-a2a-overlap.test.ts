// Megatron-Bridge recipes with moe_a2a_overlap=True but partial CUDA graphs (runtimes/nemo-attn-graphs-a2a.yaml):
// overlap_moe_expert_parallel_comm + delay_wgrad_compute (scripts/performance/utils/overrides.py
// _set_moe_a2a_overlap_overrides) hide the expert all-to-all behind the other micro-batch's chunk, as in
// nemo-full-graphs, while the MoE host floor of the attention / router / preprocess graphs stays.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';

const b200 = getLibrary().hardware['b200']!;
// DEEPSEEK_V3_PRETRAIN_CONFIG_B200_FP8_MX_V2 (row N924): 256 B200, PP8 VP2 EP32 over 4 nodes, GBS 4096, MBS 1
const run = (rt: string) =>
  simulateTraining(
    buildTrainRequest(libraryModel('deepseek-v3'), bindRuntime(b200, libraryRuntime(rt)), {
      devices: 256, pp: 8, interleave: 2, ep: 32, seqLen: 4096, globalBatch: 4096, microBatch: 1, dtype: 'fp8', recompute: 'none',
    }),
  );

describe('moe_a2a_overlap on the attention / router / preprocess graph recipes (nemo-attn-graphs-a2a)', () => {
  it('is nemo-attn-graphs with the all-to-all overlap on, and keeps its host floor and node-aware dispatcher', () => {
    const a2a = libraryRuntime('nemo-attn-graphs-a2a');
    const attn = libraryRuntime('nemo-attn-graphs');
    expect(a2a.overlap.epTwoBatch).toBe(1);
    expect(attn.overlap.epTwoBatch).toBe(0);
    expect(a2a.training!.moeHost).toEqual(attn.training!.moeHost);
    expect(a2a.training!.epDispatcher).toBe('node_aware');
  });
  it('hides the 4-node all-to-all only up to the stage compute: the exposed share falls but does not vanish', () => {
    const attn = run('nemo-attn-graphs');
    const a2a = run('nemo-attn-graphs-a2a');
    expect(a2a.step_s).toBeLessThan(attn.step_s);
    expect(a2a.breakdown.ep_comm_s).toBeLessThan(attn.breakdown.ep_comm_s);
    // at EP 32 over 4 B200 nodes the exchanges outlast the compute, so part of them stays exposed
    expect(attn.breakdown.ep_comm_s).toBeGreaterThan(attn.breakdown.compute_s);
    expect(a2a.breakdown.ep_comm_s).toBeGreaterThan(0.3 * (attn.breakdown.ep_comm_s - attn.breakdown.compute_s));
  });
});
