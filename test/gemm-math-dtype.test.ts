// Reports name the dtype the GEMMs multiply in: an fp8 request on a part without fp8 tensor cores runs weight-only at
// the 16-bit rate (src/sim/roofline.ts FALLBACK), so its header and JSON say "GEMMs fp16", not fp8, while the weights
// stay fp8. Parts with fp8 tensor cores keep fp8; the time and energy are unchanged by the label.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { gemmMathDtype } from '../src/sim/roofline.js';

const lib = getLibrary();
const run = (flags: Record<string, unknown>) =>
  simulate(buildRequest(flags, lib.models[String(flags.model)]!, lib.hardware[String(flags.hardware)]!, (id) => lib.models[id]!));

describe('the GEMM dtype a report names is the one the math runs in', () => {
  it('fp8 on an A100 reports fp16 GEMMs over fp8 weights; on an H100 fp8 GEMMs', () => {
    const a = run({ model: 'llama-3.1-8b', hardware: 'a100-sxm4-80gb', dtype: 'fp8', batch: 1, 'input-tokens': 512, 'output-tokens': 16 });
    expect(a.weights_dtype).toBe('fp8');
    expect(a.activations_dtype).toBe('fp16');
    const h = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', dtype: 'fp8', batch: 1, 'input-tokens': 512, 'output-tokens': 16 });
    expect(h.activations_dtype).toBe('fp8');
  });
  it('a non-LLM graph (ViT) says the same', () => {
    const v = run({ model: 'vit-b-16', hardware: 'a100-sxm4-80gb', dtype: 'fp8', batch: 8 });
    expect(v.activations_dtype).toBe('fp16');
  });
  it('only narrow floats are relabelled: fp4 on Hopper multiplies in fp16, bf16 and int8 keep their names', () => {
    const h100 = lib.hardware['h100-sxm']!;
    expect(gemmMathDtype(h100, 'fp4')).toBe('fp16');
    expect(gemmMathDtype(h100, 'bf16')).toBe('bf16');
    expect(gemmMathDtype(lib.hardware['a100-sxm4-80gb']!, 'int8')).toBe('int8');
    expect(gemmMathDtype(lib.hardware['b200']!, 'fp4')).toBe('fp4');
  });
});
