// Paxml / Praxis layers on GPU without flash attention (runtimes/paxml-xla-attention.yaml): Praxis'
// DotProductAttention writes the [b, h, T, S] scores out (bf16 logits einsum, XLA softmax passes, bf16 probs einsum),
// which the training step prices through src/sim/training/materialised-attention.ts at 12 bytes and 5 kernels a score.
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
const plan = (seqLen: number): PlanShape => ({ devices: 1, tp: 1, pp: 1, cp: 1, dp: 1, ep: 1, interleave: 1, schedule: '1f1b', seqLen, globalBatch: 4, microBatch: 4 });

describe('paxml-xla-attention: Praxis attention written out', () => {
  it('moves 12 bytes per score (logits write 2, three softmax reads 2 + 2 + 2, probs write 2, PV read 2) in 5 kernels', () => {
    const s = decoderShape(gpt);
    const fused = layerForwardOps(s, plan(2048), { moe: false, gemmDtype: 'bf16' });
    const ops = materialiseAttention(fused, s, plan(2048), pax);
    const a = ops.find((o) => o.kind === 'attention')!, f = fused.find((o) => o.kind === 'attention')!;
    const scores = 4 * 12 * 2048 * 2048; // b · h · T · S
    expect(a.bytes - f.bytes).toBeCloseTo(12 * scores, -3);
    expect(a.kernels).toBe(5);
    expect(a.attn).toBeUndefined();
    // the plain jax runtime keeps the fused kernel
    expect(materialiseAttention(fused, s, plan(2048), jax)).toBe(fused);
  });

  it('costs more than the fused attention of the jax runtime, and more as the sequence grows', () => {
    const step = (hw: typeof pax, seqLen: number) =>
      simulateTraining(buildTrainRequest(gpt, hw, { devices: 1, seqLen, globalBatch: 4, microBatch: 4, recompute: 'none', dtype: 'bf16' })).step_s!;
    let prev = 0;
    for (const t of [512, 1024, 2048]) {
      const extra = step(pax, t) - step(jax, t);
      expect(extra).toBeGreaterThan(prev);
      prev = extra;
    }
  });
});
