// The LM head (and an MoE router) a quantized checkpoint keeps in 16 bits multiplies in 16 bits: ModelOpt's FP8 / NVFP4
// configs disable "*lm_head*" and NVIDIA's MLPerf harness quantizes it only on request (closed/NVIDIA/code/llmlib/
// hf_quantize.py quantize_lm_head=False), so the head is an unquantized bf16 Linear beside fp8 / fp4 linears. Source:
// src/model/quant.ts gemmDtypeForBits, src/model/decoder-graph.ts (lm_head, router).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const llama = lib.models['llama-3.1-8b'] as DecoderModel;
const mixtral = lib.models['mixtral-8x7b'] as DecoderModel;
const ops = (m: DecoderModel, dtype: string, decodeSeqs: number, rt?: Parameters<typeof resolvePrecision>[4]) =>
  buildDecoderPass(m, buildLayout(m, 1, 1, undefined, undefined), resolvePrecision(dtype, undefined, undefined, undefined, rt), { prefillSeqs: 0, prefillLen: 0, decodeSeqs });

describe('16-bit LM head and router beside narrow linears', () => {
  it('fp8 / fp4 / int8 linears: the head and the router run bf16 over 16-bit weights; the linears keep their dtype', () => {
    for (const d of ['fp8', 'fp4', 'int8']) {
      const o = ops(llama, d, 256);
      const head = o.find((x) => x.name === 'lm_head')!;
      expect(head.dtype, d).toBe('bf16');
      expect(head.weightBytes, d).toBe(llama.vocab * llama.hidden * 2);
      expect(o.find((x) => x.name === 'qkv_proj')!.dtype, d).toBe(d);
    }
    expect(ops(mixtral, 'fp8', 64).find((x) => x.name === 'router')!.dtype).toBe('bf16');
  });

  it('16-bit and weight-only schemes are unchanged; a runtime that quantizes the head keeps its dtype', () => {
    expect(ops(llama, 'bf16', 64).find((x) => x.name === 'lm_head')!.dtype).toBe('bf16');
    expect(ops(llama, 'int4', 64).find((x) => x.name === 'lm_head')!.dtype).toBe('fp16');
    expect(ops(llama, 'q4_0', 64).find((x) => x.name === 'lm_head')!.dtype).toBe('fp16');
    const int8Head = ops(llama, 'int8', 64, { quantizedHeadBits: { int8: 8 } }).find((x) => x.name === 'lm_head')!;
    expect(int8Head.dtype).toBe('int8');
  });

  it('priced at the bf16 rate: on an H200 at 882 rows within 15% of TensorRT-LLM 1.3.0rc20 bf16 Linear timings', () => {
    const h200 = bindRuntime(lib.hardware['h200-sxm']!, libraryRuntime('tensorrt-llm')!);
    const head = ops(llama, 'fp8', 882).find((x) => x.name === 'lm_head')!;
    const bf16 = opCost(head, h200);
    const asFp8 = opCost({ ...head, dtype: 'fp8' }, h200);
    expect(bf16.computeS).toBeGreaterThan(1.7 * asFp8.computeS);
    // aiconfigurator @095f58a5 h200_sxm gemm/trtllm/1.3.0rc20 gemm_perf bfloat16, M 882, K 4096: N 65536 interpolated
    // between M 768 and 1024 (0.555 / 0.774 ms), x 128,256 / 65,536 for the whole head: ~1.28 ms
    expect(bf16.seconds).toBeGreaterThan(1.28e-3 * 0.85);
    expect(bf16.seconds).toBeLessThan(1.28e-3 * 1.15);
  });
});
