// Default efficiency (achievable fraction of peak) when a hardware spec gives none, by memory technology
// and class. Specs override with measured fractions (and `hwperf calibrate` fits them from benchmarks).
import type { EfficiencyTable, HardwareEfficiency, NormalizedHardware } from '../spec/types.js';

// Achievable fraction of DRAM bandwidth by technology family. Sources: STREAM-like triad measurements,
// e.g. H100 HBM3 2.97 of 3.35 TB/s = 0.89 and A100 HBM2e 1.70 of 2.04 TB/s = 0.83 (Azure
// AI-benchmarking-guide ND H100 v5 / ND A100 v4 results); LPDDR SoCs reach less (shared fabric, refresh).
export function defaultMemoryEfficiency(technology: string): number {
  if (technology.startsWith('hbm')) return 0.85;
  if (technology.startsWith('gddr')) return 0.88;
  // LPDDR: measured copy/read bandwidth over the bus peak on unified-memory SoCs — DGX Spark 0.85 (antirez/ds4
  // #773), Apple M1 0.82 and M2 Ultra 0.795 (chsasank/device-benchmarks @02b8262), M1 Max 0.775
  // (philipturner/metal-benchmarks via ggml-org/llama.cpp PR #1642), Snapdragon 8 Gen 2 Adreno 0.83
  // (ekondis/mixbench #46): 0.80 in the middle
  if (technology.startsWith('lpddr')) return 0.8;
  return 0.75;
}

// Decode (paged, GQA) attention bandwidth, from kernel timings:
//  - over a 16-bit KV cache it streams at STREAM speed, so it is costed at efficiency.memory: vLLM FA2
//    flash_fwd_splitkv_kernel on an H100, Llama-3.1-8B, 64 sequences at context 1024→2048 (bf16 KV, 4096 B per
//    token and layer): 138.8 µs per call = 64·1536·4096 B / 138.8 µs = 2.90 TB/s = 0.866 of 3.35 TB/s, 0.98 of the
//    2.97 TB/s triad (vllm-project/vllm issue #9471, torch-profiler table, 32768 calls); FlashInfer batch decode
//    on an H20, 128 sequences × 2048 tokens × 16 KV heads, bf16: 2.15 GB in 0.633 ms = 3.39 TB/s = 0.85 of 4.0 TB/s
//    (flashinfer-ai/flashinfer issue #1753);
//  - over an 8-bit cache (fp8/int8) the kernel does not get twice as fast: TensorRT-LLM XQA on one H100 SXM,
//    Llama-3.1-8B, batch 64: ~60 µs per call with an fp16 cache, ~40 µs with fp8 (NVIDIA/TensorRT-LLM issue
//    #2372) — half the bytes in 2/3 of the time, i.e. 60 / (2·40) = 0.75 of the 16-bit bandwidth. The issue gives
//    no context length; at the 2.97 TB/s triad 60 µs holds at most 64 × 680 tokens × 4096 B, so its contexts were
//    ≤ ~680 tokens (not #9471's 1024→2048) and the ratio is a short-context one, with per-call latency inside it.
//    The committed H200 SDPA decode (FlashAttention-2, bf16, q = 1, batch 64-256, context 1-4 K: 0.47-0.57 of
//    4.8 TB/s, bench/gpu/h200-2026-12-04/kernels.json section attention) is not faster; no Hopper fp8-KV decode
//    kernel timing at large batch × context was found to replace it. Same direction elsewhere: FlashInfer XQA fp8 93.1 µs vs FA3 bf16 132.7 µs at 8 × 16k tokens →
//    0.71 (vllm-project/vllm PR #43232), FlashInfer fp8 on the compute-poor H20 0.42 (issue #1753, not used).
// attentionKv8 is that ratio (× efficiency.memory); specs with their own measurement give `attention_kv8`. A runtime that
// measured its own decode kernel states it instead (kernels.decode_attention): TensorRT-LLM 1.3.0rc20's generation
// attention over K+V (ai-dynamo/aiconfigurator rc20 tables, runtimes/tensorrt-llm.yaml) reads an 8-bit cache at the same
// per-byte rate as a 16-bit one on large calls (0.83-0.95 of peak on H100/H200/B200/GB200), with a fixed time per call and
// a time per sequence × KV head that make short calls slow — #2372's short-context 0.75 is that fixed cost, not the read rate.
export const KV8_ATTENTION_RATIO = 0.75;

// GEMM efficiency vs GEMM size (FLOPs), relative to the large-GEMM fraction `large`. The shape is the
// measured cuBLASLt FP8 square-GEMM sweep of an H100 SXM (Azure/AI-benchmarking-guide, Azure Results/
// ND_H100_v5_results.md @f350e7e: 1024³ 274.1, 2048³ 1011.3, 4096³ 1216.9, 8192³ 1290.1, 16384³ 1377.3,
// 32768³ 1382.2 TFLOP/s), each point with the ~2 µs per-kernel ramp a back-to-back benchmark loop still pays
// taken out, as a fraction of the 16384³ value: 0.27 at 2.1 GFLOP, 0.83 at 17 GFLOP, 0.90 at 137 GFLOP,
// 0.94 at 1.1 TFLOP, 1.0 at 8.8 TFLOP. Below 2 GFLOP the GEMMs an LLM runs are skinny (decode, M ≤ 64:
// GEMV / split-K kernels) and memory-bound on every part in the library; the table keeps falling slowly there
// so that it never makes a GEMV compute-bound on parts with a low FLOP:byte ratio (Apple, phones).
// Specs with their own measured sweep give `efficiency.gemm` / `gemm_by_dtype` as a table instead.
export function gemmTable(large: number): EfficiencyTable {
  return {
    sizes: [1e6, 1e8, 2.15e9, 1.72e10, 1.37e11, 1.1e12, 8.8e12],
    // three decimals, as the tables were always written; below 0.0005 (a large-GEMM fraction under ~0.006, which
    // MIN_EFFICIENCY allows) three significant digits, since three decimals made it 0 and every GEMM time infinite
    values: [0.08, 0.18, 0.27, 0.83, 0.9, 0.94, 1].map((f) => (f * large >= 0.0005 ? Math.round(f * large * 1000) / 1000 : Number((f * large).toPrecision(3)))),
  };
}

// Large-GEMM fraction by class, where a spec gives no measurement:
//  - datacenter GPUs: 0.75, the middle of the measured large-GEMM fractions (stas00/ml-engineering MAMF table:
//    H100 0.80, B200 0.78, Gaudi 3 0.74, MI250X 0.77, L40S 0.74; V100S 0.68) — specs with their own
//    measurement override it;
//  - Apple GPUs under Metal/MLX: 0.735, the median of measured matmul fractions (M1 0.54, M1 Pro 0.81, M2 Ultra
//    0.735, M3 Max 0.90, M4 0.68: chsasank/device-benchmarks @02b8262 and PyTorch MPS sweeps in
//    zzc0721/torch-performance-test-data @0785868);
//  - phone/edge NPUs and other mobile parts: 0.5 — no NPU matmul micro-benchmark was found (unsourced, kept
//    conservative: NPU TOPS figures are marketing peaks).
function largeGemmFraction(cls: string, vendor?: string): number {
  if (vendor === 'apple') return 0.735;
  if (cls === 'mobile' || cls === 'edge' || cls === 'laptop') return 0.5;
  return 0.75;
}

// fp8 GEMM with split (precise) accumulation relative to fast accumulation, on an architecture whose tensor cores have
// the fast mode (Hopper: CUBLASLT_MATMUL_DESC_FAST_ACCUM; Blackwell has none). Measured on an H200 SXM (Hopper's
// tensor cores, H100 clocks): cuBLASLt through torch._scaled_mm with use_fast_accum off vs on, 45 shapes with
// M = 1024…16384 at LLM and DiT weight shapes (N×K 4096², 14336×4096, 4096×14336, 8192², 28672×8192, 8192×28672,
// 1152², 4608×1152, 1152×4608), CUDA-graph replays over rotating inputs: split runs at 0.934 of the fast rate
// (geometric mean; 0.80–1.00 by shape, 0.96 over the ≥ 1 TFLOP shapes) — bench/gpu/h200-2026-12-04/kernels.json
// (bench/gpu/hopper-kernels.py, section gemm, kinds fp8_split / fp8_fast). It replaces 1/1.15 from torchao's
// "1.1x to 1.2x" (pytorch/ao issue #2377), a range from one report. The parts' gemm_by_dtype.fp8 tables are
// fast-accumulation (superbenchmark cublaslt_utils.cc sets CUBLASLT_MATMUL_DESC_FAST_ACCUM 1). Runtimes that run the
// backward GEMMs split (runtime training.fp8_accumulate) pay it there (src/sim/training/layer-cost.ts); a spec's
// efficiency.gemm_fp8_split_accumulate overrides it.
const FP8_SPLIT_ACCUMULATE: Readonly<Record<string, number>> = { hopper: 0.93 };

/** the architecture's split-accumulation fp8 GEMM rate (fraction of the fast-accumulation rate), where it has the mode */
export function fp8SplitAccumulateDefault(architecture: string | undefined): number | undefined {
  return architecture !== undefined && Object.hasOwn(FP8_SPLIT_ACCUMULATE, architecture) ? FP8_SPLIT_ACCUMULATE[architecture] : undefined;
}

export function defaultEfficiency(technology: string, cls: string, vendor?: string): HardwareEfficiency {
  const mobile = cls === 'mobile' || cls === 'edge' || cls === 'laptop';
  return {
    memory: defaultMemoryEfficiency(technology),
    gemm: gemmTable(largeGemmFraction(cls, vendor)),
    // Fused prefill attention, fraction of the matrix peak, where a spec measured none. Kernel tables bracket it:
    // FlashAttention-3 bf16 forward, head dim 128, H100 SXM5: 625-648 TFLOP/s at 2k-16k = 0.63-0.65 of 989, and
    // FlashAttention-2 on the same part 362-370 = 0.37 (FA3 paper, arXiv 2407.08608, forward-speed figure); FA3 fp8 on
    // a 350 W H100 PCIe 0.41 of its fp8 peak (hardware/nvidia/h100-pcie.yaml). 0.6 is the FA3-class Hopper value;
    // parts whose runtime runs FA2-class kernels, or that are power-capped, should state their own.
    attention: 0.6,
    attentionKv8: KV8_ATTENTION_RATIO,
    vector: 0.5,
    collective: RING_COLLECTIVE,
    // Per-kernel gap between dependent kernels: ~2-4 µs with CUDA graphs on datacenter GPUs (NVIDIA CUDA graphs
    // blog "Getting started with CUDA Graphs": launch ~2.5 µs → ~1 µs per node plus tail); ~10 µs for Metal /
    // mobile command-buffer dispatch.
    kernelOverheadS: mobile || vendor === 'apple' ? 10e-6 : 4e-6,
  };
}

// llama.cpp multiplies GGUF block-quantized weights (q4_0, q8_0, k-quants) with its own kernels (MMQ): on NVIDIA GPUs
// with int8 tensor cores they are the default over FP16 cuBLAS (ggml-org/llama.cpp PR #8075, JohannesGaessler,
// 2024-06) and issue the legacy warp-level int8 MMA (PR #7676 "CUDA: use tensor cores for MMQ", mma.sync), not
// Hopper's wgmma (a wgmma path exists only as an opt-in experiment, PR #24777). Their rate therefore follows the SM
// count and clock rather than each generation's tensor peak: measured per SM and clock on the RTX 4090 in the kernel
// author's PR #7676 table — Llama-3-8B Q4_0, microbatch 512, pp512 10,358.75 tokens/s with tensor-core MMQ, at
// 16.3 GFLOP per token (2·8.03B + attention at 512) = 169 TFLOP/s over 128 SMs × 2.52 GHz = 524 FLOP per SM per clock
// (the whole prompt pass, so attention and norms are inside it). This is the documented default for NVIDIA parts; a
// runtime spec states its own (runtimes/llama.cpp.yaml kernels.gguf_flop_per_unit_clock, or kernels.gguf_rate where a
// part's kernel was measured directly). Parts without an int8 matrix unit (V100: cuBLAS, PR #8075) or without SM count
// and clock in their spec keep the FP16 GEMM tables.
export const MMQ_FLOP_PER_SM_CLOCK = 524;
// the size of the measured GEMMs: Llama-3-8B's FFN at microbatch 512, 2 · 512 · 4096 · 14336 FLOP
// (test-backend-ops MUL_MAT m=4096, n=512, k=14336 = 60.13 GFLOP: the shape llama.cpp's kernel PRs report)
export const MMQ_REFERENCE_FLOP = 6.01e10;

type GgufHardware = Pick<NormalizedHardware, 'vendor' | 'matrixFlopPerS' | 'units' | 'clockHz'> & {
  runtime?: { kernels?: { ggufFlopPerS?: number; ggufFlopPerUnitClock?: number } };
};

/**
 * The most FLOP/s llama.cpp's grouped (MoE, MUL_MAT_ID) GGUF kernel reaches on this part, where the runtime states a
 * per-unit-clock ceiling for it (kernels.gguf_group_flop_per_unit_clock: ggml-cpu's vec_dot loop); undefined otherwise.
 */
export function ggufGroupGemmPeak(hw: Pick<NormalizedHardware, 'units' | 'clockHz'> & { runtime?: { kernels?: { ggufGroupFlopPerUnitClock?: number } } }): number | undefined {
  const perUnitClock = hw.runtime?.kernels?.ggufGroupFlopPerUnitClock;
  if (!perUnitClock || !hw.units || !hw.clockHz) return undefined;
  return perUnitClock * hw.units * hw.clockHz;
}

/** FLOP/s of llama.cpp's GGUF matmul kernels on this part at MMQ_REFERENCE_FLOP, where a rate is known. */
export function ggufGemmPeak(hw: GgufHardware): number | undefined {
  const k = hw.runtime?.kernels;
  if (k?.ggufFlopPerS) return k.ggufFlopPerS;
  const perUnitClock = k?.ggufFlopPerUnitClock ?? (hw.vendor === 'nvidia' ? MMQ_FLOP_PER_SM_CLOCK : undefined);
  if (!perUnitClock || !hw.matrixFlopPerS.int8 || !hw.units || !hw.clockHz) return undefined;
  return perUnitClock * hw.units * hw.clockHz;
}

// Host time per engine iteration moved to the runtimes (runtimes/*.yaml `host.step_overhead`, docs/runtimes.md).

// All-reduce efficiency vs message size (bytes), relative to the large-message value, where a spec gives no
// sweep of its own: the mean shape of three measured nccl-tests/rccl-tests all-reduce sweeps (bus bandwidth
// at each size / at 8 GiB) — 8× H100 NVLS, 8× A100 ring, 8× MI300X (Azure/AI-benchmarking-guide ND_H100_v5
// @f350e7e and ND_A100_v4 @3bb66ca; yosoyjay/AI-benchmarking-guide ND_MI300X_v5 @a8263ef). Small messages are
// latency-bound: 1 KiB all-reduces take ~15-25 µs, 1 MiB ones reach a tenth of the link.
export const COLLECTIVE_SHAPE: EfficiencyTable = {
  sizes: [1024, 16384, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824, 8589934592],
  values: [0.00015, 0.0022, 0.03, 0.106, 0.279, 0.5, 0.772, 0.921, 0.983, 1],
};

// Ring all-reduce bus bandwidth / link bandwidth, NCCL 8 GB on 8× A100 NVLink3: 231.58 of 300 GB/s = 0.77
// (Azure ND A100 v4 results @3bb66ca): the class default of a spec's large-message collective fraction.
export const RING_COLLECTIVE = 0.77;

// A collective sweep's fraction at `bytes`. Below the sweep's smallest message a collective is latency-bound: it takes
// as long as that smallest message (nccl-tests all-reduce time is flat from 8 B up to a few KiB), so the fraction
// falls in proportion to the size instead of holding the first entry, which would make a 128 B all-reduce eight
// times faster than a 1 KiB one.
export function collectiveShapeAt(t: EfficiencyTable, bytes: number): number {
  const first = t.sizes[0]!;
  return lookupEfficiency(t, bytes) * (bytes < first ? Math.max(bytes, 0) / first : 1);
}

// The common size shape (COLLECTIVE_SHAPE) at `bytes`, latency floor included.
export function collectiveShape(bytes: number): number {
  return collectiveShapeAt(COLLECTIVE_SHAPE, bytes);
}

// Achievable fraction of link bandwidth for one collective of `bytes`: the spec's measured sweep, or its
// large-message fraction times the common shape.
export function collectiveEfficiency(e: HardwareEfficiency, bytes: number): number {
  if (e.collectiveBySize) return collectiveShapeAt(e.collectiveBySize, bytes);
  return e.collective * collectiveShape(bytes);
}

// The large-message fraction of link bandwidth: the measured sweep's largest message, else the spec's fraction.
export function largeMessageCollective(e: HardwareEfficiency): number {
  const v = e.collectiveBySize?.values;
  return v ? v[v.length - 1]! : e.collective;
}

// Interpolate an efficiency table in log(size), clamped at both ends.
export function lookupEfficiency(t: EfficiencyTable, size: number): number {
  const s = t.sizes;
  const v = t.values;
  const n = s.length;
  if (size <= s[0]!) return v[0]!;
  if (size >= s[n - 1]!) return v[n - 1]!;
  let i = 1;
  while (s[i]! < size) i++;
  const x0 = Math.log(s[i - 1]!);
  const x1 = Math.log(s[i]!);
  const f = (Math.log(size) - x0) / (x1 - x0);
  const e = v[i - 1]! + f * (v[i]! - v[i - 1]!);
  // Time is size / efficiency: more work never finishes sooner than the table point below it. Where efficiency
  // climbs steeply (the latency-bound end of an all-reduce sweep: ×15 from 1 KiB to 16 KiB) the straight line in
  // log(size) would make a 2 KiB all-reduce twice as fast as a 1 KiB one; cap it at the left point's time.
  return Math.min(e, (v[i - 1]! * size) / s[i - 1]!);
}
