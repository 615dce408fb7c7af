// Fixtures for the non-decoder engine tests: library models from the compiled library, library hardware
// through the real spec loader (src/spec/load.ts), and the request defaults of the simulate command.
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { loadSpecFile } from '../../src/spec/load.js';
import type { NormalizedHardware, NormalizedModel } from '../../src/spec/types.js';
import type { SimulateRequest } from '../../src/sim/types.js';
import { MODELS_DIR, libraryModel } from './library-models.js';

const HW_DIR = join(MODELS_DIR, '..', 'hardware');

export async function loadHardware(id: string): Promise<NormalizedHardware> {
  for (const vendor of readdirSync(HW_DIR)) {
    if (vendor === 'memory') continue;
    const files = readdirSync(join(HW_DIR, vendor));
    if (!files.includes(`${id}.yaml`)) continue;
    const r = await loadSpecFile(join(HW_DIR, vendor, `${id}.yaml`));
    if (!r.value) throw new Error(`${id}: ${r.errors.map((e) => e.message).join('; ')}`);
    return r.value.spec as NormalizedHardware;
  }
  throw new Error(`no hardware ${id}`);
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
export function toyHardware(over: Partial<NormalizedHardware> = {}): NormalizedHardware {
  return {
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
  };
}

/** FLOPs of the matrix ops (GEMM, conv, attention) of a graph: what forward_flops counts */
export function matrixFlops(ops: { kind: string; flops: number; count: number }[]): number {
  return ops.filter((o) => o.kind === 'gemm' || o.kind === 'conv' || o.kind === 'attention').reduce((s, o) => s + o.flops * o.count, 0);
}
