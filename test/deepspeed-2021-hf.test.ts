// runtimes/deepspeed-2021-hf.yaml: DeepSpeed of 2021 training a Hugging Face transformers model of that year, whose
// attention writes its score matrix out (transformers v4.12.0 GPT2Attention._attn: matmul, scale, causal where, mask
// add, softmax, dropout, matmul; no FlashAttention or SDPA then). The bytes per score are checked against that kernel
// sequence, the step against deepspeed-2021 (same ZeRO behaviour, fused attention).
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
const gpt2xl = lib.models['gpt2-xl']! as DecoderModel;
const llama = lib.models['llama-2-7b']! as DecoderModel;
const v100 = lib.hardware['v100-sxm2']!;
const hf = bindRuntime(v100, libraryRuntime('deepspeed-2021-hf'));
const ds = bindRuntime(v100, libraryRuntime('deepspeed-2021'));
const plan: PlanShape = { devices: 16, tp: 1, pp: 1, cp: 1, dp: 16, ep: 1, interleave: 1, schedule: '1f1b', seqLen: 1024, globalBatch: 32, microBatch: 2 };

describe('deepspeed-2021-hf: Hugging Face eager attention under DeepSpeed of 2021', () => {
  it('25 bytes per score (matmul 2, scale 2 + 2, where 2 + 2, mask add 2 + 2, softmax 2 + 2, dropout 2 + 2 + 1, matmul 2), 12 kernels', () => {
    const s = decoderShape(gpt2xl);
    const fused = layerForwardOps(s, plan, { moe: false, gemmDtype: 'bf16' });
    const ops = materialiseAttention(fused, s, plan, hf);
    const a = ops.find((o) => o.kind === 'attention')!, f = fused.find((o) => o.kind === 'attention')!;
    const scores = 2 * 25 * 1024 * 1024; // micro-batch · GPT-2 XL's 25 heads · sq · sk
    expect(a.bytes - f.bytes).toBeCloseTo(25 * scores, -3);
    expect(a.kernels).toBe(12);
    expect(materialiseAttention(fused, s, plan, ds)).toBe(fused); // deepspeed-2021 itself keeps the fused kernel
  });

  it('keeps deepspeed-2021 ZeRO behaviour: the synchronising ZeRO-3 fetch and per-rank list copies', () => {
    const rt = libraryRuntime('deepspeed-2021-hf'), base = libraryRuntime('deepspeed-2021');
    expect(rt.overlap?.fsdpPrefetch).toBe(0);
    expect(rt.training?.zero3RankKernels).toBe(base.training?.zero3RankKernels);
  });

  it('GPT-2 XL on 16 V100s trains slower than under deepspeed-2021 by the attention alone: same exposed data-parallel time', () => {
    const run = (hw: typeof hf, zero: number) =>
      simulateTraining(buildTrainRequest(gpt2xl, hw, { devices: 16, dp: 16, zero, seqLen: 1024, globalBatch: 32, microBatch: 2, recompute: 'none', dtype: 'bf16' }));
    for (const zero of [1, 3]) {
      const a = run(hf, zero), b = run(ds, zero);
      expect(Number.isFinite(a.tokens_per_s!)).toBe(true);
      expect(a.memory.fits).toBe(true);
      expect(a.breakdown.compute_s).toBeGreaterThan(b.breakdown.compute_s * 1.2);
      expect(a.breakdown.dp_comm_s).toBeCloseTo(b.breakdown.dp_comm_s, 9);
    }
  });

  it("prices GPT-2's gelu_new as its 8 eager ops, 36 bytes per element of the FFN width; fused elsewhere and never on a gated FFN", () => {
    const s = decoderShape(gpt2xl);
    const act = (hw: typeof hf, shape = s) => layerForwardOps(shape, plan, { moe: false, gemmDtype: 'bf16', eager: eagerElementwise(hw) }).find((o) => o.name === 'ffn_act')!;
    const elems = 2 * 1024 * 4 * 1600; // micro-batch tokens · GPT-2 XL's 4h FFN width
    const a = act(hf), b = act(ds);
    expect(a.kernels).toBe(8);
    expect(a.bytes).toBeCloseTo(36 * elems, -3);
    expect(b.bytes).toBeCloseTo(4 * elems, -3); // deepspeed-2021 has no gelu chain: read f, write f
    expect(a.flops).toBeCloseTo(b.flops, 6);
    // a gated FFN keeps the swiglu chain the runtime inherits from deepspeed
    const g = decoderShape(llama);
    expect(act(hf, g).bytes).toBeCloseTo(act(ds, g).bytes, 6);
  });
});
