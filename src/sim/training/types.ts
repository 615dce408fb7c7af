// The request and result of `hwperf train` (contract: docs/design.md "Command-line contract", `hwperf train`).
// Requests are plain objects built from flags by a pure function (./request.ts); results are SI numbers with
// snake_case keys as printed by --json. Every key is present even when memory does not fit.
import type { PlanShape } from './plan.js';
import type { DecoderModel, NormalizedHardware, PipelineSchedule } from '../../spec/types.js';
import type { MemoryFit } from '../types.js';
import type { RematPolicy } from './remat-policy.js';

// Activation recomputation, as Megatron-LM names it (megatron/core/transformer/transformer_config.py):
//  - granularity 'none': every activation is kept, attention scores included (Korthikanti et al. 2022 §4.1);
//  - 'selective' with recompute_modules (default ["core_attn"]: the attention scores, Korthikanti §4.2 — what
//    FlashAttention does by construction), optionally "layernorm" (the two norms' outputs), "moe_act" (the MoE
//    SwiGLU output) and "mla_up_proj" (MLA's up-projected Q, K, V: DeepSeek-V3 report §3.2.3 recomputes "all RMSNorm
//    operations and MLA up-projections");
//  - 'full' with recompute_method block and recompute_num_layers k: the first k layers of every model chunk keep
//    only their input (Korthikanti §4.3: 2sbh) and run their forward again in backward; the others keep the
//    selective (core_attn) set. k = the chunk's layers is plain full recomputation.
export type Recompute = 'none' | 'selective' | 'full';
export type RecomputeModule = 'core_attn' | 'layernorm' | 'moe_act' | 'mla_up_proj';
export const RECOMPUTE_MODULES: RecomputeModule[] = ['core_attn', 'layernorm', 'moe_act', 'mla_up_proj'];
export interface RecomputePolicy {
  granularity: Recompute;
  modules: RecomputeModule[]; // selective only ([] otherwise)
  numLayers: number | null; // full only: layers per model chunk (null = all of them)
  // selective only: a MaxText remat policy (./remat-policy.ts) on dense blocks instead of the modules
  remat?: RematPolicy;
}
export type TrainDtype = 'bf16' | 'fp8' | 'int8';
export type ZeroStage = 0 | 1 | 2 | 3;
// Pipeline schedule (./schedule.ts): plain 1F1B, interleaved 1F1B with v virtual stages per device (Narayanan et al.
// 2021 §2.2.2), or DeepSeek's DualPipe (DeepSeek-V3 report §3.2.1: bidirectional, forward/backward chunk pairs whose
// expert-parallel all-to-all and PP sends are hidden behind the other chunk's compute).
export type Schedule = PipelineSchedule;

// The split (devices, tp, pp, cp, dp, ep, interleave, schedule, seqLen, globalBatch, microBatch) is the plan's
// shape (./plan.ts PlanShape); a request adds what and where to train.
export interface TrainRequest extends PlanShape {
  model: DecoderModel;
  hardware: NormalizedHardware;
  tokens?: number; // training tokens for total_flops / total_s
  dtype: TrainDtype;
  // 'auto': the cheapest policy that fits (./recompute.ts); otherwise the user's policy
  recompute: Recompute | 'auto';
  recomputeModules?: RecomputeModule[]; // with 'selective' (default ['core_attn'])
  recomputeNumLayers?: number; // with 'full' (default: every layer)
  rematPolicy?: RematPolicy; // with 'selective': MaxText's remat_policy (./remat-policy.ts) instead of the modules
  zero: ZeroStage;
  priceUsdPerHour?: number;
  tcoOptions?: Partial<import('../tco.js').TcoOptions>; // --years, --pue, --usd-per-kwh
  goodput?: number; // share of wall time spent training (default GOODPUT)
}

// Share of a large run's wall time spent training rather than failing, restarting and checkpointing: Llama 3
// 405B on 16,384 H100 kept "higher than 90% effective training time" through 466 interruptions in a 54-day
// snapshot (Llama 3 paper, arXiv 2407.21783, §3.3.4). total_s and gpu_hours divide by it; --goodput 1 gives the
// time spent stepping alone.
export const GOODPUT = 0.9;

export interface TrainMemory extends MemoryFit {
  gradients_bytes: number;
  optimizer_bytes: number;
  peak_pp_rank: number; // the pipeline rank whose memory is reported (the largest)
}

// Where one step's time goes on the critical path (seconds per optimizer step; they add up to step_s).
export interface StepBreakdown {
  compute_s: number; // GEMMs, attention, elementwise, forward + backward + recompute, all micro-batches
  tp_comm_s: number;
  cp_comm_s: number; // ring KV exchange not hidden behind attention
  ep_comm_s: number; // expert all-to-all not hidden behind compute
  pp_bubble_s: number;
  pp_p2p_s: number;
  dp_comm_s: number; // gradient reduce / parameter gather not hidden behind backward / forward
  optimizer_s: number;
}

export interface TrainResult {
  model: string;
  hardware: string;
  runtime: string; // the runtime id (runtimes/*.yaml) the numbers assume
  devices: number;
  tp: number;
  pp: number;
  cp: number;
  dp: number;
  ep: number;
  etp: number; // expert tensor-parallel size (the experts' own TP group; Megatron's default: tp)
  interleave: number;
  schedule: Schedule;
  seq_len: number;
  global_batch: number;
  micro_batch: number;
  micro_batches: number; // per pipeline per step
  tokens_per_step: number;
  dtype: TrainDtype;
  gemm_dtype: string; // what the matrix units actually ran
  recompute: Recompute; // the policy used (with --recompute auto: the one chosen)
  recompute_modules: RecomputeModule[]; // selective: what is recomputed ([] otherwise)
  recompute_num_layers: number | null; // full: layers recomputed per model chunk (Megatron --recompute-num-layers)
  recompute_auto: boolean; // chosen by --recompute auto
  remat_policy: string | null; // MaxText remat_policy priced on dense blocks (--remat-policy), else null
  zero: ZeroStage;
  step_s: number;
  mfu: number;
  achieved_flops_per_device: number;
  peak_flops_per_device: number;
  tokens_per_s: number;
  flops_per_token: number; // model FLOPs (6·N_active + 6·n_layer·n_ctx·d_attn)
  model_flops_per_step: number;
  hardware_flops_per_step: number; // with recompute, as executed
  tokens: number | null;
  total_flops: number | null;
  goodput: number;
  total_s: number | null;
  gpu_hours: number | null;
  price_usd_per_hour: number | null;
  cost_usd: number | null; // on-demand: gpu_hours × price_usd_per_hour
  power_w: number; // mean power per device while stepping (executed FLOPs × pJ/FLOP + static)
  energy_source: string;
  energy_j: number | null; // whole run with --tokens (stepping time)
  tco_usd_per_hour: number | null; // all devices: purchase amortised + facility energy (src/sim/tco.ts)
  tco_usd: number | null; // cost to train under TCO, with --tokens (wall time incl. goodput)
  tco_usd_per_mtok: number | null; // per million training tokens
  tokens_per_s_per_mw: number | null; // training tokens per second per MW of facility power
  breakdown: StepBreakdown;
  memory: TrainMemory;
  warnings: string[];
}
