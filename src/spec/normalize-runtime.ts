// Runtime specs (runtimes/*.yaml) → NormalizedRuntime: units to SI, defaults filled, and the rule that every
// block setting a value names its source. Defaults are the engine's behaviour before runtimes existed
// (docs/runtimes.md), so a runtime that says nothing about a block changes nothing there.
import { maskWords } from './errors.js';
import { issueAt, type SpecContext } from './load.js';
import { quantityAt } from './normalize-hardware.js';
import type { NormalizedRuntime, RuntimeOverride, RuntimeSettings } from './types.js';

type Raw = Record<string, any>;

const BLOCKS = ['host', 'launch', 'memory', 'scheduler', 'overlap', 'shapes', 'kernels', 'training', 'collectives'] as const;

export const RUNTIME_DEFAULTS: RuntimeSettings = {
  stepOverheadS: 0,
  launch: { perKernelS: 0, graphs: 'all', deviceGap: true },
  // TensorRT-LLM's KV share of free memory and a 1 GB runtime context; Metal's working-set share on unified memory
  // (src/sim/memory.ts cites both)
  memory: { share: 0.9, basis: 'free', reserveBytes: 1e9, unifiedShare: 0.75 },
  scheduler: { chunkedPrefill: false },
  overlap: { tpComm: 0, epTwoBatch: 0 },
  kernels: { gguf: 'mmq' },
};

// One set of blocks (the top level, or one by_vendor / by_hardware entry) → a partial override, checking sources.
async function blocks(ctx: SpecContext, raw: Raw, at: (string | number)[]): Promise<Partial<RuntimeOverride>> {
  const own: Raw = at.reduce((o: any, k) => o?.[k], raw) ?? {};
  for (const b of BLOCKS) {
    const blk = own[b];
    if (blk && typeof blk === 'object' && Object.keys(blk).some((k) => k !== 'source') && typeof blk.source !== 'string') {
      ctx.errors.push(issueAt(ctx, [...at, b], 'values without a source', `add \`source: "…"\` to the ${b} block naming the runtime source code, profiler trace or documented default`));
    }
  }
  const out: Partial<RuntimeOverride> = {};
  const q = (path: string[], dim: 'seconds' | 'bytes') => quantityAt(ctx, raw, [...at, ...path], dim);
  const step = await q(['host', 'step_overhead'], 'seconds');
  if (step !== undefined) out.stepOverheadS = nonNegative(ctx, [...at, 'host', 'step_overhead'], step);
  const l = own.launch;
  if (l) {
    const per = await q(['launch', 'per_kernel'], 'seconds');
    out.launch = {};
    if (per !== undefined) out.launch.perKernelS = nonNegative(ctx, [...at, 'launch', 'per_kernel'], per);
    if (l.graphs !== undefined) out.launch.graphs = l.graphs;
    if (l.device_gap !== undefined) out.launch.deviceGap = l.device_gap;
  }
  const m = own.memory;
  if (m) {
    out.memory = {};
    if (m.share !== undefined) out.memory.share = m.share;
    if (m.basis !== undefined) out.memory.basis = m.basis;
    if (m.unified_share !== undefined) out.memory.unifiedShare = m.unified_share;
    const r = await q(['memory', 'reserve'], 'bytes');
    if (r !== undefined) out.memory.reserveBytes = nonNegative(ctx, [...at, 'memory', 'reserve'], r);
  }
  const s = own.scheduler;
  if (s) {
    out.scheduler = {};
    if (s.max_num_seqs !== undefined) out.scheduler.maxNumSeqs = s.max_num_seqs;
    if (s.max_num_batched_tokens !== undefined) out.scheduler.maxNumBatchedTokens = s.max_num_batched_tokens;
    if (s.bench_max_num_seqs !== undefined) out.scheduler.benchMaxNumSeqs = s.bench_max_num_seqs;
    if (s.chunked_prefill !== undefined) out.scheduler.chunkedPrefill = s.chunked_prefill;
  }
  const o = own.overlap;
  if (o) {
    out.overlap = {};
    if (o.tp_comm !== undefined) out.overlap.tpComm = o.tp_comm;
    if (o.fsdp_prefetch !== undefined) out.overlap.fsdpPrefetch = o.fsdp_prefetch;
    if (o.dp_grad !== undefined) out.overlap.dpGrad = o.dp_grad;
    if (o.ep_two_batch !== undefined) out.overlap.epTwoBatch = o.ep_two_batch;
  }
  if (own.shapes?.static_context !== undefined) out.staticContext = own.shapes.static_context;
  const k = own.kernels;
  if (k) {
    out.kernels = {};
    if (k.gguf !== undefined) out.kernels.gguf = k.gguf;
    if (k.fp8_fallback !== undefined) out.kernels.fp8Fallback = k.fp8_fallback;
    for (const f of ['moe', 'attention', 'gemm'] as const) if (k[f] !== undefined) out.kernels[f] = k[f];
    if (k.gemv_max_rows !== undefined) out.kernels.gemvMaxRows = k.gemv_max_rows;
    if (k.moe_min_tile_rows !== undefined) out.kernels.moeMinTileRows = k.moe_min_tile_rows;
    if (k.mma_tile_rows !== undefined) out.kernels.mmaTileRows = k.mma_tile_rows;
    if (k.moe_min_tile_rows !== undefined && k.mma_tile_rows !== undefined && k.moe_min_tile_rows > k.mma_tile_rows) {
      ctx.errors.push(issueAt(ctx, [...at, 'kernels', 'moe_min_tile_rows'], `must not exceed mma_tile_rows (${k.mma_tile_rows}), found ${k.moe_min_tile_rows}`, 'the smallest M tile is at most the largest'));
    }
    if (k.gguf_flop_per_unit_clock !== undefined) out.kernels.ggufFlopPerUnitClock = k.gguf_flop_per_unit_clock;
    const rate = await quantityAt(ctx, raw, [...at, 'kernels', 'gguf_rate'], 'flop_per_s');
    if (rate !== undefined) {
      if (!(rate > 0)) ctx.errors.push(issueAt(ctx, [...at, 'kernels', 'gguf_rate'], `must be > 0, found ${rate}`, 'e.g. gguf_rate: 55.6 TFLOP/s'));
      out.kernels.ggufFlopPerS = rate;
    }
    const sc = k.attention_scores;
    if (sc !== undefined) out.kernels.attentionScores = { bytesPerScore: sc.bytes_per_score, kernels: sc.kernels };
    if (k.activation_bytes !== undefined) out.kernels.activationBytes = k.activation_bytes;
    if (k.bias !== undefined) out.kernels.bias = k.bias;
    if (k.gemm_convert !== undefined) out.kernels.gemmConvert = k.gemm_convert;
    if (k.norm_kernels !== undefined) out.kernels.normKernels = k.norm_kernels;
    if (k.rmsnorm !== undefined) out.kernels.rmsnorm = { kernels: k.rmsnorm.kernels, bytesPerElement: k.rmsnorm.bytes_per_element };
  }
  const ar = own.collectives?.custom_allreduce;
  if (ar) {
    const sizes: number[] = ar.sizes, seconds: number[] = ar.seconds;
    const path = [...at, 'collectives', 'custom_allreduce'];
    if (sizes.length !== seconds.length) ctx.errors.push(issueAt(ctx, path, `sizes (${sizes.length}) and seconds (${seconds.length}) differ in length`, 'give one time per message size'));
    else if (sizes.some((v, i) => i > 0 && !(v > sizes[i - 1]!))) ctx.errors.push(issueAt(ctx, [...path, 'sizes'], 'must increase', 'list message sizes from smallest to largest'));
    else out.collectives = { customAllreduce: { sizes, seconds, maxGroup: ar.max_group } };
  }
  const t = own.training;
  if (t && (t.selective !== undefined || t.reduce_dtype !== undefined || t.elementwise !== undefined)) {
    out.training = {};
    if (t.elementwise !== undefined) out.training.elementwise = t.elementwise;
    if (t.selective !== undefined) out.training.selective = t.selective;
    if (t.reduce_dtype !== undefined) out.training.reduceDtype = t.reduce_dtype;
  }
  const mh = t?.moe_host;
  if (mh && typeof mh === 'object') {
    const per = await q(['training', 'moe_host', 'per_op'], 'seconds');
    out.training = out.training ?? {};
    out.training.moeHost = {
      syncsFwd: mh.syncs_fwd,
      perOpS: per === undefined ? 0 : nonNegative(ctx, [...at, 'training', 'moe_host', 'per_op'], per),
      opsFwd: mh.ops_fwd,
      opsBwd: mh.ops_bwd,
      expertKernelsFwd: mh.expert_kernels_fwd,
      expertKernelsBwd: mh.expert_kernels_bwd,
    };
  }
  return out;
}

function nonNegative(ctx: SpecContext, path: (string | number)[], v: number): number {
  if (!(v >= 0) || !Number.isFinite(v)) ctx.errors.push(issueAt(ctx, path, `must be ≥ 0, found ${v}`));
  return v;
}

/** settings + a partial override → settings (objects merge field by field) */
// applyOverride lives in src/runtime/override.ts: simulate needs it without loading the spec layer (ajv, yaml)
import { applyOverride } from '../runtime/override.js';
export { applyOverride };

export async function normalizeRuntime(raw: Raw, ctx: SpecContext): Promise<NormalizedRuntime | undefined> {
  const top = await blocks(ctx, raw, []);
  const byVendor: Record<string, Partial<RuntimeOverride>> = {};
  for (const v of Object.keys(raw.by_vendor ?? {})) byVendor[v] = await blocks(ctx, raw, ['by_vendor', v]);
  const byHardware: Record<string, Partial<RuntimeOverride>> = {};
  for (const h of Object.keys(raw.by_hardware ?? {})) byHardware[h] = await blocks(ctx, raw, ['by_hardware', h]);
  if (ctx.errors.length) return undefined;
  const settings = applyOverride(RUNTIME_DEFAULTS, top);
  return {
    id: raw.id,
    // free text from a stranger's file: the words that only ever mean a bug are spelled out (errors.ts)
    name: maskWords(raw.name),
    kind: raw.role,
    version: raw.version === undefined ? undefined : maskWords(raw.version),
    ...settings,
    byVendor,
    byHardware,
    sources: raw.sources?.map(maskWords),
  };
}
