// A deterministic fuzzer of hwperf's commands as a user runs them (issue 15, second round): every command
// (serve with its arrival options and --trace files, plan, train with parallelism combinations and --search,
// size, roofline, op, compare with its report folder, calibrate, bench's flag checks, import hf and
// --model config.json, merge of hostile shard files, sweep --shard, --emit, --price, --memory, --set, --runtime
// files) with valid, hostile and absurd flag values and hostile files and output paths. Each case runs the
// command in-process through oclif (the same code path as bin/run.js) and an oracle says what must hold:
//   - exit 0, 1 or 2; on failure the answer is `hwperf: …` lines (or a --json error), never a stack trace or an
//     "internal error";
//   - no NaN, Infinity, undefined or [object Object] anywhere in stdout, stderr or the files written (what the
//     user typed may be quoted back only with those words masked);
//   - --json output parses; its numbers are finite; a result that fits has no negative quantity; an answer that
//     succeeds has no number above 1e100 or below 1e-100 in magnitude (fuzz round 5: a missing range, not a result);
//   - nothing read from outside the spec tree is printed (a secret only the outside files hold never shows);
//   - no temporary file is left beside an output, and an output is either the old file or a complete new one;
//   - no case runs longer than CLI_CASE_BUDGET_MS and the heap does not grow without bound.
// The same seed gives the same cases; `npm run fuzz -- --cli --seed S --cases N` replays.
import {
  chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureOutput } from '@oclif/test';
import { run as oclifRun } from '@oclif/core';
import { parse as parseYamlText, stringify } from 'yaml';
import { libraryFileIndex } from '../../src/spec/paths.js';
import { getLibrary } from '../../src/spec/library.js';
import { sampleCc } from '../fixtures/bench-sample.js';
import { CASE_WALL_CAP_MS, cpuMs, mutateSpec, pick, rng, type Rand, type Tree } from './fuzz.js';
import { edgeCases, makeWideCase, oddGrid, oddOutPath, type WideGen } from './wide.js';

export const CLI_CASE_BUDGET_MS = 20_000;
/** The share of cases the manifest-driven generator (wide.ts) writes; the rest are this file's hand-written ones. */
const WIDE_SHARE = 0.4;

/**
 * hwperf ARGV in this process, output captured: oclif's run as bin/run.js calls it. (@oclif/test's runCommand
 * joins the arguments with spaces and splits them again, so "5 GB" would arrive as two arguments.)
 */
export async function runHwperf(argv: string[]) {
  return captureOutput(async () => oclifRun(argv, { root: ROOT }));
}

/**
 * runHwperf for a test: the exit code oclif gave (0 when none), stderr without Node's own warning lines, and
 * process.exitCode reset (an in-process run that fails leaves it set, which would fail vitest's process).
 */
export async function runCli(argv: string[]) {
  const r = await runHwperf(argv);
  const exit = (r.error as { oclif?: { exit?: number } } | undefined)?.oclif?.exit ?? 0;
  process.exitCode = 0;
  const stderr = r.stderr.split('\n').filter((l) => !/^\(node:\d+\)|^\(Use `node/.test(l)).join('\n').trim();
  return { ...r, stderr, exit };
}
const SECRET = 'AKIAFUZZCLISECRET';
const ROOT = new URL('../..', import.meta.url).pathname;

const chance = (r: Rand, p: number) => r() < p;

// What a stranger types where a number goes.
export const NUMBERS = [
  '0', '-1', '1e308', '-1e308', 'NaN', 'Infinity', '-Infinity', '', ' ', '1e-300', '0.5', '-0', '0x10', '1_000', 'abc',
  '9'.repeat(400), '1e3', '__proto__', 'constructor', '2', '1', '8', '3', '64', '1.5', '1e21', '2e9', 'undefined', 'null',
  '[object Object]', '1,2', '5 GB', '30ms', '-5', '.5', '1e', 'x'.repeat(5000), '100000000', '2147483648', '4294967297', '1e6', '65536',
];
const SMALL = ['1', '2', '4', '8'];
const SECONDS = ['30ms', '1 s', '0.1', '0', '-1', '1ns', '1e308 s', 'NaN', '5 parsecs', 'ms', '', '10 h'];
const DTYPES = ['bf16', 'fp16', 'fp8', 'fp4', 'int8', 'int4', 'q4_0', 'fp32', 'nvfp4', 'mxfp4', 'constructor', '__proto__', 'toString', 'bf17', '', 'hasOwnProperty'];
const EMIT = ['vllm', 'sglang', 'tensorrt-llm', 'bogus', '', '__proto__'];
const RUNTIME_IDS = ['vllm', 'sglang', 'tensorrt-llm', 'llama.cpp', 'pytorch', 'ideal', 'torchtitan', 'megatron', 'deepspeed', 'mlx', 'bogus', '__proto__', 'constructor', ''];
const PRICES = ['2.5', '0', '-1', '1e308', 'NaN', 'h100-sxm=2.5', 'h100-sxm=-1', 'h100-sxm=NaN', 'bogus=1', '__proto__=1', 'constructor=2',
  'h100-sxm=1,mi300x=2', 'h100-sxm=', '=1', 'h100-sxm=1e308', 'h100-sxm=2.5,h100-sxm=3', ',', 'x'];
const MEMORY = ['hbm3e:1', 'hbm3:5@5.24', 'lpddr5x:64', 'hbm3e:0', 'hbm3e:-1', 'hbm3e:1e308', 'hbm3e:1@0', 'hbm3e:1@-5', 'hbm3e:1@1e308',
  'hbm3e:1@NaN', 'constructor:1', '__proto__:1', 'hbm3e', ':1', 'hbm3e:', 'hbm3e:1@', 'gddr7:384', 'ddr5:1e9', 'hbm3e:NaN', 'x:y@z', 'hbm3e,hbm3'];
const SET = ['memory.capacity=1 B', 'memory.capacity=1e300 TB', 'memory.capacity=-5 GB', 'memory.capacity=5 parsecs', 'memory.bandwidth=1e300 TB/s',
  'memory.bandwidth=0 B/s', 'compute.matrix.bf16=1e-300 FLOP/s', 'compute.matrix.bf16=1e300 FLOP/s', 'compute.matrix.__proto__=1', 'power.tdp=700 GW',
  'power.tdp=-1 W', 'constructor=1', '__proto__.x=1', 'prototype=1', 'memory=1', 'memory.capacity=', '=1', 'memory.capacity', 'x.y.z=1',
  'memory.capacity=141 GB', 'memory.capacity=NaN GB', 'memory.capacity=Infinity', 'price.hour_usd=-1', 'price.hour_usd=1e308', 'interconnect.bandwidth=0',
  'memory.capacity=hidden*2', 'memory.capacity=' + '1+'.repeat(3000) + '1', 'memory.capacity=(' .repeat(200) + '1' + ')'.repeat(200), 'layers=1e9', 'hidden=-1',
  'compute.matrix.bf16=989 TFLOP/s', 'memory.bandwidth=3.35 TB/s'];
const LENGTHS = ['512', '1', '0', '-1', '1e308', 'NaN', 'uniform:1,100', 'uniform:100,1', 'uniform:-1,5', 'normal:100,10', 'normal:100,-1', 'normal:0,0',
  'lognormal:100,50', 'lognormal:1e308,1', 'uniform:1,1e308', 'poisson:5', 'uniform:', 'normal:1', 'uniform:NaN,NaN', 'x', 'sharegpt', 'sharegpt:200',
  'sharegpt:0', 'sharegpt:1e308', 'sharegpt:'];

export interface CliTree extends Tree {
  out: string; // where outputs go
  files: Record<string, string>; // named hostile files
  shards: string[];
}

function mkfifo(p: string): void {
  try {
    execFileSync('mkfifo', [p]);
  } catch {
    writeFileSync(p, ''); // no mkfifo: an empty file stands in
  }
}

/** A spec tree with hostile files beside it, and real sweep shards to mutate. */
export async function makeCliTree(): Promise<CliTree> {
  const base = mkdtempSync(join(tmpdir(), 'hwperf-clifuzz-'));
  const root = join(base, 'specs');
  const outside = join(base, 'secret');
  const out = join(base, 'out');
  for (const d of [root, outside, out]) mkdirSync(d);
  const lib = libraryFileIndex();
  const llama = parseYamlText(readFileSync(lib.get('llama-3.1-8b')!, 'utf8'));
  writeFileSync(join(outside, 'base.yaml'), stringify({ ...llama, id: 'outside', layers: 7717, notes: SECRET }));
  writeFileSync(join(outside, 'creds.json'), JSON.stringify({ key: SECRET, architectures: [SECRET], model_type: SECRET }));
  writeFileSync(join(outside, 'trace.csv'), `input_tokens,output_tokens\n${SECRET},1\n`);
  symlinkSync(join(outside, 'base.yaml'), join(root, 'escape.yaml'));
  symlinkSync(join(outside, 'creds.json'), join(root, 'config-link.json'));
  mkfifo(join(root, 'fifo.yaml'));
  mkfifo(join(root, 'fifo.csv'));
  mkdirSync(join(root, 'dir.yaml'));
  mkdirSync(join(root, 'hfdir'));
  writeFileSync(join(root, 'afile'), 'x');
  mkdirSync(join(out, 'readonly'));
  chmodSync(join(out, 'readonly'), 0o555);
  mkdirSync(join(out, 'existing-dir'));
  writeFileSync(join(out, 'existing-dir', 'old.txt'), 'old');
  writeFileSync(join(out, 'existing.csv'), 'old,file\n');
  writeFileSync(join(out, 'existing.yaml'), 'old: file\n');
  writeFileSync(join(out, 'afile'), 'x');
  const files: Record<string, string> = {
    fifoYaml: join(root, 'fifo.yaml'),
    fifoCsv: join(root, 'fifo.csv'),
    dirYaml: join(root, 'dir.yaml'),
    escape: join(root, 'escape.yaml'),
    configLink: join(root, 'config-link.json'),
    outsideYaml: join(outside, 'base.yaml'),
    outsideJson: join(outside, 'creds.json'),
    outsideTrace: join(outside, 'trace.csv'),
    hfdir: join(root, 'hfdir'),
  };
  const tree: CliTree = { root, outside, out, n: 0, files, shards: [] };
  // real shards of a small sweep, to mutate
  const grid = join(root, 'shard-grid.yaml');
  writeFileSync(grid, 'sweep:\n  model: [llama-3.1-8b, llama-3.2-1b]\n  hardware: [h100-sxm, l4]\n  batch: [1, 8, max]\n  price: 2\n');
  for (const i of [1, 2, 3]) {
    const f = join(root, `shard-${i}-of-3.csv`);
    await runHwperf(['sweep', grid, '--shard', `${i}/3`, '--out', f]);
    tree.shards.push(f);
  }
  process.exitCode = 0;
  return tree;
}

// ---------- hostile files ----------

const HF_DIRS = readdirSync(join(ROOT, 'test', 'fixtures', 'hf')).filter((d) => existsSync(join(ROOT, 'test', 'fixtures', 'hf', d, 'config.json')));
const JSON_HOSTILE: unknown[] = [-1, 0, 1, 1e308, -1e308, 1.5, 0.5, '32', 'abc', '', null, [], [32], {}, { a: 1 }, true, 2 ** 53, 1e20, 'NaN', '1e999', 7, 100000, 1e9, 'bfloat16', 'float8_e4m3fn', '__proto__'];
const QUANT: unknown[] = [
  { quant_method: 'fp8' }, { quant_method: 'fp8', weight_block_size: [128, 128] }, { quant_method: 'fp8', weight_block_size: [1e308, -1] },
  { quant_method: 'awq', bits: 4 }, { quant_method: 'gptq', bits: 'x' }, { quant_method: 'gptq', bits: 1e308 }, { quant_method: 'mxfp4' },
  { quant_method: '__proto__' }, { quant_method: {} }, { quant_method: null }, { bits: 3 }, {}, [], 'fp8', 1, { quant_method: 'bitsandbytes', load_in_4bit: true },
  { quant_method: 'compressed-tensors', config_groups: { group_0: { weights: { num_bits: 'x' } } } },
];
const HF_KEYS = ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'intermediate_size', 'vocab_size', 'max_position_embeddings',
  'head_dim', 'num_experts', 'num_local_experts', 'n_routed_experts', 'num_experts_per_tok', 'moe_intermediate_size', 'kv_lora_rank', 'q_lora_rank',
  'qk_rope_head_dim', 'v_head_dim', 'sliding_window', 'torch_dtype', 'tie_word_embeddings', 'model_type', 'architectures', 'text_config', 'rope_scaling',
  'transformers_version', '_name_or_path', 'first_k_dense_replace', 'n_shared_experts', 'd_model', 'encoder_layers', 'decoder_layers', 'num_mel_bins',
  'layer_types', 'interleave_moe_layer_step', 'no_rope_layers', 'attention_chunk_size', 'max_source_positions'];

/** A mutated Hugging Face config.json (text). */
export function mutateHfConfig(r: Rand): string {
  const dir = pick(r, HF_DIRS);
  const cfg = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'hf', dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const target = cfg.text_config && typeof cfg.text_config === 'object' && chance(r, 0.5) ? (cfg.text_config as Record<string, unknown>) : cfg;
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const k = r();
    const key = pick(r, chance(r, 0.6) ? Object.keys(target) : HF_KEYS);
    if (k < 0.55) target[key] = pick(r, JSON_HOSTILE);
    else if (k < 0.7) delete target[key];
    else if (k < 0.8) cfg.quantization_config = pick(r, QUANT);
    else if (k < 0.87) cfg.architectures = pick(r, [[], 'LlamaForCausalLM', [1], [{}], ['NoSuchForCausalLM'], ['__proto__'], null]);
    else if (k < 0.93) target[key] = typeof target[key] === 'number' ? (target[key] as number) * pick(r, [1000, 1e6, -1, 0.5]) : pick(r, JSON_HOSTILE);
    else cfg.model_type = pick(r, ['__proto__', 'constructor', 'bogus', '', 1, null]);
  }
  let text = JSON.stringify(cfg, null, 2);
  if (chance(r, 0.15)) text = text.replace('{', pick(r, ['{"__proto__": {"num_hidden_layers": 7717}, ', '{"constructor": {"prototype": {"x": 1}}, ', '{"hidden_size": 1, "hidden_size": 2, ']));
  if (chance(r, 0.05)) text = text.slice(0, Math.floor(r() * text.length));
  if (chance(r, 0.03)) text = text.replace(/: (\d+)/, ': 1e999');
  return text;
}

/** A request trace (CSV or JSONL) with hostile rows now and then. */
export function makeTrace(r: Rand): string {
  const jsonl = chance(r, 0.4);
  const rows = pick(r, [0, 1, 2, 5, 20, 50, 200, 3000]);
  const cols = chance(r, 0.8) ? ['arrival_s', 'input_tokens', 'output_tokens'] : pick(r, [['input_tokens', 'output_tokens'], ['input_tokens'], ['arrival_s', 'input_tokens', 'output_tokens', 'prefix_id', 'prefix_tokens'], ['INPUT_TOKENS', 'output_tokens'], ['__proto__', 'input_tokens', 'output_tokens']]);
  const lines: string[] = [];
  if (!jsonl) lines.push(cols.join(','));
  let t = 0;
  const hostile = chance(r, 0.5);
  for (let i = 0; i < rows; i++) {
    t += r() * 0.5;
    const rec: Record<string, unknown> = { arrival_s: +t.toFixed(4), input_tokens: 1 + Math.floor(r() * 2000), output_tokens: 1 + Math.floor(r() * 300), prefix_id: `p${i % 3}`, prefix_tokens: Math.floor(r() * 100) };
    if (hostile && chance(r, 0.05)) rec[pick(r, cols)] = pick(r, [-1, 0, 1e308, -1e-9, 'NaN', 'Infinity', '', 'x', 1.5, null, [], {}, 1e15, '1e3', '__proto__']);
    if (jsonl) {
      const o: Record<string, unknown> = {};
      for (const c of cols) Object.defineProperty(o, c, { value: rec[c.toLowerCase()], enumerable: true });
      lines.push(JSON.stringify(o));
    } else lines.push(cols.map((c) => String(rec[c.toLowerCase()] ?? '')).join(','));
  }
  if (hostile && chance(r, 0.2)) lines.splice(Math.floor(r() * lines.length), 0, pick(r, ['[1,2]', 'null', '"x"', '{', 'a,b,c,d,e,f', '"unterminated,1,2', '\u0000\u0001', '{"input_tokens": 1}', ',,']));
  let text = lines.join(pick(r, ['\n', '\r\n']));
  if (chance(r, 0.05)) text = '\ufeff' + text;
  return text;
}

/** A mutated runtime YAML (a library runtime with hostile values). */
export function mutateRuntime(r: Rand): string {
  const ids = [...libraryFileIndex().entries()].filter(([, f]) => /[\\/]runtimes[\\/]/.test(f));
  const [id, file] = pick(r, ids);
  const data = parseYamlText(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const doc: Record<string, unknown> = chance(r, 0.4) ? { extends: id, id: 'fuzz-runtime' } : data;
  const paths: string[][] = [];
  const walk = (o: unknown, p: string[]) => {
    if (p.length > 4 || !o || typeof o !== 'object' || Array.isArray(o)) return;
    for (const [k, v] of Object.entries(o)) {
      paths.push([...p, k]);
      walk(v, [...p, k]);
    }
  };
  walk(data, []);
  for (let i = 0; i < 1 + Math.floor(r() * 3) && paths.length; i++) {
    const p = pick(r, paths);
    let cur: Record<string, unknown> = doc;
    for (const seg of p.slice(0, -1)) {
      if (!cur[seg] || typeof cur[seg] !== 'object' || Array.isArray(cur[seg])) cur[seg] = {};
      cur = cur[seg] as Record<string, unknown>;
    }
    Object.defineProperty(cur, p[p.length - 1]!, { value: pick(r, [-1, 0, 1e308, -1e308, 1e-300, '5 parsecs', '1e300 s', '-5 us', '', null, [], {}, 'NaN', 'x', '__proto__', 2, 0.5, '10 us', 1e9]), enumerable: true, writable: true, configurable: true });
  }
  if (chance(r, 0.1)) Object.defineProperty(doc, pick(r, ['__proto__', 'constructor', 'bogus']), { value: { a: 1 }, enumerable: true });
  return stringify(doc);
}

/** A mutated bench result (the JSON `calibrate` reads). */
export function mutateBench(r: Rand): string {
  const b = JSON.parse(JSON.stringify(sampleCc())) as Record<string, unknown>;
  const paths: (string | number)[][] = [];
  const walk = (o: unknown, p: (string | number)[]) => {
    if (p.length > 5) return;
    if (Array.isArray(o)) o.forEach((v, i) => { paths.push([...p, i]); walk(v, [...p, i]); });
    else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) { paths.push([...p, k]); walk(v, [...p, k]); }
  };
  walk(b, []);
  for (let i = 0; i < 1 + Math.floor(r() * 3); i++) {
    const p = pick(r, paths);
    let cur: any = b;
    for (const seg of p.slice(0, -1)) cur = cur?.[seg];
    if (cur && typeof cur === 'object') cur[p[p.length - 1]!] = pick(r, [-1, 0, 1e308, -1e308, 1e-300, '', null, [], {}, 'NaN', 'x', 2, 0.5, 1e9, true]);
  }
  let text = JSON.stringify(b);
  if (chance(r, 0.1)) text = text.slice(0, Math.floor(r() * text.length));
  if (chance(r, 0.05)) text = '{"__proto__": {"polluted": 1}, ' + text.slice(1);
  return text;
}

/** A hostile copy of one of the real shards. */
export function mutateShard(r: Rand, tree: CliTree, name: string): string[] {
  const files = [...tree.shards];
  const i = Math.floor(r() * files.length);
  const lines = readFileSync(files[i]!, 'utf8').split('\n');
  const k = r();
  if (k < 0.2) lines.splice(Math.max(1, Math.floor(r() * lines.length)), 1);
  else if (k < 0.4) {
    const j = 1 + Math.floor(r() * (lines.length - 2));
    const cells = lines[j]!.split(',');
    cells[Math.floor(r() * cells.length)] = pick(r, ['NaN', '', '-1', '1e308', 'x', '"a,b"', 'Infinity', '__proto__']);
    lines[j] = cells.join(',');
  } else if (k < 0.55) lines.length = Math.floor(r() * lines.length);
  else if (k < 0.65) lines[lines.length - 2] = (lines[lines.length - 2] ?? '').replace(/\d+/, pick(r, ['-1', '1e308', 'NaN', '99999999999']));
  else if (k < 0.75) lines[0] = lines[0]!.replace(/,[^,]*$/, ',__proto__');
  else if (k < 0.85) lines.splice(1, 0, ...lines.slice(1, 3));
  else lines.reverse();
  const f = join(tree.root, name);
  writeFileSync(f, lines.join('\n'));
  files[i] = f;
  if (chance(r, 0.2)) files.push(pick(r, [tree.files.fifoCsv!, tree.files.dirYaml!, '/dev/zero', tree.files.outsideTrace!, files[0]!, join(tree.root, 'missing.csv')]));
  if (chance(r, 0.1)) files.splice(Math.floor(r() * files.length), 1);
  return files;
}

// ---------- argument generators ----------

function modelRef(r: Rand, tree: CliTree, lib: { models: string[] }): string {
  const k = r();
  if (k < 0.55) return pick(r, lib.models);
  if (k < 0.7) {
    const f = join(tree.root, `hf-${tree.n}.json`);
    writeFileSync(f, mutateHfConfig(r));
    return f;
  }
  if (k < 0.82) {
    const { text, name } = mutateSpec(r, tree);
    const f = join(tree.root, name);
    writeFileSync(f, text);
    return f;
  }
  // (escape.yaml, a link out of the tree, is tried through extends: only; named on the command line it is the user's own file)
  return pick(r, ['__proto__', 'constructor', 'toString', 'llama', '', tree.files.fifoYaml!, tree.files.dirYaml!, tree.files.configLink!,
    tree.files.outsideJson!, '/dev/zero', '/dev/stdin', '/proc/self/status', tree.files.hfdir!, 'x'.repeat(5000), '../secret/base.yaml', 'NaN', 'undefined']);
}

function hardwareRef(r: Rand, tree: CliTree, lib: { hardware: string[] }, list = false): string {
  const k = r();
  if (k < 0.75) {
    const one = pick(r, lib.hardware);
    return list && chance(r, 0.3) ? `${one},${pick(r, lib.hardware)}` : one;
  }
  if (k < 0.85) {
    let text = '';
    let name = '';
    for (let tries = 0; tries < 20; tries++) {
      ({ text, name } = mutateSpec(r, tree));
      if (/memory|matrix/.test(text)) break;
    }
    const f = join(tree.root, `hw-${name}`);
    writeFileSync(f, text);
    return f;
  }
  return pick(r, ['__proto__', 'constructor', 'h100', '', 'h100-sxm,', ',', 'h100-sxm,h100-sxm', tree.files.fifoYaml!, '/dev/zero', 'NaN']);
}

function runtimeRef(r: Rand, tree: CliTree): string {
  if (chance(r, 0.6)) return pick(r, RUNTIME_IDS);
  const f = join(tree.root, `runtime-${tree.n}.yaml`);
  writeFileSync(f, mutateRuntime(r));
  return f;
}

function outPath(r: Rand, tree: CliTree, ext: string): string {
  const k = r();
  if (k < 0.5) return join(tree.out, `o-${tree.n}${ext}`);
  if (k < 0.6) return oddOutPath(r, tree, ext);
  return pick(r, [
    '/proc/x' + ext, '/proc/self/x' + ext, '/dev/full', '/dev/null', '/sys/x' + ext, join(tree.out, 'readonly', 'x' + ext), join(tree.out, 'existing.csv'),
    join(tree.out, 'existing-dir'), join(tree.out, 'afile', 'x' + ext), join(tree.out, 'a'.repeat(300) + ext), '', join(tree.out, 'sub') + '/',
    join(tree.out, 'no', 'such', 'dir', 'x' + ext), join(tree.out, 'existing.yaml'), join(tree.out, '.' + ext), join(tree.out, 'x'.repeat(5000)),
  ]);
}

const num = (r: Rand, good: readonly string[], p = 0.6) => (chance(r, p) ? pick(r, good) : pick(r, NUMBERS));

/** Flags shared by simulate, roofline, compare: parallelism, dtypes, shapes, what-ifs, costs. */
function requestFlags(r: Rand, tree: CliTree, a: string[]): void {
  const add = (flag: string, v: string) => a.push(flag, v);
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const k = pick(r, ['batch', 'tp', 'pp', 'ep', 'devices', 'input-tokens', 'output-tokens', 'dtype', 'weights', 'activations', 'kv-cache', 'resolution', 'frames',
      'steps', 'audio-seconds', 'memory', 'set', 'price', 'runtime', 'max-tpot', 'max-ttft', 'years', 'pue', 'usd-per-kwh', 'spec-model', 'spec-tokens', 'acceptance', 'mtp', 'auto-tp', 'attention-dp', 'cfg', 'no-cfg']);
    switch (k) {
      case 'batch': add('--batch', chance(r, 0.2) ? 'max' : num(r, ['1', '8', '64'])); break;
      case 'tp': case 'pp': case 'ep': case 'devices': add(`--${k}`, num(r, SMALL)); break;
      case 'input-tokens': case 'output-tokens': add(`--${k}`, num(r, ['128', '2048', '32768'])); break;
      case 'dtype': case 'weights': case 'activations': case 'kv-cache': add(`--${k}`, pick(r, DTYPES)); break;
      case 'resolution': add('--resolution', num(r, ['256', '512', '1024', '1280x720'])); break;
      case 'frames': case 'steps': add(`--${k}`, num(r, ['1', '16', '50'])); break;
      case 'audio-seconds': add('--audio-seconds', num(r, ['30', '600'])); break;
      case 'memory': add('--memory', pick(r, MEMORY)); break;
      case 'set': add('--set', pick(r, SET)); break;
      case 'price': add('--price', pick(r, PRICES)); break;
      case 'runtime': add('--runtime', runtimeRef(r, tree)); break;
      case 'max-tpot': case 'max-ttft': add(`--${k}`, pick(r, SECONDS)); break;
      case 'years': case 'pue': case 'usd-per-kwh': add(`--${k}`, num(r, ['3', '1.2', '0.1'])); break;
      case 'spec-model': add('--spec-model', pick(r, ['llama-3.2-1b', 'qwen2.5-7b', '__proto__', 'bogus'])); break;
      case 'spec-tokens': case 'mtp': add(`--${k}`, num(r, ['1', '3', '5'])); break;
      case 'acceptance': add('--acceptance', num(r, ['0.7', '0.5', '1', '1.5'])); break;
      default: a.push(`--${k}`);
    }
  }
}

function serveLoad(r: Rand, tree: CliTree, a: string[]): void {
  const k = r();
  if (k < 0.4) {
    a.push('--rate', num(r, ['0.5', '2', '10', '100'], 0.7));
    if (chance(r, 0.3)) a.push('--burstiness', num(r, ['0.5', '1', '2']));
    if (chance(r, 0.2)) a.push('--max-concurrency', num(r, SMALL));
  } else if (k < 0.65) a.push('--concurrency', num(r, ['1', '4', '16', '64'], 0.7));
  else if (k < 0.95) {
    const f = join(tree.root, `trace-${tree.n}.${chance(r, 0.5) ? 'csv' : 'jsonl'}`);
    writeFileSync(f, makeTrace(r));
    a.push('--trace', f);
  } else a.push('--trace', pick(r, [tree.files.fifoCsv!, tree.files.dirYaml!, '/dev/zero', '/dev/stdin', tree.files.outsideTrace!, join(tree.root, 'missing.csv'), '']));
  if (chance(r, 0.1)) a.push(pick(r, ['--rate', '--concurrency']), pick(r, ['1', '2']));
  a.push('--requests', chance(r, 0.85) ? pick(r, ['1', '10', '50', '200']) : pick(r, NUMBERS));
}

function serveFlags(r: Rand, a: string[]): void {
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const k = pick(r, ['seed', 'input-tokens', 'output-tokens', 'max-num-batched-tokens', 'max-num-seqs', 'prefix-hit', 'disagg', 'router', 'slo-ttft', 'slo-tpot', 'slo-e2e', 'tp', 'dtype', 'price', 'timeline']);
    if (k === 'input-tokens' || k === 'output-tokens') a.push(`--${k}`, pick(r, LENGTHS));
    else if (k === 'disagg') a.push('--prefill-devices', num(r, SMALL), '--decode-devices', num(r, SMALL), ...(chance(r, 0.5) ? ['--prefill-tp', num(r, SMALL), '--decode-tp', num(r, SMALL)] : []));
    else if (k === 'router') a.push('--router', pick(r, ['round-robin', 'least-loaded', 'bogus', '__proto__']));
    else if (k.startsWith('slo')) a.push(`--${k}`, pick(r, SECONDS));
    else if (k === 'prefix-hit') a.push('--prefix-hit', num(r, ['0', '0.5', '1', '1.5']));
    else if (k === 'dtype') a.push('--dtype', pick(r, DTYPES));
    else if (k === 'price') a.push('--price', pick(r, PRICES));
    else if (k === 'timeline') a.push('--timeline', 'TIMELINE');
    else a.push(`--${k}`, num(r, ['1', '4', '8192', '256']));
  }
}

export interface CliCase {
  argv: string[];
  outs: string[]; // output paths this case may write (checked for temp files and bad text)
  json: boolean;
}

/** The helpers the wide generator (wide.ts) borrows: this file's hostile specs, files and output paths. */
function wideGen(r: Rand, tree: CliTree, lib: { models: string[]; hardware: string[] }): WideGen {
  const file = (name: string, text: string) => {
    const f = join(tree.root, name);
    writeFileSync(f, text);
    return f;
  };
  return {
    root: tree.root, out: tree.out, n: tree.n, files: tree.files,
    model: () => modelRef(r, tree, lib),
    hardware: (list) => hardwareRef(r, tree, lib, list),
    runtime: () => runtimeRef(r, tree),
    outPath: (ext) => outPath(r, tree, ext),
    trace: () => file(`wtrace-${tree.n}.${chance(r, 0.5) ? 'csv' : 'jsonl'}`, makeTrace(r)),
    hfConfig: () => file(`wcfg-${tree.n}.json`, mutateHfConfig(r)),
    bench: () => file(`wbench-${tree.n}.json`, mutateBench(r)),
    shards: () => mutateShard(r, tree, `wshard-${tree.n}.csv`),
    grid: () => file(`wgrid-${tree.n}.yaml`, oddGrid(r)),
  };
}

export function makeCase(r: Rand, tree: CliTree): CliCase {
  const l = getLibrary();
  const lib = { models: Object.keys(l.models), hardware: Object.keys(l.hardware) };
  if (chance(r, WIDE_SHARE)) {
    const outs: string[] = [];
    const { argv, json } = makeWideCase(r, wideGen(r, tree, lib), outs);
    // a sweep without --out writes beside the current folder (the repository here): keep it in the scratch folder
    if (argv[0] === 'sweep' && !argv.some((x) => x === '--out' || x.startsWith('--out=') || x === '-o')) argv.push('--out', join(tree.out, `o-${tree.n}.csv`));
    return { argv, outs, json };
  }
  const cmd = pick(r, ['simulate', 'simulate', 'serve', 'serve', 'serve', 'plan', 'train', 'train', 'size', 'roofline', 'op', 'compare', 'calibrate', 'bench',
    'import', 'merge', 'sweep', 'validate', 'show', 'simulate-hf', 'list', 'accuracy']);
  const a: string[] = [];
  const outs: string[] = [];
  const json = chance(r, 0.5);
  const out = (ext: string) => {
    const p = outPath(r, tree, ext);
    outs.push(p);
    return p;
  };
  switch (cmd) {
    case 'simulate':
    case 'simulate-hf':
      a.push('simulate', '--model', cmd === 'simulate-hf' ? (() => {
        const f = join(tree.root, `config-${tree.n}.json`);
        writeFileSync(f, mutateHfConfig(r));
        return f;
      })() : modelRef(r, tree, lib), '--hardware', hardwareRef(r, tree, lib));
      requestFlags(r, tree, a);
      if (chance(r, 0.2)) a.push('--emit', pick(r, EMIT));
      if (chance(r, 0.1)) a.push('--verbose');
      break;
    case 'serve':
      a.push('serve', '--model', chance(r, 0.8) ? pick(r, ['llama-3.1-8b', 'llama-3.2-1b', 'qwen2.5-7b', 'mixtral-8x7b', 'deepseek-v3', 'gpt-oss-20b', 'whisper-tiny', 'dit-xl-2']) : modelRef(r, tree, lib),
        '--hardware', chance(r, 0.8) ? pick(r, ['h100-sxm', 'a100-sxm4-80gb', 'mi300x', 'l4', 'b200', 'apple-m4-max']) : hardwareRef(r, tree, lib));
      serveLoad(r, tree, a);
      serveFlags(r, a);
      for (let i = a.indexOf('TIMELINE'); i >= 0; i = a.indexOf('TIMELINE')) {
        if (chance(r, 0.5)) a[i] = chance(r, 0.8) ? out('.csv') : pick(r, ['/proc/t.csv', join(tree.out, 'afile', 't.csv'), join(tree.out, 't.txt'), '']);
        else a.splice(i - 1, 2);
      }
      if (chance(r, 0.15)) a.push('--runtime', runtimeRef(r, tree));
      if (chance(r, 0.1)) requestFlags(r, tree, a);
      break;
    case 'plan':
      a.push('plan', '--model', chance(r, 0.8) ? pick(r, ['llama-3.1-8b', 'llama-3.2-1b', 'qwen2.5-7b', 'llama-3.1-70b']) : modelRef(r, tree, lib), '--hardware', hardwareRef(r, tree, lib, true),
        '--rate', num(r, ['1', '5', '20'], 0.8));
      if (chance(r, 0.5)) a.push('--slo-ttft', pick(r, SECONDS));
      if (chance(r, 0.5)) a.push('--slo-tpot', pick(r, SECONDS));
      if (chance(r, 0.3)) a.push('--max-devices', num(r, ['1', '8', '16']));
      if (chance(r, 0.3)) a.push('--requests', num(r, ['20', '50']));
      if (chance(r, 0.2)) a.push('--price', pick(r, PRICES));
      if (chance(r, 0.2)) a.push('--input-tokens', pick(r, LENGTHS));
      if (chance(r, 0.15)) {
        const f = join(tree.root, `ptrace-${tree.n}.csv`);
        writeFileSync(f, makeTrace(r));
        a.push('--trace', f);
      }
      if (chance(r, 0.1)) a.push('--no-disaggregation');
      if (chance(r, 0.1)) a.push('--runtime', runtimeRef(r, tree));
      if (chance(r, 0.1)) a.push('--seed', num(r, ['1', '7']));
      break;
    case 'train': {
      a.push('train', '--model', chance(r, 0.8) ? pick(r, ['llama-3.1-8b', 'llama-3.1-70b', 'mixtral-8x7b', 'deepseek-v3', 'gpt3-175b', 'llama-3.2-1b']) : modelRef(r, tree, lib),
        '--hardware', chance(r, 0.85) ? pick(r, ['h100-sxm', 'b200', 'mi300x', 'tpu-v5p', 'gaudi3']) : hardwareRef(r, tree, lib), '--devices', num(r, ['8', '64', '1024', '16'], 0.75));
      const n = Math.floor(r() * 6);
      for (let i = 0; i < n; i++) {
        const k = pick(r, ['tp', 'pp', 'dp', 'cp', 'ep', 'zero', 'micro-batch', 'global-batch', 'seq-len', 'tokens', 'interleave', 'schedule', 'recompute', 'recompute-modules',
          'recompute-num-layers', 'goodput', 'dtype', 'runtime', 'search', 'top', 'price', 'years', 'pue', 'usd-per-kwh']);
        if (k === 'search') a.push('--search');
        else if (k === 'schedule') a.push('--schedule', pick(r, ['1f1b', 'interleaved', 'gpipe', 'zero-bubble', 'dualpipe', 'bogus', '__proto__']));
        else if (k === 'recompute') a.push('--recompute', pick(r, ['none', 'full', 'selective', 'bogus', 'constructor']));
        else if (k === 'recompute-modules') a.push('--recompute-modules', pick(r, ['core_attn', 'mlp', 'core_attn,mlp', '__proto__', '', 'x,,y']));
        else if (k === 'dtype') a.push('--dtype', pick(r, ['bf16', 'fp8', 'int8']));
        else if (k === 'runtime') a.push('--runtime', pick(r, ['megatron', 'torchtitan', 'deepspeed', 'vllm', '__proto__', 'bogus']));
        else if (k === 'zero') a.push('--zero', num(r, ['0', '1', '2', '3']));
        else if (k === 'goodput') a.push('--goodput', num(r, ['0.9', '1', '0.5']));
        else if (k === 'tokens') a.push('--tokens', num(r, ['1e12', '15e12', '2T', '1000000']));
        else if (k === 'price') a.push('--price', pick(r, PRICES));
        else if (k === 'seq-len') a.push('--seq-len', num(r, ['4096', '8192', '131072']));
        else if (k === 'global-batch') a.push('--global-batch', num(r, ['512', '1024', '2048']));
        else a.push(`--${k}`, num(r, SMALL));
      }
      break;
    }
    case 'size':
      a.push('size', '--model', modelRef(r, tree, lib));
      if (chance(r, 0.7)) a.push('--hardware', hardwareRef(r, tree, lib, true));
      if (chance(r, 0.4)) a.push(chance(r, 0.5) ? '--target-tok-s' : '--target-tpot', chance(r, 0.5) ? pick(r, SECONDS) : num(r, ['100', '1000']));
      for (const k of ['batch', 'tp', 'input-tokens', 'output-tokens']) if (chance(r, 0.25)) a.push(`--${k}`, num(r, ['1', '8', '2048']));
      if (chance(r, 0.2)) a.push('--dtype', pick(r, DTYPES));
      if (chance(r, 0.2)) a.push('--kv-cache', pick(r, DTYPES));
      if (chance(r, 0.15)) a.push('--memory', pick(r, MEMORY));
      if (chance(r, 0.15)) a.push('--set', pick(r, SET));
      if (chance(r, 0.1)) a.push('--runtime', runtimeRef(r, tree));
      break;
    case 'roofline':
      a.push('roofline', '--model', modelRef(r, tree, lib), '--hardware', hardwareRef(r, tree, lib));
      requestFlags(r, tree, a);
      if (chance(r, 0.4)) a.push('--out', out(pick(r, ['.svg', '.png', '.txt', ''])));
      if (chance(r, 0.3)) a.push('--force');
      break;
    case 'op': {
      const op = pick(r, ['gemm', 'stream', 'allreduce']);
      a.push('op', op, '--hardware', hardwareRef(r, tree, lib));
      if (op === 'gemm') {
        for (const d of ['m', 'n', 'k']) if (chance(r, 0.95)) a.push(`--${d}`, num(r, ['1', '4096', '8192', '127']));
        if (chance(r, 0.4)) a.push('--dtype', pick(r, DTYPES));
      } else {
        if (chance(r, 0.95)) a.push('--bytes', chance(r, 0.5) ? num(r, ['1e9', '4096', '1 GB']) : pick(r, ['1 GB', '5 parsecs', '-5 GB', '1e300 TB', '0 B', '1 GB/s', 'NaN GB']));
        if (op === 'allreduce' && chance(r, 0.95)) a.push('--devices', num(r, SMALL));
      }
      break;
    }
    case 'compare':
      a.push('compare', '--models', chance(r, 0.8) ? `${pick(r, lib.models)},${pick(r, lib.models)}` : modelRef(r, tree, lib), '--hardware', hardwareRef(r, tree, lib, true));
      requestFlags(r, tree, a);
      if (chance(r, 0.6)) a.push('--out', out(''));
      if (chance(r, 0.4)) a.push('--force');
      if (chance(r, 0.2)) a.push('--title', pick(r, ['x', '<script>alert(1)</script>', '', 'NaN', '__proto__', 'x'.repeat(3000)]));
      if (chance(r, 0.1)) a.push('--svg');
      break;
    case 'calibrate': {
      const f = join(tree.root, `bench-${tree.n}.json`);
      writeFileSync(f, mutateBench(r));
      a.push('calibrate', chance(r, 0.85) ? f : pick(r, [tree.files.fifoYaml!, '/dev/zero', tree.files.outsideJson!, tree.files.dirYaml!, '']), '--hardware', hardwareRef(r, tree, lib));
      if (chance(r, 0.5)) a.push('--out', out('.yaml'));
      if (chance(r, 0.3)) a.push('--force');
      break;
    }
    case 'bench':
      // only the checks that must fail before any benchmark runs
      a.push('bench', ...pick(r, [['--repeats', pick(r, ['0', '-1', 'NaN', '1e308', '', 'x'])], ['--backend', pick(r, ['bogus', '', '__proto__'])],
        ['--out', pick(r, ['/proc/x.json', '/dev/full', join(tree.out, 'afile', 'x.json'), join(tree.out, 'existing.csv'), join(tree.out, 'existing-dir'), '', join(tree.out, 'no', 'x.json')])]]));
      break;
    case 'import': {
      const f = join(tree.root, `import-${tree.n}.json`);
      writeFileSync(f, mutateHfConfig(r));
      a.push('import', 'hf', chance(r, 0.85) ? f : pick(r, [tree.files.fifoYaml!, '/dev/zero', tree.files.outsideJson!, tree.files.hfdir!, tree.files.configLink!, '']));
      if (chance(r, 0.6)) a.push('--out', out('.yaml'));
      if (chance(r, 0.3)) a.push('--force');
      break;
    }
    case 'merge':
      a.push('merge', ...mutateShard(r, tree, `mshard-${tree.n}.csv`), '--out', out('.csv'));
      if (chance(r, 0.3)) a.push('--force');
      break;
    case 'sweep': {
      const grid = join(tree.root, `grid-${tree.n}.yaml`);
      const axes: string[] = [`  model: [${pick(r, ['llama-3.2-1b', 'llama-3.1-8b', '__proto__', 'bogus', '"../secret/base.yaml"'])}]`, `  hardware: [${pick(r, ['l4', 'h100-sxm', 'constructor'])}]`];
      if (chance(r, 0.7)) axes.push(`  batch: [1, ${pick(r, ['2', 'max', '0', '-1', '1e308', '.nan', 'x'])}]`);
      if (chance(r, 0.3)) axes.push(`  ${pick(r, ['tp', 'price', 'memory', 'set', 'runtime', 'dtype', 'input_tokens'])}: [${pick(r, ['1', '2', '"hbm3e:1"', '"memory.capacity=1 B"', 'vllm', 'fp8', '-1', '1e308', '__proto__'])}]`);
      let text = `sweep:\n${axes.join('\n')}\n`;
      if (chance(r, 0.2)) text += `out: ${pick(r, ['../escape.csv', '/tmp/x.csv', 'ok.csv', '"', 'a/'])}\n`;
      if (chance(r, 0.1)) text = text.replace('sweep:', pick(r, ['sweep: &a', 'sweep: !!binary', 'sweep: !custom', '__proto__:']));
      writeFileSync(grid, text);
      a.push('sweep', grid);
      if (chance(r, 0.5)) a.push('--shard', pick(r, ['1/2', '2/2', '1/1', '0/2', '3/2', '-1/2', '1/0', 'x', '1/1e308', 'NaN/2', '1/2/3', '']));
      // without --out a sweep writes <grid>.csv in the current folder (the repository, here): a grid out: instead
      if (chance(r, 0.8)) a.push('--out', out('.csv'));
      else if (!/^out:/m.test(text)) writeFileSync(grid, `${text}out: grid-out-${tree.n}.csv\n`);
      if (chance(r, 0.2)) a.push('--workers', num(r, ['1', '2']));
      if (chance(r, 0.3)) a.push('--force');
      break;
    }
    case 'list':
      a.push('list', pick(r, ['models', 'hardware', 'runtimes', 'memory', '__proto__', 'constructor', 'modles', '', 'x'.repeat(3000), 'NaN']));
      break;
    case 'accuracy': {
      // only files that are not the measurements CSV: a whole accuracy run takes minutes
      const f = join(tree.root, `acc-${tree.n}.csv`);
      writeFileSync(f, pick(r, ['', 'id,category\n', 'a,b,c\n1,2\n', makeTrace(r), '\u0000\u0001binary', `id,category,hwperf_command,key,expected\nX,A,hwperf simulate --model __proto__,latency_s,NaN\n`]));
      a.push('accuracy', '--file', chance(r, 0.8) ? f : pick(r, [tree.files.fifoCsv!, '/dev/zero', tree.files.dirYaml!, tree.files.outsideTrace!]));
      if (chance(r, 0.3)) a.push('--category', pick(r, ['A', 'Z', '__proto__', '', 'A,B']));
      break;
    }
    case 'validate':
      a.push('validate', ...[0, 1].slice(0, 1 + Math.floor(r() * 2)).map(() => modelRef(r, tree, lib)));
      break;
    default: {
      const what = pick(r, ['model', 'hardware', 'runtime', 'memory']);
      a.push('show', what, what === 'model' ? modelRef(r, tree, lib) : what === 'hardware' ? hardwareRef(r, tree, lib) : what === 'runtime' ? runtimeRef(r, tree) : pick(r, ['hbm3e', 'constructor', '__proto__', 'x', '']));
    }
  }
  if (json) a.push('--json');
  if (chance(r, 0.05)) a.push('--spec-root', pick(r, [tree.root, tree.outside, '/', '/dev/null', 'nope']));
  return { argv: a, outs, json };
}

// ---------- the oracle ----------

const BAD_WORDS = /\bNaN\b|\bInfinity\b|\bundefined\b|\[object Object\]/;
const CRASH = /internal error|please report|^\s+at .+:\d+|\b(Type|Range|Reference|Syntax)Error\b|Error: |ENOTDIR|EISDIR|EACCES|ENOENT|EEXIST|EPERM|ENOSPC|ELOOP|ENAMETOOLONG/m;

// fuzz round 5: a number of absurd magnitude in an answer is a missing range, not a result
const ABSURD_HI = 1e100;
const ABSURD_LO = 1e-100;
/** A number of absurd magnitude in a --json answer (the path of the first), or undefined. */
export function absurdNumber(v: unknown): string | undefined {
  let found: string | undefined;
  const walk = (x: unknown, path: string) => {
    if (found) return;
    if (typeof x === 'number') {
      const a = Math.abs(x);
      if (a > ABSURD_HI || (a > 0 && a < ABSURD_LO)) found = `${path} is ${x}`;
    } else if (Array.isArray(x)) x.forEach((y, i) => walk(y, `${path}[${i}]`));
    else if (x && typeof x === 'object') for (const [k, y] of Object.entries(x)) if (!/^(seed|grid)$/.test(k)) walk(y, path ? `${path}.${k}` : k);
  };
  walk(v, '');
  return found;
}

/** Problems in a --json value: non-finite numbers; negative quantities in a result that fits. */
export function jsonProblem(v: unknown): string | undefined {
  let problem: string | undefined;
  const fitsOf = (o: Record<string, unknown>): boolean | undefined => {
    const m = o.memory as { fits?: unknown } | undefined;
    if (m && typeof m === 'object' && typeof m.fits === 'boolean') return m.fits;
    if (typeof o.fits === 'boolean') return o.fits;
    return undefined;
  };
  const walk = (x: unknown, path: string, fits: boolean) => {
    if (problem) return;
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) problem = `${path} is ${x}`;
      else if (fits && x < 0 && !/delta|error|diff|offset|change|vs_|_vs|relative|log/i.test(path)) problem = `${path} is negative (${x}) in a fitting result`;
    } else if (typeof x === 'string') {
      if (BAD_WORDS.test(x)) problem = `${path}: "${x.slice(0, 160)}"`;
    } else if (Array.isArray(x)) x.forEach((y, i) => walk(y, `${path}[${i}]`, fits));
    else if (x && typeof x === 'object') {
      const f = fitsOf(x as Record<string, unknown>);
      for (const [k, y] of Object.entries(x)) walk(y, path ? `${path}.${k}` : k, f ?? fits);
    }
  };
  walk(v, '', true);
  return problem;
}

export interface CliFailure {
  seed: number;
  index: number;
  argv: string[];
  what: string;
}

function tempLeftovers(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string, depth: number) => {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      if (/\.(tmp|partial|old)$/.test(n) || /^\..*\.\d+\./.test(n)) found.push(join(d, n));
      const p = join(d, n);
      try {
        if (depth < 2 && statSync(p).isDirectory()) walk(p, depth + 1);
      } catch {
        // gone
      }
    }
  };
  walk(dir, 0);
  return found;
}

/** `judge`: a further check of a parsed --json answer (bounds.ts's accounting). */
/** `seen`: called with what the command printed and its exit code, for a caller's further oracles (hostile.ts). */
export async function runCliCase(c: CliCase, tree: CliTree, judge?: (argv: string[], v: unknown) => string | undefined, seen?: (r: { stdout: string; stderr: string; exit: number }) => void): Promise<string | undefined> {
  const before = new Map(c.outs.map((o) => [o, existsSync(o) && statSync(o).isFile() ? readFileSync(o, 'utf8') : undefined]));
  const t0 = performance.now();
  const c0 = cpuMs();
  const res = await runHwperf(c.argv);
  const ms = performance.now() - t0;
  const cpu = cpuMs() - c0;
  const exitCode = process.exitCode;
  process.exitCode = 0;
  const err = res.error as (Error & { oclif?: { exit?: number }; code?: string }) | undefined;
  // oclif's "did not parse its arguments" warning is emitted only under NODE_ENV=test (vitest), never by bin/run.js
  const stderr = res.stderr.split('\n').filter((l) => !/^\(node:\d+\) \[UnparsedCommand\]|^\(Use `node --trace-warnings/.test(l)).join('\n');
  const out = `${res.stdout}\n${stderr}`;
  seen?.({ stdout: res.stdout, stderr, exit: err ? (err.oclif?.exit ?? 1) : Number(exitCode ?? 0) });
  // CPU time, not the wall clock (see fuzz.ts CASE_BUDGET_MS): a loaded machine never makes a finished case a hang
  if (cpu > CLI_CASE_BUDGET_MS || ms > CASE_WALL_CAP_MS) return `took ${cpu.toFixed(0)} ms of CPU, ${ms.toFixed(0)} ms of wall time (a hang)`;
  if (err) {
    const exit = err.oclif?.exit;
    if (exit === undefined && err.code !== 'EEXIT') return `uncaught ${err.name}: ${String(err.message).split('\n')[0]!.slice(0, 200)} | ${err.stack?.split('\n').slice(1, 3).join(' | ')}`;
    if (exit !== undefined && ![0, 1, 2].includes(exit)) return `exit code ${exit}`;
  }
  if (exitCode !== undefined && exitCode !== 0 && ![1, 2].includes(Number(exitCode))) return `process.exitCode ${exitCode}`;
  const crash = CRASH.exec(out);
  if (crash) return `crash text: ${out.slice(Math.max(0, crash.index - 80), crash.index + 160).replace(/\n/g, ' ⏎ ')}`;
  const bad = BAD_WORDS.exec(out.replace(/Infinity (Cache|Fabric)/g, '')); // AMD's product names, cited in library sources
  if (bad) return `bad word in output: ${out.slice(Math.max(0, bad.index - 100), bad.index + 60).replace(/\n/g, ' ⏎ ')}`;
  // the secret, or the outside spec's layer count as a whole number (not a digit run inside another number)
  if (out.includes(SECRET) || /(?<![\d.e+-])7717(?![\d.e])/.test(out)) return `output quotes a file outside the spec tree: ${out.slice(Math.max(0, out.indexOf(SECRET) - 100), out.indexOf(SECRET) + 40)}`;
  if (err && !c.json) {
    const lines = stderr.split('\n').filter((l) => l.trim());
    if (lines.length === 0) return 'failed without a message';
    // validate prints its findings as `file:line:col  path  message` lines
    const stray = lines.find((l) => !/^hwperf/.test(l) && !/^(warning|note)/i.test(l) && !(c.argv[0] === 'validate' && /^\S.*  \S+  \S/.test(l)));
    if (stray) return `error line without "hwperf:": ${stray.slice(0, 200)}`;
  }
  if (c.json && res.stdout.trim()) {
    let v: unknown;
    try {
      v = JSON.parse(res.stdout);
    } catch {
      return `--json output does not parse: ${res.stdout.slice(0, 200)}`;
    }
    const absurd = err ? undefined : absurdNumber(v);
    const p = jsonProblem(v) ?? (absurd ? `absurd magnitude: ${absurd}` : undefined) ?? (err ? undefined : judge?.(c.argv, v));
    if (p) return `json: ${p}`;
  }
  for (const o of c.outs) {
    if (!o.startsWith(tree.out)) continue; // /proc, /dev, …: nothing was written there (other processes' files are)
    const dir = o.endsWith('/') ? o : join(o, '..');
    const left = tempLeftovers(dir).filter((f) => !f.includes('readonly'));
    if (left.length) return `temporary files left: ${left.join(', ')}`;
    if (existsSync(o) && statSync(o).isFile() && !o.startsWith('/dev')) {
      const text = readFileSync(o, 'utf8');
      const b = BAD_WORDS.exec(text);
      if (b) return `bad word in ${o}: ${text.slice(Math.max(0, b.index - 80), b.index + 40)}`;
      if (err && before.get(o) !== undefined && text !== before.get(o)) return `a failed run changed ${o}`;
      if (text.includes(SECRET)) return `${o} holds the outside secret`;
    } else if (existsSync(o) && statSync(o).isDirectory()) {
      for (const f of readdirSync(o)) {
        const p = join(o, f);
        if (!/\.(md|csv|json|txt|svg|html|yaml)$/.test(f) || !statSync(p).isFile()) continue;
        const text = readFileSync(p, 'utf8');
        const b = BAD_WORDS.exec(text.replace(/<script[\s\S]*?<\/script>/g, ''));
        if (b) return `bad word in ${p}: ${text.slice(Math.max(0, b.index - 80), b.index + 40)}`;
      }
    }
  }
  return undefined;
}

/** Run `cases` CLI cases from `seed`. */
export async function fuzzCli(seed: number, cases: number, log?: (s: string) => void, tree?: CliTree): Promise<{ failures: CliFailure[]; counts: Record<string, number> }> {
  tree ??= await makeCliTree();
  const r = rng(seed);
  const failures: CliFailure[] = [];
  const counts: Record<string, number> = {};
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < cases; i++) {
    tree.n = i;
    let c: CliCase | undefined;
    let problem: string | undefined;
    try {
      c = makeCase(r, tree);
      const key = c.argv[0] === 'op' || c.argv[0] === 'show' || c.argv[0] === 'import' ? `${c.argv[0]} ${c.argv[1]}` : c.argv[0]!;
      counts[key] = (counts[key] ?? 0) + 1;
      if (process.env.FUZZ_TRACE) writeFileSync(process.env.FUZZ_TRACE, `${seed} ${i} ${JSON.stringify(c.argv)}\n`, { flag: 'a' });
      problem = await runCliCase(c, tree);
    } catch (e) {
      problem = `fuzzer threw ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`;
    }
    if (!problem && process.memoryUsage().heapUsed - heap0 > 2e9) problem = 'heap grew by more than 2 GB';
    if (problem) {
      failures.push({ seed, index: i, argv: c?.argv ?? [], what: problem });
      log?.(`FAIL cli seed ${seed} case ${i}: ${problem}\n  hwperf ${(c?.argv ?? []).map((x) => (x.length > 200 ? `${x.slice(0, 40)}…(${x.length})` : x)).join(' ')}`);
    }
    // outputs are fresh per case; the fixed hostile ones stay
    if (i % 50 === 49) for (const f of readdirSync(tree.out)) if (/^o-/.test(f)) rmSync(join(tree.out, f), { recursive: true, force: true });
  }
  return { failures, counts };
}

/** Every numeric flag of every engine command at each edge value (wide.ts edgeCases), through the same oracle. */
export async function fuzzEdges(log?: (s: string) => void): Promise<{ failures: CliFailure[]; cases: number }> {
  const tree = await makeCliTree();
  let n = 0;
  const failures: CliFailure[] = [];
  let k = 0;
  const list = edgeCases((ext) => join(tree.out, `e-${k++}${ext}`), (name, text) => {
    const f = join(tree.root, name);
    writeFileSync(f, text);
    return f;
  });
  for (const argv of list) {
    tree.n = n;
    const outs = argv.filter((_, i) => argv[i - 1] === '--out');
    const problem = await runCliCase({ argv, outs, json: true }, tree).catch((e) => `fuzzer threw ${(e as Error).message}`);
    if (problem) {
      failures.push({ seed: 0, index: n, argv, what: problem });
      log?.(`FAIL edge case ${n}: ${problem}\n  hwperf ${argv.join(' ')}`);
    }
    n++;
  }
  return { failures, cases: list.length };
}
