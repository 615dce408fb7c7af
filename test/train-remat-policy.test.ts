// MaxText remat policies (src/sim/training/remat-policy.ts): a dense block reruns, before its backward, the forward of
// every op the policy does not save (mlpwo never: no gradient in the layer reads its output), and keeps its input
// and the saved outputs.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { layerForwardOps, passCost } from '../src/sim/training/layer-cost.js';
import { activationBytesPerToken } from '../src/sim/training/memory.js';
import { REMAT_POLICIES, rematSavedBytesPerToken, type RematPolicy } from '../src/sim/training/remat-policy.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import type { RecomputePolicy } from '../src/sim/training/types.js';
import type { DecoderModel } from '../src/spec/types.js';

const gpt3 = libraryModel('gpt3-175b') as DecoderModel;
const s = decoderShape(gpt3);
const v5p = getLibrary().hardware['tpu-v5p']!;
const p = { devices: 8, tp: 8, pp: 1, cp: 1, dp: 1, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 2048, globalBatch: 2, microBatch: 2 };
const ops = layerForwardOps(s, p, { moe: false, gemmDtype: 'bf16' });
const fl = (name: string) => ops.filter((o) => o.name === name).reduce((a, o) => a + o.flops * o.count, 0);
const attnFl = ops.filter((o) => o.kind === 'attention').reduce((a, o) => a + o.flops * o.count, 0);
const ewFl = ops.filter((o) => o.kind !== 'gemm' && o.kind !== 'attention').reduce((a, o) => a + o.flops * o.count, 0);
const pol = (remat: RematPolicy): RecomputePolicy => ({ granularity: 'selective', modules: ['core_attn'], numLayers: null, remat });
// FLOPs the policy runs again in one layer: its backward less the plain backward (2× every op, flash attention 2.5×)
const base = passCost(ops, v5p, 'selective').bwdFlops;
const rerun = (remat: RematPolicy) => passCost(ops, v5p, pol(remat), undefined, s).bwdFlops - base;

describe('MaxText remat policies: recomputed FLOPs of a GPT-3 175B layer (tp 8)', () => {
  it('the layer is qkv, attention, out-projection and a 4h MLP (GEMM FLOPs 2·T·k·n/tp, biases aside)', () => {
    const T = p.microBatch * p.seqLen;
    expect(fl('qkv') / ((2 * T * s.hidden * 3 * s.hidden) / p.tp)).toBeCloseTo(1, 3);
    expect(fl('attn_out') / ((2 * T * s.hidden * s.hidden) / p.tp)).toBeCloseTo(1, 3);
    expect(fl('ffn_in') / ((2 * T * s.hidden * 4 * s.hidden) / p.tp)).toBeCloseTo(1, 3);
    expect(fl('ffn_out') / fl('ffn_in')).toBeCloseTo(1, 3);
  });
  it('per policy: the unsaved matmuls, the attention unless "context" is saved, the elementwise ops; mlpwo never', () => {
    const want: Record<RematPolicy, number> = {
      minimal: attnFl + ewFl,
      minimal_with_context: ewFl,
      save_dot_with_context_except_mlp: fl('ffn_in') + ewFl,
      save_dot_except_mlpwi: attnFl + fl('ffn_in') + ewFl,
      save_dot_except_logits_ffn1: attnFl + fl('ffn_in') + ewFl,
      save_dot_except_mlp: attnFl + fl('ffn_in') + ewFl,
      save_qkv_proj: attnFl + fl('attn_out') + fl('ffn_in') + ewFl,
      save_out_proj: fl('qkv') + attnFl + fl('ffn_in') + ewFl,
      qkv_proj_offloaded: attnFl + fl('attn_out') + fl('ffn_in') + ewFl,
      minimal_offloaded: attnFl + ewFl,
    };
    for (const r of REMAT_POLICIES) expect(rerun(r) / want[r]).toBeCloseTo(1, 9);
    // save_dot_except_mlpwi on GPT-3: the MLP input projection is a third of the layer's matmul FLOPs (4h² of 12h²)
    expect(fl('ffn_in') / (fl('qkv') + fl('attn_out') + fl('ffn_in') + fl('ffn_out'))).toBeCloseTo(1 / 3, 4);
    // every policy reruns less than full recomputation, which reruns the whole forward
    const full = passCost(ops, v5p, 'full').bwdFlops - base;
    for (const r of REMAT_POLICIES) expect(rerun(r)).toBeLessThan(full);
  });
  it('keeps the layer input and the saved outputs on the device (offloaded ones in host memory)', () => {
    const h = s.hidden;
    expect(rematSavedBytesPerToken(s, 'save_dot_except_mlpwi')).toBe(2 * (h + 3 * h + h));
    expect(rematSavedBytesPerToken(s, 'minimal')).toBe(2 * (h + 3 * h + h + 4 * h));
    expect(rematSavedBytesPerToken(s, 'minimal_with_context')).toBe(2 * (h + 3 * h + h + 4 * h + h));
    expect(rematSavedBytesPerToken(s, 'save_qkv_proj')).toBe(2 * (h + 3 * h));
    expect(rematSavedBytesPerToken(s, 'qkv_proj_offloaded')).toBe(2 * h);
    expect(activationBytesPerToken(s, 2048, pol('save_dot_except_mlpwi'), false)).toBe(rematSavedBytesPerToken(s, 'save_dot_except_mlpwi'));
    expect(activationBytesPerToken(s, 2048, pol('save_dot_except_mlpwi'), false)).toBeLessThan(activationBytesPerToken(s, 2048, 'selective', false));
  });
});

describe('train --remat-policy', () => {
  const hw = bindRuntime(v5p, libraryRuntime('jax'));
  const o = { devices: 512, tp: 8, dp: 64, zero: 3, seqLen: 2048, globalBatch: 1024, microBatch: 16, dtype: 'int8' };
  const run = (rematPolicy?: string, recompute?: string) => simulateTraining(buildTrainRequest(gpt3, hw, { ...o, rematPolicy, recompute }));
  it('orders step time by what the policy reruns; save_dot_except_mlp prices as save_dot_except_mlpwi', () => {
    const t = (r?: string, c?: string) => run(r, c).step_s;
    expect(t('minimal_with_context')).toBeLessThan(t('minimal'));
    expect(t('minimal')).toBeLessThan(t('save_dot_except_mlpwi'));
    expect(t('save_dot_except_mlpwi')).toBeLessThan(t('save_qkv_proj'));
    expect(t('save_qkv_proj')).toBeLessThan(t('full'));
    expect(t('save_dot_except_mlp')).toBe(t('save_dot_except_mlpwi'));
    // the module model's selective (attention only) reruns less than save_dot_except_mlpwi
    expect(t(undefined, 'selective')).toBeLessThan(t('save_dot_except_mlpwi'));
  });
  it('reports the policy; "full" is --recompute full', () => {
    const r = run('save_dot_except_mlpwi');
    expect([r.recompute, r.remat_policy]).toEqual(['selective', 'save_dot_except_mlpwi']);
    const f = run('full');
    expect([f.recompute, f.remat_policy]).toEqual(['full', null]);
    expect(f.step_s).toBe(run(undefined, 'full').step_s);
    expect(run(undefined, 'selective').remat_policy).toBeNull();
  });
  it('refuses an unknown policy and a conflicting --recompute or --recompute-modules', () => {
    expect(() => run('save_everything')).toThrow(/--remat-policy: unknown policy "save_everything"/);
    expect(() => run('minimal', 'none')).toThrow(/means --recompute selective/);
    expect(() => buildTrainRequest(gpt3, hw, { ...o, rematPolicy: 'minimal', recomputeModules: ['layernorm'] })).toThrow(/--recompute-modules/);
  });
});
