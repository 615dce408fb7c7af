// The scheduler a runtime runs in `serve`: its admission policy by engine, and its limits from the runtime file as
// bound to the device (runtimes/*.yaml scheduler block, with its below_memory and by_hardware classes):
//   vLLM (default): preempt and recompute when the KV cache runs out (vllm/v1/core/sched/scheduler.py,
//     PreemptionMode RECOMPUTE is the v1 default).
//   SGLang: retracts decode requests when memory runs out (python/sglang/srt/managers/scheduler.py,
//     retract_decode) — a preemption with recompute — and admits by estimate (scheduler.admission: estimate, its
//     PrefillAdder's new_token_ratio reserve: src/serve/new-token-ratio.ts); runs prefill chunks and decodes in
//     separate iterations, prefill first (scheduler.mixed_batches false in runtimes/sglang.yaml).
//   TensorRT-LLM: the GUARANTEED_NO_EVICT capacity scheduler (the default CapacitySchedulerPolicy) admits a request
//     only when the KV blocks for its whole input + output are free (runtimes/tensorrt-llm.yaml scheduler.admission:
//     reserve). Under load that keeps fewer requests running than memory holds: the reservation covers outputs not
//     yet generated (on average half of them, more with length-biased long outputs). MAX_UTILIZATION is
//     `admission: preempt`.
// A runtime file that gives no limits (llama.cpp, optimum-habana, a user's file) takes vLLM's for the device: the
// engine `serve` models when none is named.
import type { NormalizedHardware } from '../spec/types.js';
import { findLibraryRuntime } from '../spec/library.js';
import { boundRuntime } from '../runtime/resolve.js';
import type { Policy } from './scheduler.js';
import type { FrontendCost } from './frontend.js';
import { schedulerMixes } from '../sim/mixed-decode-tiles.js';

export interface ServeRuntime {
  id: string;
  policy: Policy;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  chunkedPrefill: boolean;
  mixedBatches: boolean; // decodes share the prefill iterations (scheduler.mixed_batches; false: SGLang)
  // under attention DP each rank schedules its own chunk of maxNumBatchedTokens / (tp where true, else this divisor)
  // (SGLang); its admission estimate's conservativeness is multiplied by dpConservativeness there
  dpRankChunks: boolean | number;
  dpConservativeness: number;
  // the engine composes each batch while the one before it runs (scheduler.overlap_schedule): new requests wait for it
  overlapSchedule: boolean;
  // requests in flight from the KV pool (scheduler.pool_seqs: SGLang's max_num_reqs rule, src/sim/pool-seqs.ts); absent:
  // maxNumSeqs alone
  poolSeqs?: { perContext: number; min: number };
  frontend?: FrontendCost; // the bound runtime file's frontend block, shared by its API servers (src/serve/frontend.ts)
}

// `context`: the model's max_model_len (what vLLM takes when --max-model-len is not given), for the scheduler defaults
// that depend on it (scheduler.long_context, unchunked_covers_context)
// `mla`: the model has multi-head latent attention (scheduler.mla_unchunked: vLLM 0.7's V0 engine then runs without
// chunked prefill, max_num_batched_tokens = max(max_model_len, 2048))
type Scheduler = NonNullable<NormalizedHardware['runtime']>['scheduler'];

// Chunked prefill and the token budget per step the scheduler runs for a model of max_model_len `context` (`tokens`:
// the file's or vLLM's budget before the context-dependent defaults)
function prefillChunking(s: Scheduler | undefined, trt: boolean, tokens: number, context: number | undefined, mla: boolean): { chunked: boolean; budget: number } {
  const chunked = s?.chunkedPrefill ?? !trt;
  const lc = s?.longContext;
  if (mla && s?.mlaUnchunked) return { chunked: false, budget: Math.max(tokens, context ?? 0) };
  if (lc && context !== undefined && context > lc.above) {
    const c = lc.chunkedPrefill ?? chunked;
    const t = lc.maxNumBatchedTokens ?? tokens;
    // a long-context default that leaves chunking off still holds whole prompts (vLLM V0's SchedulerConfig: the budget
    // is max(max_model_len, 2048) without chunked prefill)
    return { chunked: c, budget: !c && s?.unchunkedCoversContext ? Math.max(t, context) : t };
  }
  return { chunked, budget: !chunked && s?.unchunkedCoversContext && context !== undefined ? Math.max(tokens, context) : tokens };
}

/** whether the bound runtime's scheduler puts prompts beside decodes in one step (serveRuntime(hw, undefined, context,
 *  mla).mixedBatches without its limits: simulate asks it per evaluation, so it skips the vLLM defaults lookup) */
export function boundRuntimeMixes(hw: NormalizedHardware, context?: number, mla = false): boolean {
  const s = hw.runtime?.scheduler;
  return s ? schedulerMixes(s, prefillChunking(s, isTrtllm(hw.runtime!.id.toLowerCase()), 0, context, mla).chunked) : true;
}

const isTrtllm = (name: string): boolean => name === 'tensorrt-llm' || name === 'trtllm' || name === 'tensorrt_llm';

export function serveRuntime(hw: NormalizedHardware, id: string | undefined, context?: number, mla = false): ServeRuntime {
  const s = hw.runtime?.scheduler;
  const fe = hw.runtime?.frontend;
  const name = (id ?? hw.runtime?.id ?? 'vllm').toLowerCase();
  const own = id === undefined || id.toLowerCase() === hw.runtime?.id.toLowerCase();
  const trt = isTrtllm(name);
  let seqs = s?.maxNumSeqs, tokens = s?.maxNumBatchedTokens;
  if (seqs === undefined || tokens === undefined) {
    const vllm = findLibraryRuntime('vllm');
    const d = vllm ? boundRuntime(hw, vllm).scheduler : undefined;
    seqs ??= d?.maxNumSeqs ?? 256;
    tokens ??= d?.maxNumBatchedTokens ?? 2048;
  }
  const { chunked, budget } = prefillChunking(s, trt, tokens, context, mla);
  tokens = budget;
  return {
    id: trt ? 'tensorrt-llm' : name,
    // the bound runtime file's scheduler.admission; an engine named apart from the bound runtime (--runtime on a
    // hardware that carries another), or a file without one, keeps the engine's default
    policy: (own ? s?.admission : undefined) ?? (trt ? 'reserve' : 'preempt'),
    maxNumSeqs: seqs,
    maxNumBatchedTokens: tokens,
    chunkedPrefill: chunked,
    // like admission, the bound runtime file's own; an engine named apart from it mixes (vLLM, TensorRT-LLM). vLLM's V0
    // engine (scheduler.unchunked_prefill_first) mixes only with chunked prefill: Scheduler._schedule picks
    // _schedule_chunked_prefill (decodes first, then chunks, one iteration) when chunked_prefill_enabled, else
    // _schedule_default, which schedules prompts first and "Don't schedule decodes if prefills are scheduled"
    // (vllm-project/vllm @0dce2b29 vllm/core/scheduler.py; the same in every V0 release through 0.10)
    mixedBatches: own && s ? schedulerMixes(s, chunked) : true,
    // the bound runtime file's own; an engine named apart from it runs one scheduler per replica
    dpRankChunks: (own ? s?.dpRankChunks : undefined) ?? false,
    dpConservativeness: (own ? s?.dpConservativeness : undefined) ?? 1,
    // the bound runtime file's own; an engine named apart from it is priced without the overlap
    overlapSchedule: (own ? s?.overlapSchedule : undefined) ?? false,
    // the bound runtime file's own rule; an engine named apart from it keeps max_num_seqs
    ...(own && s?.poolSeqs ? { poolSeqs: s.poolSeqs } : {}),
    // the bound runtime file's own front end; an engine named apart from it has none priced
    ...(own && fe ? { frontend: { perRequestS: fe.perRequestS / fe.processes, perTokenS: fe.perOutputTokenS / fe.processes, ...(fe.sharedWithEngine ? { sharedWithEngine: true } : {}) } } : {}),
  };
}
