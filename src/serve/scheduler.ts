// One replica's engine loop: continuous batching with chunked prefill, as vLLM's v1 scheduler
// (vllm/v1/core/sched/scheduler.py) and TensorRT-LLM's in-flight batching run it. Each iteration:
//   1. running decodes take one token each (K+1 with speculative decoding) of the --max-num-batched-tokens budget;
//      under the `preempt` policy (vLLM, SGLang) when the KV cache cannot hold their next tokens the most recently
//      admitted request is preempted, its KV freed and its tokens recomputed later (vLLM v1 default: recompute);
//   2. requests part-way through their prompt continue with the next chunk (chunked prefill);
//   3. waiting requests are admitted in arrival order while the budget, --max-num-seqs and the KV cache allow:
//      `preempt` admits when the chunk fits now; `reserve` (TensorRT-LLM's default GUARANTEED_NO_EVICT capacity
//      scheduler, tensorrt_llm/_torch/pyexecutor/scheduler.py) only when input + output of every running request
//      fit, so it never evicts. vLLM admits nothing new in an iteration that preempted. The output reserved is the
//      request's own length: a benchmark client sets max_tokens to it (trtllm-bench, MLPerf); a server whose clients
//      send a larger max_tokens reserves more than this. `estimate` (SGLang's PrefillAdder) preempts as `preempt` does,
//      and admits a request only while its input + output fits beside the running requests' KV plus a decaying share
//      (new_token_ratio) of the outputs they have yet to generate (src/serve/new-token-ratio.ts).
//      The policy is the runtime's scheduler.admission.
// An engine that does not mix (scheduler.mixed_batches false: SGLang's default, enable_mixed_chunk False; vLLM's V0
// engine without chunked prefill, scheduler.unchunked_prefill_first, src/serve/runtime-defaults.ts) runs an
// iteration of prefill chunks alone whenever it can form one, and a decode-only iteration otherwise
// (python/sglang/srt/managers/scheduler.py get_next_batch_to_run: "Run prefill first if possible"; get_new_batch_prefill
// passes running_bs to the PrefillAdder only under mixed chunks, so the decodes take none of the chunk budget). The
// running decodes wait through those iterations: decode progress counts decode iterations (decSteps), not iterations.
// An overlapped engine (scheduler.overlap_schedule: SGLang's event_loop_overlap) composes each iteration while the one
// before it runs, so an iteration that follows its predecessor back to back admits only the requests queued when that
// predecessor began (cfg.overlap below).
// The iteration is priced by the step-cost function (src/serve/step-cost.ts) from its shape alone: the scheduler
// knows nothing of hardware and the pricing nothing of queues (Vidur's split, microsoft/vidur).
// Decode progress is kept per replica in closed form (a request that started decoding at iteration s0 with n0
// tokens has n0 + (s − s0)·E at iteration s), so an iteration costs O(changes), not O(batch).
import { MinHeap } from './heap.js';
import type { StepPrice } from './step-cost.js';
import { NEW_TOKEN_RATIO } from './new-token-ratio.js';

export type Policy = 'preempt' | 'reserve' | 'estimate';

export interface Job {
  id: number;
  sent: number; // s, when the request reached the server
  input: number;
  output: number;
  prefixId?: string;
  prefixTokens?: number;
  prompt: number; // tokens to prefill (input; input + generated after a preemption)
  computed: number; // prompt tokens in the KV cache
  done: number; // output tokens produced
  firstToken: number; // s, −1 before
  firstSched: number; // s, −1 before
  decStart: number; // iteration index the current decode run began
  decDone0: number;
  gen: number; // bumped on preemption: stale heap entries are skipped
  state: number; // 0 waiting, 1 prefilling, 2 decoding, 3 done
  ready: boolean; // prompt computed elsewhere (disaggregated prefill): admit straight to decode
  chunk: number; // prompt tokens scheduled in the current iteration
  runPos: number; // position in `running` (preemption order)
  longDec?: boolean; // decoding with more than the estimate's clip of output still to come (SGLang admission)
  queued?: number; // s, when the request reached this replica's queue (an overlapped scheduler sees it from then)
}

export interface SchedulerConfig {
  policy: Policy;
  maxBatchedTokens: number;
  // the most prefill tokens of one request per iteration (under attention DP with per-rank schedulers: its rank's
  // chunk, max_num_batched_tokens / tp); undefined: the whole budget
  chunkCap?: number;
  // the admission estimate's new-token ratio at start and after an idle spell (policy 'estimate'); undefined: SGLang's
  // default 0.7 (src/serve/new-token-ratio.ts)
  initRatio?: number;
  maxSeqs: number;
  chunked: boolean; // chunked prefill; without it a prompt runs whole in one iteration (TensorRT-LLM's default)
  mixed?: boolean; // decodes ride in the iterations that run prefill chunks (default); false: prefill-only iterations first
  kvTokens: number; // KV capacity of the replica
  perStep: number; // E, output tokens a decode iteration yields per sequence (1, or the speculative mean)
  queryTokens: number; // tokens a decode sequence puts through the model per iteration (1, or K + 1)
  prefixHit: number; // share of each prompt found in the prefix cache
  role: 'mixed' | 'prefill' | 'decode';
  // the engine composes each batch while the one before it runs (scheduler.overlap_schedule: SGLang's
  // event_loop_overlap, vLLM's async scheduling, TensorRT-LLM's overlap scheduler): an iteration that starts as the
  // previous one ends was composed when that one started, so it admits only the requests queued by then
  overlap?: boolean;
  price: (decode: number, ctx: number, prefill: number, pairs: number) => StepPrice;
}

export interface StepRecord {
  seconds: number;
  decode: number;
  prefill: number;
  flops: number;
  bytes: number;
  // decode iterations: the running decodes' gap since their previous token, this iteration and the prefill-only
  // iterations they waited through before it (unmixed batches; vLLM's benchmark ITL is that gap). Those that joined
  // during the wait are given the whole wait too (their gap from the first token is shorter: ITL only, TPOT is exact)
  gapS: number;
}

export interface ReplicaEvents {
  finish(job: Job, t: number): void;
  firstToken(job: Job, t: number): void;
  prefilled(job: Job, t: number): void; // prefill role: the prompt is done, its KV leaves
  preempted(job: Job): void;
}

/** whether job j reached the queue after an overlapped composition at `cutoff` (lag: the iteration was composed when
 *  the previous one began; a request queued at that very instant missed it too) — module-level, so the scheduler's
 *  hot loop allocates no closure per iteration */
function queuedAfter(j: Job, cutoff: number, lag: boolean): boolean {
  return (j.queued ?? 0) > cutoff || (lag && j.queued === cutoff);
}

export class Replica {
  private fifo: Job[] = [];
  private head = 0;
  private front: Job[] = []; // preempted requests, served first (vLLM prepends them)
  private prefilling: Job[] = [];
  private running: (Job | null)[] = [];
  private runningLive = 0;
  private heap = new MinHeap<{ j: Job; g: number }>();
  decoding = 0;
  private ctxBase = 0; // Σ (input + n0 − s0·E) over decoding requests
  private prefillKv = 0; // KV tokens of requests still in prefill
  reserved = 0; // `reserve` policy: Σ (input + output) of admitted requests
  // `estimate` policy (SGLang): the new-token ratio; Σ output and Σ (decDone0 − decStart·E) over decoding requests
  // (outBase / doneBase: their outputs still to come, in closed form), and the same sums over the `short` ones whose
  // remaining output is within the clip. `longDecoding` counts the others, each charged the clip; `longHeap` holds
  // the decode step at which each of them comes within the clip, when it joins the short sums (so an iteration costs
  // what changed, not the batch)
  ratio: number = NEW_TOKEN_RATIO.init;
  private outBase = 0;
  private doneBase = 0;
  private shortOut = 0;
  private shortDone = 0;
  private shortN = 0;
  private longDecoding = 0;
  private longHeap = new MinHeap<{ j: Job; g: number }>();
  steps = 0;
  private decSteps = 0; // iterations that advanced the decodes (= steps when batches mix)
  private decodeRan = false; // the iteration in flight advances the decodes
  private stallS = 0; // prefill-only iterations the running decodes waited through since their last token
  private lastStart = -Infinity; // s, when the last iteration began
  private lastEnd = -Infinity; // s, when it ended
  busyUntil = Infinity; // end of the iteration in flight
  kvPeak = 0;
  private doneThisStep: Job[] = [];
  readonly prefixSeen = new Set<string>();

  constructor(readonly cfg: SchedulerConfig, private ev: ReplicaEvents) {
    this.ratio = cfg.initRatio ?? NEW_TOKEN_RATIO.init;
  }

  get waitingCount(): number {
    return this.fifo.length - this.head + this.front.length;
  }
  get runningCount(): number {
    return this.runningLive;
  }
  get load(): number {
    return this.waitingCount + this.runningLive;
  }
  get kvUsed(): number {
    return this.prefillKv + this.ctxSum(this.decSteps);
  }
  get idle(): boolean {
    return this.busyUntil === Infinity;
  }

  enqueue(j: Job, t = 0): void {
    j.queued = t;
    this.fifo.push(j);
  }

  private ctxSum(s: number): number {
    return this.ctxBase + this.decoding * s * this.cfg.perStep;
  }

  private peekWaiting(): Job | undefined {
    return this.front.length ? this.front[this.front.length - 1] : this.fifo[this.head];
  }
  private shiftWaiting(): void {
    if (this.front.length) this.front.pop();
    else {
      this.fifo[this.head++] = undefined as unknown as Job;
      if (this.head > 1024 && this.head * 2 > this.fifo.length) {
        this.fifo = this.fifo.slice(this.head);
        this.head = 0;
      }
    }
  }

  private addRunning(j: Job): void {
    j.runPos = this.running.length;
    this.running.push(j);
    this.runningLive++;
  }
  private dropRunning(j: Job): void {
    this.running[j.runPos] = null;
    this.runningLive--;
    while (this.running.length && this.running[this.running.length - 1] === null) this.running.pop();
  }

  private startDecode(j: Job): void {
    const E = this.cfg.perStep;
    j.state = 2;
    j.decStart = this.decSteps;
    j.decDone0 = j.done;
    this.decoding++;
    this.ctxBase += j.input + j.done - this.decSteps * E;
    this.outBase += j.output;
    this.doneBase += j.done - this.decSteps * E;
    const rem = j.output - j.done;
    j.longDec = rem > NEW_TOKEN_RATIO.clip;
    if (j.longDec) {
      this.longDecoding++;
      this.longHeap.push(this.decSteps + Math.ceil((rem - NEW_TOKEN_RATIO.clip) / E - 1e-9), { j, g: j.gen });
    } else this.shortSums(j, 1);
    const fin = this.decSteps + Math.max(1, Math.ceil((j.output - j.done) / E - 1e-9));
    this.heap.push(fin, { j, g: j.gen });
  }

  private stopDecode(j: Job, s: number): void {
    const E = this.cfg.perStep;
    this.decoding--;
    this.ctxBase -= j.input + j.decDone0 - j.decStart * E;
    this.outBase -= j.output;
    this.doneBase -= j.decDone0 - j.decStart * E;
    if (j.longDec) this.longDecoding--;
    else this.shortSums(j, -1);
    j.longDec = false;
    j.done = Math.min(j.output, j.decDone0 + (s - j.decStart) * E);
  }

  private shortSums(j: Job, sign: 1 | -1): void {
    this.shortOut += sign * j.output;
    this.shortDone += sign * (j.decDone0 - j.decStart * this.cfg.perStep);
    this.shortN += sign;
  }

  /** Σ over decoding requests of min(output − generated, clip): the outputs SGLang's estimate charges at the ratio.
   *  Long requests that came within the clip by now move to the short sums first (stale heap entries: skipped). */
  decodeRemaining(): number {
    const E = this.cfg.perStep, s = this.decSteps;
    while (this.longHeap.size && this.longHeap.peekKey() <= s) {
      const { j, g } = this.longHeap.pop()!;
      if (g !== j.gen || j.state !== 2 || !j.longDec) continue;
      j.longDec = false;
      this.longDecoding--;
      this.shortSums(j, 1);
    }
    return Math.max(0, this.shortOut - (this.shortDone + this.shortN * s * E)) + this.longDecoding * NEW_TOKEN_RATIO.clip;
  }

  /** decodeRemaining summed request by request (O(running)): the closed form's check in tests */
  decodeRemainingByRequest(): number {
    const E = this.cfg.perStep, s = this.decSteps;
    let sum = 0;
    for (const j of this.running) {
      if (j && j.state === 2) sum += Math.max(0, Math.min(j.output - Math.min(j.output, j.decDone0 + (s - j.decStart) * E), NEW_TOKEN_RATIO.clip));
    }
    return sum;
  }

  /** retract_decode's new ratio over the decodes kept: (Σ generated + retract steps × running) / Σ output, at most 1 */
  private retractRatio(): number {
    if (this.decoding === 0 || this.outBase <= 0) return 1;
    const generated = this.doneBase + this.decoding * this.decSteps * this.cfg.perStep;
    return Math.min(1, (generated + NEW_TOKEN_RATIO.retractSteps * this.decoding) / this.outBase);
  }

  private preemptOne(): boolean {
    while (this.running.length) {
      const j = this.running.pop();
      if (!j) continue;
      this.runningLive--;
      if (j.state === 2) this.stopDecode(j, this.decSteps);
      else if (j.state === 1) {
        this.prefillKv -= j.computed;
        this.prefilling.splice(this.prefilling.indexOf(j), 1);
      }
      j.gen++;
      j.state = 0;
      j.ready = false;
      j.prompt = j.input + Math.floor(j.done);
      j.computed = 0;
      j.queued = -Infinity; // the scheduler's own: served first, whenever it composes
      this.front.push(j);
      this.ev.preempted(j);
      return true;
    }
    return false;
  }

  private hitFor(j: Job): number {
    let hit = 0;
    if (j.prefixId !== undefined && j.prefixTokens) {
      if (this.prefixSeen.has(j.prefixId)) hit = j.prefixTokens;
      else this.prefixSeen.add(j.prefixId);
    } else if (this.cfg.prefixHit > 0) hit = Math.floor(this.cfg.prefixHit * j.input);
    // at least the last prompt token is computed (it produces the first output token)
    return Math.min(hit, j.prompt - 1);
  }

  /** Compose and price the next iteration at time t; returns its record, or null when there is nothing to run. */
  begin(t: number): StepRecord | null {
    const c = this.cfg;
    const q = c.queryTokens;
    let preempted = false;
    // an overlapped scheduler (cfg.overlap) composed this iteration when the previous one began, if it follows that one
    // back to back with work still running: only requests queued before then are in it (one queued at that very
    // instant, a closed-loop client's next request sent as a step ended, reached the engine after that composition:
    // the composition runs before the step's outputs are sent). With nothing left running the loop composes again at
    // once (an empty batch is not launched), so every request queued by now counts.
    const lag = !!c.overlap && t === this.lastEnd && (this.decoding > 0 || this.prefilling.length > 0);
    const cutoff = lag ? this.lastStart : t;
    // 1. room for the decodes' next tokens
    if (c.policy !== 'reserve') {
      while (this.decoding > 0 && this.kvUsed + this.decoding * q > c.kvTokens) {
        if (!this.preemptOne()) break;
        preempted = true;
      }
      if (preempted && c.policy === 'estimate') this.ratio = this.retractRatio();
    }
    // prefilled elsewhere: straight to decode
    while (!preempted) {
      const j = this.peekWaiting();
      if (!j || !j.ready || this.runningLive >= c.maxSeqs || queuedAfter(j, cutoff, lag)) break;
      const need = j.input + j.done;
      if (c.policy !== 'reserve' ? this.kvUsed + need + q > c.kvTokens : this.reserved + j.input + j.output > c.kvTokens) break;
      this.shiftWaiting();
      if (j.firstSched < 0) j.firstSched = t;
      if (c.policy === 'reserve') this.reserved += j.input + j.output;
      this.addRunning(j);
      this.startDecode(j);
    }
    const mixed = c.mixed !== false;
    const d = this.decoding;
    let budget = c.maxBatchedTokens - (mixed ? d * q : 0);
    let P = 0, pairs = 0;
    // `estimate`: KV the running decodes are expected to take (the ratio of their outputs to come), plus what this
    // round has admitted (each chunk, and the whole output of a prompt whose last chunk runs)
    const estimate = c.policy === 'estimate';
    const free0 = c.kvTokens - this.kvUsed; // the pool's free KV as the round starts (SGLang allocates after it)
    let offset = estimate && this.decoding > 0 ? this.ratio * this.decodeRemaining() : 0;
    const outputLeft = (j: Job) => Math.min(Math.max(0, j.output - j.done), NEW_TOKEN_RATIO.clip);
    const cap = c.chunked && c.chunkCap !== undefined ? c.chunkCap : Infinity;
    // 2. continue chunked prefills
    for (let i = 0; i < this.prefilling.length && budget > 0; i++) {
      const j = this.prefilling[i]!;
      const n = Math.min(j.prompt - j.computed, budget, cap);
      if (c.policy !== 'reserve' && this.kvUsed + n > c.kvTokens) break;
      if (estimate) offset += n + (j.computed + n >= j.prompt ? outputLeft(j) : 0);
      pairs += n * j.computed + (n * (n + 1)) / 2;
      P += n;
      budget -= n;
      j.chunk = n;
      j.computed += n;
      this.prefillKv += n;
    }
    // 3. admit waiting requests
    while (!preempted && budget > 0 && this.runningLive < c.maxSeqs) {
      const j = this.peekWaiting();
      if (!j || j.ready || queuedAfter(j, cutoff, lag)) break;
      const hit = this.hitFor(j);
      // without chunked prefill the whole prompt goes in one iteration: it waits for one with room, unless it is
      // the only prompt of the iteration (a prompt longer than the budget runs alone, as max_num_tokens allows)
      if (!c.chunked && j.prompt - hit > budget && P > 0) break;
      const n = c.chunked ? Math.min(j.prompt - hit, budget, cap) : j.prompt - hit;
      if (c.policy !== 'reserve' ? this.kvUsed + hit + n > c.kvTokens : this.reserved + j.input + j.output > c.kvTokens) break;
      // SGLang's add_one_req: the whole remaining prompt and output must fit beside the offset (not checked when
      // nothing runs: a request larger than the whole cache would otherwise never start)
      if (estimate && (this.runningLive > 0 || P > 0) && j.prompt - hit + outputLeft(j) >= free0 - offset) break;
      if (estimate) offset += n + (hit + n >= j.prompt ? outputLeft(j) : 0);
      this.shiftWaiting();
      if (c.policy === 'reserve') this.reserved += j.input + j.output;
      if (j.firstSched < 0) j.firstSched = t;
      j.state = 1;
      j.computed = hit + n;
      j.chunk = n;
      this.prefillKv += hit + n;
      pairs += n * hit + (n * (n + 1)) / 2;
      P += n;
      budget -= n;
      this.prefilling.push(j);
      this.addRunning(j);
    }
    if (d === 0 && P === 0) {
      this.ratio = c.initRatio ?? NEW_TOKEN_RATIO.init; // SGLang's self_check_during_idle
      return null;
    }
    // SGLang's update_running_batch: a decode-only iteration that retracted nothing lowers the ratio a step
    if (estimate && P === 0 && !preempted) {
      const init = c.initRatio ?? NEW_TOKEN_RATIO.init, min = init * NEW_TOKEN_RATIO.minFactor;
      this.ratio = Math.max(min, this.ratio - (init - min) / NEW_TOKEN_RATIO.decaySteps);
    }
    // unmixed: an iteration that formed prefill chunks runs them alone, the decodes wait for the next one
    const dr = mixed || P === 0 ? d : 0;
    this.decodeRan = mixed || dr > 0;
    const used = this.kvUsed + dr * q;
    if (used > this.kvPeak) this.kvPeak = used;
    const price = c.price(dr, dr > 0 ? this.ctxSum(this.decSteps) / dr : 0, P, pairs);
    this.busyUntil = t + price.seconds;
    this.lastStart = t;
    let gapS = price.seconds;
    if (dr > 0) {
      gapS += this.stallS;
      this.stallS = 0;
    } else if (d > 0) this.stallS += price.seconds;
    else this.stallS = 0; // no decode left running (all finished or preempted): the next cohort starts its gap afresh
    return { seconds: price.seconds, decode: dr, prefill: P, flops: price.flops, bytes: price.bytes, gapS };
  }

  /** The iteration in flight ends at t: tokens out, finished requests leave. */
  end(t: number): void {
    this.busyUntil = Infinity;
    this.lastEnd = t;
    this.steps++;
    if (this.decodeRan) this.decSteps++;
    const s = this.decSteps;
    // decodes whose last token came out
    while (this.heap.size && this.heap.peekKey() <= s) {
      const { j, g } = this.heap.pop()!;
      if (g !== j.gen || j.state !== 2) continue;
      this.stopDecode(j, s);
      j.done = j.output;
      this.finishJob(j, t);
    }
    // prompts that completed in this iteration produce their next token
    const done = this.doneThisStep;
    done.length = 0;
    let w = 0;
    for (let i = 0; i < this.prefilling.length; i++) {
      const j = this.prefilling[i]!;
      if (j.computed >= j.prompt) done.push(j);
      else this.prefilling[w++] = j;
    }
    this.prefilling.length = w;
    for (const j of done) {
      this.prefillKv -= j.computed;
      j.done += 1;
      if (j.firstToken < 0) {
        j.firstToken = t;
        this.ev.firstToken(j, t);
      }
      if (this.cfg.role === 'prefill') {
        this.dropRunning(j);
        if (this.cfg.policy === 'reserve') this.reserved -= j.input + j.output;
        j.state = 0;
        this.ev.prefilled(j, t);
      } else if (j.done >= j.output) {
        this.finishJob(j, t);
      } else {
        this.startDecode(j);
      }
    }
  }

  private finishJob(j: Job, t: number): void {
    j.state = 3;
    this.dropRunning(j);
    if (this.cfg.policy === 'reserve') this.reserved -= j.input + j.output;
    this.ev.finish(j, t);
  }
}
