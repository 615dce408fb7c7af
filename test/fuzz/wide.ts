// The command-line fuzz's wide generator (issue 15, third round): where cli.ts writes each command's cases by
// hand, this one reads every command's flags from the oclif manifest, so that no flag of any command is left
// out (bench --check, show runtime --hardware, size --target-tok-s, train --goodput, …), and gives each a value
// from the pool its name and type call for, in every spelling oclif takes (`--f v`, `--f=v`, `-c v`, repeated,
// `--no-f`), beside unknown flags, stray arguments and `--`. Values: numbers at and past every edge (−0,
// denormals, 2^53+1, 1e308, hex, octal, full-width and Arabic digits), --set on every path SET_FIELDS knows with
// every unit spelling, odd output paths (a name with a newline, a dangling link, a FIFO, the input file itself,
// a link out of the tree), and hostile text (BOM, NUL, right-to-left marks, 64 kB).
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SET_FIELDS } from '../../src/hardware/set-path.js';
import { pick, type Rand } from './fuzz.js';

const ROOT = new URL('../..', import.meta.url).pathname;

interface ManifestFlag {
  name: string;
  type: 'option' | 'boolean';
  char?: string;
  required?: boolean;
  multiple?: boolean;
  allowNo?: boolean;
  options?: string[];
}
interface ManifestCommand {
  id: string;
  flags: Record<string, ManifestFlag>;
  args: Record<string, { required?: boolean }>;
}
let manifest: ManifestCommand[] | undefined;
function commands(): ManifestCommand[] {
  manifest ??= Object.values((JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, ManifestCommand> }).commands)
    .sort((a, b) => a.id.localeCompare(b.id));
  return manifest;
}

/** What cli.ts lends: references to specs and files it knows how to make hostile, and an output path maker. */
export interface WideGen {
  root: string;
  out: string;
  n: number;
  model: () => string;
  hardware: (list?: boolean) => string;
  runtime: () => string;
  outPath: (ext: string) => string;
  trace: () => string; // a trace file's path
  hfConfig: () => string; // a config.json's path
  bench: () => string; // a bench result's path
  shards: () => string[];
  grid: () => string; // a sweep grid's path
  files: Record<string, string>;
}

const chance = (r: Rand, p: number) => r() < p;

// Counts as a stranger might type them: edges, spellings JavaScript's Number() and parseInt() read differently.
export const INTS = [
  '1', '2', '4', '8', '16', '64', '0', '-0', '-1', '+4', '4.0', '4.5', '1e2', '1e3', '1E3', '0x10', '0o17', '0b11', '017', '08', '1_000', '1,000',
  '９', '٣', ' 8', '8 ', '\t8', '8\n', '2147483647', '2147483648', '4294967296', '9007199254740991', '9007199254740993', '1e15', '1e21', '1e308',
  '9'.repeat(309), '5e-324', '1e-320', 'Infinity', '-Infinity', 'NaN', 'inf', 'null', 'true', '', ' ', '-', '--', '1-2', '2**3', '8/2', '0.', '.',
  '__proto__', 'constructor', 'toString', 'valueOf',
];
// Real numbers: rates, prices, fractions, seconds.
export const REALS = [
  '1', '0.5', '2', '10', '1e-9', '1e-300', '5e-324', '2.2250738585072014e-308', '-0', '0', '-1e-300', '1e308', '1.7976931348623157e308', '2e308',
  '0.1', '0.9999999999999999', '1.0000000000000002', '1/2', '50%', '1,5', '1e+2', '0x1p3', '.inf', '-.inf', '.nan', 'Infinity', 'NaN', '',
  '1e', 'e1', '+.5', '5.', '1e-7', '3.5e-5', '100000000', '4294967297',
];
const TIMES = ['30ms', '30 ms', '0.03', '0.03s', '30e-3 s', '1 us', '1µs', '1 μs', '1ns', '1 ps', '5e-324 s', '1e308 s', '1e300 h', '-0 s', '0 s', '2 min',
  '1 day', '1 year', '1 ms/token', '30 MS', 'ms', '1 kg', 'NaN ms', 'Infinity s', '1e-300', '1e999 ms'];
const UNIT_VALUES: Record<string, string[]> = {
  bytes: ['80 GB', '80GB', '80 GiB', '80gib', '8e10', '8e10 B', '1 B', '1 bit', '0.5 B', '5e-324 B', '1e300 TB', '1e21 B', '-0 GB', '0 GB', '80 G B', '80 GB/s', '1 PiB', '1 YB', '1 kB', '1 KB', '1 kiB'],
  bytes_per_s: ['3.35 TB/s', '3.35TB/s', '3.35 TBps', '3.35e12 B/s', '3350 GB/s', '26.8 Tbit/s', '1 B/s', '5e-324 B/s', '1e300 TB/s', '-0 B/s', '1 TB', '1 GB/ms', '1 GB/h'],
  flop_per_s: ['989 TFLOP/s', '989 TFLOPS', '989e12 FLOP/s', '1 PFLOP/s', '60 TOPS', '1 FLOP/s', '5e-324 FLOP/s', '1e-300 FLOP/s', '1e300 FLOP/s', '0 FLOP/s', '989 TFLOP', '1 TFLOP/ms'],
  seconds: TIMES,
  hertz: ['1.98 GHz', '1980 MHz', '1 Hz', '5e-324 Hz', '1e300 GHz', '0 Hz', '2 GHz/s'],
  watts: ['700 W', '700W', '0.7 kW', '1 mW', '5e-324 W', '1e300 GW', '0 W', '-0 W', '700 J'],
  joules_per_bit: ['3.9 pJ/bit', '3.9 pJ/b', '3.9e-12 J/bit', '0 J/bit', '1e300 J/bit', '5e-324 J/bit', '1 pJ'],
  joules_per_flop: ['0.5 pJ/FLOP', '5e-13 J/FLOP', '0 J/FLOP', '1e300 J/FLOP', '1 pJ'],
  usd: ['2.5', '2.5 USD', '$2.5', '25000', '0', '-0', '1e308', '5e-324', 'NaN'],
  count: ['8', '8.0', '8.5', '0', '-0', '1e8', '100000001', '1e308', '0x10', '5e-324', '8 GB'],
  fraction: ['0.7', '1', '1.0000001', '0', '-0', '5e-324', '1e-300', '70%', '0.7 s'],
  string: ['hbm3e', 'lpddr5x', '', ' ', '__proto__', 'constructor', 'x'.repeat(5000), 'NaN', '\u202eevil', 'a\nb'],
};
const SET_PATHS = Object.keys(SET_FIELDS);

/** `--set PATH=VALUE` on any path, with a value of that path's kind (or of another kind, or malformed). */
export function setAssignment(r: Rand): string {
  const k = r();
  if (k < 0.85) {
    const path = pick(r, SET_PATHS);
    const kind = (SET_FIELDS[path] as { kind: string }).kind;
    const pool = chance(r, 0.8) ? UNIT_VALUES[kind] ?? REALS : pick(r, Object.values(UNIT_VALUES));
    return `${chance(r, 0.05) ? path.toUpperCase() : path}${pick(r, ['=', '=', '=', ' = ', '==', ':'])}${pick(r, pool)}`;
  }
  return pick(r, [`${pick(r, SET_PATHS)}.x=1`, `${pick(r, SET_PATHS)}.__proto__=1`, 'compute.matrix=1', 'compute.matrix.bf17=1 TFLOP/s', 'memory..capacity=1 GB',
    '.memory.capacity=1 GB', 'memory.capacity.=1 GB', 'hasOwnProperty=1', 'runtime.scheduler.max_num_seqs=1', 'efficiency.gemm_by_dtype.constructor=0.5',
    `memory.capacity=${'9'.repeat(400)} GB`, 'memory.capacity=1 GB=2 GB']);
}

const TEXT = ['x', '', ' ', 'NaN', 'undefined', '[object Object]', '__proto__', '<b>x</b>', '\u202eevil', 'a\nb', 'a\u0000b', '\ufeffx', 'x'.repeat(65536), '💥', '"', "'", '$(id)', '%s%n'];

/** A value for a flag, from the pool its name calls for. */
function valueFor(r: Rand, name: string, g: WideGen, options?: string[]): string {
  if (options && chance(r, 0.7)) return pick(r, options);
  if (options && chance(r, 0.5)) return pick(r, [options[0]!.toUpperCase(), ` ${options[0]}`, `${options[0]},${options[1] ?? options[0]}`, '__proto__', '']);
  switch (name) {
    case 'model': case 'spec-model': return g.model();
    case 'models': return chance(r, 0.7) ? `${g.model()},${g.model()}` : pick(r, [g.model(), ',', `${g.model()},`, `${g.model()},${g.model()},${g.model()},${g.model()}`]);
    case 'hardware': return g.hardware(true);
    case 'runtime': return g.runtime();
    case 'out': case 'timeline': return g.outPath(pick(r, ['.csv', '.json', '.yaml', '.svg', '', '.md']));
    case 'trace': return chance(r, 0.85) ? g.trace() : pick(r, [g.files.fifoCsv!, g.files.dirYaml!, '/dev/null', '/dev/full', '/proc/self/environ', g.files.outsideTrace!, '']);
    case 'file': return chance(r, 0.5) ? g.trace() : pick(r, [g.files.fifoCsv!, '/dev/null', g.files.outsideTrace!, '/proc/self/maps', g.hfConfig()]);
    case 'set': return setAssignment(r);
    case 'memory': return `${pick(r, ['hbm3e', 'hbm3', 'hbm4', 'lpddr5x', 'gddr7', 'ddr5', 'HBM3E', 'hbm3e ', '__proto__'])}${pick(r, [':', ':', '='])}${pick(r, INTS)}${chance(r, 0.3) ? `@${pick(r, REALS)}` : ''}`;
    case 'dtype': case 'weights': case 'activations': case 'kv-cache':
      return pick(r, ['bf16', 'fp16', 'fp8', 'fp4', 'int8', 'int4', 'q4_0', 'q8_0', 'fp32', 'nvfp4', 'mxfp4', 'BF16', 'Bf16', 'bf16 ', 'fp8_e4m3', 'e4m3', 'float8', 'bfloat16', 'fp64', 'int2', '', '__proto__', 'valueOf']);
    case 'price': return pick(r, ['2.5', `${pick(r, ['h100-sxm', 'l4', 'mi300x', 'H100-SXM'])}=${pick(r, REALS)}`, pick(r, REALS), 'h100-sxm=1,,l4=2', 'h100-sxm=1;l4=2', '$2.5']);
    case 'batch': return chance(r, 0.2) ? pick(r, ['max', 'MAX', 'Max', 'max ', 'maximum', 'auto']) : pick(r, INTS);
    case 'max-tpot': case 'max-ttft': case 'slo-ttft': case 'slo-tpot': case 'slo-e2e': case 'target-tpot': return pick(r, TIMES);
    case 'input-tokens': case 'output-tokens':
      return chance(r, 0.3) ? pick(r, ['uniform:1,100', 'normal:100,10', 'lognormal:100,50', 'uniform:5e-324,1', 'normal:1e308,1e308', 'lognormal:0,0', 'uniform:1,1e15', 'fixed:5', 'uniform:2,1']) : pick(r, INTS);
    case 'rate': case 'burstiness': case 'acceptance': case 'prefix-hit': case 'goodput': case 'years': case 'pue': case 'usd-per-kwh': case 'target-tok-s': return pick(r, REALS);
    case 'tokens': return pick(r, ['1e12', '15T', '2T', '300B', '1e6', '5e-324', '1e308', '-1', '0', 'NaN', '1 T', '1e12 tokens']);
    case 'bytes': return pick(r, ['1 GB', '1GB', '1e9', '1 GiB', '1 B', '0 B', '5e-324 B', '1e21', '1e22', '-1 GB', '1 GB/s', '1 kb', '0x10', 'NaN']);
    case 'shard': return pick(r, ['1/2', '2/2', '1/1', '0/2', '3/2', '1/0', '-1/2', '1/9007199254740993', '1/100001', '1.5/2', ' 1/2', '1 / 2', '1/2/3', 'x']);
    case 'title': return pick(r, TEXT);
    case 'recompute-modules': return pick(r, ['core_attn', 'mlp', 'core_attn,mlp', 'moe_act', 'layernorm', 'mla_up_proj', 'CORE_ATTN', ',', '__proto__']);
    case 'router': return pick(r, ['round-robin', 'least-loaded', 'random', '', 'Round-Robin']);
    case 'backend': return pick(r, ['node', 'cc', 'torch', 'wasm', '']);
    case 'category': return pick(r, ['A', 'B', 'N', 'A,B', 'a', 'Z', '', '__proto__']);
    case 'spec-root': return pick(r, [g.root, join(g.root, '..'), '/', '/proc', '/dev', '/dev/null', g.files.fifoYaml!, 'nope', '']);
    case 'emit': return pick(r, ['vllm', 'sglang', 'tensorrt-llm', 'VLLM', 'llama.cpp', '']);
    case 'schedule': case 'recompute': return pick(r, ['1f1b', 'interleaved', 'dualpipe', 'full', 'selective', 'none', 'auto', 'zb-v']);
    default: return pick(r, INTS);
  }
}

/** The positional arguments of a command. */
function argsFor(r: Rand, id: string, g: WideGen): string[] {
  switch (id) {
    case 'calibrate': return [chance(r, 0.8) ? g.bench() : pick(r, [g.files.fifoYaml!, '/dev/null', '/proc/self/status', g.hfConfig(), g.trace()])];
    case 'import:hf': return [chance(r, 0.85) ? g.hfConfig() : pick(r, [g.trace(), g.bench(), g.files.configLink!, '/dev/null', join(g.root, 'missing.json')])];
    case 'merge': return g.shards();
    case 'sweep': return [chance(r, 0.9) ? g.grid() : pick(r, [g.trace(), g.hfConfig(), g.files.fifoYaml!, '/dev/null'])];
    case 'validate': return Array.from({ length: 1 + Math.floor(r() * 3) }, () => (chance(r, 0.5) ? g.model() : g.hardware()));
    case 'list': return [pick(r, ['models', 'hardware', 'runtimes', 'memory', 'MODELS', 'model', 'memories', '', '__proto__'])];
    case 'show:model': return [g.model()];
    case 'show:hardware': return [g.hardware()];
    case 'show:runtime': return [g.runtime()];
    case 'show:memory': return [pick(r, ['hbm3e', 'hbm3', 'lpddr5x', 'gddr7', 'HBM3E', 'hbm9', '__proto__', ''])];
    default: return [];
  }
}

/** A case for any command, its flags drawn from the manifest. `outs` collects the output paths it may write. */
export function makeWideCase(r: Rand, g: WideGen, outs: string[]): { argv: string[]; json: boolean } {
  // bench would run its benchmarks (cli.ts sends it only flags that fail first)
  const cmd = pick(r, commands().filter((c) => c.id !== 'bench'));
  const a: string[] = [...cmd.id.split(':'), ...argsFor(r, cmd.id, g)];
  const flags = Object.values(cmd.flags).filter((f) => f.name !== 'json');
  const wrap: WideGen = { ...g, outPath: (ext) => {
    const p = g.outPath(ext);
    outs.push(p);
    return p;
  } };
  const put = (f: ManifestFlag) => {
    if (f.type === 'boolean') {
      a.push(f.allowNo && chance(r, 0.3) ? `--no-${f.name}` : chance(r, 0.05) ? `--${f.name}=${pick(r, ['true', 'false', '1', ''])}` : `--${f.name}`);
      return;
    }
    const v = valueFor(r, f.name, wrap, f.options);
    const k = r();
    if (k < 0.7) a.push(`--${f.name}`, v);
    else if (k < 0.85) a.push(`--${f.name}=${v}`);
    else if (f.char) a.push(`-${f.char}`, v);
    else a.push(`--${f.name}`, v);
  };
  // the required flags, nearly always (a missing one is oclif's one line); then a few others
  for (const f of flags) if (f.required && chance(r, 0.97)) put(f);
  if (cmd.id === 'accuracy') put(cmd.flags.file!); // without --file it checks the whole measurements file: minutes
  const optional = flags.filter((f) => !f.required);
  for (let i = Math.floor(r() * 6); i > 0 && optional.length; i--) put(pick(r, optional));
  if (chance(r, 0.05)) put(pick(r, flags)); // a flag given twice
  if (chance(r, 0.03)) a.push(pick(r, ['--bogus', '--Model', '-x', '---model', '--', 'stray', '-', '--json=false']));
  const json = chance(r, 0.5);
  if (json) a.push('--json');
  return { argv: a, json };
}

/** Odd output paths beyond cli.ts's own: a newline in the name, a dangling link, a FIFO, a link out of the tree. */
export function oddOutPath(r: Rand, g: { root: string; out: string; n: number; files: Record<string, string> }, ext: string): string {
  const k = pick(r, ['newline', 'dangling', 'fifo', 'link-out', 'dots', 'unicode', 'trailing-dot', 'hidden', 'input']);
  switch (k) {
    case 'newline': return join(g.out, `o-${g.n}\nx${ext}`);
    case 'dangling': {
      const p = join(g.out, `o-${g.n}-dangling${ext}`);
      if (!existsSync(p)) try { symlinkSync(join(g.out, 'nowhere', 'x'), p); } catch { /* there */ }
      return p;
    }
    case 'fifo': return g.files.fifoCsv!;
    case 'link-out': {
      const p = join(g.out, `o-${g.n}-linkout`);
      if (!existsSync(p)) try { symlinkSync(join(g.root, '..', 'secret'), p); } catch { /* there */ }
      return join(p, `x${ext}`);
    }
    case 'dots': return join(g.out, `o-${g.n}..${ext}`);
    case 'unicode': return join(g.out, `o-${g.n}-\u202e\u00e9\u{1f4a5}${ext}`);
    case 'trailing-dot': return `${join(g.out, `o-${g.n}`)}/.`;
    case 'hidden': return join(g.out, `.o-${g.n}${ext}`); // a dot file (one named like a temporary sibling would be taken for one)
    default: {
      // the output is a file the command also reads
      const p = join(g.out, `o-${g.n}-input.yaml`);
      writeFileSync(p, 'sweep:\n  model: [llama-3.2-1b]\n  hardware: [l4]\n');
      return p;
    }
  }
}

/** A sweep grid with odd axes: empty, scalar, nested, duplicated, huge products, mixed types, both spellings. */
export function oddGrid(r: Rand): string {
  const axis = () => pick(r, [
    '  model: [llama-3.2-1b]', '  model: llama-3.2-1b', '  model: []', '  model: [[llama-3.2-1b]]', '  model: {a: 1}', '  model: [llama-3.2-1b, llama-3.2-1b]',
    '  hardware: [l4]', '  hardware: [l4, h100-sxm]', '  hardware: []', '  hardware: ~', '  hardware: [L4]',
    '  batch: [1, 2]', '  batch: [max]', '  batch: [1.5]', '  batch: [-0]', '  batch: [0x10]', '  batch: [.inf]', '  batch: [.nan]', '  batch: [1e308]', '  batch: [5e-324]',
    '  batch: [2001-12-14]', '  batch: [true]', '  batch: ["8"]', '  batch: [~]', `  batch: [${Array.from({ length: 2000 }, (_, i) => i + 1).join(', ')}]`,
    '  input_tokens: [128, 1024]', '  input-tokens: [128]', '  input_tokens: [0o17]', '  output_tokens: [1e9]', '  tp: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]',
    '  dtype: [bf16, fp8, __proto__]', '  price: [2.5]', '  price: [-1]', '  memory: ["hbm3e:1"]', '  set: ["memory.capacity=1 GB"]', '  set: [["memory.capacity=1 GB"]]',
    '  runtime: [vllm, sglang]', '  runtime: [./escape.yaml]', '  devices: [9007199254740993]', '  kv_cache: [fp8]', '  resolution: [512]', '  Model: [x]', '  "": [1]',
  ]);
  const lines = Array.from({ length: 1 + Math.floor(r() * 5) }, axis);
  let text = `sweep:\n${lines.join('\n')}\n`;
  if (chance(r, 0.15)) text = pick(r, ['sweep: []\n', 'sweep: ~\n', 'sweep: 1\n', '[]\n', '', '---\n', 'sweep:\n', `sweep: &a\n${lines.join('\n')}\nother: *a\n`]);
  if (chance(r, 0.1)) text += `out: ${pick(r, ['ok.csv', '"a\\nb.csv"', '../x.csv', '/dev/full', 'sub/', '.', '~', 'NaN.csv', '"x.yaml"'])}\n`;
  return encode(r, text);
}

/** A text file in the encodings and line ends a stranger's editor may use. */
export function encode(r: Rand, text: string): string {
  if (!chance(r, 0.1)) return text;
  return pick(r, [
    () => `\ufeff${text}`,
    () => text.replace(/\n/g, '\r\n'),
    () => text.replace(/\n/g, '\r'),
    () => text.replace(/^ {2}/gm, '\t'),
    () => text.replace(/: /, ':\u00a0'),
    () => text.replace(/(\w)/, '$1\u200b'),
    () => `${text}\u0000`,
    () => `${text}\n${'#'.repeat(100_000)}\n`,
  ])();
}

// Every flag of every command at each edge value, one at a time over a valid base command (a campaign's first move:
// deterministic, no seed). The base gives the command what it needs to reach its engine.
const EDGE_VALUES = ['0', '-0', '-1', '1e308', '5e-324', '1e-300', '9007199254740993', '1e21', '0.5', '1.5'];
const EDGE_BASE: Record<string, string[]> = {
  simulate: ['--model', 'llama-3.1-8b', '--hardware', 'h100-sxm'],
  serve: ['--model', 'llama-3.2-1b', '--hardware', 'l4', '--rate', '2', '--requests', '20'],
  plan: ['--model', 'llama-3.2-1b', '--hardware', 'l4', '--rate', '2', '--slo-tpot', '50ms', '--requests', '20'],
  train: ['--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--devices', '8'],
  size: ['--model', 'llama-3.1-8b', '--target-tok-s', '50'],
  roofline: ['--model', 'llama-3.2-1b', '--hardware', 'l4'],
  compare: ['--models', 'llama-3.2-1b,dit-xl-2', '--hardware', 'l4'],
  'op:gemm': ['--m', '4096', '--n', '4096', '--k', '4096', '--hardware', 'h100-sxm'],
  'op:stream': ['--bytes', '1e9', '--hardware', 'h100-sxm'],
  'op:allreduce': ['--bytes', '1e9', '--devices', '8', '--hardware', 'h100-sxm'],
};
const NOT_NUMERIC = new Set(['model', 'models', 'hardware', 'runtime', 'out', 'timeline', 'trace', 'set', 'memory', 'dtype', 'weights', 'activations', 'kv-cache',
  'price', 'spec-model', 'emit', 'title', 'spec-root', 'router', 'schedule', 'recompute', 'recompute-modules', 'json', 'file', 'category', 'backend']);

// a sweep grid's numeric axes, each at the edges (as YAML writes them: .inf and 0x10 are numbers there)
const GRID_EDGE_KEYS: Record<string, string> = {
  devices: 'llama-3.2-1b', tp: 'llama-3.2-1b', pp: 'llama-3.2-1b', ep: 'mixtral-8x7b', batch: 'llama-3.2-1b', input_tokens: 'llama-3.2-1b', output_tokens: 'llama-3.2-1b',
  resolution: 'dit-xl-2', frames: 'dit-xl-2', steps: 'dit-xl-2', audio_seconds: 'whisper-tiny', price: 'llama-3.2-1b', max_tpot: 'llama-3.2-1b', max_ttft: 'llama-3.2-1b',
};
const GRID_EDGE_VALUES = [...EDGE_VALUES, '.inf', '.nan', '0x10', '"1e308 s"', '-.5'];

/** The edge cases: an argv for each (command, numeric flag, edge value), and each sweep grid axis at each edge. */
export function edgeCases(out: (ext: string) => string, file: (name: string, text: string) => string): string[][] {
  const cases: string[][] = [];
  for (const [key, model] of Object.entries(GRID_EDGE_KEYS)) {
    for (const v of GRID_EDGE_VALUES) {
      const grid = file(`edge-grid-${cases.length}.yaml`, `sweep:\n  model: [${model}]\n  hardware: [l4]\n  ${key}: [${v}]\n`);
      cases.push(['sweep', grid, '--out', out('.csv'), '--json']);
    }
  }
  for (const cmd of commands()) {
    const base = EDGE_BASE[cmd.id];
    if (!base) continue;
    for (const f of Object.values(cmd.flags)) {
      if (f.type !== 'option' || NOT_NUMERIC.has(f.name) || f.options) continue;
      for (const v of [...EDGE_VALUES, ...(/tpot|ttft|e2e/.test(f.name) ? ['1e-300 s', '1e308 s'] : [])]) {
        const argv = [...cmd.id.split(':'), ...base.filter((_, i) => base[i - (i % 2)] !== `--${f.name}`), `--${f.name}`, v, '--json'];
        if (cmd.id === 'roofline') argv.push('--out', out('.svg'));
        if (cmd.id === 'compare') argv.push('--out', out(''));
        cases.push(argv);
      }
    }
  }
  return cases;
}
