// The price of one engine iteration, from the same graph and roofline `simulate` uses (src/model/decoder-graph.ts,
// src/sim/decoder.ts costPass): `decode` sequences of one new token each at a mean context of `ctx` tokens, and
// `prefill` new prompt tokens that attend to `pairs` query·key pairs in all (a chunk of n tokens starting at
// offset k has n·k + n(n+1)/2). The graph takes prefill as s sequences of length ℓ with s·ℓ(ℓ+1)/2 pairs, so
// ℓ = 2·pairs/prefill − 1 and s = prefill/ℓ reproduce both the tokens and the attention work exactly.
// Decode attention is linear in the context per sequence, so the mean context prices the whole batch.
// The pass is built by simulate's own passOps, so a runtime's kernel counts (ggml's decode_graph,
// quantize_activations, kernel_cycles: src/sim/ggml-kernels.ts) price serve's iterations as they price simulate's.
//
// Pipeline parallelism: pp microbatches of 1/pp of the batch are in flight, a token crosses every stage, so an
// iteration of the whole batch lasts pp stage-times of a 1/pp microbatch (as simulate's tpot = pp·step).
// The runtime's host time per iteration (`runtime.step_overhead`) is added once per iteration, as simulate does; an
// eager decode loop (host.decode_step) prices each iteration as simulate's addHost does.
// As in simulate, decode attends over kvTokens of its context (a static-shape runtime's whole compiled context), and
// under attention data parallelism an iteration that decodes waits for the rank that drew the most of its prefills
// (src/sim/decoder.ts attentionDpWait; here the iteration's own prefill count lands on the ranks at random).
//
// Memoised: counts below 128 are exact, larger ones fall in geometric buckets 0.4% wide (the roofline is smooth
// in them), so a million-request run prices a few thousand distinct shapes.
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import type { Precision } from '../model/quant.js';
import { attentionDpExcess, attentionDpWait, costPass, passOps, stepPhase } from '../sim/decoder.js';
import { decodeKvTokens } from '../sim/kv-read-blocks.js';
import { decodePlanSyncSeconds, exposedHostSeconds, schedulerSequences, workerRpcSeconds, workerRpcWorkers } from '../runtime/host.js';
import { decoderHostArch, eagerStepSeconds } from '../runtime/launch.js';
import { expertLoopHostS } from '../sim/moe-expert-loop.js';
import type { Layout } from '../sim/parallel.js';
import { enginePhaseName } from '../sim/graph-padding.js';

export interface StepPrice {
  seconds: number;
  flops: number; // per device, one iteration
  bytes: number; // per device DRAM traffic, one iteration
}

const EXACT = 128;
const LN_R = Math.log(1 + 1 / 256);
const LN_EXACT = Math.log(EXACT);

function bucket(x: number): number {
  if (x < EXACT) return Math.round(x);
  return EXACT + Math.round((Math.log(x) - LN_EXACT) / LN_R);
}
function unbucket(b: number): number {
  return b < EXACT ? b : Math.exp(LN_EXACT + (b - EXACT) * LN_R);
}

export class StepCoster {
  private memo = new Map<number, StepPrice>();
  readonly hostS: number;
  constructor(
    readonly model: DecoderModel,
    readonly hw: NormalizedHardware,
    readonly layout: Layout,
    readonly precision: Precision,
    hostS?: number,
  ) {
    // the fixed part: the runtime's step_overhead and the step's remote calls to its tp × pp workers (host.worker_rpc)
    this.hostS = hostS ?? (hw.runtime?.stepOverheadS ?? 0) + workerRpcSeconds(hw.runtime, workerRpcWorkers(hw.runtime, layout.tp, layout.pp));
    // a caller that sets the host time (a drafter's steps inside the engine's iteration: 0) sets all of it, except
    // under an eager decode loop, where every forward is a generate() step of its own (below)
    this.perSequence = hostS === undefined;
  }
  private readonly perSequence: boolean;
  // under attention DP with per-rank schedulers (scheduler.dp_rank_chunks: SGLang), the prefill tokens one rank takes
  // per iteration (max_num_batched_tokens / tp); undefined: one scheduler for the replica, its prefills landing on the
  // ranks at random
  rankChunk: number | undefined = undefined;

  get distinctShapes(): number {
    return this.memo.size;
  }

  price(decode: number, ctx: number, prefill: number, pairs: number): StepPrice {
    const db = Math.round(decode);
    const cb = db > 0 ? bucket(ctx) : 0;
    const pb = prefill > 0 ? bucket(prefill) : 0;
    const ell = prefill > 0 ? Math.max(1, (2 * pairs) / prefill - 1) : 0;
    const lb = prefill > 0 ? bucket(ell) : 0;
    const key = ((db * 4096 + cb) * 4096 + pb) * 4096 + lb;
    let v = this.memo.get(key);
    if (!v) {
      v = this.compute(db, unbucket(cb), unbucket(pb), unbucket(lb));
      this.memo.set(key, v);
    }
    return v;
  }

  /**
   * Per-rank schedulers under attention DP (SGLang: one Scheduler per DP rank, each taking chunked_prefill_size //
   * dp_size tokens of its own requests per iteration; the ranks step together at every MoE layer): an iteration's
   * `tokens` prefill tokens (one pp stage's) fill the ranks a chunk each, so the busiest rank holds min(tokens, its
   * chunk) of them where the pass prices every rank at tokens / tp. Its excess over that mean is priced as the
   * attention side of that many prompt tokens at the iteration's mean length `len` on one rank (attentionDpWait). A
   * decode-only iteration waits for nothing; a lone prompt's chunk waits (the other ranks idle on its attention side).
   */
  private rankChunkWait(tokens: number, len: number): number {
    const L = this.layout;
    if (!(tokens > 0) || !L.attentionDp || L.tp < 2) return 0;
    const excess = Math.max(0, Math.min(tokens, this.rankChunk! / L.pp) - tokens / L.tp);
    return excess > 0 ? attentionDpWait(this.model, this.hw, L, this.precision, excess / len, len) : 0;
  }

  /** unmemoised: one iteration of `decode` sequences at context `ctx` and `prefill` tokens as sequences of `ell` */
  compute(decode: number, ctx: number, prefill: number, ell: number): StepPrice {
    if (decode <= 0 && prefill <= 0) return { seconds: 0, flops: 0, bytes: 0 };
    const pp = this.layout.pp;
    const len = prefill > 0 ? ell : 1;
    const prefillSeqs = prefill > 0 ? prefill / len / pp : 0;
    const shape = { prefillSeqs, prefillLen: len, decodeSeqs: decode / pp };
    const ops = passOps(this.model, this.hw, this.layout, this.precision, shape, true);
    const kvCtx = decodeKvTokens(this.hw, ctx);
    // an iteration that decodes beside prompt tokens launches as the runtime runs steps with prompts (src/sim/decoder.ts
    // stepPhase, src/runtime/launch.ts launchMode), not as a replay of its decode graph; a decode step above the
    // runtime's largest captured graph, or over a context longer than its graphs serve (launch.capture_max_context),
    // launches its kernels from the host (src/sim/graph-padding.ts enginePhaseName)
    const c = costPass(ops, this.hw, kvCtx, kvCtx, decode > 0 ? enginePhaseName(this.hw, this.layout, shape, stepPhase(prefill), ctx) : 'prefill');
    const wait = this.rankChunk !== undefined ? this.rankChunkWait(prefill / pp, len)
      : decode > 0 ? attentionDpWait(this.model, this.hw, this.layout, this.precision, attentionDpExcess(this.layout, { count: prefillSeqs }), len) : 0;
    // host time: the fixed part (hostS: the runtime's step_overhead unless the caller says) and the part per running
    // sequence (src/runtime/host.ts)
    const rt = this.hw.runtime;
    // the sequences one scheduler walks (one rank's share under attention DP: src/runtime/host.ts schedulerSequences)
    const seqs = schedulerSequences(this.layout, decode + (prefill > 0 ? prefill / len : 0));
    // an eager decode loop (host.decode_step: HF generate()) prices every forward as its loop's host time against the
    // kernels of one pp stage (src/runtime/launch.ts eagerStepSeconds), as simulate does (src/sim/decoder.ts addHost);
    // costPass priced the kernels alone (launch phase 'device'). A drafter's forwards too: HF assisted generation
    // drafts by calling the assistant model's own generate() for its draft tokens (transformers
    // src/transformers/generation/candidate_generator.py, AssistedCandidateGenerator: self.assistant_model.generate),
    // one loop step per draft token; without this the eager drafter paid neither the loop's host time nor launch floors
    // (a MoE block that loops over its experts in Python pays its iterations for the pass's tokens: src/sim/moe-expert-loop.ts)
    const loopS = expertLoopHostS(this.hw, this.model, (prefill + decode) / pp, pp, this.layout.ep);
    const stage = eagerStepSeconds(this.hw, { layers: this.model.layers / pp, rows: seqs, deviceS: c.seconds + wait, arch: decoderHostArch(this.model), expertLoopS: loopS });
    if (stage !== undefined) return { seconds: stage * pp, flops: c.flops * pp, bytes: c.bytes * pp };
    const device = (c.seconds + wait) * pp;
    // (its decoding sequences pay 1/N of it under multi-step scheduling, scheduler.steps)
    // a decode-only iteration whose attention plan first reads its indices back from the device idles it longer
    // (host.decode_plan_sync: src/runtime/host.ts decodePlanSyncSeconds); not a drafter's steps (hostS given)
    const planSync = this.perSequence ? decodePlanSyncSeconds(rt, this.model.attention?.kind === 'mla', decode > 0 && prefill <= 0) : 0;
    // (a drafter's steps, hostS given, pay no per-sequence part; a loop that runs ahead of the device, host.runs_ahead,
    // costs a decoding step only the host time that outlasts it: src/runtime/host.ts exposedHostSeconds)
    const hostRt = rt && (this.perSequence ? rt : { ...rt, hostPerSequenceS: 0, hostSamplingPerVocabS: 0 });
    const host = (hostRt ? exposedHostSeconds(hostRt, this.hostS, seqs, device, this.model.vocab, schedulerSequences(this.layout, decode)) : this.hostS) + planSync;
    return { seconds: device + host, flops: c.flops * pp, bytes: c.bytes * pp };
  }
}
