// Flags → SimulateRequest, a pure function shared by `simulate`, `sweep` and `compare` (as
// salesforcecli/plugin-org's scratchOrgRequest). Flag names may be written kebab-case (CLI), snake_case
// (sweep files) or camelCase; values may be strings or numbers.
import type { NormalizedHardware, NormalizedModel } from '../spec/types.js';
import type { QuantScheme, SimulateRequest } from './types.js';
import { UserError, didYouMean } from '../spec/errors.js';
import { QUANT_SCHEMES } from '../model/quant.js';
import { parsePriceFlag, priceFor } from './price.js';
import { parseSpec } from '../serve/spec-decode.js';
import type { EncoderDecoderModel } from '../spec/types.js';
import { speechTokensPerWindow } from './whisper.js';

export type FlagsLike = Record<string, unknown>;

// The three spellings of each flag name, computed once (sweeps build tens of thousands of requests).
const SPELLINGS = new Map<string, [string, string]>();
function pick(f: FlagsLike, name: string): unknown {
  let s = SPELLINGS.get(name);
  if (!s) {
    s = [name.replace(/-/g, '_'), name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
    SPELLINGS.set(name, s);
  }
  return f[name] ?? f[s[0]] ?? f[s[1]];
}

// Largest value of each integer flag: far beyond real use (10^8 tokens, 10^6 devices), small enough that every
// derived size stays finite and every loop short.
const INT_MAX: Record<string, number> = {
  devices: 1e6, tp: 1e5, pp: 1e5, ep: 1e6, 'input-tokens': 1e8, 'output-tokens': 1e8, resolution: 65536, frames: 1e5, steps: 1e5,
  'spec-tokens': 64, mtp: 64,
};
function int(f: FlagsLike, name: string, dflt?: number): number | undefined {
  const v = pick(f, name);
  if (v === undefined || v === null || v === '') return dflt;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  const max = INT_MAX[name] ?? 1e9;
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UserError(`--${name}: expected an integer from 0 to ${max}, found "${String(v).slice(0, 40)}"`);
  return n;
}

// seconds: "0.03", "30ms", "30 ms", "2s", "500us"
export function parseSeconds(name: string, v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return v;
  const m = /^\s*([0-9.eE+-]+)\s*(s|ms|us|µs|ns)?\s*$/.exec(String(v));
  const x = m ? Number(m[1]) : NaN;
  if (!m || !Number.isFinite(x) || x < 0) throw new UserError(`--${name}: expected seconds (e.g. 0.03 or 30ms), found "${v}"`);
  const scale = { s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 }[(m[2] ?? 's') as 's'];
  return x * scale;
}

function bool(v: unknown): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return v !== false && !/^(false|0|no)$/i.test(String(v).trim());
}

function num(name: string, v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(String(v).replace(/^\$/, '').trim());
  if (!Number.isFinite(n) || n < 0 || n > 1e9) throw new UserError(`--${name}: expected a number from 0 to 1e9, found "${String(v).slice(0, 40)}"`);
  return n;
}

function positive(name: string, v: unknown): number | undefined {
  const n = num(name, v);
  if (n === 0) throw new UserError(`--${name}: expected a positive number, found "${v}"`);
  return n;
}

// PUE = facility power / IT power, so ≥ 1
function pueOf(v: unknown): number | undefined {
  const n = num('pue', v);
  if (n !== undefined && n < 1) throw new UserError(`--pue: expected a ratio ≥ 1 (facility power / IT power, e.g. 1.2), found "${v}"`);
  return n;
}

const DTYPE_NAMES: readonly string[] = [...QUANT_SCHEMES, 'fp6', 'tf32'];
function scheme(name: string, v: unknown): QuantScheme | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v).trim().toLowerCase();
  if (!DTYPE_NAMES.includes(s)) {
    const hint = didYouMean(s, DTYPE_NAMES);
    throw new UserError(`--${name}: unknown dtype "${String(v).slice(0, 40)}" (${hint ? `${hint} ` : ''}expected one of ${DTYPE_NAMES.join(', ')})`);
  }
  return s as QuantScheme;
}

export function buildRequest(
  flags: FlagsLike,
  model: NormalizedModel,
  hardware: NormalizedHardware,
  resolveModel: (id: string) => NormalizedModel,
): SimulateRequest {
  const batchRaw = pick(flags, 'batch') ?? 1;
  let batch: number | 'max';
  if (String(batchRaw).toLowerCase() === 'max') batch = 'max';
  else {
    batch = Number(batchRaw);
    if (!Number.isInteger(batch) || batch < 1 || batch > 1e7) throw new UserError(`--batch: expected a positive integer or "max", found "${batchRaw}"`);
  }
  const dtypeRaw = pick(flags, 'dtype');
  // a checkpoint's own precision (quantization_config) by default
  const dtype = (dtypeRaw === undefined || dtypeRaw === null || dtypeRaw === '' ? model.dtype ?? 'bf16' : String(dtypeRaw).trim().toLowerCase()) as QuantScheme;
  if (!QUANT_SCHEMES.includes(dtype)) {
    const hint = didYouMean(dtype, QUANT_SCHEMES);
    throw new UserError(`--dtype: unknown scheme "${dtype}" (${hint ? `${hint} ` : ''}expected one of ${QUANT_SCHEMES.join(', ')})`);
  }
  const tp = int(flags, 'tp', 1)!;
  const pp = int(flags, 'pp', 1)!;
  if (tp < 1 || pp < 1) throw new UserError('--tp and --pp must be ≥ 1');
  const audioSeconds = num('audio-seconds', pick(flags, 'audio-seconds'));
  if (audioSeconds !== undefined && audioSeconds > 1e6) throw new UserError(`--audio-seconds: expected at most 1000000 (11.6 days), found "${audioSeconds}"`);
  // Whisper: tokens per 30 s window, by default the transcript of that much speech (src/sim/whisper.ts)
  const outputDefault = model.family === 'encoder-decoder' ? speechTokensPerWindow(model as EncoderDecoderModel, audioSeconds) : 128;
  const req: SimulateRequest = {
    model,
    hardware,
    resolveModel,
    devices: int(flags, 'devices'),
    tp,
    pp,
    ep: int(flags, 'ep'),
    attentionDp: bool(pick(flags, 'attention-dp')),
    batch,
    inputTokens: int(flags, 'input-tokens', 512)!,
    outputTokens: int(flags, 'output-tokens', outputDefault)!,
    dtype,
    weights: scheme('weights', pick(flags, 'weights')),
    activations: scheme('activations', pick(flags, 'activations')),
    kvCache: scheme('kv-cache', pick(flags, 'kv-cache')),
    resolution: int(flags, 'resolution'),
    frames: int(flags, 'frames'),
    steps: int(flags, 'steps'),
    cfg: bool(pick(flags, 'cfg')),
    audioSeconds,
    priceUsdPerHour: priceFor(parsePriceFlag(pick(flags, 'price'), [hardware.id]), hardware.id),
    years: positive('years', pick(flags, 'years')),
    pue: pueOf(pick(flags, 'pue')),
    usdPerKwh: num('usd-per-kwh', pick(flags, 'usd-per-kwh')),
    maxTpotS: parseSeconds('max-tpot', pick(flags, 'max-tpot')),
    maxTtftS: parseSeconds('max-ttft', pick(flags, 'max-ttft')),
    verbose: !!pick(flags, 'verbose'),
    spec: parseSpec(
      { specModel: pick(flags, 'spec-model') as string | undefined, specTokens: int(flags, 'spec-tokens'), mtp: int(flags, 'mtp'), acceptance: num('acceptance', pick(flags, 'acceptance')) },
      resolveModel,
    ),
  };
  // undefined keys stay: deleting them would put every request in V8's slow dictionary mode (3.2 → 1.3 µs per
  // request in a sweep, issue 15); JSON output drops them anyway
  return req;
}
