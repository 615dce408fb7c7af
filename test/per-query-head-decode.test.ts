// TensorRT-LLM before XQA (runtimes/tensorrt-llm-0.6.yaml): the masked MHA generation kernel runs one thread block per
// query head (hi_kv = hi / qhead_per_kv), so each KV head's cache is worked through once per query head of its group on
// the CUDA cores. kernels.decode_attention_flop_per_unit_clock prices that work: one multiply-add per (cached element,
// query head) at the rate vLLM's per-query-head paged attention V1 reached on an A100 (vllm-project/vllm issue #1880),
// per SM per clock. Source: src/sim/roofline.ts (opCost, decodeKernel).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { libraryModel } from '../src/spec/library.js';
import { bound } from './helpers/bound.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import type { GraphOp } from '../src/model/decoder-graph.js';

const lib = getLibrary();
const decodeAt = (o: GraphOp, ctx: number): GraphOp => ({ ...o, bytes: o.bytes + o.bytesPerCtx * ctx, flops: o.flops + o.flopsPerCtx * ctx });
const decodeOp = (model: string, tp: number, seqs: number, ctx: number, dtype = 'fp8') => {
  const m = lib.models[model] as DecoderModel;
  const op = buildDecoderPass(m, buildLayout(m, tp, 1, undefined, undefined), resolvePrecision(dtype), { prefillSeqs: 0, prefillLen: 0, decodeSeqs: seqs }).find((o) => o.name === 'attention_decode')!;
  return decodeAt(op, ctx);
};

describe('per-query-head decode attention (TensorRT-LLM 0.5-0.6 masked MHA)', () => {
  const legacy = bound('h100-sxm', 'tensorrt-llm-0.6');
  const current = bound('h100-sxm', 'tensorrt-llm');
  const rate = (hw: NormalizedHardware) => hw.runtime!.kernels.decodeAttentionFlopPerUnitClock! * hw.units! * hw.clockHz!;

  it('the rate is the kernel timing\'s: 7 query heads per KV head, 8 KV heads of 128, context 4096, batch 16 / 64 / 256 on 108 SMs at 1.41 GHz, median', () => {
    const times = [552.368e-6, 2504.497e-6, 7878.213e-6];
    const perUnitClock = [16, 64, 256].map((b, i) => (2 * b * 4096 * 8 * 256 * 7) / times[i]! / (108 * 1.41e9)).sort((a, b) => a - b);
    expect(legacy.runtime!.kernels.decodeAttentionFlopPerUnitClock).toBeCloseTo(perUnitClock[1]!, 1);
    expect(current.runtime!.kernels.decodeAttentionFlopPerUnitClock).toBeUndefined();
  });

  it('a GQA decode step at long context is bound by its (element, query head) pairs, not by its bytes', () => {
    // Llama-2-70B at TP 4: 16 query heads over 2 KV heads per device, FP8 cache
    const op = decodeOp('llama-2-70b', 4, 480, 1152);
    const c = opCost(op, legacy, 'decode');
    expect(c.bound).toBe('compute');
    expect(c.computeS).toBeCloseTo(op.flops / rate(legacy), 12);
    // and far slower than the XQA table the current runtime prices it with
    expect(c.seconds / opCost(op, current, 'decode').seconds).toBeGreaterThan(3);
  });

  it('the work grows with the query heads per KV head at the same cache bytes', () => {
    // same KV heads per device and cache, twice the query heads: twice the pair work
    const gqa8 = decodeOp('llama-2-70b', 4, 256, 2048);
    const half = { ...gqa8, flops: gqa8.flops / 2, flopsPerCtx: gqa8.flopsPerCtx / 2, queriesPerKv: gqa8.queriesPerKv! / 2 };
    expect(opCost(gqa8, legacy, 'decode').computeS).toBeCloseTo(2 * opCost(half, legacy, 'decode').computeS, 12);
    expect(gqa8.bytes).toBe(half.bytes);
  });

  it('the inherited XQA decode table does not apply; prefill attention and MLA decode are untouched', () => {
    const op = decodeOp('llama-2-70b', 4, 64, 512);
    const c = opCost(op, legacy, 'decode');
    // no measured fixed time per call or per sequence × KV head: the part's per-kernel gap only
    expect(c.overheadS).toBeCloseTo(legacy.efficiency.kernelOverheadS, 15);
    const m = lib.models['llama-2-70b'] as DecoderModel;
    const pre = buildDecoderPass(m, buildLayout(m, 4, 1, undefined, undefined), resolvePrecision('fp8'), { prefillSeqs: 4, prefillLen: 2048, decodeSeqs: 0 }).find((o) => o.name === 'attention_prefill')!;
    expect(opCost(pre, legacy, 'prefill').seconds).toBe(opCost(pre, current, 'prefill').seconds);
    const ds = lib.models['deepseek-v3'] as DecoderModel;
    const mla = buildDecoderPass(ds, buildLayout(ds, 8, 1, undefined, undefined), resolvePrecision('fp8'), { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 8 }).find((o) => o.name === 'attention_decode')!;
    const mlaAt = decodeAt(mla, 4096);
    expect(opCost(mlaAt, legacy, 'decode').seconds).toBe(opCost(mlaAt, current, 'decode').seconds);
  });

  it('end to end: long-output Llama-2-70B decode is slower than under XQA, and throughput stays monotone in batch', () => {
    const run = (rt: string, batch: number) => {
      const hw = bound('h100-sxm', rt);
      return simulate(buildRequest({ model: 'llama-2-70b', hardware: 'h100-sxm', tp: 4, dtype: 'fp8', 'kv-cache': 'fp8', 'input-tokens': 128, 'output-tokens': 2048, batch }, libraryModel('llama-2-70b'), hw, libraryModel));
    };
    const old = run('tensorrt-llm-0.6', 256);
    const now = run('tensorrt-llm', 256);
    expect(old.throughput_tok_s!).toBeLessThan(now.throughput_tok_s! / 1.5);
    expect(run('tensorrt-llm-0.6', 512).throughput_tok_s!).toBeGreaterThanOrEqual(old.throughput_tok_s!);
  });
});
