// Megatron-Core's pipeline split (runtimes/megatron.yaml training.pp_split: even): every stage builds num_layers / pp
// decoder layers and the last also runs the LM head and loss, so that stage paces each micro-batch; layer counts that
// pp·vp does not divide keep the balanced model (such runs set account_for_*_in_pipeline_split or a layout).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import { pipelineStageLayers } from '../src/sim/training/step.js';
import type { NormalizedRuntime } from '../src/spec/types.js';

const hw = (id: string) => getLibrary().hardware[id]!;
const nemo = libraryRuntime('nemo');

describe('pipeline stage split', () => {
  it('even split: the last stage holds L/pp layers plus the head; balanced spreads the head', () => {
    expect(pipelineStageLayers(80, 8, 5, 2, 'even')).toBeCloseTo(12, 9);
    expect(pipelineStageLayers(80, 8, 5, 2, 'balanced')).toBeCloseTo(10.25, 9);
    expect(pipelineStageLayers(80, 8, 5, 2, undefined)).toBeCloseTo(10.25, 9);
    // 126 layers on PP 8 x VP 8 cannot split evenly (Llama 3.1 405B recipes account for embedding and loss): balanced
    expect(pipelineStageLayers(126, 8, 8, 1, 'even')).toBe(pipelineStageLayers(126, 8, 8, 1, 'balanced'));
    // a plain 1F1B run only needs L divisible by pp
    expect(pipelineStageLayers(96, 8, 1, 1.5, 'even')).toBeCloseTo(13.5, 9);
    // pp 1: all layers and the head on the one device either way
    expect(pipelineStageLayers(32, 1, 1, 0.5, 'even')).toBe(pipelineStageLayers(32, 1, 1, 0.5, 'balanced'));
  });

  it('megatron / nemo split evenly; a 70B PP8 VP5 step pays the LM head on the last stage every micro-batch', () => {
    expect(libraryRuntime('megatron').training!.ppSplit).toBe('even');
    expect(nemo.training!.ppSplit).toBe('even');
    const m = libraryModel('llama-3.1-70b');
    const run = (rt: NormalizedRuntime) =>
      simulateTraining(
        buildTrainRequest(m, bindRuntime(hw('h100-sxm'), rt), { devices: 64, tp: 4, pp: 8, interleave: 5, seqLen: 8192, globalBatch: 128, microBatch: 1, dtype: 'fp8' }),
      );
    const even = run(nemo);
    const balanced = run({ ...nemo, training: { ...nemo.training, ppSplit: 'balanced' } });
    // head + loss of 128k vocabulary / tp 4 at 8k tokens: ~2 layers' work on top of 10 → ~15% longer
    const r = even.step_s! / balanced.step_s!;
    expect(r).toBeGreaterThan(1.08);
    expect(r).toBeLessThan(1.25);
    expect(Number.isFinite(even.mfu!)).toBe(true);
    // the head's work is compute only: the stage's TP communication follows its 10 decoder layers either way
    expect(even.breakdown.tp_comm_s).toBeCloseTo(balanced.breakdown.tp_comm_s, 9);
    expect(even.breakdown.tp_comm_s).toBeGreaterThan(0);
  });
});
