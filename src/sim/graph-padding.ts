// CUDA graph padding of decode steps (runtime launch.graph_batch_sizes). A runtime that captures its decode graphs for a
// fixed set of batch sizes and pads a step up to the next one (TensorRT-LLM's PyTorch flow with
// cuda_graph_config.enable_padding: ModelEngine._maybe_pad_batch adds copies of one dummy generation request, a KV cache
// of one token, until the batch is the smallest captured size ≥ it) runs every op of the graph over the padded rows:
// the embedding, norms, GEMMs, the MoE and its all-to-all, the output head. Attention reads the real sequences' KV caches
// (a dummy's cache is one token), and sampling runs outside the graph on the real requests. Only a step without prompts
// pads: a step that carries a context request runs without a graph (PyTorchModelEngine._get_padded_batch /
// can_run_cuda_graph: generation requests only). A batch above the largest captured size runs without a graph and is
// priced as it is (its eager launches are not priced here). Under attention data parallelism every rank runs the same
// graph, so the padding is per rank (sequences per rank = decode sequences / tp).
// Not priced: the dummies' own attention calls (one cached token each: the per-sequence term of the decode attention
// kernel, a few ns per sequence and KV head), and that the padded tokens are copies of one token and route to the same
// experts.
import type { NormalizedHardware } from '../spec/types.js';
import type { GraphOp, PassShape } from '../model/decoder-graph.js';
import type { Layout } from './parallel.js';
import { SAMPLER_OPS } from './sampler-ops.js';

/** the decode sequences a pure decode step runs its graph for (the real count when nothing pads it) */
export function paddedDecodeSeqs(hw: NormalizedHardware, L: Layout, s: PassShape): number {
  const sizes = hw.runtime?.launch.graphBatchSizes;
  if (!sizes || sizes.length === 0 || s.prefillSeqs > 0 || !(s.decodeSeqs > 0)) return s.decodeSeqs;
  const ranks = L.attentionDp ? L.tp : 1;
  const perRank = Math.ceil(s.decodeSeqs / ranks - 1e-9);
  for (const n of sizes) if (n >= perRank) return Math.max(s.decodeSeqs, n * ranks);
  return s.decodeSeqs; // above the largest captured graph: no padding
}

// ops that keep the real sequences in a padded step: attention (each dummy's cache is one token) and the sampler
const REAL_ROWS = new Set(['sampling', ...SAMPLER_OPS]);
const keepsReal = (o: GraphOp) => o.kind === 'attention' || REAL_ROWS.has(o.name);

/**
 * The padded step's ops: those of the padded shape, but attention and sampling from the real one. `real` and `padded`
 * are the same graph at two batch sizes, op for op; where they are not (a graph whose op list changed with the batch),
 * the real step is kept unpadded.
 */
export function mergePadded(real: GraphOp[], padded: GraphOp[]): GraphOp[] {
  if (real.length !== padded.length) return real;
  const out: GraphOp[] = new Array(real.length);
  for (let i = 0; i < real.length; i++) {
    const r = real[i]!, q = padded[i]!;
    if (r.name !== q.name) return real;
    out[i] = keepsReal(r) ? r : q;
  }
  return out;
}
