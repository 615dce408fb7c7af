// Fixtures for the non-decoder engine tests: library models and hardware from the compiled library
// (loaded by the real spec layer), and the request defaults of the simulate command.
import { libraryRuntime, resolveHardware } from '../../src/spec/library.js';
import { bindRuntime } from '../../src/runtime/resolve.js';
import type { NormalizedHardware, NormalizedModel } from '../../src/spec/types.js';
import type { SimulateRequest } from '../../src/sim/types.js';
import { libraryModel } from './library-models.js';

export async function loadHardware(id: string): Promise<NormalizedHardware> {
  return resolveHardware(id); // the compiled library, loaded by the real spec layer
}

export function request(model: NormalizedModel | string, hardware: NormalizedHardware, over: Partial<SimulateRequest> = {}): SimulateRequest {
  return {
    model: typeof model === 'string' ? libraryModel(model) : model,
    hardware,
    resolveModel: libraryModel,
    tp: 1,
    pp: 1,
    batch: 1,
    inputTokens: 512,
    outputTokens: 128,
    dtype: 'bf16',
    ...over,
  };
}

/** an idealised device for hand-checked numbers: 1 TFLOP/s matrix, 0.1 TFLOP/s vector, 100 GB/s, no losses */
// an ideal device, driven by the ideal runtime (no host or launch time): its numbers are the roofline alone
export function toyHardware(over: Partial<NormalizedHardware> = {}): NormalizedHardware {
  return bindRuntime({
    id: 'toy',
    name: 'toy device',
    vendor: 'other',
    class: 'datacenter',
    matrixFlopPerS: { bf16: 1e12, fp16: 1e12, fp8: 2e12 },
    vectorFlopPerS: { fp32: 1e11 },
    memory: { technology: 'hbm3', capacityBytes: 80e9, bandwidthBytePerS: 1e11 },
    onChip: {},
    efficiency: { memory: 1, gemm: { sizes: [1], values: [1] }, attention: 1, vector: 1, collective: 1, kernelOverheadS: 0 },
    sources: [],
    ...over,
  }, libraryRuntime('ideal'));
}

/** FLOPs of the matrix ops (GEMM, conv, attention) of a graph: what forward_flops counts */
export function matrixFlops(ops: { kind: string; flops: number; count: number }[]): number {
  return ops.filter((o) => o.kind === 'gemm' || o.kind === 'conv' || o.kind === 'attention').reduce((s, o) => s + o.flops * o.count, 0);
}
