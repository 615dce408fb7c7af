// Megatron-LM / NeMo Megatron of 2022 (runtimes/megatron-2022.yaml): core attention wrote its score matrix out
// (baddbmm, fused scale-mask-softmax, attention dropout, bmm; src/sim/training/materialised-attention.ts) where today's
// `megatron` runs a fused flash kernel. The bytes per score are checked against the kernel sequence of the source
// (Megatron-LM @d2073912 megatron/model/transformer.py CoreAttention), the step against `megatron`.
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
const gpt5b = lib.models['pax-gpt-5b']! as DecoderModel;
const a100 = lib.hardware['a100-sxm4-80gb']!;
const old = bindRuntime(a100, libraryRuntime('megatron-2022'));
const now = bindRuntime(a100, libraryRuntime('megatron'));
const plan: PlanShape = { devices: 8, tp: 2, pp: 1, cp: 1, dp: 4, ep: 1, interleave: 1, schedule: '1f1b', seqLen: 2048, globalBatch: 1440, microBatch: 2 };

describe('megatron-2022: attention written out', () => {
  it('13 bytes per score (baddbmm 2, softmax 2 + 2, dropout 2 + 2 + 1, bmm 2), 5 kernels, every query-key pair computed', () => {
    const s = decoderShape(gpt5b);
    const fused = layerForwardOps(s, plan, { moe: false, gemmDtype: 'bf16' });
    const ops = materialiseAttention(fused, s, plan, old);
    const a = ops.find((o) => o.kind === 'attention')!, f = fused.find((o) => o.kind === 'attention')!;
    const scores = 2 * (32 / 2) * 2048 * 2048; // micro-batch · heads per tp rank · sq · sk
    expect(a.bytes - f.bytes).toBeCloseTo(13 * scores, -3);
    expect(a.kernels).toBe(5);
    expect(a.attn).toBeUndefined();
    expect(materialiseAttention(fused, s, plan, now)).toBe(fused); // today's Megatron keeps its fused kernel
  });

  it('GPT-3 5B on a DGX A100 trains slower than under megatron, finite and fitting, and the gap grows with the sequence', () => {
    const run = (hw: typeof old, seqLen: number) =>
      simulateTraining(buildTrainRequest(gpt5b, hw, { devices: 8, tp: 2, seqLen, globalBatch: 1440, microBatch: 2, recompute: 'none', dtype: 'bf16' }));
    const a = run(old, 2048), b = run(now, 2048);
    expect(Number.isFinite(a.tokens_per_s!)).toBe(true);
    expect(a.memory.fits).toBe(true);
    expect(a.tokens_per_s!).toBeLessThan(b.tokens_per_s!);
    const gap = (seq: number) => run(now, seq).tokens_per_s! / run(old, seq).tokens_per_s!;
    expect(gap(2048)).toBeGreaterThan(gap(1024));
  });

  it("runs NeMo 1.11's Apex 1F1B under pipeline parallelism (no virtual stages), so GPT-3 175B at 16-way DP pays the (pp - 1) / m bubble", () => {
    const gpt3 = lib.models['gpt3-175b']! as DecoderModel;
    const opts = { devices: 1024, tp: 8, pp: 8, seqLen: 2048, globalBatch: 2048, microBatch: 2, recompute: 'selective' as const, dtype: 'bf16' as const };
    const r2022 = buildTrainRequest(gpt3, old, opts), rNow = buildTrainRequest(gpt3, now, opts);
    expect(r2022.schedule).toBe('1f1b');
    expect(r2022.interleave).toBe(1);
    // today's Megatron-LM also runs 1F1B unless virtual stages are asked for (runtimes/megatron.yaml default_schedule),
    // but it implements them: named, today's runtime interleaves where the 2022 one cannot
    expect(rNow.schedule).toBe('1f1b');
    expect(buildTrainRequest(gpt3, now, { ...opts, schedule: 'interleaved' }).schedule).toBe('interleaved');
    expect(simulateTraining(buildTrainRequest(gpt3, now, { ...opts, schedule: 'interleaved' })).warnings.join(' ')).not.toMatch(/does not implement/);
    const a = simulateTraining(r2022);
    // 64 micro-batches per pipeline, 8 stages: the 1F1B bubble is 7 / 64 of the micro-batch work (~10% of the step)
    const interleaved = simulateTraining({ ...r2022, schedule: 'interleaved', interleave: 6 });
    expect(a.tokens_per_s!).toBeLessThan(interleaved.tokens_per_s! * 0.95);
    expect(a.warnings.join(' ')).not.toMatch(/does not implement/);
    expect(interleaved.warnings.join(' ')).toMatch(/megatron-2022 does not implement the interleaved schedule/);
    // no Transformer Engine in NeMo 1.11: an fp8 request is priced as asked, with a warning
    const fp8 = simulateTraining(buildTrainRequest(gpt3, old, { ...opts, dtype: 'fp8' }));
    expect(fp8.warnings.join(' ')).toMatch(/megatron-2022 has no fp8 training recipe/);
    expect(a.warnings.join(' ')).not.toMatch(/training recipe/);
  });
});
