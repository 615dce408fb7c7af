// vLLM's Triton fused MoE under expert parallelism without an all-to-all runs every token's k rows, the other ranks'
// experts' rows masked: zeros written by both grouped GEMMs, the activation and the top-k sum over all rows
// (runtime kernels.moe_ep_all_rows, src/sim/ep-all-rows.ts; runtimes/vllm.yaml by_vendor nvidia cites the source).
// Kernel timings: ai-dynamo/aiconfigurator @095f58a5 systems/data/{h100_sxm,h200_sxm}/moe/vllm/0.14.0/moe_perf.parquet
// (kernel_source vllm_fused_moe, balanced routing, CUDA graph), whole FusedMoE forward in us.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { passOps } from '../src/sim/decoder.js';
import { opCost } from '../src/sim/roofline.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';
import { useScratchDir } from './helpers/scratch.js';
import { busiestExpertRank } from '../src/model/busiest-expert-rank.js';

const lib = getLibrary();
const qwen = lib.models['qwen3-235b-a22b'] as DecoderModel;
const ds = lib.models['deepseek-v3'] as DecoderModel;
const MOE_CALL = new Set(['moe_topk', 'moe_sort', 'moe_permute', 'experts_up', 'experts_act', 'experts_down', 'moe_finalize', 'moe_ep_rows']);
const decode = (tokens: number) => ({ prefillSeqs: 0, prefillLen: 0, decodeSeqs: tokens });
const opsOf = (m: DecoderModel, hw: NormalizedHardware, dtype: string, tp: number, ep: number | undefined, tokens: number, attentionDp = false) =>
  passOps(m, hw, buildLayout(m, tp, 1, ep, tp, attentionDp), resolvePrecision(dtype, undefined, undefined, 'bf16'), decode(tokens));
// one MoE layer's fused call, as priced in a decode step
const call = (m: DecoderModel, hw: NormalizedHardware, dtype: string, tp: number, ep: number | undefined, tokens: number) =>
  opsOf(m, hw, dtype, tp, ep, tokens).filter((o) => MOE_CALL.has(o.name)).reduce((s, o) => s + opCost({ ...o, count: 1 }, hw, 'decode').seconds, 0);
const without = (hw: NormalizedHardware): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, moeEpAllRows: undefined } } });
const rows = (m: DecoderModel, hw: NormalizedHardware, dtype: string, tp: number, ep: number | undefined, tokens: number, attentionDp = false) =>
  opsOf(m, hw, dtype, tp, ep, tokens, attentionDp).filter((o) => o.name === 'moe_ep_rows');

describe('vLLM fused MoE under expert parallelism: every row, the masked ones included', () => {
  const scratch = useScratchDir('hwperf-ep-rows-');
  const h100 = bound('h100-sxm', 'vllm');
  const h200 = bound('h200-sxm', 'vllm');

  it('the masked rows traffic: zeros of both GEMMs, the activation and the sum over the rows not the busiest rank\'s, no launch', () => {
    const o = opsOf(qwen, h100, 'fp8', 8, 8, 256);
    const r = o.filter((x) => x.name === 'moe_ep_rows');
    expect(r).toHaveLength(1);
    // 256 tokens x top-8 = 2048 rows, all but the busiest rank's own (its share of 2048/8 times the busiest-rank factor,
    // src/model/busiest-expert-rank.ts) another rank's: (2·1536 + 3·1536 + 2·4096) 16-bit elements each
    const own = (2048 / 8) * busiestExpertRank(128, 8, 256, 8).rows;
    expect(own).toBeGreaterThan(2048 / 8);
    expect(r[0]!.bytes).toBeCloseTo((2048 - own) * (2 * 1536 + 3 * 1536 + 2 * 4096) * 2, 0);
    expect(r[0]!.kernels).toBe(0);
    expect(r[0]!.count).toBe(qwen.layers);
    expect(o[o.indexOf(r[0]!) - 1]!.name).toBe('experts_down');
  });

  it('H100, Qwen3-235B-A22B block-FP8 experts at EP 8: within 0.85-1.25x of the measured call from 64 to 4096 tokens (1.33-1.92x fast without)', () => {
    for (const [tokens, us] of [[64, 157.0], [256, 197.9], [1024, 334.6], [2048, 539.2], [4096, 975.7]] as const) {
      const r = (us * 1e-6) / call(qwen, h100, 'fp8', 8, 8, tokens);
      expect(r).toBeGreaterThan(0.85);
      expect(r).toBeLessThan(1.25);
    }
    for (const [tokens, us] of [[1024, 334.6], [2048, 539.2]] as const) {
      expect((us * 1e-6) / call(qwen, without(h100), 'fp8', 8, 8, tokens)).toBeGreaterThan(1.5);
    }
  });

  it('H200, DeepSeek-V3 block-FP8 experts at EP 8: within 0.85-1.2x from 256 to 4096 tokens', () => {
    for (const [tokens, us] of [[256, 460.0], [1024, 641.0], [2048, 890.0], [4096, 1586.0]] as const) {
      const r = (us * 1e-6) / call(ds, h200, 'fp8', 8, 8, tokens);
      expect(r).toBeGreaterThan(0.85);
      expect(r).toBeLessThan(1.2);
    }
  });

  it('a lower bound on the bf16 calls: still no slower than measured (Qwen3 EP 8 on H100, EP 4 on H200)', () => {
    for (const [tokens, us] of [[256, 339.0], [1024, 506.0], [2048, 648.0]] as const) {
      expect((us * 1e-6) / call(qwen, h100, 'bf16', 8, 8, tokens)).toBeGreaterThan(1);
    }
    for (const [tokens, us] of [[256, 502.0], [1024, 675.0], [2048, 911.0]] as const) {
      expect((us * 1e-6) / call(qwen, h200, 'bf16', 4, 4, tokens)).toBeGreaterThan(1);
    }
  });

  it('more tokens never make the EP call cheaper', () => {
    let prev = 0;
    for (let t = 1; t <= 8192; t = Math.ceil(t * 1.3)) {
      const s = call(qwen, h100, 'fp8', 8, 8, t);
      expect(s).toBeGreaterThanOrEqual(prev);
      prev = s;
    }
  });

  it('not without expert parallelism, under attention data parallelism, for FP4 or weight-only experts, or for other runtimes', () => {
    expect(rows(qwen, h100, 'fp8', 8, undefined, 256)).toHaveLength(0);
    expect(rows(qwen, h100, 'fp8', 8, 8, 256, true)).toHaveLength(0);
    expect(rows(qwen, bound('b200', 'vllm'), 'fp4', 8, 8, 256)).toHaveLength(0);
    expect(rows(qwen, h100, 'int4', 8, 8, 256)).toHaveLength(0);
    // FP8 experts on Ampere run weight-only (Marlin), not the Triton kernel
    expect(rows(qwen, bound('a100-sxm4-80gb', 'vllm'), 'fp8', 8, 8, 256)).toHaveLength(0);
    expect(rows(qwen, bound('h100-sxm', 'tensorrt-llm'), 'fp8', 8, 8, 256)).toHaveLength(0);
    // a dense model has no experts
    expect(rows(lib.models['llama-3.1-70b'] as DecoderModel, h100, 'fp8', 8, undefined, 256)).toHaveLength(0);
  });

  it('one token routed top-1 is all the busiest rank\'s: no masked rows, no zero-byte op (property seed 312)', () => {
    const scout = lib.models['llama-4-scout'] as DecoderModel;
    expect(busiestExpertRank(scout.moe!.experts, scout.moe!.active, 1, 4).rows).toBe(4);
    expect(rows(scout, h100, 'bf16', 8, 4, 1)).toHaveLength(0);
    const two = rows(scout, h100, 'bf16', 8, 4, 2);
    expect(two).toHaveLength(1);
    expect(two[0]!.bytes).toBeGreaterThan(0);
  });

  it('a runtime file states it as a boolean', async () => {
    const load = (body: string) => loadSpecFile(scratch.write('r.yaml', `id: my-rt\nname: x\nkind: runtime\nrole: serving\nkernels:\n  ${body}\n  source: "test"\nsources: [test]\n`));
    expect((await load('moe_ep_all_rows: true')).errors).toEqual([]);
    expect((await load('moe_ep_all_rows: 2')).errors.length).toBeGreaterThan(0);
  });
});
