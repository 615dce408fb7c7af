// SGLang 0.5.x on CDNA 3 decodes MLA with AITER's assembly kernel (split-KV stage + reduce), which AITER timed on an
// MI300 at 14.7-18.9 us per call over 21-64 cached tokens (ROCm/aiter PR #2039, 'ASM (us)', nhead 128): a least time per
// call far above the part's 4 us per-kernel gap (runtimes/sglang.yaml by_architecture cdna3 kernels.mla_decode_fixed;
// src/sim/roofline.ts opCost). sglang-0.4 (Triton MLA decode) and per-head attention keep the gap.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { costPass } from '../src/sim/decoder.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const lib = getLibrary();
const ds = lib.models['deepseek-v3'] as DecoderModel;

// one decode call's time on one device over `ctx` cached tokens, `seqs` sequences per device; attention-DP gives each
// device all 128 heads (the layout AITER's nhead-128 timings are of), plain TP 8 gives 16
function decodeAttentionS(hw: NormalizedHardware, seqs: number, ctx: number, attentionDp: boolean, model: DecoderModel = ds, tp = 8): number {
  const L = buildLayout(model, tp, 1, attentionDp ? tp : undefined, tp, attentionDp);
  const ops = buildDecoderPass(model, L, resolvePrecision('fp8'), { prefillSeqs: 0, prefillLen: 1, decodeSeqs: attentionDp ? seqs * tp : seqs });
  const att = ops.filter((o) => o.name === 'attention_decode');
  expect(att.length).toBe(1);
  const c = costPass(att, hw, ctx, ctx, 'decode', undefined, true);
  return c.rows![0]!.seconds / c.rows![0]!.count;
}

describe('AITER MLA decode on CDNA 3: a measured least time per call', () => {
  const now = bound('mi300x', 'sglang');
  const old = bound('mi300x', 'sglang-0.4');

  it('the bound runtimes carry the floor on CDNA 3 only, and not for the Triton kernel of sglang-0.4', () => {
    expect(now.runtime!.kernels.mlaDecodeFixedS).toBeCloseTo(14.7e-6, 12);
    expect(bound('mi325x', 'sglang').runtime!.kernels.mlaDecodeFixedS).toBeCloseTo(14.7e-6, 12);
    expect(old.runtime!.kernels.mlaDecodeFixedS ?? 0).toBe(0);
    expect(bound('mi355x', 'sglang').runtime!.kernels.mlaDecodeFixedS).toBeUndefined();
    expect(bound('b200', 'sglang').runtime!.kernels.mlaDecodeFixedS).toBeUndefined();
  });

  it("reproduces AITER's MI300 timings (nhead 128, batch 1-64 over 21 tokens) within 15%", () => {
    // ROCm/aiter PR #2039, MI300 'ASM (us)' column
    for (const [b, us] of [[1, 15.491], [3, 15.089], [5, 15.545], [16, 16.445], [32, 17.406], [64, 18.879]] as const) {
      const r = decodeAttentionS(now, b, 21, true) / (us * 1e-6);
      expect(r, `batch ${b}`).toBeGreaterThan(0.85);
      expect(r, `batch ${b}`).toBeLessThan(1.15);
    }
  });

  it('the floor replaces the per-kernel gap, its KV read stays beside it: longer contexts cost more, never less', () => {
    const gap = now.efficiency.kernelOverheadS;
    const short = decodeAttentionS(now, 1, 64, false);
    expect(short).toBeGreaterThanOrEqual(14.7e-6);
    expect(decodeAttentionS(old, 1, 64, false)).toBeLessThan(gap + 1e-6);
    let prev = 0;
    for (const ctx of [64, 1024, 8192, 32768, 131072]) {
      const t = decodeAttentionS(now, 16, ctx, false);
      expect(t).toBeGreaterThan(prev);
      expect(t - decodeAttentionS(old, 16, ctx, false)).toBeLessThanOrEqual(14.7e-6 - gap + 1e-12);
      prev = t;
    }
  });

  it('per-head attention (GQA) on the same runtime keeps the part gap', () => {
    const llama = lib.models['llama-3.1-70b'] as DecoderModel;
    const L = buildLayout(llama, 8, 1, undefined, 8, false);
    const att = buildDecoderPass(llama, L, resolvePrecision('fp8'), { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 }).filter((o) => o.name === 'attention_decode');
    const per = (hw: NormalizedHardware) => { const r = costPass(att, hw, 64, 64, 'decode', undefined, true).rows![0]!; return r.seconds / r.count; };
    const a = per(now);
    const b = per(old);
    expect(a).toBeCloseTo(b, 12);
    expect(a).toBeLessThan(now.efficiency.kernelOverheadS + 1e-6);
  });

  it('a DeepSeek-V3 TP-8 decode step pays it once per layer: 61 x (14.7 us - the gap) at batch 1, and throughput stays monotone in the batch', () => {
    const f = { model: 'deepseek-v3', hardware: 'mi300x', tp: 8, dtype: 'fp8', 'input-tokens': 64, 'output-tokens': 64 };
    const sim = (hw: NormalizedHardware, batch: number) => simulate(buildRequest({ ...f, batch }, ds, hw, (id) => lib.models[id]!));
    const noFloor: NormalizedHardware = { ...now, runtime: { ...now.runtime!, kernels: { ...now.runtime!.kernels, mlaDecodeFixedS: undefined } } };
    const d = sim(now, 1).tpot_s! - sim(noFloor, 1).tpot_s!;
    const want = 61 * (14.7e-6 - now.efficiency.kernelOverheadS);
    expect(d / want).toBeGreaterThan(0.9);
    expect(d / want).toBeLessThan(1.1);
    let prev = 0;
    for (const b of [1, 2, 4, 8, 16, 32, 64]) {
      const t = sim(now, b).throughput_tok_s!;
      expect(Number.isFinite(t) && t > 0).toBe(true);
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
    }
  });
});
