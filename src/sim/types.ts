// The request and result of `simulate` (contract: docs/design.md "Command-line contract").
// Requests are plain objects built from flags by a pure function; results are SI numbers, snake_case
// keys as printed by --json. Keys that cannot be computed (does not fit) are null, never NaN.
import type { Dtype, NormalizedHardware, NormalizedModel } from '../spec/types.js';
import type { PassMemo } from './pass-memo.js';

export type QuantScheme = 'fp32' | 'bf16' | 'fp16' | 'fp8' | 'fp4' | 'int8' | 'int4' | 'q8_0' | 'q4_0' | 'q4_k_m';

export interface SimulateRequest {
  model: NormalizedModel;
  hardware: NormalizedHardware;
  resolveModel: (id: string) => NormalizedModel; // pipelines resolve their stages
  devices?: number;
  tp: number;
  pp: number;
  ep?: number;
  attentionDp?: boolean; // MoE serving: attention data-parallel over the tp devices, experts expert-parallel
  batch: number | 'max';
  inputTokens: number;
  outputTokens: number;
  dtype: QuantScheme;
  weights?: QuantScheme | Dtype;
  activations?: QuantScheme | Dtype;
  kvCache?: QuantScheme | Dtype;
  resolution?: number;
  frames?: number;
  steps?: number;
  audioSeconds?: number;
  detectLanguage?: boolean; // Whisper: a language-detection pass before the first window (src/sim/whisper.ts)
  cfg?: boolean; // classifier-free guidance (DiT), default true
  priceUsdPerHour?: number;
  years?: number; // TCO: amortisation period (src/sim/tco.ts DEFAULT_TCO)
  pue?: number;
  usdPerKwh?: number;
  maxTpotS?: number;
  maxTtftS?: number;
  verbose?: boolean;
  // speculative decoding (src/serve/spec-decode.ts): drafter kind, draft tokens K, acceptance A, draft model
  spec?: { kind: 'draft' | 'mtp'; k: number; acceptance: number; draftModel?: NormalizedModel };
  memo?: PassMemo; // a sweep's memo of the work its rows share (src/sim/pass-memo.ts); same numbers with or without
}

/** whether one device holds what a run needs: the fields simulate's memory and train's memory share */
export interface MemoryFit {
  per_device_bytes: number;
  capacity_bytes: number;
  usable_bytes: number;
  fits: boolean;
  reason: string | null;
  weights_bytes: number;
  activations_bytes: number;
}

export interface MemoryResult extends MemoryFit {
  kv_cache_bytes: number;
}

export interface PhaseSummary {
  name: string; // prefill | decode | encode | step | …
  seconds: number;
  flops: number; // per device
  bytes: number; // per device, DRAM traffic
  bound: string; // compute | memory | network | overhead
  compute_s: number;
  memory_s: number;
  comm_s: number;
}

export interface OpRow {
  phase: string;
  name: string;
  kind: string;
  count: number;
  flops: number;
  bytes: number;
  seconds: number;
  bound: string;
}

export interface SimulateResult {
  model: string;
  hardware: string;
  runtime?: string; // the runtime id (runtimes/*.yaml) the numbers assume; set by simulate()
  family: string;
  devices: number;
  tp: number;
  pp: number;
  ep: number;
  attention_dp?: boolean;
  replicas: number;
  batch: number | null;
  in_flight?: number; // --batch above the runtime's max_num_seqs: what the engine runs at once (src/sim/engine-queue.ts)
  input_tokens?: number;
  output_tokens?: number;
  dtype: string;
  weights_dtype: string;
  activations_dtype: string;
  kv_cache_dtype: string;
  // the runtime's KV-cache dtype rule when --kv-cache is not given (src/runtime/kv-cache.ts): auto | checkpoint | a dtype
  kv_cache_default?: string;
  // decoders (null when it does not fit)
  ttft_s?: number | null; // steady state (the step carrying the prefill)
  ttft_cold_s?: number | null; // the whole batch prefilled at once
  tpot_s?: number | null;
  e2e_s?: number | null;
  throughput_tok_s?: number | null;
  prefill_tok_s?: number | null;
  // every family
  latency_s: number | null;
  // other families
  images_per_s?: number | null;
  step_s?: number | null;
  encoder_s?: number | null;
  decoder_s?: number | null;
  rtf?: number | null;
  stages?: { model: string; runs: number; latency_s: number | null; share: number | null }[];
  memory: MemoryResult;
  phases: PhaseSummary[];
  energy_j_per_token?: number | null;
  energy_j_per_run?: number | null; // pipelines: one request through every stage
  energy_source?: string | null; // the values used: "hbm3 7 pJ/bit + 0.53 pJ/FLOP (…) + static 70 W/device (…)"
  power_w?: number | null; // mean power per device while busy (idle ≤ power_w ≤ TDP)
  cost_usd_per_mtok?: number | null; // on-demand: device-hour price
  price_usd_per_hour?: number | null;
  tco_usd_per_hour?: number | null; // whole system: purchase amortised + facility energy (src/sim/tco.ts)
  tco_usd_per_mtok?: number | null;
  tokens_per_s_per_mw?: number | null; // output items per second per MW of facility power (PUE included)
  warnings: string[];
  ops?: OpRow[]; // with verbose
  // Work of one replica (all its devices) to produce `tokens` outputs (decoder: output tokens of the
  // batch; other families: items = images, windows, videos). Energy and cost are derived from it.
  work?: { flops: number; bytes: number; seconds: number; items: number; devices: number } | null;
}

export type FamilySimulator = (req: SimulateRequest) => SimulateResult;
