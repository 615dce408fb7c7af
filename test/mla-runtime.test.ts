// How a runtime runs multi-head latent attention and block-scaled FP8 GEMMs (runtimes/vllm-0.7.0.yaml, vllm-0.6.yaml,
// vllm-0.7.yaml, sglang-0.4.yaml): vLLM before v0.7.1 expanded DeepSeek's MLA to a per-head K/V cache
// (src/runtime/mla-cache.ts); vLLM 0.7's V0 engine ran MLA models without chunked prefill; the early-2025 block-FP8 GEMM kernels (Triton, CUTLASS
// blockwise) reach a fraction of the fp8 peak the per-tensor cuBLASLt table does not describe.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { modelForRuntime } from '../src/runtime/mla-cache.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { buildLayout } from '../src/sim/parallel.js';
import { kvBytesPerToken } from '../src/sim/memory.js';
import { kvCapacity } from '../src/serve/kv.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { opCost, matrixPeak } from '../src/sim/roofline.js';
import type { DecoderModel, SimulateResult } from '../src/index.js';
import { bound } from './helpers/bound.js';

const ds = libraryModel('deepseek-v3') as DecoderModel;
const fp8 = resolvePrecision('fp8', undefined, undefined, 'bf16');

describe('MLA expanded to per-head K/V (vLLM before v0.7.1)', () => {
  it('vllm-0.7.0 expands; the V0 engine from v0.7.1 (vllm-0.6, vllm-0.7) and the others keep the latent', () => {
    expect(bound('h200-sxm', 'vllm-0.7.0').runtime!.kernels.mla).toBe('expanded');
    expect(bound('h200-sxm', 'vllm-0.6').runtime!.kernels.mla).toBe('absorbed');
    expect(bound('h200-sxm', 'vllm-0.7').runtime!.kernels.mla).toBe('absorbed');
    expect(modelForRuntime(ds, bound('h200-sxm', 'vllm-0.6'))).toBe(ds);
    expect(modelForRuntime(ds, bound('h200-sxm', 'vllm-0.7'))).toBe(ds);
    expect(modelForRuntime(ds, bound('h200-sxm', 'sglang'))).toBe(ds);
    const e = modelForRuntime(ds, bound('h200-sxm', 'vllm-0.7.0'));
    expect(e).not.toBe(ds);
    expect(modelForRuntime(ds, bound('mi300x', 'vllm-0.7.0'))).toBe(e); // one derived object per model (pass memo keys)
    // a model without MLA is never touched
    const llama = libraryModel('llama-3.1-8b');
    expect(modelForRuntime(llama, bound('h200-sxm', 'vllm-0.7.0'))).toBe(llama);
  });
  it('DeepSeek-V3 at TP 8: 2·16 heads·192 per layer instead of the 576-wide latent (10.7×)', () => {
    const e = modelForRuntime(ds, bound('h200-sxm', 'vllm-0.7.0')) as DecoderModel;
    const lat = kvBytesPerToken(ds, buildLayout(ds, 8, 1, 1, 8, false), fp8);
    const exp = kvBytesPerToken(e, buildLayout(e, 8, 1, 1, 8, false), fp8);
    expect(lat).toBe(61 * 576 * 2);
    expect(exp).toBe(61 * 2 * 16 * 192 * 2);
    expect(exp / lat).toBeCloseTo(10.67, 2);
  });
  it('8x H200 KV token capacity falls about tenfold, as vLLM measured from v0.7.0 to v0.7.1 (54,560 vs 512,000)', () => {
    const cap = (rt: string) => {
      const hw = bound('h200-sxm', rt);
      const m = modelForRuntime(ds, hw);
      const s = serveRuntime(hw, rt, m.context, true);
      return kvCapacity(m, hw, buildLayout(m, 8, 1, 1, 8, false), fp8, s.maxNumBatchedTokens, s.maxNumSeqs).tokens;
    };
    const ratio = cap('vllm-0.7') / cap('vllm-0.7.0');
    expect(ratio).toBeGreaterThan(9); // measured 512,000 / 54,560 = 9.4 (v0.7.1 also held absorbed matrices)
    expect(ratio).toBeLessThan(11);
  });
  it('decode attention reads per-head K and V: a long-context decode step is slower, the batch that fits smaller', () => {
    const run = (rt: string, batch: number | 'max') =>
      simulate(buildRequest({ model: 'deepseek-v3', hardware: 'h200-sxm', tp: 8, dtype: 'fp8', 'kv-cache': 'bf16', 'input-tokens': 3200, 'output-tokens': 800, batch }, ds, bound('h200-sxm', rt), libraryModel)) as SimulateResult;
    expect(run('vllm-0.7.0', 16).tpot_s!).toBeGreaterThan(run('vllm-0.6', 16).tpot_s!);
    expect(run('vllm-0.7.0', 'max').batch! * 5).toBeLessThan(run('vllm-0.6', 'max').batch!);
    const dec = buildDecoderPass(modelForRuntime(ds, bound('h200-sxm', 'vllm-0.7.0')) as DecoderModel, buildLayout(ds, 8, 1, 1, 8, false), fp8, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 4 }).find((o) => o.name === 'attention_decode')!;
    expect(dec.flopsPerCtx).toBe(2 * 4 * 16 * (192 + 192));
  });
});

describe('vLLM 0.7 V0 runs MLA models without chunked prefill', () => {
  it('tokens per step cover max_model_len for an MLA model; other models keep the long-context defaults', () => {
    const hw = bound('h200-sxm', 'vllm-0.7');
    const mla = serveRuntime(hw, 'vllm-0.7', 163840, true);
    expect(mla.chunkedPrefill).toBe(false);
    expect(mla.maxNumBatchedTokens).toBe(163840);
    const gqa = serveRuntime(hw, 'vllm-0.7', 131072, false);
    expect(gqa.chunkedPrefill).toBe(true);
    expect(gqa.maxNumBatchedTokens).toBe(2048); // the chunked-prefill budget from v0.6.5 on (vllm PR #10544)
    expect(serveRuntime(bound('h200-sxm', 'vllm-0.6'), 'vllm-0.6', 163840, true).chunkedPrefill).toBe(true); // 0.6: no MLA kernel, no forcing
  });
  it('vllm-0.7.0 extends vllm-0.7 without its MLA forcing (no MLA backend before v0.7.1) and keeps its Hopper experts', () => {
    const s = serveRuntime(bound('h200-sxm', 'vllm-0.7.0'), 'vllm-0.7.0', 163840, true);
    expect(s.chunkedPrefill).toBe(true); // above 32K: the long-context chunk budget, as vllm-0.7 for a non-MLA model
    expect(s.maxNumBatchedTokens).toBe(2048);
    const k = (rt: string) => bound('h200-sxm', rt).runtime!.kernels;
    for (const key of ['moeMinTileRows', 'groupGemvMaxTokens', 'fp8BlockMoeEfficiency'] as const) expect(k('vllm-0.7.0')[key]).toBe(k('vllm-0.7')[key]);
    expect(k('vllm-0.7.0').fp8BlockEfficiency).toBe(0.155); // its own Triton block-FP8 linear layers
  });
  it('long-context chunked prefill runs 2048-token steps from v0.6.5 on (0.6.6-0.7.x), 512 before (vllm-0.6)', () => {
    for (const rt of ['vllm-0.7', 'vllm-0.7.0']) {
      const s = serveRuntime(bound('h200-sxm', rt), rt, 131072, false);
      expect(s.chunkedPrefill).toBe(true);
      expect(s.maxNumBatchedTokens).toBe(2048);
      // at or below 32K the V0 default holds: no chunking, a step holds the whole context
      const short = serveRuntime(bound('h200-sxm', rt), rt, 32768, false);
      expect(short.chunkedPrefill).toBe(false);
      expect(short.maxNumBatchedTokens).toBe(32768);
    }
    expect(serveRuntime(bound('h200-sxm', 'vllm-0.6'), 'vllm-0.6', 131072, false).maxNumBatchedTokens).toBe(512);
  });
});

describe('block-scaled FP8 GEMMs at the runtime kernel rate', () => {
  const prefillOps = buildDecoderPass(ds, buildLayout(ds, 8, 1, 1, 8, false), fp8, { prefillSeqs: 1, prefillLen: 8192, decodeSeqs: 0 });
  const qb = prefillOps.find((o) => o.name === 'q_b_proj')!;
  const up = prefillOps.find((o) => o.name === 'experts_up')!;
  it('the checkpoint marks its projections block-FP8, router and LM head excepted', () => {
    expect(qb.fp8Block).toBe(true);
    expect(up.fp8Block).toBe(true);
    expect(prefillOps.find((o) => o.name === 'router')!.fp8Block).toBeUndefined();
  });
  it('a large block-FP8 GEMM never runs above the kernel fraction of the fp8 peak (early-2025 Triton 0.155, CUTLASS 0.41; fused MoE 0.053 / 0.32)', () => {
    for (const [rt, dense, moe] of [['sglang-0.4', 0.155, 0.053], ['vllm-0.6', 0.41, 0.32], ['vllm-0.7', 0.41, 0.053], ['vllm-0.7.0', 0.155, 0.053]] as const) {
      const hw = bound('h200-sxm', rt);
      const peak = matrixPeak(hw, 'fp8').flopPerS;
      expect(qb.flops / opCost(qb, hw).computeS).toBeLessThanOrEqual(dense * peak * 1.000001);
      expect(qb.flops / opCost(qb, hw).computeS).toBeGreaterThan(0.9 * dense * peak);
      expect(up.flops / opCost(up, hw).computeS).toBeLessThanOrEqual(moe * peak * 1.000001);
    }
    // the runtimes that name no such kernel keep the hardware's fp8 table (cuBLASLt per-tensor: 0.686 at this size)
    const trt = bound('h200-sxm', 'tensorrt-llm');
    expect(qb.flops / opCost(qb, trt).computeS).toBeGreaterThan(0.5 * matrixPeak(trt, 'fp8').flopPerS);
    // and parts of other architectures are not capped by the Hopper measurement
    expect(bound('b200', 'sglang-0.4').runtime!.kernels.fp8BlockEfficiency).toBeUndefined();
  });
  it('a per-tensor fp8 checkpoint is not a block-FP8 one: no cap', () => {
    const llama = libraryModel('llama-3.1-70b') as DecoderModel;
    const ops = buildDecoderPass(llama, buildLayout(llama, 8, 1, 1, 8, false), fp8, { prefillSeqs: 1, prefillLen: 8192, decodeSeqs: 0 });
    expect(ops.some((o) => o.fp8Block)).toBe(false);
  });
  it('prefill of DeepSeek-V3 under early SGLang is slower than under the same engine with cuBLASLt-rate GEMMs', () => {
    const req = (rt: string) => simulate(buildRequest({ model: 'deepseek-v3', hardware: 'h200-sxm', tp: 8, dtype: 'fp8', 'kv-cache': 'bf16', 'input-tokens': 8192, 'output-tokens': 1, batch: 1 }, ds, bound('h200-sxm', rt), libraryModel)) as SimulateResult;
    expect(req('sglang-0.4').ttft_s!).toBeGreaterThan(1.1 * req('sglang').ttft_s!);
  });
});
