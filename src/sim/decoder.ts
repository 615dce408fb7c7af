// Decoder-LLM inference: prefill, decode and in-flight-batching steady state on one replica, times replicas.
//
//   request ──layout & precision──▶ memory(batch) ──fits?──▶ passes: prefill(B·L) │ steady step(B, c∈[L, L+O])
//                                                              │                    └─ closed-form mean over c
//                                                              └─ no: memory answer, time keys null
//
// Steady state (in-flight batching, TensorRT-LLM/vLLM, Yu et al. "Orca", OSDI 2022): B requests in flight on
// a replica, a finished request is replaced at once and its whole prefill joins the next step beside the other
// requests' decodes (context and generation tokens share one forward, so the weights are read once per step).
// Costed as a cycle of O steps (cycleSteps below), each at the mean over the context growing from L to L+O:
//   throughput = B·O / cycle;  ttft = the step carrying the request's prefill;  tpot = the rest over O − 1.
// At batch 1 this is the single stream (throughput = O / e2e); throughput ≤ batch / tpot exactly when ttft ≥ tpot
// (see cycleSteps below). A runtime whose scheduler never mixes prompts and decodes (SGLang; vLLM V0 without chunked
// prefill) runs the prompts in steps of their own between decode steps of all B (unmixedCycleSteps below).
// `ttft_cold_s` is the whole batch prefilled at once from cold (and `prefill_tok_s` its rate).
// Pipeline parallelism keeps min(pp, B) microbatches of B / min(pp, B) in flight; a token crosses all pp stages.
import { bufferDeficit, bufferPlan, markCommandBuffers, type BufferPlan } from './command-buffers.js';
import type { DecoderModel, Dtype, NormalizedHardware } from '../spec/types.js';
import type { OpRow, PhaseSummary, SimulateRequest, SimulateResult, MemoryResult } from './types.js';
import { UserError } from '../spec/errors.js';
import { buildDecoderPass, type GraphOp, type PassShape } from '../model/decoder-graph.js';
import { resolvePrecision, type Precision } from '../model/quant.js';
import { gemmMathDtype, matrixPeak, opCost, opCostScratch } from './roofline.js';
import { dequantizedAttention, mxfp4MoeDtype } from './peaks.js';
import { exposedComm, overlapShares } from './overlap.js';
import { prefetchableS } from './weight-prefetch.js';
import { isChoice, leastAssignment } from './kernel-assignment.js';
import { fallbackWarning, kernelPhysics } from './kernel-physics.js';
import { ggmlKernelCounts } from './ggml-kernels.js';
import { writtenPrefillAttention } from './written-prefill-attention.js';
import { mlaDecodeKernels } from './mla-decode-kernels.js';
import { mixedDecodeTiles } from './mixed-decode-tiles.js';
import { boundRuntimeMixes } from '../serve/runtime-defaults.js';
import { fuseDecoderOps } from './fusion.js';
import { runtimeFusions } from './runtime-fusions.js';
import { layerKernels } from './layer-kernels.js';
import { epAllRows } from './ep-all-rows.js';
import { moeDenseExperts } from './moe-dense-experts.js';
import { cacheCopies } from './cache-copies.js';
import { meanMaxLinear, meanMaxLinearFloor } from './decode-integral.js';
import { contextPieces } from '../model/layer-kinds.js';
import { buildLayout, commSeconds, dpMoeOf, type Layout } from './parallel.js';
import type { ExpertExchange } from '../model/op.js';
import { deepEpLowLatencySeconds } from './deepep-low-latency.js';
import { decoderMemory } from './memory.js';
import { decodeKvTokens } from './kv-read-blocks.js';
import type { PassContext, PreparedPass } from './pass-memo.js';
import { customAllreduceFloor, customAllreduceSeconds, customAllreduceServes } from '../runtime/collectives.js';
import { decodePlanSyncSeconds, hostStepSeconds, schedulerSequences, workerRpcWorkers } from '../runtime/host.js';
import { asyncStepSeconds, collectiveLaunchS, decoderHostArch, eagerStepSeconds, hostRunsAhead, launchPhaseOf, type LaunchPhase } from '../runtime/launch.js';
import { expertLoopHostS } from './moe-expert-loop.js';
import { expectedMaxOccupancy, expectedMaxPoisson } from './busiest-rank.js';
import { ONCE_OPS, combineUbatches } from './ubatch.js';
import { pipelinedPrefillSeconds } from './pipelined-prefill.js';
import { samplerOps } from './sampler-ops.js';
import { DECODE_EAGER, decodeContextEagerShare, mergePadded, paddedDecodeSeqs } from './graph-padding.js';
import { engineSeqCap, queuedTimes, queueWarning } from './engine-queue.js';
import { enginePoolSeqCap } from './pool-seqs.js';

// a GEMM or attention priced at another data type than its own because the part lacks the datapath (the fallback
// warning); not a runtime's own 16-bit attention over an 8-bit cache (peaks.ts dequantizedAttention), nor MXFP4 experts at
// the rate of the activations the runtime's MoE kernel takes (peaks.ts mxfp4MoeDtype)
function fellBack(op: GraphOp, priced: Dtype, hw: NormalizedHardware): boolean {
  return priced !== op.dtype && (op.kind === 'gemm' || op.kind === 'attention') && !dequantizedAttention(op, hw) && mxfp4MoeDtype(op, hw) === undefined;
}

// trtllm-bench caps (tensorrt_llm/bench/build/tuning.py, finetune_setting): at most 4096 requests in
// flight and 32768 tokens per forward; `--batch max` searches within them.
export const RUNTIME_MAX_BATCH = 4096;
export const RUNTIME_MAX_TOKENS = 32768;

/**
 * Requests in flight `--batch max` may reach under the bound runtime: what its offline benchmark admits
 * (`scheduler.bench_max_num_seqs`: trtllm-bench's 4096), else the engine's max_num_seqs as the runtime file gives it
 * for this device (vLLM V1 1024 on ≥ 70 GiB parts other than A100, 256 below: scheduler.below_memory and by_hardware;
 * vLLM V0 256), within trtllm-bench's 4096. Runtimes without a scheduler keep 4096.
 */
export function runtimeBatchCap(hw: NormalizedHardware): number {
  return withinBench(engineSeqCap(hw));
}
// an engine's cap (undefined: none stated) within trtllm-bench's 4096, at least 1
const withinBench = (cap: number | undefined): number => Math.max(1, Math.min(RUNTIME_MAX_BATCH, cap ?? RUNTIME_MAX_BATCH));

// the engine's cap for this model and layout: engineSeqCap, or where the runtime sizes it from its KV pool
// (scheduler.pool_seqs: SGLang's max_num_reqs rule, src/sim/pool-seqs.ts) the rule's; undefined: no cap stated
function seqCap(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision): number | undefined {
  const c = engineSeqCap(hw);
  if (c === undefined) return undefined;
  return enginePoolSeqCap(m, hw, L, p, c) ?? c;
}

// a collective of one pass: the runtime's own all-reduce kernel where it has one for this message (vLLM's custom
// all-reduce, src/runtime/collectives.ts), else the collective library as the hardware prices it (above the runtime's
// table, never below its last measured time)
export function collectiveSeconds(hw: NormalizedHardware, kind: Parameters<typeof commSeconds>[1], bytes: number, group: number, ep?: ExpertExchange): number {
  // a decode step's expert exchange under DeepEP's low-latency kernels (runtime kernels.moe_a2a_decode)
  if (ep?.decode && hw.runtime?.kernels?.moeA2aDecode === 'deepep_low_latency') return deepEpLowLatencySeconds(hw, group, ep);
  if (kind !== 'allreduce') return commSeconds(hw, kind, bytes, group);
  return customAllreduceSeconds(hw, bytes, group) ?? Math.max(commSeconds(hw, kind, bytes, group), customAllreduceFloor(hw, bytes, group));
}

// the host's dispatch of a collective op's calls in a step of this launch phase (src/runtime/launch.ts collectiveLaunchS):
// an all-reduce the runtime's own kernel takes (within its buffer, timed or not) is one custom op, a call to the
// collective library the library's for that collective kind
function collectiveHostS(hw: NormalizedHardware, lp: LaunchPhase, op: GraphOp): number {
  const c = op.comm;
  if (!c) return 0;
  const own = c.kind === 'allreduce' && customAllreduceServes(hw, c.bytes, c.group);
  return collectiveLaunchS(hw, lp, c.kind, own, op.name) * op.count;
}

export interface PassCost {
  seconds: number; // mean over the context range
  computeS: number;
  memoryS: number;
  commS: number;
  overheadS: number;
  hostStepS?: number; // of seconds: the host's time between engine steps (addHost), once a step, not once a ubatch
  flops: number; // per device, at the mean context
  bytes: number;
  bound: string;
  rows?: OpRow[];
}

// opCost's results in the functions below, read before the next opCost call (K1: the other end of a context range)
const K0 = opCostScratch();
const K1 = opCostScratch();

// What a prepared pass keeps of each op (PreparedPass.code): the sweep's memo re-adds the stored costs of context-free
// ops and collectives and costs only the context ops again, with no op object to read but those
const SKIP = 0, FREE = 1, CONTEXT = 2, COLL = 3, COLL_EP = 4, COLL_TP = 5;

/**
 * The context-free parts of a pass, costed once (src/sim/pass-memo.ts): exactly what costPass computes for them, and
 * per op what costPrepared needs to add them up again in the same order. The entries live for thousands of rows and
 * are promoted to the old generation: they keep numbers in typed arrays and only the context ops' objects (whole ops
 * were ~4.5 KB an entry, ~0.45 KB of every sweep row, issue 15).
 */
export function preparePass(ops: GraphOp[], hw: NormalizedHardware, phase: string): PreparedPass {
  // one array of doubles, not typed arrays: a typed array of this size has its store outside the heap, whose allocation
  // and sweeping cost more than the rest of a memo miss (issue 15)
  const nums: number[] = [];
  const code = new Int8Array(ops.length);
  const ctxOps: GraphOp[] = [];
  let contextFree = true;
  const warn: string[] = [];
  const lp = launchPhaseOf(hw, phase);
  const ahead = hostRunsAhead(hw);
  // per op, the weight stream a prefetch takes off it, where the runtime hides TP collectives behind it, and the dense
  // GEMMs' other kernels (src/sim/kernel-assignment.ts: CHOICE numbers each)
  const prefetch: number[] | undefined = overlapShares(hw).tpCommPrefetch > 0 ? [] : undefined;
  const choices: number[] | undefined = prefetch && hasCollectives(ops) ? [] : undefined;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    let t = NaN, tc = NaN, tm = NaN, ov = NaN, h = NaN, pre = 0;
    if (op.count <= 0) {
      // SKIP
    } else if (op.kind === 'collective') {
      t = op.comm ? collectiveSeconds(hw, op.comm.kind, op.comm.bytes, op.comm.group, op.comm.ep) * op.count : 0;
      h = ahead ? collectiveHostS(hw, lp, op) : 0;
      code[i] = op.comm?.kind === 'alltoall' ? COLL_EP : op.comm?.kind === 'allreduce' ? COLL_TP : COLL;
    } else if (op.flopsPerCtx === 0 && op.bytesPerCtx === 0) {
      const k = opCost(op, hw, lp, K0);
      if (fellBack(op, k.dtype, hw)) warn.push(fallbackWarning(hw.id, op.dtype, k.dtype, hw));
      t = ahead ? k.deviceS! : k.seconds;
      h = ahead ? k.floorS! : 0;
      tc = k.computeS;
      tm = k.memoryS;
      ov = t - Math.max(k.computeS, k.memoryS);
      if (prefetch) {
        pre = prefetchableS(op, k, t, ahead ? 0 : k.floorS ?? 0) * op.count;
        if (choices) otherKernel(op, hw, lp, ahead, op.count, t, k.computeS, k.memoryS, ov, h, pre, -1, choices);
      }
      code[i] = FREE;
    } else {
      contextFree = false;
      code[i] = CONTEXT;
      ctxOps.push(op);
    }
    nums.push(t, tc, tm, ov, op.count, op.flops, op.bytes, h);
    prefetch?.push(pre);
  }
  return { code, nums, ctxOps, warn, contextFree, plan: bufferPlan(ops), prefetch, choices: choices?.length ? choices : undefined };
}

/**
 * preparePass's warnings alone: the same ops (context-free GEMMs and attention) in the same order, without costing them.
 * opCost reports matrixPeak's dtype in every branch (a GGUF GEMM at the runtime's own kernel rate keeps its dtype), so
 * no op is costed here. For a row that does not fit, whose passes are never timed (issue 15: ~5% of the engine's time in
 * the 1M-row bench went to costing them).
 */
export function passWarnings(ops: GraphOp[], hw: NormalizedHardware): string[] {
  const warn: string[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.count <= 0 || (op.kind !== 'gemm' && op.kind !== 'attention') || op.flopsPerCtx !== 0 || op.bytesPerCtx !== 0) continue;
    const ran = matrixPeak(hw, op.dtype).dtype;
    if (ran !== op.dtype) warn.push(fallbackWarning(hw.id, op.dtype, ran, hw));
  }
  return warn;
}

// a context op's cost over c ∈ [c0, c1] (contextOp), read before the next call; h: its host dispatch (`ahead`)
const CX = { t: 0, tc: 0, tm: 0, ov: 0, cx: 0, h: 0 };

// An op linear in the attended context x: cost at both ends of its range gives the two lines (attention efficiency does
// not depend on size). Full attention attends over x = c; a local layer (sliding window, chunked) over x = e(c),
// piecewise linear in c — the mean over c is the weighted mean over its pieces. cx: the mean attended context.
// With `ahead` (a host that dispatches ahead of the device: src/runtime/launch.ts hostRunsAhead) t is the kernel's device
// time alone and h its launch floor, which the pass adds to its host chain (finishPass); otherwise t holds the floor.
function contextOp(op: GraphOp, hw: NormalizedHardware, c0: number, c1: number, lp: LaunchPhase, ahead: boolean): typeof CX {
  const f0 = op.flops, b0 = op.bytes;
  const pieces = contextPieces(op.window, c0, c1);
  let xlo = Infinity, xhi = -Infinity, xm = 0;
  for (const q of pieces) {
    const xb = q.e0 + q.slope * (q.b - q.a);
    xlo = Math.min(xlo, q.e0);
    xhi = Math.max(xhi, xb);
    xm += (q.weight * (q.e0 + xb)) / 2;
  }
  op.flops = f0 + op.flopsPerCtx * xlo;
  op.bytes = b0 + op.bytesPerCtx * xlo;
  const k0 = opCost(op, hw, lp, K0);
  op.flops = f0 + op.flopsPerCtx * xhi;
  op.bytes = b0 + op.bytesPerCtx * xhi;
  const k1 = opCost(op, hw, lp, K1);
  op.flops = f0;
  op.bytes = b0;
  const span = xhi - xlo || 1;
  const bC = (k1.computeS - k0.computeS) / span, aC = k0.computeS - bC * xlo;
  const bM = (k1.memoryS - k0.memoryS) / span, aM = k0.memoryS - bM * xlo;
  // seconds = max(body + kernel overhead, launch floor) at every x: integrated with the floor (taking the
  // overhead at one end made a longer context cost less where the launch floor binds at the short end)
  const ov0 = k0.overheadS ?? 0, floor = ahead ? 0 : (k0.floorS ?? 0) - ov0;
  let body = 0;
  let t = ov0;
  for (const q of pieces) {
    const e1 = q.e0 + q.slope * (q.b - q.a);
    t += q.weight * meanMaxLinearFloor(aC, bC, aM, bM, floor, q.e0, e1);
    body += q.weight * meanMaxLinear(aC, bC, aM, bM, q.e0, e1);
  }
  CX.t = t;
  CX.ov = t - body;
  CX.tc = aC + bC * xm;
  CX.tm = aM + bM * xm;
  CX.cx = xm;
  CX.h = ahead ? k0.floorS ?? 0 : 0;
  return CX;
}

// A pass's sums, op by op. costPass and costPrepared add into this one accumulator through the same two functions in
// the same order, so a prepared pass gives the same numbers bit for bit; finishPass reads it before the next pass.
// seconds: the device's time (kernels and collectives); hostS: the host's dispatch chain of the ops it launches one by one
// (their launch floors), which runs ahead of the device (finishPass: src/runtime/launch.ts asyncStepSeconds).
// prefetchS: the dense GEMMs' weight streams a prefetch would take off them (src/sim/weight-prefetch.ts), summed only
// where the runtime hides TP collectives behind them (overlap.tp_comm_prefetch)
const S = { seconds: 0, computeS: 0, memoryS: 0, commS: 0, overheadS: 0, flops: 0, bytes: 0, computeBoundS: 0, memoryBoundS: 0, epComm: 0, tpComm: 0, hostS: 0, prefetchS: 0 };
// ... and, where prefetchS is summed, the dense GEMMs whose other kernel (a matrix-vector floor against the tiled one)
// could make the pass cheaper (src/sim/kernel-assignment.ts), CHOICE numbers each in op order: what switching adds to
// seconds, hostS and prefetchS; then the launches n, the taken kernel's t, tc, tm, ov, h, the other's, and the op's row
// (-1: none); finishPass prices the pass at the least assignment
const CHOICE = 15;
const CH: number[] = [];
const TAKE: number[] = [];
function startSums(): void {
  S.seconds = S.computeS = S.memoryS = S.commS = S.overheadS = S.flops = S.bytes = S.hostS = 0;
  S.computeBoundS = S.memoryBoundS = S.epComm = S.tpComm = S.prefetchS = 0;
  CH.length = 0;
}
// a dense GEMM of `n` launches priced at t (tc, tm, ov; h of host dispatch each; pre of prefetchable stream in all) by
// the kernel opCost took where a floor competed: its other kernel's cost, kept in `into` as a choice where it could
// lower the pass's time (isChoice); `row`: the op's row in the pass's rows
function otherKernel(op: GraphOp, hw: NormalizedHardware, lp: LaunchPhase, ahead: boolean, n: number, t: number, tc: number, tm: number, ov: number, h: number, pre: number, row: number, into: number[]): void {
  const taken = K0.kernel;
  if (taken === undefined || op.kind !== 'gemm' || op.groups || !(op.weightBytes > 0)) return;
  const a = opCost(op, hw, lp, K1, taken === 'floor' ? 'tiled' : 'floor');
  const tA = ahead ? a.deviceS! : a.seconds, hA = ahead ? a.floorS! : 0;
  const dSec = (tA - t) * n, dHost = (hA - h) * n, dPre = prefetchableS(op, a, tA, ahead ? 0 : a.floorS ?? 0) * n - pre;
  if (!isChoice(dSec, dHost, dPre)) return;
  into.push(dSec, dHost, dPre, n, t, tc, tm, ov, h, tA, a.computeS, a.memoryS, tA - Math.max(a.computeS, a.memoryS), hA, row);
}
// whether a pass launches a collective, the only work a GEMM's other kernel can change the pass's time against
// (finishPass prices kernel assignments only where collectives are summed)
function hasCollectives(ops: GraphOp[]): boolean {
  for (const op of ops) if (op.kind === 'collective' && op.count > 0) return true;
  return false;
}
// a collective of `t` seconds: expert-parallel all-to-all (ep), tensor-parallel all-reduce (tp) or another, whose calls
// the host dispatched in `h` seconds in all (0: replayed from a graph, or a host that does not run ahead)
function addCollective(t: number, ep: boolean, tp: boolean, h: number): void {
  S.seconds += t;
  S.hostS += h;
  S.commS += t;
  if (ep) S.epComm += t;
  else if (tp) S.tpComm += t;
}
// `n` launches of an op of t seconds on the device (tc compute, tm memory, ov beyond both) doing fl FLOPs and by bytes in
// all, each dispatched by the host in h seconds (0: replayed from a graph, or already inside t)
function addOp(t: number, tc: number, tm: number, ov: number, n: number, fl: number, by: number, h: number): void {
  S.seconds += t * n;
  S.hostS += h * n;
  S.computeS += tc * n;
  S.memoryS += tm * n;
  S.overheadS += ov * n;
  if (tc >= tm) S.computeBoundS += (t - ov) * n;
  else S.memoryBoundS += (t - ov) * n;
  S.flops += fl;
  S.bytes += by;
}
// `n` launches of a context op over c ∈ [c0, c1] (contextOp), returned for the caller's row
function addContextOp(op: GraphOp, hw: NormalizedHardware, c0: number, c1: number, lp: LaunchPhase, n: number, ahead: boolean): typeof CX {
  const r = contextOp(op, hw, c0, c1, lp, ahead);
  addOp(r.t, r.tc, r.tm, r.ov, n, (op.flops + op.flopsPerCtx * r.cx) * n, (op.bytes + op.bytesPerCtx * r.cx) * n, r.h);
  return r;
}
const opRow = (phase: string, op: GraphOp, n: number, fl: number, by: number, t: number, tc: number, tm: number, ov: number): OpRow =>
  ({ phase, name: op.name, kind: op.kind, count: n, flops: fl, bytes: by, seconds: t * n, bound: ov > Math.max(tc, tm) ? 'overhead' : tc >= tm ? 'compute' : 'memory' });

/** Cost one pass on one device; decode attention is integrated exactly over c ∈ [c0, c1]. */
export function costPass(ops: GraphOp[], hw: NormalizedHardware, c0: number, c1: number, name: string, warnings?: Set<string>, rows = false): PassCost {
  startSums();
  const out: OpRow[] | undefined = rows ? [] : undefined;
  const lp = launchPhaseOf(hw, name);
  const ahead = hostRunsAhead(hw);
  const prefetch = overlapShares(hw).tpCommPrefetch > 0;
  // the GEMMs' other kernels matter only where the pass has collectives to hide (finishPass): priced only then
  const choices = prefetch && hasCollectives(ops);
  // a mixed step's rows are shown as the decode phase (the JSON phase name stays 'decode': src/report/simulate-text.ts),
  // and so are a decode step's launched eagerly above the captured graphs (serve: src/sim/graph-padding.ts)
  const phase = name === 'mixed' || name === DECODE_EAGER ? 'decode' : name;
  const plan = bufferPlan(ops);
  // per-launch device times of the pass's ops, for its command-buffer floor: the pass's own (MLX passes only)
  const times = plan ? new Float64Array(ops.length) : undefined;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.count <= 0) continue;
    if (op.kind === 'collective') {
      const t = op.comm ? collectiveSeconds(hw, op.comm.kind, op.comm.bytes, op.comm.group, op.comm.ep) * op.count : 0;
      addCollective(t, op.comm?.kind === 'alltoall', op.comm?.kind === 'allreduce', ahead ? collectiveHostS(hw, lp, op) : 0);
      out?.push({ phase, name: op.name, kind: op.kind, count: op.count, flops: 0, bytes: (op.comm?.bytes ?? 0) * op.count, seconds: t, bound: 'network' });
      continue;
    }
    const n = op.count;
    if (op.flopsPerCtx === 0 && op.bytesPerCtx === 0) {
      const k = opCost(op, hw, lp, K0);
      if (warnings && fellBack(op, k.dtype, hw)) {
        warnings.add(fallbackWarning(hw.id, op.dtype, k.dtype, hw));
      }
      const t = ahead ? k.deviceS! : k.seconds;
      const ov = t - Math.max(k.computeS, k.memoryS);
      const h = ahead ? k.floorS! : 0;
      addOp(t, k.computeS, k.memoryS, ov, n, op.flops * n, op.bytes * n, h);
      if (prefetch) {
        const pre = prefetchableS(op, k, t, ahead ? 0 : k.floorS ?? 0) * n;
        S.prefetchS += pre;
        if (choices) otherKernel(op, hw, lp, ahead, n, t, k.computeS, k.memoryS, ov, h, pre, out ? out.length : -1, CH);
      }
      if (times) times[i] = t;
      out?.push(opRow(phase, op, n, op.flops * n, op.bytes * n, t, k.computeS, k.memoryS, ov));
    } else {
      const r = addContextOp(op, hw, c0, c1, lp, n, ahead);
      if (times) times[i] = r.t;
      out?.push(opRow(phase, op, n, (op.flops + op.flopsPerCtx * r.cx) * n, (op.bytes + op.bytesPerCtx * r.cx) * n, r.t, r.tc, r.tm, r.ov));
    }
  }
  if (plan) addBufferFloor(plan, times!, out, phase);
  return finishPass(hw, out, phase);
}

// the GPU time the runtime's command buffers add beyond the ops' own (src/sim/command-buffers.ts): device time, booked
// as overhead, a row of its own
function addBufferFloor(plan: BufferPlan, times: Float64Array, out: OpRow[] | undefined, phase: string): void {
  const d = bufferDeficit(plan, times);
  if (!(d > 0)) return;
  S.seconds += d;
  S.overheadS += d;
  out?.push({ phase, name: 'command_buffers', kind: 'overhead', count: 1, flops: 0, bytes: 0, seconds: d, bound: 'overhead' });
}

/**
 * costPass of a prepared pass (src/sim/pass-memo.ts): the same sums in the same order, so the same numbers bit for
 * bit, with the context-free ops' and collectives' costs read from `nums` and only the context ops costed.
 */
export function costPrepared(prep: PreparedPass, hw: NormalizedHardware, c0: number, c1: number, phase: string, warnings?: Set<string>): PassCost {
  startSums();
  const lp = launchPhaseOf(hw, phase);
  const ahead = hostRunsAhead(hw);
  const { code, nums, ctxOps, prefetch, choices } = prep;
  // the warnings its context-free ops gave, in their order (costPass adds them op by op; nothing else is added between)
  if (warnings) for (const w of prep.warn) warnings.add(w);
  let next = 0; // the next context op
  const plan = prep.plan;
  const times = plan ? new Float64Array(code.length) : undefined;
  for (let i = 0; i < code.length; i++) {
    const kind = code[i]!;
    if (kind === SKIP) continue;
    if (kind >= COLL) {
      addCollective(nums[8 * i]!, kind === COLL_EP, kind === COLL_TP, nums[8 * i + 7]!);
      continue;
    }
    const n = nums[8 * i + 4]!;
    if (kind === FREE) {
      addOp(nums[8 * i]!, nums[8 * i + 1]!, nums[8 * i + 2]!, nums[8 * i + 3]!, n, nums[8 * i + 5]! * n, nums[8 * i + 6]! * n, nums[8 * i + 7]!);
      if (prefetch) S.prefetchS += prefetch[i]!;
      if (times) times[i] = nums[8 * i]!;
    } else {
      const r = addContextOp(ctxOps[next++]!, hw, c0, c1, lp, n, ahead);
      if (times) times[i] = r.t;
    }
  }
  if (plan) addBufferFloor(plan, times!, undefined, phase);
  if (choices) for (let j = 0; j < choices.length; j++) CH.push(choices[j]!);
  return finishPass(hw, undefined, phase);
}

// communication the runtime overlaps with the pass's other work (src/sim/overlap.ts): expert-parallel
// dispatch/combine behind the other micro-batch (two-batch overlap), TP all-reduces behind the GEMMs, or behind the
// dense GEMMs' weight prefetch (the larger of the two: both would hide behind the same GEMMs); into HID
const HID = { ep: 0, tp: 0 };
function hideComm(ov: ReturnType<typeof overlapShares>, seconds: number, commS: number, epComm: number, tpComm: number, prefetchS: number): void {
  const work = seconds - commS;
  HID.ep = epComm - exposedComm(epComm, work, ov.epTwoBatch);
  HID.tp = tpComm - Math.min(exposedComm(tpComm, work - HID.ep, ov.tpComm), exposedComm(tpComm, Math.min(prefetchS, work - HID.ep), ov.tpCommPrefetch));
}

// The pass at the least assignment of kernels to its GEMMs with a choice (CH, src/sim/kernel-assignment.ts): the
// switched GEMMs' sums (and rows) moved to their other kernel. Only with collectives to hide: without, each GEMM's own
// least is the pass's.
function assignKernels(hw: NormalizedHardware, out: OpRow[] | undefined): void {
  const ov = overlapShares(hw);
  const { seconds, commS, epComm, tpComm, hostS, prefetchS } = S;
  leastAssignment(CH, CHOICE, CH.length / CHOICE, (dSec, dHost, dPre) => {
    hideComm(ov, seconds + dSec, commS, epComm, tpComm, prefetchS + dPre);
    return asyncStepSeconds(hostS + dHost, seconds + dSec - HID.ep - HID.tp);
  }, TAKE);
  for (let j = 0; j < TAKE.length; j++) {
    if (!TAKE[j]) continue;
    const o = j * CHOICE, n = CH[o + 3]!;
    addOp(CH[o + 4]!, CH[o + 5]!, CH[o + 6]!, CH[o + 7]!, -n, 0, 0, CH[o + 8]!);
    addOp(CH[o + 9]!, CH[o + 10]!, CH[o + 11]!, CH[o + 12]!, n, 0, 0, CH[o + 13]!);
    S.prefetchS += CH[o + 2]!;
    const r = out?.[CH[o + 14]!];
    if (r) {
      const t = CH[o + 9]!, tc = CH[o + 10]!, tm = CH[o + 11]!, ovA = CH[o + 12]!;
      r.seconds = t * n;
      r.bound = ovA > Math.max(tc, tm) ? 'overhead' : tc >= tm ? 'compute' : 'memory';
    }
  }
}

// A pass's sums → its cost: the communication the runtime hides, the host's dispatch chain against the device's time,
// and which of the four bounds it.
function finishPass(hw: NormalizedHardware, out: OpRow[] | undefined, phase: string): PassCost {
  if (CH.length > 0 && S.epComm + S.tpComm > 0) assignKernels(hw, out);
  let { seconds, commS, overheadS } = S;
  const { computeS, memoryS, flops, bytes, computeBoundS, memoryBoundS, epComm, tpComm, hostS, prefetchS } = S;
  if (epComm + tpComm > 0) {
    hideComm(overlapShares(hw), seconds, commS, epComm, tpComm, prefetchS);
    const epHidden = HID.ep, tpHidden = HID.tp;
    if (epHidden + tpHidden > 0) {
      seconds -= epHidden + tpHidden;
      commS -= epHidden + tpHidden;
      for (const r of out ?? []) {
        if (r.kind !== 'collective') continue;
        const all = r.name.startsWith('alltoall') ? epComm : tpComm;
        const hid = r.name.startsWith('alltoall') ? epHidden : tpHidden;
        if (all > 0) r.seconds *= 1 - hid / all;
      }
    }
  }
  // the ops the host launches one by one are dispatched ahead of their kernels (nothing in an engine's forward reads the
  // device before its sampler): the pass lasts max(host chain, device), src/runtime/launch.ts asyncStepSeconds; the
  // host's excess is booked as overhead, a row of its own
  const step = asyncStepSeconds(hostS, seconds);
  if (step > seconds) {
    overheadS += step - seconds;
    out?.push({ phase, name: 'host_dispatch', kind: 'host', count: 1, flops: 0, bytes: 0, seconds: step - seconds, bound: 'overhead' });
    seconds = step;
  }
  // the largest of the four, the first on a tie (written out: four small arrays per pass were a sweep's garbage)
  let bound = 'compute', best = -1;
  if (computeBoundS > best) { best = computeBoundS; bound = 'compute'; }
  if (memoryBoundS > best) { best = memoryBoundS; bound = 'memory'; }
  if (commS > best) { best = commS; bound = 'network'; }
  if (overheadS > best) { best = overheadS; bound = 'overhead'; }
  return { seconds, computeS, memoryS, commS, overheadS, flops, bytes, bound, rows: out };
}

/** one engine iteration as addHost prices its host work */
interface HostStep {
  hw: NormalizedHardware;
  m: DecoderModel;
  L: Layout;
  pp: number; // the pipeline stages the step's time is multiplied by
  replicaSeqs: number; // the sequences the step carries, one replica's
  workers?: number; // the devices one engine step drives (host.worker_rpc); absent: 1
  // the decoding sequences of the replicaSeqs, whose per-sequence host work multi-step scheduling runs once per
  // scheduler.steps steps (src/runtime/host.ts); absent: none
  replicaDecodes?: number;
  tokens?: number; // the pass's tokens, for a MoE block that loops over its experts in Python (src/sim/moe-expert-loop.ts)
}

// One engine iteration's host work the device waits for (scheduling, sampling, input preparation) over `seqs`
// sequences (src/runtime/host.ts), spread over the pp stages a step's time is multiplied by; booked as overhead.
// Under an eager decode loop every forward (prefill or step) is one loop iteration: per_step + rows × per_sequence +
// max(per_layer × layers, kernels) (src/runtime/launch.ts eagerStepSeconds), the layers those of one pp stage, their
// host time that of the model's layer code (decoderHostArch).
function addHost(c: PassCost, step: HostStep): PassCost {
  const { hw, m, L, pp, replicaSeqs, workers = 1, replicaDecodes = 0, tokens = 0 } = step;
  const seqs = schedulerSequences(L, replicaSeqs); // one rank's requests under attention DP (src/runtime/host.ts)
  const t = eagerStepSeconds(hw, { layers: m.layers / pp, rows: seqs, deviceS: c.seconds, arch: decoderHostArch(m), expertLoopS: expertLoopHostS(hw, m, tokens, pp, L.ep) });
  if (t !== undefined) {
    if (t > c.seconds) { c.overheadS += t - c.seconds; c.seconds = t; }
    return c;
  }
  // a decode-only step whose attention plan first reads its indices back from the device (host.decode_plan_sync)
  const planSync = decodePlanSyncSeconds(hw.runtime, m.attention?.kind === 'mla', replicaDecodes > 0 && replicaDecodes >= replicaSeqs);
  const s = (hostStepSeconds(hw.runtime, seqs, c.seconds * pp, m.vocab, workers, schedulerSequences(L, replicaDecodes)) + planSync) / pp;
  if (s > 0) { c.seconds += s; c.overheadS += s; c.hostStepS = (c.hostStepS ?? 0) + s; }
  return c;
}

// The ops of one pass as the bound runtime launches them (ggml runtimes: kernels per op, src/sim/ggml-kernels.ts);
// `serve` prices its iterations through the same function (src/serve/step-cost.ts).
export function passOps(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision, s: PassShape, engine = false): GraphOp[] {
  // a decode step the runtime pads up to its next captured graph size (src/sim/graph-padding.ts; `engine`: one of
  // serve's iterations, which also takes the runtime's default capture)
  const padded = paddedDecodeSeqs(hw, L, s, engine);
  // what each op binds, for a runtime that prices its command buffers (src/sim/command-buffers.ts): found for the array
  // that is costed (a padded step's merged ops, a part of a pass: passOf)
  if (padded === s.decodeSeqs) return markCommandBuffers(shapeOps(m, hw, L, p, s), m, hw, p, L.ep);
  return markCommandBuffers(mergePadded(shapeOps(m, hw, L, p, s), shapeOps(m, hw, L, p, { prefillSeqs: s.prefillSeqs, prefillLen: s.prefillLen, decodeSeqs: padded })), m, hw, p, L.ep);
}

function shapeOps(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision, s: PassShape): GraphOp[] {
  // prompts in the runtime's physical batches: each prompt's masked attention is computed ubatch by ubatch over its own
  // cells, one prompt or several (llama.cpp's KV streams per sequence, the llama-batched-bench default since
  // ggml-org/llama.cpp PR #14363). A unified cache (before that PR; llama-server -np auto since PR #16736) has every
  // ubatch also scan the other sequences' cells, masked out: slower for several long prompts, not priced (no row).
  // A server step's prompts beside its decodes alike: llama.cpp splits the whole batch into ubatches.
  const ubatch = s.prefillSeqs > 0 ? hw.runtime?.scheduler?.ubatch : undefined;
  // GEMMs the runtime concatenates (src/sim/runtime-fusions.ts) and the rope / KV-write kernels it launches around each
  // attention call (src/sim/layer-kernels.ts), a MoE the runtime runs over every expert (src/sim/moe-dense-experts.ts),
  // the masked rows of a fused MoE that runs every row under expert parallelism (src/sim/ep-all-rows.ts), the cache copies of a runtime that grows or expands its cache every decode
  // step (src/sim/cache-copies.ts), then its fused op groups (src/sim/fusion.ts; unit: one pass over this device's
  // [tokens, hidden] activations)
  const kernels = epAllRows(layerKernels(runtimeFusions(moeDenseExperts(buildDecoderPass(m, L, p, s), hw, m, L), hw, m, L), hw, m, p, s, L.headsPerDevice, L.kvHeadsPerDevice), hw, m, L, p);
  const graph = cacheCopies(kernels, hw, m);
  const fusion = hw.runtime?.fusion;
  if (fusion && fusion.length > 0) {
    const all = s.prefillSeqs * s.prefillLen + s.decodeSeqs;
    const tokens = all / (L.attentionDp ? L.tp : 1);
    fuseDecoderOps(graph, fusion, m, L, tokens * m.hidden * p.actBytes, (L.dpMoe ? all : tokens) * m.hidden * p.actBytes);
  }
  const ops = mixedDecodeTiles(mlaDecodeKernels(writtenPrefillAttention(ggmlKernelCounts(graph, hw, ubatch, s.prefillSeqs * s.prefillLen), hw, ubatch), hw, s.prefillSeqs === 0), hw, m, s);
  // the sampler's work beyond the fp32 logits, where the run asked for more than greedy (src/sim/sampler-ops.ts)
  const sampler = samplerOps(m, hw, L, s);
  return sampler.length ? [...ops, ...sampler] : ops;
}

// One pass of a row: built and costed afresh, or through the sweep's memo (src/sim/pass-memo.ts) where the row has
// one. Only passes that recur across rows go through it: a pure prefill (the same for every output length) and a
// step with at most one prefill (the same for every output length but for its decode attention); a step with
// several prefills (batch > output length) has a shape of its own in every row.
const NO_CODE = new Int8Array(0);
const recurs = (s: PassShape): boolean => s.decodeSeqs === 0 || s.prefillSeqs <= 1;
function pass(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision, s: PassShape, c0: number, c1: number, phase: string, warnings: Set<string> | undefined, rows: boolean, ctx: PassContext | undefined): PassCost {
  return passOf(m, hw, L, p, s, c0, c1, phase, phase, undefined, warnings, rows, ctx);
}

// pass() over the ops `keep` selects (all when undefined), kept in the memo under `key` (a part of a pass has a key of
// its own: it must never answer for the whole pass)
function passOf(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision, s: PassShape, c0: number, c1: number, phase: string, key: string, keep: ((o: GraphOp) => boolean) | undefined, warnings: Set<string> | undefined, rows: boolean, ctx: PassContext | undefined): PassCost {
  // a part of a pass is a new array: its command buffers are found for it (src/sim/command-buffers.ts)
  const ops = () => (keep ? markCommandBuffers(passOps(m, hw, L, p, s).filter(keep), m, hw, p, L.ep) : passOps(m, hw, L, p, s));
  if (!ctx || rows || !recurs(s)) return costPass(ops(), hw, c0, c1, phase, warnings, rows);
  let prep = ctx.memo.get(ctx, key, s);
  if (!prep) ctx.memo.set(ctx, key, s, (prep = preparePass(ops(), hw, phase)));
  if (prep.result) {
    if (warnings) for (const w of prep.warn) warnings.add(w);
    return { ...(prep.result as PassCost) };
  }
  const c = costPrepared(prep, hw, c0, c1, phase, warnings);
  if (prep.contextFree) {
    prep.result = { ...c };
    // its per-op numbers are not read again (its warnings are kept): dropped now, they die young instead of being
    // promoted with the entry (issue 15: memo entries were most of what a sweep row left in the old generation)
    prep.code = NO_CODE;
    prep.nums = [];
    prep.ctxOps = [];
    prep.plan = undefined;
  }
  return c;
}

// A pass in the runtime's physical batches. A runtime that runs a pass's tokens in ubatches (scheduler.ubatch:
// llama.cpp's n_ubatch, MLX's prefill_step_size) pays every op but attention and the output head once per ubatch, at
// the ubatch's rows (src/sim/ubatch.ts); attention and the head are taken from the one-pass shape. llama.cpp splits
// every llama_decode call so, whatever it holds: one prompt, several prompts (llama-batched-bench), or a server step's
// decodes beside a prompt (llama-server puts both in one batch; src/llama-batch.cpp split_equal / split_simple, at most
// n_ubatch tokens each). A decode token's ops outside attention are a prompt token's, so the body is priced as a
// prompt of the ubatch's length, and a pass of T tokens pays it T/u times: the last, partial ubatch at its share of a
// whole one. (llama.cpp runs ⌈T/u⌉ passes, the last one short; priced so, a step's cost would jump at each multiple of
// u: a larger batch could serve fewer tokens per second, and a batch-2 step give its first token sooner than a batch-1
// prompt's partial pass. A steady-state step's token count is already a mean over the cycle's steps.) Without the
// split in mixed steps, a step carrying 1.35 prompts beside 400 decodes cost less than the one prompt alone (a
// batch-401 ttft below batch 1's: the property test's counterexample).
const UBATCH_ONCE = 'ubatch once', UBATCH_BODY = 'ubatch body';
/**
 * an op a prompt runs once whatever its ubatches (src/sim/ubatch.ts); a prompt attention a runtime writes out (priced as
 * GEMMs, src/sim/written-prefill-attention.ts) keeps its prompt (op.prefill): its pairs already count every ubatch's view
 */
export const onceOp = (o: GraphOp): boolean => o.kind === 'attention' || o.prefill !== undefined || !!o.head || ONCE_OPS.has(o.name);
const bodyOp = (o: GraphOp) => !onceOp(o);
function ubatchedPass(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision, s: PassShape, c0: number, c1: number, phase: string, warnings: Set<string> | undefined, rows: boolean, ctx: PassContext | undefined): PassCost {
  const u = hw.runtime?.scheduler?.ubatch;
  const tokens = s.prefillSeqs * s.prefillLen + s.decodeSeqs;
  if (u === undefined || !(u > 0) || !(tokens > u)) return pass(m, hw, L, p, s, c0, c1, phase, warnings, rows, ctx);
  const head = passOf(m, hw, L, p, s, c0, c1, phase, `${UBATCH_ONCE} ${phase}`, onceOp, warnings, rows, ctx);
  const body = passOf(m, hw, L, p, { prefillSeqs: 1, prefillLen: u, decodeSeqs: 0 }, 0, 0, phase, `${UBATCH_BODY} ${phase}`, bodyOp, warnings, rows, ctx);
  const order = rows ? passOps(m, hw, L, p, s).map((o) => o.name) : [];
  return combineUbatches(head, body, tokens / u, order);
}

// The cold prefill: the whole batch's prompts in one pass, or in the runtime's ubatches (above).
function prefillPass(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision, B: number, Lp: number, warnings: Set<string>, rows: boolean, ctx: PassContext | undefined): PassCost {
  return ubatchedPass(m, hw, L, p, { prefillSeqs: B, prefillLen: Lp, decodeSeqs: 0 }, 0, 0, 'prefill', warnings, rows, ctx);
}

// The routed-expert side of a pass (it spans all ranks of an attention-DP group); the rest is each rank's own.
const EXPERT_SIDE = new Set(['router', 'moe_topk', 'moe_sort', 'moe_permute', 'experts_up', 'experts_act', 'experts_down', 'moe_finalize', 'alltoall_moe']);
// where the runtime gathers the tokens for the FFN side (src/sim/parallel.ts DpMoe), the dense FFN, the shared experts,
// the norm over the gathered tokens and the two collectives span all ranks as well
const GATHER_SIDE = new Set(['dp_gather', 'ffn_norm', 'ffn_up', 'ffn_act', 'ffn_down', 'shared_up', 'shared_down', 'dp_combine']);

// Attention data parallelism synchronizes the ranks at every MoE layer (the all-to-all), so a step lasts as long as the
// busiest rank's attention side; the pass prices every rank at the mean (1/tp of the step's prefills). The busiest
// rank's excess prefills over that mean (attentionDpExcess: simulate's steady state, where requests arrive on each rank
// at random, Poisson with λ = requests per rank / output length per step; serve's iteration, whose prefill count is
// known and lands on the ranks at random) each cost one request's prefill on one rank, its attention side only (the
// experts span all ranks). TensorRT-LLM added attention-DP batch balancing and batch waiting for this reason
// (`attention_dp_config`, NVIDIA/TensorRT-LLM PR #7416). Both simulate and serve (src/serve/step-cost.ts) add it to
// the steps that decode.
export function attentionDpExcess(L: Layout, prefills: { perRankRate: number } | { count: number }): number {
  if (!L.attentionDp || L.tp < 2) return 0;
  if ('count' in prefills) return expectedMaxOccupancy(prefills.count, L.tp) - prefills.count / L.tp;
  return expectedMaxPoisson(prefills.perRankRate, L.tp) - prefills.perRankRate;
}

export function attentionDpWait(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision, excess: number, Lin: number, ctx?: PassContext): number {
  if (!L.attentionDp || L.tp < 2 || !(excess > 0)) return 0;
  let one = ctx?.values.get(Lin);
  if (one === undefined) {
    const ops = markCommandBuffers(passOps(m, hw, L, p, { prefillSeqs: L.tp, prefillLen: Math.max(1, Lin), decodeSeqs: 0 }).filter((o) => !EXPERT_SIDE.has(o.name) && !(L.dpMoe && GATHER_SIDE.has(o.name))), m, hw, p, L.ep);
    one = costPass(ops, hw, 0, 0, 'prefill').seconds;
    if (ctx) ctx.memo.setValue(ctx, Lin, one);
  }
  return excess * one;
}

// (1 − f) of one pass and f of another, field by field (the same step priced two ways, each for a share of the steps);
// the rows shown and the bound are those of the larger share
function blendCost(a: PassCost, b: PassCost, f: number): PassCost {
  const mix = (x: number, y: number) => x * (1 - f) + y * f;
  const main = f > 0.5 ? b : a;
  const out: PassCost = { seconds: mix(a.seconds, b.seconds), computeS: mix(a.computeS, b.computeS), memoryS: mix(a.memoryS, b.memoryS), commS: mix(a.commS, b.commS), overheadS: mix(a.overheadS, b.overheadS), flops: mix(a.flops, b.flops), bytes: mix(a.bytes, b.bytes), bound: main.bound };
  if (main.rows) out.rows = main.rows;
  return out;
}

function addWait(c: PassCost, s: number, phase = 'decode'): PassCost {
  if (s > 0) {
    c.seconds += s;
    c.computeS += s;
    c.rows?.push({ phase, name: 'attention_dp_wait', kind: 'wait', count: 1, flops: 0, bytes: 0, seconds: s, bound: 'compute' });
  }
  return c;
}

interface Evaluation {
  batch: number;
  memory: MemoryResult;
  ttft: number; // steady state: the step that carries this request's prefill
  ttftCold: number; // the whole batch prefilled at once from cold
  tpot: number | null;
  throughput: number | null; // whole system
  prefillTokS: number;
  prefill: PassCost | null; // cold prefill of the whole batch (null: a sweep row that does not fit, not costed)
  decode: PassCost | null; // the decode step shown as the decode phase (the cycle's commonest step)
  work: { flops: number; bytes: number; seconds: number; items: number } | null; // one microbatch's cycle, per device
}

// Steady state as a cycle (in-flight batching: a finished request is replaced at once and its replacement's whole
// prefill joins the next step, as TensorRT-LLM's and vLLM's schedulers run a prompt that fits the token budget).
// One microbatch of mb requests makes O steps per cycle (every request produces O tokens: its first from its
// prefill step, then O − 1 decodes); mb prefills happen in those O steps:
//   mb ≤ O: mb steps carry one prefill beside mb − 1 decodes, O − mb steps are pure decode;
//   mb > O: every step carries mb/O prefills beside mb − mb/O decodes.
// throughput = mb·O / cycle per stage-time; a request's first token waits for the step carrying its prefill (the
// k-weighted mean step, ttft), its other O − 1 tokens take the rest of the cycle (tpot). At mb = 1 this is the
// single stream: ttft = prefill, tpot = decode step, throughput = O / e2e.
// The step carrying a GIVEN request's prefill is size-biased (a step with k prefills is k times as likely to carry
// it): own = Σ count_i·k_i·s_i / Σ count_i·k_i (Σ count_i·k_i = mb). With cycle = Σ count_i·s_i (pp = 1):
//   e2e = own + (O − 1)·tpot = cycle            (tpot = (cycle − own)/(O − 1))
//   throughput = mb·O / cycle ≤ mb / tpot  ⇔  O·(cycle − own) ≤ (O − 1)·cycle  ⇔  own ≥ cycle / O  ⇔  ttft ≥ tpot.
// So the bound holds iff the own step costs at least the plain mean step. That is NOT a law: mb ≤ O, the own step
// swaps one decode (reading its KV cache at context c ∈ [L, L+O]) for a prefill of L tokens from an empty cache;
// with a short prompt on a memory-bound part that prefill is cheaper than the decode it displaces (e.g. gpt2 on
// apple-m1-ultra, 5 in / 419 out, batch 1: ttft 1.3883 ms < tpot 1.3962 ms), and the first token genuinely comes
// sooner than the mean later one. Little's law (throughput = batch·O/e2e) always holds; mb > O: own = mean, equality.
export interface CycleStep { prefills: number; decodes: number; count: number }

/** the pass name (and launch phase, src/runtime/launch.ts launchMode) of a steady-state step that decodes: 'mixed' where it
 *  carries prompts beside its decodes — engines run such a step outside their captured decode graphs, eagerly or
 *  piecewise (runtime launch.prompt_steps) — else 'decode'; serve's iterations take the same (src/serve/step-cost.ts) */
export function stepPhase(prompts: number): 'mixed' | 'decode' {
  return prompts > 0 ? 'mixed' : 'decode';
}

export function cycleSteps(mb: number, O: number, mixed = true): CycleStep[] {
  if (!mixed) return unmixedCycleSteps(mb, O);
  if (mb <= O) {
    return [{ prefills: 1, decodes: mb - 1, count: mb }, { prefills: 0, decodes: mb, count: O - mb }].filter((s) => s.count > 0);
  }
  // more prefills than steps: every step carries mb/O of them (their integer split costs the same to first order,
  // as a step is then prefill-dominated and linear in its prefills)
  return [{ prefills: mb / O, decodes: mb - mb / O, count: O }];
}

// The same cycle under a scheduler that never puts prompts and decodes in one step (scheduler.mixed_batches false:
// SGLang's default, enable_mixed_chunk False, Scheduler.get_next_batch_to_run "Run prefill first if possible"; vLLM V0
// without chunked prefill, scheduler.unchunked_prefill_first: _schedule_default "Don't schedule decodes if prefills are
// scheduled"). A replacement's prompt runs in a step of its own, right after the decode step its predecessor finished
// in and before the next one, in which every request in flight decodes. So each request's first token comes from a
// prompt step and its O − 1 others from decode steps of all mb: O − 1 decode steps of mb decodes per cycle, and prompt
// steps that carry the mb prompts, each taking all those queued (the scheduler batches every waiting prompt that fits
// its chunk): the requests that finished in the same decode step.
// ASSUMPTION, the mixed cycle's (cycleSteps above): the requests finish evenly staggered over the cycle's steps, so
// while mb ≤ O − 1 no two finish in one decode step (mb prompt steps of one prompt each) and above it every decode step
// is followed by one prompt step of mb / (O − 1). Random lengths clump the finishes instead: had the others finishing
// beside a given request been Poisson (mean μ = (mb − 1) / (O − 1)), there would be mb·(1 − e^−μ)/μ prompt steps, ~0.79·mb
// at mb = O / 2, fewer and larger, each reading the weights once. No trace of a run was found to choose between them, so
// the one premise of both cycles is kept (a serve run with the workload's length distribution prices the clumping).
// Every request's tpot carries the other requests' prompt steps (bench_serving's mean TPOT is (e2e − ttft) / (O − 1) of
// each request); its ttft is its own prompt step (above mb = O − 1 a fractional mean of prompts, priced as the mix of
// the whole counts around it: stepCost in evaluate). At mb = 1 it is the single stream (one prompt step, O − 1 decode
// steps), as the mixed cycle. A fixed-length workload whose requests start together stays in waves (all finish in one
// step, all prompts in one prefill): static batching's cycle, not this one. The decode steps come first so that the
// cycle's commonest step (shown as the decode phase) is a decode step on a tie.
function unmixedCycleSteps(mb: number, O: number): CycleStep[] {
  if (O <= 1) return [{ prefills: mb, decodes: 0, count: 1 }];
  const n = Math.min(mb, O - 1);
  return [{ prefills: 0, decodes: mb, count: O - 1 }, { prefills: mb / n, decodes: 0, count: n }];
}

/** whether simulate's steady state puts a replacement's prompt in a step beside the other requests' decodes: the
 *  runtime's scheduler mixes them at the model's context (serve's rule, src/serve/runtime-defaults.ts: vLLM V0 turns
 *  chunked prefill, and with it mixed steps, on above a 32K max_model_len), or each attention-DP rank schedules its own
 *  batches, so that while one rank prefills the others decode in the same forward (src/serve/serve.ts, the same rule) */
export function stepsMix(hw: NormalizedHardware, L: Pick<Layout, 'attentionDp'>, m: Pick<DecoderModel, 'context' | 'attention'>): boolean {
  return L.attentionDp || boundRuntimeMixes(hw, m.context, m.attention?.kind === 'mla');
}

/** the cold prefill over pp stages: one after another, or a runtime's ubatches pipelined across them
 *  (scheduler.pipeline_copies: src/sim/pipelined-prefill.ts). A runtime whose MoE GEMM blocks the host every call
 *  (scheduler.moe_host_sync) enqueues a stage's next ubatch only once the stage has run its last MoE layer of the one
 *  before: for a MoE model the stages run one after another. Only the device's share of a stage is pipelined: the
 *  host's step time (addHost: the sampling of every sequence, the step overhead) runs once the call has returned its
 *  logits, with the device idle (runtimes/llama-cpp-python-0.2.yaml), and is not split over the ubatches in proportion
 *  to their tokens. Split so, a prompt one ubatch long paid it over every stage and one a token past the ubatch
 *  overlapped it with the next stage: the cold prefill fell 19% as the prompt grew (property seed 526: gpt-j-6b q4_0
 *  under llama-cpp-python 0.2 on 2 H100s at pp 2, batch 255, 2 -> 4 input tokens, 0.629 -> 0.509 s). */
function coldPrefillSeconds(hw: NormalizedHardware, stage: PassCost, tokens: number, pp: number, moe: boolean): number {
  const s = hw.runtime?.scheduler;
  const u = s?.ubatch, copies = s?.pipelineCopies;
  if (pp <= 1 || !u || !copies || copies <= 1 || (moe && s?.moeHostSync)) return stage.seconds * pp;
  const hostS = Math.min(stage.seconds, stage.hostStepS ?? 0);
  return pipelinedPrefillSeconds(stage.seconds - hostS, tokens, u, Math.max(u, s?.maxNumBatchedTokens ?? tokens), pp, copies) + hostS * pp;
}

function evaluate(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision, B: number, Lin: number, O: number, warnings: Set<string>, rows: boolean, ctx?: PassContext): Evaluation {
  const memory = decoderMemory(m, hw, L, p, B, Lin, O);
  const pp = L.pp;
  const Lp = Math.max(1, Lin);
  if (ctx && !rows && !memory.fits) return unfitted(m, hw, L, p, B, Lp, O, memory, warnings, ctx);
  // Decode attends over the context so far; a static-shape runtime (NPU graphs compiled for a fixed context,
  // e.g. Qualcomm Genie) attends over the whole compiled KV cache at every step, masked.
  // (a paged kernel that reads whole blocks of KV reads each context rounded up to its block: ./kv-read-blocks.ts)
  // A static-shape generate() (runtime shapes.static_request: optimum-habana) pads the batch to its input + output
  // tokens, allocates the cache at that length and attends over all of it, masked, from the first decode step on.
  const c0 = decodeKvTokens(hw, hw.runtime?.staticRequest ? Lin + O : Lin), c1 = decodeKvTokens(hw, Lin + O);
  // what every step's host work reads (addHost); workers: the devices one engine step drives (host.worker_rpc)
  const host = { hw, m, L, workers: workerRpcWorkers(hw.runtime, L.tp, pp) };
  // 1. cold prefill of the whole batch (ttft_cold_s, prefill_tok_s), all pp stages in turn. Under attention DP a prompt
  // runs on one rank: the busiest rank's prompts beyond the mean B / tp wait as in a step (a lone prompt: 1 - 1/tp of
  // its attention side, the other ranks idle; serve's per-rank chunks price the same, src/serve/step-cost.ts)
  const prefill = addWait(addHost(prefillPass(m, hw, L, p, B, Lp, warnings, rows, ctx), { ...host, pp, replicaSeqs: B, tokens: B * Lp }), attentionDpWait(m, hw, L, p, attentionDpExcess(L, { count: B / pp }), Lin, ctx), 'prefill');
  const ttftCold = coldPrefillSeconds(hw, prefill, B * Lp, pp, !!m.moe);
  const prefillTokS = ((B * Lp) / ttftCold) * L.replicas;
  if (O <= 0) {
    return { batch: B, memory, ttft: ttftCold, ttftCold, tpot: null, throughput: null, prefillTokS, prefill, decode: null, work: { flops: prefill.flops, bytes: prefill.bytes, seconds: ttftCold, items: B } };
  }
  // 2a. static batching (scheduler.batching: static — Optimum Habana's text generation): the batch is prefilled
  // together (the cold prefill above gives every request its first token) and then decoded O − 1 steps with no
  // replacement, every step attending over the context growing from L to L + O
  const isStatic = hw.runtime?.scheduler?.batching === 'static';
  if (isStatic && pp > 1) warnings.add(`${hw.runtime!.name ?? hw.runtime!.id} batches statically (scheduler.batching: static), which is modelled at pp 1 only: this pp ${pp} layout is priced as in-flight batching`);
  if (isStatic && pp === 1) {
    const dec = addHost(pass(m, hw, L, p, { prefillSeqs: 0, prefillLen: Lp, decodeSeqs: B }, c0, c1, 'decode', warnings, rows, ctx), { ...host, pp: 1, replicaSeqs: B, replicaDecodes: B, tokens: B });
    const tpot = dec.seconds;
    const e2e = ttftCold + (O - 1) * tpot;
    const throughput = ((B * O) / e2e) * L.replicas;
    return { batch: B, memory, ttft: ttftCold, ttftCold, tpot, throughput, prefillTokS, prefill, decode: dec, work: { flops: prefill.flops + (O - 1) * dec.flops, bytes: prefill.bytes + (O - 1) * dec.bytes, seconds: e2e, items: B * O } };
  }
  // 2. the steady-state cycle of one microbatch (pp microbatches keep the stages busy; fewer when B < pp)
  const mb = B / Math.min(pp, B);
  const wait = attentionDpWait(m, hw, L, p, attentionDpExcess(L, { perRankRate: mb / L.tp / O }), Lin, ctx);
  const thresholdKernels = kernelPhysics(hw).kernelChoice === 'threshold';
  const stepCost = (s: CycleStep, w?: Set<string>, r = false): PassCost => {
    if (s.decodes === 0 && s.prefills === B) return prefill; // the same pass as the cold prefill (batch 1)
    // a step of prompts alone is the cold prefill of that many prompts (pp 2, batch 2: one prompt per microbatch step)
    const alone = (prompts: number) => addHost(ubatchedPass(m, hw, L, p, { prefillSeqs: prompts, prefillLen: Lp, decodeSeqs: 0 }, 0, 0, 'prefill', w, r, ctx), { ...host, pp, replicaSeqs: prompts, tokens: prompts * Lp });
    // An unmixed cycle's prompt steps carry a mean of s.prefills prompts, a fraction (unmixedCycleSteps); each real step
    // carries a whole number of them. A step's cost is not linear in its prompts where a kernel or a collective switches
    // at a token count (the 8 MiB custom all-reduce buffer, a ubatch edge), and priced at the mean such an edge is
    // crossed by all the cycle's prompt steps at once: e2e then fell as the output grew (property seed 264,
    // unmixed-ep check, under the Poisson count of prompt steps then in place: chinchilla-1.4b TP 4 on A800 under
    // SGLang, 1,523-token prompts, batch 160, mean 1.353 -> 1.338 prompts per step across the 2,048-token all-reduce
    // edge, O 250 -> 260, e2e 6.10 -> 5.58 s; the even count meets the same edge above mb = O − 1). The fraction is
    // priced as the mix of the two whole counts around it: continuous in the mean, exact at whole counts.
    if (s.decodes === 0) {
      const lo = Math.floor(s.prefills), f = s.prefills - lo;
      return lo >= 1 && f > 1e-9 ? blendCost(alone(lo), alone(lo + 1), f) : alone(s.prefills);
    }
    const decodeStep = (phase: string) => addWait(addHost(ubatchedPass(m, hw, L, p, { prefillSeqs: s.prefills, prefillLen: Lp, decodeSeqs: s.decodes }, c0, c1, phase, w, r, ctx), { ...host, pp, replicaSeqs: s.prefills + s.decodes, replicaDecodes: s.decodes, tokens: s.prefills * Lp + s.decodes }), wait);
    // a pure decode step over a sequence longer than the runtime's graphs serve (launch.capture_max_context) runs
    // eagerly: that share of the cycle's decode steps is priced so (src/sim/graph-padding.ts decodeContextEagerShare)
    const eagerShare = s.prefills === 0 ? decodeContextEagerShare(hw, Lin, Lin + O, mb) : 0;
    const c = eagerShare > 0 ? blendCost(decodeStep(stepPhase(0)), decodeStep(DECODE_EAGER), eagerShare) : decodeStep(stepPhase(s.prefills));
    // A step that carries prompts never costs less than those prompts alone (their cold prefill), so ttft never falls
    // below batch 1's and e2e never falls as the output grows. The runtime runs a mixed step's prompt tokens through the
    // kernels their prefill runs, and more: a threshold runtime picks each kernel by the ubatch's token count, which the
    // step's decodes only raise (ggml-cuda ggml_cuda_should_use_mmvq: ne11 <= MMVQ_MAX_BATCH_SIZE, MMQ above; llama.cpp
    // splits a server step into n_ubatch-token ubatches whatever they hold, src/llama-batch.cpp split_equal /
    // split_simple). Priced as a decode step, a mixed step could cost less: a threshold runtime's decode step keeps the
    // matrix-vector floor and a prompt does not (kernels.kernel_choice: threshold, src/sim/gemm-floors.ts; a batch-8
    // ttft 28% below batch 1's, gpt3-350m on 8x apple-m1-max, tp 4 pp 2, property seed 17; two steps of 14 prompts and
    // 14 decodes 2% below the cold prefill of all 28 prompts, gpt-oss-120b int8 on 2x gb300, llama.cpp, 3,108 in: e2e
    // 29.68 s at 1 output token, 29.09 s at 2, seed 142), and a graph runtime replayed a decode step's launches where a
    // prompt pays them (mixtral-8x7b on 8x b300-sxm, pytorch-compile, tp 4 pp 2: batch 6 below batch 2, seed 24; a mixed
    // step now launches as the runtime runs steps with prompts, stepPhase, which removes that cause at every pp).
    // The body of a mixed step's ubatches keeps the decode floor (ubatchedPass): priced as a prompt there, a step one
    // token past the ubatch cost more than the one-pass step below it and throughput fell with the batch (seed 56).
    // (This bound was one prompt until ggml-vulkan's MoE kernel choice was read: priced by the rows per expert, a
    // prompt of 132 tokens of qwen3-235b-a22b on apple-m2 cost 2.2x one of 126 and made throughput fall under this
    // bound, seed 31; ggml-vulkan runs mul_mm_id from two tokens up, runtimes/llama.cpp-vulkan.yaml.)
    // The prompt-alone pass is a third pass per evaluation (+50% simulate time), so it is priced where it has been seen
    // to bind: under a threshold runtime, or at pp > 1 under any runtime. Elsewhere (pp 1, other runtimes) ttft staying
    // monotone in the batch rests on a search, not a proof: the rule bound in none of 2,773 random library configurations.
    if (s.prefills === 0 || (!thresholdKernels && pp === 1)) return c;
    const a = alone(s.prefills);
    return a.seconds > c.seconds ? a : c;
  };
  const steps = cycleSteps(mb, O, stepsMix(hw, L, m));
  let cycle = 0, firstTok = 0, flops = 0, bytes = 0;
  let shown: PassCost | null = null, shownCount = -1;
  for (const s of steps) {
    const c = stepCost(s, warnings, false);
    cycle += c.seconds * s.count;
    firstTok += c.seconds * s.count * s.prefills;
    flops += c.flops * s.count;
    bytes += c.bytes * s.count;
    if (s.count > shownCount) { shown = c; shownCount = s.count; }
  }
  if (rows) {
    const s = steps.reduce((a, b) => (b.count > a.count ? b : a));
    shown = stepCost(s, undefined, true);
  }
  const ownStep = firstTok / mb; // mean over requests of the step that carries their prefill
  const throughput = ((mb * O) / (cycle * pp)) * Math.min(pp, B) * L.replicas;
  // O = 1: no second token; tpot is then the decode step of that batch (it enters no other number)
  const tpot = O > 1 ? ((cycle - ownStep) / (O - 1)) * pp : stepCost({ prefills: 0, decodes: mb, count: 1 }).seconds * pp;
  return { batch: B, memory, ttft: ownStep * pp, ttftCold, tpot, throughput, prefillTokS, prefill, decode: shown, work: { flops, bytes, seconds: (cycle * pp) / Math.min(pp, B), items: mb * O } };
}

// A sweep row (one with a memo) that does not fit is answered by its memory: its time keys are null whatever its passes
// cost, so they are not costed (nor shown as phases). The precision warnings those passes give are still collected,
// pass by pass in the order evaluate() costs them, so the row's warnings are the same.
// the memo's phases of the warnings of passes not costed (unfitted)
const WARNINGS_OF_PREFILL = 'prefill warnings', WARNINGS_OF_STEP = 'decode warnings';

function unfitted(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision, B: number, Lp: number, O: number, memory: MemoryResult, warnings: Set<string>, ctx: PassContext): Evaluation {
  const shapes: [PassShape, string][] = [[{ prefillSeqs: B, prefillLen: Lp, decodeSeqs: 0 }, 'prefill']];
  if (O > 0) {
    for (const s of cycleSteps(B / Math.min(L.pp, B), O, stepsMix(hw, L, m))) {
      if (s.decodes === 0 && s.prefills === B) continue; // the cold prefill again (see stepCost)
      shapes.push([{ prefillSeqs: s.prefills, prefillLen: Lp, decodeSeqs: s.decodes }, stepPhase(s.prefills)]);
    }
  }
  for (const [s, phase] of shapes) {
    // a pass a fitted row costed has its warnings; else those an unfitted row found (kept apart, under a phase of their
    // own, so that a fitted row never takes them for a costed pass); else found now, without costing the pass
    const warnPhase = phase === 'prefill' ? WARNINGS_OF_PREFILL : WARNINGS_OF_STEP;
    let warn = ctx.memo.get(ctx, phase, s)?.warn ?? ctx.memo.get(ctx, warnPhase, s)?.warn;
    if (!warn) {
      warn = passWarnings(passOps(m, hw, L, p, s), hw);
      if (recurs(s)) ctx.memo.set(ctx, warnPhase, s, { code: NO_CODE, nums: [], ctxOps: [], warn, contextFree: false, plan: undefined }); // as pass() keeps a pass
    }
    for (const w of warn) warnings.add(w);
  }
  return { batch: B, memory, ttft: NaN, ttftCold: NaN, tpot: null, throughput: null, prefillTokS: NaN, prefill: null, decode: null, work: null };
}

/** largest batch whose memory fits (memory grows with batch), within the runtime caps */
function maxFittingBatch(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision, Lin: number, O: number): number {
  // runtimeBatchCap with the cap the runtime sizes from its KV pool for this model and layout (seqCap)
  const cap = Math.max(1, Math.min(withinBench(seqCap(m, hw, L, p)), Math.floor(RUNTIME_MAX_TOKENS / (1 + Lin / Math.max(1, O)))));
  if (!decoderMemory(m, hw, L, p, 1, Lin, O).fits) return 0;
  let lo = 1, hi = cap;
  if (decoderMemory(m, hw, L, p, hi, Lin, O).fits) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (decoderMemory(m, hw, L, p, mid, Lin, O).fits) lo = mid;
    else hi = mid;
  }
  return lo;
}

// A static-shape runtime (graphs compiled for a fixed context: kvTokens in src/sim/memory.ts) prices every decode step
// and every request's KV cache at that context; simulate and serve say so in the same words.
export function staticContextWarning(hw: NormalizedHardware, tokens: number): string | undefined {
  const S = hw.runtime?.staticContext;
  if (S === undefined || S <= 1) return undefined;
  return tokens > S
    ? `${tokens} tokens exceed the ${S}-token context ${hw.runtime?.name ?? hw.id} compiles its graphs for`
    : `${hw.runtime?.name ?? hw.id} runs graphs compiled for a ${S}-token context: each decode step reads the whole KV cache (--set runtime.static_context=1 to model a dynamic runtime)`;
}

export function simulateDecoder(req: SimulateRequest): SimulateResult {
  const m = req.model as DecoderModel;
  const hw = req.hardware;
  // 1. layout, precision and request checks
  const L = buildLayout(m, req.tp, req.pp, req.ep, req.devices, !!req.attentionDp, dpMoeOf(hw));
  const p = resolvePrecision(req.dtype, req.weights as string | undefined, req.activations as string | undefined, req.kvCache as string | undefined, hw.runtime?.kernels);
  const Lin = req.inputTokens;
  const O = req.outputTokens;
  if (!(Lin >= 0) || !(O >= 0) || !Number.isInteger(Lin) || !Number.isInteger(O)) throw new UserError('--input-tokens and --output-tokens must be non-negative integers');
  if (Lin + O < 1) throw new UserError('--input-tokens plus --output-tokens must be at least 1');
  if (Lin + O > m.context) throw new UserError(`context of ${Lin + O} tokens (input + output) is longer than ${m.id}'s ${m.context}`);
  const warnings = new Set<string>();
  const rows = !!req.verbose;
  const ctx = req.memo?.context(hw, m, L, p);
  const sw = staticContextWarning(hw, Lin + O);
  if (sw) warnings.add(sw);

  // 2. batch: given, or the best throughput that fits memory and the latency limits
  let ev: Evaluation;
  let inFlight: number | undefined; // set when an explicit batch is above the engine's cap
  if (req.batch === 'max') {
    const bmax = maxFittingBatch(m, hw, L, p, Lin, O);
    if (bmax === 0) {
      ev = evaluate(m, hw, L, p, 1, Lin, O, warnings, rows, ctx);
    } else {
      const cands: number[] = [];
      for (let b = 1; b < bmax; b *= 2) cands.push(b);
      cands.push(bmax);
      let best: Evaluation | undefined;
      let fallback: Evaluation | undefined;
      for (const b of cands) {
        const e = evaluate(m, hw, L, p, b, Lin, O, warnings, false, ctx);
        fallback ??= e;
        if (req.maxTpotS !== undefined && e.tpot !== null && e.tpot > req.maxTpotS) continue;
        if (req.maxTtftS !== undefined && e.ttft > req.maxTtftS) continue;
        const score = e.throughput ?? e.prefillTokS;
        if (!best || score > (best.throughput ?? best.prefillTokS)) best = e;
      }
      // refine between the best power of two and its neighbours (throughput is unimodal in batch)
      if (best) {
        let lo = Math.max(1, Math.floor(best.batch / 2)), hi = Math.min(bmax, best.batch * 2);
        for (let it = 0; it < 12 && hi - lo > 2; it++) {
          const m1 = Math.floor(lo + (hi - lo) / 3), m2 = Math.ceil(hi - (hi - lo) / 3);
          const e1 = evaluate(m, hw, L, p, m1, Lin, O, warnings, false, ctx);
          const e2 = evaluate(m, hw, L, p, m2, Lin, O, warnings, false, ctx);
          const ok = (e: Evaluation) => (req.maxTpotS === undefined || e.tpot === null || e.tpot <= req.maxTpotS) && (req.maxTtftS === undefined || e.ttft <= req.maxTtftS);
          const s1 = ok(e1) ? (e1.throughput ?? e1.prefillTokS) : -1;
          const s2 = ok(e2) ? (e2.throughput ?? e2.prefillTokS) : -1;
          if (s1 > (best.throughput ?? best.prefillTokS)) best = e1;
          if (s2 > (best.throughput ?? best.prefillTokS)) best = e2;
          if (s1 < s2) lo = m1; else hi = m2;
        }
        ev = rows ? evaluate(m, hw, L, p, best.batch, Lin, O, warnings, true, ctx) : best;
      } else {
        ev = fallback!;
        warnings.add(`no batch meets the latency limits (--max-tpot / --max-ttft); showing batch ${ev.batch}`);
      }
    }
  } else {
    const B = req.batch;
    if (!Number.isInteger(B) || B < 1) throw new UserError(`--batch must be a positive integer or "max", found "${B}"`);
    // above the requests the engine keeps in flight, it runs that many and queues the rest (src/sim/engine-queue.ts)
    const C = seqCap(m, hw, L, p);
    if (C !== undefined && B > C) {
      inFlight = C;
      const at = evaluate(m, hw, L, p, C, Lin, O, warnings, rows, ctx);
      ev = { ...at, ...queuedTimes(at, B, C, O), batch: B };
      warnings.add(queueWarning(hw.runtime?.name ?? hw.runtime?.id ?? hw.id, C, B));
    } else {
      ev = evaluate(m, hw, L, p, B, Lin, O, warnings, rows, ctx);
    }
  }

  // 3. result: time keys null when memory does not fit
  const fits = ev.memory.fits;
  const phase = (name: string, c: PassCost, mult: number): PhaseSummary => ({
    name,
    seconds: c.seconds * mult,
    flops: c.flops,
    bytes: c.bytes,
    bound: c.bound,
    compute_s: c.computeS * mult,
    memory_s: c.memoryS * mult,
    comm_s: c.commS * mult,
  });
  const phases: PhaseSummary[] = ev.prefill ? [phase('prefill', ev.prefill, L.pp)] : [];
  if (ev.decode) phases.push(phase('decode', ev.decode, L.pp));
  const e2e = ev.tpot !== null ? ev.ttft + Math.max(0, O - 1) * ev.tpot : ev.ttft;
  const group = L.tp * L.pp;
  const result: SimulateResult = {
    model: m.id,
    hardware: hw.id,
    family: 'decoder',
    devices: L.devices,
    tp: L.tp,
    pp: L.pp,
    ep: L.ep,
    attention_dp: L.attentionDp,
    replicas: L.replicas,
    batch: ev.batch,
    input_tokens: Lin,
    output_tokens: O,
    dtype: req.dtype,
    weights_dtype: p.weights,
    activations_dtype: gemmMathDtype(hw, p.activations as Dtype),
    kv_cache_dtype: p.kvCache,
    ttft_s: fits ? ev.ttft : null,
    ttft_cold_s: fits ? ev.ttftCold : null,
    tpot_s: fits ? ev.tpot : null,
    e2e_s: fits ? e2e : null,
    throughput_tok_s: fits ? ev.throughput : null,
    prefill_tok_s: fits ? ev.prefillTokS : null,
    latency_s: fits ? e2e : null,
    memory: ev.memory,
    phases,
    warnings: [...warnings],
    work: fits && ev.work ? { flops: ev.work.flops * group, bytes: ev.work.bytes * group, seconds: ev.work.seconds, items: ev.work.items, devices: group } : null,
  };
  if (inFlight !== undefined) result.in_flight = inFlight;
  if (rows) result.ops = [...(ev.prefill?.rows ?? []), ...(ev.decode?.rows ?? [])];
  return result;
}
