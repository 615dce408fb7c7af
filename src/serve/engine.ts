// The discrete-event loop of `hwperf serve`: requests arrive (open loop, trace, or closed loop), a router sends each
// to a replica, replicas run iterations (src/serve/scheduler.ts), and with disaggregation a request's KV cache
// crosses from a prefill replica to a decode replica. Three kinds of event, earliest first: an arrival, the end
// of a replica's iteration, the end of a KV transfer.
//
//   arrival ──router──▶ replica.waiting ──begin(t)──▶ iteration ──end(t+step)──▶ tokens out, finished requests
//                         ▲                                            │ (prefill pool)
//                         └──────── decode replica ◀── KV transfer ◀───┘
//
// With a front end (src/serve/frontend.ts: the API-server process) a request reaches the router when the front end
// has taken it in, and the client sees each token when the front end has streamed it: TTFT, TPOT, E2E and the
// duration are the client's times; ITL stays the engine's gap between iterations.
//
// Metrics as vLLM's benchmark reports them (benchmarks/benchmark_serving.py): TTFT from sending to the first
// token, TPOT = (e2e − ttft)/(output − 1) per request, ITL per decode iteration a request takes part in (with the
// prefill-only iterations it waited through before it, under unmixed batches: the gap between two tokens), E2E,
// and the queue time from sending to the first iteration that schedules the request. Percentiles come from
// sketches of fixed size (src/serve/sketch.ts); nothing else is kept per finished request.
import type { Arrival, Source } from './arrivals.js';
import { Replica, type Job, type SchedulerConfig, type StepRecord } from './scheduler.js';
import { MinHeap } from './heap.js';
import { Router, type RouterKind } from './router.js';
import { QuantileSketch } from './sketch.js';
import { CapacityError } from './errors.js';
import { Frontend, type FrontendCost } from './frontend.js';

export interface PoolSetup {
  name: 'mixed' | 'prefill' | 'decode';
  replicas: number;
  devicesPerReplica: number;
  sched: SchedulerConfig;
}

export interface Slo {
  ttftS?: number;
  tpotS?: number;
  e2eS?: number;
}

export interface EngineSetup {
  source: Source;
  maxConcurrency?: number; // outstanding requests at most (vLLM's --max-concurrency; closed loop with no rate)
  entry: PoolSetup; // where requests arrive (mixed, or the prefill pool)
  decode?: PoolSetup; // disaggregated decode pool
  transferS?: (tokens: number) => number; // KV transfer time of a prompt from prefill to decode pool
  router: RouterKind;
  frontend?: FrontendCost; // the API-server process in front of the engine; none: the engine's times are the client's
  slo: Slo;
  timeline?: boolean;
  onProgress?: (finished: number, total: number) => void;
}

export interface TimelineRow {
  t_s: number;
  pool: string;
  replica: number;
  step_s: number;
  decode_seqs: number;
  prefill_tokens: number;
  waiting: number;
  running: number;
  kv_used_tokens: number;
}

export interface EngineResult {
  finished: number;
  duration: number;
  outputTokens: number;
  inputTokens: number;
  ttft: QuantileSketch;
  tpot: QuantileSketch;
  itl: QuantileSketch;
  e2e: QuantileSketch;
  queue: QuantileSketch;
  sloMet: number;
  meanInSystem: number;
  meanRunning: number;
  kvPeakTokens: { pool: string; tokens: number }[];
  preemptions: number;
  work: { flops: number; bytes: number }; // all devices, all iterations
  timeline: TimelineRow[];
}

export function runEngine(s: EngineSetup): EngineResult {
  const ttft = new QuantileSketch(), tpot = new QuantileSketch(), itl = new QuantileSketch(), e2e = new QuantileSketch(), queue = new QuantileSketch();
  let finished = 0, outTok = 0, inTok = 0, sloMet = 0, preemptions = 0, duration = 0;
  let inSystem = 0, running = 0, areaSys = 0, areaRun = 0, tLast = 0;
  let flops = 0, bytes = 0;
  const timeline: TimelineRow[] = [];
  const transfers = new MinHeap<Job>();
  const total = s.source.total;
  const cap = s.maxConcurrency ?? Infinity;
  const fe = s.frontend && (s.frontend.perRequestS > 0 || s.frontend.perTokenS > 0) ? new Frontend(s.frontend) : null;
  const intake: { t: number; j: Job }[] = []; // requests the front end is still taking in, in order
  let intakeHead = 0;

  const events = {
    finish(j: Job, tEngine: number) {
      const t = fe ? fe.delivered : tEngine; // the last token reaches the client after this iteration's tokens
      finished++;
      inSystem--;
      outTok += j.output;
      inTok += j.input;
      const tt = j.firstToken - j.sent, ee = t - j.sent;
      ttft.add(tt);
      e2e.add(ee);
      queue.add(Math.max(0, j.firstSched - j.sent));
      const tp = j.output > 1 ? (ee - tt) / (j.output - 1) : 0;
      if (j.output > 1) tpot.add(tp);
      if ((s.slo.ttftS === undefined || tt <= s.slo.ttftS) && (s.slo.tpotS === undefined || j.output <= 1 || tp <= s.slo.tpotS) && (s.slo.e2eS === undefined || ee <= s.slo.e2eS)) sloMet++;
      if (t > duration) duration = t;
      if (s.onProgress && (finished & 4095) === 0) s.onProgress(finished, total);
    },
    firstToken(j: Job, t: number) {
      if (fe) j.firstToken = fe.stream(t, 1);
    },
    prefilled(j: Job, t: number) {
      j.ready = true;
      transfers.push(t + (s.transferS ? s.transferS(j.input) : 0), j);
    },
    preempted() {
      preemptions++;
    },
  };
  // disaggregated: the first token reaches the user once the KV cache (and the token) are on the decode side
  const entryEvents = s.decode ? { ...events, firstToken() {} } : events;

  // a front end in the engine's own process (frontend.sharedWithEngine: vLLM before 0.6) delays that engine's next
  // iteration until it has streamed what the one before produced (first tokens and decode tokens). Each replica is
  // then a server of its own (its own API server), so the wait is on the replica's own tokens (ownStream[i]), not on
  // other replicas'; its intake (the prompt's tokenization) is the replica's too (admit), while the client-side delivery
  // of tokens stays the run's one front end above
  const ownStream = s.frontend?.sharedWithEngine && fe ? new Float64Array(s.entry.replicas + (s.decode?.replicas ?? 0)) : null;
  const perTokenS = s.frontend?.perTokenS ?? 0, perRequestS = s.frontend?.perRequestS ?? 0;
  const ownEvents = (i: number): typeof events => (ownStream ? { ...events, firstToken(j: Job, t: number) { events.firstToken(j, t); ownStream[i] = Math.max(ownStream[i]!, t) + perTokenS; } } : events);
  const mk = (p: PoolSetup, base: number) => Array.from({ length: p.replicas }, (_, k) => new Replica(p.sched, p.name === 'prefill' ? entryEvents : ownEvents(base + k)));
  const entry = mk(s.entry, 0);
  const dec = s.decode ? mk(s.decode, s.entry.replicas) : [];
  const all = [...entry, ...dec];
  const stepTokens = new Float64Array(all.length); // decode tokens the iteration in flight on each replica yields
  const poolOf = (i: number) => (i < entry.length ? s.entry.name : 'decode');
  const router = new Router(s.router, entry.length);
  const decRouter = new Router(s.router, Math.max(1, dec.length));
  const entryCap = s.entry.sched.kvTokens;
  const maxCtx = Math.min(entryCap, s.decode ? s.decode.sched.kvTokens : Infinity);

  const countRunning = () => {
    let r = 0;
    for (const x of all) r += x.runningCount;
    return r;
  };
  const countWaiting = () => {
    let w = 0;
    for (const x of all) w += x.waitingCount;
    return w;
  };
  const advance = (t: number) => {
    if (t > tLast) {
      areaSys += (t - tLast) * inSystem;
      areaRun += (t - tLast) * running;
      tLast = t;
    }
  };
  const kick = (r: Replica, i: number, tNow: number) => {
    if (!r.idle) return;
    const t = ownStream ? Math.max(tNow, ownStream[i]!) : tNow;
    const rec: StepRecord | null = r.begin(t);
    if (!rec) return;
    const pool = i < entry.length ? s.entry : s.decode!;
    flops += rec.flops * pool.devicesPerReplica;
    bytes += rec.bytes * pool.devicesPerReplica;
    if (rec.decode > 0) itl.add(rec.gapS + (t - tNow), rec.decode); // a wait for a shared front end is in the gap
    stepTokens[i] = rec.decode * pool.sched.perStep;
    if (s.timeline) {
      timeline.push({ t_s: t, pool: poolOf(i), replica: i < entry.length ? i : i - entry.length, step_s: rec.seconds, decode_seqs: rec.decode, prefill_tokens: rec.prefill, waiting: countWaiting(), running: countRunning(), kv_used_tokens: r.kvUsed });
    }
  };

  const admit = (j: Job, t: number) => {
    const k = router.pick((i) => entry[i]!.load);
    // a shared front end takes the request in (tokenization) in the replica's own process, serial with its engine
    if (ownStream) ownStream[k] = Math.max(ownStream[k]!, t) + perRequestS;
    entry[k]!.enqueue(j, t);
    kick(entry[k]!, k, t);
  };

  let pending: Arrival | null = s.source.next();
  let sent = 0, outstanding = 0, now = 0;
  for (;;) {
    const tA = pending && outstanding < cap ? Math.max(pending.arrival, now) : Infinity;
    const tI = intakeHead < intake.length ? intake[intakeHead]!.t : Infinity;
    const tX = transfers.peekKey();
    let ri = -1, tR = Infinity;
    for (let i = 0; i < all.length; i++) {
      const b = all[i]!.busyUntil;
      if (b < tR) { tR = b; ri = i; }
    }
    const t = Math.min(tA, tI, tX, tR);
    if (t === Infinity) break;
    advance(t);
    now = t;
    if (t === tR) {
      const r = all[ri]!;
      const before = finished;
      if (fe) fe.stream(t, stepTokens[ri]!);
      if (ownStream) ownStream[ri] = Math.max(ownStream[ri]!, t) + stepTokens[ri]! * perTokenS;
      r.end(t);
      outstanding -= finished - before;
      running = countRunning();
      kick(r, ri, t);
    } else if (t === tX) {
      const j = transfers.pop()!;
      const k = decRouter.pick((i) => dec[i]!.load);
      j.firstToken = fe ? fe.stream(t, 1) : t;
      dec[k]!.enqueue(j, t);
      kick(dec[k]!, entry.length + k, t);
    } else if (t === tI) {
      const { j } = intake[intakeHead++]!;
      if (intakeHead === intake.length) intake.length = intakeHead = 0;
      admit(j, t);
    } else {
      const a = pending!;
      pending = s.source.next();
      if (a.input + a.output > maxCtx) {
        throw new CapacityError(`a request of ${a.input} + ${a.output} tokens does not fit the KV cache of one replica (${maxCtx} tokens): raise --tp, lower the lengths or use a smaller --kv-cache dtype`);
      }
      const j: Job = {
        id: sent++, sent: t, input: a.input, output: a.output, prefixId: a.prefixId, prefixTokens: a.prefixTokens,
        prompt: a.input, computed: 0, done: 0, firstToken: -1, firstSched: -1, decStart: 0, decDone0: 0, gen: 0,
        state: 0, ready: false, chunk: 0, runPos: -1, queued: t,
      };
      outstanding++;
      inSystem++;
      const tIn = fe && !ownStream ? fe.intake(t) : t; // shared: the replica's own API server takes it in (admit)
      if (tIn > t) intake.push({ t: tIn, j });
      else admit(j, t);
    }
    running = countRunning();
  }
  const kvPeakTokens = [
    { pool: s.entry.name, tokens: Math.max(0, ...entry.map((r) => r.kvPeak)) },
    ...(dec.length ? [{ pool: 'decode', tokens: Math.max(0, ...dec.map((r) => r.kvPeak)) }] : []),
  ];
  return {
    finished,
    duration,
    outputTokens: outTok,
    inputTokens: inTok,
    ttft, tpot, itl, e2e, queue,
    sloMet,
    meanInSystem: duration > 0 ? areaSys / duration : 0,
    meanRunning: duration > 0 ? areaRun / duration : 0,
    kvPeakTokens,
    preemptions,
    work: { flops, bytes },
    timeline,
  };
}
