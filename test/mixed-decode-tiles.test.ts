// vLLM V1 on SM8x runs a mixed prefill + decode step's attention as one FlashAttention-2 varlen call: each decode
// sequence's query is one row of a 64-row tile per query head (runtime kernels.mixed_decode_tile_rows,
// src/sim/mixed-decode-tiles.ts; runtimes/vllm.yaml cites vllm PR #58013 and flash-attention's split-KV dispatch).
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { costPass, passOps } from '../src/sim/decoder.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const MIXED = { prefillSeqs: 1, prefillLen: 2048, decodeSeqs: 68 }; // a 2048-token chunk with 68 running decodes
const DECODE = { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 68 };
const decodeAttn = (model: string, hwId: string, rt: string, shape: typeof MIXED, kv = 'bf16') => {
  const m = libraryModel(model) as DecoderModel;
  const p = resolvePrecision('bf16', undefined, undefined, kv as never);
  const ops = passOps(m, bound(hwId, rt), buildLayout(m, 1, 1, 1, 1, false), p, shape);
  return ops.find((o) => o.name === 'attention_decode')!;
};

describe('vLLM V1 mixed steps on SM8x: decode rows in FlashAttention-2 varlen tiles (kernels.mixed_decode_tile_rows)', () => {
  it('a mixed step computes 64 query rows per decode sequence and head; a decode-only step keeps its own kernel', () => {
    const v1 = decodeAttn('qwen3-14b', 'a100-sxm4-80gb', 'vllm', MIXED);
    const v0 = decodeAttn('qwen3-14b', 'a100-sxm4-80gb', 'vllm-0.6', MIXED); // V0: separate prefill and decode calls
    expect(v1.flopsPerCtx).toBeCloseTo(64 * v0.flopsPerCtx, 3);
    expect(v1.bytesPerCtx).toBeCloseTo(v0.bytesPerCtx, 6); // K/V once per KV head (the lower bound kept)
    expect(decodeAttn('qwen3-14b', 'a100-sxm4-80gb', 'vllm', DECODE).flopsPerCtx).toBeCloseTo(decodeAttn('qwen3-14b', 'a100-sxm4-80gb', 'vllm-0.6', DECODE).flopsPerCtx, 3);
    // Ada is SM8x too
    expect(decodeAttn('qwen3-14b', 'l40s', 'vllm', MIXED).flopsPerCtx).toBeCloseTo(64 * decodeAttn('qwen3-14b', 'l40s', 'vllm-0.6', MIXED).flopsPerCtx, 3);
  });
  it('not on Hopper (FA3 schedules varlen tiles), not for sink models (Triton backend), not with an fp8 KV cache', () => {
    expect(decodeAttn('qwen3-14b', 'h100-sxm', 'vllm', MIXED).flopsPerCtx).toBeCloseTo(decodeAttn('qwen3-14b', 'h100-sxm', 'vllm-0.6', MIXED).flopsPerCtx, 3);
    expect(decodeAttn('gpt-oss-20b', 'a100-sxm4-80gb', 'vllm', MIXED).flopsPerCtx).toBeCloseTo(decodeAttn('gpt-oss-20b', 'a100-sxm4-80gb', 'vllm-0.6', MIXED).flopsPerCtx, 3);
    expect(decodeAttn('qwen3-14b', 'a100-sxm4-80gb', 'vllm', MIXED, 'fp8').flopsPerCtx).toBeCloseTo(decodeAttn('qwen3-14b', 'a100-sxm4-80gb', 'vllm-0.6', MIXED, 'fp8').flopsPerCtx, 3);
  });
  it('a mixed A100 step grows with its decodes\' KV by more than one read of it, and by less than the step times measured', () => {
    // Qwen3-14B (40 query / 8 KV heads, 128 wide), 68 decodes: the step at 4.1K context minus the step at 100, per GB
    // of decode KV added. Streaming that KV once costs ~0.59 ms per GB at the A100's triad (validation/README.md); the
    // gpustack A100 pages' mixed steps ran 1.4-2.0 ms per GB longer than serve's did before this, an upper bound for
    // the part priced here (K/V read once per KV head, not once per query head).
    const m = libraryModel('qwen3-14b') as DecoderModel;
    const p = resolvePrecision('bf16', undefined, undefined, undefined);
    const step = (rt: string, c: number) => {
      const hw = bound('a100-sxm4-80gb', rt);
      return costPass(passOps(m, hw, buildLayout(m, 1, 1, 1, 1, false), p, MIXED), hw, c, c, 'decode').seconds;
    };
    const kvGb = (68 * 4000 * 40 * 8 * 128 * 2 * 2) / 1e9;
    const slope = (rt: string) => ((step(rt, 4100) - step(rt, 100)) * 1e3) / kvGb;
    expect(slope('vllm-0.6')).toBeLessThan(0.8);
    expect(slope('vllm') - slope('vllm-0.6')).toBeGreaterThan(0.5);
    expect(slope('vllm') - slope('vllm-0.6')).toBeLessThan(2.0);
  });
});
