// The int4 weight-only (W4A16: AWQ / GPTQ checkpoints, --dtype int4) GEMM paths of a runtime that runs them through
// AutoAWQ-style kernels (runtimes/*.yaml kernels.w4a16_*). Two memory costs the roofline's one GEMM does not have:
//
//  - split-K partial outputs (kernels.w4a16_split_k S): AutoAWQ's and vLLM's awq_gemm (gemm_forward_cuda,
//    gemm_forward_4bit_cuda_m16nXk32) allocates its output as torch::empty({split_k_iters, M, N}) in fp16, each of the
//    S blocks along K writes its partial sums there, and the call returns _out_feats.sum(0): the GEMM writes S·M·N·2
//    bytes where it would write M·N, and a reduction kernel of its own reads them and writes M·N·2 (AutoAWQ
//    awq_cuda/quantization/gemm_cuda_gen.cu before the kernels moved out, casper-hansen/AutoAWQ @3f10cf1; the same in
//    casper-hansen/AutoAWQ_kernels and vllm csrc/quantization/awq/gemm_kernels.cu; WQLinear_GEMM passes split_k 8);
//  - dequantize, then a BLAS GEMM (kernels.w4a16_fp16_from_tokens T): from T tokens up, AutoAWQ's WQLinear_GEMM runs
//    awq_ext.dequantize_weights_cuda (reads the packed weights, writes an fp16 copy) and torch.matmul on the copy
//    (FP16_MATMUL_HEURISTIC_CONDITION = x.shape[0] * x.shape[1] >= 1024, casper-hansen/AutoAWQ PR #316 @149236e,
//    awq/modules/linear/gemm.py): priced as the GGUF dequantize pass is (src/sim/dequant-pass.ts), a memory pass
//    before the GEMM, which then reads 2 bytes per weight.
// AutoAWQ 0.1.x's fused MLP (QuantFusedMLP, awq/modules/fused/mlp.py) calls gemm_forward_cuda for the gate and up
// projections itself, not through WQLinear_GEMM, so they take the split-K path at any token count (kernels.
// w4a16_fused_mlp: the graph's ffn_up). 0.1.x has no FP16 path, so the flag changes nothing there; 0.2.x, the releases
// with the switch, run Hugging Face's MLP over WQLinear_GEMM modules (PR #313 @2fcbf26 removed QuantFusedMLP from the
// fusers), and its gate/up switch as every other int4 linear does.
// The split-K kernel's arithmetic rate (kernels.w4a16_split_k_flop_per_unit_clock, w4a16SplitKS): each thread block
// takes 16 rows of the activations (gemm_forward_4bit_cuda_m16nXk32: blockIdx over (M + 15) / 16 row tiles × N / 128
// column tiles × split_k), so every 16-row tile loads and dequantizes the whole int4 weight matrix again, and a kernel
// micro-benchmark on an A100 takes the same time per 16-row tile at 1, 32 and 4,096 rows (runtimes/autoawq.yaml cites
// it): its time is the rows' tiles (at least one whole tile) at the kernel's own rate, far below the part's 16-bit GEMM table
// (ncu on an RTX 3070 Ti: L1/TEX-bound, not tensor-bound; vllm-project/vllm issue #55462). Applied per SM and clock on
// other parts, as a floor on the op's compute time (never faster than the part's GEMM table).
import type { Op } from '../model/op.js';
import type { NormalizedHardware } from '../spec/types.js';
import type { DequantPass } from './dequant-pass.js';
import { lookupEfficiency } from '../hardware/efficiency.js';

/**
 * A runtime whose weight-only int4 GEMM was timed by row count (kernels.w4a16_stream: TensorRT-LLM's
 * WeightOnlyQuantMatmul / WeightOnlyGroupwiseQuantMatmul plugins, a batched GEMV below 5 rows and CUTLASS fpA_intB above,
 * runtimes/tensorrt-llm.yaml by_hardware cites the table): the fraction of peak DRAM bandwidth the op's int4 weights
 * stream at and the call's fixed time, at the op's rows (interpolated in log(rows), held at both ends); undefined where
 * the runtime gives no table or the op is no W4A16 GEMM. The measured kernel at every row count, so the roofline takes
 * it in place of its STREAM read of the weights, and no matrix-vector floor undercuts it (src/sim/gemm-floors.ts).
 */
export function w4a16Stream(op: Op, hw: Pick<NormalizedHardware, 'runtime'>): { bandwidth: number; fixedS: number } | undefined {
  if (!w4a16Timed(op, hw)) return undefined;
  const t = hw.runtime!.kernels!.w4a16Stream!;
  return { bandwidth: lookupEfficiency(t.bandwidth, op.m!), fixedS: lookupEfficiency(t.fixedS, op.m!) };
}

/** whether w4a16Stream times this op (the runtime's table applies), without reading the table */
export function w4a16Timed(op: Op, hw: Pick<NormalizedHardware, 'runtime'>): boolean {
  return hw.runtime?.kernels?.w4a16Stream !== undefined && isW4a16Gemm(op);
}

const FP16 = 2; // bytes per element of the fp16 partial outputs and of the dequantized copy
const W4A16_MAX_BITS = 4.5; // int4 with its group scales and zeros (src/model/quant.ts: 4.25); 16-bit heads are not int4

/** whether the op is a dense GEMM over int4 weights with 16-bit math (the --dtype int4 scheme's linears) */
export function isW4a16Gemm(op: Op): boolean {
  if (op.kind !== 'gemm' || op.gguf || op.groups || !op.n || !op.k || !op.m || !(op.weightBytes > 0)) return false;
  if (op.dtype !== 'fp16' && op.dtype !== 'bf16') return false;
  return (op.weightBytes * 8) / (op.n * op.k) <= W4A16_MAX_BITS;
}

/** the path the runtime's int4 GEMM takes at the op's rows: 'fp16' (dequantize + BLAS), 'split_k', or undefined (its
 *  own kernel writes the output once: nothing beyond the roofline) */
export function w4a16Path(op: Op, hw: Pick<NormalizedHardware, 'runtime'>): 'fp16' | 'split_k' | undefined {
  const k = hw.runtime?.kernels;
  if (!k || (k.w4a16SplitK === undefined && k.w4a16Fp16FromTokens === undefined) || !isW4a16Gemm(op)) return undefined;
  const viaModule = !(k.w4a16FusedMlp && op.name === 'ffn_up');
  if (viaModule && k.w4a16Fp16FromTokens !== undefined && op.m! >= k.w4a16Fp16FromTokens) return 'fp16';
  return k.w4a16SplitK !== undefined && k.w4a16SplitK > 1 ? 'split_k' : undefined;
}

/** the extra memory pass of the op's int4 GEMM path (a kernel of its own, serial with the GEMM), else undefined */
export function w4a16Pass(op: Op, hw: Pick<NormalizedHardware, 'runtime'>): DequantPass | undefined {
  const path = w4a16Path(op, hw);
  if (path === undefined) return undefined;
  const n = op.n!;
  const k = hw.runtime!.kernels!;
  if (path === 'split_k') return splitK(op.m!, n, k.w4a16SplitK!);
  const copy = FP16 * n * op.k!;
  return { passBytes: op.weightBytes + copy, gemmExtraBytes: Math.max(0, copy - op.weightBytes) };
}

/**
 * A monotonicity guard, not physics: the op as it would run one row below the runtime's FP16 switch, on the split-K
 * path, for an op that takes the FP16 path with a split-K path below it (else undefined). The caller floors the op's
 * time at that op's: t(M) = max(t_fp16(M), t_splitK(T − 1)). A GEMM of fewer K than ~4.5 × the threshold converts its
 * weights for less than the split-K partials cost, so without it a prompt of 1024 tokens read faster than one of 1023;
 * the runtime switches at a fixed row count, and the floor keeps time continuous there. With the split-K kernel at its
 * measured rate (w4a16SplitKS) the real switch is a step down (AutoAWQ PR #320's A100 table: 1024 tokens prefilled in
 * 0.18 s, 512 in 0.20 s); the floor keeps hwperf's prompt time monotone in tokens (the invariant) and prices prompts
 * just above the switch at the split-K cost one row below it. The FP16 path's compute grows with M, so the floor
 * vanishes where that path is already the dearer one.
 */
export function w4a16BelowSwitch(op: Op, hw: Pick<NormalizedHardware, 'runtime'>): Op | undefined {
  const k = hw.runtime?.kernels;
  if (!k || k.w4a16SplitK === undefined || !(k.w4a16SplitK > 1) || w4a16Path(op, hw) !== 'fp16') return undefined;
  const m = k.w4a16Fp16FromTokens! - 1;
  const r = m / op.m!;
  return { ...op, m, flops: op.flops * r, bytes: op.weightBytes + (op.bytes - op.weightBytes) * r };
}

const M_TILE = 16; // rows per thread block of the split-K kernel (gemm_forward_4bit_cuda_m16nXk32)

/**
 * The compute time of the op's int4 GEMM on the runtime's split-K kernel at its measured rate (FLOP per SM per clock,
 * kernels.w4a16_split_k_flop_per_unit_clock) over its rows, at least one 16-row tile; undefined where the op does
 * not take that path, the runtime gives no rate, or the part's spec gives no SM count or clock. A rate table by tile
 * count (the kernel measured slower at one or two tiles than at hundreds: fewer blocks in flight per SM) is read at the
 * op's tiles, interpolated in log(tiles) and held at its ends (lookupEfficiency, which also keeps the time of more tiles
 * never below that of the table point under it: the time stays monotone in rows).
 */
export function w4a16SplitKS(op: Op, hw: Pick<NormalizedHardware, 'runtime' | 'units' | 'clockHz'>): number | undefined {
  return w4a16SplitKRowsS(op, hw, op.m!);
}

/**
 * w4a16SplitKS for the op as it would run at `rows` rows (its FLOPs scaled by rows / op.m). A serving batch's matrix-
 * vector floor (src/sim/gemm-floors.ts) prices a GEMM of more than gemvMaxRows rows at most as that many rows at a time
 * would cost; AutoAWQ has no matrix-vector kernel for GEMM checkpoints (the split-K kernel runs at every row count), so
 * there that floor is held at no less than the split-K kernel at the floor's own row count: a monotonicity guard, not
 * physics (a batch of 9-16 rows is the same one 16-row tile as a batch of 8, never cheaper).
 */
export function w4a16SplitKRowsS(op: Op, hw: Pick<NormalizedHardware, 'runtime' | 'units' | 'clockHz'>, rows: number): number | undefined {
  const r = hw.runtime?.kernels?.w4a16SplitKFlopPerUnitClock;
  if (r === undefined || !hw.units || !hw.clockHz || !(rows > 0) || w4a16Path(op, hw) !== 'split_k') return undefined;
  const m = op.m!;
  const flops = (op.flops * rows) / m;
  // the kernel runs ⌈rows / 16⌉ tiles; priced at no less than one whole tile and continuous above it (a 17th row pays its
  // share of a second tile), so decode throughput never falls as a batch crosses a multiple of 16 (the invariant;
  // llama.cpp's last, partial ubatch is priced at its share the same way, src/sim/decoder.ts ubatchedPass)
  const tiles = Math.max(1, rows / M_TILE);
  const rate = typeof r === 'number' ? r : lookupEfficiency(r, tiles);
  if (!(rate > 0)) return undefined;
  return (flops * ((tiles * M_TILE) / rows)) / (rate * hw.units * hw.clockHz);
}

/** the split-K path at m rows: the GEMM writes S partial outputs in place of one; the sum reads them and writes the output */
function splitK(m: number, n: number, s: number): DequantPass {
  const partials = s * m * n * FP16;
  return { passBytes: partials + m * n * FP16, gemmExtraBytes: partials - m * n * FP16 };
}
