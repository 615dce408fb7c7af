// A Hugging Face config.json (or a folder holding one) as a model: converted to the YAML a user would
// write (`hwperf import hf` prints exactly this text), then loaded through the same spec layer as any file.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { maskWords, UserError, type SpecIssue } from '../errors.js';
import { readSpecFile } from '../safe-read.js';
import { configKeyAt, convertHfConfig, isHfConfig, type HfSpec } from './convert.js';
import { jsonFault } from './json-fault.js';
import type { NormalizedModel } from '../types.js';

export interface HfYaml {
  id: string;
  text: string; // the commented YAML spec
  spec: HfSpec;
  file: string; // the config.json that was read
  configText: string; // its text as read (an issue found after conversion is named at the key's line there)
}

/** the config.json a path names: the file itself, or config.json inside a folder */
export function hfConfigPath(ref: string): string | undefined {
  if (!existsSync(ref)) return undefined;
  if (statSync(ref).isDirectory()) {
    const f = join(ref, 'config.json');
    return existsSync(f) ? f : undefined;
  }
  return ref;
}

/** a Hugging Face config as read once: the parsed object, its text (issues are named at its lines) and its bytes (hashed) */
export interface HfConfig {
  cfg: Record<string, unknown>;
  text: string;
  bytes: Buffer;
}

/**
 * Read `file` once (a regular file under the spec size cap, never a FIFO or device: src/spec/safe-read.ts) and parse
 * it when it is a Hugging Face config (by content: `architectures` or `model_type`); else why not, in words. Throws a
 * located UserError when the text has those keys but is no JSON.
 */
export function readHfConfig(file: string): HfConfig | { why: string } {
  const read = readSpecFile(file, 'config.json');
  if ('error' in read) return { why: read.error }; // a file that cannot be read says why (too large, a FIFO, …)
  const notHf = { why: 'not a Hugging Face config (a JSON object with "architectures" or "model_type")' };
  if (!/^\s*\{/.test(read.text)) return notHf;
  let v: unknown;
  try {
    v = JSON.parse(read.text);
  } catch (e) {
    // a config by its keys that is no JSON (Python's bare Infinity / NaN, a trailing comma): named at its line, not
    // passed on to the YAML reader as no config at all
    if (/"(architectures|model_type)"\s*:/.test(read.text)) throw jsonFault(read.text, e, displayName(file));
    return notHf;
  }
  return isHfConfig(v) ? { cfg: v, text: read.text, bytes: read.bytes } : notHf;
}

function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

// An id from _name_or_path ("meta-llama/Llama-3.1-8B" → llama-3.1-8b), else the folder's name.
function idFor(cfg: Record<string, unknown>, file: string): string {
  const named = typeof cfg._name_or_path === 'string' && cfg._name_or_path ? cfg._name_or_path.split('/').pop()! : '';
  const folder = basename(dirname(resolve(file)));
  const base = named || (basename(file) === 'config.json' ? folder : basename(file).replace(/\.json$/i, ''));
  const id = base.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return id || 'hf-model';
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return /^[A-Za-z][A-Za-z0-9_.-]*$/.test(v) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(scalar).join(', ')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${k}: ${scalar(x)}`).join(', ')}}`;
  return String(v);
}

export function hfToYaml({ cfg, text: configText, bytes }: HfConfig, file: string): HfYaml {
  const where = displayName(file);
  const spec = convertHfConfig(cfg, where, configText);
  const id = idFor(cfg, file);
  const sha = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const flat = (t: string) => t.replace(/[\u0000-\u001f\u007f]/g, ' '); // a comment is one line, whatever the config held
  const origin = typeof cfg._name_or_path === 'string' && cfg._name_or_path ? ` (${flat(cfg._name_or_path.slice(0, 200))})` : '';
  const lines = [
    `# Imported by \`hwperf import hf\` from ${flat(where)}${origin}: ${spec.arch}.`,
    ...spec.header.map((h) => `# ${flat(h)}`),
    `id: ${scalar(id)}`,
    `name: ${scalar(`${id} (${spec.arch}, from config.json)`)}`,
  ];
  for (const [k, v, comment] of spec.fields) {
    const line = `${k}: ${scalar(v)}`;
    lines.push(comment ? `${line.padEnd(28)} # ${flat(comment)}` : line);
  }
  lines.push('sources:');
  lines.push(`  - ${JSON.stringify(`Hugging Face config.json ${where}${origin}, sha256 ${sha}…, transformers ${typeof cfg.transformers_version === 'string' ? maskWords(cfg.transformers_version.slice(0, 40)) : 'unknown'}`)}`);
  return { id, text: lines.join('\n') + '\n', spec, file, configText };
}

// The spec fields the converter copies from one config.json key. An issue the spec layer finds in the converted YAML
// carries that YAML's line, a text the user never sees: it names the key at its line in config.json instead (when the
// key is written once there), else no line.
const HF_KEY: Record<string, string> = {
  hidden: 'hidden_size', layers: 'num_hidden_layers', heads: 'num_attention_heads', kv_heads: 'num_key_value_heads', head_dim: 'head_dim',
  vocab: 'vocab_size', context: 'max_position_embeddings', 'ffn.intermediate': 'intermediate_size',
};
export function atConfigLines(issues: SpecIssue[], configText: string): SpecIssue[] {
  return issues.map((i) => {
    const key = HF_KEY[i.path];
    const at = key === undefined ? undefined : configKeyAt(configText, key);
    return at ? { ...i, path: key!, ...at } : { ...i, line: undefined, col: undefined };
  });
}

/** load a config.json (or folder) as a normalized model; undefined when the path is not a Hugging Face config */
export async function loadHfModel(ref: string): Promise<NormalizedModel | undefined> {
  const file = hfConfigPath(ref);
  if (!file) {
    if (existsSync(ref) && statSync(ref).isDirectory()) throw new UserError(`${ref}: a folder without config.json (give the config file or a Hugging Face model folder)`);
    return undefined;
  }
  const c = readHfConfig(file);
  return 'why' in c ? undefined : hfYamlModel(hfToYaml(c, file));
}

/** the converted spec loaded through the spec layer, as --model loads any file; its issues named in config.json */
export async function hfYamlModel(y: HfYaml): Promise<NormalizedModel> {
  const { parseYaml } = await import('../yaml-doc.js');
  const { loadSpecData } = await import('../load.js');
  const name = displayName(y.file);
  const { doc, errors } = parseYaml(y.text, name);
  if (!doc) throw UserError.fromIssues(errors);
  const r = await loadSpecData(doc.data as Record<string, unknown>, { file: name, docs: [doc], errors: [], warnings: [] });
  if (r.errors.length || !r.value) throw UserError.fromIssues(atConfigLines(r.errors, y.configText));
  if (r.value.kind !== 'model') throw new UserError(`${name}: not a model`);
  const model = r.value.spec as NormalizedModel & { import_warnings?: string[] };
  model.file = name;
  if (y.spec.warnings.length) model.import_warnings = y.spec.warnings;
  return model;
}
