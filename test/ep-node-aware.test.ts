// Node-aware expert dispatch (runtimes/nemo-deepep.yaml, training.ep_dispatcher: node_aware): DeepEP / HybridEP send a
// token over the network once per destination node (deepseek-ai/DeepEP tests/test_internode.py @567632d), so the
// off-node all-to-all bytes fall from k·(N−1)/N copies to (N−1)·(1 − (1 − 1/N)^k) per token.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';

const h100 = getLibrary().hardware['h100-sxm']!;
const m = libraryModel('qwen3-30b-a3b');
const run = (rt: string, devices: number, ep: number) =>
  simulateTraining(buildTrainRequest(m, bindRuntime(h100, libraryRuntime(rt)), { devices, ep, seqLen: 4096, globalBatch: 4 * devices, microBatch: 1, recompute: 'none', dtype: 'fp8' }));

describe('node-aware EP dispatch (DeepEP / HybridEP: runtimes/nemo-deepep.yaml)', () => {
  it('is the nemo runtime with the dispatcher marked node_aware', () => {
    expect(libraryRuntime('nemo-deepep').training!.epDispatcher).toBe('node_aware');
    expect(libraryRuntime('nemo').training!.epDispatcher).toBeUndefined();
    expect(libraryRuntime('nemo-deepep').training!.moeHost).toEqual(libraryRuntime('nemo').training!.moeHost);
  });
  it('changes nothing while the EP group stays inside one NVLink domain', () => {
    expect(run('nemo-deepep', 8, 8).step_s).toBe(run('nemo', 8, 8).step_s);
  });
  it('sends each token once per node: EP 16 over 2 nodes, top-8, takes ~1/2 of the alltoall dispatcher\'s network time', () => {
    const a = run('nemo', 16, 16).breakdown.ep_comm_s;
    const d = run('nemo-deepep', 16, 16).breakdown.ep_comm_s;
    // alltoall: 8 · 1/2 = 4 copies per token off the node; node-aware: 2·(1 − 0.5^8) ≈ 1.99 (token, node) pairs, the
    // token's own node included, at the rate DeepEP's benchmark measured over that count (src/sim/ep-alltoall-bytes.ts)
    expect(d).toBeLessThan(a / 1.6);
    expect(d).toBeGreaterThan(a / 2.5);
    expect(run('nemo-deepep', 16, 16).tokens_per_s).toBeGreaterThan(run('nemo', 16, 16).tokens_per_s);
  });
});
