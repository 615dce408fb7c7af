// Roofline cost of one op: time = max(flops / (peak · ε_compute), bytes / (bw · ε_mem)) + overhead.
// Williams, Waterman & Patterson, "Roofline: an insightful visual performance model", CACM 52(4), 2009;
// the per-op max() with achievable (not datasheet) ceilings follows LLM-Viewer (roofline_model.py) and
// LLMCompass (matmul roofline_model), with efficiency by op size as in Calculon's processor tables.
import type { Op } from '../model/op.js';
import type { Dtype, NormalizedHardware } from '../spec/types.js';
import { lookupEfficiency } from '../hardware/efficiency.js';

export type Bound = 'compute' | 'memory' | 'overhead' | 'network';

export interface OpCost {
  seconds: number;
  computeS: number;
  memoryS: number;
  bound: Bound;
  dtype: Dtype; // the dtype the hardware actually ran it in
}

// A GEMM dtype without native support runs at the next wider supported one (fp4 → fp8 → bf16/fp16 → …).
const FALLBACK: Record<Dtype, Dtype[]> = {
  int4: ['int4', 'int8', 'fp8', 'fp16', 'bf16', 'fp32'],
  fp4: ['fp4', 'fp6', 'fp8', 'int8', 'fp16', 'bf16', 'fp32'],
  fp6: ['fp6', 'fp8', 'fp16', 'bf16', 'fp32'],
  fp8: ['fp8', 'int8', 'fp16', 'bf16', 'fp32'],
  int8: ['int8', 'fp8', 'fp16', 'bf16', 'fp32'],
  bf16: ['bf16', 'fp16', 'fp32', 'tf32'],
  fp16: ['fp16', 'bf16', 'fp32'],
  tf32: ['tf32', 'fp32', 'bf16', 'fp16'],
  fp32: ['tf32', 'fp32', 'fp16', 'bf16'],
  fp64: ['fp64', 'fp32'],
};

export function matrixPeak(hw: NormalizedHardware, dtype: Dtype): { flopPerS: number; dtype: Dtype } {
  for (const d of FALLBACK[dtype]) {
    const v = hw.matrixFlopPerS[d] ?? (d === 'fp32' || d === 'fp64' ? hw.vectorFlopPerS[d] : undefined);
    if (v) return { flopPerS: v, dtype: d };
  }
  const anyPeak = Object.entries(hw.matrixFlopPerS)[0] ?? Object.entries(hw.vectorFlopPerS)[0];
  return { flopPerS: anyPeak ? (anyPeak[1] as number) : 1e12, dtype: (anyPeak?.[0] as Dtype) ?? dtype };
}

export function vectorPeak(hw: NormalizedHardware): number {
  return hw.vectorFlopPerS.fp32 ?? hw.vectorFlopPerS.fp16 ?? (matrixPeak(hw, 'fp16').flopPerS / 8);
}

export function gemmEfficiency(hw: NormalizedHardware, dtype: Dtype, flops: number): number {
  const t = hw.efficiency.gemmByDtype?.[dtype] ?? hw.efficiency.gemm;
  return lookupEfficiency(t, flops);
}

const MMA_TILE_ROWS = 64;

// Achievable fraction of peak DRAM bandwidth for an op's bytes. Decode attention over a 16-bit KV cache streams
// at STREAM speed (efficiency.memory); over an 8-bit or narrower cache it reaches less (× attentionKv8:
// the kernels convert K/V back to 16-bit or run a narrower MMA path, see src/hardware/efficiency.ts).
export function memoryEfficiency(op: Op & { kvElemBytes?: number }, hw: NormalizedHardware): number {
  if (op.kind === 'attention' && op.kvElemBytes !== undefined && op.kvElemBytes < 2) return hw.efficiency.memory * hw.efficiency.attentionKv8;
  return hw.efficiency.memory;
}

export function opCost(op: Op & { kvElemBytes?: number }, hw: NormalizedHardware): OpCost {
  let computeS: number;
  let dtype = op.dtype;
  if (op.kind === 'gemm' || op.kind === 'conv' || op.kind === 'attention') {
    const peak = matrixPeak(hw, op.dtype);
    dtype = peak.dtype;
    // A grouped GEMM (MoE experts) schedules the tiles of all its groups together, so it fills the chip like one
    // GEMM of the total size; each group's rows are padded to the 64-row MMA tile (Hopper wgmma is m64nNk16,
    // PTX ISA §9.7.14; CUTLASS grouped GEMMs use ≥ 64-row tiles), which wastes (⌈m/64⌉·64 − m) rows.
    let eff = op.kind === 'attention' ? hw.efficiency.attention : gemmEfficiency(hw, dtype, op.flops);
    if (op.groups && op.m) eff *= op.m / (Math.ceil(op.m / MMA_TILE_ROWS) * MMA_TILE_ROWS);
    computeS = op.flops / (peak.flopPerS * eff);
  } else {
    computeS = op.flops / (vectorPeak(hw) * hw.efficiency.vector);
  }
  const memoryS = op.bytes / (hw.memory.bandwidthBytePerS * memoryEfficiency(op, hw));
  const overhead = hw.efficiency.kernelOverheadS;
  const body = Math.max(computeS, memoryS);
  const bound: Bound = overhead > body ? 'overhead' : computeS >= memoryS ? 'compute' : 'memory';
  return { seconds: body + overhead, computeS, memoryS, bound, dtype };
}
