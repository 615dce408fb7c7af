// TensorRT-LLM's fused NVFP4 MoE cap is read at the size of one local expert's GEMM (rows per expert × d × I slice,
// Op.expertMacs), not at the step's tokens: aiconfigurator's B200 timings of the CUTLASS fused MoE (ai-dynamo/
// aiconfigurator @095f58a5 b200_sxm/moe/trtllm/1.3.0rc20 moe_perf, nvfp4, balanced) run Qwen3-30B-A3B's small experts
// (d 2048, I 768) at 0.076 of the B200's fp4 peak at 16384 tokens where DeepSeek-V3's at EP 8 reach 0.164
// (runtimes/tensorrt-llm.yaml kernels.fp4_moe_efficiency; src/sim/kernel-caps.ts fp4MoeCap).
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

  it('Qwen3-30B-A3B at 16384 tokens reads the small-expert end (0.078), not the 0.155 its token count read', () => {
    const [up] = experts(qwen30, b200, 1, undefined, 16384);
    expect(fp4MoeCap(b200, up!.expertMacs)).toBe(0.078);
    expect(fp4MoeCap(b200, up!.batchTokens)).toBe(0.078); // the raw token count is far below the MACs table: not the key
  });

  it('DeepSeek-V3 at EP 8 keeps the measured table at the tokens it was measured at (4096 / 8192 / 16384 → 0.078 / 0.125 / 0.155)', () => {
    // EP 8 with TP 8 (no attention DP): every rank routes all T tokens to its 32 local experts, T / 32 rows each
    const caps = [4096, 8192, 16384].map((t) => fp4MoeCap(b200, experts(ds, b200, 8, 8, t)[0]!.expertMacs));
    expect(caps[0]).toBeCloseTo(0.078, 2);
    expect(caps[1]).toBeCloseTo(0.125, 2);
    expect(caps[2]).toBeCloseTo(0.155, 2);
  });
});
