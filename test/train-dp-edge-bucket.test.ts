// The data-parallel bucket that closes the backward and opens the next forward holds the input embedding: bucketed
// layouts walk the parameters in reverse registration order (Megatron-Core distrib_optimizer.py
// _compute_per_buffer_param_layout), so the embedding, registered first, ends the last bucket; its reduce-scatter
// waits for the embedding's backward and its all-gather is the first the forward waits on (src/sim/training/step.ts).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { dpExposed, edgeBuckets } from '../src/sim/training/dp-overlap.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { OVERLAP_SLOWDOWN } from '../src/sim/training/contention.js';

describe('edge bucket', () => {
  it('edgeBuckets: the larger of an average bucket and the edge share', () => {
    expect(edgeBuckets(200, 0.065)).toBeCloseTo(1 / 0.065, 12);
    expect(edgeBuckets(10, 0.01)).toBe(10); // an average bucket is already larger
    expect(edgeBuckets(10, 0)).toBe(10);
    expect(edgeBuckets(0.5, 0)).toBe(1);
    expect(edgeBuckets(10, 3)).toBe(1); // a share above 1 is the whole collective
    // long compute: exactly the edge bucket stays exposed
    expect(dpExposed(1, 100, 1, 1, edgeBuckets(200, 0.065), 1)).toBeCloseTo(0.065, 12);
  });

  it('Llama 3.1 8B on 8 GPUs, one micro-batch: at least the embedding shard\'s share of the DP traffic shows', () => {
    const hw = getLibrary().hardware['h100-sxm']!;
    const m = libraryModel('llama-3.1-8b');
    const o = { devices: 8, seqLen: 8192, globalBatch: 8, microBatch: 1, dtype: 'fp8' as const };
    // megatron (overlap_grad_reduce / overlap_param_gather off): the whole reduce-scatter and all-gather show (reduced
    // in bf16 as nemo's recipes do, so the traffic is the same)
    const meg = libraryRuntime('megatron');
    const all = simulateTraining(buildTrainRequest(m, bindRuntime(hw, { ...meg, training: { ...meg.training, reduceDtype: 'bf16' } }), o)).breakdown.dp_comm_s;
    const nemo = simulateTraining(buildTrainRequest(m, bindRuntime(hw, libraryRuntime('nemo')), o)).breakdown.dp_comm_s;
    const s = decoderShape(m);
    const share = s.paramsEmbedding / s.paramsDense; // 525M of ~8B: the bucket is ~30x an average 40M one
    expect(share).toBeGreaterThan(0.05);
    expect(all).toBeGreaterThan(0);
    expect(nemo).toBeGreaterThanOrEqual((share + OVERLAP_SLOWDOWN * (1 - share)) * all - 1e-12);
    expect(nemo).toBeLessThan(all);
  });
});
