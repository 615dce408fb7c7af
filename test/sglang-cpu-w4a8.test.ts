// SGLang's CPU W4A8 path (SGLANG_USE_CPU_W4A8=1, as the Intel MLPerf v5.1 Llama-3.1-8B harness sets it: row N980):
// sgl-kernel's da8w4_linear_cpu_with_quant quantizes the activations per token to int8 and unpacks the int4 weights
// to int8, so the GEMM is int8 x int8 -> int32 (sgl-project/sglang sgl-kernel/csrc/cpu/gemm_int4.cpp @122e83ed
// _da8w4_linear_impl). hwperf states it as int4 weights with int8 GEMMs (--dtype int4 --activations int8): the prompt
// runs at the int8 matrix rate while decode still streams 4-bit weights.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/index.js';

const base = { model: 'llama-3.1-8b', hardware: 'xeon-6980p', runtime: 'sglang', dtype: 'int4', inputTokens: 871, outputTokens: 128, batch: 64 };

describe('W4A8 on a Xeon under SGLang: int4 weights, int8 GEMMs', () => {
  it('prices the GEMMs as int8 and the prompt faster than int4 weight-only with 16-bit GEMMs', async () => {
    const w4a16 = await simulate({ ...base });
    const w4a8 = await simulate({ ...base, activations: 'int8' });
    expect(w4a16.weights_dtype).toBe('int4');
    expect(w4a8.weights_dtype).toBe('int4');
    expect(w4a8.activations_dtype).toBe('int8');
    expect(w4a16.activations_dtype).not.toBe('int8');
    expect(w4a8.prefill_tok_s).toBeGreaterThan(1.3 * w4a16.prefill_tok_s);
    // the weights are the same 4-bit bytes
    expect(w4a8.memory.weights_bytes).toBeGreaterThan(0);
    expect(w4a8.memory.weights_bytes).toBe(w4a16.memory.weights_bytes);
  });
});
