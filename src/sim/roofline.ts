// Roofline cost of one op: time = max(flops / (peak · ε_compute), bytes / (bw · ε_mem)) + overhead.
// Williams, Waterman & Patterson, "Roofline: an insightful visual performance model", CACM 52(4), 2009;
// the per-op max() with achievable (not datasheet) ceilings follows LLM-Viewer (roofline_model.py) and
// LLMCompass (matmul roofline_model), with efficiency by op size as in Calculon's processor tables.
import type { Op } from '../model/op.js';
import type { Dtype, NormalizedHardware, RuntimeSettings } from '../spec/types.js';

type RuntimeKernels = RuntimeSettings['kernels'];
import { ggufGemmPeak, ggufGroupGemmPeak, lookupEfficiency } from '../hardware/efficiency.js';
import { dequantPass, ggufDequantized, int8WeightDequant } from './dequant-pass.js';
import { w4a16BelowSwitch, w4a16Pass, w4a16SplitKRowsS, w4a16SplitKS, w4a16Stream } from './w4a16-gemm.js';
import { blockFp8PairS, decodesInPhase, graphGapS, launchFloorForOpS, type LaunchPhase } from '../runtime/launch.js';
import { attentionTileShare, kernelPhysics, paddedGroupRowsFor, runsMarlinMoe, tiledStreamS, weightOnlyFallback } from './kernel-physics.js';
import { matrixDepthShare } from './matrix-depth.js';
import { l2ResidentSeconds } from './l2-resident.js';
import { accumulatePeak, gemmEfficiency, gemvRate, opPeak, sustainedMatrix, vectorPeak } from './peaks.js';
import { runtimeGemmCap } from './kernel-caps.js';
import { ggufShapeFraction } from './gguf-shape.js';
import { gemvFloorRows, rowPasses } from './gemm-floors.js';
import { perExpertLaunchesS } from './moe-expert-launches.js';

// the ceilings and caps live beside: src/sim/peaks.ts (peaks, efficiency tables, sustained clock, matrix-vector rate),
// src/sim/kernel-caps.ts (a runtime's measured kernel caps), src/sim/gemm-floors.ts (matrix-vector floors)
export { gemmEfficiency, gemmMathDtype, largeGemmEfficiency, matrixPeak, sustainedMatrix, vectorPeak } from './peaks.js';
export { fp4MoeCap } from './kernel-caps.js';

export type Bound = 'compute' | 'memory' | 'overhead' | 'network';

export interface OpCost {
  seconds: number;
  computeS: number;
  memoryS: number;
  bound: Bound;
  dtype: Dtype; // the dtype the hardware actually ran it in
  overheadS?: number; // per-kernel overhead added to the body
  floorS?: number; // the launch time the op lasts at least (seconds = max(deviceS, floorS))
  deviceS?: number; // the kernels' own time on the device, without the host's dispatch floor (max(body + overheadS, op.minS))
  // where a matrix-vector floor kernel competed with the tiled one (src/sim/gemm-floors.ts): the one priced, else
  // undefined (a compiler that prefetches weights may take the other: src/sim/kernel-assignment.ts)
  kernel?: GemmKernel;
}

/** a dense GEMM's kernel where a matrix-vector floor competes: the tiled library kernel, or the floor's row passes */
export type GemmKernel = 'tiled' | 'floor';

// Time of a grouped (MoE expert) GEMM from its compute time c and memory time m: sqrt(c² + m²) instead of the
// ideal-overlap max(c, m). MoE expert GEMMs in serving sit near the ridge point (rows per expert = tokens·k/E, so a
// batch that makes the dense GEMMs compute-bound leaves each expert at the knee), where measured kernels are well
// above max(c, m): the whole vLLM fused_moe for Mixtral 8x7B (E=8, top-2, I/tp = 7168, d = 4096) bf16 on an H100,
// 512 / 1024 / 1536 tokens: 662 / 834 / 1123 µs (vllm-project/vllm PR #24700, benchmark_moe.py), 1.26 / 1.49 / 1.39×
// the max() roofline with this library's H100 efficiencies; DeepGEMM masked grouped FP8 GEMMs on an H800 (DeepGEMM
// README, Feb 2025: 4 groups × 256 rows, n 4096, k 7168 at 932 TFLOP/s; 2 × 512 at 1040; 4 × 256, n 7168, k 2048 at
// 815) are 1.16-1.44× it. Over 22 kernel timings (those 6 vLLM batch sizes 64-1536, DeepGEMM's 10 grouped and 6
// dense FP8 shapes) the combination (c^p + m^p)^(1/p) gives measured/model geomean 0.95 / 0.99 / 1.03 / 1.07 / 1.18 at p = 1.5 / 1.75 / 2 /
// 2.5 / ∞; p = 2 is taken (spread 0.85-1.17, vs 0.96-1.49 with max()). Far from the knee it tends to max(c, m)
// (c = m/4 adds 3%). Dense GEMMs at the knee show the same in those tables (DeepGEMM 64 and 128 × 4096 × 7168:
// 1.28 / 1.34× max(); the 6 dense shapes are in the fit above), so a model's dense layer GEMMs whose rows are the
// tokens of a serving batch (op.batchRows: each weight byte streamed once while the MMA pipe runs, the regime those
// kernels were timed in) are costed the same way: the mid-size serving batches (M ≈ 100-500 rows, prefill chunks
// mixed with decodes) sit at the knee. A bare GEMM (`op gemm`: the brute-force best shapes the efficiency tables were
// built from, whose table value already holds what they reach) keeps max(c, m).
export function groupedGemmBody(computeS: number, memoryS: number): number {
  return Math.hypot(computeS, memoryS);
}

/**
 * whether a GEMM is costed at the knee (c² + m²)^½ rather than max(c, m): grouped (MoE) GEMMs, and serving-batch
 * GEMMs whose smaller side is at least 1% of the larger (below that the knee adds under 0.005%: such a GEMM is priced
 * max(c, m) exactly, so that a launch- or memory-bound step does not move by rounding)
 */
export function kneeGemm(op: Op, gemv: boolean, computeS = 1, memoryS = 1): boolean {
  if (op.kind !== 'gemm' || gemv) return false;
  if (op.groups) return true;
  return !!op.batchRows && Math.min(computeS, memoryS) >= 0.01 * Math.max(computeS, memoryS);
}

// Achievable fraction of peak DRAM bandwidth for an op's bytes. Decode attention over a 16-bit KV cache streams
// at STREAM speed (efficiency.memory); over an 8-bit or narrower cache it reaches less (× attentionKv8:
// the kernels convert K/V back to 16-bit or run a narrower MMA path, see src/hardware/efficiency.ts).
// A GEMM in a dtype whose kernels stream their operands slower than STREAM (efficiency.gemm_memory_by_dtype: block-scaled
// NVFP4 on Blackwell, where unpacking e2m1 values and applying one fp8 scale per 16 costs issue slots a 16- or 8-bit
// GEMM does not spend) reads its bytes at that fraction instead, never above STREAM: it matters below the ridge point
// (skinny serving batches), where a GEMM is as fast as its weights arrive.
export function memoryEfficiency(op: Op & { kvElemBytes?: number; kvHeadSeqs?: number }, hw: NormalizedHardware, dk = decodeKernel(op, hw)): number {
  // the runtime's own decode-attention kernel, measured (kernels.decode_attention): its KV read rate replaces both
  if (dk) return dk.bandwidth;
  // the decode attention over MLA's shared latent (no per-head K/V) under a runtime that measured its MLA decode kernel's
  // stream of the cache (kernels.mla_decode_memory / _kv8: vLLM on Hopper and Blackwell, runtimes/vllm.yaml)
  if (op.kind === 'attention' && op.kvElemBytes !== undefined && op.kvHeadSeqs === undefined) {
    const k = hw.runtime?.kernels;
    const m = op.kvElemBytes < 2 ? k?.mlaDecodeMemoryKv8 : k?.mlaDecodeMemory;
    if (m !== undefined) return m;
  }
  if (op.kind === 'attention' && op.kvElemBytes !== undefined && op.kvElemBytes < 2) return hw.efficiency.memory * hw.efficiency.attentionKv8;
  if (op.kind === 'gemm') {
    const g = hw.efficiency.gemmMemoryByDtype?.[op.dtype];
    if (g !== undefined) return Math.min(g, hw.efficiency.memory);
  }
  // an eager elementwise op whose kernels the runtime measured slower than a vectorized contiguous one (src/sim/runtime-ops.ts)
  return op.memoryScale !== undefined ? hw.efficiency.memory * op.memoryScale : hw.efficiency.memory;
}

// A decode-attention call over per-head K/V under a runtime that states its kernel's measured cost by KV-cache width
// (kernels.decode_attention: TensorRT-LLM's XQA / generation kernels, runtimes/tensorrt-llm.yaml): that width's entry.
// A runtime whose decode kernel runs one block per query head (kernels.decode_attention_flop_per_unit_clock) does not run
// the kernel such a table measured (XQA), so the table it inherits does not apply.
export function decodeKernel(op: Op & { kvElemBytes?: number; kvHeadSeqs?: number }, hw: NormalizedHardware) {
  if (op.kind !== 'attention' || op.kvElemBytes === undefined || op.kvHeadSeqs === undefined) return undefined;
  return decodeAttentionTable(hw.runtime?.kernels, op.kvElemBytes);
}

/** the runtime's measured decode-attention call for this KV-cache element width, where its kernel is the measured one */
export function decodeAttentionTable(k: RuntimeKernels | undefined, kvElemBytes: number) {
  if (k === undefined || k.decodeAttentionFlopPerUnitClock !== undefined) return undefined;
  return k.decodeAttention?.[kvElemBytes < 2 ? 'kv8' : 'kv16'];
}

/** the runtime's measured context-attention table for this attention dtype (kernels.prefill_attention), else undefined */
export function prefillAttentionTable(k: RuntimeKernels | undefined, dtype: Dtype) {
  const t = k?.prefillAttention;
  return t === undefined ? undefined : dtype === 'fp8' ? t.fp8 : dtype === 'bf16' || dtype === 'fp16' ? t.bf16 : undefined;
}

// A prefill-attention op over per-head K/V under a runtime that measured its context-attention kernel by prompt length
// (kernels.prefill_attention, one table per attention dtype): the fraction of that dtype's peak at this prompt length.
function prefillKernelEfficiency(op: Op & { queriesPerKv?: number; prefill?: { len: number } }, hw: NormalizedHardware, dtype: Dtype): number | undefined {
  if (op.kind !== 'attention' || !op.prefill || op.queriesPerKv === undefined) return undefined;
  const table = prefillAttentionTable(hw.runtime?.kernels, dtype);
  return table === undefined ? undefined : lookupEfficiency(table, op.prefill.len);
}

// A GEMM with at most gemvMaxRows rows (per group) runs as a matrix-vector kernel (llama.cpp MMVQ / mul_mat_vec_id,
// TensorRT-LLM's CUDA-core small-M GEMMs): it streams each weight once and does only the useful multiply-adds while
// the next weights arrive, so its arithmetic is priced at the large-GEMM rate and no tile padding, size fall-off
// or grouped-GEMM knee applies (those are properties of MMA tile grids). Below the ridge point
// (flops/bytes < peak·ε_large / (bw·ε_mem)) it is therefore memory-bound: bytes at the achieved bandwidth plus
// the launch cost, never slower. This is what makes batch-1 MoE decode stream the touched experts' weights.
export function isGemvShape(op: Op, hw: NormalizedHardware): boolean {
  if (op.kind !== 'gemm' || op.m === undefined || !(op.m > 0)) return false;
  const kp = kernelPhysics(hw);
  // a runtime that picks its grouped kernel by the batch's token count (ggml MUL_MAT_ID) takes the matrix-vector path
  // only while the tokens, not the rows per expert, fit in it
  if (op.groups && op.batchTokens !== undefined && kp.groupGemvMaxTokens >= 0) return op.batchTokens <= kp.groupGemvMaxTokens;
  const rows = op.groups && op.batchTokens !== undefined && kp.groupTileFromTokens > 0 ? Math.max(op.m, op.batchTokens) : op.m;
  return rows <= kp.gemvMaxRows;
}

// A dense tiled GEMM of fewer rows than the runtime's whole tile (kernels.dense_tile_rows: ggml-metal's 32-token
// kernel_mul_mm tile before its small-batch kernels) computes the whole tile: it costs the tile's work at the tile's
// size, what a GEMM of that many rows costs (the share of useful rows, m / tile; 1 at and above the tile, so the cost
// is continuous there and never falls as rows are added).
function denseTilePad(op: Op, hw: NormalizedHardware): number {
  if (op.kind !== 'gemm' || op.groups || op.m === undefined || !(op.m > 0)) return 1;
  const t = kernelPhysics(hw).denseTileRows;
  return t > 0 && op.m < t ? op.m / t : 1;
}

// `out`: an object to fill and return instead of a new one (a sweep costs ~10 ops a row: their results were a sixth of
// what a row allocated, issue 15); the caller owns it and reads it before the next call that fills it.
// `kernel`: where a matrix-vector floor competes, price that kernel whichever is cheaper (src/sim/kernel-assignment.ts)
export function opCost(op: Op & { kvElemBytes?: number; kvHeadSeqs?: number; queriesPerKv?: number; prefill?: { len: number }; sinks?: boolean }, hw: NormalizedHardware, phase: LaunchPhase = 'other', out?: OpCost, kernel?: GemmKernel): OpCost {
  let computeS: number;
  let dtype = op.dtype;
  const gemv = isGemvShape(op, hw);
  if (gemv) {
    const peak = opPeak(op, hw);
    dtype = peak.dtype;
    computeS = op.flops / gemvRate(hw, peak.flopPerS, dtype);
  } else if (op.kind === 'gemm' || op.kind === 'conv' || op.kind === 'attention') {
    const own = opPeak(op, hw);
    const peak = accumulatePeak(op, hw, own);
    dtype = peak.dtype;
    // A grouped GEMM (MoE experts) schedules the tiles of all its groups together, so it fills the chip like one
    // GEMM of the total size; each group's rows are padded to the M tile the kernel picks for them (the smallest
    // power of two from 16 to 64 that holds them, src/sim/kernel-physics.ts), which wastes (padded − m) rows.
    // The size that sets the efficiency is the work the tiles execute (padded rows included): looked up at the useful
    // FLOPs, more rows in the same tiles would read a higher efficiency and finish sooner.
    // (a serving step's tokens, a decode step's or a mixed step's, are the serving cycle's mean: its tile is the mean of
    // the tiles around it)
    const pad = op.groups && op.m ? op.m / paddedGroupRowsFor(op.m, op.batchTokens, kernelPhysics(hw), decodesInPhase(phase)) : denseTilePad(op, hw);
    // a runtime's measured context-attention kernel (kernels.prefill_attention) replaces the part's one fused-attention
    // fraction; it was measured under load, so no sustained-clock share on top
    const prefillEff = prefillKernelEfficiency(op, hw, dtype);
    let eff = prefillEff ?? (op.kind === 'attention' ? (hw.efficiency.attentionByDtype?.[dtype] ?? hw.efficiency.attention) : gemmEfficiency(hw, own.vector ? undefined : dtype, op.flops / pad));
    if (op.kind === 'conv' && op.efficiencyScale !== undefined) eff *= op.efficiencyScale; // a library conv below the GEMM rate (src/model/op.ts)
    eff = runtimeGemmCap(op, hw, dtype, peak.flopPerS, eff);
    // a fused attention kernel computes whole tiles (decode-sized query counts run split-KV / GEMV-like kernels instead)
    if (op.attn && op.attn.q > kernelPhysics(hw).gemvMaxRows) eff *= attentionTileShare(op.attn.q, op.attn.kv, op.attn.headDim);
    // a matrix unit with a floor on the reduction steps per output tile (Gaudi's MME roll-up) loses rate where K is
    // shorter: attention's QKᵀ over the head width above all (src/sim/matrix-depth.ts); a runtime's measured prompt
    // attention kernel already holds it
    if (prefillEff === undefined) eff *= matrixDepthShare(op, hw);
    eff *= pad;
    computeS = op.flops / (peak.flopPerS * eff * (prefillEff !== undefined ? 1 : sustainedMatrix(hw, op.kind === 'attention' ? undefined : dtype)));
    // the prompt attention of a model with attention sinks, under a runtime that runs such models on a slower kernel than
    // its fused-attention default, reaches at most that kernel's rate (kernels.sink_attention_rate: vLLM's Triton unified
    // attention off Hopper, runtimes/vllm.yaml cites the bound)
    const sinkRate = op.sinks && op.prefill ? hw.runtime?.kernels?.sinkAttentionFlopPerS : undefined;
    if (sinkRate !== undefined && sinkRate > 0) computeS = Math.max(computeS, op.flops / sinkRate);
    // ... and under a runtime whose prompt attention is not a fused kernel on the matrix units, every model's: ggml-cpu
    // multiplies the scores and the values as plain F16 tinyBLAS GEMMs (kernels.prompt_attention_rate,
    // runtimes/llama.cpp.yaml by_hardware xeon-6980p cites the kernel)
    const promptRate = op.kind === 'attention' && op.prefill ? hw.runtime?.kernels?.promptAttentionFlopPerS : undefined;
    if (promptRate !== undefined && promptRate > 0) computeS = Math.max(computeS, op.flops / promptRate);
    // ... and under a runtime whose decode attention runs one thread block per query head (kernels.
    // decode_attention_flop_per_unit_clock: TensorRT-LLM's masked MHA before XQA, runtimes/tensorrt-llm-0.6.yaml), a decode
    // step's attention over per-head K/V works through each cached K/V element once per query head of its group on the
    // CUDA cores: its FLOPs (one multiply-add per element and query head) at that kernel's measured rate per SM per clock
    const perHeadRate = op.kind === 'attention' && op.kvHeadSeqs !== undefined ? hw.runtime?.kernels?.decodeAttentionFlopPerUnitClock : undefined;
    if (perHeadRate !== undefined && hw.units && hw.clockHz) computeS = Math.max(computeS, op.flops / (perHeadRate * hw.units * hw.clockHz));
    // the runtime decides whether GGUF weights run llama.cpp's MMQ kernels or are dequantized to 16-bit GEMMs
    const mmq = op.gguf && op.kind === 'gemm' && !ggufDequantized(op, hw) ? ggufGemmPeak(hw) : undefined;
    if (mmq) {
      // llama.cpp's MMQ kernels (src/hardware/efficiency.ts): their rate as measured at microbatch 512, falling
      // below it for smaller GEMMs as the GEMM table does (never above it). The rate is per SM per clock at the clock
      // the measuring card held (an RTX 4090, at its rated boost under tensor load: rtx-4090.yaml gemm 1.0); a part whose
      // power cap pulls the clock under back-to-back matrix work runs it at efficiency.sustained_matrix of that, as its
      // tensor GEMMs do (tesla-t4.yaml; B200-class boards under their 1000 W limit). On l4.yaml and rtx-6000-ada.yaml the
      // cause is an ASSUMPTION (LOW): their sweeps' drop coincides with L2 overflow, which would be a size effect of the
      // GEMM table and not reach MMQ; an SM-clock log during the sweep settles it (those files)
      // ... or along the runtime's own MMQ shape table for the part (kernels.gguf_shape, src/sim/gguf-shape.ts)
      const shape = ggufShapeFraction(hw.runtime?.kernels?.ggufShape, op.flops / pad, eff, (s) => gemmEfficiency(hw, dtype, s));
      computeS = op.flops / (mmq * shape * sustainedMatrix(hw, dtype));
      // a grouped (MoE) GGUF GEMM runs the runtime's MUL_MAT_ID kernel, which may have a lower ceiling of its own
      // (kernels.gguf_group_flop_per_unit_clock: ggml-cpu's vec_dot loop, runtimes/llama.cpp.yaml by_hardware xeon-6980p)
      const group = op.groups ? ggufGroupGemmPeak(hw) : undefined;
      if (group) computeS = Math.max(computeS, op.flops / group);
      // (the op keeps its own dtype: the rate is the runtime's GGUF kernel's, not a fallback to the part's int8 peak,
      // so it gives no "no native fp16 GEMMs" warning)
    }
  } else {
    computeS = op.flops / (vectorPeak(hw) * hw.efficiency.vector);
  }
  // an int4 weight-only GEMM on the runtime's split-K kernel (AutoAWQ's gemm_forward_cuda, which runs at every row count
  // of a GEMM-version checkpoint, one row included) works through its rows in 16-row tiles at that kernel's measured
  // rate per SM per clock (kernels.w4a16_split_k_flop_per_unit_clock, src/sim/w4a16-gemm.ts w4a16SplitKS)
  const splitKS = op.kind === 'gemm' ? w4a16SplitKS(op, hw) : undefined;
  if (splitKS !== undefined && splitKS > computeS) computeS = splitKS;
  // the runtime's measured decode-attention kernel for this op, if any (its read rate here, its fixed costs below)
  const dk = decodeKernel(op, hw);
  const bw = hw.memory.bandwidthBytePerS * memoryEfficiency(op, hw, dk);
  // an activation-only op moves what of its tensors fits in L2 at the L2's measured rate where faster (src/sim/l2-resident.ts)
  let memoryS = l2ResidentSeconds(op, hw, bw) ?? op.bytes / bw;
  // an int4 weight-only GEMM of a runtime that timed its kernel by rows (kernels.w4a16_stream, src/sim/w4a16-gemm.ts):
  // the weights stream at that kernel's measured share of peak bandwidth, the activations and output at STREAM
  const w4 = op.kind === 'gemm' ? w4a16Stream(op, hw) : undefined;
  if (w4) memoryS = op.weightBytes / (hw.memory.bandwidthBytePerS * w4.bandwidth) + (op.bytes - op.weightBytes) / bw;
  // GGUF weights the runtime dequantizes to a 16-bit copy before a BLAS GEMM (kernels.dequantize_weights): a kernel of
  // its own, serial with the GEMM, that streams the block-quantized weights and writes 2 bytes per weight; the GEMM
  // then reads the copy instead of the quantized bytes (src/sim/dequant-pass.ts)
  // ... and int4 weight-only GEMMs of a runtime with AutoAWQ-style kernels: the split-K partial sums, or the dequantize
  // pass before a 16-bit BLAS GEMM from its token threshold up (src/sim/w4a16-gemm.ts); weight-only int8 under
  // DeepSpeed-Inference: the dequantize pass at every row count, matrix-vector rows included (int8WeightDequant)
  const int8Dq = !op.gguf && int8WeightDequant(op, hw);
  const dq = op.gguf ? (gemv ? undefined : dequantPass(op, hw)) : int8Dq ? dequantPass(op, hw) : w4a16Pass(op, hw);
  let passS = 0;
  if (dq) {
    memoryS += dq.gemmExtraBytes / bw;
    passS = dq.passBytes / bw;
  }
  // a dense GEMM of a decoder pass (matrix-vector rows, and every GEMM of a serving batch's rows: decode step or prompt)
  // of a library with a fixed cost per call (kernels.gemm_fixed: hipBLASLt's split-K set-up and reduction at M = 1,
  // where it was measured) lasts that beyond its body, in place of the hardware's per-kernel gap. The library picks its
  // kernel by the GEMM's shape, not by the phase that calls it, and a set-up cost per call does not vanish with more
  // rows (hipBLASLt at 32-256 rows on MI355X takes 12.5-18 µs for 5-34 MB, runtimes/vllm.yaml cites it): charged to
  // matrix-vector rows only, a decode step cost less at 12 rows than at 8, and charged to decode steps only, a prompt
  // GEMM cost less at 27 rows than at 3 (ttft falling as the prompt grows: the monotonicity invariant,
  // test/invariants.property.test.ts).
  // A runtime whose own skinny kernel takes the fewest rows instead of the library (kernels.skinny_gemm_rows: vLLM on
  // ROCm runs wvSplitKQ for fp8 at one row and wvSplitK for 16-bit at up to 4, hipBLASLt above) pays it above them only.
  // A block-FP8 GEMM of a runtime that names its own GEMM kernels (kernels.tiled_gemm) is never the library's: its
  // Triton strip kernel, or a kernel priced at the library rate without the library's set-up (AITER's CK blockscale
  // GEMM, runtimes/vllm-rocm-aiter.yaml: ~2.7 us above its bytes on gfx942, not hipBLASLt's 13.9).
  const skinny = gemv || !!op.batchRows;
  const libraryGemm = skinny && op.kind === 'gemm' && !op.groups && !(op.fp8Block && hw.runtime?.kernels?.tiledGemm);
  const ownRows = libraryGemm ? hw.runtime?.kernels?.skinnyGemmRows?.[dtype] : undefined;
  let fixed = libraryGemm && !(ownRows !== undefined && op.m !== undefined && op.m <= ownRows) ? hw.runtime?.kernels?.gemmFixedS ?? 0 : 0;
  // a block-scaled FP8 GEMM of a runtime with its own block-FP8 path (vLLM, SGLang: the runtimes that name their tiled
  // GEMM kernels) is two kernels: the activations' per-token-group FP8 quantization, then the GEMM (vllm fp8_utils.py
  // apply_w8a8_block_fp8_linear: per_token_group_quant_fp8 + w8a8_block_fp8_matmul, or + DeepGEMM, which takes the same
  // quantized input; fused_moe quantizes each grouped GEMM's input the same way, moe_kernel_quantize_input)
  const quantKernel = op.fp8Block && hw.runtime?.kernels?.tiledGemm ? 1 : 0;
  let kernels = (op.kernels ?? 1) + quantKernel + (dq ? 1 : 0);
  // narrow-float experts run weight-only through a grouped kernel measured slower than its bytes by a fixed time per call
  // (kernels.weight_only_moe_fixed: triton_kernels matmul_ogs on Hopper under SGLang and vLLM; runtimes/sglang.yaml and
  // runtimes/vllm.yaml cite it); not where the run takes vLLM's fused Marlin MoE instead, which the runtime prices apart
  const weightOnlyFixed = op.groups && weightOnlyFallback(op.dtype, dtype) && !runsMarlinMoe(op, hw) ? hw.runtime?.kernels?.weightOnlyMoeFixedS ?? 0 : 0;
  // a runtime's measured decode-attention kernel (kernels.decode_attention) costs its fixed time per call (where above the
  // part's per-kernel gap) and its time per sequence × KV head of the call, beside its KV read. The measured fixed time
  // is the whole op's (aiconfigurator times the attention call as TensorRT-LLM launches it), so op.kernels is not
  // multiplied in: a runtime that sets the key with an op of several launches must measure them together.
  let body = Math.max(computeS, memoryS);
  if (kneeGemm(op, gemv, computeS, memoryS)) {
    // Grouped (MoE) and serving-batch GEMMs overlap weight streaming and MMA imperfectly; the loss is charged to the
    // side that bounds.
    body = groupedGemmBody(computeS, memoryS);
    if (computeS >= memoryS) computeS = body;
    else memoryS = body;
  }
  // a batch's tiled GEMM never costs more than the matrix-vector kernel taking its rows gemvMaxRows at a time
  // (src/sim/gemm-floors.ts); that kernel reads the quantized weights: no dequantize pass
  // (not for weight-only int8 dequantized by the runtime: it has no matrix-vector kernel of its own for them)
  const g = int8Dq ? 0 : gemvFloorRows(op, hw, phase, gemv);
  let taken: GemmKernel | undefined;
  if (g > 0) {
    const p = rowPasses(op, hw, g, bw);
    // (an int4 GEMM whose runtime has only its split-K kernel: the floor never below that kernel at g rows, partial sums
    // kept: w4a16SplitKRowsS)
    const splitG = w4a16SplitKRowsS(op, hw, g);
    const keep = splitG !== undefined ? passS : 0;
    const atG = Math.max(p.computeS, splitG ?? 0);
    taken = kernel ?? (Math.max(atG, p.memoryS) + keep < body + passS ? 'floor' : 'tiled');
    if (taken === 'floor') {
      // nor its kernel: the matrix-vector passes launch no dequantize kernel (it stayed in the count, one part's gap
      // more per GEMM, and a q4_0 decode step under a runtime that dequantizes above 8 rows cost 23% more at 9 rows
      // than at 8: property seed 515 at scale 10, gpt3-350m on 2x Arc A770 under llama.cpp-vulkan, batch 8 -> 9)
      if (dq && splitG === undefined) kernels -= 1;
      passS = keep;
      body = Math.max(atG, p.memoryS);
      computeS = atG;
      memoryS = p.memoryS;
      dtype = p.dtype;
    }
  }
  // past the runtime's own skinny rows (kernels.skinny_gemm_rows) the library GEMM, fixed time included, never costs more
  // than that skinny kernel taking the rows that many at a time (src/sim/gemm-floors.ts)
  // the part's per-kernel gap, or a pointwise kernel's time under the runtime's graph replay (src/runtime/launch.ts)
  const gap = graphGapS(hw, phase, op.name) ?? hw.efficiency.kernelOverheadS;
  // int4 experts under a MoE kernel launched once per local expert (kernels.int4_moe_per_expert: vLLM's per-expert Marlin
  // MoE before PR #14447): the other touched experts' kernels and the untouched ones' empty launches
  // (src/sim/moe-expert-launches.ts)
  const moeFixed = weightOnlyFixed + perExpertLaunchesS(op, hw, phase, gap);
  if (fixed > gap && ownRows !== undefined && ownRows > 0 && op.m !== undefined && op.m > ownRows && op.weightBytes > 0) {
    const p = rowPasses(op, hw, ownRows, bw);
    if (Math.max(p.computeS, p.memoryS) + gap * kernels < body + passS + fixed * kernels) {
      passS = 0;
      body = Math.max(p.computeS, p.memoryS);
      computeS = p.computeS;
      memoryS = p.memoryS;
      dtype = p.dtype;
      fixed = 0;
    }
  }
  // a decode-attention call over MLA's latent (a decode op with no per-head K/V) under a runtime whose MLA decode kernel was
  // measured to take a least time per call (kernels.mla_decode_fixed: AITER's MLA decode on CDNA 3, runtimes/sglang.yaml)
  const mlaFixed = op.kind === 'attention' && op.kvElemBytes !== undefined && op.kvHeadSeqs === undefined ? hw.runtime?.kernels?.mlaDecodeFixedS ?? 0 : 0;
  // a block-FP8 linear whose runtime timed the whole call (activation quantization + GEMM) under graph replay
  // (kernels.tiled_gemm.block_fp8_linear.fixed: SGLang's DeepGEMM on Hopper) pays that for the pair in a replayed step
  // in place of the part's gap on each of them; its other kernels, if any, keep the gap. Not MLA's kv_b_proj (Op.absorbedBmm): at decode
  // it stands for the absorbed attention's two bf16 BMMs (w_kc, w_vc: runtimes/sglang.yaml by_vendor nvidia
  // mla_decode_kernels), no quantization and no DeepGEMM, and its prompt pass is eager
  // (a GEMM folded into a neighbour, op.kernels 0, has no pair of its own)
  const pair = quantKernel > 0 && (op.kernels ?? 1) > 0 && !op.groups && !op.absorbedBmm ? blockFp8PairS(hw, phase) : undefined;
  const overhead = dk ? Math.max(gap, dk.fixedS) + dk.perSequenceHeadS * op.kvHeadSeqs!
    : pair !== undefined ? pair + Math.max(gap, fixed, mlaFixed) * (kernels - 2) + moeFixed
    : Math.max(gap, fixed, mlaFixed, w4?.fixedS ?? 0) * kernels + moeFixed;
  // a small-M tiled GEMM without split-K (fused MoE experts, block-FP8 linear under vLLM/SGLang) streams its weights no
  // faster than its CTAs can each pull one strip (src/sim/kernel-physics.ts tiledStreamS): a floor on the memory side
  // (not MLA's kv_b_proj in a decode pass, Op.absorbedBmm: there it stands for the absorbed attention's two BMMs over weights SGLang and
  // vLLM keep in bf16 or per-tensor FP8 (post_load_weights), torch.bmm, not the block-FP8 strip kernel)
  const absorbedKvB = op.absorbedBmm === true && (phase === 'decode' || phase === 'decode_eager');
  const tiled = op.kind === 'gemm' && !absorbedKvB ? tiledStreamS(op, hw) : undefined;
  if (tiled !== undefined && tiled > body) {
    body = tiled;
    memoryS = tiled;
  }
  // the dequantize kernel runs before the GEMM, on the same stream
  body += passS;
  memoryS += passS;
  // a kernel launched by the host one at a time lasts at least its dispatch (src/runtime/launch.ts); an op that is
  // several kernels (an eager composite, materialised attention) lasts at least that many dispatches. `seconds` holds
  // that per-op floor; a decoder pass takes deviceS and floorS apart and prices the step as max(host chain, device)
  // (src/sim/decoder.ts costPass, src/runtime/launch.ts asyncStepSeconds). The block-FP8 activation quantization is a
  // Python call of its own before the GEMM's (vllm / sglang fp8_utils.py apply_w8a8_block_fp8_linear calls
  // per_token_group_quant_fp8, which allocates the quantized input and its scales and launches its kernel, then the
  // GEMM): one more op's dispatch on top of the linear's (launchFloorForOpS, src/runtime/launch.ts)
  const floorS = quantKernel && (op.kernels ?? 1) > 0
    ? launchFloorForOpS(hw, phase, op.kind, kernels - 1, op.name) + launchFloorForOpS(hw, phase, 'elementwise', 1, op.name)
    : launchFloorForOpS(hw, phase, op.kind, kernels, op.name);
  const deviceS = Math.max(body + overhead, op.minS ?? 0);
  const seconds = Math.max(deviceS, floorS);
  // an int4 GEMM on the FP16 path costs no less than the split-K path one row below the switch (a monotonicity guard,
  // src/sim/w4a16-gemm.ts w4a16BelowSwitch): where it binds, the op is priced as that op
  const below = dq && !op.gguf && !int8Dq ? w4a16BelowSwitch(op, hw) : undefined;
  if (below) {
    const b = opCost(below, hw, phase, undefined, kernel);
    if (b.seconds > seconds) {
      if (!out) return b;
      Object.assign(out, b);
      return out;
    }
  }
  const bound: Bound = seconds - body > body ? 'overhead' : computeS >= memoryS ? 'compute' : 'memory';
  if (!out) return { seconds, computeS, memoryS, bound, dtype, overheadS: overhead, floorS, deviceS, kernel: taken };
  out.seconds = seconds;
  out.computeS = computeS;
  out.memoryS = memoryS;
  out.bound = bound;
  out.dtype = dtype;
  out.overheadS = overhead;
  out.floorS = floorS;
  out.deviceS = deviceS;
  out.kernel = taken;
  return out;
}

/** a result object for opCost's `out` (every key present, so that it keeps one shape) */
export const opCostScratch = (): OpCost => ({ seconds: 0, computeS: 0, memoryS: 0, bound: 'compute', dtype: 'bf16', overheadS: 0, floorS: 0, deviceS: 0, kernel: undefined });
