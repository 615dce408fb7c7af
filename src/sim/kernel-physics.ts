// Which kernels a runtime dispatches for a GEMM of a given shape, as plain numbers the roofline reads. The runtime
// spec (runtimes/*.yaml, bound to the hardware as hw.runtime) may give each; otherwise the cited defaults below hold.
import type { Dtype, NormalizedHardware } from '../spec/types.js';
import type { Op } from '../model/op.js';

export interface KernelPhysics {
  // Rows (tokens, or tokens routed to one expert) up to which the runtime multiplies with matrix-vector kernels that
  // stream the weights once and do only the useful multiply-adds (no MMA tile padding): llama.cpp MMVQ/MMVF and
  // mul_mat_vec_id for ne11 ≤ MMVQ_MAX_BATCH_SIZE = 8 (ggml/src/ggml-cuda/mmvq.cuh; Metal mul_mv(_id) likewise).
  gemvMaxRows: number;
  // Smallest M tile of an MMA-tiled grouped (MoE) GEMM: vLLM fused_moe get_default_config uses BLOCK_SIZE_M 16 when
  // M ≤ E, and its tuned tables pick 16/32/64 as the rows per expert grow (fused_moe/configs/E=128,N=384,
  // device_name=NVIDIA_H100_80GB_HBM3.json: BLOCK_SIZE_M 16 up to 128 tokens = 8 rows per expert, 32 at 16 rows,
  // 64 at 32 rows).
  moeMinTileRows: number;
  // Largest M tile counted as padding: Hopper wgmma is m64nNk16 (PTX ISA §9.7.14); CUTLASS grouped GEMMs use ≥ 64.
  mmaTileRows: number;
  // What a runtime does with fp8/fp6/fp4 GEMMs on a part without those tensor cores: 'weight-only' (vLLM Marlin W8A16 /
  // FP4 Marlin: low-precision weights dequantized in the kernel, 16-bit math), or 'none' (no support: next wider dtype).
  fp8Fallback: 'weight-only' | 'none';
  // 0, or the largest row tile of a grouped (MoE) GEMM whose kernel sizes that tile from the batch's TOKEN count rather
  // than from the rows each group gets: ggml-cuda's MMQ for MUL_MAT_ID passes ncols_max = ne12 (the tokens) to
  // mul_mat_q_case, which takes the mmq_x (8 … 128 on tensor-core parts, get_mmq_x_max_host) that covers ncols_max in
  // the fewest tiles (ggml/src/ggml-cuda/mmq.cu ggml_cuda_mul_mat_q; mmq.cuh mul_mat_q_case). Every expert then
  // multiplies whole mmq_x-wide tiles, however few of the routed rows it got: 512 tokens of Qwen3-30B-A3B (128
  // experts, top-8) give ~32 rows per expert in 128-wide tiles (25% of the MMA work useful), and the matrix-vector
  // path (gemvMaxRows) is taken by the token count too.
  groupTileFromTokens: number;
  // the most tokens for which a grouped (MoE) GEMM runs the matrix-vector kernel; -1: gemvMaxRows, as a dense GEMM.
  // ggml-cuda's ggml_cuda_mul_mat_id through 2025 takes mul_mat_vec_q only for ne2 == 1 (one token) and MMQ from two
  // tokens up (ggml @52589d70, 2025-10-29 … @73175ce1, 2025-12-28); from 2026 up to a per-type limit ≤ 8 (@a1fde6fb).
  groupGemvMaxTokens: number;
  // how the runtime picks between the matrix-vector and the tiled kernel above gemvMaxRows: 'fastest' (a serving
  // engine's tuned dispatch: a batch never runs slower than the matrix-vector kernel taking gemvMaxRows rows at a time,
  // src/sim/roofline.ts) or 'threshold' (a fixed row count whatever the speeds: ggml-cuda ggml_cuda_should_use_mmvq
  // ne11 <= MMVQ_MAX_BATCH_SIZE, ggml-metal mul_mv below a fixed ne11; the tiled kernel runs above it even where it is
  // slower, e.g. gfx1151's dequantize + rocBLAS path at 4.66 TFLOP/s against MMVQ's 5.75). Applied to prompt GEMMs;
  // decode batches keep the floor (issue 12: serving throughput does not fall as the batch grows)
  kernelChoice: 'fastest' | 'threshold';
  // 0, or the rows of the tile a dense tiled GEMM computes whole: a GEMM of fewer rows (above gemvMaxRows) costs that
  // tile's work at that tile's rate. ggml-metal's kernel_mul_mm (64 x 32 output tiles, the 32 along the tokens) ran every
  // f16 GEMM of more than one row until the small-batch kernels of late 2024 (ne11_mm_min = 1: ggml-metal.m of
  // whisper.cpp's 1.5 series), so a 2-8-token batch cost what 32 tokens do (runtimes/whisper.cpp-1.5.yaml cites it)
  denseTileRows: number;
}

export const DEFAULT_KERNEL_PHYSICS: KernelPhysics = { gemvMaxRows: 8, moeMinTileRows: 16, mmaTileRows: 64, fp8Fallback: 'weight-only', groupTileFromTokens: 0, groupGemvMaxTokens: -1, kernelChoice: 'fastest', denseTileRows: 0 };

interface RuntimeKernels {
  kernels?: { gemvMaxRows?: number; moeMinTileRows?: number; mmaTileRows?: number; fp8Fallback?: string; groupTileFromTokens?: number; groupGemvMaxTokens?: number; kernelChoice?: string; denseTileRows?: number };
}

/** the runtime's kernel choices where its spec gives them, else the defaults above */
export function kernelPhysics(hw: Pick<NormalizedHardware, 'runtime'>): KernelPhysics {
  const k = (hw.runtime as RuntimeKernels | undefined)?.kernels;
  if (!k) return DEFAULT_KERNEL_PHYSICS;
  // opCost asks several times per op: resolve each bound runtime's kernels block once
  let p = RESOLVED.get(k);
  if (!p) {
    p = {
      gemvMaxRows: k.gemvMaxRows ?? DEFAULT_KERNEL_PHYSICS.gemvMaxRows,
      moeMinTileRows: k.moeMinTileRows ?? DEFAULT_KERNEL_PHYSICS.moeMinTileRows,
      mmaTileRows: k.mmaTileRows ?? DEFAULT_KERNEL_PHYSICS.mmaTileRows,
      fp8Fallback: k.fp8Fallback === 'none' ? 'none' : 'weight-only',
      groupTileFromTokens: k.groupTileFromTokens ?? 0,
      groupGemvMaxTokens: k.groupGemvMaxTokens ?? -1,
      kernelChoice: k.kernelChoice === 'threshold' ? 'threshold' : 'fastest',
      denseTileRows: k.denseTileRows ?? 0,
    };
    RESOLVED.set(k, p);
  }
  return p;
}
const RESOLVED = new WeakMap<object, KernelPhysics>();

/**
 * Rows an MMA-tiled grouped GEMM computes for `m` mean rows per group. The M tile follows the rows as vLLM's tuned
 * fused_moe tables pick it (E=128, N=384 on H100: 8 rows per expert → BLOCK_SIZE_M 16, 16 → 32, 32 → 64, 64 → 64):
 * tile = 2m between moeMinTileRows and mmaTileRows, which passes through every one of those points. Routed rows
 * scatter around the mean from expert to expert, so a group's last tile is on average half full: padded = max(tile,
 * m + tile/2). Continuous and never less work per row as m grows (a step function here made a batch one request
 * larger up to 27% slower per token where the mean crossed a tile edge).
 */
export function paddedGroupRows(m: number, k: KernelPhysics): number {
  const tile = Math.min(k.mmaTileRows, Math.max(k.moeMinTileRows, 2 * m));
  return Math.max(tile, m + tile / 2);
}

/**
 * The least time a small-M tiled GEMM takes to stream its weights when the runtime's kernel gives each CTA one
 * tile_n-wide strip of W over the whole of K and does not split K (vLLM/SGLang Triton fused_moe, Triton
 * w8a8_block_fp8_matmul and CUTLASS blockwise at decode sizes: grid = groups × ⌈N/BLOCK_SIZE_N⌉ × ⌈M/BLOCK_SIZE_M⌉).
 * One CTA streams its strip through a few pipeline stages, so its rate is bounded by the bytes it keeps in flight,
 * not by the DRAM: `rate` per SM, measured (runtimes/*.yaml kernels.tiled_gemm). An SM streams at least one strip
 * (K·tile_n weight bytes) and at least its 1/units share of all the weights; each weight byte is read once, so the
 * bound does not grow with M (larger M tiles only add MMA work, which the compute side prices). Undefined where the
 * runtime gives no rate, the op is not one of the GEMMs it names, or the part's SM count is unknown.
 */
export function tiledStreamS(op: Op, hw: Pick<NormalizedHardware, 'runtime' | 'units' | 'matrixFlopPerS'>): number | undefined {
  const t = hw.runtime?.kernels?.tiledGemm;
  if (!t || op.kind !== 'gemm' || !(op.weightBytes > 0) || !op.n || !op.k) return undefined;
  // Block-scaled FP4 experts on a part with FP4 matrix units never run the Triton strip kernel: SGLang's
  // ModelOptNvFp4FusedMoEMethod (python/sglang/srt/layers/quantization/modelopt_quant.py) requires Blackwell and runs
  // FlashInfer's TRT-LLM or CUTLASS fused MoE, CuteDSL, or sgl-kernel's CUTLASS block-scaled FP4 grouped GEMM
  // (CutlassMoEType.BlockscaledFP4); vLLM's NVFP4 MoE runs CUTLASS / FlashInfer likewise. Their weights stream at
  // the part's block-scaled rate (efficiency.gemm_memory_by_dtype), not one strip per CTA.
  if (op.dtype === 'fp4' && op.groups && hw.matrixFlopPerS.fp4) return undefined;
  if (!((op.groups && t.moe) || (op.fp8Block && t.fp8Block))) return undefined;
  // block-FP8 experts through a fused MoE that is no strip kernel (kernels.tiled_gemm.block_fp8_moe: false): FlashInfer's
  // TRT-LLM block-scale MoE, SGLang 0.5.x's default on SM100 (runtimes/sglang.yaml by_hardware b200)
  if (op.groups && op.fp8Block && t.blockFp8Moe === false) return undefined;
  const units = hw.units;
  if (!units || !(units > 0)) return undefined;
  const groups = op.groups && op.groups > 1 ? op.groups : 1;
  const weightOnly = t.weightOnlyMoe;
  // block-FP8 experts where the runtime runs them through a kernel of their own (kernels.tiled_gemm.block_fp8_moe), the
  // block-FP8 linear layers likewise (kernels.tiled_gemm.block_fp8_linear: SGLang 0.5.x's DeepGEMM on SM100), and
  // narrow-float experts on a part without their tensor cores run weight-only through the runtime's default weight-only
  // MoE kernel (kernels.tiled_gemm.weight_only_moe: vLLM's triton_kernels matmul_ogs on Hopper and CDNA 3), not Marlin
  const k = op.groups && op.fp8Block && t.blockFp8Moe ? t.blockFp8Moe
    : !op.groups && op.fp8Block && t.blockFp8Linear ? t.blockFp8Linear
    : op.groups && weightOnly && NARROW_FLOAT.has(op.dtype) && !hw.matrixFlopPerS[op.dtype] && !runsMarlinMoe(op, hw) ? weightOnly
    // int4 (AWQ / GPTQ) experts where the runtime names its int4 MoE kernel (kernels.tiled_gemm.int4_moe: vLLM's fused
    // Marlin MoE on Hopper, runtimes/vllm.yaml by_architecture hopper)
    : op.groups && t.int4Moe && op.int4 ? t.int4Moe : t;
  const xcds = k === weightOnly ? weightOnly?.xcds : undefined;
  const width = xcds ? gridStripWidth(groups, op.n, xcds, units, k.tileN) : k.tileN;
  const strip = (op.weightBytes / (groups * op.n)) * Math.min(width, op.n); // K·tile_n weight bytes
  return Math.max(strip, op.weightBytes / units) / k.rateBytePerS;
}

/**
 * The strip width (block_n) OpenAI's triton_kernels matmul_ogs picks on CDNA for a grouped GEMM of `n` columns over
 * `groups` row blocks: next_pow2(grid_m · n · num_xcds // n_cu) between 32 and its largest (256), n itself where n is a
 * power of two up to 128 (triton-lang/triton @160357b9 python/triton_kernels/triton_kernels/matmul_ogs_details/
 * opt_flags_details/opt_flags_amd.py compute_block_nk). grid_m is taken as one row block per touched expert (decode
 * sizes: a block_m of 16-32 rows holds each expert's rows); gpt-oss-20b's gate_up at one token on an MI300X (4 experts,
 * n 6144, 8 XCDs, 304 CUs) gets 256, the 32x256x128 kernel ROCm/triton issue #970 times; at TP 8 (n 720) 128.
 */
export function gridStripWidth(groups: number, n: number, xcds: number, units: number, largest: number): number {
  if (n <= 128 && Number.isInteger(Math.log2(n))) return n;
  const want = Math.floor((Math.max(1, Math.round(groups)) * n * xcds) / units);
  const pow2 = want <= 1 ? 1 : 2 ** Math.ceil(Math.log2(want));
  return Math.max(32, Math.min(largest, pow2));
}

/**
 * The row tile a kernel that sizes it from the token count picks (KernelPhysics.groupTileFromTokens > 0): as ggml's
 * mul_mat_q_case, the multiple of 8 (of 16 from 48 up, the tensor-core granularity) that covers `tokens` in the fewest
 * tiles, at most the largest tile: min(max, tokens rounded up). 0 when the runtime sizes tiles from the rows per group.
 * Above the largest tile ggml takes the SMALLEST tile of those fewest tiles (200 tokens: two of 112, not of 128); the
 * largest is kept here, an upper bound on the padding, so that a step's time never falls as its tokens grow (the
 * invariant the property tests hold). llama.cpp's prompt ubatch (512) is a multiple of 128, where the two agree.
 */
export function tokenTileRows(tokens: number, k: KernelPhysics): number {
  const max = k.groupTileFromTokens;
  if (!(max > 0) || !(tokens > 0)) return 0;
  const g = tokens > 40 ? 16 : 8;
  return Math.min(max, Math.ceil(tokens / g) * g);
}

/**
 * The token tile of a serving step (a decode step, or one carrying prompts beside decodes) under such a kernel. A step's
 * tokens in the serving cycle are a mean (B/pp requests per microbatch, the prompts spread over the cycle's steps), and
 * the steps around it carry whole token counts above and below it, each at its own tile (tokenTileRows): their mean
 * tile is half a granule above the mean tokens, min(max, tokens + 8) with ggml's 16-row granule from 48-wide tiles up
 * (below 48 tokens the granule is 8, and this is an upper bound). Continuous, never less per step and never more per
 * token as the tokens grow: the exact step function made a batch of 193 requests serve fewer tokens per second than 192
 * (mixtral-8x7b int4 on rtx-a6000, pp 2, llama.cpp-vulkan: 375.4 against 377.3 tok/s, the 96.5-token microbatch's tile
 * rounded up to 112 from 96; the property test's seed 32). A prompt's ubatch has an exact token count: tokenTileRows.
 */
export function servingTokenTileRows(tokens: number, k: KernelPhysics): number {
  const max = k.groupTileFromTokens;
  if (!(max > 0) || !(tokens > 0)) return 0;
  return Math.min(max, tokens + 8);
}

/**
 * Rows a grouped GEMM computes per group for `m` mean rows per group out of `tokens` routed tokens: with a tile from
 * the token count (`serving`: a serving step's mean tile, servingTokenTileRows), each group's rows round up to whole
 * tiles of that size, the last one on average half full (max(tile, m + tile/2), as paddedGroupRows); otherwise
 * paddedGroupRows.
 */
export function paddedGroupRowsFor(m: number, tokens: number | undefined, k: KernelPhysics, serving = false): number {
  const tile = tokens === undefined ? 0 : serving ? servingTokenTileRows(tokens, k) : tokenTileRows(tokens, k);
  if (tile > 0) return Math.max(tile, m + tile / 2);
  return paddedGroupRows(m, k);
}

const NARROW_FLOAT: ReadonlySet<Dtype> = new Set<Dtype>(['fp8', 'fp6', 'fp4']);

/** whether a GEMM requested in `requested` and run in `ran` runs weight-only (narrow-float weights, wider math) */
export function weightOnlyFallback(requested: Dtype, ran: Dtype): boolean {
  return NARROW_FLOAT.has(requested) && requested !== ran && !NARROW_FLOAT.has(ran);
}

/**
 * Whether a weight-only grouped GEMM runs vLLM's fused Marlin MoE rather than the runtime's default weight-only MoE
 * kernel: the run chose it (--set runtime.weight_only_moe=marlin), or the experts are not MXFP4 (the default kernel,
 * triton_kernels matmul_ogs, is MXFP4's; NVFP4 and generic fp4 experts take Marlin on Hopper, vllm issue #49070), and
 * the runtime prices Marlin apart (kernels.marlin_moe_efficiency). A runtime without a Marlin figure runs every
 * weight-only MoE through its one kernel.
 */
export function runsMarlinMoe(op: Pick<Op, 'mxfp4'>, hw: Pick<NormalizedHardware, 'runtime'>): boolean {
  const k = hw.runtime?.kernels;
  return k?.marlinMoeEfficiency !== undefined && (k.weightOnlyMoeKernel === 'marlin' || !op.mxfp4);
}

/**
 * The warning a fallback GEMM dtype gives: weight-only for narrow floats, else the next supported dtype. `hw` names the
 * bound runtime where one says it has no such path (kernels.fp8Fallback 'none', e.g. TensorRT-LLM on Ampere).
 */
export function fallbackWarning(hwId: string, requested: Dtype, ran: Dtype, hw?: Pick<NormalizedHardware, 'runtime'>): string {
  if (weightOnlyFallback(requested, ran)) {
    const base = `${hwId} has no native ${requested} tensor cores: ${requested} GEMMs run weight-only at the ${ran} rate (${requested} weights dequantized to ${ran} math, as vLLM's Marlin W8A16 / FP4 Marlin kernels do)`;
    if (hw && kernelPhysics(hw).fp8Fallback === 'none') {
      const name = (hw.runtime as { name?: string; id?: string } | undefined)?.id ?? (hw.runtime as { name?: string } | undefined)?.name ?? 'this runtime';
      return `${base}; ${name} has no ${requested} path on this part (TensorRT-LLM has no fp8 before Ada/Hopper): the estimate is what a weight-only runtime reaches`;
    }
    return base;
  }
  return `${hwId} has no native ${requested} GEMMs: they run at ${ran}`;
}

// FlashAttention forward tiles: 128 query rows × 64 key columns (FlashAttention-2 flash_fwd_launch_template.h:
// Flash_fwd_kernel_traits<96 or 128, 128, 64, …> on sm80/sm90; hdim 64 uses 128 × 128 and FlashAttention-3 on Hopper
// 128 × 128-176, so 64 is the smallest key tile and the least padding), and kernels compiled for head dims 32, 64,
// 96, 128, 160, 192, 224, 256 (a 72- or 80-wide head runs the 96 kernel). Short sequences — a video DiT's temporal
// attention over a dozen latent frames, a ViT's 197 tokens — pay the padded tile's multiply-adds.
export const ATTENTION_TILE_Q = 128;
export const ATTENTION_TILE_KV = 64;
const ATTENTION_HEAD_DIMS = [32, 64, 96, 128, 160, 192, 224, 256];

/** useful / executed multiply-adds of a fused attention kernel over q queries and kv keys of width headDim */
export function attentionTileShare(q: number, kv: number, headDim: number): number {
  const pad = (x: number, t: number) => Math.ceil(x / t) * t;
  const hd = ATTENTION_HEAD_DIMS.find((d) => d >= headDim) ?? pad(headDim, 32);
  return (q * kv * headDim) / (pad(q, ATTENTION_TILE_Q) * pad(kv, ATTENTION_TILE_KV) * hd);
}
