// A runtime's measured kernels cap the fraction of peak a GEMM reaches below what the part's own tables say: a BLAS
// library's measured rate, the block-FP8 and per-tensor FP8 paths, the fused NVFP4 MoE kernel and the weight-only
// MoE kernel of a part without the expert dtype's tensor cores. src/sim/roofline.ts applies them in opCost.
import type { Op } from '../model/op.js';
import type { Dtype, EfficiencyTable, MoeEfficiency, NormalizedHardware } from '../spec/types.js';
import { ggufGemmPeak, lookupEfficiency } from '../hardware/efficiency.js';
import { ggufDequantized } from './dequant-pass.js';
import { runsMarlinMoe, weightOnlyFallback } from './kernel-physics.js';

/** `eff` (a fraction of `peakFlopPerS`, the peak of `dtype` the op runs at) after the runtime's kernel caps */
export function runtimeGemmCap(op: Op, hw: NormalizedHardware, dtype: Dtype, peakFlopPerS: number, eff: number): number {
  // a GEMM the runtime hands to a BLAS library whose large-GEMM rate on this part was measured (kernels.gemm_rate:
  // hipBLASLt on gfx1151, runtimes/llama.cpp-hipblaslt.yaml) reaches at most that rate, whatever the hardware's own
  // table says; a GGUF GEMM that runs the runtime's own kernel (MMQ, or a measured gguf_rate) is not a BLAS call, and
  // the rate was measured on 16-bit GEMMs only
  const blas = op.kind === 'gemm' && (dtype === 'fp16' || dtype === 'bf16') ? hw.runtime?.kernels?.gemmFlopPerS : undefined;
  if (blas && !(op.gguf && !ggufDequantized(op, hw) && ggufGemmPeak(hw))) eff = Math.min(eff, blas / peakFlopPerS);
  // a block-scaled FP8 GEMM runs the runtime's block-FP8 kernel, not the per-tensor cuBLASLt GEMM the hardware's fp8
  // table measured: it reaches at most the fraction of the fp8 peak that kernel reaches on a full chip
  // (kernels.fp8_block_efficiency, fp8_block_moe_efficiency for the grouped MoE kernel; runtimes/*.yaml cite them)
  if (op.fp8Block && dtype === 'fp8') {
    const cap = op.groups ? moeCap(hw.runtime?.kernels?.fp8BlockMoeEfficiency, op.expertMacs, op.localExperts) : hw.runtime?.kernels?.fp8BlockEfficiency;
    if (cap !== undefined) eff = Math.min(eff, cap);
  }
  // a grouped per-tensor fp8 GEMM runs the runtime's fused fp8 MoE kernel where it measured one
  // (kernels.fp8_moe_efficiency: TensorRT-LLM's CUTLASS fused MoE, runtimes/tensorrt-llm.yaml)
  if (op.groups && !op.fp8Block && dtype === 'fp8' && op.dtype === 'fp8') {
    const cap = moeCap(hw.runtime?.kernels?.fp8MoeEfficiency, op.expertMacs, op.localExperts);
    if (cap !== undefined) eff = Math.min(eff, cap);
  }
  // a dense per-tensor fp8 GEMM of a runtime whose fp8 GEMM path is slower than the library the hardware's fp8 table
  // measured (kernels.fp8_tensor_efficiency: ROCm Transformer Engine's fp8 GEMMs of October 2024, runtimes/te-rocm-2024.yaml)
  if (!op.fp8Block && !op.groups && op.kind === 'gemm' && dtype === 'fp8') {
    const cap = hw.runtime?.kernels?.fp8TensorEfficiency;
    if (cap !== undefined) eff = Math.min(eff, cap);
  }
  // a grouped (MoE) NVFP4 GEMM runs the runtime's fused NVFP4 MoE kernel (routing, activation quantization, both expert
  // GEMMs, finalize), not the dense block-scaled GEMM the hardware's fp4 table measured: it reaches at most the fraction
  // of the fp4 peak that kernel was measured at, at the size of one local expert's GEMM (kernels.fp4_moe_efficiency;
  // runtimes/tensorrt-llm.yaml cites it)
  if (op.groups && dtype === 'fp4') {
    const cap = fp4MoeCap(hw, op.expertMacs, op.localExperts);
    if (cap !== undefined) eff = Math.min(eff, cap);
  }
  // narrow-float expert weights on a part without their tensor cores run weight-only through the runtime's grouped
  // kernel (vLLM's fused Marlin MoE: dequantized in the mainloop, mma.sync 16-bit math), which reaches at most
  // kernels.weight_only_moe_efficiency of the 16-bit peak (runtimes/vllm.yaml cites it); a run that chose the fused
  // Marlin MoE over the runtime's default kernel (--set runtime.weight_only_moe=marlin: vLLM before v0.12 on Hopper, or
  // VLLM_MXFP4_USE_MARLIN=1) reaches kernels.marlin_moe_efficiency where the runtime sets one. The default kernel the
  // runtime's weight_only_moe_efficiency measures is its MXFP4 one (vLLM on Hopper: OpenAI's triton_kernels matmul_ogs,
  // get_mxfp4_backend); other narrow-float experts (NVFP4, --dtype fp4 without MXFP4 scales) take Marlin there too
  // (vllm-project/vllm issue #49070: "On Hopper the NVFP4-MoE selector falls back to MARLIN")
  // int4 (AWQ / GPTQ) experts where the runtime runs them through its fused Marlin MoE reach at most that kernel's
  // measured fraction of the 16-bit peak (kernels.tiled_gemm.int4_moe.efficiency: runtimes/vllm.yaml, sglang.yaml hopper)
  const int4Cap = op.groups && op.int4 ? hw.runtime?.kernels?.tiledGemm?.int4Moe?.efficiency : undefined;
  if (int4Cap !== undefined) eff = Math.min(eff, int4Cap);
  if (op.groups && weightOnlyFallback(op.dtype, dtype)) {
    const k = hw.runtime?.kernels;
    const cap = (runsMarlinMoe(op, hw) ? k?.marlinMoeEfficiency : undefined) ?? k?.weightOnlyMoeEfficiency;
    if (cap !== undefined) eff = Math.min(eff, cap);
  }
  return eff;
}

/** The runtime's fused NVFP4 MoE cap (kernels.fp4_moe_efficiency) at one local expert's GEMM MACs and local experts (moeCap). */
export function fp4MoeCap(hw: NormalizedHardware, expertMacs: number | undefined, localExperts?: number): number | undefined {
  return moeCap(hw.runtime?.kernels?.fp4MoeEfficiency, expertMacs, localExperts);
}

/**
 * A fused MoE kernel's cap for a grouped GEMM whose local experts each run `expertMacs` (rows per expert × d × I slice,
 * Op.expertMacs): one number for every size, its table by that size, or a table by that size for each count of the
 * rank's local experts (`localExperts`, Op.localExperts): each row interpolated in log(size) and clamped at both ends
 * (lookupEfficiency, as the hardware's GEMM size tables), the rows in log(count), clamped at the first and last count.
 * Between two counts the cap never rises faster than the count (the rank's work) does, so more local experts never take
 * less time. A grouped GEMM that states no size reads the largest size; one that states no count the last row.
 */
export function moeCap(cap: MoeEfficiency | undefined, expertMacs: number | undefined, localExperts?: number): number | undefined {
  if (cap === undefined || typeof cap === 'number') return cap;
  const at = (t: EfficiencyTable) => (expertMacs === undefined ? t.values[t.values.length - 1]! : lookupEfficiency(t, expertMacs));
  if (!('keys' in cap)) return at(cap);
  const { keys, rows } = cap;
  const n = keys.length;
  if (localExperts === undefined || localExperts >= keys[n - 1]!) return at(rows[n - 1]!);
  if (localExperts <= keys[0]!) return at(rows[0]!);
  let i = 1;
  while (keys[i]! < localExperts) i++;
  const f = Math.log(localExperts / keys[i - 1]!) / Math.log(keys[i]! / keys[i - 1]!);
  const lo = at(rows[i - 1]!);
  return Math.min(lo + f * (at(rows[i]!) - lo), (lo * localExperts) / keys[i - 1]!);
}
