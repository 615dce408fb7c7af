// SGLang 0.5.x runs block-FP8 experts on SM100 through FlashInfer's TRT-LLM block-scale fused MoE (server_args picks
// moe_runner_backend flashinfer_trtllm for DeepseekV3ForCausalLM with fp8 weights), not the Triton fused_moe whose
// one-strip-per-CTA floor runtimes/sglang.yaml by_vendor nvidia carries: runtimes/sglang.yaml by_hardware b200 turns
// the floor off for those experts (tiled_gemm.block_fp8_moe: false). aiconfigurator times that call on a B200.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { opCost } from '../src/sim/roofline.js';
import { tiledStreamS } from '../src/sim/kernel-physics.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const lib = getLibrary();

function decodeOps(id: string, tp: number, T: number, dtype: string) {
  const m = lib.models[id] as DecoderModel;
  const L = buildLayout(m, tp, 1, undefined, tp, false);
  return buildDecoderPass(m, L, resolvePrecision(dtype), { prefillSeqs: 0, prefillLen: 1, decodeSeqs: T });
}

// the ops of one FusedMoE forward as aiconfigurator's collector times it (routing from given router logits, both grouped
// GEMMs, the activation, the top-k sum): everything of the MoE block but the router GEMM, one layer
const MOE_CALL = new Set(['moe_topk', 'moe_sort', 'moe_permute', 'experts_up', 'experts_act', 'experts_down', 'moe_finalize']);
function moeCallS(hw: NormalizedHardware, T: number): number {
  let s = 0;
  for (const op of decodeOps('deepseek-v3', 8, T, 'fp8')) if (MOE_CALL.has(op.name)) s += opCost(op, hw, 'decode').seconds;
  return s;
}

describe('SGLang 0.5.x block-FP8 experts on B200 run FlashInfer TRT-LLM fused MoE', () => {
  // ai-dynamo/aiconfigurator @095f58a5 systems/data/b200_sxm/moe/sglang/0.5.14/moe_perf.parquet, kernel_source
  // sglang_flashinfer_trtllm_moe, fp8_block, DeepSeek-V3's experts (7168 x 2048, 256 experts, top 8) at moe_tp 8, balanced
  const measuredUs: [number, number][] = [[1, 36.1], [4, 41.7], [16, 84.2], [64, 155.7], [128, 178.5]];

  it('prices the whole call at decode sizes no faster than the timed kernel and within 1.7x of it', () => {
    for (const [T, us] of measuredUs) {
      const r = moeCallS(bound('b200', 'sglang'), T) / (us * 1e-6);
      expect(r, `T = ${T}`).toBeGreaterThan(0.9);
      expect(r, `T = ${T}`).toBeLessThan(1.7);
    }
  });

  it('the strip floor of the Triton kernel is off for block-FP8 experts only, and only on the B200', () => {
    const b200 = bound('b200', 'sglang');
    const dsUp = decodeOps('deepseek-v3', 8, 1, 'fp8').find((o) => o.name === 'experts_up')!;
    expect(dsUp.fp8Block).toBe(true);
    expect(tiledStreamS(dsUp, b200)).toBeUndefined();
    // bf16 experts (Triton fused_moe) and the block-FP8 linear layers keep it there
    const qwenUp = decodeOps('qwen3-235b-a22b', 8, 1, 'bf16').find((o) => o.name === 'experts_up')!;
    expect(tiledStreamS(qwenUp, b200)).toBeGreaterThan(0);
    const q = decodeOps('deepseek-v3', 8, 1, 'fp8').find((o) => o.name === 'q_a_proj')!;
    expect(tiledStreamS(q, b200)).toBeGreaterThan(0);
    // the H200 keeps the Triton fused MoE (sglang's by_architecture hopper), and so do the spring-2025 releases on the B200
    expect(tiledStreamS(dsUp, bound('h200-sxm', 'sglang'))).toBeGreaterThan(0);
    expect(tiledStreamS(dsUp, bound('b200', 'sglang-0.4.5'))).toBeGreaterThan(0);
    expect(tiledStreamS(dsUp, bound('b200', 'sglang-0.4'))).toBeGreaterThan(0);
    // with the Triton strip floor the same part priced the call ~1.8-2.2x the timed kernel at every decode size
    const t = b200.runtime!.kernels!.tiledGemm!;
    const strip: NormalizedHardware = { ...b200, runtime: { ...b200.runtime!, kernels: { ...b200.runtime!.kernels!, tiledGemm: { ...t, blockFp8Moe: undefined } } } };
    for (const [T, us] of measuredUs) expect(moeCallS(strip, T) / (us * 1e-6), `T = ${T}`).toBeGreaterThan(1.75);
  });
});
