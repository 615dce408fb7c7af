// The fuzz's boundary corpus (issue 15, fourth round): where fuzz.ts and cli.ts throw hostile values that the
// spec layer refuses, this one writes specs that VALIDATE, so that every case reaches the engines. The schemas
// (src/spec/schemas.ts) are read as data: each count, quantity and fraction of a model, hardware or runtime file
// is set at its stated minimum, its maximum, one step inside either, or a log-uniform value between (quantities
// in SI units with their unit), in a what-if over a library entry (`extends: ID`) or in a runtime's
// by_vendor / by_hardware block; `--set` takes its paths at the edges of their ranges the same way. The flags
// that go with them are valid too, drawn from the whole range each command takes (parallelism as products of
// small primes up to 2^20 devices, open-loop rates from 1e-6 to 1e6 requests/s, lengths up to the model's
// context). cli.ts's oracle judges each answer, plus what a valid answer must keep (accounting.ts):
// throughput ≤ replicas·batch/tpot; e2e = ttft + (O−1)·tpot; a result that fits has its memory within the
// usable bytes; serve's energy per token and cost stay within what its devices could draw in its run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYamlText, stringify } from 'yaml';
import { hardwareSchema, modelSchemas, runtimeSchema } from '../../src/spec/schemas.js';
import { libraryFileIndex } from '../../src/spec/paths.js';
import { getLibrary } from '../../src/spec/library.js';
import { SET_FIELDS } from '../../src/hardware/set-path.js';
import { pick, rng, type Rand } from './fuzz.js';
import { exprModel, importRoundTrip, oddHfConfig, oddName, oddTrace } from './inputs.js';
import { makeCliTree, runCliCase, type CliCase, type CliFailure, type CliTree } from './cli.js';

const chance = (r: Rand, p: number) => r() < p;
const ROOT_DIR = new URL('../..', import.meta.url).pathname;

/** A numeric leaf of a schema: where it is and what it allows. `key` segments are `*` where any key goes. */
interface Leaf {
  path: string[];
  lo: number;
  hi: number;
  exclusiveLo: boolean;
  integer: boolean;
  si?: string; // an x-range quantity: its SI unit
}

// the SI unit of a quantity, by the last segments of its path (the schema states a range, not a dimension)
function unitOf(path: string[]): string {
  const last = path[path.length - 1]!;
  const parent = path[path.length - 2] ?? '';
  if (parent === 'matrix' || parent === 'vector' || last === 'gguf_rate' || last === 'gemv_rate') return 'FLOP/s';
  if (last === 'bandwidth') return 'B/s';
  if (['capacity', 'reserve', 'l1', 'l2', 'l3', 'sram', 'slc', 'infinity_cache', 'memory'].includes(last)) return 'B';
  if (last === 'tdp' || last === 'idle') return 'W';
  if (last === 'clock') return 'Hz';
  if (last === 'purchase' || last === 'hour') return 'USD';
  if (last === 'energy') return 'J/bit';
  if (last === 'compute' && parent === 'energy') return 'J/FLOP';
  return 's';
}

function leaves(schema: any, path: string[] = [], out: Leaf[] = [], depth = 0): Leaf[] {
  if (!schema || typeof schema !== 'object' || depth > 8) return out;
  if (schema['x-range']) {
    const [lo, hi] = schema['x-range'] as [number, number];
    out.push({ path, lo, hi, exclusiveLo: false, integer: false, si: unitOf(path) });
    return out;
  }
  const types = ([] as string[]).concat(schema.type ?? []);
  if ((types.includes('number') || types.includes('integer')) && !schema.properties) {
    out.push({
      path,
      lo: schema.exclusiveMinimum ?? schema.minimum ?? -Infinity,
      hi: schema.maximum ?? Infinity,
      exclusiveLo: schema.exclusiveMinimum !== undefined,
      integer: types.includes('integer') || schema.multipleOf === 1,
    });
    return out;
  }
  if (schema.oneOf) for (const s of schema.oneOf) leaves(s, path, out, depth + 1);
  if (schema.properties) for (const [k, s] of Object.entries(schema.properties)) leaves(s, [...path, k], out, depth + 1);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    const names: string[] | undefined = schema.propertyNames?.enum;
    if (names) for (const k of names) leaves(schema.additionalProperties, [...path, k], out, depth + 1);
    else leaves(schema.additionalProperties, [...path, '*'], out, depth + 1);
  }
  if (schema.items && typeof schema.items === 'object') leaves(schema.items, [...path, '0'], out, depth + 1);
  return out;
}

const MODEL_LEAVES: Record<string, Leaf[]> = Object.fromEntries(Object.entries(modelSchemas).map(([f, s]) => [f, leaves(s)]));
const HARDWARE_LEAVES = leaves(hardwareSchema);
// a runtime's blocks at the top; by_vendor / by_hardware repeat them under a key (leaves() writes `*`)
const RUNTIME_LEAVES = leaves(runtimeSchema).filter((l) => l.path.length > 1);

/** A value at or near an edge of the leaf's range (or past a missing edge: 0, 2^31, 2^53, 1e15). */
export function edgeValue(r: Rand, l: Leaf): number {
  const lo = Number.isFinite(l.lo) ? l.lo : pick(r, [0, 1, 1e-9]);
  const hi = Number.isFinite(l.hi) ? l.hi : pick(r, [1e3, 1e6, 2 ** 31, 2 ** 53, 1e15, 1e21]);
  const step = l.integer ? 1 : Math.max(Math.abs(lo), Math.abs(hi)) * 1e-9;
  let v: number;
  const k = r();
  if (k < 0.25) v = l.exclusiveLo ? lo + (l.integer ? 1 : Math.max(step, Number.MIN_VALUE)) : lo;
  else if (k < 0.45) v = hi;
  else if (k < 0.55) v = l.exclusiveLo ? lo + 2 * (l.integer ? 1 : step) : lo + step;
  else if (k < 0.65) v = hi - step;
  else {
    // log-uniform over the range (uniform when it starts at 0)
    const a = Math.max(lo, l.integer ? 1 : hi * 1e-12, Number.MIN_VALUE);
    v = a > 0 && hi > a ? Math.exp(Math.log(a) + r() * (Math.log(hi) - Math.log(a))) : lo + r() * (hi - lo);
  }
  if (l.integer) v = Math.round(v);
  return Math.min(Math.max(v, l.exclusiveLo && !l.integer ? v : lo), hi);
}

function setAt(doc: Record<string, unknown>, path: string[], v: unknown): void {
  let cur: Record<string, unknown> = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const nextIsIndex = /^\d+$/.test(path[i + 1]!);
    if (!Object.hasOwn(cur, k) || cur[k] === null || typeof cur[k] !== 'object') cur[k] = nextIsIndex ? [] : {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(cur) && /^\d+$/.test(last)) (cur as unknown[])[Number(last)] = v;
  else cur[last] = v;
}

const libFiles = () => [...libraryFileIndex().entries()];
const fileOf = (id: string) => libraryFileIndex().get(id)!;
const dataCache = new Map<string, Record<string, unknown>>();
const dataOf = (id: string) => {
  if (!dataCache.has(id)) dataCache.set(id, parseYamlText(readFileSync(fileOf(id), 'utf8')) as Record<string, unknown>);
  return JSON.parse(JSON.stringify(dataCache.get(id))) as Record<string, unknown>;
};

function valueText(r: Rand, l: Leaf): unknown {
  const v = edgeValue(r, l);
  if (!l.si) return v;
  // SI with its unit, or the same value with an SI prefix now and then
  if (chance(r, 0.2) && v >= 1e3 && l.si !== 'USD') return `${v / 1e3} k${l.si}`;
  return `${v} ${l.si}`;
}

/** A model what-if over a library model of one family, with 1–4 fields at edges of their ranges. */
export function boundModel(r: Rand, family?: string): { text: string; family: string; base: string } {
  const lib = getLibrary();
  const ids = Object.values(lib.models).filter((m) => (family ? m.family === family : m.family !== 'pipeline')).map((m) => m.id).sort();
  const base = pick(r, ids);
  const fam = lib.models[base]!.family;
  const data = dataOf(base);
  const doc: Record<string, unknown> = chance(r, 0.6) ? { extends: base, id: 'bounds-model' } : { ...data, id: 'bounds-model' };
  delete doc.reference_params; // a what-if changes the parameter count the library states
  const own = MODEL_LEAVES[fam]!.filter((l) => !l.path.includes('*') && !l.path.includes('reference_params'));
  // mostly fields the library entry has (a block the entry lacks may need siblings the schema requires)
  const present = own.filter((l) => l.path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), data) !== undefined);
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const l = chance(r, 0.85) && present.length ? pick(r, present) : pick(r, own);
    if (doc.extends && l.path.length > 1) {
      // extends replaces a whole block: copy the library's block first
      const top = l.path[0]!;
      if (data[top] !== undefined && doc[top] === undefined) doc[top] = JSON.parse(JSON.stringify(data[top]));
    }
    setAt(doc, l.path, valueText(r, l));
  }
  return { text: stringify(doc), family: fam, base };
}

/** A hardware what-if over a library part, with 1–4 fields at edges of their ranges. */
export function boundHardware(r: Rand): { text: string; base: string } {
  const lib = getLibrary();
  const base = pick(r, Object.keys(lib.hardware).sort());
  const data = dataOf(base);
  const doc: Record<string, unknown> = chance(r, 0.6) ? { extends: base, id: 'bounds-hw' } : { ...data, id: 'bounds-hw' };
  const usable = HARDWARE_LEAVES.filter((l) => !l.path.includes('*') && l.path[0] !== 'year' && !(l.path[0] === 'efficiency' && l.path.length > 2));
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const l = pick(r, usable);
    const top = l.path[0]!;
    if (doc.extends && l.path.length > 1 && data[top] !== undefined && doc[top] === undefined) doc[top] = JSON.parse(JSON.stringify(data[top]));
    // an interconnect link needs its bandwidth
    if (top === 'interconnect' && l.path.length > 2) {
      const link = (((doc.interconnect ??= {}) as Record<string, Record<string, unknown>>)[l.path[1]!] ??= {});
      link.bandwidth ??= '50 GB/s';
    }
    // efficiency numbers have no stated range (normalize checks them): a fraction's edges
    const v = l.path[0] === 'efficiency' && !l.si && !Number.isFinite(l.hi) ? pick(r, [1, 0.999999, 1e-6, 0.5, 1e-300, 5e-324]) : valueText(r, l);
    setAt(doc, l.path, v);
  }
  return { text: stringify(doc), base };
}

const VENDORS = ['nvidia', 'amd', 'intel', 'apple', 'google', 'habana', 'huawei', 'qualcomm'];

/** A runtime what-if over a library runtime: fields at edges, at the top or in a by_vendor / by_hardware block. */
export function boundRuntime(r: Rand, role?: 'serving' | 'training', hardware?: string): { text: string; base: string } {
  const lib = getLibrary();
  const rts = libFiles().filter(([, f]) => /[\\/]runtimes[\\/]/.test(f)).filter(([id]) => {
    const ro = dataOf(id).role;
    return role === 'training' ? ro === 'training' : role === 'serving' ? ro !== 'training' : true;
  }).map(([id]) => id).sort();
  const base = pick(r, rts);
  const doc: Record<string, unknown> = { extends: base, id: 'bounds-runtime' };
  const data = dataOf(base);
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const l = pick(r, RUNTIME_LEAVES);
    const path = l.path.map((k) => (k !== '*' ? k : l.path[0] === 'by_vendor' ? pick(r, VENDORS) : hardware && chance(r, 0.8) ? hardware : pick(r, Object.keys(lib.hardware).sort())));
    // a block with required siblings: start from the library's, or a minimal valid one
    const blockAt = path.slice(0, path.length - 1);
    const tail = blockAt.slice(path[0] === 'by_vendor' || path[0] === 'by_hardware' ? 2 : 0);
    const libBlock = tail.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), data);
    const REQUIRED: Record<string, unknown> = {
      moe_host: { syncs_fwd: 1, per_op: '10 us', ops_fwd: 1, ops_bwd: 1, expert_kernels_fwd: 1, expert_kernels_bwd: 1 },
      expert_loop: { expert_fwd: '166 us', expert_kernels_bwd: 19 },
      moe_expert_loop: { per_expert: '166 us', experts: 'all' },
      custom_allreduce: { sizes: [1024, 1048576], seconds: [1e-5, 1e-4], max_group: 8 },
      attention_scores: { bytes_per_score: 4, kernels: 3 },
      rmsnorm: { kernels: 1, bytes_per_element: 4 },
      rope: { kernels: 1, bytes_per_element: 4 },
      below_memory: { memory: '70 GiB' },
    };
    const name = tail[tail.length - 1];
    if (name && REQUIRED[name] !== undefined) {
      let cur: any = doc;
      for (const k of blockAt) cur = cur[k] ??= {};
      for (const [k, v] of Object.entries((libBlock as object) ?? (REQUIRED[name] as object))) cur[k] ??= v;
    }
    if (name === '0' || (tail.length >= 2 && /^\d+$/.test(String(tail[tail.length - 1])))) continue; // array items: sizes/seconds keep their shape
    setAt(doc, path, valueText(r, l));
    // every block that sets a number names its source (normalize-runtime.ts): the block's own, or ours
    const blockPath = path.slice(0, path[0] === 'by_vendor' || path[0] === 'by_hardware' ? 3 : 1);
    const block = blockPath.reduce<any>((o, k) => o?.[k], doc);
    if (block && typeof block === 'object' && !Array.isArray(block)) block.source ??= 'fuzz: a value at an edge of its range';
  }
  if (chance(r, 0.2)) setAt(doc, ['scheduler', 'admission'], pick(r, ['reserve', 'preempt']));
  return { text: stringify(doc), base };
}

/** `--set PATH=VALUE` at an edge of the path's range (schemas.ts x-range, counts 1..1e8, fractions (0, 1]). */
export function boundSet(r: Rand): string {
  const path = pick(r, Object.keys(SET_FIELDS).sort());
  const f = SET_FIELDS[path] as { kind: string; zero?: boolean };
  if (f.kind === 'string') return `${path}=${pick(r, ['hbm3e', 'lpddr5x', 'x', 'datacenter'])}`;
  if (f.kind === 'count') return `${path}=${edgeValue(r, { path: [], lo: 1, hi: 1e8, integer: true, exclusiveLo: false })}`;
  if (f.kind === 'fraction') return `${path}=${edgeValue(r, { path: [], lo: 0, hi: 1, integer: false, exclusiveLo: true })}`;
  const leaf = HARDWARE_LEAVES.find((l) => l.path.join('.') === path);
  const si: Record<string, string> = { bytes: 'B', bytes_per_s: 'B/s', flop_per_s: 'FLOP/s', watts: 'W', joules_per_bit: 'J/bit', joules_per_flop: 'J/FLOP', seconds: 's', hertz: 'Hz', usd: 'USD' };
  const lo = leaf?.lo ?? (f.zero ? 0 : 1e-9);
  const hi = leaf?.hi ?? 1;
  const v = edgeValue(r, { path: [], lo: f.zero || lo > 0 ? lo : 1e-300, hi, integer: false, exclusiveLo: !f.zero && lo === 0 });
  return `${path}=${v} ${si[f.kind] ?? ''}`.trim();
}

// ---------- valid flags over each command's whole range ----------

const pow2 = (r: Rand, max: number) => 2 ** Math.floor(r() * (Math.log2(max) + 1));
const smallInt = (r: Rand) => pick(r, [1, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8, 12, 16, 24, 32, 64, 128]);
const logUniform = (r: Rand, a: number, b: number) => Math.exp(Math.log(a) + r() * (Math.log(b) - Math.log(a)));
const fmt = (v: number) => String(Number(v.toPrecision(6)));

const SERVE_MODELS = ['llama-3.1-8b', 'llama-3.2-1b', 'qwen2.5-7b', 'mixtral-8x7b', 'deepseek-v3', 'gpt-oss-20b', 'llama-3.1-70b', 'gemma-3-27b', 'qwen3-30b-a3b', 'llama-4-scout'];
const TRAIN_MODELS = ['llama-3.1-8b', 'llama-3.1-70b', 'mixtral-8x7b', 'deepseek-v3', 'gpt3-175b', 'llama-3.2-1b'];

function lengths(r: Rand, a: string[], context = 8192): void {
  if (chance(r, 0.5)) a.push('--input-tokens', String(Math.max(1, Math.round(logUniform(r, 1, context / 2)))));
  if (chance(r, 0.5)) a.push('--output-tokens', String(Math.max(1, Math.round(logUniform(r, 1, context / 4)))));
}

function parallel(r: Rand, a: string[], moe: boolean): void {
  if (chance(r, 0.5)) a.push('--tp', String(pow2(r, 16)));
  if (chance(r, 0.2)) a.push('--pp', String(smallInt(r)));
  if (moe && chance(r, 0.3)) a.push('--ep', String(pow2(r, 64)));
  if (chance(r, 0.2)) a.push('--devices', String(smallInt(r) * pow2(r, 64)));
}

export interface BoundsCase extends CliCase {
  family: string;
}

/** One case: a command on a boundary spec or with --set at an edge, its other flags valid over their range. */
export function makeBoundsCase(r: Rand, tree: CliTree): BoundsCase {
  const lib = getLibrary();
  const file = (name: string, text: string) => {
    const f = join(tree.root, name);
    writeFileSync(f, text);
    return f;
  };
  const hwIds = Object.keys(lib.hardware).sort();
  const outs: string[] = [];
  const json = chance(r, 0.8);
  const a: string[] = [];
  const what = pick(r, ['model', 'model', 'hardware', 'hardware', 'runtime', 'runtime', 'set', 'serve-range', 'train-range', 'trace', 'hf', 'expr', 'outname']);
  let family = what;
  // the structure corpus (inputs.ts)
  if (what === 'trace') {
    const m = pick(r, SERVE_MODELS);
    const ctx = lib.models[m]?.family === 'decoder' ? Math.min(32768, (lib.models[m] as { context?: number }).context ?? 8192) : 8192;
    const t = file(`btrace-${tree.n}.${chance(r, 0.5) ? 'csv' : 'jsonl'}`, oddTrace(r, ctx));
    if (chance(r, 0.8)) a.push('serve', '--model', m, '--hardware', pick(r, ['h100-sxm', 'b200', 'mi300x', 'l4', 'h200-sxm']), '--trace', t);
    else a.push('plan', '--model', m, '--hardware', pick(r, ['h100-sxm', 'l4']), '--rate', '2', '--trace', t, '--requests', '20');
    if (a[0] === 'serve' && chance(r, 0.5)) a.push('--requests', String(pick(r, [1, 10, 500])));
    if (a[0] === 'serve' && chance(r, 0.2)) a.push('--rate', fmt(logUniform(r, 0.01, 100)));
    if (json) a.push('--json');
    return { argv: a, outs, json, family: `trace:${a[0]}` };
  }
  if (what === 'hf') {
    const cfg = file(`bcfg-${tree.n}.json`, oddHfConfig(r));
    if (chance(r, 0.6)) {
      const o = join(tree.out, `imp-${tree.n}.yaml`);
      outs.push(o);
      a.push('import', 'hf', cfg, '--out', o);
    } else a.push('simulate', '--model', cfg, '--hardware', pick(r, ['h100-sxm', 'b200', 'mi300x']), '--batch', String(pow2(r, 64)));
    if (json) a.push('--json');
    return { argv: a, outs, json, family: `hf:${a[0]}` };
  }
  if (what === 'expr') {
    const m = file(`bexpr-${tree.n}.yaml`, exprModel(r, pick(r, ['llama-3.2-1b', 'llama-3.1-8b', 'qwen2.5-7b', 'mistral-7b', 'gpt2'])));
    a.push(pick(r, ['simulate', 'simulate', 'validate', 'size']));
    if (a[0] === 'validate') a.push(m);
    else a.push('--model', m, '--hardware', pick(r, ['h100-sxm', 'l4', 'b200']));
    if (json && a[0] !== 'validate') a.push('--json');
    return { argv: a, outs, json: json && a[0] !== 'validate', family: `expr:${a[0]}` };
  }
  if (what === 'outname') {
    const cmd = pick(r, ['roofline', 'compare', 'sweep', 'import', 'serve']);
    if (cmd === 'roofline') {
      const o = oddName(r, tree, pick(r, ['.svg', '.png']));
      outs.push(o);
      a.push('roofline', '--model', 'llama-3.2-1b', '--hardware', 'l4', '--out', o);
    } else if (cmd === 'compare') {
      const o = oddName(r, tree, '');
      outs.push(o);
      a.push('compare', '--models', 'llama-3.2-1b', '--hardware', 'l4', '--out', o);
    } else if (cmd === 'sweep') {
      const o = oddName(r, tree, '.csv');
      outs.push(o);
      const g = file(`bgrid-${tree.n}.yaml`, 'sweep:\n  model: [llama-3.2-1b]\n  hardware: [l4, h100-sxm]\n  batch: [1, 8]\n');
      a.push('sweep', g, '--out', o);
    } else if (cmd === 'import') {
      const o = oddName(r, tree, '.yaml');
      outs.push(o);
      a.push('import', 'hf', join(ROOT_DIR, 'test', 'fixtures', 'hf', 'llama', 'config.json'), '--out', o);
    } else {
      const o = oddName(r, tree, '.csv');
      outs.push(o);
      a.push('serve', '--model', 'llama-3.2-1b', '--hardware', 'l4', '--rate', '5', '--requests', '10', '--timeline', o);
    }
    if (json) a.push('--json');
    return { argv: a, outs, json, family: `outname:${cmd}` };
  }
  const hwArg = () => (what === 'hardware' ? file(`bhw-${tree.n}.yaml`, boundHardware(r).text) : pick(r, hwIds));
  const sets = () => {
    const k = what === 'set' ? 1 + Math.floor(r() * 3) : chance(r, 0.15) ? 1 : 0;
    for (let i = 0; i < k; i++) a.push('--set', boundSet(r));
  };
  const cmd = pick(r, ['simulate', 'simulate', 'simulate', 'serve', 'serve', 'train', 'size', 'roofline', 'plan', 'compare', 'op']);
  const serveCmd = what === 'serve-range' || (cmd === 'serve' && what !== 'train-range');
  const trainCmd = what === 'train-range' || (cmd === 'train' && what !== 'serve-range');
  if (serveCmd) {
    const m = what === 'model' ? file(`bm-${tree.n}.yaml`, boundModel(r, 'decoder').text) : pick(r, SERVE_MODELS);
    const hw = hwArg();
    a.push('serve', '--model', m, '--hardware', hw);
    family = `${what}:serve`;
    const k = r();
    if (k < 0.6) {
      a.push('--rate', fmt(logUniform(r, 1e-6, 1e6)));
      if (chance(r, 0.3)) a.push('--burstiness', fmt(logUniform(r, 0.01, 100)));
      if (chance(r, 0.2)) a.push('--max-concurrency', String(smallInt(r)));
    } else a.push('--concurrency', String(smallInt(r) * smallInt(r)));
    a.push('--requests', String(pick(r, [1, 2, 5, 20, 100, 300])));
    lengths(r, a);
    if (chance(r, 0.3)) a.push('--tp', String(pow2(r, 8)));
    if (chance(r, 0.2)) a.push('--devices', String(pow2(r, 16)));
    if (chance(r, 0.15)) a.push('--max-num-seqs', String(pick(r, [1, 2, 7, 256, 2 ** 20])));
    if (chance(r, 0.15)) a.push('--max-num-batched-tokens', String(pick(r, [1, 16, 2048, 2 ** 24])));
    if (chance(r, 0.15)) a.push('--prefix-hit', fmt(pick(r, [0, 0.5, 0.999999, r()])));
    if (chance(r, 0.1)) a.push('--prefill-devices', String(pow2(r, 8)), '--decode-devices', String(pow2(r, 8)));
    if (chance(r, 0.1)) a.push('--slo-ttft', `${fmt(logUniform(r, 1e-6, 1e3))} s`, '--slo-tpot', `${fmt(logUniform(r, 1e-6, 10))} s`);
    if (what === 'runtime' || chance(r, 0.1)) a.push('--runtime', file(`brt-${tree.n}.yaml`, boundRuntime(r, 'serving', hw.endsWith('.yaml') ? undefined : hw).text));
    sets();
  } else if (trainCmd) {
    const m = what === 'model' ? file(`bm-${tree.n}.yaml`, boundModel(r, 'decoder').text) : pick(r, TRAIN_MODELS);
    const hw = what === 'hardware' ? hwArg() : pick(r, ['h100-sxm', 'b200', 'mi300x', 'tpu-v5p', 'gaudi3', 'h200-sxm', 'a100-sxm4-80gb']);
    const tp = pow2(r, 8), pp = pick(r, [1, 1, 2, 3, 4, 8]), cp = pick(r, [1, 1, 2]), dp = pow2(r, 1024);
    a.push('train', '--model', m, '--hardware', hw, '--devices', String(chance(r, 0.8) ? tp * pp * cp * dp : smallInt(r) * pow2(r, 2 ** 16)));
    family = `${what}:train`;
    if (chance(r, 0.7)) a.push('--tp', String(tp));
    if (chance(r, 0.6)) a.push('--pp', String(pp));
    if (chance(r, 0.2)) a.push('--cp', String(cp));
    if (chance(r, 0.3)) a.push('--ep', String(pow2(r, 64)));
    if (chance(r, 0.4)) a.push('--micro-batch', String(pow2(r, 16)));
    if (chance(r, 0.4)) a.push('--global-batch', String(pow2(r, 2 ** 14)));
    if (chance(r, 0.4)) a.push('--seq-len', String(pow2(r, 2 ** 17)));
    if (chance(r, 0.2)) a.push('--zero', String(pick(r, [0, 1, 2, 3])));
    if (chance(r, 0.2)) a.push('--recompute', pick(r, ['none', 'full', 'selective']));
    if (chance(r, 0.2)) a.push('--schedule', pick(r, ['1f1b', 'interleaved', 'gpipe', 'zero-bubble', 'dualpipe']));
    if (chance(r, 0.15)) a.push('--interleave', String(pick(r, [1, 2, 4])));
    if (chance(r, 0.2)) a.push('--tokens', pick(r, ['1e6', '1e9', '1e12', '1e15']));
    if (chance(r, 0.1)) a.push('--goodput', fmt(pick(r, [1, 0.5, 1e-6, r()])));
    if (chance(r, 0.1)) a.push('--dtype', pick(r, ['bf16', 'fp8', 'int8']));
    if (what === 'runtime' || chance(r, 0.1)) a.push('--runtime', file(`brt-${tree.n}.yaml`, boundRuntime(r, 'training', hw.endsWith('.yaml') ? undefined : hw).text));
    sets();
  } else {
    const fam = pick(r, ['decoder', 'decoder', 'decoder', 'encoder', 'encoder-decoder', 'dit', 'vae']);
    const m = what === 'model' ? (() => {
      const b = boundModel(r, fam);
      family = `model:${b.family}:${cmd}`;
      return file(`bm-${tree.n}.yaml`, b.text);
    })() : pick(r, Object.values(lib.models).filter((x) => x.family === fam).map((x) => x.id).sort());
    if (what !== 'model') family = `${what}:${cmd}`;
    const hw = hwArg();
    switch (cmd) {
      case 'op': {
        const op = pick(r, ['gemm', 'stream', 'allreduce']);
        a.length = 0;
        a.push('op', op, '--hardware', hw);
        if (op === 'gemm') for (const d of ['m', 'n', 'k']) a.push(`--${d}`, String(Math.max(1, Math.round(logUniform(r, 1, 1e6)))));
        else a.push('--bytes', `${fmt(logUniform(r, 1, 1e15))} B`);
        if (op === 'allreduce') a.push('--devices', String(pow2(r, 4096)));
        if (op === 'gemm' && chance(r, 0.4)) a.push('--dtype', pick(r, ['bf16', 'fp8', 'fp4', 'int8', 'fp32']));
        sets();
        break;
      }
      case 'plan':
        a.push('plan', '--model', fam === 'decoder' ? m : pick(r, SERVE_MODELS), '--hardware', hw, '--rate', fmt(logUniform(r, 1e-3, 1e3)), '--requests', String(pick(r, [5, 20])));
        if (chance(r, 0.5)) a.push('--slo-ttft', `${fmt(logUniform(r, 1e-4, 100))} s`);
        if (chance(r, 0.5)) a.push('--slo-tpot', `${fmt(logUniform(r, 1e-5, 1))} s`);
        if (chance(r, 0.3)) a.push('--max-devices', String(pow2(r, 16)));
        if (what === 'runtime') a.push('--runtime', file(`brt-${tree.n}.yaml`, boundRuntime(r, 'serving', hw.endsWith('.yaml') ? undefined : hw).text));
        sets();
        break;
      case 'compare':
        a.push('compare', '--models', `${m},${pick(r, SERVE_MODELS)}`, '--hardware', `${hw},${pick(r, hwIds)}`);
        a.push('--out', join(tree.out, `b-${tree.n}`));
        outs.push(join(tree.out, `b-${tree.n}`));
        break;
      case 'roofline':
        a.push('roofline', '--model', m, '--hardware', hw);
        if (chance(r, 0.3)) {
          a.push('--out', join(tree.out, `b-${tree.n}.svg`));
          outs.push(join(tree.out, `b-${tree.n}.svg`));
        }
        sets();
        break;
      case 'size':
        a.push('size', '--model', m, '--hardware', `${hw},${pick(r, hwIds)}`);
        if (chance(r, 0.5)) a.push(chance(r, 0.5) ? '--target-tok-s' : '--target-tpot', chance(r, 0.5) ? fmt(logUniform(r, 1e-3, 1e7)) : `${fmt(logUniform(r, 1e-6, 10))} s`);
        break;
      default:
        a.push('simulate', '--model', m, '--hardware', hw);
        if (chance(r, 0.5)) a.push('--batch', chance(r, 0.15) ? 'max' : String(pow2(r, 4096)));
        if (fam === 'decoder' || fam === 'encoder-decoder') lengths(r, a);
        if (fam === 'dit' || fam === 'vae') {
          if (chance(r, 0.4)) a.push('--resolution', String(pick(r, [8, 64, 256, 512, 1024, 2048, 4096])));
          if (chance(r, 0.3)) a.push('--steps', String(pick(r, [1, 2, 50, 1000])));
        }
        if (fam === 'encoder-decoder' && chance(r, 0.3)) a.push('--audio-seconds', fmt(logUniform(r, 1e-3, 3600)));
        parallel(r, a, /moe|mixtral|deepseek|qwen3|gpt-oss/.test(m));
        if (chance(r, 0.3)) a.push('--dtype', pick(r, ['bf16', 'fp16', 'fp8', 'fp4', 'int8', 'int4', 'q4_0', 'q8_0']));
        if (chance(r, 0.15)) a.push('--kv-cache', pick(r, ['fp8', 'bf16', 'int8']));
        if (what === 'runtime' || chance(r, 0.1)) a.push('--runtime', file(`brt-${tree.n}.yaml`, boundRuntime(r, 'serving', hw.endsWith('.yaml') ? undefined : hw).text));
        sets();
    }
  }
  if (json) a.push('--json');
  return { argv: a, outs, json, family };
}

// ---------- what a valid answer keeps ----------

const REL = 1e-6;

/** Relations between the numbers of one answer (beyond finite and non-negative, which cli.ts checks). */
export function accountingProblem(cmd: string, v: any): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  // a result that fits answers with its times (null only where it does not fit)
  if (cmd === 'simulate' && v.memory?.fits === true) {
    for (const k of ['latency_s', 'ttft_s', 'tpot_s', 'e2e_s', 'throughput_tok_s']) if (k in v && v[k] === null) return `fits, but ${k} is null`;
  }
  if (cmd === 'simulate' && v.memory?.fits === true && typeof v.tpot_s === 'number' && typeof v.throughput_tok_s === 'number') {
    const replicas = v.replicas ?? 1;
    const batch = v.batch ?? 1;
    if (typeof v.ttft_s === 'number' && v.ttft_s >= v.tpot_s && v.tpot_s > 0 && v.throughput_tok_s > (replicas * batch) / v.tpot_s * (1 + REL))
      return `throughput ${v.throughput_tok_s} > replicas·batch/tpot = ${(replicas * batch) / v.tpot_s}`;
    if (typeof v.ttft_s === 'number' && typeof v.e2e_s === 'number' && typeof v.output_tokens === 'number' && v.output_tokens >= 1) {
      const want = v.ttft_s + (v.output_tokens - 1) * v.tpot_s;
      if (Math.abs(v.e2e_s - want) > REL * Math.max(want, 1e-12) + 1e-12) return `e2e ${v.e2e_s} ≠ ttft + (O−1)·tpot = ${want}`;
    }
    const m = v.memory;
    if (typeof m.per_device_bytes === 'number' && typeof m.usable_bytes === 'number' && m.per_device_bytes > m.usable_bytes * (1 + REL)) return `fits with ${m.per_device_bytes} B per device > usable ${m.usable_bytes} B`;
  }
  if (cmd === 'serve') {
    // percentiles in order; fractions within [0, 1]; goodput within throughput; running within in-system
    for (const k of ['ttft_s', 'tpot_s', 'itl_s', 'e2e_s', 'queue_s']) {
      const d = v[k];
      if (!d || typeof d !== 'object') continue;
      const seq = [d.p50, d.p90, d.p99, d.max];
      for (let i = 1; i < seq.length; i++) if (typeof seq[i] === 'number' && typeof seq[i - 1] === 'number' && seq[i - 1] > seq[i] * (1 + REL) + 1e-15) return `${k} percentiles out of order: ${JSON.stringify(d)}`;
      if (typeof d.mean === 'number' && typeof d.max === 'number' && d.mean > d.max * (1 + REL) + 1e-15) return `${k} mean ${d.mean} > max ${d.max}`;
    }
    if (typeof v.slo_attainment === 'number' && !(v.slo_attainment >= 0 && v.slo_attainment <= 1)) return `slo_attainment ${v.slo_attainment}`;
    if (typeof v.goodput_req_per_s === 'number' && typeof v.request_throughput_per_s === 'number' && v.goodput_req_per_s > v.request_throughput_per_s * (1 + REL)) return `goodput ${v.goodput_req_per_s} > request throughput ${v.request_throughput_per_s}`;
    if (typeof v.mean_running === 'number' && typeof v.mean_in_system === 'number' && v.mean_running > v.mean_in_system * (1 + REL) + 1e-12) return `mean running ${v.mean_running} > mean in system ${v.mean_in_system}`;
    if (typeof v.request_throughput_per_s === 'number' && typeof v.duration_s === 'number' && typeof v.requests === 'number' && v.duration_s > 0) {
      const done = v.request_throughput_per_s * v.duration_s;
      if (done > v.requests * (1 + 1e-6) + 1e-6) return `${done} requests finished of ${v.requests}`;
    }
  }
  if (cmd === 'train' && v.memory?.fits !== false) {
    if (typeof v.mfu === 'number' && v.mfu > 1 + REL) return `mfu ${v.mfu} > 1`;
    if (typeof v.achieved_flops_per_device === 'number' && typeof v.peak_flops_per_device === 'number' && v.achieved_flops_per_device > v.peak_flops_per_device * (1 + REL)) return `achieved ${v.achieved_flops_per_device} FLOP/s > peak ${v.peak_flops_per_device}`;
    if (typeof v.goodput === 'number' && !(v.goodput > 0 && v.goodput <= 1)) return `goodput ${v.goodput}`;
    if (typeof v.step_s === 'number' && typeof v.tokens_per_step === 'number' && typeof v.tokens_per_s === 'number') {
      const want = v.tokens_per_step / v.step_s;
      if (Math.abs(v.tokens_per_s - want) > 1e-6 * want) return `tokens_per_s ${v.tokens_per_s} ≠ tokens_per_step / step_s = ${want}`;
    }
    if (v.memory?.fits === true && v.step_s === null) return 'fits, but step_s is null';
  }
  if (cmd === 'serve' && typeof v.duration_s === 'number' && typeof v.energy_j_per_token === 'number') {
    // no run draws more than 1 MW per device: a ceiling far above any part (the TDP range's maximum)
    const tokens = (v.throughput_tok_s ?? 0) * v.duration_s;
    if (tokens > 0 && v.energy_j_per_token * tokens > 1e6 * (v.devices ?? 1) * v.duration_s * (1 + REL)) return `energy ${v.energy_j_per_token} J/token is more than 1 MW per device over the run`;
    if (v.energy_j_per_token > 1e12) return `energy per token ${v.energy_j_per_token} J`;
  }
  return undefined;
}

export interface BoundsFailure extends CliFailure {
  family: string;
}

/** Run `cases` boundary cases from `seed`; `counts` are per family (what was at its edge : command). */
export async function fuzzBounds(seed: number, cases: number, log?: (s: string) => void, tree?: CliTree): Promise<{ failures: BoundsFailure[]; counts: Record<string, number>; ok: Record<string, number> }> {
  tree ??= await makeCliTree();
  const r = rng(seed);
  const failures: BoundsFailure[] = [];
  const counts: Record<string, number> = {};
  const ok: Record<string, number> = {}; // cases that exited 0: the share that reached the engines
  for (let i = 0; i < cases; i++) {
    tree.n = i;
    let c: BoundsCase | undefined;
    let problem: string | undefined;
    try {
      c = makeBoundsCase(r, tree);
      counts[c.family] = (counts[c.family] ?? 0) + 1;
      if (process.env.FUZZ_TRACE) writeFileSync(process.env.FUZZ_TRACE, `${seed} ${i} ${JSON.stringify(c.argv)}\n`, { flag: 'a' });
      problem = await runCliCase(c, tree, (argv, v) => {
        ok[c!.family] = (ok[c!.family] ?? 0) + 1;
        return accountingProblem(argv[0]!, v);
      });
      // what import hf wrote must validate and simulate
      if (!problem && c.argv[0] === 'import') problem = await importRoundTrip(c.argv[c.argv.indexOf('--out') + 1]!);
    } catch (e) {
      problem = `fuzzer threw ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`;
    }
    if (problem) {
      failures.push({ seed, index: i, argv: c?.argv ?? [], what: problem, family: c?.family ?? '?' });
      log?.(`FAIL bounds seed ${seed} case ${i} [${c?.family}]: ${problem}\n  hwperf ${(c?.argv ?? []).join(' ')}`);
    }
  }
  return { failures, counts, ok };
}
