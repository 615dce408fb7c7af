// Inverse sizing: a throughput target (tokens/s at a batch, or a time per output token) → what the
// hardware needs: achieved memory bandwidth, capacity and compute; and per memory technology the stacks
// or bus bits that provide it.
//
//   probe simulate ──▶ bytes and FLOPs per output token of a decode step (hardware-free)
//   target: tok/s = decode rate batch / TPOT (or --target-tpot)
//   need:   achieved bandwidth = target tok/s × bytes per token
//           datasheet bandwidth = achieved / ε_mem(technology)
//           compute = target tok/s × FLOPs per token / ε_gemm
//   per technology: COUNT = ⌈datasheet bandwidth / per-stack bandwidth⌉ stacks, or the bus bits rounded up to
//           whole channels (16 bits LPDDR, 32 GDDR/DDR), raised until the capacity holds the model and KV
//           cache; then simulate on the base hardware with that memory and raise COUNT while the target is
//           not met (kernel overheads, attention reads, prefill share) and more bandwidth still helps.
import { bindRuntime } from '../runtime/resolve.js';
import { libraryRuntime } from '../spec/library.js';
import { DTYPES, type Dtype, type MemoryTechnology, type NormalizedHardware } from '../spec/types.js';
import type { SimulateRequest, SimulateResult } from './types.js';
import { engineSeqCap } from './engine-queue.js';
import { UserError } from '../spec/errors.js';
import { busGranularityBits, memorySystem, swapMemory } from '../hardware/whatif.js';
import { defaultEfficiency, defaultMemoryEfficiency, lookupEfficiency } from '../hardware/efficiency.js';

export interface SizeTarget {
  tokS?: number; // system output tokens/s at the request's batch
  tpotS?: number; // time per output token of one request
}

export interface SizeOption {
  memory: string;
  kind: 'stack' | 'bus';
  count: number; // stacks, or bus width in bits
  count_unit: 'stacks' | 'bits';
  bandwidth_bytes_per_s: number; // achieved bandwidth the target needs
  peak_bandwidth_bytes_per_s: number; // datasheet bandwidth it needs at this technology's efficiency
  provided_bandwidth_bytes_per_s: number; // what COUNT gives (datasheet)
  memory_efficiency: number;
  capacity_bytes: number; // what COUNT gives
  limited_by: 'bandwidth' | 'capacity' | 'simulated';
  achieved_tok_s: number | null; // decode rate (batch / TPOT) simulated with this memory (base hardware when given)
  achieved_tpot_s: number | null;
  achieved_throughput_tok_s: number | null; // steady-state throughput including the prefills
  meets_target: boolean;
  energy_j_per_token: number | null;
  energy_source: string | null;
}

/** one token a day: the smallest target `size` sizes a memory system for */
export const MIN_TARGET_TOK_S = 1 / 86_400;
/** the largest target `size` sizes for: 1e9 tokens per second */
export const MAX_TARGET_TOK_S = 1e9;

export interface SizeResult {
  model: string;
  hardware: string | null; // the base hardware, null for an ideal (memory-only) probe
  runtime: string; // the runtime the options are simulated under (ideal for the probe unless --runtime)
  batch: number;
  input_tokens: number;
  output_tokens: number;
  dtype: string;
  target_tok_s: number;
  target_tpot_s: number | null;
  bytes_per_token: number;
  flops_per_token: number;
  required: { bandwidth_bytes_per_s: number; capacity_bytes: number; compute_flops_per_s: number };
  base?: { compute_flops_per_s: number; compute_ok: boolean } | null;
  options: SizeOption[];
  warnings: string[];
}

// An ideal accelerator for a memory-only answer: compute and overheads out of the way, room for anything.
export function probeHardware(cls = 'datacenter'): NormalizedHardware {
  const eff = defaultEfficiency('hbm3', cls);
  eff.kernelOverheadS = 0;
  eff.gemm = { sizes: [1], values: [1] };
  eff.attention = 1;
  eff.vector = 1;
  return {
    id: 'ideal',
    name: 'ideal accelerator (memory-bound probe)',
    vendor: 'other',
    class: cls,
    matrixFlopPerS: { fp32: 1e18, bf16: 1e18, fp16: 1e18, fp8: 1e18, int8: 1e18, fp4: 1e18, int4: 1e18 },
    vectorFlopPerS: { fp32: 1e18, fp16: 1e18 },
    memory: { technology: 'hbm3', capacityBytes: 1e15, bandwidthBytePerS: 1e12 },
    onChip: {},
    efficiency: eff,
    sources: ['synthetic: hwperf size probe'],
  };
}

// Whole stacks, or bus bits rounded up to whole channels.
export function countFor(tech: MemoryTechnology, peakBandwidth: number): number {
  if (tech.kind === 'stack') return Math.max(1, Math.ceil(peakBandwidth / tech.perStackBandwidthBytePerS! - 1e-9));
  const g = busGranularityBits(tech);
  const bits = (peakBandwidth * 8) / tech.pinRateBitPerS!;
  return Math.max(g, Math.ceil(bits / g - 1e-9) * g);
}

// Whole stacks, or whole channels, that hold `bytes`.
export function countForCapacity(tech: MemoryTechnology, bytes: number): number {
  const unit = tech.kind === 'stack' ? 1 : busGranularityBits(tech);
  const perUnit = memorySystem(tech, unit).capacityBytes;
  return Math.max(1, Math.ceil(bytes / perUnit - 1e-9)) * unit;
}

function nextCount(tech: MemoryTechnology, count: number): number {
  return tech.kind === 'stack' ? count + 1 : count + busGranularityBits(tech);
}

const MAX_STEPS = 256;

// Energy per token of an option: simulate's one method (src/sim/energy-cost.ts); a technology without a
// published pJ/bit uses its family's assumed figure, and energy_source says "ASSUMED".
function optionEnergy(r: SimulateResult): { joules: number | null; source: string | null } {
  return { joules: r.energy_j_per_token ?? null, source: r.energy_source ?? null };
}

// Decode rate of the system: the requests decoding per replica / TPOT. Above the runtime's in-flight cap the engine
// decodes that many and queues the rest (src/sim/engine-queue.ts), so the cap, not the batch, decodes each step: the
// result's in_flight where simulate applied it (the cap SGLang sizes from its KV pool included, src/sim/pool-seqs.ts)
function decodeRate(r: SimulateResult, hw: NormalizedHardware): number {
  const decoding = Math.min(r.batch ?? 0, r.in_flight ?? Infinity, engineSeqCap(hw) ?? Infinity);
  return r.tpot_s && decoding ? (decoding / r.tpot_s) * (r.replicas || 1) : 0;
}

function meets(r: SimulateResult, hw: NormalizedHardware, tokS: number): boolean {
  return decodeRate(r, hw) >= tokS * (1 - 1e-9);
}

export function sizeMemory(
  req: SimulateRequest,
  target: SizeTarget,
  techs: MemoryTechnology[],
  simulate: (r: SimulateRequest) => SimulateResult,
  base: NormalizedHardware | null,
): SizeResult {
  if (req.model.family !== 'decoder') throw new UserError(`size: only decoder models (LLMs) have a tokens/s target; ${req.model.id} is ${req.model.family}`);
  if (typeof req.batch !== 'number') throw new UserError('size: --batch must be a number');
  const warnings: string[] = [];
  // 1. probe: bytes and FLOPs per output token of a decode step (hardware-free), memory footprint.
  // "X tok/s at batch B" is the decode rate B / TPOT, the figure people quote for a phone or a chat
  // endpoint; the prefill share of steady-state throughput is reported beside it (achieved_throughput_tok_s).
  // the bytes probe runs under the ideal runtime: no host or launch time, every byte usable
  const probeHw = bindRuntime(probeHardware(base?.class ?? 'datacenter'), libraryRuntime('ideal'));
  const probe = simulate({ ...req, hardware: probeHw, verbose: false });
  const decode = probe.phases.find((p) => p.name === 'decode');
  const devicesPerReplica = Math.max(1, probe.tp * probe.pp);
  if (!decode || !(decode.bytes > 0)) throw new UserError(`size: ${req.model.id} has no decode phase to size (is --output-tokens 0?)`);
  // phases are per device and per step; a step yields `batch` tokens
  const bytesPerToken = (decode.bytes * devicesPerReplica) / req.batch;
  const flopsPerToken = (decode.flops * devicesPerReplica) / req.batch;
  const tokS = target.tpotS !== undefined ? req.batch / target.tpotS : target.tokS!;
  if (!(tokS > 0)) throw new UserError('size: the target must be > 0');
  // below a token a day there is no memory system to size (5e-324 tok/s sized 1e-314 B/s of bandwidth)
  // a billion tokens a second is about the output of every public LLM service together; past it the bandwidth to
  // size is of no memory (1e100 tok/s asked for 2.5e109 B/s)
  if (tokS > MAX_TARGET_TOK_S) throw new UserError(`size: a target of ${tokS.toExponential(2)} tok/s is more than 1e9 tok/s; give a smaller target`);
  if (tokS < MIN_TARGET_TOK_S) throw new UserError(`size: a target of ${tokS.toExponential(2)} tok/s is less than one token a day (${MIN_TARGET_TOK_S.toExponential(2)} tok/s); give a larger target`);
  // Per device: the model is split over tp·pp devices, each with its own memory.
  const achievedBw = (tokS * bytesPerToken) / devicesPerReplica;
  const capacityNeed = probe.memory.per_device_bytes;
  const gemmLarge = base ? lookupEfficiency(base.efficiency.gemm, 1e13) : defaultEfficiency('hbm3', 'datacenter').gemm.values.at(-1)!;
  const computeNeed = (tokS * flopsPerToken) / devicesPerReplica / gemmLarge;
  // a target past what a number holds (--target-tok-s 1e308, --target-tpot 1e-300) has no memory system to size
  if (!Number.isFinite(achievedBw / 0.01) || !Number.isFinite(computeNeed)) {
    throw new UserError(`size: a target of ${tokS.toExponential(2)} tok/s needs more bandwidth or compute than any number holds; give a smaller target`);
  }
  let baseInfo: SizeResult['base'] = null;
  if (base) {
    const peak = Math.max(...Object.values(base.matrixFlopPerS).map((v) => v ?? 0), 0);
    baseInfo = { compute_flops_per_s: peak, compute_ok: peak >= computeNeed };
    if (peak < computeNeed) warnings.push(`${base.id}: compute ${peak.toExponential(2)} FLOP/s is below the ${computeNeed.toExponential(2)} FLOP/s the target needs; more bandwidth alone will not reach it`);
  }
  // 2. per technology: count from bandwidth, raised for capacity, then checked by simulating
  const options: SizeOption[] = techs.map((tech) => {
    const eff = defaultMemoryEfficiency(tech.id);
    const peakBw = achievedBw / eff;
    let count = countFor(tech, peakBw);
    let limited: SizeOption['limited_by'] = 'bandwidth';
    const forCapacity = countForCapacity(tech, capacityNeed);
    if (forCapacity > count) {
      count = forCapacity;
      limited = 'capacity';
    }
    const hwBase = base ?? (req.hardware.runtime ? req.hardware : probeHw);
    let hw = swapMemory(hwBase, tech, count);
    let r = simulate({ ...req, hardware: hw });
    for (let i = 0; i < MAX_STEPS && !meets(r, hw, tokS); i++) {
      const nextHw = swapMemory(hwBase, tech, nextCount(tech, count));
      const next = simulate({ ...req, hardware: nextHw });
      if (!(decodeRate(next, nextHw) > decodeRate(r, hw) * 1.01)) break; // bandwidth no longer helps: compute or overhead bound
      count = nextCount(tech, count);
      hw = nextHw;
      r = next;
      limited = 'simulated';
    }
    const sys = memorySystem(tech, count);
    const energy = optionEnergy(r);
    if (tech.energyJPerBit === undefined) warnings.push(`${tech.id}: no published pJ/bit; its energy uses an ASSUMED figure (see energy_source)`);
    return {
      memory: tech.id,
      kind: tech.kind,
      count,
      count_unit: tech.kind === 'stack' ? 'stacks' : 'bits',
      bandwidth_bytes_per_s: achievedBw,
      peak_bandwidth_bytes_per_s: peakBw,
      provided_bandwidth_bytes_per_s: sys.bandwidthBytePerS,
      memory_efficiency: eff,
      capacity_bytes: sys.capacityBytes,
      limited_by: limited,
      achieved_tok_s: decodeRate(r, hw) || null,
      achieved_tpot_s: r.tpot_s ?? null,
      achieved_throughput_tok_s: r.throughput_tok_s ?? null,
      meets_target: meets(r, hw, tokS),
      energy_j_per_token: energy.joules,
      energy_source: energy.source,
    };
  });
  return {
    model: req.model.id,
    hardware: base?.id ?? null,
    runtime: (base ?? (req.hardware.runtime ? req.hardware : probeHw)).runtime!.id,
    batch: req.batch,
    input_tokens: req.inputTokens,
    output_tokens: req.outputTokens,
    dtype: req.dtype,
    target_tok_s: tokS,
    target_tpot_s: target.tpotS ?? null,
    bytes_per_token: bytesPerToken,
    flops_per_token: flopsPerToken,
    required: { bandwidth_bytes_per_s: achievedBw, capacity_bytes: capacityNeed, compute_flops_per_s: computeNeed },
    base: baseInfo,
    options,
    warnings,
  };
}
