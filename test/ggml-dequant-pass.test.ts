// Runtimes that multiply GGUF weights by "dequantize, then BLAS" (ggml-sycl: to_fp16_sycl + oneDNN, runtimes/llama.cpp.yaml
// by_vendor intel kernels.dequantize_weights) pay a conversion pass per GEMM above the matrix-vector rows
// (src/sim/dequant-pass.ts); RDNA 3 sizes its MoE MMQ tiles from the ubatch's tokens as NVIDIA does (by_architecture rdna3).
import { describe, expect, it } from 'vitest';
import { withKernels } from './helpers/llama2-q4.js';
import { libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { kernelPhysics } from '../src/sim/kernel-physics.js';
import { dequantPass } from '../src/sim/dequant-pass.js';
import { ggmlKernelCounts } from '../src/sim/ggml-kernels.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { isGemvShape, memoryEfficiency, opCost } from '../src/sim/roofline.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const p = resolvePrecision('q4_0', undefined, undefined, undefined);
const ops = (model: string, hw: NormalizedHardware, T: number) => {
  const m = libraryModel(model) as DecoderModel;
  return ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 1, prefillLen: T, decodeSeqs: 0 }), hw);
};

describe('dequantize-then-BLAS GGUF GEMMs (ggml-sycl)', () => {
  it('llama.cpp on Intel parts dequantizes; on NVIDIA it runs MMQ', () => {
    expect(bound('arc-b580', 'llama.cpp').runtime!.kernels.dequantizeWeights).toBe(true);
    expect(bound('rtx-4090', 'llama.cpp').runtime!.kernels.dequantizeWeights).toBeUndefined();
  });
  it('the pass reads the q4_0 weights and writes 2 bytes per weight; the GEMM reads the 2-byte copy', () => {
    const hw = bound('arc-b580', 'llama.cpp');
    const up = ops('qwen2.5-7b', hw, 512).find((o) => o.name === 'ffn_up')!;
    const w = up.n! * up.k!;
    expect(up.weightBytes).toBeCloseTo((w * 4.5) / 8, -2);
    const dq = dequantPass(up, hw)!;
    expect(dq.passBytes).toBeCloseTo(up.weightBytes + 2 * w, -2);
    expect(dq.gemmExtraBytes).toBeCloseTo(2 * w - up.weightBytes, -2);
    // the op lasts at least the pass's bytes on top of the GEMM it had without it
    const bw = hw.memory.bandwidthBytePerS * memoryEfficiency(up, hw);
    const without = withKernels(hw, { dequantizeWeights: false });
    expect(opCost(up, hw).seconds - opCost(up, without).seconds).toBeGreaterThanOrEqual(dq.passBytes / bw);
    // MoE: each touched expert's slice is converted
    const moe = ops('qwen3-30b-a3b', hw, 512).find((o) => o.name === 'experts_up')!;
    expect(dequantPass(moe, hw)!.passBytes).toBeCloseTo(moe.weightBytes + 2 * moe.n! * moe.k! * moe.groups!, -3);
  });
  it('no pass for matrix-vector rows, for non-GGUF weights, or where the GGUF rate was measured (it holds the pass)', () => {
    const hw = bound('arc-b580', 'llama.cpp');
    const up8 = ops('qwen2.5-7b', hw, 8).find((o) => o.name === 'ffn_up')!;
    expect(isGemvShape(up8, hw)).toBe(true);
    expect(opCost(up8, hw).seconds).toBe(opCost(up8, withKernels(hw, { dequantizeWeights: false })).seconds);
    const up = ops('qwen2.5-7b', hw, 512).find((o) => o.name === 'ffn_up')!;
    expect(dequantPass({ ...up, gguf: undefined }, hw)).toBeUndefined();
    expect(dequantPass(up, withKernels(hw, { ggufFlopPerS: 10e12, gguf: 'mmq' }))).toBeUndefined();
    // a rate is the GEMM's price only under the runtime's own kernel: declared gguf: dequant, the pass is priced anyway
    // (runtimes/llama.cpp-hipblaslt.yaml inherits llama.cpp's measured Strix Halo rate)
    expect(dequantPass(up, withKernels(hw, { ggufFlopPerS: 10e12 }))).toBeDefined();
  });
  it('the pass is per ubatch: prompt tokens per second rise with the ubatch, and single-token decode is unchanged', () => {
    const hw = bound('arc-b580', 'llama.cpp');
    const run = (T: number, hw2: NormalizedHardware, out = 1) => simulate(buildRequest({ model: 'qwen2.5-7b', hardware: 'arc-b580', dtype: 'q4_0', 'input-tokens': T, 'output-tokens': out, batch: 1 }, libraryModel('qwen2.5-7b'), hw2, libraryModel));
    const ub = (u: number) => withKernels({ ...hw, runtime: { ...hw.runtime!, scheduler: { ...hw.runtime!.scheduler, ubatch: u } } } as NormalizedHardware, {});
    const t64 = run(512, ub(64)).prefill_tok_s!, t512 = run(512, ub(512)).prefill_tok_s!;
    expect(t512).toBeGreaterThan(t64);
    expect(run(512, hw).prefill_tok_s!).toBeLessThan(run(512, withKernels(hw, { dequantizeWeights: false })).prefill_tok_s!);
    const tpot = (h: NormalizedHardware) => run(1, h, 64).tpot_s!;
    expect(tpot(hw)).toBe(tpot(withKernels(hw, { dequantizeWeights: false })));
    expect(Number.isFinite(t64) && Number.isFinite(t512)).toBe(true);
  });
});

describe('the matrix-vector floor of a dequantized GGUF GEMM (property seed 515 at scale 10)', () => {
  // Above the matrix-vector rows a decode GEMM is floored by the matrix-vector kernel taking its rows 8 at a time
  // (src/sim/gemm-floors.ts), which reads the quantized weights: no dequantize pass, and no dequantize kernel either.
  // The kernel stayed in the count, so a step of 9 decodes paid a part's gap more per GEMM than one of 8, and
  // throughput fell with the batch: gpt3-350m q4_0 on 2x Arc A770, 377 in / 524 out, 8 -> 9 (found under
  // llama.cpp-vulkan when that runtime inherited ggml-sycl's path on Intel; ggml-sycl is the runtime that dequantizes).
  const run = (batch: number) =>
    simulate(buildRequest({ model: 'gpt3-350m', hardware: 'arc-a770', runtime: 'llama.cpp-sycl', tp: 2, dtype: 'q4_0', batch, 'input-tokens': 377, 'output-tokens': 524 }, libraryModel('gpt3-350m'), bound('arc-a770', 'llama.cpp-sycl'), libraryModel));
  it('throughput does not fall from 8 to 9 decodes', () => {
    expect(run(9).throughput_tok_s!).toBeGreaterThanOrEqual(run(8).throughput_tok_s!);
  });
  it('a floored 9-row GEMM pays one kernel\'s gap, as the 8-row matrix-vector GEMM does', () => {
    const hw = bound('arc-a770', 'llama.cpp-sycl');
    const m = libraryModel('gpt3-350m') as DecoderModel;
    const qkv = (rows: number) => ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 0, prefillLen: 0, decodeSeqs: rows }), hw).find((o) => o.name === 'qkv_proj')!;
    const [a, b] = [opCost(qkv(8), hw, 'decode'), opCost(qkv(9), hw, 'decode')];
    expect(dequantPass(qkv(9), hw)).toBeDefined();
    expect(b.overheadS).toBe(a.overheadS);
  });
});

describe('RDNA 3 MoE MMQ tiles from the token count (ggml @b5cd8189, before PR #28552)', () => {
  it('binds on RDNA 3 (RX 7900 XTX) and RDNA 4: tiles up to 128 from the tokens, matrix-vector MUL_MAT_ID up to 8 tokens', () => {
    const k = kernelPhysics(bound('radeon-rx-7900-xtx', 'llama.cpp'));
    expect(k.groupTileFromTokens).toBe(128);
    expect(k.groupGemvMaxTokens).toBe(8);
    expect(kernelPhysics(bound('rtx-4090', 'llama.cpp')).groupGemvMaxTokens).toBe(1); // NVIDIA keeps the 2025 rule
    // CDNA 3 takes the same token tiles with NVIDIA's one-token matrix-vector rule (test/ggml-cdna3-moe-tiles.test.ts);
    // CDNA 2 is not read
    expect(kernelPhysics(bound('mi300x', 'llama.cpp')).groupGemvMaxTokens).toBe(1);
    expect(kernelPhysics(bound('mi210', 'llama.cpp')).groupTileFromTokens).toBe(0);
    // RDNA 4: the same tiles; mul_mat_vec_q for MUL_MAT_ID up to 7 q4_0 tokens (get_mmvq_mmid_max_batch_rdna4)
    const r4 = kernelPhysics(bound('radeon-ai-pro-r9700', 'llama.cpp'));
    expect([r4.groupTileFromTokens, r4.groupGemvMaxTokens]).toEqual([128, 7]);
  });
  it('a 64-token ubatch of gpt-oss-20b (32 experts, top-4: ~8 rows each) runs MMQ in 64-wide tiles, slower than row-sized tiles', () => {
    const hw = bound('radeon-rx-7900-xtx', 'llama.cpp');
    const up = ops('gpt-oss-20b', hw, 64).find((o) => o.name === 'experts_up')!;
    expect(isGemvShape(up, hw)).toBe(false);
    expect(isGemvShape(ops('gpt-oss-20b', hw, 8).find((o) => o.name === 'experts_up')!, hw)).toBe(true);
    const rows = withKernels(hw, { groupTileFromTokens: undefined, groupGemvMaxTokens: undefined });
    expect(opCost(up, hw).computeS).toBeGreaterThan(2 * opCost(up, rows).computeS);
  });
});
