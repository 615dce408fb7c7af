// The eager norm and rotary chains of a training runtime (kernels.rmsnorm, kernels.rope under training.elementwise:
// eager) are the Python of RMSNorm and rotary models. A LayerNorm model runs nn.LayerNorm, one kernel per call (Hugging
// Face GPT2Block ln_1 / ln_2), priced as the fused norm, and a model with learned positions rotates nothing: GPT-2's
// layer under deepspeed carries neither chain, where Llama's carries both.
import { describe, expect, it } from 'vitest';
import { libraryModel, getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { eagerElementwise, layerForwardOps } from '../src/sim/training/layer-cost.js';
import type { DecoderModel } from '../src/spec/types.js';

const a100 = getLibrary().hardware['a100-sxm4-80gb']!;
const ew = eagerElementwise(bindRuntime(a100, libraryRuntime('deepspeed')))!;
const p = { devices: 8, tp: 1, pp: 1, cp: 1, dp: 8, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 1024, globalBatch: 8, microBatch: 1 };
const ops = (id: string, eager = true) => {
  const s = decoderShape(libraryModel(id) as DecoderModel);
  const list = layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16', eager: eager ? ew : undefined });
  return { s, n: (name: string) => list.find((o) => o.name === name)! };
};

describe('eager norm and RoPE chains follow the model norm and positions', () => {
  it('GPT-2 (LayerNorm, learned positions): the fused norm and the residual adds alone, eager runtime or not', () => {
    const { s, n } = ops('gpt2-large');
    expect(s.norm).toBe('layernorm');
    expect(s.rotary).toBe(false);
    const T = 1024, h = 1280;
    expect(n('norms').bytes).toBeCloseTo(T * 4 * h * 2, 0);
    expect(n('norms').kernels ?? 1).toBe(1);
    expect(n('residual_rope').bytes).toBeCloseTo(T * 6 * h * 2, 0);
    expect(ops('gpt2-large', false).n('residual_rope').bytes).toBeCloseTo(T * 6 * h * 2, 0);
  });
  it('Llama 2 (RMSNorm, RoPE) keeps both eager chains', () => {
    const { s, n } = ops('llama-2-7b');
    expect(s.norm).toBe('rmsnorm');
    expect(s.rotary).toBe(true);
    expect(n('norms').kernels).toBe(8);
    expect(n('residual_rope').kernels).toBe(12);
  });
});
