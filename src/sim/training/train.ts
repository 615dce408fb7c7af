// `hwperf train`: flags → TrainRequest (pure) → simulateTraining → TrainResult.
//
//   request ──decoderShape──▶ shape ──planProblem──▶ valid plan
//     ├─ stepTime (./step.ts)          → step_s, breakdown
//     ├─ trainingMemory (./memory.ts)  → memory{…}, fits (with --recompute auto: the cheapest policy that fits)
//     └─ modelFlopsPerToken (Kaplan)   → achieved_flops_per_device, mfu, total_flops
import { shardGroups } from './fsdp-scope.js';
import { fsdpStepResident } from './fsdp-reshard.js';
import { withDefaultRuntime } from '../../runtime/resolve.js';
import { PIPELINE_SCHEDULES, type BoundRuntime } from '../../spec/types.js';
import { workEnergy } from '../energy-cost.js';
import { tco } from '../tco.js';
import type { Dtype, NormalizedHardware, NormalizedModel } from '../../spec/types.js';
import { UserError } from '../../spec/errors.js';
import { matrixPeak } from '../roofline.js';
import { decoderShape, modelFlopsPerToken } from './shapes.js';
import { defaultExpertTp, microBatchesPerPipeline, planProblem, type PlanShape } from './plan.js';
import { flashAttention, trainingMemory } from './memory.js';
import { stepTime } from './step.js';
import { resolveSchedule } from './schedule.js';
import { GOODPUT, RECOMPUTE_MODULES, type Recompute, type RecomputeModule, type RecomputePolicy, type Schedule, type TrainDtype, type TrainRequest, type TrainResult, type ZeroStage } from './types.js';
import { recomputeLadder } from './recompute.js';
import { REMAT_POLICIES, type RematPolicy } from './remat-policy.js';

export const SCHEDULES: readonly Schedule[] = PIPELINE_SCHEDULES;

// ZeRO-3 units kept gathered through the step (./fsdp-reshard.ts) hold the stage's parameters unsharded, and over
// several micro-batches the gradients too, at the reduce dtype (./memory.ts MemoryInput.resident)
function residentMemory(hw: NormalizedHardware, plan: PlanShape): { resident?: { gradBytes: number; accumulate: boolean } } {
  const m = microBatchesPerPipeline(plan);
  if (!fsdpStepResident(hw, m, plan.pp)) return {};
  return { resident: { gradBytes: hw.runtime?.training?.reduceDtype === 'fp32' ? 4 : 2, accumulate: m > 1 } };
}

export const DEFAULT_TOKENS_PER_STEP = 4 * 1024 * 1024; // ~4M tokens: the GPT-3 / Llama 2 era batch size

export interface TrainOptions {
  devices: number;
  tp?: number;
  pp?: number;
  cp?: number;
  dp?: number;
  ep?: number;
  etp?: number;
  interleave?: number;
  schedule?: string;
  seqLen?: number;
  globalBatch?: number;
  microBatch?: number;
  tokens?: number;
  dtype?: string;
  recompute?: string;
  recomputeModules?: string[];
  recomputeNumLayers?: number;
  rematPolicy?: string;
  zero?: number;
  priceUsdPerHour?: number;
  tcoOptions?: Partial<import('../tco.js').TcoOptions>; // --years, --pue, --usd-per-kwh
  goodput?: number;
}

// --recompute-modules a,b,… (Megatron-Core names) → checked list; only with --recompute selective.
export function parseRecomputeModules(mods: string[] | undefined, recompute: string): RecomputeModule[] | undefined {
  if (mods === undefined) return undefined;
  if (recompute !== 'selective') throw new UserError('--recompute-modules goes with --recompute selective');
  for (const x of mods) if (!RECOMPUTE_MODULES.includes(x as RecomputeModule)) throw new UserError(`--recompute-modules: unknown module "${x}" (one of ${RECOMPUTE_MODULES.join(', ')})`);
  return [...new Set(mods)] as RecomputeModule[];
}

// --remat-policy NAME → MaxText's policy ("full" or one of REMAT_POLICIES); it sets the recompute policy itself, so it
// takes no --recompute other than the one it means and no --recompute-modules.
export function parseRematPolicy(name: string | undefined, recompute: string | undefined, modules: string[] | undefined): RematPolicy | 'full' | undefined {
  if (name === undefined) return undefined;
  if (name !== 'full' && !REMAT_POLICIES.includes(name as RematPolicy)) throw new UserError(`--remat-policy: unknown policy "${name}" (one of full, ${REMAT_POLICIES.join(', ')}: MaxText remat_policy names)`);
  const means = name === 'full' ? 'full' : 'selective';
  if (recompute !== undefined && recompute !== means) throw new UserError(`--remat-policy ${name} means --recompute ${means} (got --recompute ${recompute}); drop --recompute`);
  if (modules !== undefined) throw new UserError('--remat-policy and --recompute-modules are two ways to name the recomputed set: give one');
  return name as RematPolicy | 'full';
}

// The policy a request asks for (auto excluded).
export function requestedPolicy(r: TrainRequest): RecomputePolicy {
  if (r.recompute === 'selective' && r.rematPolicy) return { granularity: 'selective', modules: ['core_attn'], numLayers: null, remat: r.rematPolicy };
  if (r.recompute === 'selective') return { granularity: 'selective', modules: r.recomputeModules ?? ['core_attn'], numLayers: null };
  if (r.recompute === 'full') return { granularity: 'full', modules: [], numLayers: r.recomputeNumLayers ?? null };
  return { granularity: 'none', modules: [], numLayers: null };
}

// Default sequences per step: about DEFAULT_TOKENS_PER_STEP, and with a pipeline at least 2·pp micro-batches per
// pipeline so that the 1F1B bubble (p−1)/m stays under half a step (Narayanan et al. 2021 §2.2.1: m ≫ p; Llama 3
// ran PP 16 with 32 micro-batches, arXiv 2407.21783 Table 4).
export function defaultGlobalBatch(seqLen: number, dp: number, microBatch: number, pp: number): number {
  const m = Math.max(1, Math.ceil(DEFAULT_TOKENS_PER_STEP / (seqLen * dp * microBatch)), pp > 1 ? 2 * pp : 1);
  return dp * microBatch * m;
}

// counts and their largest values: far past real runs (a 10^8-token sequence, a million-way split), small enough that
// every product of them stays an exact integer
// devices: 1e7, ten times the largest clusters announced (~1e6 accelerators); 2^53 made `train --search` hang
// listing its divisors
export const TRAIN_COUNTS: [keyof TrainOptions, string, number][] = [
  ['devices', 'devices', 1e7], ['tp', 'tp', 1e6], ['pp', 'pp', 1e6], ['cp', 'cp', 1e6], ['ep', 'ep', 1e6], ['etp', 'etp', 1e6], ['dp', 'dp', 1e7],
  ['seqLen', 'seq-len', 1e8], ['globalBatch', 'global-batch', 1e9], ['microBatch', 'micro-batch', 1e6],
];

/** Each count given (TRAIN_COUNTS) is a whole number in its range: one line naming the flag otherwise. */
export function checkTrainCounts(o: Record<string, unknown>): void {
  for (const [key, flag, max] of TRAIN_COUNTS) {
    const v = o[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max)) throw new UserError(`--${flag} must be a whole number from 1 to ${max}, found "${v}"`);
  }
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

// Flags → request, with the defaults of the help text. Throws UserError for what the user must fix.
export function buildTrainRequest(model: NormalizedModel, hardware: NormalizedHardware, o: TrainOptions): TrainRequest {
  if (model.family !== 'decoder') throw new UserError(`train: only decoder models are supported (${model.id} is ${model.family})`);
  if (!Number.isInteger(o.devices) || o.devices < 1) throw new UserError('--devices must be a positive integer');
  // every count given is a whole number in its range before anything divides by it (--seq-len 0 made the default
  // global batch Infinity; --seq-len -1 came back as a "fitting" result)
  checkTrainCounts(o as unknown as Record<string, unknown>);
  const tp = o.tp ?? 1;
  const pp = o.pp ?? 1;
  const cp = o.cp ?? 1;
  const dp = o.dp ?? o.devices / (tp * pp * cp);
  if (!Number.isInteger(dp) || dp < 1) throw new UserError(`--devices ${o.devices} is not a multiple of tp·pp·cp = ${tp * pp * cp}`);
  const moe = model.moe && model.layers > model.moe.dense_layers;
  // the runtime that will run it (the command's --runtime, else the training default): its schedules and expert TP
  const bound = withDefaultRuntime(hardware, model, 'training');
  // expert parallelism by default over the data-parallel ranks, unless the runtime's MoE block loops over its experts
  // in Python (training.expert_loop: Hugging Face's sparse MoE blocks hold every expert on every rank; ZeRO-3 shards
  // them as any other parameter): then only where --ep says so
  const ep = o.ep ?? (moe && !bound.runtime?.training?.expertLoop ? gcd(dp * cp, model.moe!.experts) : 1);
  if (o.etp !== undefined && !moe) throw new UserError(`--etp ${o.etp} needs a mixture-of-experts model (${model.id} has no routed experts)`);
  const seqLen = o.seqLen ?? Math.min(model.context, 4096);
  const microBatch = o.microBatch ?? 1;
  const globalBatch = o.globalBatch ?? defaultGlobalBatch(seqLen, dp, microBatch, pp);
  if (o.schedule !== undefined && !SCHEDULES.includes(o.schedule as Schedule)) throw new UserError(`--schedule must be ${SCHEDULES.join(', ')} (got "${o.schedule}")`);
  if (o.interleave !== undefined && (!Number.isInteger(o.interleave) || o.interleave < 1)) throw new UserError(`--interleave must be a positive integer (got "${o.interleave}")`);
  const shape = decoderShape(model);
  const has = bound.runtime?.training?.pipelineSchedules;
  const sched = resolveSchedule(shape, pp, ep, globalBatch / (dp * microBatch), o.schedule, o.interleave, has, bound.runtime?.training?.defaultSchedule);
  const dtype = (o.dtype ?? 'bf16') as TrainDtype;
  if (dtype !== 'bf16' && dtype !== 'fp8' && dtype !== 'int8') throw new UserError(`--dtype must be bf16, fp8 or int8 (got "${o.dtype}")`);
  // --remat-policy NAME (MaxText's remat_policy): "full" is --recompute full, the others a selective policy on dense blocks
  const remat = parseRematPolicy(o.rematPolicy, o.recompute, o.recomputeModules);
  const recompute = (remat === 'full' ? 'full' : remat !== undefined ? 'selective' : (o.recompute ?? 'auto')) as Recompute | 'auto';
  if (!['auto', 'none', 'selective', 'full'].includes(recompute)) throw new UserError(`--recompute must be auto, none, selective or full (got "${o.recompute}")`);
  const recomputeModules = parseRecomputeModules(o.recomputeModules, recompute);
  if (o.recomputeNumLayers !== undefined) {
    if (!Number.isInteger(o.recomputeNumLayers) || o.recomputeNumLayers < 1) throw new UserError(`--recompute-num-layers must be a positive integer (got "${o.recomputeNumLayers}")`);
    if (recompute !== 'full') throw new UserError('--recompute-num-layers goes with --recompute full (layers recomputed per model chunk, as Megatron-LM --recompute-method block)');
  }
  const zero = (o.zero ?? 1) as ZeroStage;
  if (![0, 1, 2, 3].includes(zero)) throw new UserError(`--zero must be 0, 1, 2 or 3 (got "${o.zero}")`);
  if (o.tokens !== undefined && !(o.tokens > 0)) throw new UserError('--tokens must be positive');
  const req: TrainRequest = {
    model,
    hardware,
    devices: o.devices,
    tp,
    pp,
    cp,
    dp,
    ep,
    etp: o.etp ?? defaultExpertTp(bound, tp, ep),
    interleave: sched.interleave,
    schedule: sched.schedule,
    seqLen,
    globalBatch,
    microBatch,
    tokens: o.tokens,
    dtype,
    recompute,
    recomputeModules,
    recomputeNumLayers: o.recomputeNumLayers,
    rematPolicy: remat === 'full' ? undefined : remat,
    zero,
    priceUsdPerHour: o.priceUsdPerHour,
    tcoOptions: o.tcoOptions,
    goodput: o.goodput,
  };
  const problem = planProblem(req, shape);
  if (problem) throw new UserError(`train: ${problem}`);
  return req;
}

/** share of device memory a training runtime leaves usable: its share of the whole device less its reserve */
function trainingShare(rt: BoundRuntime, capacityBytes: number): number | undefined {
  if (rt.memory?.basis !== 'device') return undefined;
  return Math.max(0, rt.memory.share - rt.memory.reserveBytes / capacityBytes);
}

export function simulateTraining(r: TrainRequest): TrainResult {
  // 0. the runtime that drives the hardware: bound by the command (--runtime), else the training default
  if (!r.hardware.runtime) r = { ...r, hardware: withDefaultRuntime(r.hardware, r.model, 'training') };
  const rt = r.hardware.runtime!;
  const warnings: string[] = [];
  if (rt.vendorWarning) warnings.push(rt.vendorWarning);
  // 1. shape and plan
  const shape = decoderShape(r.model);
  const plan: PlanShape = r; // a request is its plan plus what and where to train
  if (r.seqLen > r.model.context) warnings.push(`seq-len ${r.seqLen} exceeds the model's context ${r.model.context}`);
  const has = rt.training?.pipelineSchedules;
  if (r.pp > 1 && has && !has.includes(r.schedule)) warnings.push(`${rt.id} does not implement the ${r.schedule} schedule (it runs ${has.join(', ')}): priced as asked`);
  const dts = rt.training?.gemmDtypes;
  if (dts && !dts.includes(r.dtype)) warnings.push(`${rt.id} has no ${r.dtype} training recipe (it trains ${dts.join(', ')}): priced as asked`);
  const traced = rt.training?.moeHost?.router;
  const routed = r.model.moe?.router ?? 'topk';
  if (traced && r.model.moe && !rt.training?.expertLoop && routed !== traced) {
    warnings.push(`${rt.id}'s MoE host ops (training.moe_host) count a ${traced} router's kernels; ${r.model.id} routes by ${routed}: priced as asked`);
  }
  // 2. GEMM dtype: fp8 or int8 only where the matrix units have it (not via the int8 fallback inference would use for
  //    fp8; an int8 training recipe such as AQT's needs int8 matrix units to gain anything, ./layer-cost.ts)
  let gemmDtype: Dtype = r.dtype;
  if ((r.dtype === 'fp8' || r.dtype === 'int8') && !r.hardware.matrixFlopPerS[r.dtype]) {
    gemmDtype = 'bf16';
    warnings.push(`${r.hardware.id} has no ${r.dtype} matrix units: training GEMMs run in bf16`);
  }
  const peak = matrixPeak(r.hardware, gemmDtype);
  if (peak.dtype !== gemmDtype) warnings.push(`${r.hardware.id} has no ${gemmDtype} matrix peak: priced at ${peak.dtype}`);
  if (!r.hardware.scaleUp && !r.hardware.scaleOut) warnings.push(`${r.hardware.id} lists no interconnect: assumed 25 GB/s per device`);
  // 3. memory under the requested policy, or with --recompute auto the cheapest that fits (./recompute.ts)
  const memOf = (pol: RecomputePolicy) =>
    trainingMemory({ shape, plan, recompute: pol, zero: r.zero, capacityBytes: r.hardware.memory.capacityBytes, usableShare: trainingShare(rt, r.hardware.memory.capacityBytes), fp8: gemmDtype === 'fp8', opSac: rt.training?.selective === 'op', flash: flashAttention(rt), shard: shardGroups(r.hardware, plan, r.zero), ...residentMemory(r.hardware, plan), optimizerStateBytes: rt.training?.optimizerStateBytes });
  let policy: RecomputePolicy;
  let memory: ReturnType<typeof trainingMemory>;
  if (r.recompute === 'auto') {
    const ladder = recomputeLadder(shape, plan);
    policy = ladder[ladder.length - 1]!;
    memory = memOf(policy);
    for (const pol of ladder.slice(0, -1)) {
      const mem = memOf(pol);
      if (mem.fits) {
        policy = pol;
        memory = mem;
        break;
      }
    }
    if (!memory.fits) memory.reason = `${memory.reason} even with full recomputation of every layer`;
  } else {
    policy = requestedPolicy(r);
    memory = memOf(policy);
  }
  if (!memory.fits) warnings.push(`does not fit: ${memory.reason}`);
  // 4. step time, with the recomputation the policy costs
  const step = stepTime({ shape, plan, hw: r.hardware, gemmDtype, recompute: policy, zero: r.zero });
  // 5. model FLOPs (docs/design.md convention) and derived figures
  const tokensPerStep = r.globalBatch * r.seqLen;
  const flopsPerToken = modelFlopsPerToken(shape, r.seqLen);
  const modelFlopsPerStep = flopsPerToken * tokensPerStep;
  const achieved = modelFlopsPerStep / step.stepS / r.devices;
  const tokensPerS = tokensPerStep / step.stepS;
  const totalFlops = r.tokens !== undefined ? flopsPerToken * r.tokens : null;
  // wall time: the time spent stepping over the share of wall time a large run spends training (GOODPUT)
  const goodput = r.goodput ?? GOODPUT;
  const totalS = r.tokens !== undefined ? r.tokens / tokensPerS / goodput : null;
  const gpuHours = totalS !== null ? (totalS * r.devices) / 3600 : null;
  const price = r.priceUsdPerHour ?? r.hardware.price?.hourUsd ?? null;
  // power and TCO (src/sim/tco.ts): the step's executed FLOPs at the dtype's pJ/FLOP plus static power; the
  // training step has no DRAM byte count, so memory energy is left out (said in energy_source)
  const e = workEnergy({ flops: step.hardwareFlopsPerDevice * r.devices, bytes: 0, seconds: step.stepS, devices: r.devices }, r.hardware, peak.dtype);
  const cost = tco({ devices: r.devices, purchaseUsd: r.hardware.price?.purchaseUsd, hourUsd: price, powerW: e.powerW, itemsPerS: tokensPerS, ...r.tcoOptions });
  const wallH = totalS !== null ? totalS / 3600 : null;
  return {
    model: r.model.id,
    hardware: r.hardware.id,
    runtime: rt.id,
    devices: r.devices,
    tp: r.tp,
    pp: r.pp,
    cp: r.cp,
    dp: r.dp,
    ep: r.ep,
    etp: r.etp ?? r.tp,
    interleave: r.interleave,
    schedule: r.schedule,
    seq_len: r.seqLen,
    global_batch: r.globalBatch,
    micro_batch: r.microBatch,
    micro_batches: microBatchesPerPipeline(plan),
    tokens_per_step: tokensPerStep,
    dtype: r.dtype,
    gemm_dtype: peak.dtype,
    recompute: policy.granularity,
    recompute_modules: policy.modules,
    recompute_num_layers: policy.granularity === 'full' ? (policy.numLayers ?? Math.ceil(r.model.layers / (r.pp * (r.schedule === 'dualpipe' ? 1 : r.interleave)))) : null,
    recompute_auto: r.recompute === 'auto',
    remat_policy: policy.remat ?? null,
    zero: r.zero,
    step_s: step.stepS,
    mfu: achieved / peak.flopPerS,
    achieved_flops_per_device: achieved,
    peak_flops_per_device: peak.flopPerS,
    tokens_per_s: tokensPerS,
    flops_per_token: flopsPerToken,
    model_flops_per_step: modelFlopsPerStep,
    hardware_flops_per_step: step.hardwareFlopsPerDevice * r.devices,
    tokens: r.tokens ?? null,
    total_flops: totalFlops,
    goodput,
    total_s: totalS,
    gpu_hours: gpuHours,
    price_usd_per_hour: price,
    cost_usd: gpuHours !== null && price !== null ? gpuHours * price : null,
    power_w: e.powerW,
    energy_source: `${e.source}; DRAM traffic not counted`,
    energy_j: totalS !== null ? e.powerW * r.devices * totalS * goodput : null,
    tco_usd_per_hour: cost.tco_usd_per_hour,
    tco_usd: wallH !== null && cost.tco_usd_per_hour !== null ? wallH * cost.tco_usd_per_hour : null,
    tco_usd_per_mtok: cost.tco_usd_per_mtok,
    tokens_per_s_per_mw: cost.tokens_per_s_per_mw,
    breakdown: step.breakdown,
    memory,
    warnings,
  };
}
