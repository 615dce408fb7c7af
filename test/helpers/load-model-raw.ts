// Minimal, self-contained model loader for the parameter tests: reads models/<folder>/<id>.yaml with `yaml`,
// applies `extends:` (library id), evaluates arithmetic string expressions over fields of the same file
// ("4 * hidden"), and fills the defaults of docs/spec-format.md. The real loader (src/spec/) replaces it later.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { NormalizedModel } from '../../src/spec/types.js';

export const MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function listModelFiles(dir = MODELS_DIR): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) for (const [k, v] of listModelFiles(p)) out.set(k, v);
    else if (name.endsWith('.yaml')) out.set(basename(name, '.yaml'), p);
  }
  return out;
}

// --- tiny safe arithmetic evaluator: numbers, identifiers, + - * / ( ) ---
function evaluate(expr: string, lookup: (name: string) => number | undefined): number | undefined {
  const tokens = expr.match(/\d+(?:\.\d+)?(?:e[+-]?\d+)?|[A-Za-z_][\w.]*|[-+*/()]|\S/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const atom = (): number => {
    const t = tokens[i++];
    if (t === undefined) throw new Error('unexpected end');
    if (t === '(') {
      const v = sum();
      if (tokens[i++] !== ')') throw new Error('missing )');
      return v;
    }
    if (t === '-') return -atom();
    if (/^\d/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t)) {
      const v = lookup(t);
      if (v === undefined) throw new Error(`unknown name ${t}`);
      return v;
    }
    throw new Error(`unexpected ${t}`);
  };
  const product = (): number => {
    let v = atom();
    while (peek() === '*' || peek() === '/') v = tokens[i++] === '*' ? v * atom() : v / atom();
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (peek() === '+' || peek() === '-') v = tokens[i++] === '+' ? v + product() : v - product();
    return v;
  };
  try {
    const v = sum();
    return i === tokens.length ? v : undefined;
  } catch {
    return undefined;
  }
}

const TEXT_KEYS = new Set(['id', 'name', 'family', 'kind', 'activation', 'norm', 'position', 'modality', 'source',
  'model', 'role', 'runs', 'attention', 'extends', 'notes']);

function evalExpressions(node: Obj, root: Obj): void {
  const lookup = (name: string): number | undefined => {
    for (const scope of [node, root]) {
      const v = scope[name];
      if (typeof v === 'number') return v;
    }
    return undefined;
  };
  for (const [k, v] of Object.entries(node)) {
    if (typeof v === 'string' && !TEXT_KEYS.has(k) && /[\d\s()*/+-]/.test(v) && /^[\w\s.()*/+-]+$/.test(v)) {
      const r = evaluate(v, lookup);
      if (r !== undefined) node[k] = r;
    } else if (isObj(v)) evalExpressions(v, root);
  }
}

function merge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(out[k]) ? merge(out[k] as Obj, v) : v;
  return out;
}

const biasSpec = (b: unknown) =>
  typeof b === 'boolean' || b === undefined
    ? { qkv: !!b, out: !!b, ffn: !!b }
    : { qkv: !!(b as Obj).qkv, out: !!(b as Obj).out, ffn: !!(b as Obj).ffn };

function withDefaults(r: Obj): Obj {
  const m: Obj = { rumoured: false, ...r };
  const set = (k: string, v: unknown) => {
    if (m[k] === undefined) m[k] = v;
  };
  switch (m.family) {
    case 'decoder': {
      set('kv_heads', m.heads);
      set('head_dim', (m.hidden as number) / (m.heads as number));
      set('norm', 'rmsnorm');
      set('final_norm', true);
      set('tied_embeddings', false);
      set('position', 'rope');
      set('parallel_block', false);
      m.bias = biasSpec(m.bias);
      const ffn: Obj = { kind: 'gated', activation: 'silu', ...(m.ffn as Obj) };
      m.ffn = ffn;
      if (isObj(m.moe)) m.moe = { shared: 0, dense_layers: 0, intermediate: ffn.intermediate, ...m.moe };
      if (isObj(m.attention)) m.attention = { q_lora_rank: 0, ...m.attention };
      break;
    }
    case 'encoder-decoder':
      set('n_mels', 80);
      set('audio_ctx', 1500);
      set('text_ctx', 448);
      set('window_seconds', 30);
      m.ffn = { kind: 'plain', activation: 'gelu', intermediate: 4 * (m.hidden as number), ...(m.ffn as Obj) };
      break;
    case 'encoder':
      set('modality', 'image');
      set('norm', 'layernorm');
      set('image_size', m.modality === 'text' ? 0 : 224);
      set('patch', m.modality === 'text' ? 0 : 16);
      set('channels', 3);
      set('class_token', m.modality === 'image');
      set('classes', 0);
      set('vocab', 0);
      set('context', 0);
      set('causal', false);
      set('pre_norm', false);
      set('projection', 0);
      m.ffn = { kind: 'plain', activation: 'gelu', intermediate: 4 * (m.hidden as number), ...(m.ffn as Obj) };
      break;
    case 'dit':
      set('image_size', 256);
      set('vae_downsample', 8);
      set('latent_size', (m.image_size as number) / (m.vae_downsample as number));
      set('in_channels', 4);
      set('out_channels', 8);
      set('classes', 0);
      set('mlp_ratio', 4);
      if (isObj(m.temporal)) m.temporal = { attention: 'separate', patch: 1, downsample: 4, ...m.temporal };
      break;
    case 'vae':
      set('dims', 2);
      set('in_channels', 3);
      set('base_channels', 128);
      set('channel_mult', [1, 2, 4, 4]);
      set('res_blocks', 2);
      set('z_channels', 4);
      set('mid_attention', true);
      set('temporal_downsample', 1);
      break;
    case 'pipeline':
      set('defaults', {});
      break;
  }
  set('sources', []);
  return m;
}

const cache = new Map<string, NormalizedModel>();

function loadRaw(id: string, files: Map<string, string>, depth = 0): Obj {
  const path = files.get(id);
  if (!path) throw new Error(`no model file for id ${id}`);
  let raw = parse(readFileSync(path, 'utf8')) as Obj;
  if (typeof raw.extends === 'string' && depth < 8) {
    const { extends: parent, ...rest } = raw;
    raw = merge(loadRaw(parent as string, files, depth + 1), rest);
  }
  return raw;
}

export function loadModelRaw(id: string): NormalizedModel {
  const hit = cache.get(id);
  if (hit) return hit;
  const raw = loadRaw(id, listModelFiles());
  evalExpressions(raw, raw);
  const m = withDefaults(raw) as unknown as NormalizedModel;
  cache.set(id, m);
  return m;
}
