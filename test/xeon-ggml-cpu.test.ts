// llama.cpp's CPU backend on the Xeon 6980P (runtimes/llama.cpp.yaml by_hardware xeon-6980p): ggml-cpu multiplies GGUF
// blocks with its own kernels (AMX tiles, vec_dot) and never dequantizes to a 16-bit copy as ggml-sycl does on Arc;
// bf16 matmuls run tinyBLAS on the AVX-512 vector unit, not AMX. Both run at ggml's measured CPU GEMM rate per core and
// clock, far below the AMX brgemm that SGLang's CPU backend uses for the same bf16 prompt.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { dequantPass } from '../src/sim/dequant-pass.js';
import { ggmlKernelCounts } from '../src/sim/ggml-kernels.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { opCost } from '../src/sim/roofline.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const ffnUp = (model: string, dtype: string, hw: NormalizedHardware, T: number) => {
  const m = libraryModel(model) as DecoderModel;
  const p = resolvePrecision(dtype, undefined, undefined, undefined);
  return ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 1, prefillLen: T, decodeSeqs: 0 }), hw).find((o) => o.name === 'ffn_up')!;
};
const ttft = (model: string, dtype: string, rt: string) =>
  simulate(buildRequest({ model, hardware: 'xeon-6980p', dtype, 'input-tokens': 1024, 'output-tokens': 16, batch: 1 }, libraryModel(model), bound('xeon-6980p', rt), libraryModel)).ttft_s!;

describe('llama.cpp CPU backend on the Xeon 6980P (ggml-cpu, mid-2025)', () => {
  it('a q8_0 prompt GEMM pays no dequantize pass on the Xeon, while ggml-sycl on Arc still does', () => {
    const xeon = bound('xeon-6980p', 'llama.cpp');
    expect(xeon.runtime!.kernels.gguf).toBe('mmq');
    expect(dequantPass(ffnUp('llama-3.1-8b', 'q8_0', xeon, 512), xeon)).toBeUndefined();
    const arc = bound('arc-b580', 'llama.cpp');
    expect(dequantPass(ffnUp('llama-3.1-8b', 'q8_0', arc, 512), arc)).toBeDefined();
  });
  it('q8_0 and bf16 prompt GEMMs run at one ggml CPU rate that follows cores x clock', () => {
    const xeon = bound('xeon-6980p', 'llama.cpp');
    const rate = (dtype: string, hw: NormalizedHardware) => {
      const up = ffnUp('llama-3.1-8b', dtype, hw, 512);
      return up.flops / opCost(up, hw, 'prefill').computeS;
    };
    const q8 = rate('q8_0', xeon);
    const bf = rate('bf16', xeon);
    expect(bf / q8).toBeGreaterThan(0.9);
    expect(bf / q8).toBeLessThan(1.1);
    // half the cores: half the GGUF rate (the rate is per core and clock, not a whole-chip figure)
    const half = { ...xeon, units: xeon.units! / 2 } as NormalizedHardware;
    expect(rate('q8_0', half) / q8).toBeCloseTo(0.5, 2);
    // far below the AMX peak: a few percent of the bf16 matrix rate
    expect(q8 / xeon.matrixFlopPerS.bf16!).toBeLessThan(0.05);
  });
  it('the bf16 prompt under llama.cpp (tinyBLAS, vector unit) is several times slower than under SGLang CPU (AMX)', () => {
    const ll = ttft('llama-3.2-3b', 'bf16', 'llama.cpp');
    const sg = ttft('llama-3.2-3b', 'bf16', 'sglang-cpu-2025');
    expect(ll / sg).toBeGreaterThan(3);
  });
});
