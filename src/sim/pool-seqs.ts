// Requests an engine keeps in flight when it sizes that cap from its KV pool (scheduler.pool_seqs): SGLang's
// ModelRunner sets max_num_reqs = min(max(int(max_total_num_tokens / context_len × 512), 2048), 4096) when
// --max-running-requests is not given (the ReqToTokenPool's rows), and the Scheduler runs at most
// min(max_num_reqs, max_total_num_tokens // 2) (sgl-project/sglang python/sglang/srt/model_executor/model_runner.py
// init_memory_pool / _resolve_max_num_reqs, managers/scheduler.py max_running_requests). context_len is the model's
// max_position_embeddings unless --context-length (serve: --max-model-len) sets it; the 4096 is the runtime's
// max_num_seqs. A pool that holds few contexts keeps 2048 rows; one that holds many, up to 4096.
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import type { Precision } from '../model/quant.js';
import type { Layout } from './parallel.js';
import { kvCapacity } from '../serve/kv.js';
import { CapacityError } from '../serve/errors.js';

/** the rule alone: the cap for a pool of `poolTokens` tokens (per replica) and a context of `context` tokens */
export function poolSeqCap(rule: { perContext: number; min: number }, cap: number, poolTokens: number, context: number): number {
  const rows = Math.min(cap, Math.max(rule.min, Math.floor((poolTokens / Math.max(1, context)) * rule.perContext)));
  return Math.max(1, Math.min(rows, Math.floor(poolTokens / 2)));
}

/**
 * the bound runtime's cap from its KV pool for this model and layout (simulate; serve applies poolSeqCap to the pool
 * it builds), or undefined where the runtime states no rule or nothing fits
 */
export function enginePoolSeqCap(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision, cap: number, context = m.context): number | undefined {
  const s = hw.runtime?.scheduler;
  if (!s?.poolSeqs) return undefined;
  try {
    const kv = kvCapacity(m, hw, L, p, s.maxNumBatchedTokens ?? 2048, cap);
    // one replica's pool; under attention DP each rank sizes its own from its share (SGLang: per DP worker)
    const ranks = L.attentionDp ? L.tp : 1;
    return poolSeqCap(s.poolSeqs, cap, kv.tokens / ranks, context) * ranks;
  } catch (e) {
    if (e instanceof CapacityError) return undefined;
    throw e;
  }
}
