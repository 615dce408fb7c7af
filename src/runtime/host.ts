// Host time of one engine iteration that the device waits for:
//   fixed  = host.step_overhead (exposed per iteration whatever the batch)
//   per    = (host.per_sequence + host.sampling_per_vocab_entry × vocab) × sequences in the iteration (Python per
//            request: scheduling, input preparation, sampling and output bookkeeping — it grows with the batch:
//            vllm-project/vllm issue #6801, ~20 ms at 200 sequences before v0.6; issue #10634, 5–6 ms between decodes
//            at 256; TensorRT-LLM's TorchSampler, 454 µs at 64 requests: PR #15920; a C++ sampler that walks every
//            vocabulary entry of every sequence: runtimes/ollama.yaml); the sequences are one scheduler's (one
//            attention-DP rank's share: schedulerSequences)
//   rpc    = host.worker_rpc: round_trip + (workers − 1) × per_worker, where the engine drives more than one worker
//            by remote calls every step (vLLM 0.2 at tp > 1: one Ray actor call per worker, then ray.get of all)
//   exposed = fixed + rpc + per                    (the engine waits for the host between steps: vLLM V0/V1 sync)
//           = fixed + rpc + max(0, per − device)   (host.overlap: scheduling runs one step ahead, behind the device)
import type { RuntimeSettings } from '../spec/types.js';
import type { Layout } from '../sim/parallel.js';

type Host = Pick<RuntimeSettings, 'stepOverheadS' | 'hostPerSequenceS' | 'hostSamplingPerVocabS' | 'hostOverlap' | 'workerRpc'>;

/** seconds of host time exposed in an iteration of `seqs` sequences whose device work takes `deviceS`; `vocab`: the
 *  model's vocabulary, for a runtime whose sampler walks it (0: none); `workers`: the devices one step drives (tp × pp) */
export function hostStepSeconds(rt: Host | undefined, seqs: number, deviceS: number, vocab = 0, workers = 1): number {
  if (!rt) return 0;
  return (rt.stepOverheadS ?? 0) + workerRpcSeconds(rt, workers) + hostPerSequenceSeconds(rt, seqs, deviceS, vocab);
}

/** the step's remote calls to its workers (host.worker_rpc): the first call's round trip and each further worker's
 *  submission; 0 for one worker (the engine runs it in process) or a runtime without worker RPC */
export function workerRpcSeconds(rt: Pick<RuntimeSettings, 'workerRpc'> | undefined, workers: number): number {
  const r = rt?.workerRpc;
  if (!r || !(workers > 1)) return 0;
  return r.roundTripS + (Math.floor(workers) - 1) * r.perWorkerS;
}

/** the sequences one scheduler walks in an iteration of `seqs` (the replica's): under attention DP every rank runs an
 *  executor of its own over its share of the requests (TensorRT-LLM enable_attention_dp: one PyExecutor per rank;
 *  SGLang --enable-dp-attention: one Scheduler per DP rank), the ranks in parallel, so the host time per iteration is
 *  one rank's: seqs / tp; otherwise one scheduler walks them all (a TP group's ranks walk the same requests at once) */
export function schedulerSequences(L: Pick<Layout, 'attentionDp' | 'tp'>, seqs: number): number {
  return L.attentionDp && L.tp > 1 ? seqs / L.tp : seqs;
}

/** the per-sequence part alone (a caller that prices the fixed part itself: src/serve/step-cost.ts) */
export function hostPerSequenceSeconds(rt: Omit<Host, 'stepOverheadS'>, seqs: number, deviceS: number, vocab = 0): number {
  const perSeq = (rt.hostPerSequenceS ?? 0) + (rt.hostSamplingPerVocabS ?? 0) * Math.max(0, vocab);
  const per = perSeq * Math.max(0, seqs);
  return rt.hostOverlap ? Math.max(0, per - Math.max(0, deviceS)) : per;
}
