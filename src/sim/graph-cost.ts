// Shared machinery of the non-decoder engines (encoder, Whisper, DiT, VAE, pipeline): precision from the
// request's dtype scheme, pricing an op list with the same roofline as the LLM path (opCost), the memory answer,
// and the common keys of a SimulateResult.
import type { Op } from '../model/op.js';
import type { Precision } from '../model/transformer-block.js';
import type { Dtype, NormalizedHardware } from '../spec/types.js';
import { resolvePrecision as resolvePrecisionScheme } from '../model/quant.js';
import { UserError } from '../spec/errors.js';
import { gemmMathDtype, opCost } from './roofline.js';
import { materialisedScoreBytes, runtimeOps } from './runtime-ops.js';
import type { LaunchPhase } from '../runtime/launch.js';
import { usableFraction } from './memory.js';
import { commSeconds } from './parallel.js';
import type { MemoryResult, OpRow, PhaseSummary, SimulateRequest, SimulateResult } from './types.js';

export interface ResolvedPrecision extends Precision {
  names: { weights: string; activations: string; kv: string };
}

/** the request's dtype scheme (src/model/quant.ts, shared with the LLM path) as the element sizes the graphs use */
export function resolvePrecision(req: SimulateRequest): ResolvedPrecision {
  const q = resolvePrecisionScheme(req.dtype, req.weights, req.activations, req.kvCache);
  return {
    compute: q.gemmDtype,
    weightBytes: q.weightBits / 8,
    actBytes: q.actBytes,
    kvBytes: q.kvBytes,
    names: { weights: q.weights, activations: q.activations, kv: q.kvCache },
  };
}

export interface PricedPhase {
  summary: PhaseSummary;
  rows: OpRow[];
  seconds: number;
}

/**
 * roofline time of an op list (each op × its count), summed; one PhaseSummary. With `actBytes` (the activation
 * element size the graph was built with) the bound runtime's kernel choices are applied first (src/sim/runtime-ops.ts).
 */
export function pricePhase(name: string, graph: Op[], hw: NormalizedHardware, launch: LaunchPhase = 'other', actBytes?: number): PricedPhase {
  const ops = actBytes !== undefined ? runtimeOps(graph, hw, actBytes) : graph;
  let seconds = 0;
  let flops = 0;
  let bytes = 0;
  let computeS = 0;
  let memoryS = 0;
  let overheadS = 0; // per-kernel gap and host launch floor, over every kernel
  let commS = 0; // collectives (a DiT's Ulysses all-to-alls: src/model/ulysses.ts), exposed: nothing overlaps them
  const rows: OpRow[] = [];
  for (const op of ops) {
    if (op.count <= 0) continue;
    if (op.kind === 'collective') {
      const t = op.comm ? commSeconds(hw, op.comm.kind, op.comm.bytes, op.comm.group) : 0;
      seconds += t * op.count;
      commS += t * op.count;
      rows.push({ phase: name, name: op.name, kind: op.kind, count: op.count, flops: 0, bytes: op.comm?.bytes ?? 0, seconds: t, bound: 'network' });
      continue;
    }
    const c = opCost(op, hw, launch);
    overheadS += op.count * Math.max(0, c.seconds - Math.max(c.computeS, c.memoryS));
    seconds += c.seconds * op.count;
    flops += op.flops * op.count;
    bytes += op.bytes * op.count;
    computeS += c.computeS * op.count;
    memoryS += c.memoryS * op.count;
    rows.push({ phase: name, name: op.name, kind: op.kind, count: op.count, flops: op.flops, bytes: op.bytes, seconds: c.seconds, bound: c.bound });
  }
  const bound = commS > Math.max(computeS, memoryS, overheadS) ? 'network' : overheadS > Math.max(computeS, memoryS) ? 'overhead' : computeS >= memoryS ? 'compute' : 'memory';
  return { summary: { name, seconds, flops, bytes, bound, compute_s: computeS, memory_s: memoryS, comm_s: commS }, rows, seconds };
}

/** scale a priced phase by a number of runs (e.g. denoising steps), keeping per-op rows per run */
export function repeatPhase(p: PricedPhase, runs: number, name = p.summary.name): PricedPhase {
  const s = p.summary;
  return {
    summary: { ...s, name, seconds: s.seconds * runs, flops: s.flops * runs, bytes: s.bytes * runs, compute_s: s.compute_s * runs, memory_s: s.memory_s * runs, comm_s: s.comm_s * runs },
    rows: p.rows,
    seconds: p.seconds * runs,
  };
}

/** a result's work as the whole replica's when its phases are one device's of `devices` that each do the same work */
export function replicaWork<W extends { flops: number; bytes: number; devices: number }>(w: W, devices: number): W {
  return { ...w, flops: w.flops * devices, bytes: w.bytes * devices, devices };
}

// a phase priced with phase 'device' (its kernels alone), once its eager host loop (eagerStepSeconds /
// eagerForwardSeconds / eagerEncoderLayersSeconds: `seconds`, undefined where the runtime states none) is priced against
// them; booked 'overhead' where the host more than doubles it
export function withHost(ph: PricedPhase, seconds: number | undefined): PricedPhase {
  if (seconds === undefined) return ph;
  const bound = seconds > ph.seconds * 2 ? 'overhead' : ph.summary.bound;
  return { ...ph, seconds, summary: { ...ph.summary, seconds, bound } };
}

/** two priced phases run one after the other, under the first one's name, keeping its per-op rows */
export function addPhase(a: PricedPhase, b: PricedPhase): PricedPhase {
  const x = a.summary, y = b.summary;
  return {
    summary: { ...x, seconds: x.seconds + y.seconds, flops: x.flops + y.flops, bytes: x.bytes + y.bytes, compute_s: x.compute_s + y.compute_s, memory_s: x.memory_s + y.memory_s, comm_s: x.comm_s + y.comm_s },
    rows: a.rows,
    seconds: a.seconds + b.seconds,
  };
}

/**
 * live activations of an inference pass: the largest kernel's inputs + outputs (its liveBytes where set: tensors held
 * at once, not the bytes a multi-pass op moves; nothing is kept for backward), or,
 * with the hardware's bound runtime, the score tensors a runtime that writes attention out holds at once
 * (src/sim/runtime-ops.ts materialisedScoreBytes), where larger
 */
export function peakActivationBytes(ops: Op[], hw?: Pick<NormalizedHardware, 'runtime'>): number {
  let peak = 0;
  for (const op of ops) peak = Math.max(peak, op.liveBytes ?? op.bytes - op.weightBytes);
  return hw ? Math.max(peak, materialisedScoreBytes(ops, hw)) : peak;
}

/** Why a configuration does not fit; a size past every number (an overflow of huge shapes) is said in words. */
export function needsReason(perDevice: number, usable: number): string {
  const need = Number.isFinite(perDevice) ? `${(perDevice / 1e9).toFixed(2)} GB` : 'more memory than any device holds';
  return `needs ${need} per device, ${(usable / 1e9).toFixed(2)} GB usable`;
}

export function memoryResult(hw: NormalizedHardware, weightsBytes: number, kvBytes: number, actBytes: number): MemoryResult {
  const per = weightsBytes + kvBytes + actBytes;
  const usable = hw.memory.capacityBytes * usableFraction(hw); // same runtime reserve as the LLM path
  const fits = per <= usable;
  return {
    per_device_bytes: per,
    capacity_bytes: hw.memory.capacityBytes,
    usable_bytes: usable,
    fits,
    reason: fits ? null : needsReason(per, usable),
    weights_bytes: weightsBytes,
    kv_cache_bytes: kvBytes,
    activations_bytes: actBytes,
  };
}

/** batch as a number: 'max' is answered by the decoder engine only; other families run batch 1 and say so */
export function fixedBatch(req: SimulateRequest, warnings?: string[], fallback = 1): number {
  if (req.batch === 'max') {
    warnings?.push(`--batch max is searched for decoder models only; ${req.model.family} ${req.model.id} runs batch ${fallback} (give --batch N)`);
    return fallback;
  }
  if (!Number.isInteger(req.batch) || req.batch < 1) throw new UserError(`--batch must be a positive integer or "max", found "${req.batch}"`);
  return req.batch;
}

/** devices and replicas: these families run one whole model per device (data parallel) */
export function placement(req: SimulateRequest, warnings: string[]): { devices: number; replicas: number } {
  const devices = req.devices ?? 1;
  if (req.tp > 1 || req.pp > 1 || (req.ep ?? 1) > 1) {
    warnings.push(`tensor/pipeline/expert parallelism is not modelled for family ${req.model.family}: each device runs the whole model (data parallel)`);
  }
  if (!Number.isInteger(devices) || devices < 1) throw new UserError(`--devices must be a positive integer, found "${devices}"`);
  return { devices, replicas: devices };
}

/** devices and replicas of a DiT under Ulysses: `sp` devices per sample (--devices defaults to them, a multiple of them) */
export function ulyssesPlacement(req: SimulateRequest, sp: number, warnings: string[]): { devices: number; replicas: number } {
  const devices = req.devices ?? sp;
  if (!Number.isInteger(devices) || devices < 1) throw new UserError(`--devices must be a positive integer, found "${devices}"`);
  if (devices % sp !== 0) throw new UserError(`--devices ${devices} is not a multiple of --tp ${sp} (extra devices are data-parallel replicas)`);
  if (req.pp > 1 || (req.ep ?? 1) > 1) warnings.push(`pipeline/expert parallelism is not modelled for family ${req.model.family}: --pp/--ep ignored (--tp ${sp} runs it sequence parallel)`);
  return { devices, replicas: devices / sp };
}

/** the keys every family reports, filled from a finished run */
export function baseResult(
  req: SimulateRequest,
  p: ResolvedPrecision,
  batch: number,
  memory: MemoryResult,
  phases: PricedPhase[],
  warnings: string[],
  replicas: number,
  items: number,
): SimulateResult {
  const seconds = phases.reduce((s, ph) => s + ph.seconds, 0);
  const flops = phases.reduce((s, ph) => s + ph.summary.flops, 0);
  const bytes = phases.reduce((s, ph) => s + ph.summary.bytes, 0);
  const res: SimulateResult = {
    model: req.model.id,
    hardware: req.hardware.id,
    family: req.model.family,
    devices: replicas,
    tp: 1,
    pp: 1,
    ep: 1,
    replicas,
    batch,
    dtype: req.dtype,
    weights_dtype: p.names.weights,
    activations_dtype: gemmMathDtype(req.hardware, p.names.activations as Dtype),
    kv_cache_dtype: p.names.kv,
    latency_s: memory.fits ? seconds : null,
    memory,
    phases: phases.map((ph) => ph.summary),
    warnings,
    work: memory.fits ? { flops, bytes, seconds, items, devices: 1 } : null,
  };
  if (req.verbose) res.ops = phases.flatMap((ph) => ph.rows);
  return res;
}

/**
 * Whether attention runs as one fused (FlashAttention-style) kernel with the scores kept on chip. GPU stacks do
 * (PyTorch SDPA, timm's fused_attn, TensorRT MHA plugins), and so do phone NPU compilers: QNN/HTP tiles each
 * head's QKᵀ-softmax-AV in VTCM (qai_hub_models exports split heads for this; a 1500×1500 fp16 score tile is
 * 4.5 MB). Checked against the published Whisper encoder times on Snapdragon phones (validation row D016 and the
 * same perf.yaml's other devices): materialising the scores in DRAM would predict 1.4–1.8× their times.
 * Kept as a function so a hardware without fused kernels can say so.
 */
export function fusedAttention(_hw: NormalizedHardware): boolean {
  return true;
}
