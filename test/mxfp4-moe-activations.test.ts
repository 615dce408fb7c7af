// MXFP4 experts (gpt-oss, model fp4_scaling: mxfp4) on a part with FP4 matrix units multiply at the rate of the
// activation dtype the runtime's MoE kernel takes (runtime kernels.mxfp4_moe_activations, src/sim/peaks.ts
// mxfp4MoeDtype): vLLM's default SM100 backend is FlashInfer's TRT-LLM MXFP4 x BF16 MoE (the 16-bit rate, capped at the
// measured 0.255 of it on the B200), SGLang's MXFP4 x MXFP8 (the FP8 rate). The FP4 peak needs both operands in FP4.
// NVFP4 checkpoints, parts without FP4 units, decode's weight streaming and the fallback warning are unchanged.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildLayout } from '../src/sim/parallel.js';
import { opCost, matrixPeak } from '../src/sim/roofline.js';
import { mxfp4MoeDtype } from '../src/sim/peaks.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel, NormalizedHardware } from '../src/index.js';
import { request } from './helpers/nondecoder-fixtures.js';
import { bound } from './helpers/bound.js';

// the same bound runtime without its MXFP4 activation choice: the experts keep the FP4 peak
const withoutField = (hw: NormalizedHardware): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, mxfp4MoeActivations: undefined } } });

const oss = libraryModel('gpt-oss-120b') as DecoderModel;
const fp4 = resolvePrecision('fp4', undefined, undefined, 'bf16');
const pass = (m: DecoderModel, prefillLen: number, decodeSeqs = 0) =>
  buildDecoderPass(m, buildLayout(m, 1, 1, undefined, 1, false), fp4, { prefillSeqs: prefillLen ? 1 : 0, prefillLen, decodeSeqs });
const prefill = pass(oss, 8192);
const up = prefill.find((o) => o.name === 'experts_up')!;
const qkv = prefill.find((o) => o.name === 'qkv_proj')!;
const rate = (op: typeof up, hw: ReturnType<typeof bound>) => op.flops / opCost(op, hw).computeS;

describe('MXFP4 experts run at the rate of the activations the runtime feeds them', () => {
  it('the model marks only its grouped expert GEMMs as MXFP4, and only under --dtype fp4', () => {
    expect(oss.fp4_scaling).toBe('mxfp4');
    expect(prefill.filter((o) => o.mxfp4).map((o) => o.name).sort()).toEqual(['experts_down', 'experts_up']);
    expect(qkv.mxfp4).toBeUndefined();
    const bf16 = buildDecoderPass(oss, buildLayout(oss, 1, 1, undefined, 1, false), resolvePrecision('bf16'), { prefillSeqs: 1, prefillLen: 512, decodeSeqs: 0 });
    expect(bf16.some((o) => o.mxfp4)).toBe(false);
  });
  it('vLLM on a B200: the 16-bit rate under the measured MXFP4 x BF16 cap (0.255), far below the FP4 peak', () => {
    const hw = bound('b200', 'vllm');
    expect(mxfp4MoeDtype(up, hw)).toBe('bf16');
    expect(opCost(up, hw).dtype).toBe('bf16');
    expect(rate(up, hw)).toBeLessThanOrEqual(0.255 * matrixPeak(hw, 'bf16').flopPerS * 1.000001);
    expect(rate(up, hw)).toBeGreaterThan(0.15 * matrixPeak(hw, 'bf16').flopPerS);
  });
  it('SGLang on a B200: the FP8 rate (MXFP8 activations), between the vLLM and the native FP4 pricing', () => {
    const sg = bound('b200', 'sglang');
    expect(mxfp4MoeDtype(up, sg)).toBe('fp8');
    expect(opCost(up, sg).dtype).toBe('fp8');
    const ideal = bound('b200', 'ideal');
    expect(mxfp4MoeDtype(up, ideal)).toBeUndefined();
    expect(opCost(up, ideal).dtype).toBe('fp4');
    expect(rate(up, sg)).toBeLessThan(rate(up, ideal));
    expect(rate(up, sg)).toBeGreaterThan(rate(up, bound('b200', 'vllm')));
  });
  it('an NVFP4 checkpoint of the same shape keeps the FP4 rate under vLLM (W4A4 kernels)', () => {
    const nv = { ...oss, fp4_scaling: 'nvfp4' } as DecoderModel;
    const nvUp = pass(nv, 8192).find((o) => o.name === 'experts_up')!;
    expect(nvUp.mxfp4).toBeUndefined();
    expect(opCost(nvUp, bound('b200', 'vllm')).dtype).toBe('fp4');
  });
  it('a part without FP4 matrix units keeps the weight-only 16-bit fallback whatever the runtime says (A100, H100)', () => {
    for (const hwId of ['a100-sxm4-80gb', 'h100-sxm']) {
      const hw = bound(hwId, 'vllm');
      expect(mxfp4MoeDtype(up, hw)).toBeUndefined();
      expect(opCost(up, hw).dtype).toBe(matrixPeak(hw, 'fp4').dtype);
    }
  });
  it('decode stays weight-streaming: a batch-8 step reads the MXFP4 expert weights at the same rate, within 2% in all', () => {
    const d = pass(oss, 0, 8).find((o) => o.name === 'experts_up')!;
    const hw = bound('b200', 'vllm');
    expect(opCost(d, hw).memoryS).toBeCloseTo(opCost(d, withoutField(hw)).memoryS, 12);
    expect(Math.abs(opCost(d, hw).seconds / opCost(d, withoutField(hw)).seconds - 1)).toBeLessThan(0.02);
  });
  it('simulate on a B200 under vLLM gives no "no native fp4 tensor cores" warning and a slower prefill than with FP4 math', () => {
    const hw = bound('b200', 'vllm');
    const run = (h: NormalizedHardware) => simulate(request('gpt-oss-120b', h, { dtype: 'fp4', batch: 4, inputTokens: 8192, outputTokens: 16 }));
    const r = run(hw);
    expect(r.warnings.join(' ')).not.toMatch(/no native fp4/);
    expect(r.ttft_s!).toBeGreaterThan(1.3 * run(withoutField(hw)).ttft_s!);
  });
});
