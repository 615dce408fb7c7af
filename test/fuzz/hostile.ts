// The fuzz's fifth round (issue 15, a held-out campaign's view): generators and oracles the other rounds lacked.
// Where cli.ts and wide.ts throw hostile values at every flag, this round takes a command that works and changes
// ONE thing, so that its answer can be compared with the working one (a differential oracle):
//   edge    one numeric flag of a working command (simulate, train, serve, plan, size, roofline, op, compare) at
//           a value from the edges of floating point (5e-324, 1e-300, 1e300, 2^53+1, …) or a length distribution
//           with edge parameters (lognormal:1,1e300);
//   bench   calibrate with one number of a real bench result at an edge, a string, a key missing, a list grown
//           to 100,000 entries, or the file padded to megabytes;
//   trace   serve with traces odd in structure: a column named twice, unsorted, negative or equal timestamps,
//           100,000 rows, one 4 MB line, binary bytes, JSONL with repeated or prototype keys, nested values;
//   hf      config.json with nested __proto__/constructor keys, one key's type flipped (number → string, list,
//           object, bool, null), 100,000-element lists, JSON nested 10,000 deep;
//   bytes   any YAML the CLI reads (a model, a runtime, a sweep grid) as bytes: UTF-16/UTF-32 with and without
//           BOMs, invalid UTF-8 (overlong, surrogates, 0xff), NUL, nesting 33–20,000 deep in flow or block style,
//           a 1 MB scalar, 100,000 keys, merge keys, anchors, tags, duplicate keys;
//   grid    sweep grids with axes at their range edges (context ± 1, batch 1e6, tp products), products just past
//           the 50-million-row cap, `out:` paths that leave the folder, and merge of its shards;
//   input   every flag that reads a file given /proc/self/{environ,mem,fd/0}, /dev/{urandom,zero,full}, a folder
//           named like the file, a 5,000-character path, a name with a newline;
//   shards  a grid swept whole, then in 2, 3, 7 or 64 shards merged in a shuffled order: the same bytes.
// Oracles beyond cli.ts's runCliCase (exit code, one `hwperf:` line, no NaN/undefined, finite JSON, no temp
// files, nothing from outside the tree): an answer that exits 0 has no number of absurd magnitude (above 1e100
// or below 1e-100, in JSON or as a 3-digit exponent in text); a number the working command gave is not null
// after the change unless the result no longer fits; a failure is one line (or one line per field of a spec).
import { writeFileSync, readFileSync, mkdirSync, existsSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pick, type Rand } from './fuzz.js';
import { absurdNumber, runCliCase, runHwperf, type CliTree, type CliCase } from './cli.js';
import { sampleCc } from '../fixtures/bench-sample.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const chance = (r: Rand, p: number) => r() < p;

// The edges of floating point and of the integers JavaScript holds, as a stranger types them.
export const EDGES = [
  '5e-324', '4.9e-324', '1e-320', '2.2250738585072014e-308', '1e-300', '1e-100', '1e-9', '0.001', '0.01', '0.5', '0.9999999999999999', '1',
  '1.0000000000000002', '2', '7', '1e3', '1e6', '1e9', '4294967297', '1e12', '1e15', '9007199254740993', '1e18', '1e21', '1e100', '1e300',
  '1.7976931348623157e308', '-0', '0', '-1', '-1e-300', '0x1F', '1e+2', '3.0', '١٢', '１２', '1e999', '.5', '5.',
];
const DIST_KINDS = ['uniform', 'normal', 'lognormal'];

/** A working command, the numeric flags one may change, and whether it reads a --json result that fits. */
interface Base {
  argv: string[];
  flags: string[];
  dist?: string[]; // flags that take a length distribution
}
const BASES: Base[] = [
  { argv: ['simulate', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--price', '2'], flags: ['batch', 'tp', 'input-tokens', 'output-tokens', 'years', 'pue', 'usd-per-kwh', 'price', 'max-tpot', 'max-ttft', 'devices', 'spec-tokens', 'acceptance'] },
  { argv: ['simulate', '--model', 'sd-vae', '--hardware', 'l4'], flags: ['batch', 'resolution', 'frames'] },
  { argv: ['simulate', '--model', 'whisper-large-v3', '--hardware', 'l4'], flags: ['batch', 'audio-seconds', 'output-tokens'] },
  { argv: ['train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--devices', '8', '--price', '2'], flags: ['tokens', 'goodput', 'years', 'pue', 'usd-per-kwh', 'seq-len', 'global-batch', 'micro-batch', 'tp', 'pp', 'devices', 'price'] },
  { argv: ['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '4', '--requests', '40'], flags: ['rate', 'requests', 'burstiness', 'max-num-seqs', 'max-num-batched-tokens', 'seed', 'prefix-hit', 'slo-ttft', 'slo-tpot', 'tp'], dist: ['input-tokens', 'output-tokens'] },
  { argv: ['serve', '--model', 'llama-3.2-1b', '--hardware', 'l4', '--concurrency', '4', '--requests', '30'], flags: ['concurrency', 'requests', 'max-num-seqs'], dist: ['input-tokens', 'output-tokens'] },
  { argv: ['plan', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '2', '--requests', '50'], flags: ['rate', 'requests', 'max-devices', 'slo-ttft', 'slo-tpot'], dist: ['input-tokens', 'output-tokens'] },
  { argv: ['size', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--target-tok-s', '100'], flags: ['target-tok-s', 'batch', 'input-tokens', 'output-tokens'] },
  { argv: ['size', '--model', 'llama-3.2-1b', '--target-tpot', '0.02'], flags: ['target-tpot', 'batch'] },
  { argv: ['roofline', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm'], flags: ['batch', 'input-tokens', 'output-tokens', 'tp'] },
  { argv: ['op', 'gemm', '--hardware', 'h100-sxm', '--m', '4096', '--n', '4096', '--k', '4096'], flags: ['m', 'n', 'k'] },
  { argv: ['op', 'stream', '--hardware', 'h100-sxm', '--bytes', '1e9'], flags: ['bytes'] },
  { argv: ['op', 'allreduce', '--hardware', 'h100-sxm', '--bytes', '1e9', '--devices', '8'], flags: ['bytes', 'devices'] },
  { argv: ['compare', '--models', 'llama-3.2-1b,qwen2.5-7b', '--hardware', 'h100-sxm,l4', '--price', 'h100-sxm=2,l4=0.8'], flags: ['batch', 'input-tokens', 'years', 'pue', 'usd-per-kwh'] },
  { argv: ['serve', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--rate', '4', '--requests', '30', '--prefill-devices', '1', '--decode-devices', '1'], flags: ['prefill-devices', 'decode-devices', 'prefill-tp', 'decode-tp', 'rate'] },
  { argv: ['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--spec-model', 'llama-3.2-1b', '--spec-tokens', '4'], flags: ['spec-tokens', 'acceptance', 'batch'] },
  { argv: ['simulate', '--model', 'deepseek-v3', '--hardware', 'h200-sxm', '--tp', '8', '--mtp', '1'], flags: ['mtp', 'acceptance', 'tp', 'ep', 'batch', 'set', 'memory'] },
  { argv: ['simulate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--batch', 'max'], flags: ['set', 'set', 'memory', 'max-tpot', 'input-tokens'] },
  { argv: ['simulate', '--model', 'flux.1-dev', '--hardware', 'h100-sxm'], flags: ['steps', 'resolution', 'batch'] },
  { argv: ['simulate', '--model', 'wan-2.1-t2v-14b', '--hardware', 'h100-sxm'], flags: ['steps', 'frames', 'resolution'] },
  { argv: ['train', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--devices', '64', '--search', '--top', '3'], flags: ['devices', 'top', 'tokens', 'seq-len', 'global-batch'] },
  { argv: ['train', '--model', 'mixtral-8x7b', '--hardware', 'h100-sxm', '--devices', '16', '--tp', '2', '--ep', '8'], flags: ['ep', 'cp', 'interleave', 'recompute-num-layers', 'zero', 'micro-batch'] },
  { argv: ['show', 'hardware', 'h100-sxm'], flags: ['set', 'set', 'memory'] },
];
/** flags whose value is a template around the edge number */
const TEMPLATES: Record<string, string[]> = {
  set: ['memory.capacity=E GB', 'memory.bandwidth=E TB/s', 'compute.matrix.bf16=E TFLOP/s', 'power.tdp=E W', 'interconnect.bandwidth=E GB/s', 'compute.vector.fp32=E TFLOP/s', 'price.hour_usd=E', 'memory.capacity=E'],
  memory: ['hbm3e:E', 'hbm3e:8@E', 'lpddr5x:E', 'gddr7:E@E'],
};
const SECONDS_FLAGS = new Set(['max-tpot', 'max-ttft', 'slo-ttft', 'slo-tpot', 'target-tpot']);
const UNIT_SUFFIX: Record<string, string[]> = { bytes: ['', ' B', ' GB', ' TB', ' GiB'], seconds: ['', ' s', ' ms', ' ns', ' h'] };

function setFlag(argv: string[], flag: string, value: string): string[] {
  const a = [...argv];
  const i = a.indexOf(`--${flag}`);
  if (i >= 0) a[i + 1] = value;
  else a.push(`--${flag}`, value);
  return a;
}

/** a length distribution with parameters at the edges */
function edgeDist(r: Rand): string {
  const e = () => pick(r, EDGES.filter((x) => !/[^\d.e+-]/.test(x)));
  return `${pick(r, DIST_KINDS)}:${e()},${e()}`;
}

export interface HostileCase extends CliCase {
  kind: string;
  /** a sweep to run again in this many shards and merge: the merged files must be the whole sweep's, byte for byte */
  shards?: number;
  /** the working command this one changes: its --json answer is the differential oracle's reference */
  base?: string[];
}

function edgeCase(r: Rand, tree: CliTree): HostileCase {
  const b = pick(r, BASES);
  let argv: string[];
  if (b.dist && chance(r, 0.35)) argv = setFlag(b.argv, pick(r, b.dist), edgeDist(r));
  else {
    const flag = pick(r, b.flags);
    let v = pick(r, EDGES);
    if (TEMPLATES[flag]) v = pick(r, TEMPLATES[flag]!).replace(/E/g, () => pick(r, EDGES));
    else if (flag === 'bytes') v += pick(r, UNIT_SUFFIX.bytes!);
    else if (SECONDS_FLAGS.has(flag)) v += pick(r, UNIT_SUFFIX.seconds!);
    else if (flag === 'price' && chance(r, 0.5)) v = `h100-sxm=${v}`;
    argv = setFlag(b.argv, flag, v);
    // two flags at once now and then: products of edges (tokens × goodput, years × price)
    if (chance(r, 0.25)) argv = setFlag(argv, pick(r, b.flags), pick(r, EDGES));
  }
  const outs: string[] = [];
  if (argv[0] === 'compare' && chance(r, 0.3)) {
    const o = join(tree.out, `h-${tree.n}`);
    outs.push(o);
    argv.push('--out', o);
  }
  return { kind: 'edge', argv: [...argv, '--json'], outs, json: true, base: [...b.argv, '--json'] };
}

// ---------- bench results ----------

function leaves(o: unknown, p: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(o)) o.forEach((v, i) => leaves(v, [...p, i], out));
  else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) leaves(v, [...p, k], out);
  else out.push(p);
  return out;
}
function setAt(o: any, p: (string | number)[], v: unknown): void {
  let cur = o;
  for (const s of p.slice(0, -1)) cur = cur?.[s];
  if (cur && typeof cur === 'object') {
    if (v === DELETE) delete cur[p[p.length - 1]!];
    else cur[p[p.length - 1]!] = v;
  }
}
const DELETE = Symbol('delete');

export function hostileBench(r: Rand): string {
  const b = JSON.parse(JSON.stringify(sampleCc())) as Record<string, any>;
  const op = pick(r, ['edge', 'edge', 'edge', 'string', 'missing', 'grow', 'type', 'pad', 'proto']);
  const numeric = leaves(b).filter((p) => typeof p.reduce((c: any, s) => c?.[s], b) === 'number');
  const p = pick(r, numeric);
  switch (op) {
    case 'edge': setAt(b, p, Number(pick(r, EDGES))); break;
    case 'string': setAt(b, p, pick(r, ['NaN', 'Infinity', '1e3', '', '1e999', '0x10', '-0'])); break;
    case 'missing': setAt(b, pick(r, [['memory_bandwidth_bytes_per_s'], ['gemm'], ['peak_flops_per_s'], p.slice(0, -1), p]), DELETE); break;
    case 'grow': b.gemm = Array.from({ length: pick(r, [1000, 100_000, 100_001]) }, (_, i) => ({ ...b.gemm[i % b.gemm.length] })); break;
    case 'type': setAt(b, pick(r, [['gemm'], ['peak_flops_per_s'], ['stream'], p]), pick(r, [null, [], {}, 'x', true, [[1]]])); break;
    case 'proto': b.__proto_marker = 1; break;
    default: break;
  }
  let text = JSON.stringify(b);
  if (op === 'proto') text = text.replace('"__proto_marker":1', pick(r, ['"__proto__":{"memory_bandwidth_bytes_per_s":1e300}', '"constructor":{"prototype":{"x":1}}', '"gemm":[],"gemm":[]']));
  if (op === 'pad') text = text.replace('{', '{' + ' '.repeat(pick(r, [1 << 20, 8 << 20]))); // megabytes of whitespace
  return text;
}

// ---------- traces ----------

export function hostileTrace(r: Rand): { text: string | Buffer; ext: string } {
  const op = pick(r, ['dup-col', 'unsorted', 'negative', 'equal', 'rows', 'long-line', 'binary', 'jsonl-dup', 'jsonl-proto', 'jsonl-nested', 'utf16', 'header-only', 'quotes']);
  const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
  switch (op) {
    case 'dup-col': return { text: `arrival_s,input_tokens,output_tokens,${pick(r, ['input_tokens', 'arrival_s', 'output_tokens', 'x,x'])}\n${rows(5, (i) => `${i},10,10,5`)}\n`, ext: 'csv' };
    case 'unsorted': return { text: `arrival_s,input_tokens,output_tokens\n${rows(6, (i) => `${(i * 7) % 5},10,10`)}\n`, ext: 'csv' };
    case 'negative': return { text: `arrival_s,input_tokens,output_tokens\n${rows(4, (i) => `${pick(r, ['-1', '-0', '-1e-300', String(i)])},10,10`)}\n`, ext: 'csv' };
    case 'equal': return { text: `arrival_s,input_tokens,output_tokens\n${rows(pick(r, [100, 5000]), () => `${pick(r, ['0', '1e8', '99999999.99999999', '5e-324'])},10,10`)}\n`, ext: 'csv' };
    case 'rows': return { text: `input_tokens,output_tokens\n${'100,10\n'.repeat(pick(r, [100_000, 1_000_001]))}`, ext: 'csv' };
    case 'long-line': return { text: `input_tokens,output_tokens,note\n10,10,${'x'.repeat(4 << 20)}\n`, ext: 'csv' };
    case 'binary': {
      const b = Buffer.alloc(pick(r, [16, 4096, 1 << 20]));
      let s = 7;
      for (let i = 0; i < b.length; i++) b[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
      return { text: Buffer.concat([Buffer.from('input_tokens,output_tokens\n10,10\n'), b]), ext: pick(r, ['csv', 'jsonl']) };
    }
    case 'jsonl-dup': return { text: rows(3, () => '{"input_tokens": 10, "output_tokens": 10, "input_tokens": 1e400}') + '\n', ext: 'jsonl' };
    case 'jsonl-proto': return { text: rows(3, () => pick(r, ['{"__proto__": {"input_tokens": 5}, "output_tokens": 10}', '{"constructor": 1, "input_tokens": 10, "output_tokens": 10}', '{"input_tokens": 10, "output_tokens": 10, "__proto__": null}'])) + '\n', ext: 'jsonl' };
    case 'jsonl-nested': return { text: rows(2, () => pick(r, ['{"input_tokens": {"n": 10}, "output_tokens": 10}', '{"input_tokens": [10], "output_tokens": 10}', `{"input_tokens": 10, "output_tokens": 10, "x": ${'['.repeat(5000)}${']'.repeat(5000)}}`, '{"input_tokens": "10", "output_tokens": "1e1"}', '{"input_tokens": 10.0, "output_tokens": 1e1}'])) + '\n', ext: 'jsonl' };
    case 'utf16': return { text: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('input_tokens,output_tokens\n10,10\n', 'utf16le')]), ext: 'csv' };
    case 'header-only': return { text: pick(r, ['input_tokens,output_tokens\n', 'input_tokens,output_tokens', '\n\n\n', '#comment\n', '{}\n']), ext: 'csv' };
    default: return { text: `"input_tokens","output_tokens"\n"1""0",10\n"10\n`, ext: 'csv' };
  }
}

// ---------- config.json ----------

const HF_DIRS = ['llama', 'mistral', 'mixtral', 'qwen2', 'qwen3-moe-small', 'gemma2', 'deepseek-v3', 'gpt-oss', 'llama4'];
export function hostileHf(r: Rand): string {
  const cfg = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'hf', pick(r, HF_DIRS), 'config.json'), 'utf8')) as Record<string, any>;
  const target = cfg.text_config && typeof cfg.text_config === 'object' ? cfg.text_config : cfg;
  const keys = Object.keys(target);
  const op = pick(r, ['flip', 'flip', 'proto-nested', 'huge-list', 'deep', 'edge', 'text-config-type']);
  switch (op) {
    case 'flip': {
      const k = pick(r, keys);
      const v = target[k];
      target[k] = typeof v === 'number' ? pick(r, [String(v), [v], { v }, true, null, `${v}.0`]) : typeof v === 'string' ? pick(r, [1, [v], null, { v }]) : pick(r, [1, 'x', null, [], {}]);
      break;
    }
    case 'edge': target[pick(r, keys.filter((k) => typeof target[k] === 'number').concat(['num_hidden_layers']))] = Number(pick(r, EDGES)); break;
    case 'huge-list': target[pick(r, ['layer_types', 'architectures', 'num_hidden_layers', 'rope_scaling', 'no_rope_layers'])] = new Array(pick(r, [10_000, 100_000])).fill(pick(r, [1, 'full_attention', 0])); break;
    case 'text-config-type': cfg.text_config = pick(r, [null, [], 'x', 1, {}]); break;
    case 'deep': cfg.__deep__ = 0; break;
    default: break;
  }
  let text = JSON.stringify(cfg);
  if (op === 'proto-nested') text = text.replace(/\{/g, (m, i: number) => (i > 0 && chance(r, 0.3) ? `{${pick(r, ['"__proto__": {"hidden_size": 5}, ', '"constructor": {"prototype": {"num_hidden_layers": 5}}, ', '"prototype": 1, '])}` : m));
  if (op === 'deep') {
    const d = pick(r, [1000, 10_000]);
    text = text.replace('"__deep__":0', `"__deep__": ${'['.repeat(d)}${']'.repeat(d)}`);
  }
  return text;
}

// ---------- YAML as bytes ----------

const GOOD_MODEL = 'extends: llama-3.2-1b\nid: hostile\nlayers: 4\n';
const GOOD_GRID = 'sweep:\n  model: [llama-3.2-1b]\n  hardware: [l4]\n  batch: [1, 2]\n';
const GOOD_RUNTIME = 'extends: vllm\nid: hostile-rt\n';

/** a YAML text of `kind` made hostile at the byte level or in its structure */
export function hostileYaml(r: Rand, good: string): Buffer {
  const op = pick(r, ['utf16le', 'utf16be', 'utf32le', 'utf32be', 'utf16-nobom', 'bad-utf8', 'nul', 'deep-flow', 'deep-block', 'long-scalar', 'many-keys', 'merge', 'anchors', 'tag', 'dup', 'numbers', 'cr', 'doc-markers']);
  const bom = (b: number[], body: Buffer) => Buffer.concat([Buffer.from(b), body]);
  const utf32 = (s: string, le: boolean) => {
    const cps = [...s].map((c) => c.codePointAt(0)!);
    const b = Buffer.alloc(cps.length * 4);
    cps.forEach((c, i) => (le ? b.writeUInt32LE(c, i * 4) : b.writeUInt32BE(c, i * 4)));
    return b;
  };
  switch (op) {
    case 'utf16le': return bom([0xff, 0xfe], Buffer.from(good, 'utf16le'));
    case 'utf16be': return bom([0xfe, 0xff], Buffer.from(good, 'utf16le').swap16());
    case 'utf32le': return bom([0xff, 0xfe, 0, 0], utf32(good, true));
    case 'utf32be': return bom([0, 0, 0xfe, 0xff], utf32(good, false));
    case 'utf16-nobom': return Buffer.from(good, 'utf16le');
    case 'bad-utf8': {
      const seq = pick(r, [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80]]);
      const at = good.indexOf(':') + 2;
      return Buffer.concat([Buffer.from(good.slice(0, at)), Buffer.from(seq), Buffer.from(good.slice(at))]);
    }
    case 'nul': return Buffer.from(good.replace('\n', pick(r, ['\u0000\n', '\n\u0000', '\u0000'])));
    case 'deep-flow': {
      const d = pick(r, [33, 100, 1000, 10_000, 20_000]);
      return Buffer.from(`${good}notes: ${'['.repeat(d)}${']'.repeat(d)}\n`);
    }
    case 'deep-block': {
      const d = pick(r, [33, 200, 1200]);
      return Buffer.from(good + Array.from({ length: d }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n');
    }
    case 'long-scalar': return Buffer.from(`${good}notes: "${'x'.repeat(pick(r, [16_385, 1 << 20]))}"\n`);
    case 'many-keys': return Buffer.from(good + Array.from({ length: pick(r, [1000, 100_000]) }, (_, i) => `k${i}: ${i}`).join('\n') + '\n');
    case 'merge': return Buffer.from(`base: &b\n  ${good.trim().split('\n').join('\n  ')}\n<<: *b\n`);
    case 'anchors': return Buffer.from(`${good}a: &a [1, 2, 3]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n`);
    case 'tag': return Buffer.from(good.replace(/: (\S+)\n/, `: ${pick(r, ['!!binary aGVsbG8=', '!!js/function "function(){}"', '!custom', '!!python/object:os.system', '!!set', '!!omap', '!<tag:yaml.org,2002:str>', '!!timestamp'])} $1\n`));
    case 'dup': return Buffer.from(good + good.split('\n')[0] + '\n');
    case 'numbers': return Buffer.from(good.replace(/: (\d+)\n/, `: ${pick(r, ['0x10', '0o17', '1_000', '.inf', '-.inf', '.nan', '~', '1e400', '0b11', '017', '+4', '4.', '１', '٤'])}\n`));
    case 'cr': return Buffer.from(good.replace(/\n/g, '\r'));
    default: return Buffer.from(`---\n${good}---\n${good}...\n`);
  }
}

// ---------- sweep grids at their edges ----------

export function edgeGrid(r: Rand, tree: CliTree): string {
  const axis = pick(r, [
    '  input_tokens: [131071, 131072, 131073]', '  output_tokens: [1, 131071]', '  batch: [1, 1000000, max]', '  batch: [max]\n  max_tpot: ["1 ns", "1e300 s", "5e-324 s"]',
    '  tp: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]', '  devices: [1, 16384, 16385]', '  tp: [8]\n  pp: [8]\n  ep: [8]', '  set: ["memory.capacity=1 MB", "memory.capacity=10 PB", "compute.matrix.bf16=1 MFLOP/s"]',
    '  memory: ["hbm3e:1", "hbm3e:64", "lpddr5x:1"]', '  price: {l4: 1e-300, h100-sxm: 1e300}', '  price: {l4: 5e-324}', '  dtype: [fp4, int4, q4_0, fp32]',
    `  batch: [${Array.from({ length: 1000 }, (_, i) => i + 1).join(', ')}]`, '  input_tokens: [1, 2]\n  output_tokens: [1, 2]\n  batch: [1, 2]\n  tp: [1, 2]\n  pp: [1, 2]',
  ]);
  let text = `sweep:\n  model: [llama-3.2-1b]\n  hardware: [l4, h100-sxm]\n${axis}\n`;
  // a product just past the row cap: 8 axes of 10 values make 1e8 rows, refused before any work
  if (chance(r, 0.1)) text = `sweep:\n  model: [llama-3.2-1b]\n  hardware: [l4]\n${['batch', 'input_tokens', 'output_tokens', 'tp', 'pp', 'devices', 'ep', 'steps'].map((k) => `  ${k}: [${Array.from({ length: 10 }, (_, i) => i + 1).join(', ')}]`).join('\n')}\n`;
  if (chance(r, 0.3)) {
    const linkDir = join(tree.root, 'outlink');
    if (!existsSync(linkDir)) symlinkSync(tree.outside, linkDir);
    text += `out: ${pick(r, ['../secret/x.csv', '/tmp/hwperf-fuzz-abs.csv', 'outlink/x.csv', '"a\\nb.csv"', 'sub/dir/x.csv', '"ü/x.csv"', `"${'d/'.repeat(300)}x.csv"`, 'x.yaml', '.', '""', '[a]', `./grid-${tree.n}.yaml`])}\n`;
  }
  return text;
}

// ---------- hostile input paths ----------

function inputPath(r: Rand, tree: CliTree, ext: string): string {
  const dirNamed = join(tree.root, `dir-${ext}.${ext}`);
  if (!existsSync(dirNamed)) mkdirSync(dirNamed);
  return pick(r, ['/proc/self/environ', '/proc/self/mem', '/proc/self/fd/0', '/proc/self/cmdline', '/dev/urandom', '/dev/zero', '/dev/full', '/dev/null', '/dev/stdin',
    dirNamed, join(tree.root, 'x'.repeat(5000) + `.${ext}`), join(tree.root, `a\nb.${ext}`), join(tree.root, 'missing', `x.${ext}`), tree.files.fifoCsv!, tree.files.fifoYaml!, `${tree.root}/./../specs/none.${ext}`]);
}

// ---------- the case maker ----------

export function makeHostileCase(r: Rand, tree: CliTree): HostileCase {
  const kind = pick(r, ['edge', 'edge', 'edge', 'bench', 'trace', 'hf', 'bytes', 'grid', 'input', 'shards']);
  const json = chance(r, 0.5);
  const j = (a: string[]) => (json ? [...a, '--json'] : a);
  const file = (name: string, data: string | Buffer) => {
    const f = join(tree.root, name);
    writeFileSync(f, data);
    return f;
  };
  switch (kind) {
    case 'edge': return edgeCase(r, tree);
    case 'bench': {
      const outs: string[] = [];
      const a = ['calibrate', file(`hb-${tree.n}.json`, hostileBench(r)), '--hardware', pick(r, ['h100-sxm', 'l4'])];
      if (chance(r, 0.3)) {
        const o = join(tree.out, `hb-${tree.n}.yaml`);
        outs.push(o);
        a.push('--out', o);
      }
      return { kind, argv: j(a), outs, json };
    }
    case 'trace': {
      const { text, ext } = hostileTrace(r);
      const cmd = chance(r, 0.8) ? ['serve', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm'] : ['plan', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--rate', '1'];
      const a = [...cmd, '--trace', file(`ht-${tree.n}.${ext}`, text)];
      if (chance(r, 0.5)) a.push('--requests', pick(r, ['10', '1000000', '1000001', '1']));
      return { kind, argv: j(a), outs: [], json };
    }
    case 'hf': {
      const f = file(`hh-${tree.n}.json`, hostileHf(r));
      const a = chance(r, 0.5) ? ['import', 'hf', f] : ['simulate', '--model', f, '--hardware', 'h100-sxm'];
      return { kind, argv: j(a), outs: [], json };
    }
    case 'bytes': {
      const which = pick(r, ['model', 'grid', 'runtime']);
      const data = hostileYaml(r, which === 'model' ? GOOD_MODEL : which === 'grid' ? GOOD_GRID : GOOD_RUNTIME);
      const f = file(`hy-${tree.n}.yaml`, data);
      const outs = which === 'grid' ? [join(tree.out, `hy-${tree.n}.csv`)] : [];
      const a = which === 'model' ? pick(r, [['validate', f], ['simulate', '--model', f, '--hardware', 'l4'], ['show', 'model', f]])
        : which === 'grid' ? ['sweep', f, '--out', outs[0]!]
        : ['simulate', '--model', 'llama-3.2-1b', '--hardware', 'h100-sxm', '--runtime', f];
      return { kind, argv: j(a), outs, json };
    }
    case 'shards': {
      // the same grid swept whole and in N shards then merged: the bytes must agree (shardsAgree judges)
      const axes = ['  batch: [1, 8, max]', '  input_tokens: [1, 4096, 131072]', '  dtype: [bf16, fp8, int4]', '  tp: [1, 2, 4]', '  price: [0, 2.5]', '  max_tpot: ["5 ms", "1 s"]', '  set: ["memory.capacity=1 MB", "memory.bandwidth=10 PB/s"]', '  memory: ["hbm3e:1", "lpddr5x:8"]'];
      const chosen = axes.filter(() => chance(r, 0.35)).slice(0, 3);
      const g = file(`hs-${tree.n}.yaml`, `sweep:\n  model: [llama-3.2-1b, qwen2.5-7b]\n  hardware: [l4, h100-sxm]\n${chosen.join('\n')}\n`);
      const n = pick(r, [2, 3, 7, 64]);
      return { kind, argv: ['sweep', g, '--out', join(tree.out, `hs-${tree.n}.csv`)], outs: [join(tree.out, `hs-${tree.n}.csv`)], json: false, shards: n };
    }
    case 'grid': {
      const g = file(`hg-${tree.n}.yaml`, edgeGrid(r, tree));
      const out = join(tree.out, `hg-${tree.n}.csv`);
      const a = ['sweep', g];
      // without --out the grid's out: decides (and must stay in the grid's folder)
      if (chance(r, 0.6) || !/^out:/m.test(readFileSync(g, 'utf8'))) a.push('--out', out);
      if (chance(r, 0.2)) a.push('--shard', pick(r, ['1/2', '2/2']));
      return { kind, argv: j(a), outs: [out], json };
    }
    default: {
      const k = pick(r, ['model', 'trace', 'bench', 'hf', 'runtime', 'merge', 'accuracy', 'grid']);
      const ext = k === 'trace' || k === 'merge' || k === 'accuracy' ? 'csv' : k === 'bench' || k === 'hf' ? 'json' : 'yaml';
      const p = inputPath(r, tree, ext);
      const a = k === 'model' ? ['simulate', '--model', p, '--hardware', 'l4']
        : k === 'trace' ? ['serve', '--model', 'llama-3.2-1b', '--hardware', 'l4', '--trace', p]
        : k === 'bench' ? ['calibrate', p, '--hardware', 'l4']
        : k === 'hf' ? ['import', 'hf', p]
        : k === 'runtime' ? ['simulate', '--model', 'llama-3.2-1b', '--hardware', 'l4', '--runtime', p]
        : k === 'merge' ? ['merge', tree.shards[0]!, p, '--out', join(tree.out, `hi-${tree.n}.csv`)]
        : k === 'accuracy' ? ['accuracy', '--file', p]
        : ['sweep', p, '--out', join(tree.out, `hi-${tree.n}.csv`)];
      return { kind: 'input', argv: j(a), outs: a.includes('--out') ? [a[a.indexOf('--out') + 1]!] : [], json };
    }
  }
}

// ---------- oracles ----------

/** A 3-digit exponent in text output outside the quotes that echo what the user typed. */
export function absurdText(text: string): string | undefined {
  const m = /\d(?:\.\d+)?e[+-]?\d{3}\b/i.exec(text.replace(/"[^"\n]*"/g, '""'));
  return m ? text.slice(Math.max(0, m.index - 80), m.index + 40).replace(/\n/g, ' ⏎ ') : undefined;
}

/** Paths that hold a number in `ref` and null in `v` (both --json answers); a result that stopped fitting is excused. */
export function becameNull(ref: unknown, v: unknown): string | undefined {
  const fits = (o: any) => (o && typeof o === 'object' ? (o.memory?.fits ?? o.fits ?? o.feasible) : undefined);
  if (fits(v) === false) return undefined;
  let found: string | undefined;
  const walk = (a: any, b: any, path: string) => {
    if (found) return;
    if (typeof a === 'number' && b === null) found = path;
    else if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
      if (fits(b) === false) return;
      for (const k of Object.keys(a)) if (Object.hasOwn(b, k)) walk(a[k], b[k], path ? `${path}.${k}` : k);
    }
  };
  walk(ref, v, '');
  return found;
}

/** More than one failure line (an issue line per field of a spec is allowed; the same field twice is not). */
export function extraLines(stderr: string): string | undefined {
  const lines = stderr.split('\n').filter((l) => l.trim() && !/^\(node:\d+\)|^\(Use `node/.test(l) && !/^(hwperf: )?(warning|note)/i.test(l));
  if (lines.length <= 1) return undefined;
  const issue = /^(?:hwperf: )?(\S.*?:\d+:\d+) {2}(\S+) {2}/;
  const keys = lines.map((l) => issue.exec(l)).map((m) => (m ? `${m[1]}|${m[2]}` : undefined));
  if (keys.some((k) => k === undefined)) return `${lines.length} lines: ${lines.slice(0, 3).join(' ⏎ ').slice(0, 300)}`;
  if (new Set(keys).size < keys.length) return `one field reported twice: ${lines.slice(0, 3).join(' ⏎ ').slice(0, 300)}`;
  return undefined;
}

export interface HostileFailure {
  seed: number;
  index: number;
  kind: string;
  argv: string[];
  what: string;
}

const baseCache = new Map<string, unknown>();
async function baseAnswer(argv: string[]): Promise<unknown> {
  const key = argv.join('\u0000');
  if (!baseCache.has(key)) {
    const res = await runHwperf(argv);
    process.exitCode = 0;
    let v: unknown;
    try {
      v = JSON.parse(res.stdout);
    } catch {
      v = undefined;
    }
    baseCache.set(key, v);
  }
  return baseCache.get(key);
}

/** Files a grid's `out:` must never write (outside the grid's folder, no --out given). */
const OUTSIDE_WRITES = (tree: CliTree) => ['/tmp/hwperf-fuzz-abs.csv', join(tree.outside, 'x.csv'), join(tree.root, '..', 'secret', 'x.csv')];

const PARETO = ['', '.pareto', '.pareto-per-device', '.pareto-per-dollar'];

/** The sweep of `c` again as c.shards shards and a merge: every file the same bytes as the whole sweep's. */
async function shardsAgree(c: HostileCase, tree: CliTree): Promise<string | undefined> {
  const whole = c.argv[c.argv.indexOf('--out') + 1]!;
  if (!existsSync(whole)) return undefined; // the sweep refused the grid: nothing to compare
  const parts: string[] = [];
  for (let i = 1; i <= c.shards!; i++) {
    const part = whole.replace(/\.csv$/, `.s${i}of${c.shards}.csv`);
    const argv = ['sweep', c.argv[1]!, '--shard', `${i}/${c.shards}`, '--out', part];
    let exit = 0;
    const p = await runCliCase({ argv, outs: [part], json: false }, tree, undefined, (x) => (exit = x.exit));
    if (p) return `shard ${i}/${c.shards}: ${p}`;
    // more shards than rows may be refused; a shard of a grid with enough rows may not
    const rows = readFileSync(whole, 'utf8').trim().split('\n').length - 1;
    if (exit !== 0) return c.shards! <= rows ? `shard ${i}/${c.shards} of ${rows} rows was refused` : undefined;
    if (!existsSync(part)) return `shard ${i}/${c.shards} wrote nothing`;
    parts.push(part);
  }
  const merged = whole.replace(/\.csv$/, '.merged.csv');
  // shards named in a shuffled order: merge puts them back in sweep order
  const order = parts.map((p, i) => [p, (i * 7919) % parts.length] as const).sort((a, b) => a[1] - b[1]).map(([p]) => p);
  const m = await runCliCase({ argv: ['merge', ...order, '--out', merged], outs: [merged], json: false }, tree);
  if (m) return `merge: ${m}`;
  for (const suffix of PARETO) {
    const a = whole.replace(/\.csv$/, `${suffix}.csv`);
    const b = merged.replace(/\.csv$/, `${suffix}.csv`);
    if (!existsSync(a) || !existsSync(b)) return `${suffix || 'the CSV'}: written by ${existsSync(a) ? 'the sweep only' : 'the merge only'}`;
    if (readFileSync(a, 'utf8') !== readFileSync(b, 'utf8')) return `${b} differs from the whole sweep's ${a} (${c.shards} shards)`;
  }
  return undefined;
}

/** One case through cli.ts's oracle and this round's. */
export async function runHostileCase(c: HostileCase, tree: CliTree): Promise<string | undefined> {
  let got: { stdout: string; stderr: string; exit: number } = { stdout: '', stderr: '', exit: 0 };
  const first = await runCliCase(c, tree, undefined, (x) => (got = x));
  if (first) return first;
  for (const f of OUTSIDE_WRITES(tree)) if (existsSync(f)) {
    rmSync(f, { force: true });
    return `wrote ${f}, outside the folders it may write`;
  }
  if (got.exit !== 0) return c.argv[0] !== 'validate' && !c.json ? extraLines(got.stderr) : undefined;
  if (c.shards) return shardsAgree(c, tree);
  if (c.json) {
    let v: unknown;
    try {
      v = JSON.parse(got.stdout);
    } catch {
      return undefined; // runCliCase judged it
    }
    const absurd = absurdNumber(v);
    if (absurd) return `absurd magnitude: ${absurd}`;
    if (c.base) {
      const ref = await baseAnswer(c.base);
      const n = ref === undefined ? undefined : becameNull(ref, v);
      if (n) return `${n} is a number in the working command and null after the change (the result still fits)`;
      // the same command as text: it succeeds too, and prints no absurd magnitude either
      if (c.argv.includes('--out')) return undefined; // a second run would find its output there
      const text = c.argv.filter((x) => x !== '--json');
      let t: { stdout: string; stderr: string; exit: number } = { stdout: '', stderr: '', exit: 0 };
      const p = await runCliCase({ argv: text, outs: [], json: false }, tree, undefined, (x) => (t = x));
      if (p) return `as text: ${p}`;
      if (t.exit !== 0) return `--json succeeds but the text answer fails: ${t.stderr.slice(0, 200)}`;
      const a = absurdText(t.stdout + t.stderr);
      if (a) return `absurd magnitude in text: ${a}`;
    }
  } else {
    const t = absurdText(got.stdout + got.stderr);
    if (t) return `absurd magnitude in text: ${t}`;
  }
  return undefined;
}

/** Run `cases` cases of this round from `seed`. */
export async function fuzzHostile(seed: number, cases: number, tree: CliTree, rng: (s: number) => Rand, log?: (s: string) => void): Promise<{ failures: HostileFailure[]; counts: Record<string, number> }> {
  const r = rng(seed);
  const failures: HostileFailure[] = [];
  const counts: Record<string, number> = {};
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < cases; i++) {
    tree.n = 100_000 + i;
    let c: HostileCase | undefined;
    let problem: string | undefined;
    try {
      c = makeHostileCase(r, tree);
      counts[c.kind] = (counts[c.kind] ?? 0) + 1;
      if (process.env.FUZZ_TRACE) writeFileSync(process.env.FUZZ_TRACE, `${seed} ${i} ${JSON.stringify(c.argv.map((x) => (x.length > 200 ? `${x.slice(0, 40)}…` : x)))}\n`, { flag: 'a' });
      problem = await runHostileCase(c, tree);
    } catch (e) {
      problem = `fuzzer threw ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`;
    }
    if (!problem && process.memoryUsage().heapUsed - heap0 > 2e9) problem = 'heap grew by more than 2 GB';
    if (problem) {
      failures.push({ seed, index: i, kind: c?.kind ?? '?', argv: c?.argv ?? [], what: problem });
      log?.(`FAIL hostile seed ${seed} case ${i} (${c?.kind}): ${problem}\n  hwperf ${(c?.argv ?? []).map((x) => (x.length > 200 ? `${x.slice(0, 40)}…(${x.length})` : x)).join(' ')}`);
    }
  }
  return { failures, counts };
}

