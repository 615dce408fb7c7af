// The scheduler a runtime runs, where the runtime spec (hw.runtime.scheduler) says nothing:
//   vLLM (default): preempt and recompute when the KV cache runs out (vllm/v1/core/sched/scheduler.py,
//     PreemptionMode RECOMPUTE is the v1 default); max_num_seqs and max_num_batched_tokens for the OpenAI
//     server: 1024 and 8192 on devices with ≥ 70 GiB, 256 and 2048 below (vllm/engine/arg_utils.py,
//     EngineArgs._set_default_args, v0.10).
//   SGLang: retracts decode requests when memory runs out (python/sglang/srt/managers/scheduler.py,
//     retract_decode) — a preemption with recompute; chunked_prefill_size 8192 on ≥ 60 GB devices, 2048 below
//     (python/sglang/srt/server_args.py); max_running_requests defaults to what memory holds (capped here at 1024).
//   TensorRT-LLM: the GUARANTEED_NO_EVICT capacity scheduler (the default CapacitySchedulerPolicy) admits a request
//     only when the KV blocks for its whole input + output are free; chunked prefill off by default
//     (BaseLlmArgs.enable_chunked_prefill = False, tensorrt_llm/llmapi/llm_args.py); trtllm-serve's defaults max_batch_size 2048
//     and max_num_tokens 8192 (tensorrt_llm/commands/serve.py).
import type { NormalizedHardware } from '../spec/types.js';
import type { Policy } from './scheduler.js';

export interface ServeRuntime {
  id: string;
  policy: Policy;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  chunkedPrefill: boolean;
}

const GIB = 2 ** 30;

export function serveRuntime(hw: NormalizedHardware, id: string | undefined): ServeRuntime {
  const rt = (hw.runtime ?? {}) as { id?: string; scheduler?: { maxNumSeqs?: number; maxNumBatchedTokens?: number; chunkedPrefill?: boolean } };
  const name = (id ?? rt.id ?? 'vllm').toLowerCase();
  // vLLM's get_batch_defaults: `device_memory >= 70 * GiB_bytes and "a100" not in device_name` (A100s keep 256 / 2048,
  // vllm PR #17885)
  const big = hw.memory.capacityBytes >= 70 * GIB && !/a100/i.test(hw.id);
  let d: ServeRuntime;
  if (name === 'tensorrt-llm' || name === 'trtllm' || name === 'tensorrt_llm') d = { id: 'tensorrt-llm', policy: 'reserve', maxNumSeqs: 2048, maxNumBatchedTokens: 8192, chunkedPrefill: false };
  else if (name === 'sglang') d = { id: 'sglang', policy: 'preempt', maxNumSeqs: 1024, maxNumBatchedTokens: hw.memory.capacityBytes >= 60e9 ? 8192 : 2048, chunkedPrefill: true };
  else d = { id: name, policy: 'preempt', maxNumSeqs: big ? 1024 : 256, maxNumBatchedTokens: big ? 8192 : 2048, chunkedPrefill: true };
  return {
    ...d,
    maxNumSeqs: rt.scheduler?.maxNumSeqs ?? d.maxNumSeqs,
    maxNumBatchedTokens: rt.scheduler?.maxNumBatchedTokens ?? d.maxNumBatchedTokens,
    chunkedPrefill: rt.scheduler?.chunkedPrefill ?? d.chunkedPrefill,
  };
}
