// The fuzz's structure corpus (issue 15, fourth round), beside bounds.ts: inputs that are well-formed but odd in
// shape, each with what must hold of its answer.
//   trace   serve / plan traces that parse: every arrival at 0, equal and sub-nanosecond gaps, gaps up to the span
//           cap, lengths up to the model's context, prefix_tokens = input_tokens, quoted CSV, exponent spellings,
//           extra columns, BOM and CRLF, 20,000 rows.
//   hf      config.json files Transformers would load, odd in shape: integers as 4096.0, nested text_config,
//           unknown keys by the hundred, unicode keys, long layer_types, rope_scaling variants. Oracle beyond
//           cli.ts's: what `import hf --out` writes validates and simulates (a round trip).
//   expr    model fields as expressions over siblings (mathjs): sums and products, powers up to the fields'
//           maxima, floor/ceil/round/min/max, unit-free constants, references between fields, each one within
//           or past a field's range; functions and units that are not allowed.
//   outname output paths whose names hold the fault words (NaN.csv, undefined/), unicode, spaces, '#', '%'.
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { pick, type Rand } from './fuzz.js';
import { runHwperf, type CliTree } from './cli.js';

const chance = (r: Rand, p: number) => r() < p;
const ROOT = new URL('../..', import.meta.url).pathname;

/** A trace that parses (or, one row in 20 files, that breaks one rule), in CSV or JSONL. */
export function oddTrace(r: Rand, context = 8192): string {
  const rows = pick(r, [1, 2, 3, 10, 100, 1000, 20_000]);
  const jsonl = chance(r, 0.4);
  const shape = pick(r, ['all-at-zero', 'equal', 'tiny', 'huge-gap', 'none', 'poisson', 'long']);
  const cols = ['arrival_s', 'input_tokens', 'output_tokens', ...(chance(r, 0.3) ? ['prefix_id', 'prefix_tokens'] : []), ...(chance(r, 0.2) ? ['model', 'note'] : [])];
  const lines: string[] = [];
  if (!jsonl) lines.push(cols.map((c) => (chance(r, 0.1) ? `"${c}"` : c)).join(','));
  let t = 0;
  for (let i = 0; i < rows; i++) {
    if (shape === 'equal') t += 1;
    else if (shape === 'tiny') t += 1e-12;
    else if (shape === 'huge-gap') t += i === 1 ? pick(r, [1e6, 9.9e7, 1e8 - 1]) : 0.01;
    else if (shape === 'poisson') t += -Math.log(1 - r()) * 0.1;
    const maxIn = shape === 'long' ? context - 1 : 2000;
    const input = 1 + Math.floor(r() * Math.min(maxIn, context - 2));
    const output = Math.max(1, Math.min(context - input, shape === 'long' ? context : 1 + Math.floor(r() * 500)));
    const rec: Record<string, unknown> = {
      arrival_s: shape === 'none' ? undefined : shape === 'all-at-zero' ? 0 : t,
      input_tokens: input,
      output_tokens: output,
      prefix_id: pick(r, ['sys', 'sys', 'a,b', 'ünïcode', '', 'x'.repeat(300), '"q"', 'NaN']),
      prefix_tokens: Math.min(input, pick(r, [0, 1, input, 64])),
      model: 'llama',
      note: pick(r, ['', 'a "quoted" note', 'comma, inside']),
    };
    if (jsonl) {
      const o: Record<string, unknown> = {};
      for (const c of cols) if (rec[c] !== undefined) o[c] = chance(r, 0.05) && typeof rec[c] === 'number' ? String(rec[c]) : rec[c];
      lines.push(JSON.stringify(o));
    } else {
      const cell = (v: unknown) => {
        if (v === undefined) return '';
        if (typeof v === 'number') return chance(r, 0.05) && Number.isInteger(v) && v >= 10 ? v.toExponential() : String(v);
        const s = String(v);
        return /[",]/.test(s) || chance(r, 0.1) ? `"${s.replace(/"/g, '""')}"` : s;
      };
      lines.push(cols.map((c) => cell(rec[c])).join(','));
    }
  }
  if (chance(r, 0.05)) lines.push(pick(r, ['', ' ', jsonl ? '{}' : ',,']));
  let text = lines.join(chance(r, 0.2) ? '\r\n' : '\n') + (chance(r, 0.5) ? '\n' : '');
  if (chance(r, 0.05)) text = '\ufeff' + text;
  return text;
}

const HF_DIRS = ['llama', 'llama-tied', 'mistral', 'mixtral', 'qwen2', 'qwen2-small', 'qwen3', 'qwen3-moe-small', 'phi3', 'gemma2', 'gemma3', 'deepseek-v3', 'gpt-oss', 'llama4', 'kimi-k2', 'qwen2-moe'];

/** A config.json Transformers would load, odd in its shape. */
export function oddHfConfig(r: Rand): string {
  const dir = pick(r, HF_DIRS);
  const cfg = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'hf', dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const target = (cfg.text_config && typeof cfg.text_config === 'object' ? cfg.text_config : cfg) as Record<string, unknown>;
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const k = pick(r, ['float-ints', 'unknown-keys', 'unicode', 'layer-types', 'rope', 'nest', 'nulls', 'scale', 'dtype']);
    switch (k) {
      case 'float-ints':
        for (const [key, v] of Object.entries(target)) if (typeof v === 'number' && Number.isInteger(v) && chance(r, 0.5)) target[key] = v + 0.0 === v ? Number(`${v}.0`) : v;
        break;
      case 'unknown-keys':
        for (let j = 0; j < pick(r, [1, 10, 500]); j++) target[`extra_${j}`] = pick(r, [1, 'x', null, [1, 2], { a: 1 }, 1e308, -1]);
        break;
      case 'unicode':
        target['ключ'] = 1;
        target['🔥'] = { nested: true };
        cfg._name_or_path = pick(r, ['ünïcode/model', 'a\nb', 'NaN', '../../etc/passwd', 'x'.repeat(2000)]);
        break;
      case 'layer-types':
        if (typeof target.num_hidden_layers === 'number') target.layer_types = Array.from({ length: target.num_hidden_layers as number }, (_, j) => (j % pick(r, [2, 4, 6]) === 0 ? 'full_attention' : 'sliding_attention'));
        break;
      case 'rope':
        target.rope_scaling = pick(r, [null, { type: 'linear', factor: 2 }, { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 4096 }, { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 }, { rope_type: 'dynamic', factor: 1e6 }, {}]);
        break;
      case 'nest':
        cfg.text_config = { ...target, text_config: { ...target } };
        break;
      case 'nulls':
        for (const key of ['head_dim', 'sliding_window', 'num_key_value_heads', 'rope_scaling', 'tie_word_embeddings']) if (chance(r, 0.4)) target[key] = null;
        break;
      case 'scale':
        for (const key of ['num_hidden_layers', 'hidden_size', 'intermediate_size', 'vocab_size', 'max_position_embeddings']) {
          const v = target[key];
          if (typeof v === 'number' && chance(r, 0.5)) target[key] = Math.max(1, Math.round(v * pick(r, [1 / 64, 0.5, 2, 8])));
        }
        break;
      default:
        target.torch_dtype = pick(r, ['bfloat16', 'float16', 'float32', 'auto', 'float8_e4m3fn', 'int8']);
    }
  }
  return JSON.stringify(cfg, null, pick(r, [0, 2]));
}

// expressions over sibling fields (a decoder: hidden, layers, heads, kv_heads, head_dim, vocab, context)
const EXPRS: Record<string, string[]> = {
  hidden: ['heads * head_dim', '64 * 2^6', 'floor(1e6 / 3)', '2^20', '2^20 + 1', 'max(64, heads)', 'round(4096.4)', 'ceil(1e6)', 'layers * 128', '1e6'],
  layers: ['2^13', '10000', '10001', 'ceil(hidden / 512)', 'min(32, heads)', '1', 'floor(0.5)', '3 * 4', 'hidden / 0', '2^1024'],
  heads: ['hidden / head_dim', 'kv_heads * 4', '10000', 'heads', 'floor(hidden / 128)'],
  kv_heads: ['heads / 4', 'heads', '1', 'max(1, heads / 8)', 'heads / 3'],
  head_dim: ['hidden / heads', '128', '65536', '2^16 + 1', 'sqrt(16384)'],
  vocab: ['2^17', '1e8', '1e8 + 1', '0', 'vocab'],
  context: ['2^17', '1e8', '8 * 1024', '2^27', 'context + 1'],
};
const BAD_EXPRS = ['import("fs")', 'evaluate("1")', 'createUnit("x")', 'parse("1")', '5 GB', '1 m / 1 s', '[1, 2]', '"abc"', 'sqrt(-1)', 'i', 'e^1000', 'x = 5', 'f(x) = x', 'hidden ? 1 : 2', 'a.b', 'cos(pi)', '1e308 * 10', 'layers!', 'hidden mod 0', 'derivative("x^2", "x")'];

/** A decoder what-if whose fields are expressions (mostly valid ones). */
export function exprModel(r: Rand, base: string): string {
  const doc: Record<string, unknown> = { extends: base, id: 'expr-model' };
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const field = pick(r, Object.keys(EXPRS));
    doc[field] = chance(r, 0.85) ? pick(r, EXPRS[field]!) : pick(r, BAD_EXPRS);
  }
  return stringify(doc);
}

const OUT_NAMES = ['NaN', 'Infinity', 'undefined', '[object Object]', 'x-NaN', 'NaNo', 'nan', 'inf', 'résumé', 'with space', 'a#b', '100%', '-dash', '~tilde', '.hidden', 'UNDEFINED'];

/** An output path whose name (or folder) is odd but legal on disk. */
export function oddName(r: Rand, tree: CliTree, ext: string): string {
  const name = pick(r, OUT_NAMES);
  return chance(r, 0.8) ? join(tree.out, `${name}-${tree.n}${ext}`) : join(tree.out, name, `x-${tree.n}${ext}`);
}

/** The round trip: what `import hf --out` wrote validates and simulates (exit 0 each), or a problem. */
export async function importRoundTrip(yamlFile: string): Promise<string | undefined> {
  if (!existsSync(yamlFile)) return undefined;
  for (const argv of [['validate', yamlFile], ['simulate', '--model', yamlFile, '--hardware', 'h100-sxm', '--input-tokens', '16', '--output-tokens', '16', '--json']]) {
    const res = await runHwperf(argv);
    const code = (res.error as { oclif?: { exit?: number } } | undefined)?.oclif?.exit ?? Number(process.exitCode ?? 0);
    process.exitCode = 0;
    if (code !== 0 && !(argv[0] === 'simulate' && /does not fit|longer than|out of memory/.test(res.stderr + res.stdout))) return `import hf wrote ${yamlFile}, which ${argv[0]} refuses: ${(res.stderr || res.stdout).split('\n')[0]!.slice(0, 200)}`;
  }
  return undefined;
}
