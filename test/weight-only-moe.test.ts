// Narrow-float MoE experts on a part without their tensor cores (MXFP4 gpt-oss on A100 / H100, FP8 on A100) run
// weight-only through the runtime's grouped MoE kernel. vLLM's fused Marlin MoE is capped at the fraction of the 16-bit
// peak it reaches at large M: 0.54 (fused_marlin_moe MXFP4 on an H20, flagos-ai/FlagGems PR #4483; runtimes/vllm.yaml
// by_vendor nvidia), 0.29 on Hopper (the whole call timed on an H100 SXM by aiconfigurator; by_architecture hopper
// marlin_moe_efficiency), which a Hopper run gets where it ran Marlin (--set runtime.weight_only_moe=marlin: vLLM before
// v0.12, VLLM_MXFP4_USE_MARLIN=1). The current release's Hopper default, OpenAI's triton_kernels matmul_ogs, runs at the
// part's own 16-bit table (aiconfigurator h100_sxm/moe/vllm/0.24.0 at gpt-oss's shapes).
// Dense GEMMs of the same model (attention projections, bf16) and native-fp4 parts (Blackwell, FP4 activations) are not capped.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildLayout } from '../src/sim/parallel.js';
import { opCost, matrixPeak } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/index.js';
import { bound } from './helpers/bound.js';
import { runCli } from './fuzz/cli.js';
import { runCommand } from '@oclif/test';
import { resolveRuntime } from '../src/runtime/resolve.js';
import { useScratchDir } from './helpers/scratch.js';

const oss = libraryModel('gpt-oss-20b') as DecoderModel;
const fp4 = resolvePrecision('fp4', undefined, undefined, 'bf16');
const ops = buildDecoderPass(oss, buildLayout(oss, 1, 1, undefined, 1, false), fp4, { prefillSeqs: 1, prefillLen: 8192, decodeSeqs: 0 });
const up = ops.find((o) => o.name === 'experts_up')!;
const qkv = ops.find((o) => o.name === 'qkv_proj')!;
const rate = (op: typeof up, hw: ReturnType<typeof bound>) => op.flops / opCost(op, hw).computeS;

const marlin = (hw: ReturnType<typeof bound>) => ({ ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, weightOnlyMoeKernel: 'marlin' as const } } });
// one fused MoE call (routing, sort, both grouped GEMMs, activation, finalize) of `tokens` prompt tokens, as
// test/prompt-fused-moe-block-fp8.test.ts prices it
const MOE_CALL = ['moe_topk', 'moe_sort', 'moe_permute', 'experts_up', 'experts_act', 'experts_down', 'moe_finalize'];
const moeCall = (model: DecoderModel, hw: ReturnType<typeof bound>, tokens: number) => {
  const pass = buildDecoderPass(model, buildLayout(model, 1, 1, undefined, 1, false), fp4, { prefillSeqs: 1, prefillLen: tokens, decodeSeqs: 0 });
  return MOE_CALL.reduce((s, n) => {
    const o = pass.find((x) => x.name === n);
    return o ? s + opCost({ ...o, count: 1 }, hw, 'prefill').seconds : s;
  }, 0);
};

describe('weight-only MoE experts under vLLM: fused Marlin MoE (0.54 of the 16-bit peak, 0.29 on Hopper), Triton matmul_ogs on Hopper by default', () => {
  it('gpt-oss-20b MXFP4 experts of an 8192-token prefill stay at or below 0.54 of the fp16 peak on A100, 0.29 on Hopper where the run chose Marlin', () => {
    // Hopper's Marlin cap: Marlin's mma.sync tiles reach 0.27-0.30 of an H100's peak (aiconfigurator h100_sxm
    // vllm_marlin_moe, runtimes/vllm.yaml by_architecture hopper); an A100 runs Marlin by default and has no Hopper figure
    for (const [hwId, cap] of [['a100-sxm4-80gb', 0.54], ['h100-pcie', 0.29], ['h100-sxm', 0.29], ['h200-sxm', 0.29]] as const) {
      const hw = marlin(bound(hwId, 'vllm'));
      const peak = matrixPeak(hw, 'fp4').flopPerS; // the 16-bit peak the weight-only GEMM runs at
      expect(rate(up, hw)).toBeLessThanOrEqual(cap * peak * 1.000001);
      expect(rate(up, hw)).toBeGreaterThan(0.9 * cap * peak); // a large grouped GEMM reaches the cap
    }
    // the A100's default is Marlin too: the same rate with or without the setting
    expect(rate(up, bound('a100-sxm4-80gb', 'vllm'))).toBeCloseTo(rate(up, marlin(bound('a100-sxm4-80gb', 'vllm'))), 6);
  });
  it('the current release on Hopper runs Triton matmul_ogs at the part\'s own 16-bit table, about twice Marlin\'s rate', () => {
    for (const hwId of ['h100-sxm', 'h200-sxm']) {
      const hw = bound(hwId, 'vllm');
      expect(hw.runtime!.kernels.weightOnlyMoeEfficiency).toBe(1);
      expect(hw.runtime!.kernels.marlinMoeEfficiency).toBe(0.29);
      expect(rate(up, hw)).toBeCloseTo(rate(up, bound(hwId, 'ideal')), 6);
      expect(rate(up, hw) / rate(up, marlin(hw))).toBeGreaterThan(1.8);
    }
  });
  it('fp4 experts without MXFP4 scales (NVFP4, a generic --dtype fp4) run Marlin on Hopper by default: the Triton kernel is MXFP4\'s', () => {
    const q = libraryModel('qwen3-30b-a3b') as DecoderModel;
    const qUp = buildDecoderPass(q, buildLayout(q, 1, 1, undefined, 1, false), fp4, { prefillSeqs: 1, prefillLen: 8192, decodeSeqs: 0 }).find((o) => o.name === 'experts_up')!;
    expect(qUp.mxfp4).toBeFalsy();
    expect(up.mxfp4).toBe(true);
    const hw = bound('h100-sxm', 'vllm');
    expect(rate(qUp, hw)).toBeCloseTo(rate(qUp, marlin(hw)), 6);
    expect(rate(qUp, hw)).toBeLessThanOrEqual(0.29 * matrixPeak(hw, 'fp4').flopPerS * 1.000001);
  });
  it('the priced call matches the Triton kernel timed at gpt-oss shapes on an H100 at prompt sizes; the old 0.54 read it 1.2-1.3x slow', () => {
    // aiconfigurator @095f58a5 h100_sxm/moe/vllm/0.24.0 vllm_gptossmxfp4moe_triton_oaitritonmxfp4expertsmonolithic,
    // w4a16_mxfp4, hidden 2880, intermediate 2880, top-4, TP 1, balanced; ms
    const h100 = bound('h100-sxm', 'vllm');
    const at054 = { ...h100, runtime: { ...h100.runtime!, kernels: { ...h100.runtime!.kernels, weightOnlyMoeEfficiency: 0.54 } } };
    for (const [id, table] of [
      ['gpt-oss-20b', [[4096, 1.4832], [8192, 2.8941], [16384, 5.8915]]],
      ['gpt-oss-120b', [[4096, 1.51], [8192, 2.9309], [16384, 5.8251]]],
    ] as const) {
      const m = libraryModel(id) as DecoderModel;
      for (const [tokens, ms] of table) {
        const r = moeCall(m, h100, tokens) / (ms * 1e-3);
        expect(r).toBeGreaterThan(0.9);
        expect(r).toBeLessThan(1.25);
      }
      expect(moeCall(m, at054, 8192) / (table[1][1] * 1e-3)).toBeGreaterThan(1.18);
    }
  });
  it('--set runtime.weight_only_moe=marlin slows a Hopper gpt-oss prompt; a bad value is a one-line error', async () => {
    const argv = ['simulate', '--model', 'gpt-oss-20b', '--hardware', 'h100-sxm', '--dtype', 'fp4', '--input-tokens', '8192', '--output-tokens', '1', '--batch', '1', '--runtime', 'vllm', '--json'];
    const ttft = async (extra: string[]) => {
      const r = await runCli([...argv, ...extra]);
      expect(r.exit, r.stderr).toBe(0);
      return JSON.parse(r.stdout).ttft_s as number;
    };
    const triton = await ttft([]);
    expect(await ttft(['--set', 'runtime.weight_only_moe=default'])).toBeCloseTo(triton, 9);
    expect(await ttft(['--set', 'runtime.weight_only_moe=marlin'])).toBeGreaterThan(1.1 * triton);
    const bad = await runCli([...argv.filter((a) => a !== '--json'), '--set', 'runtime.weight_only_moe=cutlass']);
    expect(bad.exit).not.toBe(0);
    expect(bad.stderr).toMatch(/weight_only_moe/);
  });
  it('without the cap (ideal runtime) the same experts run at the cuBLAS table, above it; the bf16 attention projections are not capped', () => {
    const ideal = bound('a100-sxm4-80gb', 'ideal');
    expect(rate(up, ideal)).toBeGreaterThan(0.6 * matrixPeak(ideal, 'fp4').flopPerS);
    const hw = bound('a100-sxm4-80gb', 'vllm');
    expect(rate(qkv, hw)).toBeCloseTo(rate(qkv, bound('a100-sxm4-80gb', 'ideal')), 6);
  });
  it('a part with fp4 tensor cores (B200) runs the experts natively under a runtime that feeds them FP4: no cap', () => {
    // (vLLM's own SM100 default feeds them BF16 activations: test/mxfp4-moe-activations.test.ts)
    const hw = bound('b200', 'ideal');
    expect(rate(up, hw)).toBeGreaterThan(0.54 * matrixPeak(hw, 'fp16').flopPerS);
  });
});

// one MoE call of a decode step of `tokens` sequences at tensor parallelism `tp`, as the Triton call above is priced
const decodeCall = (model: DecoderModel, hw: ReturnType<typeof bound>, tokens: number, tp: number) => {
  const pass = buildDecoderPass(model, buildLayout(model, tp, 1, undefined, tp, false), fp4, { prefillSeqs: 0, prefillLen: 0, decodeSeqs: tokens });
  return MOE_CALL.reduce((s, n) => {
    const o = pass.find((x) => x.name === n);
    return o ? s + opCost({ ...o, count: 1 }, hw, 'decode').seconds : s;
  }, 0);
};
const withoutTritonTerms = (hw: ReturnType<typeof bound>) => {
  const k = hw.runtime!.kernels;
  return { ...hw, runtime: { ...hw.runtime!, kernels: { ...k, weightOnlyMoeFixedS: undefined, tiledGemm: { ...k.tiledGemm!, weightOnlyMoe: undefined } } } };
};

describe('vLLM MXFP4 MoE on Hopper at decode sizes: triton_kernels matmul_ogs streams at a rate per SM, plus a fixed time per grouped GEMM', () => {
  // aiconfigurator @095f58a5 {h100_sxm,h200_sxm}/moe/vllm/0.24.0 vllm_gptossmxfp4moe_triton_oaitritonmxfp4expertsmonolithic,
  // w4a16_mxfp4, hidden 2880, intermediate 2880, top-4, EP 1, balanced; [experts, tp, tokens, us]. Cells where the
  // table's balanced routing and hwperf's expected hits agree: one token (4 experts), or every expert hit.
  const cells = {
    'h100-sxm': [[128, 1, 1, 62.9], [128, 1, 256, 701.5], [32, 1, 1, 61.4], [32, 1, 128, 221.6], [128, 8, 1, 38.9], [128, 8, 256, 137.7], [32, 32, 1, 37.6]],
    'h200-sxm': [[128, 1, 1, 60.9], [128, 1, 256, 666.8], [32, 1, 128, 191.3], [128, 8, 256, 118.3], [32, 32, 1, 37.3]],
  } as const;
  const model = (e: number) => libraryModel(e === 32 ? 'gpt-oss-20b' : 'gpt-oss-120b') as DecoderModel;
  it('prices the measured calls within 0.9-1.3x (measured / priced); at the part\'s HBM rate the H200 read 1.38x fast', () => {
    for (const [hwId, list] of Object.entries(cells)) {
      const hw = bound(hwId, 'vllm');
      expect(hw.runtime!.kernels.tiledGemm!.weightOnlyMoe!.rateBytePerS).toBe(21e9);
      expect(hw.runtime!.kernels.weightOnlyMoeFixedS).toBeCloseTo(1.2e-6, 12);
      for (const [e, tp, tokens, us] of list) {
        const r = (us * 1e-6) / decodeCall(model(e), hw, tokens, tp);
        expect(r, `${hwId} ${e} experts tp ${tp} ${tokens} tokens`).toBeGreaterThan(0.9);
        expect(r, `${hwId} ${e} experts tp ${tp} ${tokens} tokens`).toBeLessThan(1.3);
      }
    }
    // without the kernel's own stream rate the faster HBM made the H200 call 1.38x faster than measured
    const h200 = bound('h200-sxm', 'vllm');
    expect((666.8e-6) / decodeCall(model(128), withoutTritonTerms(h200), 256, 1)).toBeGreaterThan(1.3);
  });
  it('the H100 and H200 price the every-expert call alike, as measured (701.5 / 666.8 us), though their HBM differs by 1.43x', () => {
    const a = decodeCall(model(128), bound('h100-sxm', 'vllm'), 256, 1);
    const b = decodeCall(model(128), bound('h200-sxm', 'vllm'), 256, 1);
    expect(a / b).toBeGreaterThan(0.97);
    expect(a / b).toBeLessThan(1.06);
  });
  it('a call never costs less as its tokens grow (1-2048)', () => {
    for (const hwId of ['h100-sxm', 'h200-sxm', 'h100-pcie']) {
      const hw = bound(hwId, 'vllm');
      for (const e of [32, 128]) {
        let prev = 0;
        for (let t = 1; t <= 2048; t = Math.ceil(t * 1.25)) {
          const s = decodeCall(model(e), hw, t, 1);
          expect(s, `${hwId} ${e} experts ${t} tokens`).toBeGreaterThanOrEqual(prev * (1 - 1e-12));
          prev = s;
        }
      }
    }
  });
  it('releases before v0.12 (vllm-0.6 and the files extending it) run Marlin: kernels.weight_only_moe_kernel', () => {
    for (const rt of ['vllm-0.6', 'vllm-0.7']) {
      const hw = bound('h100-sxm', rt);
      expect(hw.runtime!.kernels.weightOnlyMoeKernel).toBe('marlin');
      for (const t of [1, 64]) expect(decodeCall(model(128), hw, t, 1)).toBeCloseTo(decodeCall(model(128), withoutTritonTerms(hw), t, 1), 12);
    }
    expect(bound('h100-sxm', 'vllm').runtime!.kernels.weightOnlyMoeKernel).toBeUndefined();
  });
  it('a run on Marlin keeps Marlin\'s pricing: neither the Triton stream rate nor its fixed time', () => {
    for (const hwId of ['h100-sxm', 'h200-sxm']) {
      const hw = marlin(bound(hwId, 'vllm'));
      for (const t of [1, 16, 256]) expect(decodeCall(model(128), hw, t, 1)).toBeCloseTo(decodeCall(model(128), withoutTritonTerms(hw), t, 1), 12);
      // the default (Triton) call is priced with both terms: slower than without them at one token
      expect(decodeCall(model(128), bound(hwId, 'vllm'), 1, 1)).toBeGreaterThan(decodeCall(model(128), withoutTritonTerms(bound(hwId, 'vllm')), 1, 1) + 2e-6);
    }
  });
});

describe('kernels.tiled_gemm.weight_only_moe in a runtime file', () => {
  const scratch = useScratchDir('hwperf-wom-');
  const root = new URL('..', import.meta.url).pathname;
  const ENGINE = `id: tiny-engine
name: Tiny engine
kind: runtime
role: local
kernels:
  tiled_gemm: {rate: 30 GB/s, tile_n: 128, moe: true, fp8_block: false, weight_only_moe: {rate: 21 GB/s, tile_n: 64}}
  weight_only_moe_fixed: 1.2 us
  source: "kernel micro-benchmark of my engine"
sources: [test]
`;
  it('reads the rate and strip width; a bad rate is one line naming file and field', async () => {
    const rt = await resolveRuntime(scratch.write('tiny.yaml', ENGINE));
    expect(rt.kernels.tiledGemm!.weightOnlyMoe).toEqual({ rateBytePerS: 21e9, tileN: 64 });
    const r = await runCommand(['validate', scratch.write('bad.yaml', ENGINE.replace('{rate: 21 GB/s', '{rate: 0 GB/s'))], { root });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+\s+kernels\.tiled_gemm\.weight_only_moe\.rate/);
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
  });
});

describe('vLLM fused Marlin MoE on Hopper by token count: one cap (0.29) at every size against routed cells', () => {
  // aiconfigurator @095f58a5 h100_sxm/moe/vllm/0.14.0 vllm_marlin_moe, int4_wo, TP 1, CUDA graph; us. power_law_1.01:
  // uneven rows per expert (as routed tokens are); balanced: every expert the same rows (whole M tiles)
  const powerLaw = {
    'mixtral-8x7b': [[1, 107.0], [8, 259.1], [64, 423.5], [128, 621.9], [256, 988.0], [1024, 2676.0]],
    'qwen3-235b-a22b': [[1, 63.6], [8, 182.3], [64, 438.9], [128, 518.6], [256, 774.8], [1024, 1889.0]],
  } as const;
  const balancedMixtral = [[64, 379.0], [128, 487.4], [256, 650.5]] as const;
  const hw = marlin(bound('h100-sxm', 'vllm'));
  const call = (id: string, t: number) => decodeCall(libraryModel(id) as DecoderModel, hw, t, 1);
  it('prices the power-law cells within 0.8-1.2x (measured / priced) from 1 to 1024 tokens', () => {
    for (const [id, list] of Object.entries(powerLaw)) {
      for (const [t, us] of list) {
        const r = (us * 1e-6) / call(id, t);
        expect(r, `${id} ${t} tokens`).toBeGreaterThan(0.8);
        expect(r, `${id} ${t} tokens`).toBeLessThan(1.2);
      }
    }
  });
  it('the balanced cells read faster at 64-256 tokens (whole tiles), which is routing, not a cap by tokens', () => {
    for (const [t, us] of balancedMixtral) expect((us * 1e-6) / call('mixtral-8x7b', t)).toBeLessThan(0.9);
  });
});
