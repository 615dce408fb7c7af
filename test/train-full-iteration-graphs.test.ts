// NeMo / Megatron-Bridge MoE recipes captured as one full-iteration CUDA graph, with HybridEP and the 1F1B all-to-all
// overlap (runtimes/nemo-full-graphs.yaml; Megatron-Bridge perf_recipes/deepseek/common.py
// _enable_deepseek_full_iteration_mxfp8, NVIDIA's MLPerf Training v6.0 deepseekv3_671b configs).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { OVERLAP_SLOWDOWN } from '../src/sim/training/contention.js';

const gb300 = getLibrary().hardware['gb300']!;
// MLPerf Training v6.0 DeepSeek-V3 on 256 GB300 (row N2591): TP1 PP4 VP4 EP32, GBS 15360, MBS 1, seq 4096, MXFP8
function run(rt: string) {
  return simulateTraining(
    buildTrainRequest(libraryModel('deepseek-v3'), bindRuntime(gb300, libraryRuntime(rt)), {
      devices: 256, pp: 4, interleave: 4, ep: 32, seqLen: 4096, globalBatch: 15360, microBatch: 1, dtype: 'fp8', recompute: 'none',
    }),
  );
}

describe('full-iteration CUDA graphs with the 1F1B all-to-all overlap (nemo-full-graphs)', () => {
  it('has no MoE host floor and hides the expert all-to-all', () => {
    const rt = libraryRuntime('nemo-full-graphs');
    expect(rt.training!.moeHost!.syncsFwd).toBe(0);
    expect(rt.overlap.epTwoBatch).toBe(1);
    // inherits the node-aware (HybridEP) dispatcher of nemo-deepep
    expect(rt.training!.epDispatcher).toBe('node_aware');
  });
  it('prices the MLPerf DeepSeek-V3 step as its compute plus the overlap slowdown of the hidden all-to-all', () => {
    const graphs = run('nemo-moe-graphs');
    const full = run('nemo-full-graphs');
    // the host floor (Grace, 34 + 68 host ops and 8 local experts per layer) no longer sets the MoE forward
    expect(full.breakdown.compute_s).toBeLessThan(0.9 * graphs.breakdown.compute_s);
    // the same all-to-all, now hidden: only the slowdown of the compute beside it shows
    expect(full.breakdown.ep_comm_s).toBeCloseTo(OVERLAP_SLOWDOWN * graphs.breakdown.ep_comm_s, 6);
    expect(full.step_s).toBeLessThan(graphs.step_s);
  });
});
