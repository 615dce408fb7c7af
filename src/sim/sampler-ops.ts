// The sampler's device work beyond the fp32 logits (the graph's `sampling` op: the logits cast to fp32, written and
// read once, which is all a greedy argmax costs). What a step runs on top depends on what the run's client asked for
// (scheduler.sampling, scheduler.penalties: the run's own, set with --set runtime.sampling / runtime.penalties) and on
// the runtime's sampler kernels (kernels.sampler, bytes per logit and kernels of each part, measured or counted in the
// runtime file):
//   penalties  repetition / frequency / presence penalties on the logits (before the draw)
//   filter     the top-k / top-p mask (sampling 'top-p')
//   random     the temperature and the random draw itself (sampling 'random' or 'top-p')
//   always     what the runtime's sampler runs on every row whatever was asked, greedy included (vLLM's V0 engine:
//              the temperature, softmax and log_softmax of every row, runtimes/vllm-0.6.yaml)
// Each is one memory-bound op over the [rows, vocabulary] logits the step samples: rows = the sequences scheduled in
// the step (prefill chunks included: vLLM V1 samples a row for every scheduled request and drops the partial
// prefills' tokens afterwards), per device under attention data parallelism; the whole vocabulary on every device (the
// LM head's vocabulary-parallel logits are gathered before the sampler, which every tensor-parallel rank runs).
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import type { GraphOp, PassShape } from '../model/decoder-graph.js';
import type { Layout } from './parallel.js';

export const SAMPLER_OPS: readonly string[] = ['sampler_always', 'sampler_penalties', 'sampler_filter', 'sampler_random'];

function logitOp(name: string, logits: number, part: { bytesPerLogit: number; kernels: number; floorS?: number }): GraphOp {
  // minS: the part's time at one row, fixed costs its bytes do not carry (0: none); set here, not after creation
  return { name, kind: 'elementwise', flops: 0, bytes: logits * part.bytesPerLogit, weightBytes: 0, dtype: 'fp32', count: 1, flopsPerCtx: 0, bytesPerCtx: 0, kernels: part.kernels, minS: part.floorS ?? 0 };
}

/** the sampler's ops of one pass beyond the `sampling` op; none for a runtime without kernels.sampler, and for a greedy
 *  run only the runtime's `always` part */
export function samplerOps(m: DecoderModel, hw: NormalizedHardware, L: Layout, s: PassShape): GraphOp[] {
  const rt = hw.runtime;
  const k = rt?.kernels?.sampler;
  const mode = rt?.scheduler?.sampling ?? 'greedy';
  const penalties = !!rt?.scheduler?.penalties;
  if (!k || (mode === 'greedy' && !penalties && !k.always)) return [];
  const rows = (s.prefillSeqs + s.decodeSeqs) / (L.attentionDp ? L.tp : 1);
  if (!(rows > 0)) return [];
  const logits = rows * m.vocab;
  const ops: GraphOp[] = [];
  if (k.always) ops.push(logitOp('sampler_always', logits, k.always));
  if (penalties && k.penalties) ops.push(logitOp('sampler_penalties', logits, k.penalties));
  if (mode === 'top-p' && k.filter) ops.push(logitOp('sampler_filter', logits, k.filter));
  if (mode !== 'greedy' && k.random) ops.push(logitOp('sampler_random', logits, k.random));
  return ops;
}
