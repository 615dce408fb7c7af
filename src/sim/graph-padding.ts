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
import { atTp } from './memory.js';

/**
 * The decode sequences a pure decode step runs its graph for (the real count when nothing pads it). `engine`: the step
 * is one of serve's engine iterations, which also take the runtime's own default capture (launch.decode_capture, below);
 * sizes a run sets (launch.graph_batch_sizes) pad simulate's steps and serve's alike.
 */
export function paddedDecodeSeqs(hw: NormalizedHardware, L: Layout, s: PassShape, engine = false): number {
  // a runtime that captures no decode graphs (launch.graphs none) has nothing to pad to, whatever sizes a run lists
  if (s.prefillSeqs > 0 || !(s.decodeSeqs > 0) || hw.runtime?.launch.graphs === 'none') return s.decodeSeqs;
  const sizes = capturedSizes(hw, L.tp, engine, L.attentionDp);
  if (!sizes || sizes.length === 0) return s.decodeSeqs;
  const ranks = L.attentionDp ? L.tp : 1;
  const perRank = Math.ceil(s.decodeSeqs / ranks - 1e-9);
  for (const n of sizes) if (n >= perRank) return Math.max(s.decodeSeqs, n * ranks);
  return s.decodeSeqs; // above the largest captured graph: no padding
}

/**
 * The decode batch sizes captured on this device at this tp: those a run sets (launch.graph_batch_sizes), else, for an
 * engine iteration, the runtime's default capture up to its largest (launch.decode_capture: SGLang's cuda_graph_bs, the
 * sizes up to cuda_graph_max_bs, which depends on the device's whole memory, as get_device_memory_capacity reads it, and
 * on tp). Undefined: nothing captured by size (no padding).
 */
export function capturedSizes(hw: NormalizedHardware, tp: number, engine: boolean, attentionDp = false): readonly number[] | undefined {
  const l = hw.runtime?.launch;
  if (l?.graphBatchSizes) return l.graphBatchSizes; // [] (a run's `graph_batch_sizes=none`): nothing, the default capture neither
  const c = engine ? l?.decodeCapture : undefined;
  if (!c) return undefined;
  // under attention DP the engine's default capture does not pad here: ranks without a sequence would run a dummy row
  // each, whose routing (from a zeroed or stale input buffer) is not pinned; such steps are priced unpadded, as simulate
  // prices them
  if (attentionDp) return undefined;
  const tier = c.belowMemory?.find((x) => hw.memory.capacityBytes < x.bytes) ?? c;
  const max = atTp(tier.maxBatch, tier.byTp, tp);
  const sizes = c.sizes.filter((n) => n <= max);
  return sizes.length ? sizes : [max];
}

/**
 * Whether one of serve's engine iterations is a decode step the runtime runs without its captured graph: a pure decode
 * step of more sequences per rank than the largest it captured (SGLang CudaGraphRunner.can_run: batch size <= max_bs,
 * else ModelRunner.forward_decode runs the model's modules eagerly), under a runtime whose default capture is stated
 * (launch.decode_capture) and that replays its decode graphs. Its kernels are then dispatched one by one from the host,
 * as a prompt's are (src/runtime/launch.ts, phase decode_eager). simulate's steady batch does not take this cliff: at the
 * largest captured size + 1 the step's host dispatch makes throughput fall as the batch grows, which SGLang does but
 * simulate's throughput, monotone in the batch, does not model.
 */
export function decodeRunsEager(hw: NormalizedHardware, L: Layout, s: PassShape): boolean {
  const l = hw.runtime?.launch;
  if (!l?.decodeCapture || (l.graphs !== 'decode' && l.graphs !== 'piecewise') || s.prefillSeqs > 0 || !(s.decodeSeqs > 0)) return false;
  const sizes = capturedSizes(hw, L.tp, true)!;
  if (sizes.length === 0) return false; // padding turned off by the run: its captured sizes are not known
  return s.decodeSeqs / (L.attentionDp ? L.tp : 1) > sizes[sizes.length - 1]! + 1e-9;
}

/**
 * The share of a run's pure decode steps that run eagerly because a sequence in them is longer than the longest context
 * the runtime's graphs serve (launch.capture_max_context: vLLM V0's max_seq_len_to_capture, 8192 by default;
 * ModelInputForGPUBuilder._use_captured_graph requires max_decode_seq_len <= max_seq_len_to_capture, else the step runs
 * the model's modules eagerly). The step's longest sequence sets it: over a steady cycle of `mb` staggered sequences
 * decoding from context c0 to c1, the oldest one's context runs over the last 1/mb of that range (the whole range at
 * one sequence), and the share is the part of that range above the limit. 0 without a limit, without decode graphs
 * (graphs none / all: nothing switches), or when the range stays within it.
 */
export function decodeContextEagerShare(hw: NormalizedHardware, c0: number, c1: number, mb: number): number {
  const l = hw.runtime?.launch;
  const max = l?.captureMaxContext;
  if (max === undefined || (l!.graphs !== 'decode' && l!.graphs !== 'piecewise') || !(c1 > max)) return 0;
  const lo = c0 + (c1 - c0) * (1 - 1 / Math.max(1, mb));
  if (!(c1 > lo)) return 1;
  return Math.min(1, Math.max(0, (c1 - Math.max(lo, max)) / (c1 - lo)));
}

/** the launch phase of one of serve's engine iterations: 'decode_eager' for a decode step above the captured batches,
 *  or, under a runtime whose graphs serve contexts up to launch.capture_max_context, one whose context `ctx` (the
 *  decoding sequences' mean: serve's iterations know no longer one; LOW for a batch of mixed lengths, where vLLM V0
 *  tests the longest) is above it */
export function enginePhaseName(hw: NormalizedHardware, L: Layout, s: PassShape, phase: string, ctx = 0): string {
  if (phase !== 'decode') return phase;
  const long = s.prefillSeqs === 0 && decodeContextEagerShare(hw, ctx, ctx, 1) > 0;
  return long || decodeRunsEager(hw, L, s) ? DECODE_EAGER : phase;
}
export const DECODE_EAGER = 'decode_eager';

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
