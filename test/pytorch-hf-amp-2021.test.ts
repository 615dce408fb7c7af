// runtimes/pytorch-hf-amp-2021.yaml: the Hugging Face Trainer of 2021 with native AMP over an fp32 GPT-2 in torch DDP
// (transformers v4.12.0). Its attention writes the scores out with an fp32 mask add, softmax and dropout (41 bytes per
// score), its gelu_new runs as 10 eager kernels partly in fp32 (76 bytes per element of the FFN width), DDP reduces
// fp32 gradients and the optimizer step (unscale, clip, Python-loop AdamW, zero_grad) moves 96 bytes per parameter.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { eagerElementwise, layerForwardOps } from '../src/sim/training/layer-cost.js';
import { materialiseAttention } from '../src/sim/training/materialised-attention.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import type { DecoderModel } from '../src/spec/types.js';
import type { PlanShape } from '../src/sim/training/plan.js';

const lib = getLibrary();
const gpt2 = lib.models['gpt2-large']! as DecoderModel;
const v100 = lib.hardware['v100-sxm2']!;
const amp = bindRuntime(v100, libraryRuntime('pytorch-hf-amp-2021'));
const base = bindRuntime(v100, libraryRuntime('pytorch'));
const plan: PlanShape = { devices: 16, tp: 1, pp: 1, cp: 1, dp: 16, ep: 1, interleave: 1, schedule: '1f1b', seqLen: 1024, globalBatch: 16, microBatch: 1 };

describe('pytorch-hf-amp-2021: HF Trainer AMP of 2021', () => {
  it('41 bytes per score (matmul 2, scale 4, where 4, fp32 mask add 6, fp32 softmax 8, fp32 dropout 9, cast 6, matmul 2), 13 kernels', () => {
    const s = decoderShape(gpt2);
    const fused = layerForwardOps(s, plan, { moe: false, gemmDtype: 'bf16' });
    const a = materialiseAttention(fused, s, plan, amp).find((o) => o.kind === 'attention')!, f = fused.find((o) => o.kind === 'attention')!;
    const scores = 1 * 20 * 1024 * 1024; // micro-batch · GPT-2 Large's 20 heads · sq · sk
    expect(a.bytes - f.bytes).toBeCloseTo(41 * scores, -3);
    expect(a.kernels).toBe(13);
  });

  it("gelu_new under autocast: 10 kernels, 76 bytes per element of the FFN width (pytorch's fused GELU: 4)", () => {
    const s = decoderShape(gpt2);
    const act = (hw: typeof amp) => layerForwardOps(s, plan, { moe: false, gemmDtype: 'bf16', eager: eagerElementwise(hw) }).find((o) => o.name === 'ffn_act')!;
    const elems = 1024 * 4 * 1280;
    expect(act(amp).kernels).toBe(10);
    expect(act(amp).bytes).toBeCloseTo(76 * elems, -3);
    expect(act(base).bytes).toBeCloseTo(4 * elems, -3);
  });

  it("the optimizer moves 96 bytes per parameter (over 3x pytorch's step) and DDP reduces fp32 gradients", () => {
    const run = (hw: typeof amp) => simulateTraining(buildTrainRequest(gpt2, hw, { devices: 16, dp: 16, zero: 0, seqLen: 1024, globalBatch: 16, microBatch: 1, recompute: 'none', dtype: 'bf16' }));
    const a = run(amp), b = run(base);
    expect(amp.runtime?.training?.optimizerBytes).toBe(96);
    expect(a.breakdown.optimizer_s).toBeGreaterThan(b.breakdown.optimizer_s * 3);
    expect(amp.runtime?.training?.reduceDtype).toBe('fp32');
    expect(Number.isFinite(a.tokens_per_s!)).toBe(true);
    expect(a.memory.fits).toBe(true);
    expect(a.tokens_per_s!).toBeLessThan(b.tokens_per_s!);
  });
});
