// A runtime's settings with a vendor's or a part's override on top. Pure, and apart from the spec layer so that
// `simulate` on library ids starts without loading ajv and yaml (issue 15: start-up).
import type { LaunchCosts, NormalizedHardware, RuntimeOverride, RuntimeSettings, TiledGemm, TiledGemmOverride } from '../spec/types.js';

export function applyOverride(base: RuntimeSettings, o: Partial<RuntimeOverride> | undefined): RuntimeSettings {
  if (!o) return base;
  return {
    stepOverheadS: o.stepOverheadS ?? base.stepOverheadS,
    ...replacedWhole(base, o),
    ...(o.decodeStep !== undefined || base.decodeStep !== undefined ? { decodeStep: o.decodeStep ? { ...o.decodeStep, byLayer: o.decodeStep.byLayer ?? base.decodeStep?.byLayer } : base.decodeStep } : {}),
    ...(o.frontend !== undefined || base.frontend !== undefined ? { frontend: { perRequestS: 0, perOutputTokenS: 0, processes: 1, ...base.frontend, ...o.frontend } } : {}),
    launch: eagerLaunch(base.launch, o.launch),
    memory: { ...base.memory, ...o.memory },
    scheduler: { ...base.scheduler, ...o.scheduler },
    overlap: { ...base.overlap, ...o.overlap },
    staticContext: o.staticContext ?? base.staticContext,
    kernels: withTiledGemm({ ...base.kernels, ...o.kernels }, mergeTiledGemm(base.kernels.tiledGemm, o.kernels?.tiledGemm)),
    collectives: o.collectives ? { ...base.collectives, ...o.collectives } : base.collectives,
    ...(base.training || o.training ? { training: { ...base.training, ...o.training } } : {}),
  };
}

// the optional settings a block replaces whole where it states one; one that neither states stays absent
const WHOLE_FIELDS = [
  'hostPerSequenceS', 'hostSamplingPerVocabS', 'hostDecodePlanSyncS', 'hostOverlap', 'hostRunsAhead', 'workerRpc',
  'encoderForward', 'hostTimestampsPerSequenceS', 'hostBeamReorderPerCacheS', 'hostAudioDecodeS', 'hostLogMelS', 'hostVadS',
  'hostSampleBeamStepS', 'hostExpertLoop', 'staticRequest', 'kvCacheDefault', 'fusion',
] as const;

function replacedWhole(base: RuntimeSettings, o: Partial<RuntimeOverride>): Pick<RuntimeSettings, (typeof WHOLE_FIELDS)[number]> {
  const out: Partial<Record<(typeof WHOLE_FIELDS)[number], unknown>> = {};
  for (const k of WHOLE_FIELDS) if (o[k] !== undefined || base[k] !== undefined) out[k] = o[k] ?? base[k];
  return out as Pick<RuntimeSettings, (typeof WHOLE_FIELDS)[number]>;
}

/** the kernels with the merged tiled_gemm in place of the block's own (none where no block states a rate) */
function withTiledGemm(k: Omit<RuntimeSettings['kernels'], 'tiledGemm'> & { tiledGemm?: unknown }, t: TiledGemm | undefined): RuntimeSettings['kernels'] {
  const { tiledGemm: _, ...rest } = k;
  return t ? { ...rest, tiledGemm: t } : rest;
}

/**
 * A tiled_gemm block over the one below, key by key, as the launch block's by-kind maps are: a by_architecture block
 * that names one kernel (vLLM's matmul_ogs MXFP4 experts on CDNA 3: weight_only_moe) keeps the by_vendor block's rate,
 * strip width and other kernels. A sub-kernel is one unit (a block's weight_only_moe replaces the one below whole);
 * false removes it. Over no block, what a block leaves out takes the defaults: tile_n 128, the N block of a [128, 128]
 * block-scaled FP8 GEMM (vLLM / SGLang w8a8_block_fp8_matmul's default config: BLOCK_SIZE_N = block_size[0]), and both
 * kernel families named; a block without a rate over none names no strip kernel (src/spec/normalize-runtime.ts reports
 * a file where no block below it states a rate).
 */
export function mergeTiledGemm(base: TiledGemm | undefined, o: TiledGemmOverride | undefined): TiledGemm | undefined {
  if (!o) return base;
  const rateBytePerS = o.rateBytePerS ?? base?.rateBytePerS;
  if (rateBytePerS === undefined) return undefined;
  const out: TiledGemm = { rateBytePerS, tileN: o.tileN ?? base?.tileN ?? 128, moe: o.moe ?? base?.moe ?? true, fp8Block: o.fp8Block ?? base?.fp8Block ?? true };
  const blockFp8Moe = o.blockFp8Moe ?? base?.blockFp8Moe;
  if (blockFp8Moe !== undefined) out.blockFp8Moe = blockFp8Moe;
  const weightOnlyMoe = o.weightOnlyMoe ?? base?.weightOnlyMoe;
  if (weightOnlyMoe) out.weightOnlyMoe = weightOnlyMoe;
  const int4Moe = o.int4Moe ?? base?.int4Moe;
  if (int4Moe) out.int4Moe = int4Moe;
  const blockFp8Linear = o.blockFp8Linear ?? base?.blockFp8Linear;
  if (blockFp8Linear) out.blockFp8Linear = blockFp8Linear;
  return out;
}

/**
 * The launch block of `o` over `base`. `o`'s launch.eager is laid over `base`'s field by field, as the by-kind maps are
 * below (a by_vendor / by_architecture / by_hardware block that names one kind keeps the others and per_kernel). Where
 * `o` turns the graphs off (a run's `--set runtime.graphs=none`: vLLM --enforce-eager, SGLang --disable-cuda-graph)
 * and the runtime states what its ops cost the host then (launch.eager), those costs replace per_kernel and are laid
 * over per_kernel_by_kind (a kind they do not name keeps its cost), unless `o` names its own: with graphs on, a
 * runtime's per_kernel is the cost of a launch between replayed pieces (vLLM's 2.5 us), not of an op dispatched from
 * its Python modules.
 */
export function eagerLaunch(base: RuntimeSettings['launch'], o: RuntimeOverride['launch'] | undefined): RuntimeSettings['launch'] {
  const { eager: own, ...rest } = o ?? {};
  const l: RuntimeSettings['launch'] = { ...base, ...rest };
  const e = mergeEager(base.eager, own, l.perKernelS);
  if (e) l.eager = e;
  if (o?.graphs !== 'none' || base.graphs === 'none' || !e) return l;
  // the eager costs by kind are laid over the runtime's own, not put in their place: a kind the eager block does not
  // name keeps the runtime's cost (vllm-0.6's c10d collectives, 89 / 131 / 122 us, which no graph hides), so turning
  // graphs off never makes a step cheaper
  const byKind = e.perKernelByKindS || base.perKernelByKindS ? { ...base.perKernelByKindS, ...e.perKernelByKindS } : undefined;
  return { ...l, perKernelS: o.perKernelS ?? e.perKernelS, perKernelByKindS: o.perKernelByKindS ?? byKind };
}

/** an eager block over another, field by field; a per_kernel neither states is the runtime's own (`perKernelS`): turning
 *  the graphs off never makes a kernel's dispatch cheaper */
function mergeEager(base: LaunchCosts | undefined, o: Partial<LaunchCosts> | undefined, perKernelS: number): LaunchCosts | undefined {
  if (!o) return base;
  const byKind = base?.perKernelByKindS || o.perKernelByKindS ? { ...base?.perKernelByKindS, ...o.perKernelByKindS } : undefined;
  return { perKernelS: o.perKernelS ?? base?.perKernelS ?? perKernelS, ...(byKind ? { perKernelByKindS: byKind } : {}) };
}

/**
 * The warning for `--set runtime.graphs=none` under a runtime that prices its kernels by ggml's graph-node counts
 * (kernels.decode_graph / kernel_cycles: the llama.cpp runtimes), undefined elsewhere. There the switch dispatches the
 * step's kernels one by one from the host, which hides behind the kernels, but the kernels keep the device time per
 * kernel measured with graphs: CUDA graphs also shorten the device-side gap between kernels (agray3 in llama.cpp PR
 * #6766; ~1,330 cycles a kernel on and off graphs, what runtimes/llama.cpp-2023.yaml adds to kernel_cycles), so the
 * answer reads about as fast as with graphs. GGML_CUDA_DISABLE_GRAPHS=1 is priced by the no-graphs runtime instead.
 */
export function graphsOffWarning(hw: Pick<NormalizedHardware, 'runtime' | 'vendor'>): string | undefined {
  const r = hw.runtime;
  const k = r?.kernels;
  // only where the run's switch removed graphs the runtime captures on this part (launch.graphsOffByRun): not under the
  // runtimes that run without graphs in their own file (llama.cpp-2023, the SYCL builds) or on parts their by_architecture
  // leaves without them (llama.cpp on Turing / Volta), where the switch changes nothing
  if (!r?.launch.graphsOffByRun || !(k?.decodeGraph || k?.kernelCycles !== undefined)) return undefined;
  // ggml-cuda's kernels only: not another vendor's backend (no CUDA graphs to remove), nor a runtime whose captured
  // phases are command buffers the host records every step (launch.capture: ggml-vulkan, whose file inherits
  // llama.cpp's graphs: decode but captures no CUDA graphs)
  if (hw.vendor !== 'nvidia' || r.launch.capture === 'command_buffers') return undefined;
  return `--set runtime.graphs=none under ${r.name ?? r.id} launches each kernel from the host but keeps the device time per kernel measured with CUDA graphs (ggml prices kernels by its node counts): to price ggml-cuda without graphs (GGML_CUDA_DISABLE_GRAPHS=1) use --runtime llama.cpp-2023, whose kernel_cycles carry the gap graphs remove (llama.cpp PR #6766)`;
}

/**
 * A run's own settings (`--set runtime.*`, a hardware spec's runtime: block) over the runtime as bound so far. Where
 * they turn off graphs the runtime captures on this part, the launch says so (graphsOffByRun, read by
 * graphsOffWarning); setting graphs again decides afresh.
 */
export function applyOwnOverride(s: RuntimeSettings, own: OwnRuntime): RuntimeSettings {
  const out = applyOverride(s, ownRuntimeOverride(own));
  if (own.graphs === undefined) return out;
  const { graphsOffByRun: _, ...launch } = out.launch;
  const off = own.graphs === 'none' && (s.launch.graphs !== 'none' || s.launch.graphsOffByRun === true);
  return { ...out, launch: off ? { ...launch, graphsOffByRun: true } : launch };
}

/** `--set runtime.max_num_seqs` and a hardware's own runtime block pin the engine's cap and its offline benchmark's alike */
export function pinnedMaxNumSeqs(n: number): { maxNumSeqs: number; benchMaxNumSeqs: number; poolSeqs: undefined } {
  // a pinned cap replaces the engine's own rule from its KV pool too (scheduler.pool_seqs: SGLang's
  // --max-running-requests given)
  return { maxNumSeqs: n, benchMaxNumSeqs: n, poolSeqs: undefined };
}

/** a hardware's own runtime block: its YAML `runtime:` and what `--set runtime.*` adds to it */
export type OwnRuntime = NonNullable<NormalizedHardware['runtimeOverride']>;

/** the fields of a hardware's own runtime block that are the scheduler's (runtime.max_num_seqs aside: it pins two) */
const OWN_SCHEDULER_FIELDS = ['admission', 'ubatch', 'pipelineCopies', 'beamSize', 'audioBatch', 'encoderMaxNumTokens', 'timestamps', 'vad', 'logMelOverlap', 'maxNumBatchedTokens', 'sampling', 'penalties', 'batching', 'overlapSchedule'] as const;

/**
 * a hardware's own runtime block as an override of the runtime it binds: its step overhead and static context at the
 * top, its scheduler fields under scheduler. The one list both binding paths use (src/runtime/resolve.ts boundRuntime
 * for a hardware file's block, src/hardware/set-path.ts for `--set runtime.*` on an already bound runtime).
 */
export function ownRuntimeOverride(own: OwnRuntime): Partial<RuntimeOverride> {
  const scheduler: Partial<RuntimeSettings['scheduler']> = own.maxNumSeqs !== undefined ? pinnedMaxNumSeqs(own.maxNumSeqs) : {};
  for (const k of OWN_SCHEDULER_FIELDS) if (own[k] !== undefined) Object.assign(scheduler, { [k]: own[k] });
  // the run's own multi-step scheduling (`--set runtime.scheduler_steps`: vLLM V0's --num-scheduler-steps)
  if (own.schedulerSteps !== undefined) scheduler.steps = own.schedulerSteps;
  // a pinned memory share holds at every tensor-parallel size (it replaces the engine's share_by_tp defaults and its
  // own share rule, SGLang's by device memory, too)
  const memory = own.memoryShare !== undefined ? { share: own.memoryShare, shareByTp: undefined, shareRule: 'fixed' as const } : undefined;
  const fe = { perRequestS: own.frontendPerRequestS, perOutputTokenS: own.frontendPerOutputTokenS, processes: own.apiServers };
  for (const k of Object.keys(fe) as (keyof typeof fe)[]) if (fe[k] === undefined) delete fe[k];
  const frontend = Object.keys(fe).length ? fe : undefined;
  // captured decode graph sizes (`--set runtime.graph_batch_sizes`; null: padding off, whatever the runtime file says,
  // its default capture (launch.decode_capture) included: an empty list, which src/sim/graph-padding.ts reads as no sizes)
  // the run's own graph capture (`--set runtime.graphs`: none for vLLM's --enforce-eager or SGLang's --disable-cuda-graph;
  // its ops then cost the host the runtime's launch.eager, eagerLaunch above)
  const launch = own.graphBatchSizes !== undefined || own.graphs !== undefined ? { ...(own.graphBatchSizes !== undefined ? { graphBatchSizes: own.graphBatchSizes ?? [] } : {}), ...(own.graphs !== undefined ? { graphs: own.graphs } : {}) } : undefined;
  // the weight-only MoE kernel the run chose (`--set runtime.weight_only_moe`: src/sim/kernel-caps.ts)
  // and the run's decode buckets (`--set runtime.decode_bucket`: optimum-habana's --bucket_size N --bucket_internal):
  // each decode step attends over its context rounded up to N (kernels.decode_kv_block, src/sim/kv-read-blocks.ts)
  const k = { ...(own.weightOnlyMoe !== undefined ? { weightOnlyMoeKernel: own.weightOnlyMoe } : {}), ...(own.decodeBucket !== undefined ? { decodeKvBlock: own.decodeBucket } : {}) };
  const kernels = Object.keys(k).length ? k : undefined;
  // the run's own one-step-ahead loop (`--set runtime.overlap_schedule`: vLLM's async scheduling) runs the host work of
  // batch n+1 (schedule(), input preparation, update_from_output of batch n) while batch n is on the device
  // (vllm/v1/engine/core.py EngineCore.step_with_batch_queue), so the per-sequence part hides behind the step
  // (host.overlap, src/runtime/host.ts); turning it off exposes that part again
  const hostOverlap = own.overlapSchedule;
  // the run's DeepSpeed overlap_comm (`--set runtime.overlap_comm`), over the runtime's stage default, and its sequence
  // parallelism (`--set runtime.sequence_parallel`: Megatron-LM's opt-in --sequence-parallel), over the runtime file's
  const t = {
    ...(own.overlapComm !== undefined ? { zeroOverlapComm: own.overlapComm ? ('on' as const) : ('off' as const) } : {}),
    ...(own.sequenceParallel !== undefined ? { sequenceParallel: own.sequenceParallel } : {}),
  };
  const training = Object.keys(t).length ? t : undefined;
  return { ...(training ? { training } : {}), ...(kernels ? { kernels } : {}), ...(hostOverlap !== undefined ? { hostOverlap } : {}), ...(own.runsAhead !== undefined ? { hostRunsAhead: own.runsAhead } : {}), stepOverheadS: own.stepOverheadS, staticContext: own.staticContext, ...(own.staticRequest !== undefined ? { staticRequest: own.staticRequest } : {}), hostAudioDecodeS: own.hostAudioDecodeS, hostLogMelS: own.hostLogMelS, scheduler: Object.keys(scheduler).length ? scheduler : undefined, memory, frontend, ...(launch ? { launch } : {}) };
}
