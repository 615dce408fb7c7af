// `hwperf train --search`: try the valid (TP, PP, CP, DP, EP, micro-batch, recompute, schedule) splits of a device
// count and keep the fastest ones that fit. Schedules: plain 1F1B, interleaved with every v that divides a device's
// layer slots (./schedule.ts), and DualPipe. Pure: every candidate goes through simulateTraining.
import type { NormalizedHardware, DecoderModel } from '../../spec/types.js';
import { decoderShape } from './shapes.js';
import { defaultExpertTp, planProblem } from './plan.js';
import { simulateTraining, DEFAULT_TOKENS_PER_STEP, checkTrainCounts } from './train.js';
import { layerSlots } from './schedule.js';
import { withDefaultRuntime } from '../../runtime/resolve.js';
import { UserError } from '../../spec/errors.js';
import type { Recompute, RecomputeModule, Schedule, TrainDtype, TrainRequest, TrainResult, ZeroStage } from './types.js';

export interface SearchOptions {
  devices: number;
  seqLen: number;
  globalBatch?: number;
  dtype: TrainDtype;
  zero: ZeroStage;
  tokens?: number;
  priceUsdPerHour?: number;
  tcoOptions?: Partial<import('../tco.js').TcoOptions>; // --years, --pue, --usd-per-kwh
  goodput?: number;
  top?: number;
  // fixed by the user: only these values are tried
  tp?: number;
  pp?: number;
  cp?: number;
  ep?: number;
  etp?: number;
  microBatch?: number;
  recompute?: Recompute | 'auto';
  recomputeModules?: RecomputeModule[];
  recomputeNumLayers?: number;
  schedule?: Schedule;
  interleave?: number;
}

// in √n steps (a loop to n took minutes at 1e9 devices)
const divisors = (n: number) => {
  const low: number[] = [];
  const high: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    low.push(d);
    if (d * d !== n) high.push(n / d);
  }
  return [...low, ...high.reverse()];
};

// the runtime's own schedules (training.pipeline_schedules) when the user names none
function schedulesFor(pp: number, layers: number, o: SearchOptions, has?: readonly Schedule[]): { schedule: Schedule; interleave: number }[] {
  if (pp === 1) return [{ schedule: '1f1b', interleave: 1 }];
  if (o.schedule === '1f1b' || o.schedule === 'dualpipe') return [{ schedule: o.schedule, interleave: 1 }];
  const out: { schedule: Schedule; interleave: number }[] = [];
  const slots = layerSlots(layers, pp);
  if (o.interleave !== undefined) return [{ schedule: o.interleave > 1 ? 'interleaved' : (o.schedule ?? '1f1b'), interleave: o.interleave }];
  if (o.schedule === undefined) out.push({ schedule: '1f1b', interleave: 1 }, { schedule: 'dualpipe', interleave: 1 });
  for (let v = 2; v <= slots; v++) if (slots % v === 0 && pp * v <= layers) out.push({ schedule: 'interleaved', interleave: v });
  return has === undefined || o.schedule !== undefined ? out : out.filter((c) => has.includes(c.schedule));
}

export function searchTraining(model: DecoderModel, hw: NormalizedHardware, o: SearchOptions): { configs: TrainResult[]; tried: number } {
  // the counts the search fixes are checked as train checks them (--seq-len -1 came back in a "fitting" config)
  checkTrainCounts(o as unknown as Record<string, unknown>);
  const s = decoderShape(model);
  if (o.etp !== undefined && s.moeLayers === 0) throw new UserError(`--etp ${o.etp} needs a mixture-of-experts model (${model.id} has no routed experts)`);
  const domain = hw.scaleUp?.domain ?? 1;
  // a power-of-two number of sequences near 4M tokens, so that most dp·micro-batch products divide it
  const globalBatch = o.globalBatch ?? 2 ** Math.ceil(Math.log2(Math.max(1, DEFAULT_TOKENS_PER_STEP / o.seqLen)));
  const devDivs = divisors(o.devices);
  // TP inside the scale-up domain (Narayanan et al. 2021 §3.3 takeaway #1); it must divide the heads
  const tps = o.tp ? [o.tp] : devDivs.filter((t) => t <= Math.max(1, domain) && s.heads % t === 0);
  // PP: at least 2 layers per stage, and stages that split the layers evenly (or nearly: within one layer)
  const pps = o.pp ? [o.pp] : devDivs.filter((p) => p <= s.layers / 2 || p === 1).filter((p) => s.layers % p === 0 || s.layers / p >= 4);
  // CP only pays for long sequences (Llama 3 §3.3.2 uses it at 128K context)
  const cps = o.cp ? [o.cp] : [1, 2, 4, 8, 16].filter((c) => c === 1 || o.seqLen >= 16384 * c / 2);
  const mbs = o.microBatch ? [o.microBatch] : [1, 2, 4, 8];
  // recomputation: the user's, else per split the cheapest policy that fits (--recompute auto, ./recompute.ts)
  const recomputes: (Recompute | 'auto')[] = [o.recompute ?? 'auto'];
  const results: TrainResult[] = [];
  let tried = 0;
  // the runtime that will run the splits (the command's --runtime, else the training default): its schedules and expert TP
  const bound = withDefaultRuntime(hw, model, 'training');
  const has = bound.runtime?.training?.pipelineSchedules;
  // what every tried split shares
  const fixed = {
    model,
    hardware: hw,
    devices: o.devices,
    seqLen: o.seqLen,
    globalBatch,
    tokens: o.tokens,
    dtype: o.dtype,
    recomputeModules: o.recomputeModules,
    recomputeNumLayers: o.recomputeNumLayers,
    zero: o.zero,
    priceUsdPerHour: o.priceUsdPerHour,
    tcoOptions: o.tcoOptions,
    goodput: o.goodput,
  };
  for (const tp of tps)
    for (const pp of pps)
      for (const cp of cps) {
        const dp = o.devices / (tp * pp * cp);
        if (!Number.isInteger(dp)) continue;
        // EP takes its ranks from dp·cp and from the tp ranks the experts leave (etp below tp: ./plan.ts)
        const epEtp = o.etp ?? defaultExpertTp(bound, tp, 2); // the experts' TP size under EP (any ep > 1)
        const eps = o.ep ? [o.ep] : s.moeLayers > 0 ? divisors((dp * cp * tp) / (tp % epEtp === 0 ? epEtp : tp)).filter((e) => s.experts % e === 0) : [1];
        for (const ep of eps)
          for (const microBatch of mbs)
            for (const recompute of recomputes)
              for (const { schedule, interleave } of schedulesFor(pp, s.layers, o, has)) {
              const etp = o.etp ?? defaultExpertTp(bound, tp, ep);
              const req: TrainRequest = { ...fixed, tp, pp, cp, dp, ep, etp, interleave, schedule, microBatch, recompute };
              if (planProblem(req, s)) continue;
              tried++;
              const r = simulateTraining(req);
              if (r.memory.fits) results.push(r);
            }
      }
  // fastest first; within a 1% band of speed prefer the smaller memory footprint (more headroom). The bands are fixed
  // (log base 1.01 of tokens/s) so the order is transitive: "within 1% of each other" pairwise is not, and sorted
  // the top five out of order
  const band = (r: TrainResult) => Math.floor(Math.log(r.tokens_per_s) / Math.log(1.01));
  results.sort((a, b) => band(b) - band(a) || a.memory.per_device_bytes - b.memory.per_device_bytes || b.tokens_per_s - a.tokens_per_s);
  return { configs: results.slice(0, o.top ?? 5), tried };
}
