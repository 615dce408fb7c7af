// Normalized specs: what the engine sees after load → schema → extends → units → rules.
// Hardware numbers are SI (bytes, B/s, FLOP/s, W, J, s); model fields keep their YAML names (snake_case)
// with every default filled in, so `--set` paths and error paths read the same as the file.
import type { QuantScheme } from '../sim/types.js';

export type Dtype = 'fp64' | 'fp32' | 'tf32' | 'bf16' | 'fp16' | 'fp8' | 'int8' | 'fp6' | 'fp4' | 'int4';
export const DTYPES: readonly Dtype[] = ['fp64', 'fp32', 'tf32', 'bf16', 'fp16', 'fp8', 'int8', 'fp6', 'fp4', 'int4'];

/** Weights a model's low-bit checkpoint leaves out of its quantization (a model's `unquantized:`; Hugging Face
 *  quantization_config.modules_to_not_convert; src/model/quant.ts moduleBits) */
/** the keys of runtime host.decode_step.by_layer: a decoder layer's code (src/runtime/launch.ts decoderHostArch) */
/** the vendors of the library's hardware (a hardware spec's `vendor:`), which a runtime's `vendors:` names (`other`: the rest) */
export const HARDWARE_VENDORS: readonly string[] = ['nvidia', 'amd', 'intel', 'apple', 'google', 'huawei', 'qualcomm', 'mediatek'];
export const DECODER_HOST_ARCHS = ['llama', 'llama_qk_norm', 'alibi'] as const;
export type DecoderHostArch = (typeof DECODER_HOST_ARCHS)[number];
// the op names of a decoder pass (src/model/decoder-graph.ts buildDecoderPass; rope, kv_write and input_quant: the runtime's own,
// src/sim/layer-kernels.ts), the words a runtime's fusion groups use
export const DECODER_GRAPH_OPS = [
  'embedding', 'attn_norm', 'q_a_proj', 'q_b_proj', 'q_proj', 'kv_a_proj', 'kv_b_proj', 'qkv_proj', 'qk_norm', 'rope', 'kv_write', 'input_quant',
  'attention_prefill', 'attention_prefill_sliding', 'attention_prefill_chunked', 'attention_decode', 'attention_decode_sliding',
  'attention_decode_chunked', 'o_proj', 'allreduce_attn', 'ffn_norm', 'post_norms', 'ffn_up', 'ffn_act', 'ffn_down', 'router',
  'moe_topk', 'moe_sort', 'moe_permute', 'experts_up', 'experts_act', 'experts_down', 'moe_finalize', 'shared_up',
  'shared_down', 'alltoall_moe', 'allreduce_ffn', 'residual', 'pp_send', 'final_norm', 'lm_head', 'logits_gather', 'sampling',
] as const;
export const UNQUANTIZED_MODULES = ['attention', 'router', 'embeddings', 'lm_head', 'edge_ffn'] as const;
export type UnquantizedModule = (typeof UNQUANTIZED_MODULES)[number];

export interface LinkSpec {
  bandwidthBytePerS: number; // per device, per direction
  latencyS: number;
  domain?: number; // devices reachable at this bandwidth (scale-up domain)
  technology?: string;
  // a switchless mesh link used on its own: realized rate / (bandwidth / (domain - 1)) (interconnect link_rate)
  linkEfficiency?: number;
  // ports of this link per device (interconnect links): a TPU's ICI ports, 4 on a 2-D torus, 6 on a 3-D one
  // (src/sim/ici-collectives.ts iciSlice)
  links?: number;
}

/** an elementwise chain as the model's Python runs it, op by op (runtime kernels.rmsnorm / rope / swiglu / gelu): kernels
 *  per call, bytes per element of the op's width */
export interface EagerChain {
  kernels: number;
  bytesPerElement: number;
}

export interface NormalizedHardware {
  id: string;
  name: string;
  vendor: string;
  architecture?: string; // the vendor's name for it (hopper, cdna3, …): runtime files' by_architecture key
  class: string;
  year?: number;
  matrixFlopPerS: Partial<Record<Dtype, number>>; // dense peak of matrix units
  // dense fp16 tensor rate with fp16 accumulation where it exceeds matrix.fp16 (GeForce parts run fp32 accumulation at
  // half rate; matrix.fp16 is the fp32-accumulate figure frameworks use): what a GEMM that accumulates in fp16 reaches
  fp16AccumulateFlopPerS?: number;
  vectorFlopPerS: Partial<Record<Dtype, number>>;
  units?: number;
  clockHz?: number;
  // the fewest reduction steps (K elements) the matrix unit spends on one output tile: a GEMM with a shorter K runs at
  // K / matrixMinK of its rate (Gaudi's MME roll-up, src/sim/matrix-depth.ts); absent: no such floor
  matrixMinK?: number;
  memory: {
    technology: string;
    capacityBytes: number;
    bandwidthBytePerS: number;
    stacks?: number;
    busWidthBits?: number;
    energyJPerBit?: number; // from the memory technology unless the spec sets it
  };
  onChip: { l2Bytes?: number; sramBytes?: number; l2BandwidthBytePerS?: number }; // l2BandwidthBytePerS: a measured L2 rate (src/sim/l2-resident.ts)
  scaleUp?: LinkSpec;
  scaleOut?: LinkSpec;
  host?: LinkSpec;
  power?: { tdpW: number; idleW?: number }; // idleW: a cited measured idle draw (static power)
  energy?: { computeJPerFlop?: number };
  // hourUsd: cloud on-demand per device-hour; purchaseUsd: list/street price per device; dates YYYY-MM
  price?: { purchaseUsd?: number; hourUsd?: number; hourDate?: string; purchaseDate?: string; hourSource?: string; purchaseSource?: string };
  efficiency: HardwareEfficiency;
  // The software stack that drives the chip (runtimes/*.yaml), bound to this hardware by the command
  // (src/runtime/resolve.ts bindRuntime). Absent on a hardware spec as loaded; engines read it as optional.
  runtime?: BoundRuntime;
  // a hardware file's own `runtime:` block (older specs, what-ifs): applied over the bound runtime
  runtimeOverride?: { name?: string; staticContext?: number; staticRequest?: boolean; runsAhead?: boolean; decodeBucket?: number; stepOverheadS?: number; maxNumSeqs?: number; maxNumBatchedTokens?: number; ubatch?: number; pipelineCopies?: number; admission?: Admission; beamSize?: number; audioBatch?: number; encoderMaxNumTokens?: number; timestamps?: boolean; vad?: boolean; logMelOverlap?: boolean; hostAudioDecodeS?: number; hostLogMelS?: number; memoryShare?: number; frontendPerRequestS?: number; frontendPerOutputTokenS?: number; apiServers?: number; sampling?: Sampling; penalties?: boolean; batching?: Batching; graphBatchSizes?: readonly number[] | null; graphs?: GraphCapture; weightOnlyMoe?: WeightOnlyMoeKernel; overlapSchedule?: boolean; schedulerSteps?: number; overlapComm?: boolean; sequenceParallel?: boolean };
  rumoured?: boolean;
  sources: string[];
  file?: string; // where it was loaded from
}

// Efficiency: fractions of peak, each either a constant or a table by op size (monotone, checked at load).
export interface EfficiencyTable {
  // points sorted by size; efficiency is interpolated in log(size), clamped at the ends
  sizes: number[];
  values: number[];
}
// An efficiency table by size for each value of a second key (rows[i] at keys[i], keys rising): a fused MoE kernel's
// rate by one expert's GEMM size and the rank's local experts (src/sim/kernel-caps.ts fp4MoeCap)
export interface EfficiencyGrid {
  keys: number[];
  rows: EfficiencyTable[];
}
// a fused MoE kernel's measured fraction of peak: one number, by one local expert's GEMM MACs, or by those MACs and the
// rank's local experts (src/sim/kernel-caps.ts moeCap)
export type MoeEfficiency = number | EfficiencyTable | EfficiencyGrid;
export interface HardwareEfficiency {
  memory: number; // achievable fraction of memory bandwidth (STREAM-like)
  gemm: EfficiencyTable; // by GEMM FLOPs
  gemmByDtype?: Partial<Record<Dtype, EfficiencyTable>>;
  // fraction of peak memory bandwidth a GEMM in this dtype streams its operands at, where its kernels fall short of
  // `memory` (block-scaled NVFP4 on Blackwell: src/sim/roofline.ts memoryEfficiency)
  gemmMemoryByDtype?: Partial<Record<Dtype, number>>;
  attention: number; // fused attention relative to gemm peak
  // fused attention whose QKᵀ and PV run in this dtype, as a fraction of this dtype's peak, where its kernels were timed
  // apart from the 16-bit ones (AITER's MXFP4 / FP8 FMHA on gfx950); absent: `attention`
  attentionByDtype?: Partial<Record<Dtype, number>>;
  attentionKv8: number; // decode attention over an 8-bit (or narrower) KV cache: achieved bandwidth / STREAM (memory)
  // a fused attention's backward kernel rate as a fraction of its forward rate (training), where the part's own kernels
  // were timed both ways; absent: FLASH_BWD_RATE, an unmasked H100 figure (src/sim/training/layer-cost.ts)
  attentionBackward?: number;
  // an fp8 GEMM with split (precise) accumulation, as a fraction of the fast-accumulation rate `gemmByDtype.fp8` was
  // measured at (Hopper: the tensor cores' fp8 accumulator is periodically promoted to fp32); absent: no such mode
  gemmFp8SplitAccumulate?: number;
  // the share of its burst-benchmark matrix rate the part holds under sustained full load at its power limit (SM clock
  // drops once back-to-back compute holds the board at TDP; src/sim/roofline.ts sustainedMatrix); absent: 1
  sustainedMatrix?: number;
  // the same share for the GEMMs of one dtype, where that dtype's table was itself measured under sustained load (so
  // the clock drop is already in it: 1) or a sustained/burst pair was measured in that dtype; absent: sustainedMatrix
  sustainedMatrixByDtype?: Partial<Record<Dtype, number>>;
  vector: number; // elementwise / reductions relative to vector peak
  collective: number; // achievable fraction of link bandwidth for large messages
  collectiveBySize?: EfficiencyTable; // measured fraction by message size (bytes), when the spec gives one
  // what that sweep measured: 'ring' (busbw / link, the default) or 'nvls' (an NVSwitch in-switch reduction,
  // algbw / link) — see src/sim/parallel.ts commSeconds
  collectiveAlgorithm?: 'ring' | 'nvls';
  kernelOverheadS: number; // fixed per-kernel launch/sync overhead
  source?: string;
}

export interface MemoryTechnology {
  id: string;
  name: string;
  kind: 'stack' | 'bus';
  perStackBandwidthBytePerS?: number;
  perStackCapacityBytes?: number;
  pinRateBitPerS?: number;
  capacityPerChannelBytes?: number;
  channelWidthBits?: number;
  energyJPerBit?: number;
  sources: string[];
  file?: string;
}

export type FfnKind = 'gated' | 'plain';
export interface FfnSpec {
  kind: FfnKind;
  intermediate: number;
  activation: string;
}
export interface BiasSpec {
  qkv: boolean;
  out: boolean;
  ffn: boolean;
}

export interface MoeSpec {
  experts: number;
  active: number;
  shared: number;
  intermediate: number;
  dense_layers: number;
  shared_intermediate?: number;
  every: number; // MoE every N-th layer (layers N−1, 2N−1, …; Llama 4 Maverick: 2), the others dense; default 1
  router_bias: boolean; // the router Linear has a bias (gpt-oss)
  // how the router picks experts: absent, top-k over the scores (softmax: Mixtral, Qwen, Grok, Llama 4, gpt-oss);
  // noaux_tc, DeepSeek-V3's sigmoid scores plus a per-expert bias and group-limited top-k (HF topk_method noaux_tc)
  router?: MoeRouter;
  // group-limited routing (DeepSeek-V3: HF n_group 8, topk_group 4): the experts form `expert_groups` equal blocks by
  // index and each token picks its top-k among the experts of `topk_groups` of them (both absent: no limit; normalized
  // away where one group or every group is picked)
  expert_groups?: number;
  topk_groups?: number;
}
export type MoeRouter = 'topk' | 'noaux_tc';

export type LayerAttention = 'full' | 'sliding' | 'chunked';
// Attention features beyond the projections (all optional; defaults reproduce plain full attention).
export interface AttentionFeatures {
  sliding_window?: number; // tokens a 'sliding' layer attends to (its KV cache holds at most this many)
  chunk?: number; // 'chunked' layers attend within aligned blocks of this many tokens (Llama 4)
  layer_types?: LayerAttention[]; // per layer from layer 0; a shorter list repeats
  sinks: boolean; // a learned per-head sink logit in the softmax denominator (gpt-oss): heads params per layer
  qk_norm: 'rmsnorm' | 'l2' | 'none'; // per-head norm of q and k (rmsnorm: head_dim weights each, shared by heads)
}

export interface GqaSpec extends AttentionFeatures {
  kind: 'gqa';
}

export interface MlaSpec extends AttentionFeatures {
  kind: 'mla';
  q_lora_rank: number; // 0 = no q compression
  kv_lora_rank: number;
  qk_rope_head_dim: number;
  qk_nope_head_dim: number;
  v_head_dim: number;
  // set by the bound runtime, never by a model file (src/runtime/mla-cache.ts): 'expanded' when the runtime caches
  // per-head K and V (vLLM before v0.7.1) instead of the latent
  cache?: 'latent' | 'expanded';
  // set by the bound runtime (src/runtime/mla-cache.ts): 'absorbed' when its prefill attention runs over the latent
  // (SGLang 0.4's Triton backend for any batch with a cached prefix) instead of up-projected per-head K/V
  prefill?: 'expanded' | 'absorbed';
}

export interface ModelBase {
  id: string;
  name: string;
  family: string;
  rumoured: boolean;
  reference_params?: { total?: number; active?: number; source?: string };
  dtype?: QuantScheme; // the checkpoint's precision: default --dtype
  sources: string[];
  file?: string;
}

export interface DecoderModel extends ModelBase {
  family: 'decoder';
  hidden: number;
  layers: number;
  heads: number;
  kv_heads: number;
  head_dim: number;
  ffn: FfnSpec;
  vocab: number;
  context: number;
  norm: 'rmsnorm' | 'layernorm';
  final_norm: boolean;
  bias: BiasSpec;
  tied_embeddings: boolean;
  position: 'rope' | 'learned' | 'sinusoidal' | 'alibi' | 'none';
  parallel_block: boolean;
  moe?: MoeSpec;
  attention?: MlaSpec | GqaSpec;
  post_norms: boolean; // Gemma 2/3: extra RMSNorms after attention and after the FFN (4 per layer)
  // how the published FP8 checkpoint scales its weights: 'block' = one scale per 128×128 block (DeepSeek-V3, Qwen3
  // FP8), which serving runtimes run through block-scaled GEMM kernels of their own (src/sim/kernel-physics.ts)
  fp8_scaling?: 'tensor' | 'channel' | 'block';
  // how the published FP4 checkpoint scales its weights: 'mxfp4' = one e8m0 scale per 32 (OCP MX; gpt-oss), 'nvfp4' =
  // one e4m3 scale per 16 and a tensor scale (ModelOpt). A serving runtime may multiply MXFP4 experts with 16- or 8-bit
  // activations on a part with FP4 matrix units (runtime kernels.mxfp4_moe_activations, src/sim/peaks.ts)
  fp4_scaling?: 'mxfp4' | 'nvfp4';
  // weights the published low-bit checkpoint leaves unquantized (HF quantization_config.modules_to_not_convert;
  // gpt-oss: attention, router, embeddings, lm_head): under sub-8-bit weights they stay 16-bit (q8_0 in GGUF),
  // src/model/quant.ts moduleBits. 'edge_ffn': the dense FFN of the first and the last decoder layer (Meta's fp8_mixed).
  // An 8-bit checkpoint (the model's dtype: fp8 / int8, Meta's FP8 Llama 3.1 405B) keeps its list at 8 bits too.
  unquantized?: UnquantizedModule[];
}

export interface EncoderDecoderModel extends ModelBase {
  family: 'encoder-decoder';
  hidden: number;
  encoder_layers: number;
  decoder_layers: number;
  heads: number;
  ffn: FfnSpec;
  vocab: number;
  n_mels: number;
  audio_ctx: number;
  text_ctx: number;
  window_seconds: number;
}

export interface EncoderModel extends ModelBase {
  family: 'encoder';
  modality: 'image' | 'text';
  hidden: number;
  layers: number;
  heads: number;
  ffn: FfnSpec;
  norm: 'layernorm' | 'rmsnorm';
  image_size: number;
  patch: number;
  channels: number;
  class_token: boolean;
  classes: number;
  vocab: number;
  context: number;
  causal: boolean;
  pre_norm: boolean; // CLIP vision has a LayerNorm before the blocks
  projection: number; // output projection width (0 = none)
  head_dim: number;
  bias: boolean;
  relative_attention: boolean | 'per_layer'; // T5-style relative position bias (first layer; umT5: every layer its own)
  final_norm: boolean;
  pooler: boolean;
}

export interface DitModel extends ModelBase {
  family: 'dit';
  hidden: number;
  layers: number;
  heads: number;
  patch: number;
  latent_size: number;
  image_size: number;
  vae_downsample: number;
  in_channels: number;
  out_channels: number;
  classes: number;
  mlp_ratio: number;
  /** rope: rotary embedding on q and k of the temporal attention (Open-Sora STDiT3 temporal blocks) */
  temporal?: { attention: 'separate' | 'full'; patch: number; downsample: number; chunk?: number; rope?: boolean };
  /** qk_norm: the q/k norms (qk_norm) also run in the cross-attention (Wan 2.1: yes; Open-Sora STDiT3: no; default
   *  yes when qk_norm is set); fused: the reference code calls a fused attention kernel for it whatever the runtime
   *  (Open-Sora's xformers memory_efficient_attention), so a runtime that writes attention out leaves it alone */
  cross_attention?: { context: number; context_dim: number; qk_norm?: boolean; fused?: boolean };
  /** the reference sampler passes a per-frame mask (Open-Sora 1.2 RFLOW: x_mask): every block modulates with the
   *  timestep and with t = 0 and picks per frame with torch.where (STDiT3Block t_mask_select) */
  frame_mask: boolean;
  /** the residual stream keeps the patch conv's channels-first layout (Open-Sora PatchEmbed3D: conv output
   *  .flatten(2).transpose(1, 2), never made contiguous; `x + …` keeps its first operand's layout), so every
   *  nn.LayerNorm on it first copies it to contiguous and an nn.Linear on it runs matmul of a copy plus a separate
   *  bias add (src/model/dit-graph.ts channelsFirstCopy) */
  channels_first_stream?: boolean;
  /** the reference code takes its flash kernel only for a sequence longer than its batch of sequences (Open-Sora
   *  Attention.forward: enable_flash_attn and N > B) and otherwise writes attention out (q·kᵀ, fp32 softmax, ·v):
   *  STDiT3's temporal attention over a few dozen latent frames at thousands of positions always is (priced per block
   *  kind: temporal blocks written out, spatial blocks fused) */
  flash_if_longer?: boolean;
  /** mmdit: rotary embedding on q and k of every joint and single-stream attention (Flux: 3-axis RoPE) */
  rope: boolean;
  /** block design: 'dit' (adaLN-Zero / adaLN-single blocks, the default) or 'mmdit' (SD3 / Flux joint text-image
   *  blocks: `layers` double-stream blocks, then `single_blocks` single-stream ones; the text tokens are
   *  cross_attention.context of width cross_attention.context_dim) */
  architecture: 'dit' | 'mmdit' | 'unet';
  /** unet: the latent-diffusion UNet (SDXL; src/model/params/unet.ts); hidden = channels[0], patch 1 */
  unet?: { channels: number[]; res_blocks: number; transformer_depth: number[]; mid_depth: number; head_dim: number; heads: number; time_embed_dim: number; add_embed_dim: number };
  single_blocks: number; // mmdit: Flux single-stream blocks after the double-stream ones
  pooled_dim: number; // mmdit: pooled text vector (CLIP) embedded with the timestep
  guidance_embed: boolean; // mmdit: distilled guidance scale embedded like the timestep (Flux.1-dev)
  context_pre_only_last: boolean; // mmdit: the last joint block drops the text stream's output (SD3)
  position_table: number; // a fixed sin-cos position table of side × side patches stored in the checkpoint (SD3: 192)
  /** per-attention q/k norms: 'rmsnorm' over each head (head_dim weights; SD3.5, Flux), 'rmsnorm_across_heads'
   *  over the whole projection (hidden weights; Wan 2.1), or none */
  qk_norm: 'none' | 'rmsnorm' | 'rmsnorm_across_heads';
  cross_norm: boolean; // an affine LayerNorm before the cross-attention (Wan 2.1 cross_attn_norm)
  /** video denoisers: width / height of the frame --resolution names the height of (default 16/9; CogVideoX 720×480: 1.5) */
  frame_aspect?: number;
}

export interface VaeModel extends ModelBase {
  family: 'vae';
  dims: 2 | 3;
  in_channels: number;
  base_channels: number;
  channel_mult: number[];
  res_blocks: number;
  z_channels: number;
  mid_attention: boolean;
  temporal_downsample: number;
  /** block layout: 'ldm' (AutoencoderKL; default), 'magvit' (Open-Sora VAE_Temporal: temporal-only down-sampling),
   *  'wan' (Wan 2.1 VAE) or 'cogvideox' (AutoencoderKLCogVideoX: spatially conditioned norms, frame-batched decode) */
  layout?: 'ldm' | 'magvit' | 'wan' | 'cogvideox';
  /** the 1×1 quant_conv / post_quant_conv around the latent (AutoencoderKL default true; SD3 and Flux VAEs: false) */
  quant_conv?: boolean;
  /** pixels per latent pixel along each side (ldm: 2^(levels−1), magvit: 1; a composite states its product) */
  spatial_downsample?: number;
  /** a composite VAE: component model ids in encode order (pixels → latent); decode runs them in reverse. The
   *  architecture fields above are then unused (neutral values); dims, in_channels, z_channels and the
   *  down-sampling factors describe the whole. */
  components?: string[];
}

export interface PipelineStage {
  model: string;
  runs: 'once' | 'per_step' | 'per_token' | 'per_window';
  role: string;
  tokens?: number;
  tokens_per_second?: number; // audio tokens per second of audio
  tokens_per_image?: number;
  /** the dtype the stage's reference code runs it in whatever the request's (Wan's WanVAE: torch.float) */
  dtype?: 'fp32' | 'bf16' | 'fp16';
}
export interface PipelineModel extends ModelBase {
  family: 'pipeline';
  stages: PipelineStage[];
  defaults: Record<string, number>;
  assumptions?: string[];
}

export type NormalizedModel =
  | DecoderModel
  | EncoderDecoderModel
  | EncoderModel
  | DitModel
  | VaeModel
  | PipelineModel;

// A runtime: how the software drives the chip (runtimes/*.yaml). Hardware says what the chip is; a runtime
// says what the software does on it. Fractions are 0–1; times SI seconds; bytes SI bytes.
// piecewise: decode replays captured graphs between the attention ops, which run eagerly (vLLM's PIECEWISE mode: the
// attention op is a splitting op); every other phase runs eagerly
// (each word list below is the one spelling its type, the runtime schema's enum and the --set option list all read)
export const GRAPH_CAPTURES = ['all', 'decode', 'piecewise', 'none'] as const;
export type GraphCapture = (typeof GRAPH_CAPTURES)[number];
/** what a runtime's captured phases replay (launch.capture, below) */
export const LAUNCH_CAPTURES = ['device_graphs', 'command_buffers'] as const;
export type LaunchCapture = (typeof LAUNCH_CAPTURES)[number];
/** serve's admission policy (scheduler.admission, below) */
export const ADMISSIONS = ['reserve', 'preempt', 'estimate'] as const;
export type Admission = (typeof ADMISSIONS)[number];
/** the run's sampling (scheduler.sampling, below) */
export const SAMPLINGS = ['greedy', 'random', 'top-p'] as const;
export type Sampling = (typeof SAMPLINGS)[number];
/** in-flight or static batching (scheduler.batching, below) */
export const BATCHINGS = ['inflight', 'static'] as const;
export type Batching = (typeof BATCHINGS)[number];
/** a block of per-op host costs (a runtime's launch, and launch.eager under it): per kernel, and one-kernel ops by kind */
export interface LaunchCosts { perKernelS: number; perKernelByKindS?: Readonly<Record<string, number>> }
/** a training pipeline schedule (training.pipeline_schedules / default_schedule, below; src/sim/training/schedule.ts) */
export const PIPELINE_SCHEDULES = ['1f1b', 'interleaved', 'dualpipe'] as const;
export type PipelineSchedule = (typeof PIPELINE_SCHEDULES)[number];
/** the weight-only MoE kernel (kernels.weightOnlyMoeKernel, below) */
export const WEIGHT_ONLY_MOE_KERNELS = ['default', 'marlin'] as const;
export type WeightOnlyMoeKernel = (typeof WEIGHT_ONLY_MOE_KERNELS)[number];
/** an engine's own decode-graph capture (launch.decode_capture): the sizes it captures (ascending, sequences per rank)
 *  up to its largest, `maxBatch` (from tp k: byTp), or that of the first memory class the device is below (ascending
 *  bytes) */
export interface DecodeCapture {
  sizes: readonly number[];
  maxBatch: number;
  byTp?: [number, number][];
  belowMemory?: { bytes: number; maxBatch: number; byTp?: [number, number][] }[];
}
// how a step that carries prompt tokens (a prefill, or a decode step with prompts beside: in-flight batching) launches
// under graphs decode / piecewise: eager (every kernel from the host), piecewise (captured graphs between the attention
// ops: vLLM V1's FULL_AND_PIECEWISE) or full (one captured graph). src/runtime/launch.ts launchMode
export type PromptGraphs = 'eager' | 'piecewise' | 'full';
export type KvCacheDefault = 'auto' | 'checkpoint' | 'fp8' | 'bf16' | 'fp16';
export interface RuntimeSettings {
  stepOverheadS: number; // host time per engine iteration the device sits idle for
  // host work per running sequence per iteration (scheduling, input preparation, sampling and output bookkeeping in
  // Python: src/runtime/host.ts); hostOverlap: the engine runs it one step ahead, behind the device's work
  hostPerSequenceS?: number;
  // a sampler on the host that walks the whole vocabulary for every sequence every iteration (llama.cpp's
  // common_sampler as ollama drives it): seconds per vocabulary entry, added to the per-sequence part
  hostSamplingPerVocabS?: number;
  // the device's idle time per decode step of a model without MLA while the attention backend plans on the host from
  // indices it copies back from the device with a blocking copy (SGLang 0.4's FlashInfer decode plan): the whole
  // exposed host time of such a step, in place of stepOverheadS where larger (src/runtime/host.ts decodePlanSyncSeconds)
  hostDecodePlanSyncS?: number;
  hostOverlap?: boolean;
  // the loop reads nothing back from the device between steps (Optimum Habana's generate() with ignore_eos: its stopping
  // check is a host integer, token_idx advances on the device), so the host runs ahead and the whole host time of a
  // step (stepOverheadS, worker calls, the per-sequence part) costs the step only beyond the device's work:
  // max(0, host - device) (src/runtime/host.ts)
  hostRunsAhead?: boolean;
  // a step's remote calls to its workers when the engine drives every device's worker over RPC (vLLM 0.2 at tp > 1:
  // one Ray actor call per worker, then a wait for all): roundTripS for the first call's round trip + perWorkerS for
  // each further worker's submission, on every iteration with more than one worker (src/runtime/host.ts); group 'tp':
  // the workers are the tensor-parallel group's (V0's per-step input broadcast), absent: every device's (tp x pp)
  workerRpc?: { roundTripS: number; perWorkerS: number; group?: 'tp' };
  // host time of one forward of an eager decode loop (a Python generate() loop over nn.Module layers, no graphs):
  // perLayerS per decoder layer (module calls, dispatch of the layer's kernels) + perStepS for the loop's own work and
  // the model's top; sync: the loop reads a device value every step ('step': the per-step part is exposed, the layers'
  // dispatch runs ahead of their kernels) or never ('none'). src/runtime/launch.ts eagerStepSeconds
  // byLayer: the same two times for other decoder layers, keyed by the layer's code (src/runtime/launch.ts
  // decoderHostArch: 'llama', 'llama_qk_norm', 'alibi'); perLayerS / perStepS are the fallback for a layer not listed
  decodeStep?: { perLayerS: number; perStepS: number; sync: 'step' | 'none'; byLayer?: Record<string, { perLayerS: number; perStepS: number }> };
  // host time of one eager encoder forward (nn.Module layers dispatched from Python, no loop sync inside):
  // perForwardS + perLayerS per encoder layer, against its kernels' device time (src/runtime/launch.ts eagerForwardSeconds)
  encoderForward?: { perLayerS: number; perForwardS: number };
  // host time per decoded row per step of a timestamp logits processor that walks the rows in Python, paid only when
  // the decoder samples timestamps (scheduler.timestamps: HF WhisperTimeStampLogitsProcessor)
  hostTimestampsPerSequenceS?: number;
  // host time per cache tensor gathered to the surviving beams after a beam-search step, issued from Python after the
  // step's sync (openai-whisper's PyTorchInference.rearrange_kv_cache): src/sim/whisper.ts
  hostBeamReorderPerCacheS?: number;
  // host time per second of audio to decode the input file to 16 kHz mono PCM before the first window, serial with the
  // device (the HF ASR pipeline's ffmpeg_read of a file or URL): src/sim/whisper.ts
  hostAudioDecodeS?: number;
  // host time per second of audio to compute the log-mel spectrogram on the CPU (an STFT, the mel filterbank product and
  // the log), serial with the device, which then has no front-end STFT of its own (faster-whisper's NumPy
  // FeatureExtractor, openai-whisper's transcribe() torch.stft on the CPU, the HF WhisperFeatureExtractor per chunk):
  // src/sim/whisper.ts. Absent: the log-mel runs on the device, in the encoder graph
  hostLogMelS?: number;
  // host time per second of audio of a voice-activity pass over the whole recording before the first window, serial
  // with the device, paid where the run filters with it (scheduler.vad: faster-whisper's vad_filter, Silero VAD on one
  // CPU thread): src/sim/whisper.ts
  hostVadS?: number;
  // host wall time per beam-search step of one sequence of a transcription, serial with the device and outside the
  // decoder's own time (whisper.cpp whisper_full: the logits copied to the host, whisper_process_logits and the top-k for
  // the beams on parallel threads, the candidates sorted, KV cells copied; its `sample time`): src/sim/whisper.ts, a
  // host-only `sample` phase where the beam width is > 1
  hostSampleBeamStepS?: number;
  // a MoE block that runs its experts one at a time from Python in an eager forward (HF transformers 4.x sparse MoE
  // blocks: `for expert_idx in range(num_experts)` or over the hit experts), each iteration a torch.where on the
  // expert's mask (nonzero: a read of the device), a row gather, the expert's nn.Linear calls and the index_add_:
  // perExpertS of host per iteration, over every expert of the layer ('all') or the experts the pass's tokens hit
  // ('hit'), added to the eager layers' dispatch (src/sim/moe-expert-loop.ts, src/runtime/launch.ts eagerStepSeconds)
  hostExpertLoop?: { perExpertS: number; experts: 'all' | 'hit' };
  // the serving front end (`serve`): the API-server process between the client and the engine, per request taken in
  // and per output token streamed, shared evenly by `processes` API servers (src/serve/frontend.ts). Absent: none
  // sharedWithEngine: the API server and the engine share one process (vLLM before 0.6), so the engine's next iteration
  // waits for the front end's work (src/serve/engine.ts)
  frontend?: { perRequestS: number; perOutputTokenS: number; processes: number; sharedWithEngine?: boolean };
  // perKernelS: host dispatch per kernel when the phase is not graph-captured (0 = hidden); perKernelByKindS: host
  // dispatch of a one-kernel op by op kind (eager framework code)
  launch: LaunchCosts & {
    // the host's dispatch per op when a run turns the graphs off (`--set runtime.graphs=none`), in place of perKernelS /
    // perKernelByKindS (src/runtime/override.ts eagerLaunch); absent: those stand
    eager?: LaunchCosts;
    graphs: GraphCapture; // which phases replay captured graphs (CUDA/HIP graphs, static NPU graphs)
    // what those phases replay: 'command_buffers' = the host records every step's kernels into command buffers ahead of
    // the GPU and submits them in batches (ggml-vulkan, ggml-metal, MLX): no graph the driver replays, so nothing a
    // graphs switch removes from the device time (src/runtime/override.ts graphsOffWarning); absent: device graphs
    // (CUDA / HIP graphs, static NPU graphs)
    capture?: LaunchCapture;
    // op names the host dispatches in every step, graphs or not: they run after the replayed forward (launch.outside_graph,
    // src/runtime/launch.ts launchFloorForOpS); absent: every op of a replayed step is in the graph
    outsideGraph?: readonly string[];
    // the run's own `--set runtime.graphs=none` turned off graphs this runtime captures on this part (applyOwnOverride);
    // absent: graphs as the runtime and part have them
    graphsOffByRun?: boolean;
    promptSteps?: PromptGraphs; // how steps with prompt tokens launch under graphs decode / piecewise (absent: eager)
    deviceGap: boolean; // whether the hardware's per-kernel gap (efficiency.kernel_overhead) applies; false: ideal
    // device time of a pointwise kernel replayed from a captured graph, in place of the hardware's per-kernel gap for the
    // pointwise ops of a graph-replayed decode step (src/runtime/launch.ts graphGapS); absent: the hardware's gap
    graphGapS?: number;
    // the host's cost of each attention split point of a piecewise-replayed step (the op's call and the next piece's
    // replay: launch.split_point; src/runtime/launch.ts launchFloorForOpS); absent: perKernelByKindS / perKernelS
    splitPointS?: number;
    // the batch sizes (sequences per rank, ascending) the runtime captured decode graphs for, with padding on: a pure decode
    // step runs the graph of the smallest captured size ≥ its batch, its ops over the padded rows but attention over the
    // real sequences (src/sim/graph-padding.ts). Absent: no padding (every decode step priced at its own batch)
    graphBatchSizes?: readonly number[];
    // the engine's own decode-graph capture by default (SGLang's cuda_graph_bs up to cuda_graph_max_bs, by device memory
    // and tp), which `serve` replays: its iterations pad to the captured sizes and run eagerly above the largest, each
    // kernel dispatched from the host (src/sim/graph-padding.ts). simulate's steady batch does not take it (its
    // throughput stays monotone in the batch); graphBatchSizes, where a run sets it, applies to both. Absent: none
    decodeCapture?: DecodeCapture;
    // the longest context (tokens) a captured decode graph serves: a decode step whose longest sequence is longer runs
    // eagerly, every kernel dispatched from the host (vLLM V0's max_seq_len_to_capture; src/sim/graph-padding.ts
    // decodeContextEagerShare). Absent: no limit
    captureMaxContext?: number;
  };
  memory: {
    share: number; // usable share (see basis)
    // free: of what weights and workspace leave (TensorRT-LLM); device: of the whole device (vLLM); startup: of what is
    // free once the runtime has started (CUDA context, communicators), for weights and KV cache alone, the activation
    // workspace living in the rest (SGLang's mem_fraction_static: src/sim/memory.ts usableBytes)
    basis: 'free' | 'device' | 'startup';
    reserveBytes: number; // runtime context (CUDA context, library workspaces) on a discrete device
    // the reserve by tensor-parallel size, [smallest tp, bytes] ascending (communicator buffers grow with the group): the
    // entry with the largest tp ≤ the layout's replaces reserveBytes
    reserveByTp?: [number, number][];
    unifiedShare: number; // share of RAM usable on unified-memory parts (Metal recommendedMaxWorkingSetSize)
    // the engine's default share by tensor-parallel size, [smallest tp, share] ascending (SGLang mem_fraction_static);
    // the entry with the largest tp ≤ the layout's replaces `share` (src/sim/memory.ts)
    shareByTp?: [number, number][];
    // 'sglang': with basis device, the share is SGLang's own default for the device and tp (src/runtime/sglang-memory.ts)
    // instead of share / shareByTp; absent or 'fixed': share / shareByTp
    shareRule?: 'fixed' | 'sglang';
    // buffers the runtime allocates per sequence slot of its max batch before it sizes the KV cache (TensorRT-LLM's
    // decoder state and runtime buffers: src/sim/memory.ts slotBytes), bytes per slot per token of the engine's max
    // sequence length and per padded vocabulary entry; they replace the generic [batch, vocab] fp32 logits term
    slot?: { perSeqToken: number; perVocab: number };
  };
  // maxNumSeqs: requests in flight the engine admits by default; benchMaxNumSeqs: what the runtime's own offline benchmark
  // admits where it overrides that default (trtllm-bench's tuning), which `simulate --batch max` searches within
  // batching: 'static' = a fixed batch is prefilled together and decoded to the end before the next (Optimum Habana's
  // text-generation example); default in-flight (continuous) batching.
  // admission (serve): 'reserve' = a request is admitted only when the KV cache holds its input + output and every
  // running request's, so none is ever evicted (TensorRT-LLM's default GUARANTEED_NO_EVICT); 'preempt' = admitted
  // while its prompt fits now, the newest running request preempted and recomputed when decodes run out of room
  // (vLLM, TensorRT-LLM MAX_UTILIZATION); 'estimate' = preempt, and a request is admitted only while its input + output
  // fits beside new_token_ratio x the running requests' outputs to come (SGLang's PrefillAdder,
  // src/serve/new-token-ratio.ts). Absent: preempt.
  // belowMemory: the engine's defaults on devices with less memory than `bytes` (vLLM get_batch_defaults, SGLang
  // server_args), applied when the runtime is bound to a hardware (src/runtime/resolve.ts); ascending by bytes, a device
  // takes the first class it is below (SGLang's several tiers)
  // audioWindows (Whisper): the 30 s windows of a long recording encoded and decoded together as one batch (absent:
  // batched) or one after another, each decoded before the next is encoded (whisper.cpp's and openai-whisper's seek loop)
  // encoderMaxNumTokens: encoder frames an in-flight executor admits per iteration (TensorRT-LLM's encoder engine
  // max_num_tokens), or 'max_num_batched_tokens' where it follows the step's budget (vLLM); absent: no cap
  // audioBatch: windows per pass (the HF ASR pipeline's batch_size); audioWindowStepS: hop between window starts (the
  // pipeline's chunk stride: 30 s windows every 20 s); conditionOnPreviousText: the previous window's text is the
  // next window's prompt (openai-whisper, faster-whisper transcribe()); timestamps: the decoder samples timestamp tokens
  // (two per segment) and a sequential seek loop moves to the last complete segment (absent: on for a sequential runtime,
  // off for a batched one); vad: the run filters the recording with a voice-activity detector first, paying host.vad
  // per second of audio (absent: off); logMelOverlap: the host log-mel runs in a front-end process beside the engine
  // core, which starts on the first request handed to it (vLLM V1), so only what outlasts the device's work is exposed
  // (absent: serial, before the first window); beamSize: beams per window in the decoder;
  // beamCrossKv: the cross-attention K/V under beam search — 'shared' (stored once per audio, beams folded into the
  // query rows: CTranslate2), 'broadcast' (stored once, read per beam: openai-whisper), 'per_beam' (projected, stored
  // and read per beam: HF transformers); beamReorder: the caches gathered to the surviving beams after each step
  // ('self': the self-attention cache; 'all': and the cross cache); beamPrompt: the prompt run once per window and its
  // cache replicated to the beams (CTranslate2), or run per beam (absent: per_beam). src/sim/whisper.ts
  // longContext, unchunkedCoversContext (serve): the engine's defaults by the model's max_model_len (vLLM V0: chunked
  // prefill with its own budget above 32K tokens; without chunked prefill a step's tokens cover max_model_len)
  // mixedBatches (serve): decodes share the iterations that run prefill chunks (absent: true, vLLM / TensorRT-LLM);
  // false: an iteration runs prefill chunks alone when it can form one and decodes otherwise (SGLang's default,
  // enable_mixed_chunk False; src/serve/scheduler.ts)
  // unchunkedPrefillFirst (serve): when chunked prefill is off, iterations are unmixed as above (vLLM V0's
  // _schedule_default); when it is on (long context, --set), they mix (V0's _schedule_chunked_prefill)
  // overlapSchedule (serve): the engine composes batch n+1 while batch n runs (one-step overlap), so an iteration that
  // follows the previous one back to back admits only the requests queued when that one began (absent: false)
  // steps (simulate, serve): decode steps per scheduling (vLLM V0's multi-step scheduling, num_scheduler_steps): a
  // decode-only step pays 1/steps of host.per_sequence (src/runtime/host.ts); absent: 1
  // sampling, penalties (the run's own: what its client sends, set with --set runtime.sampling / runtime.penalties):
  // 'greedy' (absent: an argmax over the logits), 'random' (temperature only), 'top-p' (top-p, with or without top-k);
  // penalties: repetition / frequency / presence penalties applied to the logits. Priced by kernels.sampler.
  // ubatch (simulate): a single sequence's prompt runs as passes of at most this many tokens, each over all the weights
  // (llama.cpp's physical batch n_ubatch, MLX's prefill_step_size); absent: one pass (src/sim/ubatch.ts)
  // pipelineCopies (simulate, pp > 1): a stage takes the next ubatch while later stages run earlier ones, at most this many
  // ubatches in flight (ggml's GGML_SCHED_MAX_COPIES); absent: a prompt's ubatches cross the stages one after another.
  // moeHostSync: the MoE GEMM synchronises the host with its device every call, so for a MoE model the copies never
  // overlap (ggml-cuda MUL_MAT_ID before llama.cpp PR #15525: src/sim/decoder.ts coldPrefillSeconds)
  scheduler: { maxNumSeqs?: number; ubatch?: number; pipelineCopies?: number; moeHostSync?: boolean; maxNumBatchedTokens?: number; benchMaxNumSeqs?: number; chunkedPrefill: boolean; batching?: Batching; admission?: Admission; audioWindows?: 'batched' | 'sequential'; encoderMaxNumTokens?: number | 'max_num_batched_tokens'; audioBatch?: number; audioWindowStepS?: number; conditionOnPreviousText?: boolean; timestamps?: boolean; vad?: boolean; logMelOverlap?: boolean; beamSize?: number; beamCrossKv?: 'shared' | 'broadcast' | 'per_beam'; beamReorder?: 'none' | 'self' | 'all'; beamPrompt?: 'once' | 'per_beam'; sampling?: Sampling; penalties?: boolean; belowMemory?: { bytes: number; maxNumSeqs?: number; maxNumBatchedTokens?: number }[]; longContext?: { above: number; chunkedPrefill?: boolean; maxNumBatchedTokens?: number }; unchunkedCoversContext?: boolean; mlaUnchunked?: boolean; mixedBatches?: boolean; dpRankChunks?: boolean | number; dpConservativeness?: number; poolSeqs?: { perContext: number; min: number }; unchunkedPrefillFirst?: boolean; overlapSchedule?: boolean; steps?: number };
  // share of each communication the runtime issues behind compute (0 = fully exposed; src/sim/overlap.ts prices it);
  // fsdpPrefetch undefined: the engine's own bucket model (one unit exposed, 1 − 1/buckets); dpGrad undefined: 1
  // (streamed behind the backward / forward, the last bucket exposed: src/sim/training/dp-overlap.ts); tpCommPrefetch
  // undefined: 0 (no TP collective hides behind the next dense GEMMs' weight prefetch: src/sim/weight-prefetch.ts)
  overlap: { tpComm: number; tpCommPrefetch?: number; fsdpPrefetch?: number; dpGrad?: number; epTwoBatch: number };
  staticContext?: number; // graphs compiled for a fixed context: every decode step attends over that many tokens
  // a static-shape generate() pads each batch to its input + output tokens and allocates the KV cache at that length:
  // every decode step attends over the whole of it (optimum-habana without --bucket_internal: src/sim/decoder.ts)
  staticRequest?: boolean;
  // KV-cache element type when --kv-cache is not given (src/runtime/kv-cache.ts): 'auto' = the model's 16-bit dtype
  // whatever the weights and GEMMs are (vLLM / SGLang --kv-cache-dtype auto); 'checkpoint' = the quantization
  // scheme's cache (an fp8 / fp4 checkpoint carries an fp8 cache: TensorRT-LLM with ModelOpt checkpoints); a dtype =
  // always that one. Absent: checkpoint (hwperf's scheme table, docs/design.md).
  kvCacheDefault?: KvCacheDefault;
  kernels: {
    gguf?: 'mmq' | 'dequant';
    fp8Fallback?: 'weight-only' | 'none';
    moe?: string;
    attention?: string;
    gemm?: string;
    // kernel-selection thresholds and kernel rates (src/sim/kernel-physics.ts reads them; defaults there)
    gemvMaxRows?: number; // rows up to which GEMMs run as matrix-vector kernels (llama.cpp MMVQ_MAX_BATCH_SIZE)
    // what the runtime's 16-bit GEMMs accumulate in: 'fp16' (ggml-cuda's cuBLAS path, CUBLAS_COMPUTE_16F) runs at the
    // part's compute.fp16_accumulate rate where the spec gives one; default fp32 (matrix.fp16)
    gemmAccumulate?: 'fp16' | 'fp32';
    // which unit the runtime's dense W8A8 int8 linears run on: 'vector' (SGLang's CPU int8_scaled_mm: AVX-512 VNNI, no
    // AMX) multiplies at the part's compute.vector.int8 rate; default the part's int8 matrix rate (src/sim/roofline.ts)
    int8Gemm?: 'matrix' | 'vector';
    // the activation dtype the runtime's MoE kernel takes with MXFP4 expert weights (model fp4_scaling: mxfp4) on a part
    // with FP4 matrix units: 'bf16' (the weights are converted in the kernel and multiplied at the 16-bit rate: vLLM's
    // default FlashInfer TRT-LLM MXFP4 x BF16 MoE on SM100), 'fp8' (activations quantized to MXFP8, the FP8 rate: SGLang's
    // default flashinfer_mxfp4 precision), 'fp4'; absent: the fp4 rate. src/sim/peaks.ts
    mxfp4MoeActivations?: 'bf16' | 'fp8' | 'fp4';
    // device time a dense GEMM call of the runtime's GEMM library takes beyond its bytes and FLOPs (hipBLASLt at M = 1
    // on MI300X: ~14 µs), in place of the hardware's per-kernel gap where larger (src/sim/roofline.ts)
    gemmFixedS?: number;
    // least device time of one decode-attention call over MLA's shared latent (the runtime's MLA decode kernel: split-KV
    // stage and reduce), in place of the hardware's per-kernel gap where larger; its KV read stays beside it
    // (src/sim/roofline.ts)
    mlaDecodeFixedS?: number;
    // kernels the runtime's absorbed MLA decode launches per layer beyond the decoder graph's ops (SGLang's
    // forward_absorb: latent RMSNorms, rope, KV-cache write, casts around the absorbed BMMs, q/k concatenation), each
    // lasting at least the part's per-kernel gap; carried on kv_b_proj in decode passes (src/sim/mla-decode-kernels.ts)
    mlaDecodeKernels?: number;
    // the fraction of the part's HBM bandwidth at which the runtime's MLA decode kernel streams the latent KV cache, for
    // a 16-bit and an 8-bit cache, measured; in place of the part's STREAM fraction for the decode-attention op over
    // MLA's latent (src/sim/roofline.ts memoryEfficiency)
    mlaDecodeMemory?: number;
    mlaDecodeMemoryKv8?: number;
    // kernels of the rotary embedding per attention layer outside the attention call (a `rope` op) and of the paged
    // KV-cache write beside it (a `kv_write` op; none where a measured attention call holds it), src/sim/layer-kernels.ts;
    // per-head K/V models only
    ropeKernels?: number;
    kvWriteKernels?: number;
    // per-tensor FP8 linears whose bf16 input (a norm's output) the runtime quantizes in a kernel of its own: an
    // `input_quant` op before qkv_proj, a dense ffn_up and the MoE permute (src/sim/layer-kernels.ts)
    fp8InputQuant?: boolean;
    // expert parallelism without an all-to-all (the tokens replicated on every rank): the runtime's fused MoE runs every
    // token's k rows, the other ranks' experts' rows masked (zeros written by the grouped GEMMs, the activation and the
    // top-k sum over all of them): a `moe_ep_rows` op with that traffic (src/sim/ep-all-rows.ts)
    moeEpAllRows?: boolean;
    // models (id prefixes) whose MoE blocks the runtime runs densely: every expert over every token, the outputs weighted
    // by the routing weights (optimum-habana's gpt-oss experts on HPU): src/sim/moe-dense-experts.ts
    moeDenseModels?: string[];
    // rows up to which the runtime's own skinny GEMM kernel, not the library, takes a dense GEMM of that compute dtype
    // (vLLM on ROCm: wvSplitKQ for fp8 at one row, wvSplitK for 16-bit at up to 4): gemmFixedS applies above them only,
    // and such a GEMM never costs more than the skinny kernel taking that many rows at a time (src/sim/roofline.ts)
    skinnyGemmRows?: Partial<Record<Dtype, number>>;
    // how the runtime runs multi-head latent attention (src/runtime/mla-cache.ts): over the latent ('absorbed', the
    // default) or expanded to per-head K/V with a per-head cache ('expanded': vLLM before v0.7.1)
    mla?: 'absorbed' | 'expanded';
    // how its prefill attention runs for an MLA model with a latent cache: up-projected per-head K/V ('expanded', the
    // default) or absorbed over the latent ('absorbed'); src/runtime/mla-cache.ts
    mlaPrefill?: 'expanded' | 'absorbed';
    // GEMMs the runtime runs as one kernel over weights concatenated at load time (src/sim/runtime-fusions.ts): an MLA
    // model's q_a_proj and kv_a_proj ('mla_fused_a'), and the shared experts of a model with exactly these routed and
    // shared expert counts as extra experts of the routed MoE kernel ('moe_shared_fused'; not under expert parallelism)
    mlaFusedA?: boolean;
    // the expert all-to-all (dispatch + combine) of a step with no extend tokens: DeepEP's low-latency kernels
    // (SGLang --moe-a2a-backend deepep, --deepep-mode auto / low_latency; vLLM all2all backend deepep_low_latency),
    // priced from their kernel benchmark (src/sim/deepep-low-latency.ts); absent: the collective library's all-to-all
    moeA2aDecode?: 'deepep_low_latency';
    moeSharedFused?: { routedExperts: number; sharedExperts: number };
    // how the routed experts meet the tokens under attention data parallelism (--attention-dp): absent, each rank's tokens
    // are dispatched to the experts' ranks by an all-to-all and combined back (TensorRT-LLM, DeepEP); a gather mode
    // (SGLang without DeepEP) collects every rank's tokens on every rank with `gather`, runs the MoE, the shared experts
    // and the dense FFN layers tensor-parallel over all of them, and reduces each rank's share back with `combine`
    // (src/model/decoder-graph.ts, src/sim/parallel.ts DpMoe); `decode`: the pair of a step with no extend tokens, where
    // the runtime picks another one there (SGLang's MAX_LEN padding)
    attentionDpMoe?: AttentionDpMoe;
    // fraction of the fp8 matrix peak the runtime's block-scaled FP8 GEMM kernels reach once the chip is full (a cap on
    // the hardware's fp8 GEMM table for GEMMs of block-FP8 checkpoints: Triton w8a8_block_fp8_matmul / CUTLASS
    // blockwise), and its grouped MoE counterpart (Triton fused_moe with block scales: one number, or a MoeEfficiency
    // table as fp4MoeEfficiency); src/sim/roofline.ts
    fp8BlockEfficiency?: number;
    fp8BlockMoeEfficiency?: MoeEfficiency;
    // fraction of the fp8 matrix peak the runtime's grouped per-tensor-scaled fp8 MoE kernel reaches (TensorRT-LLM's
    // CUTLASS fused MoE with fp8 experts), in the same forms; src/sim/kernel-caps.ts
    fp8MoeEfficiency?: MoeEfficiency;
    // whether the runtime's attention kernels quantize the query to an 8-bit KV cache's type and multiply in 8 bits (true,
    // the default: FlashAttention 3 / TensorRT-LLM FP8 context FMHA) or dequantize the cached K/V to the 16-bit query
    // and multiply in 16 bits (false: vLLM's Triton attention kernels on ROCm); src/sim/peaks.ts opPeak
    attentionQuantizedQuery?: boolean;
    // fraction of the fp8 matrix peak the runtime's per-tensor-scaled fp8 GEMMs reach (a cap on the hardware's fp8 table,
    // whose library this runtime does not reach: ROCm Transformer Engine of October 2024, runtimes/te-rocm-2024.yaml);
    // dense, not block-scaled GEMMs only; src/sim/roofline.ts
    fp8TensorEfficiency?: number;
    // fraction of the fp4 matrix peak the runtime's fused NVFP4 MoE kernel reaches (a cap on the hardware's fp4 table for
    // grouped expert GEMMs): one number, or by one local expert's GEMM MACs (sizes: rows per expert × d × I slice,
    // Op.expertMacs, interpolated in log(size) as the hardware's GEMM size tables are), or by that size and the rank's
    // local experts (one table per local-expert count, Op.localExperts, interpolated in log(count)); src/sim/kernel-caps.ts
    fp4MoeEfficiency?: MoeEfficiency;
    // fraction of the 16-bit matrix peak the runtime's grouped MoE kernel reaches when narrow-float expert weights run
    // weight-only (no fp8/fp4 tensor cores: dequantized in the kernel to 16-bit math; vLLM's fused Marlin MoE), a cap on
    // the hardware's GEMM table for those grouped GEMMs; src/sim/roofline.ts
    weightOnlyMoeEfficiency?: number;
    // the same cap for vLLM's fused Marlin MoE where the runtime's default weight-only MoE kernel is another one (vLLM on
    // Hopper from v0.12: OpenAI's triton_kernels matmul_ogs) and the run chose Marlin or ran a release that defaulted to
    // it (weightOnlyMoeKernel 'marlin', --set runtime.weight_only_moe=marlin); src/sim/kernel-caps.ts
    marlinMoeEfficiency?: number;
    // which weight-only MoE kernel the run used: 'default' (the runtime file's weightOnlyMoeEfficiency) or 'marlin'
    // (marlinMoeEfficiency where the file sets one); set by --set runtime.weight_only_moe
    weightOnlyMoeKernel?: WeightOnlyMoeKernel;
    // W4A16 (int4 weights, 16-bit activations: AWQ / GPTQ checkpoints) dense GEMMs above the matrix-vector rows
    // (src/sim/w4a16-gemm.ts): the runtime's int4 GEMM kernel splits K over w4a16SplitK blocks that each write an fp16
    // partial output, summed by a reduction kernel of its own (AutoAWQ / vLLM awq_gemm: torch::empty({split_k, M, N}) then
    // _out_feats.sum(0)); from w4a16Fp16FromTokens tokens up it instead dequantizes the weights to fp16 in a kernel of its
    // own and runs a 16-bit BLAS GEMM (AutoAWQ WQLinear_GEMM FP16_MATMUL_HEURISTIC_CONDITION); w4a16FusedMlp: the fused
    // MLP calls the split-K kernel for the gate and up projections directly, whatever the tokens (AutoAWQ 0.1.x QuantFusedMLP)
    w4a16SplitK?: number;
    // that split-K kernel's measured rate in FLOP per SM (compute unit) per clock, over its rows padded to whole 16-row M
    // tiles (each 16-row tile dequantizes the whole int4 weight matrix again): a floor on the op's compute time, applied
    // per unit and clock on the part (src/sim/w4a16-gemm.ts w4a16SplitKS); one rate, or a table by the GEMM's count of
    // 16-row tiles (sizes: tiles, interpolated in log(tiles) and held at both ends, as the hardware's size tables are)
    w4a16SplitKFlopPerUnitClock?: number | EfficiencyTable;
    w4a16Fp16FromTokens?: number;
    w4a16FusedMlp?: boolean;
    // a weight-only int4 GEMM kernel timed by its row count (TensorRT-LLM's WeightOnly(Groupwise)QuantMatmul plugins: a
    // batched GEMV below 5 rows, CUTLASS fpA_intB above): the fraction of peak DRAM bandwidth its int4 weights stream at
    // and its fixed time per call (in place of the per-kernel gap when larger), each by rows (sizes: the GEMM's rows,
    // interpolated in log(rows) and held at both ends); src/sim/w4a16-gemm.ts w4a16Stream
    w4a16Stream?: { bandwidth: EfficiencyTable; fixedS: EfficiencyTable };
    // a decoder's prompt attention written out in Python ops (AutoAWQ / TinyChat fused attention at seqlen > 1:
    // matmul, scale, mask add, fp32 softmax, cast, matmul): every query·key pair computed, the score matrix crossing
    // DRAM bytesPerScore bytes per element in `kernels` launches (src/sim/written-prefill-attention.ts)
    // decodeBytesPerScore: a decode step writes its scores out too (src/sim/written-prefill-attention.ts)
    prefillScores?: { bytesPerScore: number; kernels: number; decodeBytesPerScore?: number };
    // seconds each call of that weight-only grouped MoE kernel takes beyond its roofline body, whatever its size (SGLang's
    // triton_kernels matmul_ogs on Hopper, measured against vLLM's fused Marlin MoE); src/sim/roofline.ts
    weightOnlyMoeFixedS?: number;
    // int4 (AWQ / GPTQ) experts through a MoE kernel that launches once per local expert (vLLM's marlin_gemm_moe before
    // PR #14447: csrc/moe/marlin_moe_ops.cu marlin_mm_moe loops `for (expert_idx < num_experts)`, the experts without
    // rows returning at once), for layers of at most upToExperts local experts (absent: every layer); src/sim/roofline.ts
    int4MoePerExpert?: { upToExperts?: number };
    // bits per weight (scales included) the runtime's quantizer stores for a --weights scheme, the linears' and the LM
    // head's, in place of hwperf's scheme table (gpt-fast's int4 G=32 with bf16 scale + zero per group: 5; its int8
    // quantizes the LM head too). src/model/quant.ts runtimeBits.
    quantizedWeightBits?: Partial<Record<'int4' | 'int8' | 'q4_0' | 'q4_k_m' | 'q8_0', number>>;
    quantizedHeadBits?: Partial<Record<'int4' | 'int8' | 'q4_0' | 'q4_k_m' | 'q8_0', number>>;
    // small-M tiled GEMM kernels that give each CTA (one SM / CU) one tile_n-wide strip of the weights over the whole K
    // with no split-K (vLLM/SGLang Triton fused_moe, Triton/CUTLASS block-FP8 linear): the weight bytes one SM streams
    // per second (rateBytePerS), the strip width, and which GEMMs run that way (src/sim/kernel-physics.ts tiledStreamS)
    // (blockFp8Moe: block-FP8 experts through a kernel of their own, false where that kernel is no strip kernel;
    // weightOnlyMoe: narrow-float experts run weight-only through the runtime's default weight-only MoE kernel, not
    // Marlin: vLLM's triton_kernels matmul_ogs on Hopper and CDNA 3, its xcds the XCD count its block_n heuristic reads
    // where the strip width follows the grid (CDNA: src/sim/kernel-physics.ts gridStripWidth); int4Moe: int4 (AWQ / GPTQ) experts through the runtime's int4
    // MoE kernel, vLLM's and SGLang's fused Marlin MoE on Hopper, its efficiency a cap at prompt sizes; blockFp8Linear: block-FP8 linear layers through a kernel of
    // their own, SGLang 0.5.x's DeepGEMM on SM90 and SM100; its fixedS: the whole call, activation quantization and GEMM,
    // beyond its body where the step is replayed from a graph, in place of the part's per-kernel gap on each of the two)
    tiledGemm?: TiledGemm;
    moeMinTileRows?: number; // smallest M tile of the grouped MoE GEMM (vLLM fused_moe BLOCK_SIZE_M)
    mmaTileRows?: number; // largest M tile counted as padding
    // a dense tiled GEMM computes whole tiles of this many rows: fewer rows cost the tile (ggml-metal's kernel_mul_mm
    // before its small-batch kernels, 32-row N tile: src/sim/roofline.ts)
    denseTileRows?: number;
    // grouped (MoE) GEMM whose row tile the kernel sizes from the batch's token count, up to this many rows, instead of
    // from the rows each group gets (ggml-cuda MMQ MUL_MAT_ID: mmq_x from ncols_max = tokens)
    groupTileFromTokens?: number;
    // the most tokens for which a grouped (MoE) GEMM takes the matrix-vector kernel (ggml-cuda through 2025: MUL_MAT_ID
    // with one token only); absent: gemvMaxRows, by the same count as dense GEMMs
    groupGemvMaxTokens?: number;
    // how the runtime picks matrix-vector vs tiled kernels: 'fastest' (default) or 'threshold' (fixed row count, ggml)
    kernelChoice?: 'fastest' | 'threshold';
    // prefill flash attention that skips KV only past the last unmasked key, and only from this many queries up
    // (ggml-cuda launch_fattn: flash_attn_mask_to_KV_max when Q->ne[1] >= 1024): below it every query meets every
    // cached key; sliding windows are masks, never skipped (src/sim/ggml-kernels.ts)
    attentionMaskScan?: number;
    // prefill flash attention whose blocks split the (query tile, KV tile) space evenly, every query tile counted over
    // the whole KV view (ggml-cuda's mma kernel with stream-K, launch_fattn: on NVIDIA from Ada up): the blocks of the
    // last query tiles meet every cell, so the kernel lasts as long as the unmasked rectangle would, whatever the
    // mask lets the other blocks skip (src/sim/ggml-kernels.ts)
    attentionStreamK?: boolean;
    // a local-attention (sliding / chunked) layer's KV cache holds its window plus one ubatch of cells (llama.cpp's iSWA
    // cache: size_swa = pad(n_swa + n_ubatch, 256)), so from a prompt's second ubatch on that layer's KV view is that
    // ring, not the prompt so far (src/sim/ggml-kernels.ts)
    localCacheUbatch?: boolean;
    // decode attention whose kernel streams the K/V of a KV head once per query head of its group (ggml-metal's
    // flash-attn vec kernel: one threadgroup per query head, no sharing across a GQA group): the KV bytes a decode step
    // reads scale by heads / kv_heads (src/sim/ggml-kernels.ts)
    kvPerQueryHead?: boolean;
    // decode rows of a step that also carries prefill tokens run inside the prefill's varlen attention kernel, each
    // sequence's one query computed as a query tile of this many rows per query head (FlashAttention-2 on SM8x under
    // vLLM V1: one flash_attn_varlen_func call, split-KV dispatch kBlockM 64); 0 or absent: decode rows keep their own
    // decode kernel (src/sim/mixed-decode-tiles.ts)
    mixedDecodeTileRows?: number;
    // decode attention that loads each sequence's KV in whole blocks of this many tokens, the last one full whatever the
    // sequence's length (a Pallas paged-attention kernel's pages_per_compute_block × page_size): a decode step reads its
    // context rounded up to a multiple of it (src/sim/kv-read-blocks.ts)
    decodeKvBlock?: number;
    // the most FLOP/s a prompt's attention reaches for a model with attention sinks (gpt-oss), where the runtime runs such
    // models on a slower kernel than its fused-attention default (vLLM's Triton unified attention off Hopper: 16-row
    // query tiles); caps the prefill attention ops of those models only (src/sim/roofline.ts)
    sinkAttentionFlopPerS?: number;
    // the most FLOP/s a prompt's attention reaches under this runtime on this part, every model (ggml-cpu: the scores
    // and values are plain tinyBLAS GEMMs head by head, not a fused kernel on the matrix units; src/sim/roofline.ts)
    promptAttentionFlopPerS?: number;
    // kernels a prompt's attention adds per query head on the device beyond its decode_graph count (ggml-cpu: each head's
    // tinyBLAS call opens and closes with a barrier across all threads, src/sim/ggml-kernels.ts)
    promptAttentionHeadKernels?: number;
    ggufFlopPerUnitClock?: number; // GGUF quantized-matmul FLOP per SM/CU per clock at the reference shape
    ggufGroupFlopPerUnitClock?: number; // the most FLOP per SM/CU/core per clock the grouped (MoE) GGUF kernel reaches
    // a decode attention kernel that runs one thread block per QUERY head (FasterTransformer's masked MHA lineage:
    // TensorRT-LLM before XQA, vLLM's paged_attention v1/v2): the most FLOP per SM per clock its per-(cached element, query
    // head) work reaches, so each KV head's cache is worked through once per query head of its group (src/sim/roofline.ts);
    // replaces a measured decode_attention table of the runtime it extends
    decodeAttentionFlopPerUnitClock?: number;
    ggufFlopPerS?: number; // GGUF quantized-matmul FLOP/s measured on this part at the reference shape (wins)
    // the MMQ kernel's rate by GEMM FLOP over its reference-shape rate, measured on the part (src/sim/gguf-shape.ts);
    // 'class': the part's 16-bit GEMM table sets the fall-off (a runtime that extends one with a table, on another kernel)
    ggufShape?: EfficiencyTable | 'class';
    gemvFlopPerS?: number; // FLOP/s the matrix-vector kernel reaches on this part at gemvMaxRows rows (its compute ceiling)
    gemmFlopPerS?: number; // FLOP/s the runtime's BLAS library reaches for large 16-bit GEMMs on this part (caps the hardware's table)
    // ggml-style graphs (src/sim/ggml-kernels.ts): device time of one small dependent kernel in GPU clock cycles (replaces
    // the hardware's efficiency.kernel_overhead where the part has a clock), kernels per decoder-graph op (GEMM ops:
    // matmul kernels), and whether each quantized matmul first quantizes its activations in a kernel of its own
    kernelCycles?: number;
    // fraction of the matrix peak the runtime's fused attention kernel reaches on this part (replaces the hardware's
    // efficiency.attention; e.g. PyTorch SDPA's FlashAttention-2 on Hopper)
    attentionEfficiency?: number;
    // the runtime's fused attention at head dim ≤ 64 (training), as fractions of its head-dim-128 forward and backward
    // rates at the same keys per query (the hardware's efficiency.attention and attention_backward are head-dim-128
    // timings); absent: head dim does not change the rate (src/sim/training/layer-cost.ts)
    attentionHeadDim64?: { forward: number; backward: number };
    // the runtime's measured attention kernels over per-head K/V (not MLA's latent), where they differ from the hardware's
    // single fused-attention fraction and STREAM rate (src/sim/roofline.ts):
    //  - prefillAttention: context (prefill) attention as a fraction of the attention dtype's matrix peak by prompt length
    //    (sizes: tokens per sequence, interpolated in log(length) and clamped), one table per attention dtype; measured
    //    under load, so the part's sustained_matrix share is not applied on top
    //  - decodeAttention: one decode-attention call costs fixedS (in place of the per-kernel gap when larger) plus
    //    perSequenceHeadS for each sequence × KV head of the call, and reads its KV at `bandwidth` of peak DRAM bandwidth,
    //    by KV-cache width (kv8: 8-bit or narrower, kv16: 16-bit)
    prefillAttention?: Partial<Record<'fp8' | 'bf16', EfficiencyTable>>;
    decodeAttention?: Partial<Record<'kv8' | 'kv16', { fixedS: number; perSequenceHeadS: number; bandwidth: number }>>;
    decodeGraph?: Record<string, number>;
    quantizeActivations?: boolean;
    // GGUF GEMMs above the matrix-vector rows first dequantize their weights to a 16-bit copy in a kernel of their own,
    // then run a BLAS GEMM on the copy (ggml-sycl: ggml_sycl_op_mul_mat_sycl, to_fp16_sycl + oneDNN); src/sim/roofline.ts
    dequantizeWeights?: boolean;
    // with gguf 'dequant': the GEMM rows (tokens) from which the runtime dequantizes; below them it runs its own
    // quantized kernel (ggml-hip on RDNA 3: MMQ below MMQ_DP4A_MAX_BATCH_SIZE = 64); unset: every tiled GGUF GEMM
    dequantizeFromTokens?: number;
    // weight-only int8 GEMMs (1-byte weights, 16-bit inputs): 'dequant' = a kernel converts the weights to a 16-bit copy,
    // then a 16-bit library GEMM reads the copy (DeepSpeed-Inference; src/sim/dequant-pass.ts int8WeightDequant)
    int8Weights?: 'dequant';
    // how the runtime runs the non-decoder graphs (encoders, Whisper, DiT, VAE; src/sim/runtime-ops.ts): attention
    // materialised as separate kernels (bytes moved per score element, kernels per call), activation element size,
    // bias adds as separate kernels, GEMM inputs/outputs converted to 16-bit around cuBLAS, kernels per norm
    attentionScores?: { bytesPerScore: number; kernels: number; liveBytesPerScore?: number; decodeKernels?: number; headTransposes?: number; selfSplit?: number }; // liveBytesPerScore: score bytes alive at once (memory); decodeKernels: kernels per call at matrix-vector query counts; headTransposes: + kernels where a call has more than one query row per sequence; selfSplit: + kernels of a self-attention (the fused projection split into Q, K, V)
    // tokens up to which a GEMM's bias add runs inside the matrix-vector kernel (no kernel of its own): ggml-cuda fuses
    // MUL_MAT + ADD into mul_mat_vec_f for ncols_dst = 1
    biasFusedRows?: number;
    // device time of one small dependent kernel in seconds (replaces efficiency.kernel_overhead and kernelCycles): a
    // measured per-dispatch cost on a part without a clock in its spec (Metal)
    kernelTimeS?: number;
    // MLX's command-buffer rule (mlx/backend/metal/device.cpp): a buffer is committed once it holds more than maxOps
    // dispatches or its distinct inputs more than maxMb Mi elements (data_size(), in elements, not bytes); a committed
    // buffer takes at least floorS of GPU time (src/sim/command-buffers.ts)
    commandBuffer?: { maxOps: number; maxMb: number; floorS: number };
    activationBytes?: number;
    // how a decode step adds its K/V to the self-attention cache: 'copy' = the whole cache is copied into a new tensor
    // each step (torch.cat in openai-whisper's hooks and HF DynamicCache; CTranslate2 ops::Concat); absent: in place
    kvAppend?: 'in_place' | 'copy';
    // kernels of that copy for K and V together (default 2: one torch.cat each; CTranslate2's ops::Concat runs one
    // thrust::scatter per input, the cache and the step's: 4)
    kvAppendKernels?: number;
    // a decoder's attention expands the cached K/V to every query head before the attention call, a copy each step
    // (transformers' repeat_kv in Qwen2/Mistral FlashAttention2 before v4.48 and every 4.x SDPA class: src/sim/cache-copies.ts)
    kvRepeat?: 'none' | 'materialized';
    // fp32 GEMMs in IEEE fp32 ('ieee': PyTorch's matmul default, allow_tf32 False) or on TF32 tensor cores (default)
    fp32Matmul?: 'tf32' | 'ieee';
    // 'bias_add': CTranslate2's Dense (src/sim/runtime-ops.ts): a BiasAdd kernel after each biased GEMM, applying the
    // layer's activation (the graph's activation op after the GEMM stands for it); cuDNN convolutions and int8 GEMMs
    // (bias in the dequantize kernel) keep it in their own kernels
    bias?: 'epilogue' | 'separate' | 'bias_add';
    // convolutions given as NCHW tensors (op.nchwIn) run by cuDNN's NHWC tensor-core kernels: the input and the output are
    // converted by kernels of their own and the bias is added after the convolution (src/sim/runtime-ops.ts)
    convLayout?: 'nchw';
    gemmConvert?: boolean;
    // a GEMM standing for several projections of one input (op.parts: Whisper's q/k/v) runs as that many matmul nodes,
    // each converting its own input copy where gemmConvert (ggml builds ggml_mul_mat per projection)
    splitProjections?: boolean;
    // an int8 GEMM (--dtype int8) quantizes its input per row in a kernel of its own and dequantizes the int32 output
    // (with the bias and activation) in another (CTranslate2 Dense, src/sim/runtime-ops.ts)
    int8QuantKernels?: boolean;
    // torch.autocast over an fp32 model: fp32 residual stream and LayerNorms, a cast kernel before each Linear fed by a
    // LayerNorm (src/sim/runtime-ops.ts)
    autocast?: boolean;
    // parameters kept at this many bytes each and cast to the compute dtype by a kernel at every GEMM / convolution call
    // (openai-whisper's Linear and Conv1d over fp32 parameters: src/sim/runtime-ops.ts)
    weightCastBytes?: number;
    normKernels?: number;
    rmsnorm?: EagerChain;
    rope?: EagerChain;
    swiglu?: EagerChain;
    // a plain FFN's activation as eager Python ops (GPT-2's gelu_new): src/sim/training/layer-cost.ts
    gelu?: EagerChain;
    // the device work of the runtime's sampler beyond the fp32 logits the graph's `sampling` op prices, per logit of the
    // [sequences, vocabulary] rows it samples (src/sim/sampler-ops.ts): `random` a temperature-scaled random draw,
    // `filter` the top-k / top-p mask before it, `penalties` the repetition / frequency / presence penalties; each
    // priced as a memory-bound pass of that many bytes per logit in that many kernels, and never below `floorS` (the
    // part's time measured at one row). Which of them a step runs is the
    // run's own (scheduler.sampling, scheduler.penalties: what its client asked for); greedy runs none of those three.
    // `always`: what the sampler runs on every row whatever was asked, greedy included (vLLM's V0 Sampler.forward:
    // the temperature, a softmax and a log_softmax of every row before it samples).
    // a Whisper decode step's device work on its logits after the LM head, base + beam search + timestamps parts
    // (runtimes/faster-whisper.yaml: CTranslate2's logits processors, log-softmax, top-k and the copies of a step)
    decodeLogits?: { bytesPerLogit: number; kernels: number; beam?: { bytesPerLogit: number; kernels: number }; timestamps?: { bytesPerLogit: number; kernels: number } };
    sampler?: Partial<Record<'random' | 'filter' | 'penalties' | 'always', { bytesPerLogit: number; kernels: number; floorS?: number }>>;
    // eager elementwise kernels by access class (src/model/op.ts `access`), each as a fraction of what a vectorized
    // contiguous elementwise kernel reaches on the part (efficiency.memory); rmsnorm: the written-out RMSNorm chain
    elementwise?: { broadcast?: number; select?: number; strided?: number; transpose?: number; rownorm?: number; rmsnorm?: number };
  };
  // the runtime's own all-reduce kernel for small messages inside one scale-up domain (vLLM / SGLang custom
  // all-reduce): measured seconds per call by message size (bytes), used for groups of at most maxGroup devices and
  // messages within the measured sizes; larger messages go to the collective library (NCCL / RCCL) as before
  // byGroup: smaller groups' own tables at the same sizes, by rising group (each below maxGroup); a group of g devices
  // takes the first with group >= g, else `seconds` (maxGroup's), and where that group is bigger than g the larger of
  // its time and the measured group's below it (src/runtime/collectives.ts customTables)
  collectives?: { customAllreduce?: { sizes: number[]; seconds: number[]; maxGroup: number; byGroup?: { group: number; seconds: number[] }[]; above?: 'linear'; bufferBytes?: number; linkBytePerS?: number } | false }; // false: none here (removes a broader block's table)
  // ops of a decoder pass the runtime runs as one kernel (runtimes/*.yaml `fusion.groups`; src/sim/fusion.ts): each group
  // names graph ops (src/model/decoder-graph.ts) in execution order and the layouts / models it applies to. Absent: every
  // graph op is a kernel of its own.
  fusion?: FusionGroup[];
  // what the runtime does in training (src/sim/training): 'modules' = Megatron-Core's selective recompute modules
  // (the engine's default); 'op' = PyTorch op-level selective activation checkpointing as torchtitan applies it
  // reduceDtype: the element type gradients are reduced (reduce-scattered / all-reduced) in across data parallelism
  // elementwise: 'eager' = norms and RoPE op by op with fp32 intermediates (a PyTorch model without torch.compile)
  // moeHost: the host syncs of a dropless MoE layer (src/sim/training/moe-host-sync.ts)
  // fp8QuantizeBytes: memory traffic per element of each fp8 GEMM input quantization (src/sim/training/layer-cost.ts)
  // fp8BackwardRescaleBytes: memory traffic per element of every fp8 GEMM's backward outputs (grad_input, grad_weight)
  // rescaled in a pass of its own after the GEMM (torchao's rowwise recipe: src/sim/training/layer-cost.ts); absent: 0
  // paramCastBytes: memory traffic per parameter per micro-batch of a model kept in fp32 under autocast (casting the
  // weights to the compute dtype in the forward, their gradients back to fp32 in the backward: src/sim/training/step.ts)
  // fp8WeightCast: 'per_step' = with fp8 GEMMs the 16-bit weights of the linear layers are quantized once per optimizer
  // step, on the first micro-batch, and the fp8 copy reused by the others (Transformer Engine's weight workspace with
  // is_first_microbatch, as Megatron-Core sets it), at fp8QuantizeBytes per weight (src/sim/training/step.ts); absent:
  // not priced
  // expertTp: the routed experts' tensor-parallel size when --etp is not given: 'tp' (Megatron-Core's default, also
  // where absent) or 1 (torchtitan, DeepSpeed-MoE: experts whole under expert parallelism; at ep = 1 they take tp)
  // (src/sim/training/plan.ts defaultExpertTp)
  // moeCapacityFactor: MoE layers dispatch by one-hot einsums onto a fixed capacity per expert, C = ceil(S·k/E) × this,
  // every expert computed over all of it (MaxText dense_matmul, token dropping: src/sim/training/moe-capacity.ts)
  // epDispatch: the element type the expert-parallel dispatch all-to-all moves tokens in when GEMMs are fp8 ('bf16':
  // quantized after the exchange, Megatron-Core's alltoall dispatcher; absent: fp8, DeepSeek-V3's dispatch)
  // epDispatcher: 'node_aware' = a token crosses the network once per destination node and fans out over the scale-up
  // links there (DeepEP / HybridEP internode kernels: Megatron-Core's flex dispatcher); absent / 'alltoall': one copy
  // per routed expert over the network (Megatron-Core's alltoall dispatcher, NCCL all-to-all)
  // fp8Accumulate: 'split_backward' = the fp8 GEMMs of the backward (data and weight gradients) run without the
  // tensor cores' fast accumulation (cuBLASLt CUBLASLT_MATMUL_DESC_FAST_ACCUM 0), the forward with it; absent / 'fast':
  // every fp8 GEMM at the fast-accumulation rate the hardware's GEMM table was measured at
  // expertLoop: the MoE block runs its experts one at a time from Python (Hugging Face transformers' sparse MoE blocks,
  // DeepSpeed-MoE's Experts.forward): no expert parallelism unless --ep says so, and every hit expert costs the host
  // its own ops (src/sim/training/expert-loop.ts)
  // zero3Gather: 'module' = ZeRO-3 all-gathers the parameters of one module per fetch (DeepSpeed's per-submodule
  // fetch: src/sim/training/zero3-modules.ts); absent / 'bucket': in buckets of the data-parallel bucket size
  // zeroOverlapComm: DeepSpeed ZeRO's overlap_comm: 'on' = the gradient reduction runs on its own stream behind the
  // backward, 'off' = on the compute stream (exposed), 'stage3' = DeepSpeed's default (on for stage 3 only); absent: as
  // overlap.dp_grad / fsdp_prefetch say (src/sim/training/zero-overlap.ts)
  // zeroParamGather: 'step' = ZeRO-1/2 all-gather the updated parameters inside the optimizer step, on the compute
  // stream, before the next forward (exposed); absent / 'streamed': behind the next forward as dp_grad says
  // zero2Reduce: 'micro_batch' = ZeRO-2 reduces the gradients in every micro-batch's backward; absent / 'step': once
  // zero3MoeLeaf: the framework marks each MoE block a ZeRO-3 leaf module (deepspeed.utils.set_z3_leaf_modules): the
  // block's parameters are fetched in one gather and its experts carry no hooks of their own
  // hostCpuScale: the host CPU's per-op cost relative to the x86 hosts the moe_host times were taken on (Grace: > 1)
  // fsdpGatherDtype: 'fp8' = with fp8 GEMMs, FSDP / ZeRO-3 all-gathers the weights already cast to fp8 (torchtitan
  // --float8.enable_fsdp_float8_all_gather); absent: 16-bit weights
  // fsdpLayout: 'per_parameter' = ZeRO-3 / FSDP shards each parameter on its own and copies it out of / into the flat
  // collective buffers on the compute stream (PyTorch FSDP2 fully_shard: src/sim/training/fsdp-copies.ts); absent /
  // 'flat': the collectives run on flat buffers the parameters and gradients are views of (FSDP1 FlatParameter,
  // DeepSpeed, Megatron FSDP), no copies priced
  // optimizerStateBytes: memory held per parameter by the optimizer (master copy and moments; src/sim/training/memory.ts;
  // absent: 12, fp32 master weights and two fp32 Adam moments)
  // optimizerBytes: memory traffic per parameter of one optimizer step, gradient-norm clipping included
  // (src/sim/training/step.ts; absent: 28, a fused Adam over fp32 master weights and states with a 16-bit copy)
  // lossForwardBytes / lossBackwardBytes: memory traffic per element of the LM head's vocab-parallel logits shard of the
  // cross-entropy loss, forward and backward (src/sim/training/layer-cost.ts headForwardOps; absent: 8 and 16, one fp32
  // read + write forward and twice that backward)
  // fsdpReshard: 'step' = ZeRO-3 / FSDP keeps the gathered parameters for the whole step and reduce-scatters the
  // accumulated gradients once (NeMo AutoModel's MoE models; torch.distributed.pipelining: src/sim/training/fsdp-reshard.ts);
  // 'pipeline': the same under pipeline parallelism only (torchtitan); absent / 'micro_batch': forward and backward
  // all-gathers and a reduce-scatter every micro-batch (FSDP2's defaults)
  // fsdpScope: 'scale_up' = ZeRO-3 / FSDP shards over the data-parallel ranks of one scale-up domain and the domains
  // hold replicas that all-reduce their gradient shards once per step (MaxText multislice: ici_fsdp_parallelism and
  // dcn_data_parallelism; PyTorch HYBRID_SHARD: src/sim/training/fsdp-scope.ts); absent / 'all': over the whole group
  // ppSplit: 'even' = pipeline stages get num_layers / pp decoder layers each, the LM head and loss ride on the last
  // stage on top of its share (Megatron-Core's default split, src/sim/training/step.ts); absent / 'balanced': the
  // head's work spread as if the split absorbed it
  // ppWarmupFlushP2p: 'blocking' = the interleaved schedule's warmup forwards and cooldown backwards each wait for their
  // pipeline send/receive before the next chunk runs; only the steady 1F1B phase overlaps them (Megatron-Core without
  // overlap_p2p_comm_warmup_flush, src/sim/training/pp-flush-p2p.ts); absent / 'overlapped': every send hidden
  // behind the next chunk's compute
  // gradBufferPasses: memory passes (reads + writes) over the device's unsharded gradient buffer each step, whatever
  // the split (Megatron-Core: the zeroing of the buffer at each iteration's start,
  // zero_grad_buffer, and in start_grad_sync a norm per bucket when check_for_nan_in_grad); absent: 0
  // averageInCollective: whether the data-parallel collective averages (Megatron-Core DDP average_in_collective). False:
  // every bucket is scaled by 1/(dp·cp) before it (a read and a write of the buffer) wherever dp·cp > 1; true: only
  // the expert buckets, by edp/(dp·cp), wherever that is not 1 (ep·etp ≠ tp); absent: no scaling pass
  // pipelineSchedules: the pipeline schedules the runtime implements (src/sim/training/schedule.ts picks the default
  // among them; a schedule the user names outside them is priced as asked, with a warning); absent: all three
  training?: {
    selective?: 'modules' | 'op';
    reduceDtype?: 'fp32' | 'bf16';
    elementwise?: 'eager' | 'fused';
    // false: tensor parallelism splits the linears only, the norms and residual adds run whole on every TP rank (no
    // sequence parallelism); absent: split over tp (Megatron-style sequence parallelism)
    sequenceParallel?: boolean;
    moeHost?: MoeHostSync;
    expertLoop?: ExpertLoop;
    zero3Gather?: 'module' | 'bucket';
    zero3MoeLeaf?: boolean;
    // kernels the host launches per rank of the group for every ZeRO-3 collective (a collective over a list of per-rank
    // tensors: src/sim/training/step.ts zero3RankHostS); absent: 0
    zero3RankKernels?: number;
    zeroOverlapComm?: 'stage3' | 'on' | 'off';
    zeroParamGather?: 'step' | 'streamed';
    zero2Reduce?: 'micro_batch' | 'step';
    fp8QuantizeBytes?: number;
    fp8BackwardRescaleBytes?: number;
    paramCastBytes?: number;
    fp8WeightCast?: 'per_step';
    moeCapacityFactor?: number;
    epDispatch?: 'fp8' | 'bf16';
    epDispatcher?: 'alltoall' | 'node_aware';
    expertTp?: 'tp' | 1;
    fp8Accumulate?: 'fast' | 'split_backward';
    hostCpuScale?: number;
    fsdpGatherDtype?: 'fp8' | 'bf16';
    fsdpLayout?: 'per_parameter' | 'flat';
    fsdpScope?: 'scale_up' | 'all';
    fsdpReshard?: 'step' | 'pipeline' | 'micro_batch';
    ppSplit?: 'even' | 'balanced';
    ppWarmupFlushP2p?: 'blocking' | 'overlapped';
    gradBufferPasses?: number;
    averageInCollective?: boolean;
    optimizerBytes?: number;
    optimizerStateBytes?: number;
    lossForwardBytes?: number;
    lossBackwardBytes?: number;
    pipelineSchedules?: PipelineSchedule[];
    // defaultSchedule: the schedule the framework itself runs when the run names none (Megatron-LM: no virtual stages ->
    // 1F1B; torchtitan: pipeline_parallel_schedule "1F1B"); absent: src/sim/training/schedule.ts's production default
    defaultSchedule?: PipelineSchedule;
    // the training GEMM dtypes (train --dtype) the runtime has a recipe for; absent: all. Another is priced as asked,
    // with a warning (src/sim/training/train.ts)
    gemmDtypes?: ('bf16' | 'fp8' | 'int8')[];
  };
}
/** Host work of one dropless MoE layer per micro-batch (runtime training.moe_host; src/sim/training/moe-host-sync.ts) */
export interface MoeHostSync {
  syncsFwd: number; // host ↔ device syncs per MoE layer forward (token counts copied to the host)
  perOpS: number; // host time of one op issued from Python (framework dispatch + launch)
  opsFwd: number; // Python-issued kernels per MoE layer forward, besides the per-expert GEMMs
  opsBwd: number; // the same for the backward
  // of opsFwd, those issued after the sync (dispatch, sort, activation, combine, unpermute: the MoE block's tail), which
  // the expert GEMMs' calls join; absent: the segment is priced as max(host, device) without its order
  opsAfterSync?: number;
  expertKernelsFwd: number; // per-expert GEMMs per local expert launched from C++ (grouped GEMM loop) forward
  expertKernelsBwd: number;
  expertGemmS?: number; // host time of one of those per-expert GEMM calls (absent: launch.per_kernel)
  expertGemmFwdS?: number; // the same for the forward's calls where they cost more (absent: expertGemmS)
  fp8ExpertKernelsFwd: number; // quantize kernels per local expert with fp8 GEMMs, at launch.per_kernel, forward
  fp8ExpertKernelsBwd: number;
  // the router whose kernels ops_fwd / ops_bwd count, where they were traced on one kind only: a model routed otherwise
  // is priced with them and warned (src/sim/training/train.ts)
  router?: MoeRouter;
}
/** Host work of a MoE block that loops over its experts in Python (runtime training.expert_loop; src/sim/training/expert-loop.ts) */
export interface ExpertLoop {
  expertFwdS: number; // host time of one hit expert's forward (the loop body's Python-issued ops)
  expertKernelsBwd: number; // kernels autograd launches for one hit expert's backward, at launch.per_kernel each
  zero3OpsFwd: number; // host ops ZeRO-3's module hooks issue per hit expert per forward (fetch, release, backward-hook functions), at launch.per_kernel
  zero3OpsBwd: number; // the same per backward (fetch, release, the gradient hook per parameter, the hook functions' backward)
}
/**
 * One fused kernel of a decoder pass (runtime `fusion.groups`): the graph ops in `ops` run as one launch. The group's
 * collective, if it has one, is that kernel (the runtime's all-reduce with the norm in its epilogue: TensorRT-LLM's
 * AllReduceFusionOp); otherwise its first op is. The other ops lose their launch and per-kernel gap and keep their own
 * arithmetic and traffic, less `onChip` passes (a write or a read) of a [tokens, hidden] activation tensor the fused
 * kernel keeps in registers. `when`: the layouts and models the runtime's model code fuses for (all must hold).
 */
export interface FusionGroup {
  ops: string[];
  onChip: number;
  when?: { minTp?: number; attentionDp?: boolean; maxPp?: number; moe?: boolean; layer?: DecoderHostArch; hiddenAbove?: number; mxfp4Experts?: boolean };
}
export interface NormalizedRuntime extends RuntimeSettings {
  id: string;
  name: string;
  kind: string; // role: serving | local | reference | training | npu | ideal
  version?: string;
  // the hardware vendors the runtime's file says it runs on (`vendors:`); absent: not stated
  vendors?: string[];
  // per-vendor, per-architecture and per-hardware differences, already normalized; applied by bindRuntime
  byVendor: Record<string, Partial<RuntimeOverride>>;
  byArchitecture: Record<string, Partial<RuntimeOverride>>;
  byHardware: Record<string, Partial<RuntimeOverride>>;
  sources: string[];
  file?: string;
}
/** the strip-per-CTA GEMM kernels a runtime names (kernels.tiled_gemm; src/sim/kernel-physics.ts tiledStreamS) */
export interface TiledGemm {
  rateBytePerS: number;
  tileN: number;
  moe: boolean;
  fp8Block: boolean;
  blockFp8Moe?: { rateBytePerS: number; tileN: number } | false;
  weightOnlyMoe?: { rateBytePerS: number; tileN: number; xcds?: number };
  int4Moe?: { rateBytePerS: number; tileN: number; efficiency?: number };
  blockFp8Linear?: { rateBytePerS: number; tileN: number; fixedS?: number };
}

/**
 * a tiled_gemm block as one set of blocks writes it: only the keys it states, laid over the block below key by key
 * (src/runtime/override.ts mergeTiledGemm); false on a sub-kernel removes the one below (blockFp8Moe's false is kept:
 * block-FP8 experts through a kernel that is no strip kernel)
 */
export type TiledGemmOverride = Partial<Pick<TiledGemm, 'rateBytePerS' | 'tileN' | 'moe' | 'fp8Block' | 'blockFp8Moe'>> & {
  weightOnlyMoe?: TiledGemm['weightOnlyMoe'] | false;
  int4Moe?: TiledGemm['int4Moe'] | false;
  blockFp8Linear?: TiledGemm['blockFp8Linear'] | false;
};

export interface RuntimeOverride {
  stepOverheadS: number;
  hostPerSequenceS: number;
  hostSamplingPerVocabS: number;
  hostDecodePlanSyncS: number;
  hostOverlap: boolean;
  hostRunsAhead: boolean;
  workerRpc: NonNullable<RuntimeSettings['workerRpc']>;
  decodeStep: NonNullable<RuntimeSettings['decodeStep']>;
  encoderForward: NonNullable<RuntimeSettings['encoderForward']>;
  hostTimestampsPerSequenceS: number;
  hostBeamReorderPerCacheS: number;
  hostAudioDecodeS: number;
  hostLogMelS: number;
  hostVadS: number;
  hostSampleBeamStepS: number;
  hostExpertLoop: NonNullable<RuntimeSettings['hostExpertLoop']>;
  frontend: Partial<NonNullable<RuntimeSettings['frontend']>>;
  // launch.eager as written: a per_kernel it leaves out is the block's below it (src/runtime/override.ts eagerLaunch)
  launch: Partial<Omit<RuntimeSettings['launch'], 'eager'>> & { eager?: Partial<LaunchCosts> };
  memory: Partial<RuntimeSettings['memory']>;
  scheduler: Partial<RuntimeSettings['scheduler']>;
  overlap: Partial<RuntimeSettings['overlap']>;
  staticContext: number;
  staticRequest: boolean;
  kvCacheDefault: KvCacheDefault;
  kernels: Partial<Omit<RuntimeSettings['kernels'], 'tiledGemm'>> & { tiledGemm?: TiledGemmOverride };
  collectives: NonNullable<RuntimeSettings['collectives']>;
  fusion: FusionGroup[];
  training: Partial<NonNullable<RuntimeSettings['training']>>;
}
/** A runtime as it drives one hardware: overrides applied. `name` keeps the old hardware-block spelling. */
export interface BoundRuntime extends RuntimeSettings {
  id: string;
  name: string;
  kind: string;
  // one line when the hardware's vendor is not among the runtime's `vendors:` (priced anyway; simulate, serve and
  // train report it)
  vendorWarning?: string;
}

/** attention DP's MoE by gathering the tokens (runtime kernels.attention_dp_moe; src/sim/parallel.ts DpMoe) */
export interface AttentionDpMoe {
  gather: 'allreduce' | 'allgather';
  combine: 'allreduce' | 'reducescatter';
  // the pair a step with no extend tokens runs, where it differs (SGLang 0.5 DpPaddingMode: SUM_LEN, an all-reduce of a
  // zeroed [sum of tokens, d] buffer, whenever the batch holds an extend; MAX_LEN, all_gather_into_tensor + reduce_scatter,
  // for a decode batch whose ranks are balanced, as a pass prices them)
  decode?: { gather: 'allreduce' | 'allgather'; combine: 'allreduce' | 'reducescatter' };
}
