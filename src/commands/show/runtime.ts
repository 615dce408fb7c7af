import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { resolveHardware } from '../../spec/library.js';
import { boundRuntime, resolveRuntime } from '../../runtime/resolve.js';
import { fmtBandwidth, fmtBytes, fmtGB, fmtSeconds, renderTable } from '../../report/format.js';
import { decodingOf, encoderTokenBudget, whisperTimestamps } from '../../model/whisper-graph.js';
import { kvCacheRule } from '../../runtime/kv-cache.js';
import type { EagerChain, FusionGroup, LaunchCosts, NormalizedRuntime, RuntimeOverride, RuntimeSettings, TiledGemm } from '../../spec/types.js';

/** the eager loop's host costs as --json prints them (settings and overrides alike) */
const decodeStepJson = (d: NonNullable<RuntimeSettings['decodeStep']>) => ({
  per_layer_s: d.perLayerS,
  per_step_s: d.perStepS,
  sync: d.sync,
  by_layer: d.byLayer ? Object.fromEntries(Object.entries(d.byLayer).map(([k, v]) => [k, { per_layer_s: v.perLayerS, per_step_s: v.perStepS }])) : null,
});
// group: 'tp' where the calls go to the tensor-parallel group only, else 'devices' (every device's worker)
const workerRpcJson = (w: NonNullable<RuntimeSettings['workerRpc']>) => ({ round_trip_s: w.roundTripS, per_worker_s: w.perWorkerS, group: w.group ?? 'devices' });
const encoderForwardJson = (e: NonNullable<RuntimeSettings['encoderForward']>) => ({ per_layer_s: e.perLayerS, per_forward_s: e.perForwardS });
// one fraction, or the table by the step's tokens as the runtime file writes it
const attentionTablesJson = (t: RuntimeSettings['kernels']['prefillAttention']) =>
  t === undefined ? null : Object.fromEntries(Object.entries(t).map(([d, e]) => [d, { lengths: e!.sizes, values: e!.values }]));
const decodeAttentionJson = (t: RuntimeSettings['kernels']['decodeAttention']) =>
  t === undefined ? null : Object.fromEntries(Object.entries(t).map(([w, e]) => [w, { fixed_s: e!.fixedS, per_sequence_head_s: e!.perSequenceHeadS, bandwidth: e!.bandwidth }]));
// the split-K kernel's rate per SM per clock: one number, or its table by 16-row tiles
const splitKRateJson = (f: RuntimeSettings['kernels']['w4a16SplitKFlopPerUnitClock']) => (f === undefined ? null : typeof f === 'number' ? f : { tiles: f.sizes, values: f.values });
const moeJson = (f: RuntimeSettings['kernels']['fp4MoeEfficiency']) => (f === undefined ? null : typeof f === 'number' ? f : 'keys' in f ? { expert_macs: f.rows[0]!.sizes, values: Object.fromEntries(f.keys.map((c, i) => [String(c), f.rows[i]!.values])) } : { expert_macs: f.sizes, values: f.values });
// the runtime's own small-message all-reduce (collectives.custom_allreduce): message bytes, seconds per call, largest group
// (and smaller groups' own tables by group size, where the runtime measured them)
const customAllreduceJson = (c: Exclude<NonNullable<NonNullable<RuntimeSettings['collectives']>['customAllreduce']>, false>) => ({
  sizes: c.sizes, seconds: c.seconds, max_group: c.maxGroup,
  ...(c.byGroup ? { by_group: Object.fromEntries(c.byGroup.map((g) => [String(g.group), g.seconds])) } : {}),
  ...(c.above ? { above: c.above } : {}),
  ...(c.bufferBytes !== undefined ? { buffer_bytes: c.bufferBytes } : {}),
  ...(c.linkBytePerS !== undefined ? { link_bandwidth: c.linkBytePerS } : {}),
});

/** a by-tp table ([from tp, value] pairs) as a JSON object keyed by tp, or null */
function byTpJson(t: readonly [number, number][] | undefined): Record<string, number> | null {
  return t ? Object.fromEntries(t.map(([k, v]) => [String(k), v])) : null;
}

// a block of per-op host costs (launch, and launch.eager under it) as --json prints it, and one-kernel ops by kind as text
const launchCostsJson = (c: LaunchCosts) => ({ per_kernel_s: c.perKernelS, per_kernel_by_kind_s: c.perKernelByKindS ?? null });
const byKindText = (m: Readonly<Record<string, number>>) => Object.entries(m).map(([k, v]) => `${k} ${fmtSeconds(v)}`).join(', ');

/** settings as --json prints them (SI, snake_case) */

function settingsJson(s: RuntimeSettings) {
  const dec = decodingOf(s);
  return {
    step_overhead_s: s.stepOverheadS,
    host_per_sequence_s: s.hostPerSequenceS ?? 0,
    host_sampling_per_vocab_entry_s: s.hostSamplingPerVocabS ?? 0,
    host_decode_plan_sync_s: s.hostDecodePlanSyncS ?? 0,
    host_overlap: s.hostOverlap ?? false,
    host_runs_ahead: s.hostRunsAhead ?? false,
    host_worker_rpc: s.workerRpc ? workerRpcJson(s.workerRpc) : null,
    host_decode_step: s.decodeStep ? decodeStepJson(s.decodeStep) : null,
    host_encoder_forward: s.encoderForward ? encoderForwardJson(s.encoderForward) : null,
    host_timestamps_per_sequence_s: s.hostTimestampsPerSequenceS ?? 0,
    host_beam_reorder_per_cache_s: s.hostBeamReorderPerCacheS ?? 0,
    host_audio_decode_s: s.hostAudioDecodeS ?? 0,
    host_log_mel_s: s.hostLogMelS ?? 0,
    host_vad_s: s.hostVadS ?? 0,
    host_sample_per_beam_step_s: s.hostSampleBeamStepS ?? 0,
    host_moe_expert_loop: s.hostExpertLoop ? { per_expert_s: s.hostExpertLoop.perExpertS, experts: s.hostExpertLoop.experts } : null,
    frontend: s.frontend ? { per_request_s: s.frontend.perRequestS, per_output_token_s: s.frontend.perOutputTokenS, processes: s.frontend.processes, shared_with_engine: s.frontend.sharedWithEngine ?? false } : null,
    launch: { ...launchCostsJson(s.launch), eager: s.launch.eager ? launchCostsJson(s.launch.eager) : null, graphs: s.launch.graphs, capture: s.launch.capture ?? 'device_graphs', prompt_steps: s.launch.promptSteps ?? 'eager', outside_graph: s.launch.outsideGraph ?? null, device_gap: s.launch.deviceGap, split_point_s: s.launch.splitPointS ?? null, graph_batch_sizes: s.launch.graphBatchSizes ?? null, capture_max_context: s.launch.captureMaxContext ?? null, decode_capture: s.launch.decodeCapture ? { sizes: s.launch.decodeCapture.sizes, max_batch: s.launch.decodeCapture.maxBatch, by_tp: byTpJson(s.launch.decodeCapture.byTp), below_memory: (s.launch.decodeCapture.belowMemory ?? []).map((c) => ({ memory_bytes: c.bytes, max_batch: c.maxBatch, by_tp: byTpJson(c.byTp) })) } : null },
    memory: { share: s.memory.share, basis: s.memory.basis, reserve_bytes: s.memory.reserveBytes, unified_share: s.memory.unifiedShare, share_by_tp: byTpJson(s.memory.shareByTp), share_rule: s.memory.shareRule ?? 'fixed', reserve_by_tp: byTpJson(s.memory.reserveByTp), slot: s.memory.slot ? { per_seq_token: s.memory.slot.perSeqToken, per_vocab: s.memory.slot.perVocab } : null },
    scheduler: {
      max_num_seqs: s.scheduler.maxNumSeqs ?? null,
      pool_seqs: s.scheduler.poolSeqs ? { per_context: s.scheduler.poolSeqs.perContext, min: s.scheduler.poolSeqs.min } : null,
      max_num_batched_tokens: s.scheduler.maxNumBatchedTokens ?? null,
      ubatch: s.scheduler.ubatch ?? null,
      chunked_prefill: s.scheduler.chunkedPrefill,
      admission: s.scheduler.admission ?? 'preempt',
      audio_windows: s.scheduler.audioWindows ?? 'batched',
      audio_batch: s.scheduler.audioBatch ?? null,
      encoder_max_num_tokens: encoderTokenBudget(s.scheduler) ?? null,
      audio_window_step_s: s.scheduler.audioWindowStepS ?? null,
      condition_on_previous_text: s.scheduler.conditionOnPreviousText ?? false,
      timestamps: whisperTimestamps(s.scheduler),
      vad: s.scheduler.vad ?? false,
      log_mel_overlap: s.scheduler.logMelOverlap ?? false,
      beam_size: dec.width,
      beam_cross_kv: dec.crossKv,
      beam_reorder: dec.reorder,
      beam_prompt: dec.prompt,
      long_context: s.scheduler.longContext
        ? { above: s.scheduler.longContext.above, chunked_prefill: s.scheduler.longContext.chunkedPrefill ?? null, max_num_batched_tokens: s.scheduler.longContext.maxNumBatchedTokens ?? null }
        : null,
      unchunked_covers_context: s.scheduler.unchunkedCoversContext ?? false,
      mla_unchunked: s.scheduler.mlaUnchunked ?? false,
      mixed_batches: s.scheduler.mixedBatches ?? true,
      dp_rank_chunks: s.scheduler.dpRankChunks ?? false,
      dp_conservativeness: s.scheduler.dpConservativeness ?? null,
      overlap_schedule: s.scheduler.overlapSchedule ?? false,
      steps: s.scheduler.steps ?? 1,
    },
    overlap: { tp_comm: s.overlap.tpComm, tp_comm_prefetch: s.overlap.tpCommPrefetch ?? 0, fsdp_prefetch: s.overlap.fsdpPrefetch ?? null, dp_grad: s.overlap.dpGrad ?? null, ep_two_batch: s.overlap.epTwoBatch },
    static_context: s.staticContext ?? null,
    static_request: s.staticRequest ?? false,
    kv_cache: { default_dtype: kvCacheRule(s) },
    kernels: {
      gguf: s.kernels.gguf ?? null,
      fp8_fallback: s.kernels.fp8Fallback ?? null,
      attention: s.kernels.attention ?? null,
      gemm: s.kernels.gemm ?? null,
      moe: s.kernels.moe ?? null,
      gemv_max_rows: s.kernels.gemvMaxRows ?? null,
      moe_min_tile_rows: s.kernels.moeMinTileRows ?? null,
      mma_tile_rows: s.kernels.mmaTileRows ?? null,
      dense_tile_rows: s.kernels.denseTileRows ?? null,
      // eager Python elementwise chains (kernels and bytes per element of the op's width); null: a fused kernel
      norm_kernels: s.kernels.normKernels ?? null,
      rmsnorm: eagerChainJson(s.kernels.rmsnorm),
      rope: eagerChainJson(s.kernels.rope),
      swiglu: eagerChainJson(s.kernels.swiglu),
      gelu: eagerChainJson(s.kernels.gelu),
      group_tile_from_tokens: s.kernels.groupTileFromTokens ?? null,
      group_gemv_max_tokens: s.kernels.groupGemvMaxTokens ?? null,
      kernel_choice: s.kernels.kernelChoice ?? null,
      attention_mask_scan: s.kernels.attentionMaskScan ?? null,
      attention_stream_k: s.kernels.attentionStreamK ?? false,
      attention_quantized_query: s.kernels.attentionQuantizedQuery ?? true,
      moe_ep_all_rows: s.kernels.moeEpAllRows ?? false,
      moe_dense_models: s.kernels.moeDenseModels ?? null,
      local_cache_ubatch: s.kernels.localCacheUbatch ?? false,
      kv_per_query_head: s.kernels.kvPerQueryHead ?? false,
      mixed_decode_tile_rows: s.kernels.mixedDecodeTileRows ?? null,
      decode_kv_block: s.kernels.decodeKvBlock ?? null,
      sink_attention_rate_flop_s: s.kernels.sinkAttentionFlopPerS ?? null,
      prompt_attention_rate_flop_s: s.kernels.promptAttentionFlopPerS ?? null,
      prompt_attention_head_kernels: s.kernels.promptAttentionHeadKernels ?? null,
      gguf_flop_per_unit_clock: s.kernels.ggufFlopPerUnitClock ?? null,
      gguf_group_flop_per_unit_clock: s.kernels.ggufGroupFlopPerUnitClock ?? null,
      decode_attention_flop_per_unit_clock: s.kernels.decodeAttentionFlopPerUnitClock ?? null,
      gguf_rate_flop_s: s.kernels.ggufFlopPerS ?? null,
      gemv_rate_flop_s: s.kernels.gemvFlopPerS ?? null,
      gemm_rate_flop_s: s.kernels.gemmFlopPerS ?? null,
      gemm_fixed_s: s.kernels.gemmFixedS ?? null,
      mla_decode_fixed_s: s.kernels.mlaDecodeFixedS ?? null,
      mla_decode_kernels: s.kernels.mlaDecodeKernels ?? null,
      mla_decode_memory: s.kernels.mlaDecodeMemory ?? null,
      mla_decode_memory_kv8: s.kernels.mlaDecodeMemoryKv8 ?? null,
      skinny_gemm_rows: s.kernels.skinnyGemmRows ?? null,
      mla: s.kernels.mla ?? null,
      mla_prefill: s.kernels.mlaPrefill ?? null,
      mla_fused_a: s.kernels.mlaFusedA ?? null,
      moe_shared_fused: s.kernels.moeSharedFused ? { routed_experts: s.kernels.moeSharedFused.routedExperts, shared_experts: s.kernels.moeSharedFused.sharedExperts } : null,
      attention_dp_moe: s.kernels.attentionDpMoe
        ? { gather: s.kernels.attentionDpMoe.gather, combine: s.kernels.attentionDpMoe.combine, ...(s.kernels.attentionDpMoe.decode ? { decode: { ...s.kernels.attentionDpMoe.decode } } : {}) }
        : null,
      fp8_block_efficiency: s.kernels.fp8BlockEfficiency ?? null,
      fp8_block_moe_efficiency: moeJson(s.kernels.fp8BlockMoeEfficiency),
      fp8_moe_efficiency: moeJson(s.kernels.fp8MoeEfficiency),
      fp8_tensor_efficiency: s.kernels.fp8TensorEfficiency ?? null,
      fp4_moe_efficiency: moeJson(s.kernels.fp4MoeEfficiency),
      weight_only_moe_efficiency: s.kernels.weightOnlyMoeEfficiency ?? null,
      marlin_moe_efficiency: s.kernels.marlinMoeEfficiency ?? null,
      weight_only_moe_kernel: s.kernels.weightOnlyMoeKernel ?? 'default',
      weight_only_moe_fixed_s: s.kernels.weightOnlyMoeFixedS ?? null,
      // up_to_experts null: every MoE layer
      int4_moe_per_expert: s.kernels.int4MoePerExpert ? { up_to_experts: s.kernels.int4MoePerExpert.upToExperts ?? null } : null,
      tiled_gemm: s.kernels.tiledGemm ? tiledGemmJson(s.kernels.tiledGemm) : null,
      kernel_cycles: s.kernels.kernelCycles ?? null,
      decode_graph: s.kernels.decodeGraph ?? null,
      command_buffer: s.kernels.commandBuffer ? { max_ops: s.kernels.commandBuffer.maxOps, max_mb: s.kernels.commandBuffer.maxMb, floor_s: s.kernels.commandBuffer.floorS } : null,
      quantized_weight_bits: s.kernels.quantizedWeightBits ?? null,
      quantized_head_bits: s.kernels.quantizedHeadBits ?? null,
      quantize_activations: s.kernels.quantizeActivations ?? null,
      kv_append: dec.kvAppend,
      kv_append_kernels: dec.kvAppendKernels,
      fp32_matmul: s.kernels.fp32Matmul ?? 'tf32',
      autocast: s.kernels.autocast ?? false,
      weight_cast_bytes: s.kernels.weightCastBytes ?? null,
      dequantize_weights: s.kernels.dequantizeWeights ?? null,
      dequantize_from_tokens: s.kernels.dequantizeFromTokens ?? null,
      w4a16_split_k: s.kernels.w4a16SplitK ?? null,
      w4a16_split_k_flop_per_unit_clock: splitKRateJson(s.kernels.w4a16SplitKFlopPerUnitClock),
      w4a16_fp16_from_tokens: s.kernels.w4a16Fp16FromTokens ?? null,
      w4a16_fused_mlp: s.kernels.w4a16FusedMlp ?? false,
      prefill_scores: s.kernels.prefillScores ? { bytes_per_score: s.kernels.prefillScores.bytesPerScore, kernels: s.kernels.prefillScores.kernels, decode_bytes_per_score: s.kernels.prefillScores.decodeBytesPerScore ?? null } : null,
      int8_gemm: s.kernels.int8Gemm ?? null,
      mxfp4_moe_activations: s.kernels.mxfp4MoeActivations ?? null,
      int8_weights: s.kernels.int8Weights ?? null,
      int8_quant_kernels: s.kernels.int8QuantKernels ?? false,
      sampler: s.kernels.sampler ? Object.fromEntries(Object.entries(s.kernels.sampler).map(([k, v]) => [k, { bytes_per_logit: v!.bytesPerLogit, kernels: v!.kernels, floor_s: v!.floorS ?? null }])) : null,
    },
    collectives: { custom_allreduce: s.collectives?.customAllreduce ? customAllreduceJson(s.collectives.customAllreduce) : null },
    fusion: (s.fusion ?? []).map((g) => ({ ops: [...g.ops], on_chip: g.onChip, when: fusionWhenJson(g.when) })),
    training: s.training ? trainingJson(s.training) : null,
  };
}

// an eager elementwise chain (runtime kernels.rmsnorm / rope / swiglu / gelu), snake_case as in the YAML
function eagerChainJson(c: EagerChain | undefined): { kernels: number; bytes_per_element: number } | null {
  return c ? { kernels: c.kernels, bytes_per_element: c.bytesPerElement } : null;
}

// a fusion group's conditions (runtime fusion.groups[].when), snake_case as in the YAML; null where it has none
function fusionWhenJson(w: FusionGroup['when']): Record<string, unknown> | null {
  if (!w) return null;
  const names = { minTp: 'min_tp', attentionDp: 'attention_dp', maxPp: 'max_pp', moe: 'moe', layer: 'layer', hiddenAbove: 'hidden_above', mxfp4Experts: 'mxfp4_experts' } as const;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(names)) if (w[k as keyof typeof names] !== undefined) out[v] = w[k as keyof typeof names];
  return out;
}

// a training runtime's block (runtimes/*.yaml training), SI and snake_case; fields the runtime leaves out are absent
function trainingJson(t: NonNullable<RuntimeSettings['training']>): Record<string, unknown> {
  const mh = t.moeHost;
  const out: Record<string, unknown> = {
    selective: t.selective,
    reduce_dtype: t.reduceDtype,
    elementwise: t.elementwise,
    sequence_parallel: t.sequenceParallel,
    fp8_quantize_bytes: t.fp8QuantizeBytes,
    fp8_backward_rescale_bytes: t.fp8BackwardRescaleBytes,
    param_cast_bytes: t.paramCastBytes,
    fp8_weight_cast: t.fp8WeightCast,
    moe_capacity_factor: t.moeCapacityFactor,
    ep_dispatch: t.epDispatch,
    ep_dispatcher: t.epDispatcher,
    expert_tp: t.expertTp,
    fp8_accumulate: t.fp8Accumulate,
    host_cpu_scale: t.hostCpuScale,
    fsdp_gather_dtype: t.fsdpGatherDtype,
    fsdp_layout: t.fsdpLayout,
    fsdp_scope: t.fsdpScope,
    fsdp_reshard: t.fsdpReshard,
    pp_split: t.ppSplit,
    pp_warmup_flush_p2p: t.ppWarmupFlushP2p,
    grad_buffer_passes: t.gradBufferPasses,
    average_in_collective: t.averageInCollective,
    optimizer_bytes: t.optimizerBytes,
    optimizer_state_bytes: t.optimizerStateBytes,
    loss_forward_bytes: t.lossForwardBytes,
    loss_backward_bytes: t.lossBackwardBytes,
    pipeline_schedules: t.pipelineSchedules,
    gemm_dtypes: t.gemmDtypes,
    moe_host: mh && {
      syncs_fwd: mh.syncsFwd,
      per_op_s: mh.perOpS,
      ops_fwd: mh.opsFwd,
      ops_bwd: mh.opsBwd,
      ops_after_sync: mh.opsAfterSync,
      expert_kernels_fwd: mh.expertKernelsFwd,
      expert_kernels_bwd: mh.expertKernelsBwd,
      expert_gemm_s: mh.expertGemmS,
      expert_gemm_fwd_s: mh.expertGemmFwdS,
      fp8_expert_kernels_fwd: mh.fp8ExpertKernelsFwd,
      fp8_expert_kernels_bwd: mh.fp8ExpertKernelsBwd,
      ...(mh.router ? { router: mh.router } : {}),
    },
    zero3_gather: t.zero3Gather,
    zero3_moe_leaf: t.zero3MoeLeaf,
    zero3_rank_kernels: t.zero3RankKernels,
    zero_overlap_comm: t.zeroOverlapComm,
    zero_param_gather: t.zeroParamGather,
    zero2_reduce: t.zero2Reduce,
    expert_loop: t.expertLoop && {
      expert_fwd_s: t.expertLoop.expertFwdS,
      expert_kernels_bwd: t.expertLoop.expertKernelsBwd,
      zero3_ops_fwd: t.expertLoop.zero3OpsFwd,
      zero3_ops_bwd: t.expertLoop.zero3OpsBwd,
    },
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** an override as the list of fields it changes (dotted YAML paths → values) */
function overrideJson(o: Partial<RuntimeOverride>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (o.stepOverheadS !== undefined) out.step_overhead_s = o.stepOverheadS;
  if (o.hostPerSequenceS !== undefined) out.host_per_sequence_s = o.hostPerSequenceS;
  if (o.hostSamplingPerVocabS !== undefined) out.host_sampling_per_vocab_entry_s = o.hostSamplingPerVocabS;
  if (o.hostDecodePlanSyncS !== undefined) out.host_decode_plan_sync_s = o.hostDecodePlanSyncS;
  if (o.hostOverlap !== undefined) out.host_overlap = o.hostOverlap;
  if (o.hostRunsAhead !== undefined) out.host_runs_ahead = o.hostRunsAhead;
  if (o.workerRpc !== undefined) out.host_worker_rpc = workerRpcJson(o.workerRpc);
  if (o.decodeStep !== undefined) {
    const { by_layer, ...rest } = decodeStepJson(o.decodeStep);
    out.host_decode_step = by_layer ? { ...rest, by_layer } : rest;
  }
  if (o.encoderForward !== undefined) out.host_encoder_forward = encoderForwardJson(o.encoderForward);
  if (o.hostTimestampsPerSequenceS !== undefined) out.host_timestamps_per_sequence_s = o.hostTimestampsPerSequenceS;
  if (o.hostBeamReorderPerCacheS !== undefined) out.host_beam_reorder_per_cache_s = o.hostBeamReorderPerCacheS;
  if (o.hostAudioDecodeS !== undefined) out.host_audio_decode_s = o.hostAudioDecodeS;
  if (o.hostLogMelS !== undefined) out.host_log_mel_s = o.hostLogMelS;
  if (o.hostVadS !== undefined) out.host_vad_s = o.hostVadS;
  if (o.hostSampleBeamStepS !== undefined) out.host_sample_per_beam_step_s = o.hostSampleBeamStepS;
  if (o.hostExpertLoop !== undefined) out.host_moe_expert_loop = { per_expert_s: o.hostExpertLoop.perExpertS, experts: o.hostExpertLoop.experts };
  if (o.frontend?.perRequestS !== undefined) out['frontend.per_request_s'] = o.frontend.perRequestS;
  if (o.frontend?.perOutputTokenS !== undefined) out['frontend.per_output_token_s'] = o.frontend.perOutputTokenS;
  if (o.frontend?.processes !== undefined) out['frontend.processes'] = o.frontend.processes;
  if (o.staticContext !== undefined) out.static_context = o.staticContext;
  if (o.staticRequest !== undefined) out.static_request = o.staticRequest;
  if (o.kvCacheDefault !== undefined) out.kv_cache_default_dtype = o.kvCacheDefault;
  const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const snakeKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(snakeKeys)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([kk, vv]) => [snake(kk), snakeKeys(vv)])) : v;
  for (const block of ['launch', 'memory', 'scheduler', 'overlap', 'kernels', 'training'] as const) {
    for (const [k, v] of Object.entries(o[block] ?? {})) {
      // the fused MoE tables print as the top level prints them ({expert_macs, values}), not by their internal names
      if (block === 'kernels' && (k === 'fp4MoeEfficiency' || k === 'fp8BlockMoeEfficiency' || k === 'fp8MoeEfficiency')) { out[`kernels_${snake(k)}`] = moeJson(v as RuntimeSettings['kernels']['fp4MoeEfficiency']); continue; }
      if (block === 'kernels' && k === 'w4a16SplitKFlopPerUnitClock') { out.kernels_w4a16_split_k_flop_per_unit_clock = splitKRateJson(v as RuntimeSettings['kernels']['w4a16SplitKFlopPerUnitClock']); continue; }
      // the measured attention kernels print by the YAML's names (lengths / values; fixed_s, per_sequence_head_s, bandwidth)
      if (block === 'kernels' && k === 'prefillAttention') { out.kernels_prefill_attention = attentionTablesJson(v as RuntimeSettings['kernels']['prefillAttention']); continue; }
      // the MMQ shape table prints by the YAML's names (flops / values), or 'class'
      if (block === 'kernels' && k === 'ggufShape') { const t = v as RuntimeSettings['kernels']['ggufShape']; out.kernels_gguf_shape = t === 'class' || t === undefined ? t : { flops: t.sizes, values: t.values }; continue; }
      if (block === 'kernels' && k === 'decodeAttention') { out.kernels_decode_attention = decodeAttentionJson(v as RuntimeSettings['kernels']['decodeAttention']); continue; }
      // a nested block (kernels.tiled_gemm and its block_fp8_moe / weight_only_moe) prints its fields in the same snake_case
      out[`${block}_${snake(k)}`] = snakeKeys(v);
    }
  }
  if (o.collectives?.customAllreduce) out.collectives_custom_allreduce = customAllreduceJson(o.collectives.customAllreduce);
  else if (o.collectives?.customAllreduce === false) out.collectives_custom_allreduce = false;
  return out;
}

const KV_RULE_TEXT: Record<string, string> = {
  auto: "auto: the model's 16-bit dtype, also under fp8 / fp4 weights",
  checkpoint: "checkpoint: the --dtype scheme's (fp8 and fp4 keep an fp8 cache)",
  fp8: 'fp8', bf16: 'bf16', fp16: 'fp16',
};

/** kernels.tiled_gemm as `show runtime --json` writes it: each strip kernel its rate and width, and what it adds */
function tiledGemmJson(t: TiledGemm) {
  const strip = (k: { rateBytePerS: number; tileN: number }, more: Record<string, unknown> = {}) => ({ rate_bytes_s: k.rateBytePerS, tile_n: k.tileN, ...more });
  return {
    ...strip(t), moe: t.moe, fp8_block: t.fp8Block,
    block_fp8_moe: t.blockFp8Moe ? strip(t.blockFp8Moe) : t.blockFp8Moe === false ? false : null,
    weight_only_moe: t.weightOnlyMoe ? strip(t.weightOnlyMoe, { xcds: t.weightOnlyMoe.xcds ?? null }) : null,
    block_fp8_linear: t.blockFp8Linear ? strip(t.blockFp8Linear, { fixed_s: t.blockFp8Linear.fixedS ?? null }) : null,
  };
}

/** the host-time row of the text view: the engine iteration's, then an eager loop's decode step, encoder forward and
 *  timestamp rules where the runtime states them */
function hostText(s: RuntimeSettings): string {
  const parts = [`${fmtSeconds(s.stepOverheadS)}${s.hostPerSequenceS ? ` + ${fmtSeconds(s.hostPerSequenceS)} per sequence` : ''}${s.hostSamplingPerVocabS ? ` + ${fmtSeconds(s.hostSamplingPerVocabS)} per vocabulary entry per sequence (sampler)` : ''}${s.hostOverlap ? ' (per-sequence part behind the device)' : ''}${s.hostRunsAhead ? ' (runs ahead: only what outlasts the device step is exposed)' : ''}${s.hostDecodePlanSyncS ? `; a decode step of a model without MLA idles the device ${fmtSeconds(s.hostDecodePlanSyncS)} (attention plan's blocking copy to the host)` : ''}${s.workerRpc ? `; above one ${s.workerRpc.group === 'tp' ? 'tensor-parallel ' : ''}worker, ${fmtSeconds(s.workerRpc.roundTripS)}${s.workerRpc.perWorkerS > 0 ? ` + ${fmtSeconds(s.workerRpc.perWorkerS)} per further worker of remote calls` : ' of remote calls, whatever the worker count'}` : ''}`];
  const d = s.decodeStep, e = s.encoderForward;
  if (d) {
    const byLayer = Object.entries(d.byLayer ?? {}).map(([k, v]) => `${k} layers ${fmtSeconds(v.perLayerS)} per layer + ${fmtSeconds(v.perStepS)} per step`);
    const other = byLayer.length ? ` (${byLayer.join(', ')}; other layers as above)` : '';
    parts.push(`eager decode loop ${fmtSeconds(d.perLayerS)} per layer + ${fmtSeconds(d.perStepS)} per step (sync per step: ${d.sync === 'step' ? 'yes' : 'no'})${other}`);
  }
  if (e) parts.push(`eager encoder forward ${fmtSeconds(e.perForwardS)} + ${fmtSeconds(e.perLayerS)} per layer`);
  if (s.hostTimestampsPerSequenceS) parts.push(`timestamp rules ${fmtSeconds(s.hostTimestampsPerSequenceS)} per row per step (when timestamps are on)`);
  if (s.hostBeamReorderPerCacheS) parts.push(`beam cache reorder ${fmtSeconds(s.hostBeamReorderPerCacheS)} per cache per step (under beam search)`);
  return parts.join('; ');
}

export function runtimeRow(r: NormalizedRuntime) {
  return {
    id: r.id,
    name: r.name,
    role: r.kind,
    version: r.version ?? null,
    step_overhead_s: r.stepOverheadS,
    launch_per_kernel_s: r.launch.perKernelS,
    graphs: r.launch.graphs,
    memory_share: r.memory.share,
    memory_basis: r.memory.basis,
    static_context: r.staticContext ?? null,
  };
}

// a field as text: a table of counts (llama.cpp's decode_graph) as {key: n, …}, never "[object Object]"; `seconds`:
// a key ending in _s holds seconds, printed with their unit (training.moe_host.per_op_s: 10 µs)
function plain(v: unknown, seconds = false, key = ''): string {
  if (Array.isArray(v)) return `[${v.map((x) => plain(x, seconds)).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}: ${plain(x, seconds, k)}`).join(', ')}}`;
  if (seconds && typeof v === 'number' && key.endsWith('_s')) return fmtSeconds(v);
  return String(v);
}

export default class ShowRuntime extends BaseCommand {
  static summary = 'Show a runtime: host time per step, kernel launch, usable memory, scheduler defaults, overlap, kernels.';
  static description =
    'A runtime (runtimes/*.yaml) says how the software drives the chip. With --hardware, the settings as that runtime drives that hardware (its by_vendor, by_architecture and by_hardware overrides applied).';
  static examples = ['<%= config.bin %> show runtime vllm', '<%= config.bin %> show runtime genie --hardware snapdragon-8-gen2 --json', '<%= config.bin %> show runtime my-engine.yaml'];
  static args = { runtime: Args.string({ description: 'runtime id or YAML file (hwperf list runtimes)', required: true }) };
  static flags = { hardware: Flags.string({ char: 'H', description: 'show the settings bound to this hardware id or file' }) };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(ShowRuntime);
    const r = await resolveRuntime(args.runtime);
    const hw = flags.hardware ? await resolveHardware(flags.hardware) : undefined;
    const s: RuntimeSettings = hw ? boundRuntime(hw, r) : r;
    const result = {
      id: r.id,
      name: r.name,
      role: r.kind,
      version: r.version ?? null,
      hardware: hw?.id ?? null,
      ...settingsJson(s),
      overrides: [
        ...Object.entries(r.byVendor).map(([vendor, o]) => ({ vendor, architecture: null, hardware: null, fields: overrideJson(o) })),
        ...Object.entries(r.byArchitecture ?? {}).map(([architecture, o]) => ({ vendor: null, architecture, hardware: null, fields: overrideJson(o) })),
        ...Object.entries(r.byHardware).map(([hardware, o]) => ({ vendor: null, architecture: null, hardware, fields: overrideJson(o) })),
      ],
      sources: r.sources,
      file: r.file ?? null,
    };
    if (!this.jsonEnabled()) {
      const rows: [string, string][] = [
        ['role', r.kind],
        ['host time per step', hostText(s)],
        ...(s.frontend ? [['serve front end', `${fmtSeconds(s.frontend.perRequestS)} per request, ${fmtSeconds(s.frontend.perOutputTokenS)} per output token, ${s.frontend.processes} API server${s.frontend.processes > 1 ? 's' : ''}${s.frontend.sharedWithEngine ? ', in the engine\'s process (serial with its steps)' : ''}`] as [string, string]] : []),
        ...(s.hostAudioDecodeS ? [['host before the first window', `audio decode ${fmtSeconds(s.hostAudioDecodeS)} per second of audio`] as [string, string]] : []),
        ...(s.hostLogMelS ? [['log-mel on the host', `${fmtSeconds(s.hostLogMelS)} per second of audio (the device runs no STFT)${s.scheduler.logMelOverlap ? ', beside the engine core: only what outlasts the device work waits' : ''}`] as [string, string]] : []),
        ...(s.hostSampleBeamStepS ? [['token sampling on the host', `${fmtSeconds(s.hostSampleBeamStepS)} per beam-search step per sequence, beam width > 1 (outside the decoder's time)`] as [string, string]] : []),
        ...(s.hostExpertLoop ? [['MoE expert loop on the host', `${fmtSeconds(s.hostExpertLoop.perExpertS)} per expert per MoE layer per forward, over ${s.hostExpertLoop.experts === 'all' ? 'every expert of the layer' : 'the experts the tokens hit'} (Python loop in an eager forward)`] as [string, string]] : []),
        ...(s.hostVadS ? [['voice activity on the host', `${fmtSeconds(s.hostVadS)} per second of audio, ${s.scheduler.vad ? 'on' : 'off (--set runtime.vad=true)'}`] as [string, string]] : []),
        ['launch per kernel', `${fmtSeconds(s.launch.perKernelS)}${s.launch.perKernelByKindS ? ` (one-kernel ops: ${byKindText(s.launch.perKernelByKindS)})` : ''} (graphs: ${s.launch.graphs}${s.launch.capture === 'command_buffers' ? ' as command buffers recorded each step' : ''}${s.launch.graphs === 'decode' || s.launch.graphs === 'piecewise' ? `, steps with prompts ${s.launch.promptSteps ?? 'eager'}` : ''}${s.launch.splitPointS !== undefined ? `, ${fmtSeconds(s.launch.splitPointS)} a piecewise step's attention split point` : ''}${s.launch.outsideGraph && s.launch.graphs !== 'none' ? `, ${s.launch.outsideGraph.join(' and ')} dispatched after the replayed graph` : ''}${s.launch.eager ? `, a run with graphs off (--set runtime.graphs=none) ${fmtSeconds(s.launch.eager.perKernelS)} per kernel${s.launch.eager.perKernelByKindS ? ` (${byKindText(s.launch.eager.perKernelByKindS)})` : ''}` : ''}${s.launch.captureMaxContext !== undefined ? `, decode graphs up to ${s.launch.captureMaxContext} tokens of context (eager above)` : ''}${s.launch.deviceGap ? '' : ', no device gap'}${s.launch.graphBatchSizes ? (s.launch.graphBatchSizes.length ? `, decode padded to captured sizes ${s.launch.graphBatchSizes.join(', ')}` : ', no padding to captured sizes') : ''}${s.launch.decodeCapture ? `; serve's decode steps pad to the engine's captured sizes up to ${s.launch.decodeCapture.maxBatch}${(s.launch.decodeCapture.belowMemory ?? []).map((c) => ` (${c.maxBatch} below ${fmtGB(c.bytes)}${c.byTp ? `, ${c.byTp.map(([k, v]) => `${v} from tp ${k}`).join(', ')}` : ''})`).join('')} and run eagerly above` : ''})`],
        ['usable memory', `${s.memory.shareRule === 'sglang' ? "SGLang's default by device memory and tp" : s.memory.share} of ${s.memory.basis === 'free' ? 'what weights and workspace leave' : s.memory.basis === 'startup' ? 'what is free once started, for weights and KV cache' : 'the device'}, reserve ${fmtGB(s.memory.reserveBytes)}${s.memory.reserveByTp ? ` (${s.memory.reserveByTp.map(([k, v]) => `${fmtGB(v)} from tp ${k}`).join(', ')})` : ''}; unified memory ${s.memory.unifiedShare}${s.memory.slot ? `; per max-batch slot ${s.memory.slot.perSeqToken} B per max_seq_len token + ${s.memory.slot.perVocab} B per vocabulary entry before the KV cache` : ''}`],
        ['scheduler', `max seqs ${s.scheduler.maxNumSeqs ?? '—'}${s.scheduler.poolSeqs ? ` (from the KV pool: pool tokens / context × ${s.scheduler.poolSeqs.perContext}, at least ${s.scheduler.poolSeqs.min}, at most half the pool)` : ''}, tokens/step ${s.scheduler.maxNumBatchedTokens ?? '—'}, chunked prefill ${s.scheduler.chunkedPrefill ? 'on' : 'off'}${s.scheduler.ubatch ? `, prompt in ubatches of ${s.scheduler.ubatch}` : ''}${s.scheduler.pipelineCopies && s.scheduler.pipelineCopies > 1 ? `, up to ${s.scheduler.pipelineCopies} ubatches in flight over a layer split${s.scheduler.moeHostSync ? ' (dense models: the MoE GEMM syncs the host, so MoE prompts cross the stages one ubatch at a time)' : ''}` : ''}${(s.scheduler.belowMemory ?? []).map((c) => ` (below ${fmtGB(c.bytes)}: max seqs ${c.maxNumSeqs ?? 'same'}, tokens/step ${c.maxNumBatchedTokens ?? 'same'})`).join('')}${s.scheduler.unchunkedCoversContext ? '; unchunked, tokens/step at least max_model_len' : ''}${s.scheduler.mlaUnchunked ? '; MLA models unchunked, tokens/step at least max_model_len' : ''}${s.scheduler.mixedBatches === false ? '; no mixed batches: an iteration runs prefill chunks alone when it can form one, decodes otherwise' : ''}${s.scheduler.unchunkedPrefillFirst ? '; without chunked prefill, prompts run alone first and decodes wait' : ''}${s.scheduler.overlapSchedule ? '; next batch composed while the current one runs (new requests wait one more step)' : ''}${(s.scheduler.steps ?? 1) > 1 ? `; ${s.scheduler.steps} decode steps per scheduling (multi-step: a decode's per-sequence host work once per ${s.scheduler.steps} steps)` : ''}${s.scheduler.dpRankChunks ? `; under attention DP each rank schedules its own chunk of tokens/step ÷ ${s.scheduler.dpRankChunks === true ? 'tp' : s.scheduler.dpRankChunks}` : ''}${s.scheduler.dpConservativeness !== undefined ? `, admission conservativeness × ${s.scheduler.dpConservativeness}` : ''}${s.scheduler.admission && s.scheduler.admission !== 'preempt' ? `; admission ${s.scheduler.admission}` : ''}${s.scheduler.longContext ? `; max_model_len above ${s.scheduler.longContext.above}: chunked prefill ${s.scheduler.longContext.chunkedPrefill === false ? 'off' : 'on'}, tokens/step ${s.scheduler.longContext.maxNumBatchedTokens ?? 'same'}` : ''}` + audioScheduler(s.scheduler)],
        ['overlap', `tp ${s.overlap.tpComm}${s.overlap.tpCommPrefetch ? ` (behind the next dense GEMMs' weight prefetch: ${s.overlap.tpCommPrefetch})` : ''}, fsdp prefetch ${s.overlap.fsdpPrefetch ?? 'engine bucket model'}, dp grad ${s.overlap.dpGrad ?? 'engine bucket model'}, ep two-batch ${s.overlap.epTwoBatch}`],
        ['static context', s.staticContext ? `${s.staticContext} tokens` : s.staticRequest ? 'each batch\'s input + output tokens (every decode step attends over all of it; --set runtime.decode_bucket=N for --bucket_internal)' : '—'],
        ['KV cache without --kv-cache', KV_RULE_TEXT[kvCacheRule(s)]],
        ['custom all-reduce', customAllreduceText(s.collectives?.customAllreduce)],
        ['fused decoder ops', s.fusion?.length ? s.fusion.map((g) => `${g.ops.join(' + ')}${g.when ? ` (${Object.entries(fusionWhenJson(g.when)!).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`).join('; ') : 'none (one kernel per graph op)'],
        ['kernels', Object.entries(result.kernels).filter(([, v]) => v).map(([k, v]) => `${k}: ${plain(v)}`).join('; ') || '—'],
      ];
      if (result.training) rows.push(['training', Object.entries(result.training).map(([k, v]) => `${k}: ${plain(v, true, k)}`).join('; ')]);
      for (const o of result.overrides) rows.push([`on ${o.vendor ?? o.architecture ?? o.hardware}`, Object.entries(o.fields).map(([k, v]) => `${k}=${plain(v)}`).join(', ')]);
      this.log(`${r.name} (${r.id})${hw ? ` on ${hw.id}` : ''}`);
      this.log(renderTable(['', 'value'], rows));
      for (const src of r.sources) this.log(`source: ${src}`);
    }
    return result;
  }
}

// the runtime's own small-message all-reduce as text; '—': every all-reduce is the collective library's
function customAllreduceText(c: NonNullable<RuntimeSettings['collectives']>['customAllreduce']): string {
  if (!c) return '— (the collective library: NCCL / RCCL)';
  const at = c.sizes.map((b, i) => `${fmtBytes(b)} ${fmtSeconds(c.seconds[i]!)}`).join(', ');
  return `groups up to ${c.maxGroup} devices, messages up to ${fmtBytes(c.sizes[c.sizes.length - 1]!)}: ${at} per call (larger: ${c.above === 'linear' ? 'the last two points\' line continued' : 'the collective library'})${c.linkBytePerS !== undefined ? `; timed over ${fmtBandwidth(c.linkBytePerS)} links, growth stretched on slower ones` : ''}`;
}

// Whisper's long-form and decoding settings, where a runtime sets them (empty otherwise)
function audioScheduler(s: RuntimeSettings['scheduler']): string {
  const parts: string[] = [];
  if (s.audioWindows) parts.push(`audio windows ${s.audioWindows}${s.audioBatch ? `, ${s.audioBatch} per pass` : ''}${s.audioWindowStepS ? `, one every ${s.audioWindowStepS} s` : ''}`);
  const enc = encoderTokenBudget(s);
  if (enc !== undefined) parts.push(`Whisper encoder ${enc} frames per iteration${s.encoderMaxNumTokens === 'max_num_batched_tokens' ? ' (= tokens/step)' : ''}`);
  if (s.conditionOnPreviousText) parts.push('previous text as prompt');
  if (whisperTimestamps(s)) parts.push('timestamp tokens');
  const dec = decodingOf({ scheduler: s });
  if (dec.width > 1) parts.push(`beam ${dec.width} (cross K/V ${dec.crossKv}, reorder ${dec.reorder})`);
  return parts.length ? `; ${parts.join('; ')}` : '';
}
