// A deterministic fuzzer of hwperf's inputs (issue 15): mutated library specs, hostile `extends:` targets and
// files, random and hostile flags, mutated sweep grids. Each case runs in-process through the same code the
// CLI runs (loadSpecFile → buildRequest → simulate → render; parseSweep) and an oracle says what must hold:
//   - no exception but UserError (one line per problem, no stack, no NaN/undefined/[object Object]);
//   - nothing read outside the spec tree (a marker value only the outside file holds never appears, its secret
//     text never appears in an error);
//   - a fitting result has only finite, non-negative numbers; a result that does not fit has null, never NaN;
//   - the rendered text has no NaN, Infinity, undefined or [object Object];
//   - no case takes longer than CASE_BUDGET_MS, and the heap does not grow without bound.
// The same seed gives the same cases: a failure prints its seed and case number, and `npm run fuzz -- --seed S
// --cases N` replays it.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYamlText, stringify } from 'yaml';
import { loadSpecFile } from '../../src/spec/load.js';
import { formatIssue, UserError } from '../../src/spec/errors.js';
import { getLibrary } from '../../src/spec/library.js';
import { evaluateExpression } from '../../src/units/quantity.js';
import { libraryFileIndex } from '../../src/spec/paths.js';
import { applyWhatIfs } from '../../src/hardware/whatif.js';
import { buildRequest } from '../../src/sim/request.js';
import { simulate } from '../../src/sim/simulate.js';
import { renderSimulate } from '../../src/report/simulate-text.js';
import { parseSweep } from '../../src/sweep/grid.js';
import type { NormalizedHardware, NormalizedModel } from '../../src/spec/types.js';

// A hang is forever. The budget is this process's CPU time, not the wall clock: on a machine shared with other
// work the wall clock of a normal case stretches without bound (the old wall-clock budget flagged slow but
// finished cases as hangs: a false positive), while its CPU time does not. A hang that burns no CPU (a blocked
// read) is caught by the wall-clock cap, set far above any busy machine's slowness.
export const CASE_BUDGET_MS = 10_000; // CPU
export const CASE_WALL_CAP_MS = 300_000;
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
const SECRET = 'AKIAFUZZSECRETTOKEN';
const MARKER = 7_717; // a layer count only the outside file holds

// mulberry32: small, fast, and the same sequence everywhere
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// Values a stranger might write in any field.
const HOSTILE: unknown[] = [
  -1, 0, 1, 2, 3, 7, 31, 0.5, -0.5, 1e9, 1e300, -1e300, 1e-300, 2 ** 53, 1e21, '2', '', ' ', 'abc', '1e999', '-5',
  null, [], {}, [1, 2], { a: 1 }, true, false, '__proto__', 'constructor', 'toString', 'hidden * 1e9', 'hidden / 0',
  'layers ^ layers', `${'('.repeat(20)}1${')'.repeat(20)}`, Array(400).fill('1').join('+'), '80 kB', '1 B', '0 GB',
  '1e30 TB/s', '-5 GB', '3.35 TB/s', '989 TFLOP/s', '1e-300 FLOP/s', '700 GW', '700 W', '1 ns',
  '.nan', '1e-9', 'x'.repeat(300), '\u0000', '\ufffd', 'h100-sxm', 'llama-3.1-8b',
];
// YAML 1.2 core and 1.1 spellings of numbers and not-numbers, tags, block scalars, and unit spellings (fuzz3)
const YAML_LITERALS = [
  '0x10', '0o17', '017', '0b101', '-0', '+1', '-0.0', '.inf', '-.inf', '+.inf', '.nan', '.NaN', '~', 'null', 'Null', 'yes', 'no', 'on', 'off', 'y',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '12:30:00', '1_000', '5e-324', '4.9e-324', '2.2250738585072014e-308', '1e308', '1.7976931348623157e309',
  '9007199254740993', '!!float 1', '!!int "12"', '!!str 5', '!!null ""', '!!bool yes', "'5'", '"5 GB"', '|\n  5', '>-\n  5', '[5]', '{v: 5}', '5 # comment',
  '"\\u0000"', '"\\ud800"', '5e', '1:30', '∞', 'Infinity', '-Infinity', 'NaN', '1e-320 GB', '2.5e+3 TB/s', '3.35TB/s', '3.35 TBps', '3,35 TB/s', '3.35 tb/s',
  '80 GiB', '80 gb', '989 TFLOPS', '989 tflop/s', '700W', '700 w', '1.98 GHz', '5 ns', '5 parsecs', '5 GB/s/s', '5 GB * 2', '5 GB + 1 s', '(5 GB)', 'sqrt(4) GB',
  '1e3 kB', '0x10 GB', '-0 GB', '1e999 GB', '1/0', '0/0', 'layers * 2', 'hidden', 'e', 'pi', 'Infinity GB', 'true', '"true"', "''",
];
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'unknown_field', 'extends', 'family', 'id'];

export interface Tree {
  root: string; // the user's spec folder
  outside: string; // a folder beside it holding a "secret" spec
  n: number;
}

export function makeTree(): Tree {
  const base = mkdtempSync(join(tmpdir(), 'hwperf-fuzz-'));
  const root = join(base, 'specs');
  const outside = join(base, 'secret');
  mkdirSync(root);
  mkdirSync(outside);
  // a valid-looking spec outside the tree: if anything reads it, MARKER or SECRET shows up
  const lib = libraryFileIndex();
  const llama = parseYamlText(readFileSync(lib.get('llama-3.1-8b')!, 'utf8'));
  writeFileSync(join(outside, 'base.yaml'), stringify({ ...llama, id: 'outside', layers: MARKER, notes: SECRET }));
  writeFileSync(join(outside, 'creds.json'), JSON.stringify({ key: SECRET }));
  symlinkSync(join(outside, 'base.yaml'), join(root, 'escape.yaml'));
  symlinkSync(outside, join(root, 'outdir'));
  try {
    execFileSync('mkfifo', [join(root, 'fifo.yaml')]);
  } catch {
    // no mkfifo: the FIFO case is skipped
  }
  writeFileSync(join(root, 'binary.yaml'), Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x4b]));
  writeFileSync(join(root, 'list.yaml'), '- a\n- b\n');
  // extends: a chain 40 files long, a cycle, a file extending itself, a folder named like a spec, UTF-16 text
  for (let i = 0; i < 40; i++) writeFileSync(join(root, `chain-${i}.yaml`), i === 39 ? 'extends: llama-3.2-1b\nid: chain-end\n' : `extends: ./chain-${i + 1}.yaml\nid: chain-${i}\n`);
  writeFileSync(join(root, 'cycle-a.yaml'), 'extends: ./cycle-b.yaml\nid: cycle-a\n');
  writeFileSync(join(root, 'cycle-b.yaml'), 'extends: ./cycle-a.yaml\nid: cycle-b\n');
  writeFileSync(join(root, 'self.yaml'), 'extends: ./self.yaml\nid: self\n');
  mkdirSync(join(root, 'dir.yaml'));
  writeFileSync(join(root, 'utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('extends: llama-3.2-1b\nid: u\n', 'utf16le')]));
  writeFileSync(join(root, 'big.yaml'), `id: big\nnotes: ${'x'.repeat((1 << 20) + 10)}\n`);
  return { root, outside, n: 0 };
}

const HOSTILE_EXTENDS = [
  '../secret/base.yaml', './escape.yaml', './outdir/base.yaml', '/etc/passwd', '/dev/zero', '/dev/stdin', '/proc/self/status',
  '../secret/creds.json', './fifo.yaml', './binary.yaml', './list.yaml', '~/.bashrc', '', 'constructor', '__proto__',
  './self.yaml', 'h100-sxm', 'llama-3.1-8b', 'sd-vae', 'nonexistent-id', '.', '..', './', 'C:\\x.yaml',
  './chain-0.yaml', './chain-30.yaml', './cycle-a.yaml', './dir.yaml', './utf16.yaml', './big.yaml', './../specs/chain-39.yaml',
  '../../../../../../../../etc/passwd.yaml', './escape.yaml/../base.yaml', 'file:///etc/passwd', '\\\\server\\share\\x.yaml', './a\u0000.yaml',
];

/** One mutated spec text: a library file as data, then 1–4 mutations (values, keys, extends, raw bytes). */
export function mutateSpec(r: Rand, tree: Tree): { text: string; name: string } {
  const files = [...libraryFileIndex().values()];
  const file = pick(r, files);
  const data = parseYamlText(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const id = file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
  // often a what-if over the library entry, as users write them
  let doc: Record<string, unknown> = r() < 0.5 ? { extends: id, id: `fuzz-${tree.n}` } : data;
  const paths: (string | number)[][] = [];
  const walk = (o: unknown, p: (string | number)[]) => {
    if (p.length > 4) return;
    if (Array.isArray(o)) o.forEach((v, i) => walk(v, [...p, i]));
    else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) {
      paths.push([...p, k]);
      walk(v, [...p, k]);
    }
  };
  walk(data, []);
  const n = 1 + Math.floor(r() * 3);
  const numeric = paths.filter((p) => typeof getPath(data, p) === 'number');
  for (let i = 0; i < n; i++) {
    const kind = r();
    if (kind < 0.3 && numeric.length) {
      // a plausible what-if: a number scaled up or down (reaches the engine more often than a hostile value)
      const path = pick(r, numeric);
      const v = getPath(data, path) as number;
      setPath(doc, path, Math.max(1, Math.round(v * pick(r, [0.25, 0.5, 2, 3, 10, 100, 1000, 1e4]))));
    } else if (kind < 0.55 && paths.length) {
      const path = pick(r, paths);
      setPath(doc, path, pick(r, HOSTILE));
    } else if (kind < 0.65 && paths.length) {
      const path = pick(r, paths);
      setPath(doc, path, undefined);
    } else if (kind < 0.75) {
      setPath(doc, [pick(r, HOSTILE_KEYS)], pick(r, HOSTILE));
    } else if (kind < 0.85) {
      doc.extends = pick(r, HOSTILE_EXTENDS);
    } else if (kind < 0.9) {
      doc = { extends: pick(r, HOSTILE_EXTENDS), id: `fuzz-${tree.n}`, ...(paths.length ? { [String(pick(r, paths)[0])]: pick(r, HOSTILE) } : {}) };
    }
  }
  let text = stringify(doc, { aliasDuplicateObjects: false });
  // raw text mutations: YAML syntax, encodings, anchors, tags
  const raw = r();
  if (raw < 0.08) text = text.slice(0, Math.floor(r() * text.length));
  else if (raw < 0.12) text = text.replace(/: /, pick(r, [': !!binary ', ': !!set ', ': !custom ', ': &a ', ': *a ', ':: ', ': [', ': {']));
  else if (raw < 0.14) text = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${Array(10).fill('*a').join(',')}]\nc: &c [${Array(10).fill('*b').join(',')}]\nd: [${Array(10).fill('*c').join(',')}]\n` + text;
  else if (raw < 0.16) text = '\ufeff' + text;
  else if (raw < 0.18) text = text.replace(/\n/g, '\r\n');
  else if (raw < 0.2) {
    const at = Math.floor(r() * text.length);
    text = text.slice(0, at) + String.fromCharCode(Math.floor(r() * 256)) + text.slice(at + 1);
  } else if (raw < 0.3) {
    // what YAML itself allows and a spec must not: merge keys, JS and custom tags, duplicate keys, deep nesting,
    // long lines, anchors on scalars used as keys, documents after the first
    const first = /^([A-Za-z_]+):/m.exec(text)?.[1] ?? 'id';
    text = pick(r, [
      () => `base: &b {layers: 2, hidden: 64}\n${text}<<: *b\n`,
      () => text.replace(/^(\w+):/m, '$1: !!js/function "function () { return process.exit(7) }"\n_x:'),
      () => `${text}${first}: ${pick(r, ['1', 'x', '[]'])}\n`,
      () => `${text}deep: ${'['.repeat(200)}${']'.repeat(200)}\n`,
      () => `${text}deep: ${'{a: '.repeat(100)}1${'}'.repeat(100)}\n`,
      () => `${text}notes: ${'x'.repeat(20_000)}\n`,
      () => `${text}hidden: ${'1'.repeat(400)}\n`,
      () => `${text}hidden: ${'('.repeat(3000)}1${')'.repeat(3000)}\n`,
      () => `${text}hidden: "${'hidden+'.repeat(2000)}1"\n`,
      () => `${text}---\nid: second\n`,
      () => `? [a, b]\n: 1\n${text}`,
      () => `${text}x: !!binary aGVsbG8=\n`,
      () => `${text}x: !!timestamp 2001-12-14\n`,
      () => `${text}x: !<tag:yaml.org,2002:js/undefined> ''\n`,
      () => `${text}x: &a [*a]\n`,
      () => `%YAML 1.1\n---\n${text}`,
      () => `${text}layers: 0x10\n`,
      () => `${text}layers: 1_000\n`,
      () => `${text}layers: .inf\n`,
      () => `${text}layers: 1e999\n`,
    ])();
  }
  // YAML's own scalar spellings on any field (fuzz3): bases, specials, timestamps, tags, block scalars, units
  if (r() < 0.15) {
    const lines = text.split('\n');
    const at = lines.map((l, i) => (/^\s*[A-Za-z_][\w-]*: \S/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (at.length) {
      const i = pick(r, at);
      lines[i] = lines[i]!.replace(/^(\s*[A-Za-z_][\w-]*: ).*$/, `$1${pick(r, YAML_LITERALS)}`);
      text = lines.join('\n');
    }
  }
  // ids end up in report rows, file names and messages: separators, control characters, the bug words, length
  if (r() < 0.04) text = `${text.replace(/^id: .*$/m, '')}\nid: ${pick(r, ['"a/b"', '"../x"', '"a\\nb"', 'NaN', 'undefined', '"[object Object]"', `"${'x'.repeat(300)}"`, '""', '"  "', '"\\u202eevil"', '".."', '"con"', '"a,b"', '"a\\"b"'])}\n`;
  const name = `case-${tree.n}.yaml`;
  return { text, name };
}

function getPath(o: unknown, path: (string | number)[]): unknown {
  let cur: any = o;
  for (const p of path) cur = cur?.[p];
  return cur;
}

function setPath(o: Record<string, unknown>, path: (string | number)[], v: unknown): void {
  let cur: any = o;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    if (!Object.hasOwn(cur, k) || cur[k] === null || typeof cur[k] !== 'object') Object.defineProperty(cur, k, { value: typeof path[i + 1] === 'number' ? [] : {}, enumerable: true, writable: true, configurable: true });
    cur = cur[k];
  }
  const last = path[path.length - 1]!;
  if (v === undefined) delete cur[last];
  // a copy of an object or array: HOSTILE's `{}` and `[]` are shared, and a later mutation through the path (cur = cur[k])
  // wrote into them, so a case could leave `{}` holding itself and the next case's stringify overflowed the stack (seed
  // 7349: five "uncaught RangeError" spec cases, thrown in this harness before any hwperf code ran)
  else Object.defineProperty(cur, last, { value: v !== null && typeof v === 'object' ? structuredClone(v) : v, enumerable: true, writable: true, configurable: true }); // a literal "__proto__" key
}

// Flags as people type them, valid and not.
const FLAG_VALUES: Record<string, unknown[]> = {
  batch: [1, 2, 8, 64, 'max', 0, -1, 'abc', '1e3', 1e12, '__proto__'],
  tp: [1, 2, 4, 8, 3, 0, -1, 1e9, 'x'],
  pp: [1, 2, 4, 0, 1e9],
  'input-tokens': [1, 128, 512, 8192, 131072, 0, 1e12, -5, 'lots', 1e8],
  'output-tokens': [1, 128, 4096, 0, 1e12, 1e8],
  dtype: ['bf16', 'fp8', 'fp4', 'int4', 'q4_0', 'fp32', 'constructor', '__proto__', 'bf17', ''],
  weights: ['int4', 'fp8', '__proto__', 'toString'],
  activations: ['fp8', 'constructor'],
  'kv-cache': ['fp8', 'constructor', 'int8'],
  resolution: [256, 512, 1024, 0, 1e9, 65536, 32768],
  frames: [1, 16, 0, 1e9, 100000, 4096],
  steps: [1, 50, 0, 1e9, 100000],
  'audio-seconds': [1, 30, 600, 0, 1e300, -1, 'x', 1e6, 86400],
  devices: [1, 8, 1e6, 0, 3],
  ep: [1, 8, 64, 1e6],
  memory: ['hbm3e:1', 'hbm3:5', 'lpddr5x:64', 'constructor:1', 'hbm3e:0', 'hbm3e:1e9', 'x'],
  set: [['memory.capacity=1 B'], ['compute.matrix.bf16=1e-300 FLOP/s'], ['memory.bandwidth=4.8 TB/s'], ['constructor=1'], ['__proto__.x=1'], ['power.tdp=700 GW'], ['memory.capacity=141 GB']],
  price: [1, 2.5, 0, -1, 'abc'],
  'max-tpot': ['30ms', '1ns', '-1', 'x'],
};

export function randomFlags(r: Rand): Record<string, unknown> {
  const f: Record<string, unknown> = {};
  const keys = Object.keys(FLAG_VALUES);
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const k = pick(r, keys);
    f[k] = pick(r, FLAG_VALUES[k]!);
  }
  return f;
}

/** A mutated sweep grid text. */
export function mutateGrid(r: Rand): string {
  const lib = getLibrary();
  const grid: Record<string, unknown> = {
    sweep: {
      model: [pick(r, Object.keys(lib.models)), pick(r, ['llama-3.1-8b', '__proto__', '../x.yaml', 'constructor'])],
      hardware: [pick(r, Object.keys(lib.hardware))],
      batch: [1, pick(r, [2, 'max', 0, -1, 'x', 1e12])],
    },
  };
  const sweep = grid.sweep as Record<string, unknown>;
  const n = Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const k = pick(r, [...Object.keys(FLAG_VALUES).map((x) => x.replace(/-/g, '_')), '__proto__', 'constructor', 'bogus']);
    const v = pick(r, FLAG_VALUES[k.replace(/_/g, '-')] ?? HOSTILE);
    Object.defineProperty(sweep, k, { value: [v], enumerable: true, writable: true, configurable: true });
  }
  if (r() < 0.3) grid.out = pick(r, ['../escape.csv', '/tmp/x.csv', 'ok.csv', 'sub/../ok.csv', '', 'a/', '~/x.csv']);
  if (r() < 0.2) grid[pick(r, HOSTILE_KEYS)] = 1;
  let text = stringify(grid);
  if (r() < 0.1) text = text.slice(0, Math.floor(r() * text.length));
  return text;
}

export interface Failure {
  seed: number;
  index: number;
  kind: string;
  what: string;
  input: string;
}

const BAD_TEXT = /\bNaN\b|\bundefined\b|\[object Object\]|Infinity|ReferenceError|TypeError|RangeError|at .*\.(js|ts):\d+/;

/** Numbers in a result: finite everywhere; ≥ 0 when the configuration fits. Returns the first problem. */
export function checkResult(result: unknown, fits: boolean): string | undefined {
  let problem: string | undefined;
  const walk = (v: unknown, path: string) => {
    if (problem) return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) problem = `${path} is ${v}`;
      else if (fits && v < 0 && !/delta|error|diff|offset/i.test(path)) problem = `${path} is negative (${v}) in a fitting result`;
    } else if (typeof v === 'string') {
      if (/^(model|hardware|id|name)$/.test(path.replace(/^.*\./, ''))) return; // the user's own ids, whatever they are
      if (/\bNaN\b|\bundefined\b|\[object Object\]/.test(v)) problem = `${path}: "${v.slice(0, 120)}"`;
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
  };
  walk(result, '');
  return problem;
}

function isUserError(e: unknown): e is Error {
  return e instanceof UserError || (e instanceof Error && e.name === 'UserError');
}

// what the user wrote is quoted back in "…": only the message's own words must be clean
const unquoted = (l: string) => l.replace(/"[^"]*"/g, '""');

function userErrorProblem(e: Error): string | undefined {
  const lines = e.message.split('\n');
  for (const l of lines) {
    if (BAD_TEXT.test(unquoted(l))) return `error text: ${l.slice(0, 200)}`;
    if (l.includes(SECRET)) return `error quotes a file outside the tree: ${l.slice(0, 200)}`;
  }
  return undefined;
}

async function runSimulation(model: NormalizedModel, hw: NormalizedHardware, flags: Record<string, unknown>): Promise<string | undefined> {
  const p = await simulationProblem(model, hw, flags);
  return p && `${p} [${model.id} on ${hw.id}, flags ${JSON.stringify(flags)}]`;
}

async function simulationProblem(model: NormalizedModel, hw: NormalizedHardware, flags: Record<string, unknown>): Promise<string | undefined> {
  let req;
  let hwv = hw;
  try {
    hwv = await applyWhatIfs(hw, flags.memory as string | undefined, flags.set as string[] | undefined);
    req = buildRequest(flags, model, hwv, (id) => {
      const m = Object.hasOwn(getLibrary().models, id) ? getLibrary().models[id] : undefined;
      if (!m) throw new UserError(`unknown model "${id}"`);
      return m;
    });
  } catch (e) {
    if (isUserError(e)) return userErrorProblem(e);
    return `buildRequest threw ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`;
  }
  let result;
  try {
    result = simulate(req);
  } catch (e) {
    if (isUserError(e)) return userErrorProblem(e);
    return `simulate threw ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`;
  }
  const fits = (result as { memory?: { fits?: boolean } }).memory?.fits !== false;
  const p = checkResult(result, fits);
  if (p) return `result: ${p}`;
  if (fits && (result as { tpot_s?: unknown; latency_s?: unknown }).latency_s === null) return 'fits but latency_s is null';
  let text: string;
  try {
    text = renderSimulate(result, true);
  } catch (e) {
    return `renderSimulate threw ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`;
  }
  const m = /.{0,40}(\bNaN\b|\bundefined\b|\[object Object\]|Infinity).{0,40}/.exec(text);
  if (m) return `text: ${m[0]}`;
  return undefined;
}

/** Run `cases` cases from `seed`; returns the failures (empty when every invariant held). */
export async function fuzz(seed: number, cases: number, tree = makeTree(), log?: (s: string) => void): Promise<{ failures: Failure[]; counts: Record<string, number> }> {
  const r = rng(seed);
  const lib = getLibrary();
  const models = Object.keys(lib.models);
  const hardware = Object.keys(lib.hardware);
  const failures: Failure[] = [];
  const counts: Record<string, number> = { spec: 0, 'spec-valid': 0, flags: 0, grid: 0 };
  await evaluateExpression('1 + 1', {}); // load mathjs before the clock starts (0.5–2 s, once)
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < cases; i++) {
    tree.n = i;
    const kind = r() < 0.55 ? 'spec' : r() < 0.75 ? 'flags' : 'grid';
    counts[kind]!++;
    const t0 = performance.now();
    const c0 = cpuMs();
    let input = '';
    let problem: string | undefined;
    try {
      if (kind === 'spec') {
        const { text, name } = mutateSpec(r, tree);
        input = text;
        const file = join(tree.root, name);
        writeFileSync(file, text);
        const res = await loadSpecFile(file);
        for (const e of res.errors) {
          const line = formatIssue(e);
          if (line.includes('\n') || BAD_TEXT.test(unquoted(line)) || line.includes(SECRET)) problem = `issue: ${line.slice(0, 200)}`;
          if (e.file && !e.file.includes('case-') && !/hardware|models|runtimes/.test(e.file) && !e.file.startsWith(tree.root)) problem ??= `issue names ${e.file}`;
        }
        if (!problem && res.value) {
          counts['spec-valid']!++;
          if ((res.value.spec as { layers?: number }).layers === MARKER || JSON.stringify(res.value).includes(SECRET)) problem = 'a spec outside the tree was read';
          else if (res.value.kind === 'model') problem = await runSimulation(res.value.spec, lib.hardware[pick(r, hardware)]!, randomFlags(r));
          else if (res.value.kind === 'hardware') problem = await runSimulation(lib.models[pick(r, models)]!, res.value.spec, randomFlags(r));
        }
      } else if (kind === 'flags') {
        const flags = randomFlags(r);
        input = JSON.stringify(flags);
        problem = await runSimulation(lib.models[pick(r, models)]!, lib.hardware[pick(r, hardware)]!, flags);
      } else {
        const text = mutateGrid(r);
        input = text;
        try {
          const g = parseSweep(text, join(tree.root, `grid-${i}.yaml`));
          if (!(g.size >= 1)) problem = `grid of size ${g.size}`;
        } catch (e) {
          if (isUserError(e)) problem = userErrorProblem(e);
          else problem = `parseSweep threw ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`;
        }
      }
    } catch (e) {
      problem = `uncaught ${(e as Error).stack?.split('\n').slice(0, 4).join(' | ')}`;
    }
    const ms = performance.now() - t0;
    const cpu = cpuMs() - c0;
    if (!problem && (cpu > CASE_BUDGET_MS || ms > CASE_WALL_CAP_MS)) problem = `took ${cpu.toFixed(0)} ms of CPU, ${ms.toFixed(0)} ms of wall time (a hang)`;
    if (!problem && process.memoryUsage().heapUsed - heap0 > 1.5e9) problem = 'heap grew by more than 1.5 GB';
    if (problem) {
      failures.push({ seed, index: i, kind, what: problem, input: input.slice(0, 2000) });
      // FUZZ_SAVE=DIR keeps each failing input whole, for replaying with the CLI
      if (process.env.FUZZ_SAVE) writeFileSync(join(process.env.FUZZ_SAVE, `seed-${seed}-case-${i}.txt`), `${problem}\n---\n${input}`);
      log?.(`FAIL seed ${seed} case ${i} (${kind}): ${problem}`);
    }
  }
  return { failures, counts };
}
