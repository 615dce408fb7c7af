// A matrix unit that spends at least compute.matrix_min_k reduction steps on each output tile (Gaudi's MME roll-up:
// 256 cycles on Gaudi 2, 512 on Gaudi 3, from the graph compiler's MME cost model) runs a GEMM with a shorter K at
// K / matrix_min_k of its rate; attention loses it on QKᵀ (K = head width), not on AV (K = keys).
import { describe, expect, it } from 'vitest';
import { linear } from '../src/model/op.js';
import { attentionCore } from '../src/model/transformer-block.js';
import { matrixDepthShare } from '../src/sim/matrix-depth.js';
import { opCost } from '../src/sim/roofline.js';
import { loadHardware, toyHardware } from './helpers/nondecoder-fixtures.js';
import { bound } from './helpers/bound.js';
import { decodePassOps } from './helpers/decode-pass.js';
import { decodeKernel } from '../src/sim/roofline.js';

const P = { compute: 'bf16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };

describe('matrix depth share (pure)', () => {
  const hw = { matrixMinK: 256 };
  it.each([
    // [kind, k, expected share]
    ['gemm', 4096, 1],
    ['gemm', 256, 1],
    ['gemm', 128, 0.5],
    ['conv', 36, 36 / 256], // a 3x3 convolution over 4 input channels (Stable Diffusion's conv_in)
  ] as const)('%s with k = %d keeps %d of the rate', (kind, k, share) => {
    expect(matrixDepthShare({ kind, k }, hw)).toBeCloseTo(share, 12);
  });
  it('attention: QKᵀ over the head width at hd/256, AV over the keys at full rate, weighted by their FLOPs', () => {
    // head width 128: half the FLOPs at 0.5, half at 1 → 1 / (0.5/0.5 + 0.5/1) = 2/3
    expect(matrixDepthShare({ kind: 'attention', attn: { q: 4096, kv: 4096, headDim: 128 } }, hw)).toBeCloseTo(2 / 3, 12);
    // head width 40 (SD 1.5 at 64x64 latents): 1 / (0.5 / (40/256) + 0.5) = 2 / 7.4
    expect(matrixDepthShare({ kind: 'attention', attn: { q: 4096, kv: 4096, headDim: 40 } }, hw)).toBeCloseTo(2 / 7.4, 12);
    // 77 text tokens as keys (cross-attention): AV reduces over 77 too
    expect(matrixDepthShare({ kind: 'attention', attn: { q: 4096, kv: 77, headDim: 40 } }, hw)).toBeCloseTo(1 / (0.5 / (40 / 256) + 0.5 / (77 / 256)), 12);
  });
  it('a decoder prefill op reads its widths from op.prefill (MLA: a 192-wide score, 128-wide value)', () => {
    expect(matrixDepthShare({ kind: 'attention', prefill: { len: 8192, width: 256, qkWidth: 128 } }, hw)).toBeCloseTo(2 / 3, 12);
    expect(matrixDepthShare({ kind: 'attention', prefill: { len: 8192, width: 320, qkWidth: 192 } }, hw)).toBeCloseTo(1 / ((192 / 320) / 0.75 + 128 / 320), 12);
  });
  it('no floor, no shape, or other kinds: the rate stands', () => {
    expect(matrixDepthShare({ kind: 'gemm', k: 16 }, {})).toBe(1);
    expect(matrixDepthShare({ kind: 'gemm' }, hw)).toBe(1);
    expect(matrixDepthShare({ kind: 'attention' }, hw)).toBe(1);
    expect(matrixDepthShare({ kind: 'elementwise', k: 16 }, hw)).toBe(1);
  });
});

describe('matrix depth floor in opCost', () => {
  it('a compute-bound short-K GEMM takes K/minK longer; a long-K one is unchanged', () => {
    const plain = toyHardware();
    const floored = toyHardware({ matrixMinK: 256 });
    const shortK = linear('proj', 16384, 16384, 64, 'bf16', 2, 2);
    const longK = linear('proj', 8192, 8192, 8192, 'bf16', 2, 2);
    expect(opCost(shortK, floored).computeS).toBeCloseTo(opCost(shortK, plain).computeS * 4, 12);
    expect(opCost(longK, floored).computeS).toBe(opCost(longK, plain).computeS);
  });
  it('the Gaudi parts carry a compiler roll-up floor; parts without an MME compiler none', async () => {
    // the values are the YAML's (mme_brain.cpp getRollUpTime); the behaviour is priced in the next test
    expect((await loadHardware('gaudi2')).matrixMinK).toBeGreaterThan(1);
    expect((await loadHardware('gaudi3')).matrixMinK).toBeGreaterThan(1);
    expect((await loadHardware('h100-sxm')).matrixMinK).toBeUndefined();
  });
  it('fused prompt attention at head width 128 on a Gaudi 2 costs 1.5x its unfloored time', async () => {
    const g2 = await loadHardware('gaudi2');
    const op = attentionCore('attn', { batch: 1, q: 8192, kv: 8192, heads: 32, headDim: 128 }, P, true);
    const floored = opCost(op, g2).computeS;
    const unfloored = opCost(op, { ...g2, matrixMinK: undefined }).computeS;
    expect(floored / unfloored).toBeCloseTo(1.5, 9);
  });
  it('a decode-attention call takes no floor (no tile shape), so a measured decode table (kernels.decode_attention) is never floored twice', () => {
    // a decode op over per-head K/V has no attn / prefill shape (matrixDepthShare reads those), so its share is 1 and its
    // time under a measured decode call is the call's alone
    const trt = bound('h100-sxm', 'tensorrt-llm');
    const attn = decodePassOps('llama-3.1-8b', 1, 64, 'bf16').find((o) => o.kind === 'attention')!;
    expect(decodeKernel(attn, trt)).toBeDefined();
    expect(matrixDepthShare(attn, { matrixMinK: 512 })).toBe(1);
    expect(opCost({ ...attn, count: 1 }, { ...trt, matrixMinK: 512 }, 'decode')).toEqual(opCost({ ...attn, count: 1 }, trt, 'decode'));
  });
});
