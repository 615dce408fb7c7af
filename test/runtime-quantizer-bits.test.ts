// A runtime's own quantizer layout (kernels.quantized_weight_bits / quantized_head_bits): gpt-fast's int4 at its default
// group size 32 keeps a bf16 scale and a bf16 zero per group (4 + 32/32 = 5 bits per weight, not the scheme table's
// 4.25), and its int8 handler quantizes the LM head too (pytorch-labs/gpt-fast quantize.py @0055c42; runtimes/pytorch-compile.yaml).
import { describe, expect, it } from 'vitest';
import { resolvePrecision } from '../src/model/quant.js';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

describe('runtime quantizer bits', () => {
  it('replaces the scheme table only for the --weights scheme it names', () => {
    const rt = { quantizedWeightBits: { int4: 5 }, quantizedHeadBits: { int8: 8 } };
    expect(resolvePrecision('bf16', 'int4', undefined, undefined, rt).weightBits).toBe(5);
    // (the head keeps int4's 16-bit default unless the runtime names head bits too)
    expect(resolvePrecision('bf16', 'int4', undefined, undefined, rt).headBits).toBe(16);
    expect(resolvePrecision('bf16', 'int8', undefined, undefined, rt).weightBits).toBe(8);
    expect(resolvePrecision('bf16', 'int8', undefined, undefined, rt).headBits).toBe(8);
    expect(resolvePrecision('bf16', 'int8').headBits).toBe(16);
    expect(resolvePrecision('bf16', 'int4').weightBits).toBe(4.25);
    expect(resolvePrecision('q4_0', undefined, undefined, undefined, rt).weightBits).toBe(4.5);
  });

  it('int4 w4a16 checkpoints keep the embedding and LM head 16-bit; MLX and MLC quantize them, Genie exports keep 8', () => {
    // AutoAWQ quantizes the decoder layers' linears only; GPTQModel's lm_head defaults to False (src/model/quant.ts)
    expect(resolvePrecision('int4').headBits).toBe(16);
    expect(resolvePrecision('int4', undefined, undefined, undefined, libraryRuntime('vllm').kernels).headBits).toBe(16);
    // MLX's 4-bit groups of 64 carry a 16-bit scale and bias (4 + 32/64), MLC's q4f16_1 groups of 32 one fp16 scale
    // (4 + 16/32): 4.5 bits per weight, the head and embedding included
    for (const id of ['mlx', 'mlc-llm']) {
      const p = resolvePrecision('int4', undefined, undefined, undefined, libraryRuntime(id).kernels);
      expect([p.weightBits, p.headBits]).toEqual([4.5, 4.5]);
    }
    expect(resolvePrecision('int8', undefined, undefined, undefined, libraryRuntime('mlx').kernels).weightBits).toBe(8.5);
    expect(resolvePrecision('int4', undefined, undefined, undefined, libraryRuntime('genie').kernels).headBits).toBe(8);
  });

  it('gpt-fast int4 G=32 weights are 5 bits per weight, LM head included, and decode reads them', async () => {
    const a100 = await loadHardware('a100-sxm4-80gb');
    const run = (rt: string, weights: string) =>
      simulate(request('llama-2-7b', bindRuntime(a100, libraryRuntime(rt)), { inputTokens: 5, outputTokens: 200, batch: 1, dtype: 'bf16', weights }));
    const gf = run('pytorch-compile', 'int4');
    const bf = run('pytorch-compile', 'bf16');
    // every linear and the LM head at 5/16 of bf16 (the embedding table is not read in decode but is held)
    expect(gf.memory.weights_bytes / bf.memory.weights_bytes).toBeCloseTo(5 / 16, 2);
    // int8: the LM head int8 as well, so the weights are half of bf16's
    expect(run('pytorch-compile', 'int8').memory.weights_bytes / bf.memory.weights_bytes).toBeCloseTo(0.5, 2);
    // the eager runtime keeps the scheme table: 4.25-bit int4
    expect(run('pytorch', 'int4').memory.weights_bytes).toBeLessThan(gf.memory.weights_bytes);
    expect(gf.tpot_s!).toBeGreaterThan(run('ideal', 'int4').tpot_s!);
  });

  it('llama.cpp GGUF files keep the output projection at Q6_K (6.5625 bits) under q4_0, at Q8_0 under q8_0', async () => {
    const rt = libraryRuntime('llama.cpp').kernels;
    expect(resolvePrecision('q4_0', undefined, undefined, undefined, rt).headBits).toBe(6.5625);
    expect(resolvePrecision('q4_0', undefined, undefined, undefined, rt).weightBits).toBe(4.5);
    expect(resolvePrecision('q8_0', undefined, undefined, undefined, rt).headBits).toBe(8.5);
    // a decode step reads the head at Q6_K: slower than the same model priced with a q4_0 head
    const m4 = await loadHardware('rtx-4090');
    const step = (kernels: object) =>
      simulate(request('llama-3.1-8b', bindRuntime(m4, { ...libraryRuntime('llama.cpp'), kernels: { ...libraryRuntime('llama.cpp').kernels, ...kernels } }), { inputTokens: 1, outputTokens: 64, batch: 1, dtype: 'q4_0' })).tpot_s!;
    const q6 = step({});
    const q4 = step({ quantizedHeadBits: {} });
    // 128256 x 4096 head: (6.5625 - 4.5) / 8 bytes x 525 M weights = 135 MB more per token
    expect(q6).toBeGreaterThan(q4);
    expect(q6 / q4).toBeLessThan(1.06);
  });
});
