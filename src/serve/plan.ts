// plan(options): the cheapest deployments that meet p99 TTFT and p99 TPOT SLOs at a request rate.
//
//   hardware × layout (tp, pp, ep, attention-DP) ──steady state (simulate)──▶ can it ever meet the SLOs? the fewest
//   replicas whose throughput at the TPOT limit carries the rate (lower bound) ──cost order──▶ discrete-event runs
//   (serve) from that bound upward, aggregated and disaggregated ──▶ options that meet, cheapest first
//
// Pruning: a layout whose batch-1 TTFT or TPOT already misses an SLO cannot meet it with more replicas (a replica at
// batch 1 is as fast as it gets); a layout's replica count starts at ⌈rate / (simulate --batch max --max-tpot SLO
// requests/s)⌉; candidates are run cheapest lower bound first and the search stops at candidates whose lower bound
// costs more than PRUNE_FACTOR × the cheapest configuration found.
import type { DecoderModel, NormalizedHardware, NormalizedModel } from '../spec/types.js';
import { UserError } from '../spec/errors.js';
import { simulate } from '../sim/simulate.js';
import type { QuantScheme, SimulateResult } from '../sim/types.js';
import { buildLayout, dpMoeOf } from '../sim/parallel.js';
import { resolvePrecision } from '../model/quant.js';
import { checkSeed, MAX_RATE, MAX_SERVE_DEVICES, serve, type ServeOptions, type ServeResult } from './serve.js';
import { kvCapacity } from './kv.js';
import { meanLength, parseLength } from './lengths.js';
import { serveRuntime } from './runtime-defaults.js';
import { bindRuntime, withDefaultRuntime } from '../runtime/resolve.js';
import { kvCacheFor } from '../runtime/kv-cache.js';
import { modelForRuntime } from '../runtime/mla-cache.js';
import { findLibraryRuntime } from '../spec/library.js';
import type { TraceRow } from './trace.js';

export const PRUNE_FACTOR = 3;
const MAX_TP = 8;

export interface PlanOptions {
  model: NormalizedModel;
  hardware: NormalizedHardware[];
  resolveModel: (id: string) => NormalizedModel;
  rate: number;
  sloTtftS?: number;
  sloTpotS?: number;
  inputTokens?: string | number;
  outputTokens?: string | number;
  traceRows?: TraceRow[];
  maxDevices: number;
  runtime?: string;
  dtype?: string;
  requests?: number;
  seed?: number;
  prices: Map<string, number>; // $/device-hour by hardware id (overrides)
  priceAll?: number;
  disaggregation?: boolean; // consider prefill/decode pools (default true)
  onProgress?: (done: number, total: number) => void;
}

export interface PlanOption {
  hardware: string;
  runtime: string;
  devices: number;
  tp: number;
  pp: number;
  ep: number;
  attention_dp: boolean;
  replicas: number;
  disaggregated: boolean;
  prefill_devices: number | null;
  decode_devices: number | null;
  usd_per_hour: number;
  cost_usd_per_mtok: number;
  ttft_s: number; // p99
  tpot_s: number; // p99
  throughput_tok_s: number;
  slo_attainment: number;
  // total cost of ownership of the whole deployment at its modelled power (src/sim/tco.ts; null without a
  // purchase price or power figure)
  tco_usd_per_hour: number | null;
  tco_usd_per_mtok: number | null;
  tokens_per_s_per_mw: number | null;
}

export interface PlanResult {
  model: string;
  rate: number;
  slo_ttft_s: number | null;
  slo_tpot_s: number | null;
  max_devices: number;
  runtime: string;
  options: PlanOption[];
  evaluated: number; // discrete-event runs
  warnings: string[];
}

interface Layout0 {
  hw: NormalizedHardware;
  price: number;
  tp: number;
  pp: number;
  ep: number | undefined;
  attentionDp: boolean;
}

interface Candidate {
  l: Layout0;
  replicas: number; // aggregated
  prefill?: number; // disaggregated: replicas per pool
  decode?: number;
  devices: number;
  usdPerHour: number;
}

interface Miss {
  msg: string;
  ratio: number; // how far off: value / limit
}

const fmtS = (s: number) => (s < 1 ? `${Number((s * 1e3).toPrecision(3))} ms` : `${Number(s.toPrecision(3))} s`);

/** the hardware as serve() runs it (same rule as serve): bound already, else --runtime when it is a library
 *  runtime, else the part's default — so the KV pre-filter uses that runtime's scheduler limits and memory share */
export function planHardware(hw: NormalizedHardware, m: NormalizedModel, runtime?: string): NormalizedHardware {
  const named = runtime !== undefined ? findLibraryRuntime(runtime) : undefined;
  return hw.runtime ? hw : named ? bindRuntime(hw, named) : withDefaultRuntime(hw, m);
}

export function plan(o: PlanOptions): PlanResult {
  const m = o.model as DecoderModel;
  if (m.family !== 'decoder') throw new UserError(`plan: ${m.id} is ${/^[aeiou]/.test(m.family) ? 'an' : 'a'} ${m.family} model; plan sizes decoder LLM serving`);
  if (!(o.rate > 0)) throw new UserError('plan needs --rate R (requests/s) above 0');
  if (o.rate > MAX_RATE) throw new UserError(`--rate: expected at most ${MAX_RATE} requests/s, found "${o.rate}"`);
  if (o.sloTtftS === undefined && o.sloTpotS === undefined) throw new UserError('plan needs an SLO: --slo-ttft and/or --slo-tpot');
  if (!(o.maxDevices >= 1 && o.maxDevices <= MAX_SERVE_DEVICES)) throw new UserError(`--max-devices: expected an integer from 1 to ${MAX_SERVE_DEVICES} (the most devices serve simulates), found "${o.maxDevices}"`);
  checkSeed(o.seed);
  const warnings: string[] = [];
  const inD = parseLength('input-tokens', o.inputTokens, 512, 1);
  const outD = parseLength('output-tokens', o.outputTokens, 128, 1);
  const Lin = Math.round(o.traceRows ? o.traceRows.reduce((s, r) => s + r.input, 0) / o.traceRows.length : meanLength(inD));
  const Out = Math.round(o.traceRows ? o.traceRows.reduce((s, r) => s + r.output, 0) / o.traceRows.length : meanLength(outD));
  const dtype = (o.dtype ?? 'bf16') as QuantScheme;
  const sloT = o.sloTtftS ?? Infinity, sloP = o.sloTpotS ?? Infinity;
  const misses: Miss[] = [];

  // 1. layouts per hardware, pruned by the steady state
  const cands: Candidate[] = [];
  for (const hw of o.hardware) {
    const price = o.prices.get(hw.id) ?? o.priceAll ?? hw.price?.hourUsd;
    if (price === undefined) {
      warnings.push(`${hw.id}: no price per device-hour in the library; pass --price ${hw.id}=USD to include it`);
      continue;
    }
    const domain = Math.min(MAX_TP, hw.scaleUp?.domain ?? MAX_TP, o.maxDevices);
    const layouts: Layout0[] = [];
    for (let tp = 1; tp <= domain; tp *= 2) {
      if (m.heads % tp === 0) layouts.push({ hw, price, tp, pp: 1, ep: m.moe && tp > 1 ? tp : undefined, attentionDp: false });
      // attention DP: experts expert-parallel behind an all-to-all, or tensor-parallel where the runtime gathers the
      // tokens instead (kernels.attention_dp_moe, SGLang)
      if (m.moe && tp > 1) layouts.push({ hw, price, tp, pp: 1, ep: dpMoeOf(planHardware(hw, m, o.runtime)) ? undefined : tp, attentionDp: true });
    }
    // pipeline stages only where the widest tensor-parallel group does not hold the weights
    for (let pp = 2; pp <= 4 && pp * domain <= o.maxDevices; pp *= 2) layouts.push({ hw, price, tp: domain, pp, ep: undefined, attentionDp: false });
    for (const l of layouts) {
      const group = l.tp * l.pp;
      let L;
      try {
        const bound = planHardware(hw, m, o.runtime);
        const mr = modelForRuntime(m, bound); // as the runtime caches its attention (src/runtime/mla-cache.ts)
        L = buildLayout(mr, l.tp, l.pp, l.ep, undefined, l.attentionDp, dpMoeOf(bound));
        const rt = serveRuntime(bound, o.runtime, m.context, m.attention?.kind === 'mla');
        // the cache as this runtime keeps it without --kv-cache (src/runtime/kv-cache.ts) and the weights as its quantizer
        // stores them (kernels.quantized_weight_bits), as serve prices both
        const kvDtype = kvCacheFor(bound.runtime, dtype);
        const kv = kvCapacity(mr, bound, L, resolvePrecision(dtype, undefined, undefined, kvDtype, bound.runtime?.kernels), rt.maxNumBatchedTokens, rt.maxNumSeqs, 0, 0, Lin + Out);
        if (kv.tokens < Lin + Out) continue;
      } catch {
        continue;
      }
      if (l.pp > 1) {
        // skip pp when a pp-1 layout of the same hardware fits already (it is cheaper per device and faster)
        if (cands.some((c) => c.l.hw === hw && c.l.pp === 1)) continue;
      }
      const req = { model: m, hardware: hw, resolveModel: o.resolveModel, tp: l.tp, pp: l.pp, ep: l.ep, attentionDp: l.attentionDp, inputTokens: Lin, outputTokens: Out, dtype };
      const one = simulate({ ...req, batch: 1 }) as SimulateResult;
      if (!one.memory.fits || one.ttft_s == null || one.tpot_s == null) continue;
      const what = `${group}× ${hw.id} tp ${l.tp}${l.pp > 1 ? ` pp ${l.pp}` : ''}${l.attentionDp ? ' attention-DP' : ''}`;
      const atOne = (lim: string, v: number, sl: number) => ({ msg: `${what}, ${lim} ${fmtS(v)} even at batch 1 misses ${fmtS(sl)} by ${fmtS(v - sl)} (a faster part, a smaller --dtype or a looser SLO)`, ratio: v / sl });
      if (one.ttft_s > sloT) { misses.push(atOne('TTFT', one.ttft_s, sloT)); continue; }
      if (one.tpot_s > sloP) { misses.push(atOne('TPOT', one.tpot_s, sloP)); continue; }
      const best = simulate({ ...req, batch: 'max', maxTpotS: o.sloTpotS, maxTtftS: o.sloTtftS }) as SimulateResult;
      const reqPerS = (best.throughput_tok_s ?? one.throughput_tok_s ?? 0) / Math.max(1, Out);
      if (!(reqPerS > 0)) continue;
      const rMin = Math.max(1, Math.ceil(o.rate / reqPerS));
      const maxR = Math.floor(o.maxDevices / group);
      if (rMin > maxR) {
        misses.push({ msg: `${hw.id} tp ${l.tp}${l.pp > 1 ? ` pp ${l.pp}` : ''} needs at least ${rMin * group} devices to carry ${o.rate} req/s within the SLOs, ${rMin * group - maxR * group} more than --max-devices ${o.maxDevices} allows`, ratio: rMin / Math.max(1, maxR) });
        continue;
      }
      for (let r = rMin; r <= Math.min(maxR, rMin + 3); r++) cands.push({ l, replicas: r, devices: r * group, usdPerHour: r * group * price });
      if (o.disaggregation !== false && maxR >= 2) {
        // a prefill pool sized by its steady prefill rate, a decode pool no larger than the aggregated bound
        const prefillTokS = one.prefill_tok_s ?? 0;
        const npMin = Math.max(1, Math.ceil((o.rate * Lin) / Math.max(1e-9, prefillTokS)));
        for (let np = npMin; np <= npMin + 1; np++) {
          for (let nd = Math.max(1, Math.ceil(rMin / 2)); nd <= rMin + 1; nd++) {
            if ((np + nd) * group > o.maxDevices) continue;
            cands.push({ l, replicas: np + nd, prefill: np, decode: nd, devices: (np + nd) * group, usdPerHour: (np + nd) * group * price });
          }
        }
      }
    }
  }

  // 2. discrete-event runs, cheapest first
  cands.sort((a, b) => a.usdPerHour - b.usdPerHour || a.devices - b.devices);
  const options: PlanOption[] = [];
  const metLayouts = new Set<string>();
  let cheapest = Infinity, evaluated = 0;
  let closest: { what: string; res: ServeResult; score: number } | undefined;
  for (let i = 0; i < cands.length; i++) {
    const c = cands[i]!;
    if (c.usdPerHour > PRUNE_FACTOR * cheapest) break;
    const key = `${c.l.hw.id}/${c.l.tp}/${c.l.pp}/${c.l.attentionDp}/${c.prefill !== undefined}`;
    if (metLayouts.has(key)) continue; // a cheaper replica count of this layout already meets
    const base: ServeOptions = {
      model: m, hardware: c.l.hw, tp: c.l.tp, pp: c.l.pp, ep: c.l.ep, attentionDp: c.l.attentionDp, dtype,
      rate: o.rate, requests: o.requests ?? 1000, seed: o.seed ?? 0, inputTokens: o.inputTokens, outputTokens: o.outputTokens,
      traceRows: o.traceRows, runtime: o.runtime, router: 'least-loaded', slo: { ttftS: o.sloTtftS, tpotS: o.sloTpotS },
    };
    const group = c.l.tp * c.l.pp;
    const r = serve(c.prefill !== undefined ? { ...base, prefillDevices: c.prefill * group, decodeDevices: c.decode! * group } : { ...base, devices: c.devices }).result;
    evaluated++;
    o.onProgress?.(i + 1, cands.length);
    const what = `${c.devices}× ${c.l.hw.id} tp ${c.l.tp}${c.l.pp > 1 ? ` pp ${c.l.pp}` : ''}${c.l.attentionDp ? ' attention-DP' : ''}${c.prefill !== undefined ? ` disaggregated ${c.prefill * group}P+${c.decode! * group}D` : ` (${c.replicas} replica${c.replicas > 1 ? 's' : ''})`}`;
    const score = Math.max(r.ttft_s.p99 / sloT, r.tpot_s.p99 / sloP);
    // the rate must be carried too: a run that falls behind shows it in TTFT, but check throughput as well
    const carried = r.request_throughput_per_s >= 0.9 * Math.min(o.rate, r.requests / Math.max(1e-9, r.duration_s));
    if (score <= 1 && carried) {
      metLayouts.add(key);
      cheapest = Math.min(cheapest, c.usdPerHour);
      options.push({
        hardware: c.l.hw.id, runtime: r.runtime, devices: c.devices, tp: c.l.tp, pp: c.l.pp, ep: c.l.ep ?? 1, attention_dp: c.l.attentionDp, replicas: c.replicas,
        disaggregated: c.prefill !== undefined, prefill_devices: c.prefill !== undefined ? c.prefill * group : null, decode_devices: c.decode !== undefined ? c.decode * group : null,
        usd_per_hour: c.usdPerHour, cost_usd_per_mtok: r.throughput_tok_s > 0 ? (c.usdPerHour / 3600 / r.throughput_tok_s) * 1e6 : 0,
        ttft_s: r.ttft_s.p99, tpot_s: r.tpot_s.p99, throughput_tok_s: r.throughput_tok_s, slo_attainment: r.slo_attainment,
        tco_usd_per_hour: r.tco_usd_per_hour, tco_usd_per_mtok: r.tco_usd_per_mtok, tokens_per_s_per_mw: r.tokens_per_s_per_mw,
      });
    } else if (!closest || score < closest.score) closest = { what, res: r, score };
  }
  options.sort((a, b) => a.usd_per_hour - b.usd_per_hour || a.cost_usd_per_mtok - b.cost_usd_per_mtok);

  // 3. none: name the closest and the limit it misses, by how much
  if (options.length === 0) {
    const slo = [o.sloTtftS !== undefined ? `p99 TTFT ≤ ${fmtS(sloT)}` : '', o.sloTpotS !== undefined ? `p99 TPOT ≤ ${fmtS(sloP)}` : ''].filter(Boolean).join(' and ');
    const head = `no configuration of at most ${o.maxDevices} devices on ${o.hardware.map((h) => h.id).join(', ')} meets ${slo} at ${o.rate} req/s`;
    if (closest) {
      const t = closest.res.ttft_s.p99 / sloT >= closest.res.tpot_s.p99 / sloP;
      const v = t ? closest.res.ttft_s.p99 : closest.res.tpot_s.p99, s = t ? sloT : sloP;
      throw new UserError(`${head}; closest: ${closest.what}, p99 ${t ? 'TTFT' : 'TPOT'} ${fmtS(v)} misses ${fmtS(s)} by ${fmtS(v - s)} (raise --max-devices, relax the SLO or add hardware)`);
    }
    const mm = misses.sort((a, b) => a.ratio - b.ratio)[0];
    if (mm) throw new UserError(`${head}; closest: ${mm.msg}`);
    throw new UserError(`${head}; ${m.id} fits none of them within ${o.maxDevices} devices (raise --max-devices or use a smaller --dtype)${warnings.length ? `; ${warnings[0]}` : ''}`);
  }
  return {
    model: m.id,
    rate: o.rate,
    slo_ttft_s: o.sloTtftS ?? null,
    slo_tpot_s: o.sloTpotS ?? null,
    max_devices: o.maxDevices,
    runtime: o.runtime ?? 'each hardware\'s default',
    options,
    evaluated,
    warnings,
  };
}
