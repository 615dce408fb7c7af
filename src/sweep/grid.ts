// The sweep file → a grid of axes. A sweep file is
//
//   out: results.csv          # optional: where the CSV goes (the --out flag wins)
//   sweep:
//     model: [llama-3.1-8b, llama-3.1-70b]
//     hardware: [h100-sxm, mi300x]
//     tp: [1, 2, 4]
//     batch: [1, 8, max]
//     set: {memory.bandwidth: [3.35 TB/s, 4.8 TB/s]}   # each PATH is an axis of its own
//     price: {h100-sxm: 2.49, mi300x: 1.99}   # USD per device-hour per hardware (not an axis); or a list: an axis
//     max_tpot: 50ms                           # parsed as the --max-tpot flag is (seconds, or 30ms / 2s)
//
// Each key is one of simulate's flags in snake_case; a scalar is a one-element list. The grid is never
// expanded into objects: combination i is a mixed-radix number over the axes (the first axis varies
// slowest), so workers are handed index ranges and decode their own combinations.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { SpecIssue } from '../spec/errors.js';
import { isInside, readSpecFile } from '../spec/safe-read.js';
import { parseYaml } from '../spec/yaml-doc.js';
import { UserError, didYouMean } from '../spec/errors.js';
import { DTYPES } from '../spec/types.js';
import { parseSeconds } from '../sim/request.js';
import { QUANT_SCHEMES } from '../model/quant.js';
import { parseMemoryFlag } from '../hardware/whatif.js';
import { PRICE_EXPECTED, priceInRange } from '../sim/price.js';

// decodeIndex and axisValueText live in ./axes.ts (light enough for the format thread to load)
export { axisValueText, decodeIndex } from './axes.js';

export type AxisValue = string | number | string[];

// How a key's values are checked at load; what the engine rejects later (tp not dividing the heads,
// unknown ids) becomes a row's `reason`, not a file error.
type Kind = 'id' | 'int' | 'int0' | 'batch' | 'number' | 'seconds' | 'bool' | 'scheme' | 'dtype' | 'memory' | 'set';

export const SWEEP_KEYS: Record<string, Kind> = {
  model: 'id',
  hardware: 'id',
  runtime: 'id',
  devices: 'int',
  tp: 'int',
  pp: 'int',
  ep: 'int',
  attention_dp: 'bool',
  batch: 'batch',
  input_tokens: 'int',
  output_tokens: 'int0',
  dtype: 'scheme',
  weights: 'dtype',
  activations: 'dtype',
  kv_cache: 'dtype',
  resolution: 'int',
  frames: 'int',
  steps: 'int',
  audio_seconds: 'number',
  memory: 'memory',
  set: 'set',
  price: 'number',
  max_tpot: 'seconds',
  max_ttft: 'seconds',
};

const TOP_KEYS = ['sweep', 'out', 'name', 'description'];
export const SCHEMES: readonly string[] = QUANT_SCHEMES;

export interface Axis {
  key: string; // a SWEEP_KEYS name; `set` axes from a mapping have key 'set' and a path
  setPath?: string; // set: {PATH: [values]} → one axis per PATH, values are the VALUE side
  column: string; // CSV header: the key, or set.PATH
  values: AxisValue[];
}

export interface SweepGrid {
  file: string;
  axes: Axis[];
  size: number; // number of combinations (product of the axes' lengths)
  out?: string; // `out:` from the file
  prices?: Record<string, number>; // `price: {HARDWARE: USD}`: per hardware id as written in the hardware axis
  outIssue?: SpecIssue; // why `out:` may not be used (outside the file's folder)
}

export function loadSweepFile(file: string): SweepGrid {
  const r = readSpecFile(file, 'sweep grid');
  if ('error' in r) throw new UserError(`${file}: ${r.error}`);
  return parseSweep(r.text, file);
}

export function parseSweep(text: string, file: string): SweepGrid {
  const parsed = parseYaml(text, file);
  if (!parsed.doc) throw UserError.fromIssues(parsed.errors);
  const doc = parsed.doc;
  const fail = (path: (string | number)[], message: string, suggestion?: string): never => {
    const pos = doc.locate(path);
    throw UserError.fromIssues([{ file, line: pos?.line, col: pos?.col, path: path.join('.'), message, suggestion }]);
  };
  // an unknown key is pointed at where the key is written, not at its value
  const failKey = (path: string[], message: string, suggestion?: string): never => {
    const pos = keyPosition(text, path) ?? doc.locate(path);
    throw UserError.fromIssues([{ file, line: pos?.line, col: pos?.col, path: path.join('.'), message, suggestion }]);
  };
  const data = doc.data;
  if (!isObject(data)) return fail([], 'a sweep file is a mapping with a `sweep:` key');
  for (const k of Object.keys(data)) {
    if (!TOP_KEYS.includes(k)) failKey([k], `unknown key "${k}"`, didYouMean(k, TOP_KEYS) ?? `expected one of ${TOP_KEYS.join(', ')}`);
  }
  if (data.out !== undefined && typeof data.out !== 'string') fail(['out'], 'expected a file name');
  // `out:` is relative to the sweep file and inside its folder; only --out may write elsewhere (runSweep
  // reports outIssue when no --out replaces it)
  let outIssue: SpecIssue | undefined;
  if (typeof data.out === 'string') {
    const folder = dirname(resolve(file));
    const pos = doc.locate(['out']);
    const at = (message: string, suggestion: string) => ({ file, line: pos?.line, col: pos?.col, path: 'out', message, suggestion });
    if (isAbsolute(data.out) || /^~/.test(data.out)) outIssue = at('must be a path relative to the sweep file, not an absolute path', 'or pass --out');
    else if (!isInside(resolve(folder, data.out), folder) || data.out === '' || /[\\/]$/.test(data.out)) {
      outIssue = at(`"${data.out}" is not a file inside the sweep file's folder`, 'pass --out to write elsewhere');
    }
  }
  const sweep = data.sweep;
  if (!isObject(sweep)) return fail(['sweep'], 'expected a mapping of simulate flags to lists, e.g. `sweep: {model: [llama-3.1-8b], hardware: [h100-sxm]}`');

  const axes: Axis[] = [];
  let prices: Record<string, number> | undefined;
  for (const [rawKey, raw] of Object.entries(sweep)) {
    const key = rawKey.replace(/-/g, '_'); // --input-tokens reads as input_tokens too
    const kind = Object.hasOwn(SWEEP_KEYS, key) ? SWEEP_KEYS[key] : undefined;
    if (!kind) {
      failKey(['sweep', rawKey], `unknown key "${rawKey}"`, didYouMean(key, Object.keys(SWEEP_KEYS)) ?? `expected one of simulate's flags: ${Object.keys(SWEEP_KEYS).join(', ')}`);
    }
    if (axes.some((a) => a.key === key && key !== 'set')) fail(['sweep', rawKey], `"${rawKey}" is given twice`);
    if (key === 'price' && isObject(raw)) {
      // price: {HARDWARE: USD}: a lookup by hardware, not an axis
      prices = {};
      for (const [id, v] of Object.entries(raw)) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(['sweep', rawKey, id], `expected USD per device-hour (a number ≥ 0), found ${show(v)}`);
        if (!priceInRange(v as number)) fail(['sweep', rawKey, id], `${PRICE_EXPECTED}, found ${show(v)}`);
        prices[id] = v as number;
      }
      continue;
    }
    if (kind === 'set' && isObject(raw)) {
      // set: {PATH: [VALUE, …]}: each path sweeps on its own
      for (const [path, vals] of Object.entries(raw)) {
        const values = asList(vals).map((v, i) => {
          if (typeof v !== 'string' && typeof v !== 'number') fail(['sweep', rawKey, path, i], 'expected a value such as "4.8 TB/s"');
          return String(v);
        });
        if (values.length === 0) fail(['sweep', rawKey, path], 'empty list: every axis needs at least one value');
        axes.push({ key, setPath: path, column: `set.${path}`, values });
      }
      continue;
    }
    const list = asList(raw);
    if (list.length === 0) fail(['sweep', rawKey], 'empty list: every axis needs at least one value');
    const values = list.map((v, i) => checkValue(kind!, v, (msg, sugg) => fail(['sweep', rawKey, ...(Array.isArray(raw) ? [i] : [])], msg, sugg)));
    axes.push({ key, column: key, values });
  }
  for (const required of ['model', 'hardware']) {
    if (!axes.some((a) => a.key === required)) fail(['sweep'], `missing "${required}": a sweep needs at least one ${required}`);
  }
  if (prices) {
    // every priced id must be one of the grid's hardware (the --price flag's rule)
    const hw = axes.find((a) => a.key === 'hardware')!.values.map(String);
    const priceKey = Object.keys(sweep).find((k) => k.replace(/-/g, '_') === 'price')!;
    for (const id of Object.keys(prices)) {
      if (!hw.includes(id)) failKey(['sweep', priceKey], `price for "${id}", which is not in the hardware list`, didYouMean(id, hw) ?? `expected one of ${hw.join(', ')}`);
    }
  }
  const size = axes.reduce((n, a) => n * a.values.length, 1);
  if (size > 50_000_000) fail(['sweep'], `${size} combinations: that is more than 50 million rows`, 'split the sweep');
  return { file, axes, size, out: data.out as string | undefined, outIssue, ...(prices ? { prices } : {}) };
}

function checkValue(kind: Kind, v: unknown, bad: (message: string, suggestion?: string) => never): AxisValue {
  const isInt = (x: unknown, min: number) => typeof x === 'number' && Number.isInteger(x) && x >= min;
  switch (kind) {
    case 'id':
      if (typeof v !== 'string' || v === '') return bad(`expected an id or a YAML file, found ${show(v)}`);
      return v;
    case 'int':
    case 'int0':
      if (!isInt(v, kind === 'int' ? 1 : 0)) return bad(`expected an integer ≥ ${kind === 'int' ? 1 : 0}, found ${show(v)}`);
      return v as number;
    case 'batch':
      if (v === 'max' || isInt(v, 1)) return v as string | number;
      return bad(`expected an integer ≥ 1 or "max", found ${show(v)}`);
    case 'bool':
      if (typeof v === 'boolean') return String(v);
      return bad(`expected true or false, found ${show(v)}`);
    case 'number':
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
      return bad(`expected a number ≥ 0 (SI units: seconds, USD), found ${show(v)}`);
    case 'scheme':
    case 'dtype': {
      const allowed = kind === 'scheme' ? SCHEMES : [...new Set([...SCHEMES, ...DTYPES])];
      if (typeof v === 'string' && allowed.includes(v)) return v;
      return bad(`unknown dtype ${show(v)}`, (typeof v === 'string' && didYouMean(v, allowed)) || `expected one of ${allowed.join(' ')}`);
    }
    case 'seconds':
      // the flag's own parser: 0.05, "50ms", "2s"
      try {
        const s = parseSeconds('max', v);
        if (s !== undefined) return s;
      } catch {
        /* below */
      }
      return bad(`expected seconds (e.g. 0.05, 50ms or 2s), found ${show(v)}`);
    case 'memory':
      // null / "none": the hardware's own memory, so a sweep can compare the spec with its what-ifs
      if (v === null || v === 'none') return 'none';
      if (typeof v === 'string') {
        try {
          parseMemoryFlag(v);
          return v;
        } catch {
          /* below */
        }
      }
      return bad(`expected TECH:COUNT[@GBPS] (e.g. hbm3e:1, lpddr5x:64, hbm3:5@5.24) or none, found ${show(v)}`);
    case 'set': {
      // one alternative: "PATH=VALUE" or a list of them applied together
      const items = Array.isArray(v) ? v : [v];
      if (items.length === 0 || !items.every((s) => typeof s === 'string' && /^[^=]+=.+$/.test(s))) {
        return bad(`expected PATH=VALUE (or a list of them applied together), found ${show(v)}`);
      }
      return items as string[];
    }
  }
}

// Line and column of a block-style key (`key:` at the top, or indented under `sweep:`); undefined for
// flow style, where the YAML node position is used instead.
function keyPosition(text: string, path: string[]): { line: number; col: number } | undefined {
  const lines = text.split(/\r?\n/);
  const esc = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (path.length === 1) {
    const i = lines.findIndex((l) => new RegExp(`^${esc(path[0]!)}\\s*:`).test(l));
    return i < 0 ? undefined : { line: i + 1, col: 1 };
  }
  const top = lines.findIndex((l) => /^sweep\s*:/.test(l));
  if (top < 0 || path.length !== 2) return undefined;
  for (let i = top + 1; i < lines.length && !/^[^\s#]/.test(lines[i]!); i++) {
    const m = new RegExp(`^(\\s+)${esc(path[1]!)}\\s*:`).exec(lines[i]!);
    if (m) return { line: i + 1, col: m[1]!.length + 1 };
  }
  return undefined;
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  return v === undefined || v === null ? 'nothing' : JSON.stringify(v);
}
