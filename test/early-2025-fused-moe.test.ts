// Early-2025 vLLM / SGLang on Hopper run the experts of a block-FP8 checkpoint (DeepSeek-V3/R1) through the Triton
// fused_moe_kernel as those releases shipped it: at least one 64-row tile per touched expert (block-FP8 default config
// BLOCK_SIZE_M 64; vLLM's H200 table @1bae9d38 picks 64 from 4 tokens up), no matrix-vector MoE path, and 0.053 of the
// fp8 peak on those tiles (vllm PR #13932: DeepSeek-V3 TP 8 on an H100, 180.4 GFLOP of 64-row tiles in 1728.73 µs).
// SGLang 0.4's Triton block-FP8 linear kernel runs at 0.155 of the peak at DeepSeek-V3's TP 8 shapes (sglang PR #3893,
// H200). runtimes/vllm-0.7.yaml, runtimes/vllm-0.7.0.yaml and runtimes/sglang-0.4.yaml cite the numbers.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildLayout } from '../src/sim/parallel.js';
import { opCost, matrixPeak } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/index.js';
import { bound } from './helpers/bound.js';

const ds = libraryModel('deepseek-v3') as DecoderModel;
const fp8 = resolvePrecision('fp8', undefined, undefined, 'bf16');
const layout = buildLayout(ds, 8, 1, 1, 8, false);
// one MoE layer of a decode step of `tokens` sequences: the two expert GEMMs, seconds per layer
const moeLayer = (hw: ReturnType<typeof bound>, tokens: number) => {
  const ops = buildDecoderPass(ds, layout, fp8, { prefillSeqs: 0, prefillLen: 0, decodeSeqs: tokens });
  return ['experts_up', 'experts_down'].reduce((s, n) => s + opCost(ops.find((o) => o.name === n)!, hw, 'decode').seconds, 0);
};

describe('early-2025 Triton fused_moe on Hopper (block-FP8 DeepSeek-V3)', () => {
  it('the cap is the measured rate on 64-row tiles: 256 experts x 64 rows x 2 x 7168 x (512 + 256) FLOP in 1728.73 us', () => {
    const padded = 256 * 64 * 2 * 7168 * (512 + 256);
    const eff = padded / 1728.73e-6 / 1978.9e12;
    expect(eff).toBeCloseTo(0.053, 3);
    for (const rt of ['vllm-0.7', 'vllm-0.7.0', 'sglang-0.4']) {
      const k = bound('h200-sxm', rt).runtime!.kernels;
      expect(k.fp8BlockMoeEfficiency).toBe(0.053);
      expect(k.moeMinTileRows).toBe(64);
      expect(k.groupGemvMaxTokens).toBe(0);
    }
  });
  it('a DeepSeek-V3 TP 8 MoE layer on an H100 costs what vllm PR #13932 measured, flat from 128 to 1536 tokens, a second tile from 2048', () => {
    // measured per fused_moe call (both GEMMs and the small routing / quant / sum kernels): 1732.33, 1728.73,
    // 1810.36, 1892.75, 1988.70, 2818.65 us at 128, 256, 512, 1024, 1536, 2048 tokens
    for (const rt of ['vllm-0.7', 'sglang-0.4']) {
      const hw = bound('h100-sxm', rt);
      for (const [tokens, us] of [[128, 1732.33], [256, 1728.73], [1024, 1892.75], [1536, 1988.7], [2048, 2818.65]] as const) {
        const s = moeLayer(hw, tokens);
        expect(s).toBeGreaterThan(0.85 * us * 1e-6);
        expect(s).toBeLessThan(1.15 * us * 1e-6);
      }
    }
  });
  it('a decode step of 4 sequences pays a 64-row tile per touched expert, far above streaming their weights', () => {
    const early = moeLayer(bound('h200-sxm', 'vllm-0.7'), 4);
    const today = moeLayer(bound('h200-sxm', 'vllm'), 4);
    expect(early).toBeGreaterThan(3 * today);
    // and a larger batch costs more (monotone)
    expect(moeLayer(bound('h200-sxm', 'vllm-0.7'), 8)).toBeGreaterThan(early);
  });
  it('SGLang 0.4 block-FP8 linear layers run at 0.155 of the fp8 peak at M = 4096 (sglang PR #3893, H200)', () => {
    const ops = buildDecoderPass(ds, layout, fp8, { prefillSeqs: 1, prefillLen: 4096, decodeSeqs: 0 });
    const oProj = ops.find((o) => o.name === 'o_proj')!; // N 7168, K 2048 at TP 8: 385.89 us measured = 312 TFLOP/s
    const hw = bound('h200-sxm', 'sglang-0.4');
    const rate = oProj.flops / opCost(oProj, hw).computeS;
    expect(rate).toBeLessThanOrEqual(0.155 * matrixPeak(hw, 'fp8').flopPerS * 1.000001);
    expect(rate).toBeGreaterThan(0.9 * (2 * 4096 * 7168 * 2048) / 385.89e-6);
    // vLLM 0.7's CUTLASS blockwise linear layers keep their own, higher rate
    expect(opCost(oProj, bound('h200-sxm', 'vllm-0.7')).computeS).toBeLessThan(opCost(oProj, hw).computeS);
  });
});
