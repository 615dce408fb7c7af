// Host time of one engine iteration that the device waits for:
//   fixed  = host.step_overhead (exposed per iteration whatever the batch)
//   per    = (host.per_sequence + host.sampling_per_vocab_entry × vocab) × sequences in the iteration (Python per
//            request: scheduling, input preparation, sampling and output bookkeeping — it grows with the batch:
//            vllm-project/vllm issue #6801, ~20 ms at 200 sequences before v0.6; issue #10634, 5–6 ms between decodes
//            at 256; a C++ sampler that walks every vocabulary entry of every sequence: runtimes/ollama.yaml)
//   exposed = fixed + per                          (the engine waits for the host between steps: vLLM V0/V1 sync)
//           = fixed + max(0, per − device)         (host.overlap: scheduling runs one step ahead, behind the device)
import type { RuntimeSettings } from '../spec/types.js';

type Host = Pick<RuntimeSettings, 'stepOverheadS' | 'hostPerSequenceS' | 'hostSamplingPerVocabS' | 'hostOverlap'>;

/** seconds of host time exposed in an iteration of `seqs` sequences whose device work takes `deviceS`; `vocab`: the
 *  model's vocabulary, for a runtime whose sampler walks it (0: none) */
export function hostStepSeconds(rt: Host | undefined, seqs: number, deviceS: number, vocab = 0): number {
  if (!rt) return 0;
  return (rt.stepOverheadS ?? 0) + hostPerSequenceSeconds(rt, seqs, deviceS, vocab);
}

/** the per-sequence part alone (a caller that prices the fixed part itself: src/serve/step-cost.ts) */
export function hostPerSequenceSeconds(rt: Omit<Host, 'stepOverheadS'>, seqs: number, deviceS: number, vocab = 0): number {
  const perSeq = (rt.hostPerSequenceS ?? 0) + (rt.hostSamplingPerVocabS ?? 0) * Math.max(0, vocab);
  const per = perSeq * Math.max(0, seqs);
  return rt.hostOverlap ? Math.max(0, per - Math.max(0, deviceS)) : per;
}
