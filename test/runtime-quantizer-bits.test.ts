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
    expect(resolvePrecision('bf16', 'int4', undefined, undefined, rt).headBits).toBe(5);
    expect(resolvePrecision('bf16', 'int8', undefined, undefined, rt).weightBits).toBe(8);
    expect(resolvePrecision('bf16', 'int8', undefined, undefined, rt).headBits).toBe(8);
    expect(resolvePrecision('bf16', 'int8').headBits).toBe(16);
    expect(resolvePrecision('bf16', 'int4').weightBits).toBe(4.25);
    expect(resolvePrecision('q4_0', undefined, undefined, undefined, rt).weightBits).toBe(4.5);
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
});
