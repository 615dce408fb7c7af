// SGLang's attention DP without DeepEP (runtime kernels.attention_dp_moe, src/sim/parallel.ts DpMoe): every rank's
// tokens are gathered before each layer's FFN (an all-reduce of a zeroed buffer in sgl-project/sglang @7f00a464
// dp_attention.py _dp_gather; an all_gather_into_tensor in v0.4.3.post2), the MoE, shared experts and dense FFN run
// tensor-parallel over all of them, and the output is all-reduced and each rank keeps its rows. TensorRT-LLM keeps the
// all-to-all dispatch. Per-rank schedulers: chunked_prefill_size // dp_size (// 2 in 0.4.3) per rank, and
// schedule_conservativeness x 0.3 (new_token_ratio 0.21 at start).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildLayout, dpMoeOf } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { passOps } from '../src/sim/decoder.js';
import { weightBytes } from '../src/sim/memory.js';
import { serveRuntime } from '../src/serve/runtime-defaults.js';
import { serve } from '../src/serve/serve.js';
import type { DecoderModel } from '../src/spec/types.js';
import type { GraphOp } from '../src/model/decoder-graph.js';
import { bound } from './helpers/bound.js';

const lib = getLibrary();
const m = lib.models['deepseek-v3'] as DecoderModel;
const p = resolvePrecision('fp8');
const T = 8192;
const s = { prefillSeqs: 8, prefillLen: T / 8, decodeSeqs: 0 };
const find = (os: GraphOp[], n: string) => os.find((o) => o.name === n);

function pass(runtime: string, attentionDp: boolean) {
  const hw = bound('h200-sxm', runtime);
  const L = buildLayout(m, 8, 1, undefined, 8, attentionDp, dpMoeOf(hw));
  return { ops: passOps(m, hw, L, p, s), L, hw };
}

describe('SGLang attention DP gathers the tokens for a tensor-parallel MoE', () => {
  it('runs the FFN side over every rank tokens, tp-split, between a gather and a combine', () => {
    const dp = pass('sglang', true);
    const tp = pass('sglang', false);
    expect(dp.L.ep).toBe(1);
    expect(dp.L.expertShards).toBe(8);
    expect(find(dp.ops, 'alltoall_moe')).toBeUndefined();
    const g = find(dp.ops, 'dp_gather')!, c = find(dp.ops, 'dp_combine')!;
    expect(g.comm).toMatchObject({ kind: 'allreduce', bytes: T * m.hidden * 2, group: 8 });
    expect(c.comm).toMatchObject({ kind: 'allreduce', bytes: T * m.hidden * 2, group: 8 });
    expect(g.count).toBe(m.layers);
    // the MoE and dense FFN as without attention DP: the same FLOPs and weights per device
    for (const n of ['router', 'experts_up', 'experts_down', 'ffn_up', 'ffn_down']) {
      expect(find(dp.ops, n)!.flops).toBeCloseTo(find(tp.ops, n)!.flops, 0);
      expect(find(dp.ops, n)!.weightBytes).toBeCloseTo(find(tp.ops, n)!.weightBytes, 0);
    }
    // the attention side stays local: whole weights over its 1/8 of the tokens
    expect(find(dp.ops, 'o_proj')!.m).toBe(T / 8);
    expect(find(dp.ops, 'o_proj')!.weightBytes).toBeCloseTo(8 * find(tp.ops, 'o_proj')!.weightBytes, 0);
    // the fused MoE gathers its rows in-kernel here too (no permuted copy)
    expect(find(dp.ops, 'moe_permute')!.kernels).toBe(0);
    // dense FFN and shared experts split over tp in memory as well
    const Lall = buildLayout(m, 8, 1, undefined, 8, true);
    expect(weightBytes(m, dp.L, p).perDevice).toBeLessThan(weightBytes(m, Lall, p).perDevice);
  });
  it('v0.4.3.post2 gathers with an all-gather; TensorRT-LLM keeps the all-to-all', () => {
    const old = pass('sglang-0.4', true);
    expect(find(old.ops, 'dp_gather')!.comm!.kind).toBe('allgather');
    expect(find(old.ops, 'dp_combine')!.comm!.kind).toBe('allreduce');
    const trt = pass('tensorrt-llm', true);
    expect(dpMoeOf(trt.hw)).toBeUndefined();
    expect(trt.L.ep).toBe(8);
    expect(find(trt.ops, 'alltoall_moe')).toBeDefined();
    expect(find(trt.ops, 'dp_gather')).toBeUndefined();
  });
  it('an explicit --ep runs the experts expert-parallel over the gathered tokens', () => {
    const hw = bound('h200-sxm', 'sglang');
    const L = buildLayout(m, 8, 1, 8, 8, true, dpMoeOf(hw));
    const ops = passOps(m, hw, L, p, s);
    expect(find(ops, 'alltoall_moe')).toBeUndefined();
    expect(L.ep).toBe(8);
    // every rank's tokens reach its 32 whole experts: the routed FLOPs of plain TP (less the shared expert, not fused
    // under expert parallelism)
    expect(find(ops, 'shared_up')).toBeDefined();
  });
});

describe('SGLang attention DP schedules per rank', () => {
  it('divides the chunk by dp (0.4.3: by 2) and starts the new-token ratio at 0.7 x 0.3', () => {
    const now = serveRuntime(bound('h200-sxm', 'sglang'), 'sglang', 4096, true);
    expect(now.dpRankChunks).toBe(true);
    expect(now.dpConservativeness).toBe(0.3);
    const old = serveRuntime(bound('h200-sxm', 'sglang-0.4'), 'sglang-0.4', 4096, true);
    expect(old.dpRankChunks).toBe(2);
    expect(old.dpConservativeness).toBe(0.3);
  });
  it('a lone long prompt prefills in per-rank chunks, so it takes longer than one rank-wide chunk would', () => {
    const run = (attentionDp: boolean) =>
      serve({
        model: m, hardware: bound('h200-sxm', 'sglang'), tp: 8, devices: 8, dtype: 'fp8', kvCache: 'bf16', attentionDp,
        inputTokens: 30000, outputTokens: 10, requests: 1, concurrency: 1,
      } as Parameters<typeof serve>[0]).result;
    const dp = run(true), tp = run(false);
    // 30 chunks of 1024 tokens on one rank against 4 chunks of 8192 across the group: the first token comes later
    expect(dp.ttft_s.mean).toBeGreaterThan(tp.ttft_s.mean);
    expect(Number.isFinite(dp.ttft_s.mean)).toBe(true);
  });
});
