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
import { withDefaultRuntime } from '../runtime/resolve.js';
import { parseTcoOption } from './tco.js';

export type FlagsLike = Record<string, unknown>;

// Every flag buildRequest reads. A request's flags are gathered once per call into an array indexed by this
// list (one pass over the caller's own keys), so each read below is an array load instead of three keyed lookups
// of a possibly missing property (those were 80% of buildRequest's time in a sweep, issue 15).
const NAMES = [
  'batch', 'dtype', 'tp', 'pp', 'audio-seconds', 'devices', 'ep', 'attention-dp', 'input-tokens', 'output-tokens',
  'weights', 'activations', 'kv-cache', 'resolution', 'frames', 'steps', 'cfg', 'price', 'years', 'pue',
  'usd-per-kwh', 'max-tpot', 'max-ttft', 'verbose', 'spec-model', 'spec-tokens', 'mtp', 'acceptance',
  'detect-language',
] as const;
type Name = (typeof NAMES)[number];
// their positions in a gathered array (plain constants: each read is one array load)
const [BATCH, DTYPE, TP, PP, AUDIO_SECONDS, DEVICES, EP, ATTENTION_DP, INPUT_TOKENS, OUTPUT_TOKENS, WEIGHTS, ACTIVATIONS, KV_CACHE, RESOLUTION, FRAMES, STEPS, CFG, PRICE, YEARS, PUE, USD_PER_KWH, MAX_TPOT, MAX_TTFT, VERBOSE, SPEC_MODEL, SPEC_TOKENS, MTP, ACCEPTANCE, DETECT_LANGUAGE] = NAMES.map((_, i) => i);
const INDEX = new Map<string, number>(NAMES.map((n, i) => [n, i]));
// a key as written → [flag index, rank]; rank is the precedence of the spelling when a caller gives several:
// kebab-case (0), snake_case (1), camelCase (2); -1 for keys that are no flag of ours. Computed once per spelling.
const SPELLING = new Map<string, number>();
function spellingOf(key: string): number {
  let v = SPELLING.get(key);
  if (v === undefined) {
    v = -1;
    for (const [name, i] of INDEX) {
      const rank = key === name ? 0 : key === name.replace(/-/g, '_') ? 1 : key === name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) ? 2 : -1;
      if (rank >= 0) { v = i * 4 + rank; break; }
    }
    if (SPELLING.size < 4096) SPELLING.set(key, v); // a cap: keys come from user files
  }
  return v;
}

// scratch for gather(): buildRequest is synchronous and calls nothing that builds another request
const VALS: unknown[] = NAMES.map(() => undefined);
const RANKS: number[] = NAMES.map(() => 3);

/** the flags as an array indexed by NAMES: the first non-nullish value in spelling order, as `a ?? b ?? c` */
function gather(f: FlagsLike): unknown[] {
  VALS.fill(undefined);
  RANKS.fill(3);
  // for-in: V8's enum cache makes the keyed load below fast (Object.keys + f[key] was 40% of the call)
  for (const key in f) {
    const v = f[key];
    if (v === undefined || v === null) continue;
    const code = spellingOf(key);
    if (code < 0) continue;
    const i = code >> 2;
    const rank = code & 3;
    if (rank < RANKS[i]!) {
      VALS[i] = v;
      RANKS[i] = rank;
    }
  }
  return VALS;
}


// Largest value of each integer flag: far beyond real use (10^8 tokens, 10^6 devices), small enough that every
// derived size stays finite and every loop short.
const INT_MAX: Record<string, number> = {
  devices: 1e6, tp: 1e5, pp: 1e5, ep: 1e6, 'input-tokens': 1e8, 'output-tokens': 1e8, resolution: 65536, frames: 1e5, steps: 1e5,
  'spec-tokens': 64, mtp: 64,
};
// Smallest value where 0 asks for nothing: no device group, a zero-pixel image, a video of no frames, no denoising
// step (--resolution 0 once answered 2.4 s: the text encoder alone). 0 stays valid where it asks something: an empty
// prompt (decode from nothing), no output (a prompt-only TTFT run); --devices and --ep say "a positive integer"
// where the layout reads them (src/sim/parallel.ts).
const INT_MIN: Record<string, number> = { tp: 1, pp: 1, resolution: 1, frames: 1, steps: 1 };
function int(v: unknown, name: Name, dflt?: number): number | undefined {
  if (v === undefined || v === null || v === '') return dflt;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  const min = INT_MIN[name] ?? 0;
  const max = INT_MAX[name] ?? 1e9;
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError(`--${name}: expected an integer from ${min} to ${max}, found "${String(v).slice(0, 40)}"`);
  return n;
}

// seconds: "0.03", "30ms", "30 ms", "2s", "500us"
export function parseSeconds(name: string, v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  // a number (a sweep grid's YAML value, the library API) meets the same checks as text: -1, .inf and .nan are not times
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new UserError(`--${name}: expected seconds (e.g. 0.03 or 30ms), found "${v}"`);
    return secondsInRange(name, v, v);
  }
  const m = /^\s*([0-9.eE+-]+)\s*(s|ms|us|µs|ns)?\s*$/.exec(String(v));
  const x = m ? Number(m[1]) : NaN;
  if (!m || !Number.isFinite(x) || x < 0) throw new UserError(`--${name}: expected seconds (e.g. 0.03 or 30ms), found "${v}"`);
  const scale = { s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 }[(m[2] ?? 's') as 's'];
  return secondsInRange(name, x * scale, v);
}

/**
 * A latency limit (an SLO, a TPOT or TTFT cap) is 0 or from a picosecond to 1e9 s (31 years): 1.8e308 s printed
 * "TTFT ≤ Infinity s" once shown in ms, and 5e-324 s is no limit a step of any device meets.
 */
export const MAX_SECONDS = 1e9;
function secondsInRange(name: string, s: number, typed: unknown): number {
  if (s !== 0 && (s < 1e-12 || s > MAX_SECONDS)) throw new UserError(`--${name}: expected 0 or seconds from 1 ps to 1e9 s (e.g. 0.03 or 30ms), found "${String(typed).slice(0, 40)}"`);
  return s;
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
  flagsIn: FlagsLike,
  model: NormalizedModel,
  hardware: NormalizedHardware,
  resolveModel: (id: string) => NormalizedModel,
): SimulateRequest {
  const flags = gather(flagsIn);
  const batchRaw = flags[BATCH] ?? 1;
  let batch: number | 'max';
  if (typeof batchRaw !== 'number' && String(batchRaw).toLowerCase() === 'max') batch = 'max';
  else {
    batch = Number(batchRaw);
    if (!Number.isInteger(batch) || batch < 1 || batch > 1e7) throw new UserError(`--batch: expected a positive integer or "max", found "${batchRaw}"`);
  }
  const dtypeRaw = flags[DTYPE];
  // a checkpoint's own precision (quantization_config) by default
  const dtype = (dtypeRaw === undefined || dtypeRaw === null || dtypeRaw === '' ? model.dtype ?? 'bf16' : String(dtypeRaw).trim().toLowerCase()) as QuantScheme;
  if (!QUANT_SCHEMES.includes(dtype)) {
    const hint = didYouMean(dtype, QUANT_SCHEMES);
    throw new UserError(`--dtype: unknown scheme "${dtype}" (${hint ? `${hint} ` : ''}expected one of ${QUANT_SCHEMES.join(', ')})`);
  }
  const tp = int(flags[TP], 'tp', 1)!;
  const pp = int(flags[PP], 'pp', 1)!;
  const audioSeconds = num('audio-seconds', flags[AUDIO_SECONDS]);
  if (audioSeconds !== undefined && audioSeconds > 1e6) throw new UserError(`--audio-seconds: expected at most 1000000 (11.6 days), found "${audioSeconds}"`);
  // under 10 ms (one mel frame) there is no audio to transcribe: 5e-324 s gave a real-time factor past any number (null)
  if (audioSeconds !== undefined && audioSeconds < 0.01) throw new UserError(`--audio-seconds: expected at least 0.01 (one 10 ms mel frame), found "${audioSeconds}"`);
  // Whisper: tokens per 30 s window, by default the transcript of that much speech with the bound runtime's timestamp
  // tokens (src/sim/whisper.ts): the runtime simulate() will bind where the caller bound none (withDefaultRuntime is
  // memoised per hardware object)
  const outputDefault = model.family === 'encoder-decoder' ? speechTokensPerWindow(model as EncoderDecoderModel, audioSeconds, withDefaultRuntime(hardware, model)) : 128;
  const req: SimulateRequest = {
    model,
    hardware,
    resolveModel,
    devices: int(flags[DEVICES], 'devices'),
    tp,
    pp,
    ep: int(flags[EP], 'ep'),
    attentionDp: bool(flags[ATTENTION_DP]),
    batch,
    inputTokens: int(flags[INPUT_TOKENS], 'input-tokens', 512)!,
    outputTokens: int(flags[OUTPUT_TOKENS], 'output-tokens', outputDefault)!,
    dtype,
    weights: scheme('weights', flags[WEIGHTS]),
    activations: scheme('activations', flags[ACTIVATIONS]),
    kvCache: scheme('kv-cache', flags[KV_CACHE]),
    resolution: int(flags[RESOLUTION], 'resolution'),
    frames: int(flags[FRAMES], 'frames'),
    steps: int(flags[STEPS], 'steps'),
    cfg: bool(flags[CFG]),
    audioSeconds,
    detectLanguage: bool(flags[DETECT_LANGUAGE]),
    priceUsdPerHour: priceFor(parsePriceFlag(flags[PRICE], [hardware.id]), hardware.id),
    years: parseTcoOption('years', flags[YEARS]),
    pue: parseTcoOption('pue', flags[PUE]),
    usdPerKwh: parseTcoOption('usdPerKwh', flags[USD_PER_KWH]),
    maxTpotS: parseSeconds('max-tpot', flags[MAX_TPOT]),
    maxTtftS: parseSeconds('max-ttft', flags[MAX_TTFT]),
    verbose: !!flags[VERBOSE],
    spec: parseSpec(
      { specModel: flags[SPEC_MODEL] as string | undefined, specTokens: int(flags[SPEC_TOKENS], 'spec-tokens'), mtp: int(flags[MTP], 'mtp'), acceptance: num('acceptance', flags[ACCEPTANCE]) },
      resolveModel,
    ),
    memo: undefined,
  };
  // undefined keys stay: deleting them would put every request in V8's slow dictionary mode (3.2 → 1.3 µs per
  // request in a sweep, issue 15); JSON output drops them anyway
  return req;
}
