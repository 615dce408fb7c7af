// llama.cpp's SYCL backend (runtimes/llama.cpp-sycl.yaml): every graph node is its own kernel and every quantized
// matmul converts its activation row first (ggml-sycl before its 2026-07 fusions), no graph capture, and on Xe2
// discrete parts a per-dispatch device time from a ggml-sycl trace. A batch-1 decode then lasts at least its kernels ×
// that time beside its bytes.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { ggmlKernelCounts } from '../src/sim/ggml-kernels.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const lib = getLibrary();
const decode = (hwId: string, rt: string, dtype = 'q4_0') =>
  simulate(buildRequest({ model: 'llama-2-7b', hardware: hwId, dtype, 'input-tokens': 1, 'output-tokens': 128, batch: 1 }, libraryModel('llama-2-7b'), bound(hwId, rt), libraryModel));
const layerKernels = (hwId: string, rt: string, dtype: string) => {
  const m = libraryModel('llama-2-7b') as DecoderModel;
  const p = resolvePrecision(dtype, undefined, undefined, undefined);
  const ops = ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 }), bound(hwId, rt));
  return ops.filter((o) => o.count === m.layers).reduce((s, o) => s + (o.kernels ?? 1) * o.count, 0) / m.layers;
};

describe('llama.cpp-sycl', () => {
  it('counts the unfused graph: 23 nodes + 7 activation conversions per layer for GGUF weights, 23 for fp16', () => {
    for (const hw of ['arc-a770', 'arc-b580', 'core-ultra-7-258v']) {
      expect(layerKernels(hw, 'llama.cpp-sycl', 'q4_0')).toBe(30);
      expect(layerKernels(hw, 'llama.cpp-sycl', 'fp16')).toBe(23);
    }
    // the parent keeps the graph as built on Intel parts
    expect(layerKernels('arc-a770', 'llama.cpp', 'q4_0')).toBeLessThan(30);
  });
  it('builds from mid-June 2025 (llama.cpp PR #14181) run the SwiGLU as one GLU node: 29 kernels per layer, the rest the same', () => {
    expect(layerKernels('arc-b580', 'llama.cpp-sycl-glu', 'q4_0')).toBe(29);
    expect(layerKernels('arc-b580', 'llama.cpp-sycl-glu', 'fp16')).toBe(22);
    const hw = bound('arc-b580', 'llama.cpp-sycl-glu');
    expect(hw.runtime!.launch.graphs).toBe('none');
    expect(hw.efficiency.kernelOverheadS).toBeCloseTo(4.75e-6, 12);
    expect(decode('arc-b580', 'llama.cpp-sycl-glu').tpot_s!).toBeLessThan(decode('arc-b580', 'llama.cpp-sycl').tpot_s!);
  });
  it('captures no graphs (GGML_SYCL_DISABLE_GRAPH defaults to 1) and keeps the dequantize + oneDNN prompt path', () => {
    const hw = bound('arc-b580', 'llama.cpp-sycl');
    expect(hw.runtime!.launch.graphs).toBe('none');
    expect(hw.runtime!.kernels.gguf).toBe('dequant');
    expect(hw.runtime!.kernels.dequantizeWeights).toBe(true);
  });
  it('Xe2 discrete parts take the traced per-dispatch time; the A770 and the Lunar Lake iGPU keep the hardware default', () => {
    expect(bound('arc-b580', 'llama.cpp-sycl').efficiency.kernelOverheadS).toBeCloseTo(4.75e-6, 12);
    for (const id of ['arc-a770', 'core-ultra-7-258v']) {
      expect(bound(id, 'llama.cpp-sycl').efficiency.kernelOverheadS).toBe(lib.hardware[id]!.efficiency.kernelOverheadS);
    }
  });
  for (const id of ['arc-a770', 'arc-b580', 'core-ultra-7-258v']) {
    it(`${id}: a batch-1 decode lasts at least its kernels × the per-kernel time, and longer than under the parent`, () => {
      const hw = bound(id, 'llama.cpp-sycl');
      const r = decode(id, 'llama.cpp-sycl');
      expect(r.tpot_s!).toBeGreaterThanOrEqual(32 * layerKernels(id, 'llama.cpp-sycl', 'q4_0') * hw.efficiency.kernelOverheadS);
      expect(r.tpot_s!).toBeGreaterThan(r.memory.weights_bytes / (hw.memory.bandwidthBytePerS * hw.efficiency.memory));
      expect(r.tpot_s!).toBeGreaterThan(decode(id, 'llama.cpp').tpot_s!);
    });
  }
});
