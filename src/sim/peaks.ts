// The compute ceilings an op is priced against: the matrix peak a dtype runs at on a part (falling back to the next wider
// supported dtype), the runtime's own int8 / fp16-accumulate paths, the GEMM efficiency tables, the sustained-clock share
// and the matrix-vector kernel's rate. src/sim/roofline.ts prices ops against them.
import type { Op } from '../model/op.js';
import type { Dtype, NormalizedHardware } from '../spec/types.js';
import { lookupEfficiency } from '../hardware/efficiency.js';
import { weightOnlyFallback } from './kernel-physics.js';

// A GEMM dtype without native support runs at the next wider supported one (fp6 → fp8 → bf16/fp16 → …). Narrow
// floats never fall back to int8 tensor cores (their numerics are not integers: no runtime does that); without fp8
// tensor cores they run weight-only at the 16-bit rate (vLLM Marlin W8A16 on Ampere, src/sim/kernel-physics.ts).
// FP4 (NVFP4 / MXFP4) without fp4 tensor cores runs weight-only at the 16-bit rate even where fp8 tensor cores exist:
// no runtime quantizes the activations to fp8 for it by default. Hopper runs MXFP4 MoE weights through OpenAI's
// triton_kernels matmul_ogs with bf16 activations (the E8M0-scaled e2m1 tile is decoded and cast to the activation
// dtype before a 16-bit MMA: triton-lang/triton PR #11361 "Hopper MXFP4 matmul", dense BF16/FP16 inputs) in vLLM and
// SGLang, and TensorRT-LLM's gpt-oss guide sends Hopper to the same TRITON MoE backend ("TRTLLM MoE backend is not
// supported on Hopper", NVIDIA/TensorRT-LLM PR #7101, blog9_Deploying_GPT_OSS_on_TRTLLM.md); NVFP4 checkpoints run
// vLLM's FP4 Marlin (W4A16) before Blackwell.
const FALLBACK: Record<Dtype, Dtype[]> = {
  int4: ['int4', 'int8', 'fp8', 'fp16', 'bf16', 'fp32'],
  fp4: ['fp4', 'fp16', 'bf16', 'fp32'],
  fp6: ['fp6', 'fp8', 'fp16', 'bf16', 'fp32'],
  fp8: ['fp8', 'fp16', 'bf16', 'fp32'],
  int8: ['int8', 'fp8', 'fp16', 'bf16', 'fp32'],
  bf16: ['bf16', 'fp16', 'fp32', 'tf32'],
  fp16: ['fp16', 'bf16', 'fp32'],
  tf32: ['tf32', 'fp32', 'bf16', 'fp16'],
  fp32: ['tf32', 'fp32', 'fp16', 'bf16'],
  fp64: ['fp64', 'fp32'],
};

// fp32 GEMMs of a runtime that keeps matmuls in IEEE fp32 (kernels.fp32_matmul: ieee — PyTorch's default
// torch.backends.cuda.matmul.allow_tf32 = False since 1.12) skip the TF32 tensor path; convolutions keep it there
// (torch.backends.cudnn.allow_tf32 defaults to True)
const FP32_IEEE: Dtype[] = ['fp32', 'fp16', 'bf16'];

export function matrixPeak(hw: NormalizedHardware, dtype: Dtype, kind?: Op['kind']): { flopPerS: number; dtype: Dtype } {
  const ieee = dtype === 'fp32' && kind !== undefined && kind !== 'conv' && hw.runtime?.kernels.fp32Matmul === 'ieee';
  for (const d of ieee ? FP32_IEEE : Object.hasOwn(FALLBACK, dtype) ? FALLBACK[dtype] : [dtype]) { // an unknown name never reaches Object.prototype
    const v = hw.matrixFlopPerS[d] ?? (d === 'fp32' || d === 'fp64' ? hw.vectorFlopPerS[d] : undefined);
    if (v) return { flopPerS: v, dtype: d };
  }
  const anyPeak = Object.entries(hw.matrixFlopPerS)[0] ?? Object.entries(hw.vectorFlopPerS)[0];
  return { flopPerS: anyPeak ? (anyPeak[1] as number) : 1e12, dtype: (anyPeak?.[0] as Dtype) ?? dtype };
}

// A dense int8 GEMM of a runtime whose W8A8 linears run the part's 512-bit integer dot-product instructions instead of
// its int8 matrix unit (kernels.int8_gemm: vector — SGLang's CPU int8_scaled_mm: AVX-512 VNNI _mm512_dpbusd_epi32,
// use_brgemm = false, sgl-kernel csrc/cpu/gemm_int8.cpp; runtimes/sglang.yaml cites it) multiplies at the part's
// compute.vector.int8 rate, MoE expert GEMMs included (moe_int8.cpp takes the AMX brgemm only where
// can_use_brgemm<int8_t> allows it, and gemm.h returns false). `vector`: the part's matrix-unit fraction for int8
// (efficiency.gemm_by_dtype, e.g. AMX-INT8's) does not apply; the part's GEMM fraction does.
export function opPeak(op: Op, hw: NormalizedHardware): { flopPerS: number; dtype: Dtype; vector?: boolean } {
  const mx = mxfp4MoeDtype(op, hw);
  if (mx !== undefined) return matrixPeak(hw, mx, op.kind);
  const v = hw.vectorFlopPerS.int8;
  if (op.kind === 'gemm' && op.dtype === 'int8' && v && hw.runtime?.kernels?.int8Gemm === 'vector') return { flopPerS: v, dtype: 'int8', vector: true };
  if (dequantizedAttention(op, hw)) return matrixPeak(hw, 'bf16', op.kind);
  return matrixPeak(hw, op.dtype, op.kind);
}

// MXFP4 expert weights (model fp4_scaling: mxfp4) on a part WITH FP4 matrix units multiply at the rate of the activation
// dtype the runtime's MXFP4 MoE kernel takes (kernels.mxfp4_moe_activations), not at the FP4 peak: Blackwell's FP4 rate
// needs both operands in FP4 (tcgen05.mma kind::mxf4 / mxf4nvf4); FP4 weights with FP8 activations are a kind::f8f6f4 /
// mxf8f6f4 MMA (the FP8 rate), and no MMA kind takes a BF16 operand with an FP4 one, so a BF16-activation kernel converts
// the weights to BF16 before a kind::f16 MMA (the 16-bit rate; PTX ISA, tcgen05.mma kinds). vLLM's default on SM100 is
// FlashInfer's TRT-LLM MXFP4 x BF16 MoE, SGLang's MXFP4 x MXFP8 (runtimes/vllm.yaml, sglang.yaml cite the code). Only the
// rate moves: the weights still stream as e2m1 (the part's fp4 streaming share, efficiency.gemm_memory_by_dtype). A part
// without FP4 matrix units keeps matrixPeak's fallback (weight-only at the 16-bit rate). The runtime's choice, not a
// missing datapath: no fallback warning (src/sim/decoder.ts).
export function mxfp4MoeDtype(op: Pick<Op, 'mxfp4' | 'groups' | 'dtype'>, hw: NormalizedHardware): Dtype | undefined {
  if (!op.mxfp4 || !op.groups) return undefined;
  const a = hw.runtime?.kernels?.mxfp4MoeActivations;
  return a !== undefined && a !== op.dtype && hw.matrixFlopPerS.fp4 ? a : undefined;
}

// Attention over an 8-bit cache under a runtime whose kernels keep the query in 16 bits and dequantize each K/V tile to
// it before the matrix multiply (kernels.attention_quantized_query: false; vLLM's Triton attention on ROCm,
// runtimes/vllm.yaml) multiplies at the 16-bit rate, not the 8-bit one. The runtime's choice, not a missing datapath:
// no fallback warning for it (src/sim/decoder.ts).
export function dequantizedAttention(op: Pick<Op, 'kind' | 'dtype'>, hw: NormalizedHardware): boolean {
  return op.kind === 'attention' && op.dtype === 'fp8' && hw.runtime?.kernels?.attentionQuantizedQuery === false;
}

// A 16-bit GEMM of a runtime that accumulates in fp16 (kernels.gemm_accumulate: fp16 — ggml-cuda's
// ggml_cuda_op_mul_mat_cublas calls cublasGemmEx with CUBLAS_COMPUTE_16F and an f16 output on every NVIDIA part but
// Volta) runs at the part's fp16-accumulate tensor rate (compute.fp16_accumulate: 2× matrix.fp16 on GeForce parts,
// whose fp32 accumulation is half rate; absent where the two are equal). GEMMs and convolutions only: attention
// kernels are the runtime's own.
export function accumulatePeak(op: Op, hw: NormalizedHardware, peak: { flopPerS: number; dtype: Dtype }): { flopPerS: number; dtype: Dtype } {
  const acc = hw.fp16AccumulateFlopPerS;
  if (acc === undefined || peak.dtype !== 'fp16' || op.kind === 'attention' || hw.runtime?.kernels?.gemmAccumulate !== 'fp16') return peak;
  return acc > peak.flopPerS ? { flopPerS: acc, dtype: 'fp16' } : peak;
}

/**
 * The dtype a GEMM requested in `dtype` does its math in on this part, for reports: a narrow float without its tensor
 * cores runs weight-only at the wider rate (above), so an fp8 request on an A100 multiplies in fp16 and says so;
 * other requests keep their name.
 */
export function gemmMathDtype(hw: NormalizedHardware, dtype: Dtype): Dtype {
  const ran = matrixPeak(hw, dtype).dtype;
  return weightOnlyFallback(dtype, ran) ? ran : dtype;
}

export function vectorPeak(hw: NormalizedHardware): number {
  return hw.vectorFlopPerS.fp32 ?? hw.vectorFlopPerS.fp16 ?? (matrixPeak(hw, 'fp16').flopPerS / 8);
}

/** the GEMM fraction of peak at `flops`: the dtype's own table where the part has one (undefined: the part's GEMM table) */
export function gemmEfficiency(hw: NormalizedHardware, dtype: Dtype | undefined, flops: number): number {
  const t = (dtype && hw.efficiency.gemmByDtype?.[dtype]) || hw.efficiency.gemm;
  return lookupEfficiency(t, flops);
}

/** the large-GEMM fraction of peak: the table's value at its largest size (what a kernel reaches once the chip is full) */
export function largeGemmEfficiency(hw: NormalizedHardware, dtype: Dtype): number {
  const t = hw.efficiency.gemmByDtype?.[dtype] ?? hw.efficiency.gemm;
  return t.values[t.values.length - 1]!;
}

// Under sustained full load a part held at its power limit runs its SMs below the clock a short benchmark sees, so its
// matrix units (GEMMs, fused attention, matrix-vector kernels) reach efficiency.sustained_matrix of the rates its
// efficiency tables hold where those were measured burst-style (MAMF's boost bursts, 100 ms timing windows with gaps).
// A dtype whose table was measured under sustained load already holds the clock drop: sustained_matrix_by_dtype gives
// it its own share (1). Memory-bound work is unaffected (the memory clock does not move). `op gemm` is itself a burst:
// ops.ts prices it without either factor. `dtype`: the GEMM's compute dtype; fused attention passes none (its
// efficiency is one number, not a dtype's table).
export function sustainedMatrix(hw: NormalizedHardware, dtype?: Dtype): number {
  const d = dtype === undefined ? undefined : hw.efficiency.sustainedMatrixByDtype?.[dtype];
  return d ?? hw.efficiency.sustainedMatrix ?? 1;
}

// The compute ceiling of a matrix-vector kernel: the large-GEMM rate (it does only the useful multiply-adds while the
// weights stream), or the rate the runtime measured for its matrix-vector kernel on this part (kernels.gemv_rate) where
// that kernel runs on the vector ALUs and is slower — ggml's MMVQ dequantizes and dot-products q4_0 blocks with
// integer dot instructions, not the matrix units.
export function gemvRate(hw: NormalizedHardware, peak: number, dtype: Dtype): number {
  const large = peak * largeGemmEfficiency(hw, dtype);
  const r = hw.runtime?.kernels?.gemvFlopPerS;
  return (r !== undefined && r > 0 ? Math.min(large, r) : large) * sustainedMatrix(hw, dtype);
}
