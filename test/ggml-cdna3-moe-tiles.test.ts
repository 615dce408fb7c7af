// ggml-hip on CDNA 3 (gfx942) runs MUL_MAT_ID through the same MMQ code as ggml-cuda on NVIDIA: mmq_x from the ubatch's
// token count, at most 128 (get_mmq_x_max_host: amd_mfma_available), and mul_mat_vec_q for one token only
// (runtimes/llama.cpp.yaml by_architecture cdna3). Pinned: the binding, and a DeepSeek-V3 512-token ubatch's expert
// GEMM paying a whole 128-wide tile for its ~16 rows per expert.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { kernelPhysics } from '../src/sim/kernel-physics.js';
import { ggmlKernelCounts } from '../src/sim/ggml-kernels.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { isGemvShape, opCost } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

describe('llama.cpp MoE tiles on CDNA 3 (MMQ with MFMA, token-wide tiles)', () => {
  it('binds the token tile and the one-token matrix-vector limit on gfx942 parts only', () => {
    for (const id of ['mi300x', 'mi325x']) {
      expect(kernelPhysics(bound(id, 'llama.cpp')).groupTileFromTokens).toBe(128);
      expect(kernelPhysics(bound(id, 'llama.cpp')).groupGemvMaxTokens).toBe(1);
    }
    expect(kernelPhysics(bound('mi210', 'llama.cpp')).groupTileFromTokens).toBe(0); // CDNA 2: not read
    expect(kernelPhysics(bound('mi300x', 'vllm')).groupTileFromTokens).toBe(0);
  });

  it('a 512-token DeepSeek-V3 ubatch (~16 rows per expert) pays a 128-wide tile per expert', () => {
    const hw = bound('mi300x', 'llama.cpp');
    const m = libraryModel('deepseek-v3') as DecoderModel;
    const p = resolvePrecision('q4_k_m', undefined, undefined, undefined);
    const L = buildLayout(m, 1, 1, 1, 1, false);
    const up = (T: number) => ggmlKernelCounts(buildDecoderPass(m, L, p, { prefillSeqs: 1, prefillLen: T, decodeSeqs: 0 }), hw).find((o) => o.name === 'experts_up')!;
    const op = up(512);
    expect(op.m!).toBeCloseTo(16, 0);
    const rowsRule = { ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, groupTileFromTokens: undefined } } } as typeof hw;
    // 128 executed rows for 16 useful, against the rows-per-expert rule's smaller tile: at least 2.5x the MMA time
    expect(opCost(op, hw).computeS).toBeGreaterThan(2.5 * opCost(op, rowsRule).computeS);
    // one token streams the touched experts (mul_mat_vec_q); two run MMQ
    expect(isGemvShape(up(1), hw)).toBe(true);
    expect(isGemvShape(up(2), hw)).toBe(false);
  });
});
