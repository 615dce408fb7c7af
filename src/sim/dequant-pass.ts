// GGUF GEMMs run as "dequantize, then BLAS": a runtime without a quantized tiled matmul of its own converts the
// block-quantized weights (q4_0: 18 bytes per 32 weights) to a 16-bit copy in a kernel of its own and calls a library
// GEMM on the copy. ggml-sycl does this for every GGUF matmul above the matrix-vector rows: ggml_sycl_supports_mmq
// returns false ("TODO: accuracy issues in MMQ"), so ggml_sycl_mul_mat sends the matmul to ggml_sycl_op_mul_mat_sycl,
// which runs to_fp16_sycl over src0 into a pool buffer and multiplies with oneDNN (DnnlGemmWrapper::row_gemm) or
// oneMKL gemm (ggml-org/ggml src/ggml-sycl/ggml-sycl.cpp, unchanged from @ffed2f04, 2025-03, to @b5cd8189, 2026-08).
// MUL_MAT_ID (ggml_sycl_mul_mat_id) calls the same matmul per expert, so each touched expert's weights are converted.
//
// Two costs the MMQ path does not have, both memory traffic: the conversion kernel reads the quantized weights and
// writes 2 bytes per weight, and the GEMM then reads those 2 bytes where MMQ reads the quantized ones. The runtime
// declares the path (runtimes/*.yaml kernels.dequantize_weights); a GGUF rate measured on the part (kernels.gguf_rate,
// test-backend-ops MUL_MAT times both kernels) already holds the pass, so it is not added again there.
import type { Op } from '../model/op.js';
import type { NormalizedHardware } from '../spec/types.js';

const COPY_BYTES = 2; // fp16 copy of each weight (to_fp16_sycl)

export interface DequantPass {
  passBytes: number; // the conversion kernel: quantized weights read + the 16-bit copy written
  gemmExtraBytes: number; // the GEMM reads the copy instead of the quantized weights
}

/** whether the runtime runs this GGUF GEMM as "dequantize, then BLAS" (kernels.gguf: dequant) rather than its own
 *  quantized kernel: from kernels.dequantize_from_tokens rows up where the runtime sets it (ggml-hip on RDNA 3 runs MMQ
 *  below 64 tokens), every such GEMM otherwise. A grouped (MoE) GEMM counts the step's tokens, as ggml's MUL_MAT_ID does. */
export function ggufDequantized(op: Op, hw: Pick<NormalizedHardware, 'runtime'>): boolean {
  const k = hw.runtime?.kernels;
  if (k?.gguf !== 'dequant') return false;
  const rows = op.groups && op.batchTokens !== undefined ? op.batchTokens : op.m;
  return k.dequantizeFromTokens === undefined || (rows ?? 0) >= k.dequantizeFromTokens;
}

// Weight-only int8 the same way: DeepSpeed-Inference's int8 linears (init_inference with quantization_bits 8) call
// quantized_gemm, which allocates a 16-bit tensor of the weight's shape, runs launch_dequantize (int8 weights and their
// group scales → fp16) into it and then cublas_gemm_ex on the copy, at every call and every batch size
// (deepspeedai/DeepSpeed v0.7.3 / v0.8.2 csrc/transformer/inference/csrc/pt_binding.cpp quantized_gemm,
// ds_qkv_gemm_int8, ds_vector_matmul_int8, mlp_unfused_cublas with q_int8). The runtime declares it
// (kernels.int8_weights: dequant); a GEMM qualifies when its inputs are 16-bit and its weights take one byte each.

/** whether this GEMM is weight-only int8 under a runtime that dequantizes int8 weights before a 16-bit GEMM */
export function int8WeightDequant(op: Op, hw: Pick<NormalizedHardware, 'runtime'>): boolean {
  if (hw.runtime?.kernels?.int8Weights !== 'dequant' || op.kind !== 'gemm' || op.gguf) return false;
  if ((op.dtype !== 'fp16' && op.dtype !== 'bf16') || !op.n || !op.k || !(op.weightBytes > 0)) return false;
  const perWeight = op.weightBytes / (op.n * op.k * (op.groups && op.groups > 1 ? op.groups : 1));
  return perWeight > 0.9 && perWeight < 1.25; // one byte a weight (a bias or group scales add a little)
}

/** the dequantize pass of a GGUF GEMM under a runtime that converts weights before its BLAS GEMM, or of a weight-only
 *  int8 GEMM under one that dequantizes int8 weights (int8WeightDequant), else undefined */
export function dequantPass(op: Op, hw: Pick<NormalizedHardware, 'runtime'>): DequantPass | undefined {
  const k = hw.runtime?.kernels;
  if (int8WeightDequant(op, hw)) {
    const copy = COPY_BYTES * op.n! * op.k! * (op.groups && op.groups > 1 ? op.groups : 1);
    return { passBytes: op.weightBytes + copy, gemmExtraBytes: Math.max(0, copy - op.weightBytes) };
  }
  // (a measured gguf_rate prices the GEMM only where the runtime runs its own GGUF kernel, gguf: mmq; a runtime variant
  // that declares gguf: dequant prices the pass and the BLAS GEMM itself even where its parent measured a rate)
  if (!k?.dequantizeWeights || op.kind !== 'gemm' || !op.gguf) return undefined;
  if (k.gguf === 'dequant' ? !ggufDequantized(op, hw) : k.ggufFlopPerS) return undefined;
  if (!op.n || !op.k || !(op.weightBytes > 0)) return undefined;
  // weights converted: every group's [k, n] slice (MoE: each touched expert)
  const weights = op.n * op.k * (op.groups && op.groups > 1 ? op.groups : 1);
  const copy = COPY_BYTES * weights;
  return { passBytes: op.weightBytes + copy, gemmExtraBytes: Math.max(0, copy - op.weightBytes) };
}
