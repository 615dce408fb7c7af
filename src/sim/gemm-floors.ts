// The matrix-vector floors of a serving batch's GEMM: where a runtime switches from its matrix-vector (or own skinny)
// kernel to a tiled library GEMM, the tiled GEMM never costs more than the skinny kernel taking the rows that many at a
// time (each pass streams the weights again). src/sim/roofline.ts applies them in opCost.
import type { Op } from '../model/op.js';
import type { Dtype, NormalizedHardware } from '../spec/types.js';
import { decodesInPhase, type LaunchPhase } from '../runtime/launch.js';
import { kernelPhysics } from './kernel-physics.js';
import { gemvRate, opPeak } from './peaks.js';
import { w4a16Timed } from './w4a16-gemm.js';

// Above gemvMaxRows a serving runtime switches to the tiled kernel because it is faster there (llama.cpp's
// MMVQ_MAX_BATCH_SIZE marks where the two meet), so a batch's tiled GEMM never costs more than the matrix-vector
// kernel taking the rows gemvMaxRows at a time (each pass streams the weights again). Without this floor a batch one
// request past the limit ran up to 40% fewer tokens per second where the small-GEMM table is far below the large
// rate. A bare GEMM (`op gemm`, calibration points) is one kernel as measured: no floor. A runtime that switches at a
// fixed row count whatever the speeds (kernels.kernel_choice: threshold, ggml) gets no floor on prompt GEMMs; decode
// batches keep it (throughput does not fall as the serving batch grows: issue 12's invariant).
// A grouped GEMM of a runtime that picks its MoE kernel by the batch's token count (kernels.group_gemv_max_tokens set)
// has nothing to fall back to past that count: early-2025 vLLM / SGLang Triton fused_moe (0) tiles every call, and
// ggml's MUL_MAT_ID runs MMQ tiles from its limit up (1 on CUDA through 2025, 7-8 on RDNA), however few rows each
// expert gets. No floor, in decode too: with one from 9 rows per expert up and none below, a llama-4-scout decode step
// (16 experts, top-1) fell from 84 to 57 ms between 127 and 128 requests, where every expert's rows crossed 8.
// A prompt pass's output head (op.head) is the exception: its rows are the pass's sequences (one logits row per prompt), a
// serving batch's rows as a decode step's are, so it keeps their floor (ggml runs it by the same 8-row threshold:
// without the floor, a step of 8.1 prompts cost more per prompt than one of 7.97 and throughput fell with the batch,
// mistral-7b on 16x apple-m2 under ollama, pp 2, 3,245 in / 15 out, batch 239 -> 244, property seed 180; llama-2-70b on
// 4x xeon-6980p, 513 in / 1 out, batch 6 -> 15, seed 184).
/** rows per pass of the matrix-vector kernel that floors this GEMM (0: no floor) */
export function gemvFloorRows(op: Op, hw: NormalizedHardware, phase: LaunchPhase, gemv: boolean): number {
  if (op.kind !== 'gemm' || !op.batchRows || gemv || op.m === undefined || !(op.m > 0) || !(op.weightBytes > 0)) return 0;
  // an int4 GEMM whose runtime timed its kernel at every row count (kernels.w4a16_stream) takes that time, no floor
  if (w4a16Timed(op, hw)) return 0;
  const kp = kernelPhysics(hw); // (after the cheap tests: opCost asks for every op)
  if ((!decodesInPhase(phase) && kp.kernelChoice !== 'fastest' && !op.head) || (op.groups && kp.groupGemvMaxTokens >= 0)) return 0;
  return kp.gemvMaxRows > 0 && op.m > kp.gemvMaxRows ? kp.gemvMaxRows : 0;
}

const passes = { computeS: 0, memoryS: 0, dtype: 'bf16' as Dtype };

/**
 * The op's GEMM as a skinny kernel taking its rows `rows` at a time: compute at the matrix-vector rate, the weights
 * streamed once per pass at `bw` bytes/s. It floors the tiled GEMM past gemvFloorRows, and past the runtime's own
 * skinny rows (kernels.skinny_gemm_rows) it floors the library GEMM with its fixed time (vLLM switches at a fixed row
 * count; without the floor the fixed time the library adds at the switch made a step dearer per row, so throughput fell
 * as the batch grew). Returns a shared object (no allocation in the sweep's hot path): read it before the next call.
 */
export function rowPasses(op: Op, hw: NormalizedHardware, rows: number, bw: number): { computeS: number; memoryS: number; dtype: Dtype } {
  const peak = opPeak(op, hw);
  passes.computeS = op.flops / gemvRate(hw, peak.flopPerS, peak.dtype);
  passes.memoryS = (op.weightBytes * (op.m! / rows) + (op.bytes - op.weightBytes)) / bw;
  passes.dtype = peak.dtype;
  return passes;
}
