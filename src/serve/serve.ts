// serve(options) ──layout, precision, runtime──▶ pools (KV capacity, step pricing, scheduler) ──▶ engine ──▶ ServeResult
//
//   1. lengths, arrivals (rate / closed loop / trace) and SLOs
//   2. pools: one aggregated pool of replicas, or a prefill pool and a decode pool (disaggregated)
//   3. per pool: KV capacity (src/serve/kv.ts), step price (src/serve/step-cost.ts, speculative decoding on top)
//   4. the discrete-event run (src/serve/engine.ts)
//   5. the result: SI numbers, percentiles as {mean, p50, p90, p99, max}, energy and cost over the whole run
import { bindRuntime, withDefaultRuntime } from '../runtime/resolve.js';
import { graphsOffWarning } from '../runtime/override.js';
import { kvCacheFor, kvCacheRule } from '../runtime/kv-cache.js';
import { modelForRuntime } from '../runtime/mla-cache.js';
import { findLibraryRuntime } from '../spec/library.js';
import type { DecoderModel, NormalizedHardware, NormalizedModel } from '../spec/types.js';
import { UserError } from '../spec/errors.js';
import { PRICE_EXPECTED, priceInRange } from '../sim/price.js';
import { resolvePrecision, type Precision } from '../model/quant.js';
import { buildLayout, dpMoeOf, type Layout } from '../sim/parallel.js';
import { workEnergy } from '../sim/energy-cost.js';
import { staticContextWarning } from '../sim/decoder.js';
import { kvTokens } from '../sim/memory.js';
import { tco } from '../sim/tco.js';
import { longestLength, meanLength, parseLength, type LengthDist } from './lengths.js';
import { makeSource } from './arrivals.js';
import { loadTrace, MAX_SPAN_S, type TraceRow } from './trace.js';
import { StepCoster } from './step-cost.js';
import { poolSeqCap } from '../sim/pool-seqs.js';
import { NEW_TOKEN_RATIO } from './new-token-ratio.js';
import { kvCapacity } from './kv.js';
import { runEngine, type EngineResult, type PoolSetup, type Slo, type TimelineRow } from './engine.js';
import { parseRouter } from './router.js';
import { serveRuntime, type ServeRuntime } from './runtime-defaults.js';
import { makeDrafter, specPrice, tokensPerStep, type SpecConfig } from './spec-decode.js';
import { kvTransfer } from './disagg.js';
import type { Summary } from './sketch.js';

export interface ServeOptions {
  model: NormalizedModel;
  hardware: NormalizedHardware;
  tp?: number;
  pp?: number;
  ep?: number;
  devices?: number;
  attentionDp?: boolean;
  dtype?: string;
  weights?: string;
  activations?: string;
  kvCache?: string;
  rate?: number;
  burstiness?: number;
  maxConcurrency?: number;
  concurrency?: number;
  trace?: string;
  traceRows?: TraceRow[];
  requests?: number;
  seed?: number;
  inputTokens?: string | number;
  outputTokens?: string | number;
  maxNumBatchedTokens?: number;
  maxNumSeqs?: number;
  // the engine's max_model_len (vLLM --max-model-len); the runtime's scheduler defaults follow it (chunked prefill and
  // the step budget of vLLM V0: runtimes/vllm-0.6.yaml scheduler). Default: the model's context
  maxModelLen?: number;
  prefixHit?: number;
  prefillDevices?: number;
  decodeDevices?: number;
  prefillTp?: number;
  decodeTp?: number;
  router?: string;
  spec?: SpecConfig;
  slo?: Slo;
  timeline?: boolean;
  runtime?: string;
  // where requests enter (--frontend): 'api' through the runtime's API server, priced by its frontend block (vllm
  // bench serve, benchmark_serving.py, sglang.bench_serving, genai-perf); 'none' straight into the engine (offline
  // LLM.generate / benchmark_throughput, trtllm-bench, an MLPerf harness), which has no API server. Default 'api'.
  frontend?: Entry;
  priceUsdPerHour?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ServeResult {
  requests: number;
  duration_s: number;
  request_throughput_per_s: number;
  throughput_tok_s: number;
  input_tok_s: number;
  ttft_s: Summary;
  tpot_s: Summary;
  itl_s: Summary;
  e2e_s: Summary;
  queue_s: Summary;
  goodput_req_per_s: number;
  slo_attainment: number;
  mean_in_system: number;
  mean_running: number;
  kv_peak_bytes: number;
  preemptions: number;
  devices: number;
  runtime: string;
  kv_cache_dtype: string; // the KV-cache element type served (--kv-cache, else the runtime's default)
  kv_cache_default: string; // the runtime's rule when --kv-cache is not given: auto | checkpoint | a dtype
  frontend: Entry; // where requests entered: api (the runtime's API server) or none (straight into the engine)
  frontend_per_request_s: number; // API-server time priced per request taken in (0: none priced or --frontend none)
  frontend_per_token_s: number; // API-server time priced per output token streamed (0: likewise)
  energy_j_per_token: number | null;
  cost_usd_per_mtok: number | null;
  tco_usd_per_hour: number | null;
  tco_usd_per_mtok: number | null;
  tokens_per_s_per_mw: number | null;
  warnings: string[];
}

export interface ServeRun {
  result: ServeResult;
  timeline: TimelineRow[];
  engine: EngineResult;
  kvTokens: number; // KV capacity of one replica of the entry pool (tokens)
}

interface Pool {
  setup: PoolSetup;
  layout: Layout;
  kvBytesPerTokenDevice: number;
}

export type Entry = 'api' | 'none';
export const ENTRIES: readonly Entry[] = ['api', 'none'];

export const MAX_REQUESTS = 1_000_000;
export const MAX_TOKENS = 5e8;
export const MAX_SERVE_DEVICES = 16_384;
// the gamma shape of inter-arrival times: below 1e-3 nearly every request lands in one burst with the rest of the
// span empty (and 1/(rate·shape) overflows), above 1e3 the gaps are constant to a part in 30; the range is symmetric
export const MIN_BURSTINESS = 1e-3;

// Upper ends of the load and scheduler flags, far past any deployment: a billion requests a second arrive closer than
// a nanosecond apart (every step takes longer: all at once); a replica that runs or a client pool that holds more than
// the requests simulated, or a step budget past the 1e9-token length cap (src/serve/lengths.ts), changes nothing.
export const MAX_RATE = 1e9;
const MAX_OF: Record<string, number> = {
  rate: MAX_RATE, 'max-concurrency': MAX_REQUESTS, concurrency: MAX_REQUESTS, 'max-num-seqs': MAX_REQUESTS, 'max-num-batched-tokens': 1e9,
};
// the arrival and length streams take the seed as a uint32 (src/serve/rng.ts `seed >>> 0`): 2^32 would replay seed 0
export const MAX_SEED = 2 ** 32 - 1;
/** --seed (serve, plan): an integer the streams take as it is, or a one-line error */
export function checkSeed(seed: number | undefined): void {
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED)) throw new UserError(`--seed: expected an integer from 0 to ${MAX_SEED}, found "${seed}"`);
}

function positive(name: string, v: number | undefined, integer: boolean): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new UserError(`--${name}: expected a positive ${integer ? 'integer' : 'number'}, found "${v}"`);
  const max = MAX_OF[name];
  if (max !== undefined && v > max) throw new UserError(`--${name}: expected at most ${max}, found "${v}"`);
}

export function serve(o: ServeOptions): ServeRun {
  // 1. model, lengths, arrivals, SLOs
  const m0 = o.model as DecoderModel;
  if (m0.family !== 'decoder') throw new UserError(`serve: ${m0.id} is ${/^[aeiou]/.test(m0.family) ? 'an' : 'a'} ${m0.family} model; serving simulates decoder LLMs`);
  // the runtime that drives the hardware (runtimes/*.yaml): bound by the caller, else --runtime when it is a library
  // runtime, else the default for this hardware (host time per step, usable memory, scheduler defaults come from it)
  const named = o.runtime !== undefined ? findLibraryRuntime(o.runtime) : undefined;
  const hw = o.hardware.runtime ? o.hardware : named ? bindRuntime(o.hardware, named) : withDefaultRuntime(o.hardware, m0);
  // the model as that runtime runs it (src/runtime/mla-cache.ts)
  const m = modelForRuntime(m0, hw);
  for (const [k, v, i] of [['rate', o.rate, false], ['burstiness', o.burstiness, false], ['max-concurrency', o.maxConcurrency, true], ['concurrency', o.concurrency, true], ['requests', o.requests, true], ['max-num-batched-tokens', o.maxNumBatchedTokens, true], ['max-num-seqs', o.maxNumSeqs, true], ['max-model-len', o.maxModelLen, true]] as const) positive(k, v, i);
  // each replica is simulated as its own engine: more devices than this is no deployment and would never finish
  for (const [k, v] of [['devices', o.devices], ['prefill-devices', o.prefillDevices], ['decode-devices', o.decodeDevices]] as const) {
    if (v !== undefined && v > MAX_SERVE_DEVICES) throw new UserError(`--${k}: at most ${MAX_SERVE_DEVICES} devices are simulated, found "${v}"`);
  }
  checkSeed(o.seed);
  if (o.priceUsdPerHour !== undefined && !priceInRange(o.priceUsdPerHour)) throw new UserError(`--price: ${PRICE_EXPECTED}, found "${o.priceUsdPerHour}"`);
  const modes = [o.rate !== undefined, o.concurrency !== undefined, o.trace !== undefined || o.traceRows !== undefined].filter(Boolean).length;
  if (o.concurrency !== undefined && (o.rate !== undefined || o.maxConcurrency !== undefined)) throw new UserError('--concurrency is a closed loop: leave out --rate and --max-concurrency (or use --rate R --max-concurrency C)');
  if (modes === 0) throw new UserError('serve needs a load: --rate R (requests/s), --concurrency C (closed loop) or --trace FILE');
  if (o.prefixHit !== undefined && !(o.prefixHit >= 0 && o.prefixHit < 1)) throw new UserError(`--prefix-hit: expected a fraction in [0, 1), found "${o.prefixHit}"`);
  const input: LengthDist = parseLength('input-tokens', o.inputTokens, 512, 1);
  const output: LengthDist = parseLength('output-tokens', o.outputTokens, 128, 1);
  if (input.kind === 'fixed' && output.kind === 'fixed' && input.n + output.n > m.context) throw new UserError(`context of ${input.n + output.n} tokens (input + output) is longer than ${m.id}'s ${m.context}`);
  const trace = o.traceRows ?? (o.trace !== undefined ? loadTrace(o.trace, m.context, o.requests) : undefined);
  const requests = o.requests ?? (trace ? trace.length : 1000);
  const take = Math.min(requests, trace ? trace.length : Infinity);
  // an event simulation costs time per request (~30 µs each here): a million is half a minute, more is a hang
  if (take > MAX_REQUESTS) {
    // a trace file is read one row past the limit (trace.ts MAX_TRACE_ROWS): its length beyond is not known
    if (trace && !o.requests) throw new UserError(`--trace: at most ${MAX_REQUESTS} requests are simulated, and the trace has more rows (pass --requests N to take its first N)`);
    throw new UserError(`--requests: at most ${MAX_REQUESTS} requests are simulated, found "${requests}"`);
  }
  // and time per generated token (~0.02 µs each on an idle 2-core machine, batched: `npm run bench -- --serve-1m`
  // simulates 1M requests, 2.56e8 tokens, in ~6 s): 5e8 tokens is ~12 s there, a minute or so on a loaded one
  const tokens = trace ? trace.slice(0, take).reduce((t, r) => t + r.output, 0) : take * Math.min(meanLength(output), m.context);
  if (tokens > MAX_TOKENS) throw new UserError(`--requests × --output-tokens: at most ${MAX_TOKENS.toExponential(1)} generated tokens are simulated, here ${tokens.toExponential(2)} (fewer requests give the same steady state)`);
  // the open loop's arrivals span (take − 1)/rate on average: the cap a trace's arrival_s has (MAX_SPAN_S)
  if (o.rate !== undefined && take > 1 && !((take - 1) / o.rate <= MAX_SPAN_S)) {
    throw new UserError(`--rate: ${take} requests at ${o.rate} requests/s would arrive over ${Number.isFinite((take - 1) / o.rate) ? ((take - 1) / o.rate).toExponential(2) : 'more than 1e308'} s; at most ${MAX_SPAN_S.toExponential()} s (about 3 years) of arrivals are simulated (raise --rate or lower --requests)`);
  }
  if (o.burstiness !== undefined && !(o.burstiness >= MIN_BURSTINESS && o.burstiness <= 1 / MIN_BURSTINESS)) {
    throw new UserError(`--burstiness: expected a gamma shape from ${MIN_BURSTINESS} to ${1 / MIN_BURSTINESS} (1 = Poisson), found "${o.burstiness}"`);
  }
  const source = makeSource({ requests, seed: o.seed ?? 0, rate: o.rate, burstiness: o.burstiness ?? 1, input, output, maxContext: m.context, trace });
  // --kv-cache, else the runtime's default (src/runtime/kv-cache.ts: vLLM / SGLang keep the model's 16-bit cache)
  const p: Precision = resolvePrecision(o.dtype ?? 'bf16', o.weights, o.activations, kvCacheFor(hw.runtime, o.dtype ?? 'bf16', o.kvCache), hw.runtime?.kernels);
  if (o.maxModelLen !== undefined && o.maxModelLen > m.context) throw new UserError(`--max-model-len: ${o.maxModelLen} is longer than ${m.id}'s context of ${m.context} tokens: give at most ${m.context}, or leave it out`);
  const rt: ServeRuntime = serveRuntime(hw, o.runtime, o.maxModelLen ?? m.context, m.attention?.kind === 'mla');
  const entry0: Entry = o.frontend ?? 'api';
  if (!ENTRIES.includes(entry0)) throw new UserError(`--frontend: expected ${ENTRIES.join(' or ')}, found "${String(entry0)}"`);
  // the runtime's API server stands between client and engine only for runs that send requests through it
  const frontend = entry0 === 'api' ? rt.frontend : undefined;
  const maxTokens = o.maxNumBatchedTokens ?? rt.maxNumBatchedTokens;
  const maxSeqs = o.maxNumSeqs ?? rt.maxNumSeqs;
  const warnings: string[] = [];
  if (hw.runtime?.vendorWarning) warnings.push(hw.runtime.vendorWarning);
  const gw = graphsOffWarning(hw);
  if (gw) warnings.push(gw);
  // serve's engine loop is continuous batching; a static batcher's queueing (a batch waits for its slowest member)
  // is not modelled, and saying so beats a silent difference from simulate (which prices static batching at pp 1)
  if (hw.runtime?.scheduler?.batching === 'static') warnings.push(`${hw.runtime.name ?? hw.runtime.id} batches statically (scheduler.batching: static), which serve does not model: priced as continuous batching`);
  const sw = staticContextWarning(hw, input.kind === 'fixed' && output.kind === 'fixed' ? input.n + output.n : 0);
  if (sw) warnings.push(sw);
  const E = o.spec ? tokensPerStep(o.spec.k, o.spec.acceptance) : 1;

  // 2–3. pools
  const tp = o.tp ?? 1, pp = o.pp ?? 1;
  // the longest request the engine is built for (trtllm-bench's engine max_seq_len: the dataset's longest input +
  // output, a trace's longest row); the model's context where a length is unbounded (trtllm-build's default)
  const longIn = longestLength(input), longOut = longestLength(output);
  const maxSeqLen = trace
    ? Math.min(m.context, trace.slice(0, take).reduce((a, r) => Math.max(a, r.input + r.output), 1))
    : longIn !== undefined && longOut !== undefined ? Math.min(m.context, longIn + longOut) : m.context;
  const disagg = o.prefillDevices !== undefined || o.decodeDevices !== undefined;
  const makePool = (name: PoolSetup['name'], ptp: number, devices: number | undefined): Pool => {
    const L = buildLayout(m, ptp, pp, o.ep, devices, !!o.attentionDp, dpMoeOf(hw));
    const coster = new StepCoster(m, hw, L, p);
    // under attention DP, per-rank schedulers (scheduler.dp_rank_chunks: SGLang) take max_num_batched_tokens / tp each
    // (true), or / the runtime's divisor (0.4.3: // 2), so the replica's ranks together take tp such chunks
    const rankChunk = rt.dpRankChunks !== false && L.attentionDp && L.tp > 1 ? Math.max(1, Math.floor(maxTokens / (rt.dpRankChunks === true ? L.tp : rt.dpRankChunks))) : undefined;
    coster.rankChunk = rankChunk;
    let extraW = 0, extraKv = 0;
    let price = (d: number, c: number, P: number, pairs: number) => coster.price(d, c, P, pairs);
    if (o.spec && name !== 'prefill') {
      const dr = makeDrafter(o.spec, m, hw, L, p);
      extraW = dr.weightsBytes;
      extraKv = dr.kvBytesPerToken;
      price = specPrice(coster, dr, o.spec.k);
    }
    const kv = kvCapacity(m, hw, L, p, maxTokens, maxSeqs, extraW, extraKv, maxSeqLen);
    const spec = !!o.spec && name !== 'prefill';
    // a static-shape runtime holds its whole compiled context for every request (kvTokens, as simulate's memory): the
    // cache holds that many requests whatever their lengths
    const S = kvTokens(hw, 1);
    // an engine that sizes its cap from the pool (scheduler.pool_seqs: SGLang without --max-running-requests), per
    // rank under attention DP, each DP worker sizing its own from its share of the pool
    const ranks = L.attentionDp ? L.tp : 1;
    const capSeqs = o.maxNumSeqs === undefined && rt.poolSeqs ? poolSeqCap(rt.poolSeqs, maxSeqs, kv.tokens / ranks, o.maxModelLen ?? m.context) * ranks : maxSeqs;
    const seqs = S > 1 ? Math.min(capSeqs, Math.max(1, Math.floor(kv.tokens / S))) : capSeqs;
    return {
      layout: L,
      kvBytesPerTokenDevice: kv.bytesPerTokenDevice,
      setup: {
        name,
        replicas: L.replicas,
        devicesPerReplica: L.tp * L.pp,
        sched: {
          policy: rt.policy,
          maxBatchedTokens: rankChunk !== undefined ? rankChunk * L.tp : maxTokens,
          // a request's chunk per iteration is at most its rank's share (scheduler.dp_rank_chunks)
          chunkCap: rankChunk,
          // the admission estimate's starting new-token ratio (SGLang: 0.7 x schedule_conservativeness, x 0.3 under
          // attention DP: scheduler.dp_conservativeness)
          initRatio: NEW_TOKEN_RATIO.init * (L.attentionDp ? rt.dpConservativeness : 1),
          maxSeqs: seqs,
          chunked: rt.chunkedPrefill,
          // under attention data parallelism each rank schedules its own batches (SGLang's dp attention: one scheduler
          // per rank, MoE layers in step), so while one rank prefills the others decode: the iteration is mixed across
          // ranks (attentionDpWait prices the rank that drew the prefill)
          mixed: rt.mixedBatches || L.attentionDp,
          // the overlap scheduler composes a batch while the one before it runs; SGLang turns it off for EAGLE
          // speculative decoding, on PD-disaggregated servers and under pipeline parallelism (runtimes/sglang.yaml),
          // so aggregated pools at pp 1 only
          overlap: rt.overlapSchedule && !spec && name === 'mixed' && L.pp === 1,
          kvTokens: kv.tokens,
          perStep: spec ? E : 1,
          queryTokens: spec ? o.spec!.k + 1 : 1,
          prefixHit: o.prefixHit ?? 0,
          role: name,
          price,
        },
      },
    };
  };
  let entry: Pool, decode: Pool | undefined, transferS: ((n: number) => number) | undefined, devices: number;
  if (disagg) {
    if (o.prefillDevices === undefined || o.decodeDevices === undefined) throw new UserError('disaggregation needs both --prefill-devices N and --decode-devices M');
    if (o.devices !== undefined) throw new UserError('--devices is the aggregated layout: with --prefill-devices/--decode-devices leave it out');
    entry = makePool('prefill', o.prefillTp ?? tp, o.prefillDevices);
    decode = makePool('decode', o.decodeTp ?? tp, o.decodeDevices);
    devices = o.prefillDevices + o.decodeDevices;
    const x = kvTransfer(m, hw, entry.layout, p, devices);
    transferS = x.seconds;
  } else {
    if (o.prefillTp !== undefined || o.decodeTp !== undefined) throw new UserError('--prefill-tp/--decode-tp apply with --prefill-devices and --decode-devices');
    entry = makePool('mixed', tp, o.devices);
    devices = entry.layout.devices;
  }

  // 4. run
  const eng = runEngine({
    source,
    maxConcurrency: o.concurrency ?? o.maxConcurrency,
    entry: entry.setup,
    decode: decode?.setup,
    transferS,
    router: parseRouter(o.router),
    frontend,
    slo: o.slo ?? {},
    timeline: o.timeline,
    onProgress: o.onProgress,
  });

  // 5. result
  const dur = eng.duration;
  const per = (x: number) => (dur > 0 ? x / dur : 0);
  const perDevice = (pool: Pool, tokens: number) => (tokens * pool.kvBytesPerTokenDevice) / (pool.layout.attentionDp ? pool.layout.tp : 1);
  const kvPeak = Math.max(perDevice(entry, eng.kvPeakTokens[0]!.tokens), decode ? perDevice(decode, eng.kvPeakTokens[1]!.tokens) : 0);
  let energy: number | null = null;
  const e = dur > 0 && eng.outputTokens > 0 ? workEnergy({ flops: eng.work.flops, bytes: eng.work.bytes, seconds: dur, devices }, hw, p.gemmDtype) : null;
  if (e && Number.isFinite(e.joules)) energy = e.joules / eng.outputTokens;
  const price = o.priceUsdPerHour ?? hw.price?.hourUsd;
  const cost = price !== undefined && dur > 0 && eng.outputTokens > 0 ? ((devices * price * dur) / 3600 / eng.outputTokens) * 1e6 : null;
  // total cost of ownership over the run (src/sim/tco.ts): mean power per device over the whole duration
  const powerW = e && Number.isFinite(e.joules) && dur > 0 ? e.joules / dur / devices : null;
  const t = tco({ devices, purchaseUsd: hw.price?.purchaseUsd, hourUsd: price, powerW, itemsPerS: per(eng.outputTokens) });
  if (eng.preemptions > 0) warnings.push(`${eng.preemptions} preemptions: the KV cache ran out and ${rt.id} recomputed the preempted requests`);
  const result: ServeResult = {
    requests: eng.finished,
    duration_s: dur,
    request_throughput_per_s: per(eng.finished),
    throughput_tok_s: per(eng.outputTokens),
    input_tok_s: per(eng.inputTokens),
    ttft_s: eng.ttft.summary(),
    tpot_s: eng.tpot.summary(),
    itl_s: eng.itl.summary(),
    e2e_s: eng.e2e.summary(),
    queue_s: eng.queue.summary(),
    goodput_req_per_s: per(eng.sloMet),
    slo_attainment: eng.finished > 0 ? eng.sloMet / eng.finished : 0,
    mean_in_system: eng.meanInSystem,
    mean_running: eng.meanRunning,
    kv_peak_bytes: kvPeak,
    preemptions: eng.preemptions,
    devices,
    runtime: rt.id,
    kv_cache_dtype: p.kvCache,
    kv_cache_default: kvCacheRule(hw.runtime),
    frontend: entry0,
    frontend_per_request_s: frontend?.perRequestS ?? 0,
    frontend_per_token_s: frontend?.perTokenS ?? 0,
    energy_j_per_token: energy,
    cost_usd_per_mtok: cost,
    tco_usd_per_hour: t.tco_usd_per_hour,
    tco_usd_per_mtok: t.tco_usd_per_mtok,
    tokens_per_s_per_mw: t.tokens_per_s_per_mw,
    warnings,
  };
  return { result, timeline: eng.timeline, engine: eng, kvTokens: entry.setup.sched.kvTokens };
}
