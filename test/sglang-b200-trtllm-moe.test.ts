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
import { fuseDecoderOps } from '../src/sim/fusion.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';
import { decodePassOps as decodeOps } from './helpers/decode-pass.js';

const lib = getLibrary();

// the ops of one FusedMoE forward as aiconfigurator's collector times it (routing from given router logits, both grouped
// GEMMs, the activation, the top-k sum): everything of the MoE block but the router GEMM, one layer; moe_permute is
// fused into experts_up on NVIDIA parts (runtimes/sglang.yaml by_vendor nvidia fusion) and priced nothing in a step
const MOE_CALL = new Set(['moe_topk', 'moe_sort', 'experts_up', 'experts_act', 'experts_down', 'moe_finalize']);
function moeCallS(hw: NormalizedHardware, T: number, phase: 'decode' | 'prefill' = 'decode'): number {
  const m = lib.models['deepseek-v3'] as DecoderModel;
  const L = buildLayout(m, 8, 1, undefined, 8, false);
  const shape = phase === 'decode' ? { prefillSeqs: 0, prefillLen: 1, decodeSeqs: T } : { prefillSeqs: 1, prefillLen: T, decodeSeqs: 0 };
  let s = 0;
  for (const op of buildDecoderPass(m, L, resolvePrecision('fp8'), shape)) if (MOE_CALL.has(op.name)) s += opCost(op, hw, phase).seconds;
  return s;
}
// hwperf's call carries the fused shared expert (9 experts a token, runtimes/sglang.yaml moe_shared_fused); the table's
// call routes top 8: its times are scaled by 9/8
const SHARED = 9 / 8;

describe('SGLang 0.5.x block-FP8 experts on B200 run FlashInfer TRT-LLM fused MoE', () => {
  // ai-dynamo/aiconfigurator @095f58a5 systems/data/b200_sxm/moe/sglang/0.5.14/moe_perf.parquet, kernel_source
  // sglang_flashinfer_trtllm_moe, fp8_block, DeepSeek-V3's experts (7168 x 2048, 256 experts, top 8) at moe_tp 8, balanced
  const measuredUs: [number, number][] = [[1, 36.1], [4, 41.7], [16, 84.2], [64, 155.7], [128, 178.5]];

  it('prices the whole call at decode sizes within 0.95-1.5x of the timed kernel', () => {
    for (const [T, us] of measuredUs) {
      const r = moeCallS(bound('b200', 'sglang'), T) / (us * 1e-6 * SHARED);
      expect(r, `T = ${T}`).toBeGreaterThan(0.95);
      expect(r, `T = ${T}`).toBeLessThan(1.5);
    }
  });

  it("at prompt sizes the 0.16 cap (fp8_block_moe_efficiency) holds the call to the timed one at the B200's 16384-token chunk", () => {
    const b200 = bound('b200', 'sglang');
    expect(b200.runtime!.kernels!.fp8BlockMoeEfficiency).toBe(0.16);
    // the same table: 1204.0 / 2358.6 us at 8192 / 16384 tokens
    for (const [T, us, lo, hi] of [[8192, 1204.0, 0.85, 1.15], [16384, 2358.6, 0.95, 1.05]]) {
      const r = moeCallS(b200, T, 'prefill') / (us * 1e-6 * SHARED);
      expect(r, `T = ${T}`).toBeGreaterThan(lo);
      expect(r, `T = ${T}`).toBeLessThan(hi);
    }
    // uncapped, the grouped GEMMs price it ~0.5x of the timed call at 16384 tokens
    const uncapped: NormalizedHardware = { ...b200, runtime: { ...b200.runtime!, kernels: { ...b200.runtime!.kernels!, fp8BlockMoeEfficiency: undefined } } };
    expect(moeCallS(uncapped, 16384, 'prefill') / (2358.6e-6 * SHARED)).toBeLessThan(0.55);
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
    // with the Triton strip floor the same part priced the call 1.6-1.8x the timed kernel at every decode size
    const t = b200.runtime!.kernels!.tiledGemm!;
    const strip: NormalizedHardware = { ...b200, runtime: { ...b200.runtime!, kernels: { ...b200.runtime!.kernels!, tiledGemm: { ...t, blockFp8Moe: undefined } } } };
    for (const [T, us] of measuredUs) expect(moeCallS(strip, T) / (us * 1e-6 * SHARED), `T = ${T}`).toBeGreaterThan(1.55);
  });
});

// FlashInfer's TRT-LLM MoE applies SwiGLU in gemm1's epilogue for MXFP4 experts (fusedAct = !useDeepSeekFp8); a
// DeepSeek-FP8 block-scale call runs its activation as a kernel of its own (flashinfer csrc/trtllm_fused_moe_runner.cu)
describe('the activation of MXFP4 experts on a B200 is the first grouped GEMM\'s epilogue (runtimes/sglang.yaml by_hardware b200 fusion)', () => {
  function fusedPass(id: string, dtype: string, hwId: string, rt: string) {
    const m = lib.models[id] as DecoderModel;
    const L = buildLayout(m, 8, 1, undefined, 8, false);
    const ops = buildDecoderPass(m, L, resolvePrecision(dtype), { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 4 });
    fuseDecoderOps(ops, bound(hwId, rt).runtime!.fusion, m, L, 4 * m.hidden * 2);
    return (name: string) => ops.find((o) => o.name === name)!;
  }
  it('gpt-oss on sglang b200: experts_act is no kernel; DeepSeek FP8 keeps its activation kernel', () => {
    const oss = fusedPass('gpt-oss-120b', 'fp4', 'b200', 'sglang');
    expect(oss('experts_up').mxfp4).toBe(true);
    expect(oss('experts_act').kernels).toBe(0);
    expect(oss('experts_act').fusedInto).toBe('experts_up');
    expect(oss('moe_permute').kernels).toBe(0);
    const ds = fusedPass('deepseek-v3', 'fp8', 'b200', 'sglang');
    expect(ds('experts_act').kernels ?? 1).toBe(1);
    expect(ds('moe_permute').kernels).toBe(0);
  });
  it('not on Hopper (triton_kernels matmul_ogs) nor under the spring-2025 releases on the B200', () => {
    expect(fusedPass('gpt-oss-120b', 'fp4', 'h100-sxm', 'sglang')('experts_act').kernels ?? 1).toBe(1);
    const old = fusedPass('gpt-oss-120b', 'fp4', 'b200', 'sglang-0.4');
    expect(old('experts_act').kernels ?? 1).toBe(1);
    // and sglang-0.4 keeps its own groups there: no rope-and-cache fusion of the 0.5 releases
    expect(bound('b200', 'sglang-0.4').runtime!.fusion!.some((g) => g.ops.includes('kv_write'))).toBe(false);
  });
});
