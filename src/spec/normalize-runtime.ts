// Runtime specs (runtimes/*.yaml) → NormalizedRuntime: units to SI, defaults filled, and the rule that every
// block setting a value names its source. Defaults are the engine's behaviour before runtimes existed
// (docs/runtimes.md), so a runtime that says nothing about a block changes nothing there.
import { maskWords } from './errors.js';
import { issueAt, type SpecContext } from './load.js';
import { quantityAt } from './normalize-hardware.js';
import type { DecodeCapture, EfficiencyGrid, EfficiencyTable, FusionGroup, NormalizedRuntime, RuntimeOverride, RuntimeSettings, TiledGemmOverride } from './types.js';

type Raw = Record<string, any>;

// a by-tp mapping ({tp: value}) as [from tp, value] pairs in ascending tp (read by src/sim/memory.ts atTp)
function byTpTable(o: Record<string, number> | undefined): [number, number][] | undefined {
  return o === undefined ? undefined : Object.entries(o).map(([k, v]) => [Number(k), v] as [number, number]).sort((a, b) => a[0] - b[0]);
}

const BLOCKS = ['frontend', 'host', 'launch', 'memory', 'scheduler', 'overlap', 'shapes', 'kv_cache', 'kernels', 'training', 'collectives', 'fusion'] as const;

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

// One set of blocks (the top level, or one by_vendor / by_architecture / by_hardware entry) → a partial override, checking sources.
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
  // a non-negative time at `path` of this block, undefined where absent (a bad value's error goes to ctx)
  const secs = async (...path: string[]) => {
    const v = await q(path, 'seconds');
    return v === undefined ? undefined : nonNegative(ctx, [...at, ...path], v);
  };
  // an eager layer's host times: host.decode_step and each of its by_layer entries
  const layerTimes = async (...path: string[]) => {
    const perLayerS = await secs(...path, 'per_layer');
    const perStepS = await secs(...path, 'per_step');
    return perLayerS !== undefined && perStepS !== undefined ? { perLayerS, perStepS } : undefined;
  };
  const step = await secs('host', 'step_overhead');
  if (step !== undefined) out.stepOverheadS = step;
  const perSeq = await secs('host', 'per_sequence');
  if (perSeq !== undefined) out.hostPerSequenceS = perSeq;
  const perVocab = await secs('host', 'sampling_per_vocab_entry');
  if (perVocab !== undefined) out.hostSamplingPerVocabS = perVocab;
  const planSync = await secs('host', 'decode_plan_sync');
  if (planSync !== undefined) out.hostDecodePlanSyncS = planSync;
  if (own.host?.overlap !== undefined) out.hostOverlap = own.host.overlap;
  if (own.host?.runs_ahead !== undefined) out.hostRunsAhead = own.host.runs_ahead;
  if (own.host?.worker_rpc !== undefined) {
    const roundTripS = await secs('host', 'worker_rpc', 'round_trip');
    const perWorkerS = await secs('host', 'worker_rpc', 'per_worker');
    if (roundTripS !== undefined && perWorkerS !== undefined) {
      out.workerRpc = own.host.worker_rpc.group === 'tp' ? { roundTripS, perWorkerS, group: 'tp' } : { roundTripS, perWorkerS };
    }
  }
  const ds = own.host?.decode_step;
  const dsTimes = ds !== undefined ? await layerTimes('host', 'decode_step') : undefined;
  if (dsTimes) {
    out.decodeStep = { ...dsTimes, sync: ds.sync };
    if (ds.by_layer !== undefined) {
      const byLayer: Record<string, { perLayerS: number; perStepS: number }> = {};
      for (const k of Object.keys(ds.by_layer as object)) {
        const t = await layerTimes('host', 'decode_step', 'by_layer', k);
        if (t) byLayer[k] = t;
      }
      out.decodeStep.byLayer = byLayer;
    }
  }
  if (own.host?.encoder_forward !== undefined) {
    const perLayerS = await secs('host', 'encoder_forward', 'per_layer');
    const perForwardS = await secs('host', 'encoder_forward', 'per_forward');
    if (perLayerS !== undefined && perForwardS !== undefined) out.encoderForward = { perLayerS, perForwardS };
  }
  const tsRow = await secs('host', 'timestamps_per_sequence');
  if (tsRow !== undefined) out.hostTimestampsPerSequenceS = tsRow;
  const reorder = await secs('host', 'beam_reorder_per_cache');
  if (reorder !== undefined) out.hostBeamReorderPerCacheS = reorder;
  const audioDecode = await secs('host', 'audio_decode');
  if (audioDecode !== undefined) out.hostAudioDecodeS = audioDecode;
  const logMel = await secs('host', 'log_mel');
  if (logMel !== undefined) out.hostLogMelS = logMel;
  const vadS = await secs('host', 'vad');
  if (vadS !== undefined) out.hostVadS = vadS;
  const sampleBeamStep = await secs('host', 'sample_per_beam_step');
  if (sampleBeamStep !== undefined) out.hostSampleBeamStepS = sampleBeamStep;
  if (own.host?.moe_expert_loop !== undefined) {
    const perExpertS = await secs('host', 'moe_expert_loop', 'per_expert');
    if (perExpertS !== undefined) out.hostExpertLoop = { perExpertS, experts: own.host.moe_expert_loop.experts };
  }
  if (own.frontend) {
    const perRequestS = await secs('frontend', 'per_request');
    const perOutputTokenS = await secs('frontend', 'per_output_token');
    out.frontend = { ...(perRequestS !== undefined ? { perRequestS } : {}), ...(perOutputTokenS !== undefined ? { perOutputTokenS } : {}), ...(own.frontend.processes !== undefined ? { processes: own.frontend.processes } : {}), ...(own.frontend.shared_with_engine !== undefined ? { sharedWithEngine: own.frontend.shared_with_engine } : {}) };
  }
  const l = own.launch;
  if (l) {
    // a per-op cost block (launch itself, or launch.eager): per_kernel and the one-kernel ops' costs by kind
    const costs = async (path: string[], block: { per_kernel_by_kind?: object }) => {
      const per = await q([...path, 'per_kernel'], 'seconds');
      const out: { perKernelS?: number; perKernelByKindS?: Record<string, number> } = {};
      if (per !== undefined) out.perKernelS = nonNegative(ctx, [...at, ...path, 'per_kernel'], per);
      if (block.per_kernel_by_kind !== undefined) {
        const byKind: Record<string, number> = {};
        for (const k of Object.keys(block.per_kernel_by_kind)) {
          const v = await q([...path, 'per_kernel_by_kind', k], 'seconds');
          if (v !== undefined) byKind[k] = nonNegative(ctx, [...at, ...path, 'per_kernel_by_kind', k], v);
        }
        out.perKernelByKindS = byKind;
      }
      return out;
    };
    out.launch = await costs(['launch'], l as { per_kernel_by_kind?: object });
    // laid over the eager block below it field by field (src/runtime/override.ts eagerLaunch)
    if (l.eager !== undefined) out.launch.eager = await costs(['launch', 'eager'], l.eager as { per_kernel_by_kind?: object });
    if (l.graphs !== undefined) out.launch.graphs = l.graphs;
    if (l.capture !== undefined) out.launch.capture = l.capture;
    if (l.prompt_steps !== undefined) out.launch.promptSteps = l.prompt_steps;
    if (l.outside_graph !== undefined) out.launch.outsideGraph = l.outside_graph as string[];
    if (l.device_gap !== undefined) out.launch.deviceGap = l.device_gap;
    const gg = await q(['launch', 'graph_gap'], 'seconds');
    if (gg !== undefined) out.launch.graphGapS = nonNegative(ctx, [...at, 'launch', 'graph_gap'], gg);
    const sp = await q(['launch', 'split_point'], 'seconds');
    if (sp !== undefined) out.launch.splitPointS = nonNegative(ctx, [...at, 'launch', 'split_point'], sp);
    if (l.graph_batch_sizes !== undefined) out.launch.graphBatchSizes = ascendingSizes(ctx, [...at, 'launch', 'graph_batch_sizes'], l.graph_batch_sizes as number[]);
    if (l.capture_max_context !== undefined) out.launch.captureMaxContext = l.capture_max_context as number;
    const dc = l.decode_capture as { sizes: number[]; max_batch: number; by_tp?: Record<string, number>; below_memory?: { max_batch: number; by_tp?: Record<string, number> }[] } | undefined;
    if (dc !== undefined) {
      const cap: DecodeCapture = { sizes: ascendingSizes(ctx, [...at, 'launch', 'decode_capture', 'sizes'], dc.sizes), maxBatch: dc.max_batch };
      const t = byTpTable(dc.by_tp);
      if (t) cap.byTp = t;
      if (dc.below_memory) {
        const classes: NonNullable<DecodeCapture['belowMemory']> = [];
        for (let i = 0; i < dc.below_memory.length; i++) {
          const bytes = await q(['launch', 'decode_capture', 'below_memory', String(i), 'memory'], 'bytes');
          const c = dc.below_memory[i]!;
          const ct = byTpTable(c.by_tp);
          if (bytes !== undefined) classes.push(ct ? { bytes, maxBatch: c.max_batch, byTp: ct } : { bytes, maxBatch: c.max_batch });
        }
        cap.belowMemory = classes.sort((a, b) => a.bytes - b.bytes);
      }
      out.launch.decodeCapture = cap;
    }
  }
  const m = own.memory;
  if (m) {
    out.memory = renamed<RuntimeOverride['memory']>(m, { share: 'share', basis: 'basis', unified_share: 'unifiedShare', share_rule: 'shareRule' });
    if (m.share_by_tp !== undefined) {
      out.memory.shareByTp = byTpTable(m.share_by_tp as Record<string, number>);
    }
    if (m.slot !== undefined) {
      const sl = m.slot as { per_seq_token: number; per_vocab: number };
      out.memory.slot = { perSeqToken: sl.per_seq_token, perVocab: sl.per_vocab };
    }
    const r = await q(['memory', 'reserve'], 'bytes');
    if (r !== undefined) out.memory.reserveBytes = nonNegative(ctx, [...at, 'memory', 'reserve'], r);
    if (m.reserve_by_tp !== undefined) {
      const byTp: [number, number][] = [];
      for (const k of Object.keys(m.reserve_by_tp as Record<string, unknown>)) {
        const v = await q(['memory', 'reserve_by_tp', k], 'bytes');
        if (v !== undefined) byTp.push([Number(k), nonNegative(ctx, [...at, 'memory', 'reserve_by_tp', k], v)]);
      }
      out.memory.reserveByTp = byTp.sort((a, b) => a[0] - b[0]);
    }
  }
  const s = own.scheduler;
  if (s) {
    out.scheduler = renamed<RuntimeOverride['scheduler']>(s, {
      max_num_seqs: 'maxNumSeqs',
      max_num_batched_tokens: 'maxNumBatchedTokens',
      ubatch: 'ubatch',
      pipeline_copies: 'pipelineCopies',
      moe_host_sync: 'moeHostSync',
      bench_max_num_seqs: 'benchMaxNumSeqs',
      chunked_prefill: 'chunkedPrefill',
      batching: 'batching',
      admission: 'admission',
      audio_windows: 'audioWindows',
      encoder_max_num_tokens: 'encoderMaxNumTokens',
      audio_batch: 'audioBatch',
      condition_on_previous_text: 'conditionOnPreviousText',
      timestamps: 'timestamps',
      vad: 'vad',
      log_mel_overlap: 'logMelOverlap',
      beam_size: 'beamSize',
      beam_cross_kv: 'beamCrossKv',
      beam_reorder: 'beamReorder',
      beam_prompt: 'beamPrompt',
      unchunked_covers_context: 'unchunkedCoversContext',
      mla_unchunked: 'mlaUnchunked',
      mixed_batches: 'mixedBatches',
      dp_rank_chunks: 'dpRankChunks',
      dp_conservativeness: 'dpConservativeness',
      unchunked_prefill_first: 'unchunkedPrefillFirst',
      overlap_schedule: 'overlapSchedule',
      steps: 'steps',
    });
    const hop = await q(['scheduler', 'audio_window_step'], 'seconds');
    if (hop !== undefined) {
      if (!(hop > 0)) ctx.errors.push(issueAt(ctx, [...at, 'scheduler', 'audio_window_step'], `must be > 0, found ${hop}`, 'e.g. audio_window_step: 20 s'));
      out.scheduler.audioWindowStepS = hop;
    }
    if (s.pool_seqs) out.scheduler.poolSeqs = { perContext: s.pool_seqs.per_context, min: s.pool_seqs.min };
    if (s.long_context) out.scheduler.longContext = { above: s.long_context.above, ...renamed<Omit<NonNullable<RuntimeSettings['scheduler']['longContext']>, 'above'>>(s.long_context, { chunked_prefill: 'chunkedPrefill', max_num_batched_tokens: 'maxNumBatchedTokens' }) };
    const bm = s.below_memory;
    if (bm) {
      // one class or a list of them, kept in ascending order of memory (src/runtime/resolve.ts memoryClass)
      const list: Record<string, unknown>[] = Array.isArray(bm) ? bm : [bm];
      const classes: NonNullable<RuntimeSettings['scheduler']['belowMemory']> = [];
      for (let i = 0; i < list.length; i++) {
        const bytes = await q(Array.isArray(bm) ? ['scheduler', 'below_memory', String(i), 'memory'] : ['scheduler', 'below_memory', 'memory'], 'bytes');
        if (bytes !== undefined) classes.push({ bytes, ...renamed<Omit<NonNullable<RuntimeSettings['scheduler']['belowMemory']>[number], 'bytes'>>(list[i]!, { max_num_seqs: 'maxNumSeqs', max_num_batched_tokens: 'maxNumBatchedTokens' }) });
      }
      if (classes.length) out.scheduler.belowMemory = classes.sort((a, b) => a.bytes - b.bytes);
    }
  }
  const o = own.overlap;
  if (o) {
    out.overlap = renamed<RuntimeOverride['overlap']>(o, { tp_comm: 'tpComm', tp_comm_prefetch: 'tpCommPrefetch', fsdp_prefetch: 'fsdpPrefetch', dp_grad: 'dpGrad', ep_two_batch: 'epTwoBatch' });
  }
  if (own.shapes?.static_context !== undefined) out.staticContext = own.shapes.static_context;
  if (own.shapes?.static_request !== undefined) out.staticRequest = own.shapes.static_request;
  if (own.kv_cache?.default_dtype !== undefined) out.kvCacheDefault = own.kv_cache.default_dtype;
  const k = own.kernels;
  if (k) {
    out.kernels = renamed<RuntimeOverride['kernels']>(k, {
      gguf: 'gguf',
      fp8_fallback: 'fp8Fallback',
      moe: 'moe',
      attention: 'attention',
      gemm: 'gemm',
      gemv_max_rows: 'gemvMaxRows',
      gemm_accumulate: 'gemmAccumulate',
      int8_gemm: 'int8Gemm',
      mxfp4_moe_activations: 'mxfp4MoeActivations',
      moe_min_tile_rows: 'moeMinTileRows',
      mma_tile_rows: 'mmaTileRows',
      dense_tile_rows: 'denseTileRows',
      group_tile_from_tokens: 'groupTileFromTokens',
      group_gemv_max_tokens: 'groupGemvMaxTokens',
      kernel_choice: 'kernelChoice',
      attention_mask_scan: 'attentionMaskScan',
      attention_stream_k: 'attentionStreamK',
      attention_quantized_query: 'attentionQuantizedQuery',
      local_cache_ubatch: 'localCacheUbatch',
      kv_per_query_head: 'kvPerQueryHead',
      mixed_decode_tile_rows: 'mixedDecodeTileRows',
      decode_kv_block: 'decodeKvBlock',
      gguf_flop_per_unit_clock: 'ggufFlopPerUnitClock',
      gguf_group_flop_per_unit_clock: 'ggufGroupFlopPerUnitClock',
      decode_attention_flop_per_unit_clock: 'decodeAttentionFlopPerUnitClock',
      prompt_attention_head_kernels: 'promptAttentionHeadKernels',
      mla_decode_kernels: 'mlaDecodeKernels',
      mla_decode_memory: 'mlaDecodeMemory',
      mla_decode_memory_kv8: 'mlaDecodeMemoryKv8',
      rope_kernels: 'ropeKernels',
      kv_write_kernels: 'kvWriteKernels',
      fp8_input_quant: 'fp8InputQuant',
      moe_ep_all_rows: 'moeEpAllRows',
      kernel_cycles: 'kernelCycles',
      bias_fused_rows: 'biasFusedRows',
      attention_efficiency: 'attentionEfficiency',
      quantize_activations: 'quantizeActivations',
      dequantize_weights: 'dequantizeWeights',
      dequantize_from_tokens: 'dequantizeFromTokens',
      int8_weights: 'int8Weights',
      mla: 'mla',
      mla_prefill: 'mlaPrefill',
      mla_fused_a: 'mlaFusedA',
      moe_a2a_decode: 'moeA2aDecode',
      fp8_block_efficiency: 'fp8BlockEfficiency',
      fp8_block_moe_efficiency: 'fp8BlockMoeEfficiency',
      fp8_moe_efficiency: 'fp8MoeEfficiency',
      fp8_tensor_efficiency: 'fp8TensorEfficiency',
      fp4_moe_efficiency: 'fp4MoeEfficiency',
      weight_only_moe_efficiency: 'weightOnlyMoeEfficiency',
      marlin_moe_efficiency: 'marlinMoeEfficiency',
      weight_only_moe_kernel: 'weightOnlyMoeKernel',
      w4a16_split_k: 'w4a16SplitK',
      w4a16_fused_mlp: 'w4a16FusedMlp',
    });
    // null: a release without the FP16 path (a file that extends one with it)
    if (typeof k.w4a16_fp16_from_tokens === 'number') out.kernels.w4a16Fp16FromTokens = k.w4a16_fp16_from_tokens;
    if (k.prefill_scores !== undefined) out.kernels.prefillScores = { bytesPerScore: k.prefill_scores.bytes_per_score, kernels: k.prefill_scores.kernels, ...(k.prefill_scores.decode_bytes_per_score !== undefined ? { decodeBytesPerScore: k.prefill_scores.decode_bytes_per_score } : {}) };
    if (k.decode_graph !== undefined) out.kernels.decodeGraph = { ...k.decode_graph };
    if (k.attention_head_dim_64 !== undefined) out.kernels.attentionHeadDim64 = { forward: k.attention_head_dim_64.forward, backward: k.attention_head_dim_64.backward };
    if (k.moe_shared_fused !== undefined && k.moe_shared_fused !== false) out.kernels.moeSharedFused = { routedExperts: k.moe_shared_fused.routed_experts, sharedExperts: k.moe_shared_fused.shared_experts };
    if (k.attention_dp_moe !== undefined && k.attention_dp_moe !== false) {
      const a = k.attention_dp_moe;
      out.kernels.attentionDpMoe = { gather: a.gather, combine: a.combine, ...(a.decode ? { decode: { gather: a.decode.gather, combine: a.decode.combine } } : {}) };
    }
    if (k.quantized_weight_bits !== undefined) out.kernels.quantizedWeightBits = { ...k.quantized_weight_bits };
    if (k.quantized_head_bits !== undefined) out.kernels.quantizedHeadBits = { ...k.quantized_head_bits };
    if (k.skinny_gemm_rows !== undefined) out.kernels.skinnyGemmRows = { ...k.skinny_gemm_rows };
    if (k.moe_dense_models !== undefined) out.kernels.moeDenseModels = [...k.moe_dense_models];
    // the split-K kernel's rate: one number, or { tiles, values } → a table over 16-row tiles (the schema checked each entry)
    const sk = k.w4a16_split_k_flop_per_unit_clock;
    if (typeof sk === 'number') out.kernels.w4a16SplitKFlopPerUnitClock = sk;
    else if (sk !== undefined && typeof sk === 'object') {
      if (risingTable(ctx, [...at, 'kernels', 'w4a16_split_k_flop_per_unit_clock'], sk.tiles, sk.values, 'tiles', 'values')) out.kernels.w4a16SplitKFlopPerUnitClock = { sizes: [...sk.tiles], values: [...sk.values] };
    }
    // a weight-only int4 GEMM timed by rows: { rows, bandwidth, fixed_seconds } → two tables over rows
    const ws = k.w4a16_stream;
    if (ws !== undefined && typeof ws === 'object') {
      const path = [...at, 'kernels', 'w4a16_stream'];
      if (risingTable(ctx, path, ws.rows, ws.bandwidth, 'rows', 'bandwidth') && risingTable(ctx, path, ws.rows, ws.fixed_seconds, 'rows', 'fixed_seconds')) {
        out.kernels.w4a16Stream = { bandwidth: { sizes: [...ws.rows], values: [...ws.bandwidth] }, fixedS: { sizes: [...ws.rows], values: [...ws.fixed_seconds] } };
      }
    }
    // the fused MoE kernels' fractions of peak: a number as it is; tables by one local expert's GEMM MACs (moeTable)
    for (const [key, field] of [['fp4_moe_efficiency', 'fp4MoeEfficiency'], ['fp8_block_moe_efficiency', 'fp8BlockMoeEfficiency'], ['fp8_moe_efficiency', 'fp8MoeEfficiency']] as const) {
      const f = k[key];
      if (f !== undefined && typeof f === 'object') {
        const t = moeTable(ctx, [...at, 'kernels', key], f);
        if (t !== undefined) out.kernels[field] = t;
      }
    }
    // the runtime's measured attention kernels: prefill tables by prompt length, decode's fixed / per-sequence-head / bandwidth
    const pa = k.prefill_attention;
    if (pa !== undefined && typeof pa === 'object') {
      const tables: NonNullable<RuntimeOverride['kernels']['prefillAttention']> = {};
      for (const d of ['fp8', 'bf16'] as const) {
        const t = pa[d];
        if (t && risingTable(ctx, [...at, 'kernels', 'prefill_attention', d], t.lengths, t.values, 'lengths', 'values')) tables[d] = { sizes: [...t.lengths], values: [...t.values] };
      }
      out.kernels.prefillAttention = tables;
    }
    const da = k.decode_attention;
    if (da !== undefined && typeof da === 'object') {
      const widths: NonNullable<RuntimeOverride['kernels']['decodeAttention']> = {};
      for (const w of ['kv8', 'kv16'] as const) {
        if (da[w] === undefined) continue;
        const fixedS = await secs('kernels', 'decode_attention', w, 'fixed');
        const perSequenceHeadS = await secs('kernels', 'decode_attention', w, 'per_sequence_head');
        if (fixedS !== undefined && perSequenceHeadS !== undefined) widths[w] = { fixedS, perSequenceHeadS, bandwidth: da[w].bandwidth };
      }
      out.kernels.decodeAttention = widths;
    }
    if (k.moe_min_tile_rows !== undefined && k.mma_tile_rows !== undefined && k.moe_min_tile_rows > k.mma_tile_rows) {
      ctx.errors.push(issueAt(ctx, [...at, 'kernels', 'moe_min_tile_rows'], `must not exceed mma_tile_rows (${k.mma_tile_rows}), found ${k.moe_min_tile_rows}`, 'the smallest M tile is at most the largest'));
    }
    // the MMQ kernel's measured shape table on the part, or 'class' (src/sim/gguf-shape.ts)
    const gs = k.gguf_shape;
    if (gs === 'class') out.kernels.ggufShape = 'class';
    else if (gs !== undefined && typeof gs === 'object' && risingTable(ctx, [...at, 'kernels', 'gguf_shape'], gs.flops, gs.values, 'flops', 'values')) out.kernels.ggufShape = { sizes: [...gs.flops], values: [...gs.values] };
    // a kernel's measured rate: > 0, read in FLOP/s
    for (const [field, key, eg] of KERNEL_RATES) {
      const r = await quantityAt(ctx, raw, [...at, 'kernels', field], 'flop_per_s');
      if (r === undefined) continue;
      if (!(r > 0)) ctx.errors.push(issueAt(ctx, [...at, 'kernels', field], `must be > 0, found ${r}`, `e.g. ${field}: ${eg}`));
      out.kernels[key] = r;
    }
    const kt = await quantityAt(ctx, raw, [...at, 'kernels', 'kernel_time'], 'seconds');
    if (kt !== undefined) out.kernels.kernelTimeS = nonNegative(ctx, [...at, 'kernels', 'kernel_time'], kt);
    const cb = k.command_buffer;
    if (cb !== undefined) {
      const fl = await quantityAt(ctx, raw, [...at, 'kernels', 'command_buffer', 'floor'], 'seconds');
      if (fl !== undefined) out.kernels.commandBuffer = { maxOps: cb.max_ops, maxMb: cb.max_mb, floorS: nonNegative(ctx, [...at, 'kernels', 'command_buffer', 'floor'], fl) };
    }
    const gf = await quantityAt(ctx, raw, [...at, 'kernels', 'gemm_fixed'], 'seconds');
    if (gf !== undefined) out.kernels.gemmFixedS = nonNegative(ctx, [...at, 'kernels', 'gemm_fixed'], gf);
    const mf = await quantityAt(ctx, raw, [...at, 'kernels', 'mla_decode_fixed'], 'seconds');
    if (mf !== undefined) out.kernels.mlaDecodeFixedS = nonNegative(ctx, [...at, 'kernels', 'mla_decode_fixed'], mf);
    const wf = await quantityAt(ctx, raw, [...at, 'kernels', 'weight_only_moe_fixed'], 'seconds');
    if (wf !== undefined) out.kernels.weightOnlyMoeFixedS = nonNegative(ctx, [...at, 'kernels', 'weight_only_moe_fixed'], wf);
    const pe = k.int4_moe_per_expert;
    // true: every layer (no bound); false: none (a child file turning off its parent's: 0 local experts is no layer)
    if (pe !== undefined) out.kernels.int4MoePerExpert = pe === true ? {} : { upToExperts: pe === false ? 0 : pe.up_to_experts };
    const tg = k.tiled_gemm;
    if (tg !== undefined) {
      // only the keys the block states: src/runtime/override.ts mergeTiledGemm lays them over the block below (a
      // by_architecture block naming one kernel keeps the by_vendor block's others) and fills the defaults
      const t: TiledGemmOverride = {};
      const r = await quantityAt(ctx, raw, [...at, 'kernels', 'tiled_gemm', 'rate'], 'bytes_per_s');
      if (r !== undefined) {
        if (!(r > 0) || !Number.isFinite(r)) ctx.errors.push(issueAt(ctx, [...at, 'kernels', 'tiled_gemm', 'rate'], `must be > 0, found ${r}`, 'e.g. rate: 30 GB/s'));
        t.rateBytePerS = r;
      }
      if (tg.tile_n !== undefined) t.tileN = tg.tile_n;
      if (tg.moe !== undefined) t.moe = tg.moe;
      if (tg.fp8_block !== undefined) t.fp8Block = tg.fp8_block;
      for (const [key, field] of [['block_fp8_moe', 'blockFp8Moe'], ['weight_only_moe', 'weightOnlyMoe'], ['int4_moe', 'int4Moe'], ['block_fp8_linear', 'blockFp8Linear']] as const) {
        const bm = tg[key];
        if (bm === undefined) continue;
        if (bm === false) {
          t[field] = false;
          continue;
        }
        const br = await quantityAt(ctx, raw, [...at, 'kernels', 'tiled_gemm', key, 'rate'], 'bytes_per_s');
        if (br === undefined) continue;
        if (!(br > 0) || !Number.isFinite(br)) ctx.errors.push(issueAt(ctx, [...at, 'kernels', 'tiled_gemm', key, 'rate'], `must be > 0, found ${br}`, 'e.g. rate: 12 GB/s'));
        const sub = { rateBytePerS: br, tileN: bm.tile_n ?? 128 };
        if (key === 'weight_only_moe') t.weightOnlyMoe = bm.xcds !== undefined ? { ...sub, xcds: bm.xcds } : sub;
        else if (key === 'int4_moe') t.int4Moe = bm.efficiency !== undefined ? { ...sub, efficiency: bm.efficiency } : sub;
        else if (key === 'block_fp8_linear') {
          const bf = await quantityAt(ctx, raw, [...at, 'kernels', 'tiled_gemm', key, 'fixed'], 'seconds');
          t.blockFp8Linear = bf !== undefined ? { ...sub, fixedS: nonNegative(ctx, [...at, 'kernels', 'tiled_gemm', key, 'fixed'], bf) } : sub;
        } else t.blockFp8Moe = sub;
      }
      out.kernels.tiledGemm = t;
    }
    const sc = k.attention_scores;
    if (sc !== undefined) {
      out.kernels.attentionScores = { bytesPerScore: sc.bytes_per_score, kernels: sc.kernels };
      if (sc.live_bytes_per_score !== undefined) out.kernels.attentionScores.liveBytesPerScore = sc.live_bytes_per_score;
      if (sc.decode_kernels !== undefined) out.kernels.attentionScores.decodeKernels = sc.decode_kernels;
      if (sc.head_transposes !== undefined) out.kernels.attentionScores.headTransposes = sc.head_transposes;
      if (sc.self_split !== undefined) out.kernels.attentionScores.selfSplit = sc.self_split;
    }
    Object.assign(out.kernels, renamed<RuntimeOverride['kernels']>(k, { activation_bytes: 'activationBytes', bias: 'bias', gemm_convert: 'gemmConvert', conv_layout: 'convLayout', split_projections: 'splitProjections', int8_quant_kernels: 'int8QuantKernels', autocast: 'autocast', weight_cast_bytes: 'weightCastBytes', norm_kernels: 'normKernels', kv_append: 'kvAppend', kv_append_kernels: 'kvAppendKernels', kv_repeat: 'kvRepeat', fp32_matmul: 'fp32Matmul' }));
    for (const chain of ['rmsnorm', 'rope', 'swiglu', 'gelu'] as const) {
      const c = k[chain];
      if (c !== undefined) out.kernels[chain] = { kernels: c.kernels, bytesPerElement: c.bytes_per_element };
    }
    if (k.decode_logits !== undefined) {
      const d = k.decode_logits;
      out.kernels.decodeLogits = { bytesPerLogit: d.bytes_per_logit, kernels: d.kernels };
      if (d.beam) out.kernels.decodeLogits.beam = { bytesPerLogit: d.beam.bytes_per_logit, kernels: d.beam.kernels };
      if (d.timestamps) out.kernels.decodeLogits.timestamps = { bytesPerLogit: d.timestamps.bytes_per_logit, kernels: d.timestamps.kernels };
    }
    if (k.sampler !== undefined) {
      const sm: NonNullable<RuntimeSettings['kernels']['sampler']> = {};
      for (const key of ['random', 'filter', 'penalties', 'always'] as const) {
        const x = k.sampler[key];
        if (!x) continue;
        const floorS = await secs('kernels', 'sampler', key, 'floor');
        sm[key] = { bytesPerLogit: x.bytes_per_logit, kernels: x.kernels, ...(floorS !== undefined ? { floorS } : {}) };
      }
      out.kernels.sampler = sm;
    }
    if (k.elementwise !== undefined) out.kernels.elementwise = { ...k.elementwise };
  }
  const ar = own.collectives?.custom_allreduce;
  // false: no kernel of the runtime's own here; in a by_vendor / by_architecture / by_hardware block it removes the
  // table a broader block gave (src/runtime/override.ts spreads collectives), so the collective library prices the call
  if (ar === false) out.collectives = { customAllreduce: false };
  if (ar) {
    const sizes: number[] = ar.sizes, seconds: number[] = ar.seconds;
    // a larger message never costs less: a measured dip (aiconfigurator's B200 / GB300 tables fall 0.1-0.2 µs from 4 to
    // 8 KiB, timing noise) is flattened to the time before it, so that more work is never priced cheaper
    const runningMax = (xs: number[]) => { let most = 0; return xs.map((x) => (most = Math.max(most, x))); };
    const path = [...at, 'collectives', 'custom_allreduce'];
    const buffer: number | undefined = ar.buffer_bytes;
    const link = ar.link_bandwidth === undefined ? undefined : await quantityAt(ctx, raw, [...path, 'link_bandwidth'], 'bytes_per_s', { positive: true });
    if (buffer !== undefined && buffer < sizes[sizes.length - 1]!) ctx.errors.push(issueAt(ctx, [...path, 'buffer_bytes'], `${buffer} is below the table's largest size ${sizes[sizes.length - 1]}`, 'give the runtime kernel\'s buffer (at least the largest size), or leave buffer_bytes out'));
    else if (risingTable(ctx, path, sizes, seconds, 'sizes', 'seconds')) {
      const rising = runningMax(seconds);
      const table: Exclude<NonNullable<NonNullable<RuntimeOverride['collectives']>['customAllreduce']>, false> = { sizes, seconds: rising, maxGroup: ar.max_group, ...(ar.above === 'linear' ? { above: 'linear' as const } : {}), ...(ar.buffer_bytes !== undefined ? { bufferBytes: ar.buffer_bytes } : {}), ...(link !== undefined ? { linkBytePerS: link } : {}) };
      const groups = Object.entries((ar.by_group ?? {}) as Record<string, number[]>).map(([g, s]) => ({ group: Number(g), seconds: s })).sort((a, b) => a.group - b.group);
      let ok = true;
      for (const g of groups) {
        if (g.group < 2 || g.group >= ar.max_group) { ctx.errors.push(issueAt(ctx, [...path, 'by_group', String(g.group)], `a group of ${g.group} must lie between 2 and max_group (${ar.max_group}) exclusive`, 'give max_group\'s table as seconds')); ok = false; }
        else if (!risingTable(ctx, [...path, 'by_group', String(g.group)], sizes, g.seconds, 'sizes', 'seconds')) ok = false;
      }
      if (ok && groups.length) {
        // on a switched fabric (NVSwitch) every device keeps its whole bandwidth in any group, so a bigger group never
        // prices a call cheaper than a smaller one (aiconfigurator's B300 4-GPU table dips 0.1 µs under its 2-GPU one at
        // 2 KiB): each table is at least the one below it, size by size. Each table keeps its own times where a bigger
        // group moves fewer bytes per device: on a switchless mesh (`mesh: true`, 8x MI300X / MI355X xGMI) a group of g
        // devices has g - 1 links each (vLLM's custom all-reduce at 1 MiB: 28.15 µs at TP 2, 22.91 at TP 4); under
        // NCCL's in-switch reduction (`nvls: true`, NVLS: each device sends n and takes n/g reduced, then sends n/g
        // and takes n back, n(1 + 1/g) each way against a ring's 2n(g - 1)/g) 8x H200 at 1 GiB takes 4003.1 µs, 4 GPUs
        // 4553.1. A group between two measured ones takes the larger of the two (src/runtime/collectives.ts).
        const own = ar.mesh === true || ar.nvls === true;
        let below: number[] | undefined;
        const flat = groups.map((g) => { const s = runningMax(g.seconds).map((x, i) => (own ? x : Math.max(x, below?.[i] ?? 0))); below = s; return { group: g.group, seconds: s }; });
        if (!own) table.seconds = rising.map((x, i) => Math.max(x, below![i]!));
        table.byGroup = flat;
      }
      out.collectives = { customAllreduce: table };
    }
  }
  // fused decoder ops (src/sim/fusion.ts): an empty list says the runtime fuses none (a file extending one that does)
  const fu = own.fusion?.groups;
  if (Array.isArray(fu)) {
    out.fusion = fu.map((g: Raw) => {
      const w = g.when as Raw | undefined;
      const when = w ? renamed<NonNullable<FusionGroup['when']>>(w, { min_tp: 'minTp', attention_dp: 'attentionDp', max_pp: 'maxPp', moe: 'moe', layer: 'layer', hidden_above: 'hiddenAbove', mxfp4_experts: 'mxfp4Experts' }) : undefined;
      return { ops: [...g.ops], onChip: g.on_chip ?? 0, ...(when ? { when } : {}) };
    });
  }
  const t = own.training;
  const tNames = { elementwise: 'elementwise', sequence_parallel: 'sequenceParallel', selective: 'selective', reduce_dtype: 'reduceDtype', fp8_quantize_bytes: 'fp8QuantizeBytes', fp8_backward_rescale_bytes: 'fp8BackwardRescaleBytes', param_cast_bytes: 'paramCastBytes', fp8_weight_cast: 'fp8WeightCast', moe_capacity_factor: 'moeCapacityFactor', ep_dispatch: 'epDispatch', ep_dispatcher: 'epDispatcher', expert_tp: 'expertTp', fp8_accumulate: 'fp8Accumulate', host_cpu_scale: 'hostCpuScale', fsdp_gather_dtype: 'fsdpGatherDtype', fsdp_layout: 'fsdpLayout', fsdp_scope: 'fsdpScope', fsdp_reshard: 'fsdpReshard', pp_split: 'ppSplit', pp_warmup_flush_p2p: 'ppWarmupFlushP2p', grad_buffer_passes: 'gradBufferPasses', average_in_collective: 'averageInCollective', optimizer_bytes: 'optimizerBytes', optimizer_state_bytes: 'optimizerStateBytes', loss_forward_bytes: 'lossForwardBytes', loss_backward_bytes: 'lossBackwardBytes', pipeline_schedules: 'pipelineSchedules', default_schedule: 'defaultSchedule', gemm_dtypes: 'gemmDtypes', zero3_gather: 'zero3Gather', zero3_moe_leaf: 'zero3MoeLeaf', zero3_rank_kernels: 'zero3RankKernels', zero_overlap_comm: 'zeroOverlapComm', zero_param_gather: 'zeroParamGather', zero2_reduce: 'zero2Reduce' } as const;
  if (t && Object.keys(tNames).some((k) => t[k] !== undefined)) out.training = renamed<RuntimeOverride['training']>(t, tNames);
  const mh = t?.moe_host;
  if (mh && typeof mh === 'object') {
    const per = await q(['training', 'moe_host', 'per_op'], 'seconds');
    const gemm = mh.expert_gemm === undefined ? undefined : await q(['training', 'moe_host', 'expert_gemm'], 'seconds');
    const gemmFwd = mh.expert_gemm_fwd === undefined ? undefined : await q(['training', 'moe_host', 'expert_gemm_fwd'], 'seconds');
    out.training = out.training ?? {};
    out.training.moeHost = {
      syncsFwd: mh.syncs_fwd,
      perOpS: per === undefined ? 0 : nonNegative(ctx, [...at, 'training', 'moe_host', 'per_op'], per),
      opsFwd: mh.ops_fwd,
      opsBwd: mh.ops_bwd,
      ...(mh.ops_after_sync === undefined ? {} : { opsAfterSync: mh.ops_after_sync }),
      expertKernelsFwd: mh.expert_kernels_fwd,
      expertKernelsBwd: mh.expert_kernels_bwd,
      ...(gemm === undefined ? {} : { expertGemmS: nonNegative(ctx, [...at, 'training', 'moe_host', 'expert_gemm'], gemm) }),
      ...(gemmFwd === undefined ? {} : { expertGemmFwdS: nonNegative(ctx, [...at, 'training', 'moe_host', 'expert_gemm_fwd'], gemmFwd) }),
      fp8ExpertKernelsFwd: mh.fp8_expert_kernels_fwd ?? 0,
      fp8ExpertKernelsBwd: mh.fp8_expert_kernels_bwd ?? 0,
      ...(mh.router ? { router: mh.router } : {}),
    };
  }
  const el = t?.expert_loop;
  if (el && typeof el === 'object') {
    const fwd = await q(['training', 'expert_loop', 'expert_fwd'], 'seconds');
    out.training = out.training ?? {};
    out.training.expertLoop = {
      expertFwdS: fwd === undefined ? 0 : nonNegative(ctx, [...at, 'training', 'expert_loop', 'expert_fwd'], fwd),
      expertKernelsBwd: el.expert_kernels_bwd,
      zero3OpsFwd: el.zero3_ops_fwd ?? 0,
      zero3OpsBwd: el.zero3_ops_bwd ?? 0,
    };
  }
  return out;
}

// A fused MoE kernel's table: { expert_macs, values } → an efficiency table over that size; values as a map from
// local-expert counts to such rows → one table per count, counts ascending (the schema checked each entry)
function moeTable(ctx: SpecContext, path: (string | number)[], f: Raw): EfficiencyTable | EfficiencyGrid | undefined {
  if (Array.isArray(f.values)) return risingTable(ctx, path, f.expert_macs, f.values, 'expert_macs', 'values') ? { sizes: [...f.expert_macs], values: [...f.values] } : undefined;
  const counts = Object.keys(f.values).map(Number).sort((a, b) => a - b);
  const rows = counts.map((c) => (risingTable(ctx, [...path, 'values', String(c)], f.expert_macs, f.values[String(c)], 'expert_macs', 'values') ? { sizes: [...f.expert_macs], values: [...f.values[String(c)]] } : undefined));
  return rows.every((r) => r !== undefined) ? { keys: counts, rows: rows as EfficiencyTable[] } : undefined;
}

// A runtime table of values at rising keys (a custom all-reduce's seconds by message size, a fused MoE cap by expert
// MACs): one value per key, keys strictly rising; an error naming the field otherwise (false: not usable)
function risingTable(ctx: SpecContext, path: (string | number)[], keys: number[], values: unknown[], keyName: string, valueName: string): boolean {
  if (keys.length !== values.length) {
    ctx.errors.push(issueAt(ctx, path, `${keyName} (${keys.length}) and ${valueName} (${values.length}) differ in length`, `give one ${valueName === 'seconds' ? 'time' : 'value'} per entry of ${keyName}`));
    return false;
  }
  const i = keys.findIndex((v, j) => j > 0 && !(v > keys[j - 1]!));
  if (i > 0) {
    ctx.errors.push(issueAt(ctx, [...path, keyName], `must increase (${keys[i - 1]} → ${keys[i]})`, `list ${keyName} from smallest to largest`));
    return false;
  }
  return true;
}

// The fields of a YAML block that are set, under their TypeScript names, in the order of `names` (values as the
// schema checked them).
function renamed<T>(blk: Raw, names: Record<string, keyof T & string>): Partial<T> {
  const out: Partial<T> = {};
  for (const [from, to] of Object.entries(names)) if (blk[from] !== undefined) out[to] = blk[from];
  return out;
}

// captured graph batch sizes: whole numbers ≥ 1, strictly ascending (the padding takes the first one ≥ the batch)
function ascendingSizes(ctx: SpecContext, path: (string | number)[], v: number[]): number[] {
  for (let i = 1; i < v.length; i++) {
    if (!(v[i]! > v[i - 1]!)) ctx.errors.push(issueAt(ctx, [...path, i], `must be larger than the size before it (${v[i - 1]}), found ${v[i]}: list the captured batch sizes in ascending order`));
  }
  return v;
}

function nonNegative(ctx: SpecContext, path: (string | number)[], v: number): number {
  if (!(v >= 0) || !Number.isFinite(v)) ctx.errors.push(issueAt(ctx, path, `must be ≥ 0, found ${v}`));
  return v;
}

// kernels.*_rate fields: the field, its normalized key, an example for the error's fix
const KERNEL_RATES = [
  ['gguf_rate', 'ggufFlopPerS', '55.6 TFLOP/s'],
  ['gemv_rate', 'gemvFlopPerS', '5.75 TFLOP/s'],
  ['sink_attention_rate', 'sinkAttentionFlopPerS', '89.6 TFLOP/s'],
  ['prompt_attention_rate', 'promptAttentionFlopPerS', '8.19 TFLOP/s'],
  ['gemm_rate', 'gemmFlopPerS', '21.6 TFLOP/s'],
] as const;

/**
 * A tiled_gemm block may leave its rate to a block below it (by_vendor over the top level, by_architecture over those,
 * by_hardware over all: src/runtime/override.ts mergeTiledGemm); one that no block below can give a rate is an error at
 * the block. Which vendor an architecture or a part is of is the hardware's, not known here: any block of a lower layer
 * that states a rate is taken as below.
 */
function tiledGemmRates(ctx: SpecContext, top: Partial<RuntimeOverride>, layers: [string, Record<string, Partial<RuntimeOverride>>][]): void {
  let below = top.kernels?.tiledGemm?.rateBytePerS !== undefined;
  const missing = (at: (string | number)[]) => ctx.errors.push(issueAt(ctx, [...at, 'kernels', 'tiled_gemm', 'rate'], `missing required field "rate": no tiled_gemm block below this one states it`, 'state the weight bytes one SM streams per second, e.g. rate: 30 GB/s'));
  if (top.kernels?.tiledGemm && !below) missing([]);
  for (const [layer, blocks] of layers) {
    const entries = Object.entries(blocks);
    if (!below) for (const [key, o] of entries) if (o.kernels?.tiledGemm && o.kernels.tiledGemm.rateBytePerS === undefined) missing([layer, key]);
    below ||= entries.some(([, o]) => o.kernels?.tiledGemm?.rateBytePerS !== undefined);
  }
}

/** settings + a partial override → settings (objects merge field by field) */
// applyOverride lives in src/runtime/override.ts: simulate needs it without loading the spec layer (ajv, yaml)
import { applyOverride } from '../runtime/override.js';
export { applyOverride };

export async function normalizeRuntime(raw: Raw, ctx: SpecContext): Promise<NormalizedRuntime | undefined> {
  const top = await blocks(ctx, raw, []);
  const byVendor: Record<string, Partial<RuntimeOverride>> = {};
  for (const v of Object.keys(raw.by_vendor ?? {})) byVendor[v] = await blocks(ctx, raw, ['by_vendor', v]);
  const byArchitecture: Record<string, Partial<RuntimeOverride>> = {};
  for (const a of Object.keys(raw.by_architecture ?? {})) byArchitecture[a] = await blocks(ctx, raw, ['by_architecture', a]);
  const byHardware: Record<string, Partial<RuntimeOverride>> = {};
  for (const h of Object.keys(raw.by_hardware ?? {})) byHardware[h] = await blocks(ctx, raw, ['by_hardware', h]);
  if (ctx.errors.length) return undefined;
  // once every block reads (a sub-kernel of the wrong kind is its block's first fault, not the rate it then lacks)
  tiledGemmRates(ctx, top, [['by_vendor', byVendor], ['by_architecture', byArchitecture], ['by_hardware', byHardware]]);
  if (ctx.errors.length) return undefined;
  const settings = applyOverride(RUNTIME_DEFAULTS, top);
  return {
    id: raw.id,
    // free text from a stranger's file: the words that only ever mean a bug are spelled out (errors.ts)
    name: maskWords(raw.name),
    kind: raw.role,
    version: raw.version === undefined ? undefined : maskWords(raw.version),
    vendors: Array.isArray(raw.vendors) ? raw.vendors.map((v: unknown) => maskWords(String(v))) : undefined,
    ...settings,
    byVendor,
    byArchitecture,
    byHardware,
    sources: raw.sources?.map(maskWords),
  };
}
