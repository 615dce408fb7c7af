// Paxml on GPU without flash attention (runtimes/paxml-xla-attention.yaml): the score matrix is written out
// (src/sim/training/materialised-attention.ts), 8 bytes per score (QK write 2, masked softmax read 2 + write 2, PV read 2),
// and both einsums compute every query-key pair.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { layerForwardOps } from '../src/sim/training/layer-cost.js';
import { materialiseAttention } from '../src/sim/training/materialised-attention.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import type { DecoderModel } from '../src/spec/types.js';
import type { PlanShape } from '../src/sim/training/plan.js';

const lib = getLibrary();
const gpt = lib.models['gpt3-125m']! as DecoderModel;
const a100 = lib.hardware['a100-sxm4-80gb']!;
const pax = bindRuntime(a100, libraryRuntime('paxml-xla-attention'));
const jax = bindRuntime(a100, libraryRuntime('jax'));
const plan = (seq: number, b: number): PlanShape => ({ devices: 1, tp: 1, pp: 1, cp: 1, dp: 1, ep: 1, interleave: 1, schedule: '1f1b', seqLen: seq, globalBatch: b, microBatch: b });

describe('paxml-xla-attention: attention written out in training', () => {
  it('moves 8 bytes per score and computes all pairs; the jax runtime keeps the fused kernel', () => {
    const s = decoderShape(gpt);
    const fused = layerForwardOps(s, plan(2048, 4), false, 'bf16');
    const ops = materialiseAttention(fused, s, plan(2048, 4), pax);
    const a = ops.find((o) => o.kind === 'attention')!, f = fused.find((o) => o.kind === 'attention')!;
    const scores = 4 * s.heads * 2048 * 2048; // b · h · sq · sk
    expect(a.bytes - f.bytes).toBeCloseTo(8 * scores, -3);
    expect(a.flops).toBeCloseTo(2 * f.flops, -3);
    expect(a.attn).toBeUndefined();
    expect(a.kernels).toBe(4);
    expect(materialiseAttention(fused, s, plan(2048, 4), jax)).toBe(fused);
  });

  it('a step costs more than under the fused kernel, by more at longer sequences', () => {
    const step = (hw: typeof pax, seq: number) => simulateTraining(buildTrainRequest(gpt, hw, { devices: 1, seqLen: seq, globalBatch: 4, microBatch: 4, recompute: 'full', dtype: 'bf16' })).step_s!;
    let prev = 0;
    for (const seq of [512, 1024, 2048]) {
      const ratio = step(pax, seq) / step(jax, seq);
      expect(ratio).toBeGreaterThan(Math.max(1, prev));
      prev = ratio;
    }
  });
});
