// `hwperf train` as a function of its argument list, for runners that replay the validation commands
// (src/sim/accuracy.ts): the same flags → options mapping as src/commands/train.ts, without oclif.
import { getLibrary, libraryRuntime, resolveHardware, resolveModel } from '../../spec/library.js';
import { bindRuntime, runtimeForRequest } from '../../runtime/resolve.js';
import { parsePriceFlag, priceFor } from '../price.js';
import { UserError } from '../../spec/errors.js';
import { applyWhatIfs } from '../../hardware/whatif.js';
import { applySetPlain } from '../../hardware/set-path.js';
import { parseTcoOption } from '../tco.js';
import { SCHEDULES, buildTrainRequest, parseRecomputeModules, simulateTraining, type TrainOptions } from './train.js';
import { searchTraining } from './search.js';
import type { Schedule, TrainDtype, TrainResult, ZeroStage } from './types.js';
import type { NormalizedHardware, NormalizedModel, NormalizedRuntime } from '../../spec/types.js';

export interface TrainFlags {
  model: string | NormalizedModel; // an id or file, or a loaded spec (library API)
  hardware: string | NormalizedHardware;
  runtime?: string | NormalizedRuntime; // an id or file, or a loaded spec (library API)
  devices: number;
  tp?: number;
  pp?: number;
  cp?: number;
  ep?: number;
  etp?: number;
  dp?: number;
  interleave?: number;
  schedule?: string;
  'seq-len'?: number;
  'global-batch'?: number;
  'micro-batch'?: number;
  tokens?: string | number;
  dtype?: string;
  recompute?: string;
  'recompute-modules'?: string;
  'recompute-num-layers'?: number;
  'remat-policy'?: string;
  zero?: number;
  price?: string | number;
  years?: string | number;
  pue?: string | number;
  'usd-per-kwh'?: string | number;
  goodput?: string | number;
  search?: boolean;
  top?: number;
  set?: string[]; // what-ifs, PATH=VALUE, as simulate's --set (src/hardware/set-path.ts), after the runtime binds
}

// Accepts "1e12", "300000000000", "300B"-free plain numbers; throws a one-line UserError otherwise.
export function parsePositive(name: string, v: string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(x) || x <= 0) throw new UserError(`--${name} must be a positive number (got "${v}")`);
  return x;
}

// the hardware named on the command line, or a loaded spec's id (library API)
const hwId = (h: unknown): string => (typeof h === 'string' ? h : ((h as { id?: string } | undefined)?.id ?? ''));


function parseGoodput(v: string | number | undefined): number | undefined {
  const x = parsePositive('goodput', v);
  // below 1% no run is planned (Meta's Llama 3 pre-training kept > 90% effective time); 1e-300 overflowed the time
  if (x !== undefined && (x > 1 || x < 0.01)) throw new UserError(`--goodput is a share of wall time from 0.01 to 1, e.g. 0.9 (got "${v}")`);
  return x;
}

/**
 * Training tokens: at least one, at most MAX_TRAIN_TOKENS: the largest published pre-training runs are ~3.6e13
 * tokens (Qwen3, 36T); 1e15 is 25× past them, and 1e30 made every time, cost and energy overflow to null.
 */
export const MAX_TRAIN_TOKENS = 1e15;
function parseTokens(v: string | number | undefined): number | undefined {
  const x = parsePositive('tokens', v);
  if (x !== undefined && (x < 1 || x > MAX_TRAIN_TOKENS)) throw new UserError(`--tokens: expected a token count from 1 to 1e15 (e.g. 15e12), got "${v}"`);
  return x;
}

const MAX_TOP = 10_000;

export function trainOptionsFromFlags(f: TrainFlags): TrainOptions {
  return {
    devices: f.devices,
    tp: f.tp,
    pp: f.pp,
    cp: f.cp,
    dp: f.dp,
    ep: f.ep,
    etp: f.etp,
    interleave: f.interleave,
    schedule: f.schedule,
    seqLen: f['seq-len'],
    globalBatch: f['global-batch'],
    microBatch: f['micro-batch'],
    tokens: parseTokens(f.tokens),
    dtype: f.dtype,
    recompute: f.recompute,
    recomputeModules: f['recompute-modules'] === undefined ? undefined : f['recompute-modules'].split(',').map((x) => x.trim()).filter((x) => x.length > 0),
    recomputeNumLayers: f['recompute-num-layers'],
    rematPolicy: f['remat-policy'],
    zero: f.zero,
    priceUsdPerHour: priceFor(parsePriceFlag(f.price, [hwId(f.hardware)]), hwId(f.hardware)),
    tcoOptions: { years: parseTcoOption('years', f.years), pue: parseTcoOption('pue', f.pue), usdPerKwh: parseTcoOption('usdPerKwh', f['usd-per-kwh']) },
    goodput: parseGoodput(f.goodput),
  };
}

export async function runTrain(f: TrainFlags): Promise<TrainResult | { configs: TrainResult[]; tried: number }> {
  const model = typeof f.model === 'string' ? await resolveModel(f.model) : f.model;
  const base = typeof f.hardware === 'string' ? await resolveHardware(f.hardware) : f.hardware;
  const bound = typeof f.runtime === 'object' ? bindRuntime(base, f.runtime) : await runtimeForRequest(base, model, f.runtime, 'training');
  // the runtime binds before the what-ifs, as simulate's, so that --set runtime.… edits the bound runtime
  const hw = f.set?.length ? await applyWhatIfs(bound, undefined, f.set) : bound;
  const o = trainOptionsFromFlags(f);
  // --top 0 printed an empty table and --top -1 every configuration but the last; the search keeps a few thousand at most
  if (f.top !== undefined && !(Number.isInteger(f.top) && f.top >= 1 && f.top <= MAX_TOP)) throw new UserError(`--top: expected an integer from 1 to ${MAX_TOP} (configurations printed with --search), found "${f.top}"`);
  if (f.search) {
    if (o.rematPolicy !== undefined) throw new UserError('--remat-policy does not go with --search (the search picks the recompute policy; price one split with --remat-policy)');
    if (o.schedule !== undefined && !SCHEDULES.includes(o.schedule as Schedule)) throw new UserError(`--schedule must be ${SCHEDULES.join(', ')} (got "${o.schedule}")`);
    if (model.family !== 'decoder') throw new UserError(`train: only decoder models are supported (${model.id} is ${model.family})`);
    return searchTraining(model, hw, {
      devices: o.devices,
      seqLen: o.seqLen ?? Math.min(model.context, 4096),
      globalBatch: o.globalBatch,
      dtype: (o.dtype ?? 'bf16') as TrainDtype,
      zero: (o.zero ?? 1) as ZeroStage,
      tokens: o.tokens,
      priceUsdPerHour: o.priceUsdPerHour,
      tcoOptions: o.tcoOptions,
      goodput: o.goodput,
      top: f.top,
      tp: o.tp,
      pp: o.pp,
      cp: o.cp,
      ep: o.ep,
      etp: o.etp,
      microBatch: o.microBatch,
      recompute: o.recompute as 'auto' | 'none' | 'selective' | 'full' | undefined,
      recomputeModules: parseRecomputeModules(o.recomputeModules, o.recompute ?? 'auto'),
      recomputeNumLayers: o.recomputeNumLayers,
      schedule: o.schedule as Schedule | undefined,
      interleave: o.interleave,
    });
  }
  return simulateTraining(buildTrainRequest(model, hw, o));
}

const PROTO_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const INT_FLAGS = new Set(['devices', 'tp', 'pp', 'cp', 'ep', 'etp', 'dp', 'interleave', 'seq-len', 'global-batch', 'micro-batch', 'zero', 'top', 'recompute-num-layers']);
const BOOL_FLAGS = new Set(['search', 'json']);

// argv as written after `hwperf train` (e.g. the validation CSV's hwperf_command split on spaces).
export async function trainFromArgs(argv: string[]): Promise<TrainResult | { configs: TrainResult[]; tried: number }> {
  const f: Record<string, unknown> = {};
  const args = argv[0] === 'train' ? argv.slice(1) : argv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new UserError(`train: unexpected argument "${a}"`);
    let [name, value] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (PROTO_KEYS.has(name)) throw new UserError(`train: unknown flag --${name}`);
    if (BOOL_FLAGS.has(name)) {
      f[name] = true;
      continue;
    }
    if (value === undefined) value = args[++i];
    if (value === undefined) throw new UserError(`train: --${name} needs a value`);
    if (name === 'set') {
      f.set = [...((f.set as string[] | undefined) ?? []), value]; // repeatable, in order
      continue;
    }
    if (INT_FLAGS.has(name)) {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new UserError(`train: --${name} expects an integer (got "${value}")`);
      f[name] = n;
    } else f[name] = value;
  }
  if (!f.model || !f.hardware || !f.devices) throw new UserError('train: --model, --hardware and --devices are required');
  return runTrain(f as unknown as TrainFlags);
}

// Synchronous runner for the accuracy check (src/sim/accuracy.ts RUNNERS.train): flags as parsed there
// ({name: value | true}), library ids only; `sets` every --set of the row in order (plain values: applySetPlain).
// the flags trainFromFlags reads (with --json, which only picks the output); any other flag in a command is refused
// rather than dropped, so a validation row's hwperf_command cannot carry a setting that is silently not priced
const FROM_FLAGS = new Set(['model', 'hardware', 'runtime', 'json', 'devices', 'tp', 'pp', 'cp', 'ep', 'etp', 'dp', 'interleave', 'schedule', 'seq-len', 'global-batch', 'micro-batch', 'tokens', 'dtype', 'recompute', 'recompute-modules', 'recompute-num-layers', 'remat-policy', 'zero', 'price', 'years', 'pue', 'usd-per-kwh', 'goodput', 'set']);

export function trainFromFlags(flags: Record<string, string | true>, sets: string[] = []): TrainResult {
  for (const k of Object.keys(flags)) if (!FROM_FLAGS.has(k)) throw new UserError(`train: unknown flag --${k} (one of ${[...FROM_FLAGS].map((x) => `--${x}`).join(', ')})`);
  const lib = getLibrary();
  const model = lib.models[String(flags.model)];
  const base = lib.hardware[String(flags.hardware)];
  if (!model) throw new UserError(`unknown model "${String(flags.model)}"`);
  if (!base) throw new UserError(`unknown hardware "${String(flags.hardware)}"`);
  let hw = typeof flags.runtime === 'string' ? bindRuntime(base, libraryRuntime(flags.runtime)) : base;
  if (flags.set === true) throw new UserError('train: --set needs PATH=VALUE, e.g. --set interconnect.scale_out.bandwidth=12.5GB/s');
  for (const s of sets) hw = applySetPlain(hw, s);
  const int = (k: string) => (flags[k] === undefined || flags[k] === true ? undefined : Number(flags[k]));
  const str = (k: string) => (flags[k] === undefined || flags[k] === true ? undefined : String(flags[k]));
  const f: TrainFlags = {
    model: model.id,
    hardware: hw.id,
    devices: int('devices')!,
    tp: int('tp'),
    pp: int('pp'),
    cp: int('cp'),
    ep: int('ep'),
    etp: int('etp'),
    dp: int('dp'),
    interleave: int('interleave'),
    schedule: str('schedule'),
    'seq-len': int('seq-len'),
    'global-batch': int('global-batch'),
    'micro-batch': int('micro-batch'),
    tokens: str('tokens'),
    dtype: str('dtype'),
    recompute: str('recompute'),
    'recompute-modules': str('recompute-modules'),
    'recompute-num-layers': int('recompute-num-layers'),
    'remat-policy': str('remat-policy'),
    zero: int('zero'),
    price: str('price'),
    years: str('years'),
    pue: str('pue'),
    'usd-per-kwh': str('usd-per-kwh'),
    goodput: str('goodput'),
  };
  return simulateTraining(buildTrainRequest(model, hw, trainOptionsFromFlags(f)));
}
