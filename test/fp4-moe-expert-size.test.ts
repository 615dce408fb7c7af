// TensorRT-LLM's fused NVFP4 MoE cap is read at the size of one local expert's GEMM (rows per expert × d × I slice,
// Op.expertMacs), not at the step's tokens: aiconfigurator's B200 timings of the CUTLASS fused MoE (ai-dynamo/
// aiconfigurator @095f58a5 b200_sxm/moe/trtllm/1.3.0rc20 moe_perf, nvfp4, balanced) run Qwen3-30B-A3B's small experts
// (d 2048, I 768) at 0.076 of the B200's fp4 peak at 16384 tokens where DeepSeek-V3's at EP 8 reach 0.164
// (runtimes/tensorrt-llm.yaml kernels.fp4_moe_efficiency; src/sim/kernel-caps.ts fp4MoeCap), and at the rank's local
// experts (Op.localExperts), the table's second key: at the same expert size more local experts run faster.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { passOps } from '../src/sim/decoder.js';
import { fp4MoeCap } from '../src/sim/roofline.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const lib = getLibrary();
const qwen30 = lib.models['qwen3-30b-a3b'] as DecoderModel;
const ds = lib.models['deepseek-v3'] as DecoderModel;
const prefill = (tokens: number) => ({ prefillSeqs: 1, prefillLen: tokens, decodeSeqs: 0 });
const experts = (m: DecoderModel, hw: NormalizedHardware, tp: number, ep: number | undefined, tokens: number) =>
  passOps(m, hw, buildLayout(m, tp, 1, ep, tp, false), resolvePrecision('fp4', undefined, undefined, 'bf16'), prefill(tokens)).filter((o) => o.name === 'experts_up' || o.name === 'experts_down');

describe('fused NVFP4 MoE cap by the expert GEMM\'s size', () => {
  const b200 = bound('b200', 'tensorrt-llm');

  it('both expert GEMMs carry one local expert\'s down-projection MACs: rows per expert × d × I slice', () => {
    const [up, down] = experts(qwen30, b200, 1, undefined, 16384);
    expect(up!.expertMacs).toBeCloseTo(((16384 * 8) / 128) * 2048 * 768, 0);
    expect(down!.expertMacs).toBe(up!.expertMacs);
    // the expert's intermediate split over TP shrinks the key with it
    const [upTp2] = experts(qwen30, b200, 2, undefined, 16384);
    expect(upTp2!.expertMacs).toBeCloseTo(up!.expertMacs! / 2, 0);
  });

  it('both expert GEMMs carry the rank\'s local experts: all of them under TP, experts / ep under EP; other ops none', () => {
    const ops = passOps(qwen30, b200, buildLayout(qwen30, 1, 1, undefined, 1, false), resolvePrecision('fp4', undefined, undefined, 'bf16'), prefill(4096));
    for (const o of ops) expect(o.localExperts).toBe(o.name === 'experts_up' || o.name === 'experts_down' ? 128 : undefined);
    // every op keeps the same shape (the property is set, undefined, on the others: src/model/decoder-graph.ts op())
    for (const o of ops) expect('localExperts' in o).toBe(true);
    expect(experts(qwen30, b200, 2, undefined, 4096).map((o) => o.localExperts)).toEqual([128, 128]);
    expect(experts(ds, b200, 8, 8, 4096).map((o) => o.localExperts)).toEqual([32, 32]);
  });

  it('the cap is read at (expert MACs, local experts): Qwen3-30B-A3B\'s small experts at 16384 tokens read far below DeepSeek-V3\'s at EP 8', () => {
    const [q] = experts(qwen30, b200, 1, undefined, 16384);
    const [d] = experts(ds, b200, 8, 8, 16384);
    expect(fp4MoeCap(b200, q!.expertMacs, q!.localExperts)!).toBeLessThan(0.8 * fp4MoeCap(b200, d!.expertMacs, d!.localExperts)!);
  });

  it('the cap rises with the step (DeepSeek-V3 at EP 8, 1024 -> 16384 tokens) while the time of the experts\' work still grows', () => {
    const at = (t: number) => experts(ds, b200, 8, 8, t)[0]!;
    const caps = [1024, 4096, 16384].map((t) => fp4MoeCap(b200, at(t).expertMacs, at(t).localExperts)!);
    expect(caps[0]).toBeLessThan(caps[1]!);
    expect(caps[1]).toBeLessThan(caps[2]!);
    const time = [1024, 4096, 16384].map((t, i) => at(t).flops / caps[i]!);
    expect(time[0]).toBeLessThan(time[1]!);
    expect(time[1]).toBeLessThan(time[2]!);
  });
});
