// Hugging Face config.json → a hwperf model spec (the fields a YAML file would hold), offline.
//
//   config ──detect architecture──▶ converter ──read fields (HF defaults where absent)──▶ spec fields + comments
//          └─ quantization_config ──▶ default dtype          └─ every field neither read nor ignored → error
//
// Field meanings follow the transformers configuration classes (configuration_<arch>.py) and modeling code
// (which layers are sliding, sparse, NoPE); the YAML fields are the library's (docs/spec-format.md). A feature
// the installed spec format cannot express yet is kept as a comment and a warning, never silently dropped.
import { own, UserError } from '../errors.js';
import { modelSchemas } from '../schemas.js';
import { isIgnoredField } from './fields.js';
import { quantizationDtype, unquantizedModules } from './quantization.js';

/** A config value quoted in a message, cut at 60 characters (a 100,000-element list was quoted whole, 300 kB on one line). */
export function shownValue(v: unknown): string {
  const t = JSON.stringify(v) ?? String(v);
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}

type Json = Record<string, unknown>;

/** Where a key is written in a config.json's text: its line and column when it is written once, else undefined. */
export function configKeyAt(text: string, key: string): { line: number; col: number } | undefined {
  const hits = [...text.matchAll(new RegExp(`"${key.replace(/[^\w]/g, '\\$&')}"\\s*:`, 'g'))];
  if (hits.length !== 1) return undefined;
  const at = hits[0]!.index;
  return { line: text.slice(0, at).split('\n').length, col: at - text.lastIndexOf('\n', at - 1) };
}

export interface HfSpec {
  arch: string; // the architecture name that was converted
  fields: [string, unknown, string?][]; // top-level YAML entries in order, with an optional comment
  header: string[]; // comment lines above the fields
  warnings: string[]; // what the spec cannot express (also in the header)
}

// the decoder schema's maximum of `layers`: per-layer lists are built up to it
const MAX_LAYERS = (modelSchemas.decoder as { properties: { layers: { maximum: number } } }).properties.layers.maximum;

// A view of one config object that records which fields were read, so that the rest can be checked.
class Reader {
  readonly used = new Set<string>();
  constructor(
    readonly cfg: Json,
    readonly where: string, // "config.json" or "config.json text_config"
    readonly defaults: Json = {},
    readonly text?: string, // the config.json's text: a value of the wrong kind is named at its line there
  ) {}
  /** a value of the wrong kind: file:line:col, the key and what it must be (and the fix, where one is given), where the key is written once */
  private bad(k: string, what: string, fix?: string): UserError {
    const at = this.text === undefined ? undefined : configKeyAt(this.text, k);
    if (!at) return new UserError(`${this.where}: "${k}" ${what}${fix ? ` (${fix})` : ''}`);
    const nested = this.where.endsWith(' text_config');
    return UserError.fromIssues([{ file: nested ? this.where.slice(0, -' text_config'.length) : this.where, ...at, path: nested ? `text_config.${k}` : k, message: what, suggestion: fix }]);
  }
  has(k: string): boolean {
    this.used.add(k);
    return this.cfg[k] !== undefined && this.cfg[k] !== null;
  }
  raw(k: string): unknown {
    this.used.add(k);
    const v = this.cfg[k];
    return v === undefined || v === null ? this.defaults[k] : v;
  }
  // max: a count past it is no model (and a per-layer list of 1e20 entries would never finish building)
  int(k: string, dflt?: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.raw(k) ?? dflt;
    if (v === undefined) throw new UserError(`${this.where}: missing "${k}" (needed to build the model)`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw this.bad(k, `must be a whole number, found ${shownValue(v)}`);
    if (v > max) throw this.bad(k, `must be at most ${max}, found ${v}`);
    return v;
  }
  optInt(k: string): number | undefined {
    return this.raw(k) === undefined ? undefined : this.int(k);
  }
  bool(k: string, dflt: boolean): boolean {
    const v = this.raw(k) ?? dflt;
    if (typeof v !== 'boolean') throw this.bad(k, `must be true or false, found ${shownValue(v)}`);
    return v;
  }
  str(k: string, dflt?: string): string | undefined {
    const v = this.raw(k) ?? dflt;
    if (v !== undefined && typeof v !== 'string') throw this.bad(k, `must be a string, found ${shownValue(v)}`);
    return v as string | undefined;
  }
  list(k: string, fix?: string): unknown[] | undefined {
    const v = this.raw(k);
    if (v !== undefined && !Array.isArray(v)) throw this.bad(k, `must be a list, found ${shownValue(v)}`, fix);
    return v as unknown[] | undefined;
  }
  /** a nested object (text_config, rope_scaling): a list or a scalar there is named at its line */
  obj(k: string, fix?: string): Json | undefined {
    const v = this.raw(k);
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) throw this.bad(k, `must be an object, found ${shownValue(v)}`, fix);
    return v as Json | undefined;
  }
  /**
   * The fields whose shape transformers fixes but whose content is ignored on import: `architectures` a list of class
   * names (PretrainedConfig), `rope_scaling` / `rope_parameters` a mapping or null (the rope_type and its factors:
   * modeling_rope_utils). A string or a number there is a hand edit gone wrong, named at its line rather than let pass.
   */
  checkShapes(): void {
    const a = this.cfg.architectures;
    this.list('architectures', `write it as a list${typeof a === 'string' && CLASS_NAME.test(a) ? `: ["${a}"]` : ' of class names'}`);
    for (const k of ['rope_scaling', 'rope_parameters']) this.obj(k, 'a mapping such as {"rope_type": "linear", "factor": 8.0}, or null');
  }
  /** one line naming the first field that was neither read nor known to leave the work unchanged */
  checkUnread(arch: string, skip: string[] = []): void {
    for (const k of Object.keys(this.cfg)) {
      if (this.used.has(k) || skip.includes(k) || isIgnoredField(k)) continue;
      throw new UserError(
        `${this.where}: unknown field "${k}" for ${arch}: it may change the architecture and hwperf does not read it (write the model as YAML instead: see docs/spec-format.md)`,
      );
    }
  }
}

// Does the installed spec format have this decoder field (e.g. attention.sliding_window)?
export function decoderSupports(path: string[]): boolean {
  let s: any = modelSchemas.decoder;
  for (const p of path) {
    s = s?.properties?.[p];
    if (!s) return false;
  }
  return true;
}

type Moe = 'mixtral' | 'qwen-moe' | 'deepseek' | 'gpt-oss' | 'llama4';
interface DecoderKind {
  name: string;
  bias: 'llama' | 'qwen2' | 'gpt-oss' | 'none'; // which projections carry biases
  tied: boolean; // tie_word_embeddings default of the config class
  moe?: Moe;
  mla?: boolean;
  qkNorm?: 'rmsnorm' | 'l2';
  postNorms?: boolean; // Gemma 2/3: post-attention and post-feed-forward norms (4 per layer)
  window?: 'mistral' | 'qwen' | 'gemma2' | 'gemma3' | 'layer-types' | 'phi3' | 'llama4';
  sinks?: boolean;
  textConfig?: boolean; // the decoder's fields sit under text_config (multimodal wrappers)
  defaults?: Json; // the config class's defaults for fields a released config.json may leave out
}

// transformers' Gemma3TextConfig and Llama4TextConfig defaults (a checkpoint's text_config omits those it keeps)
const GEMMA3_TEXT_DEFAULTS: Json = {
  vocab_size: 262208, hidden_size: 2304, intermediate_size: 9216, num_hidden_layers: 26, num_attention_heads: 8,
  num_key_value_heads: 4, head_dim: 256, max_position_embeddings: 131072, sliding_window: 4096,
  sliding_window_pattern: 6, hidden_activation: 'gelu_pytorch_tanh', tie_word_embeddings: true,
};
const LLAMA4_TEXT_DEFAULTS: Json = {
  vocab_size: 202048, hidden_size: 5120, intermediate_size: 8192, intermediate_size_mlp: 16384, num_hidden_layers: 48,
  num_attention_heads: 40, num_key_value_heads: 8, head_dim: 128, max_position_embeddings: 4096 * 32,
  num_local_experts: 16, num_experts_per_tok: 1, interleave_moe_layer_step: 1, attention_chunk_size: 8192,
  use_qk_norm: true, hidden_act: 'silu',
};

const DECODERS: Record<string, DecoderKind> = {
  LlamaForCausalLM: { name: 'Llama', bias: 'llama', tied: false },
  MistralForCausalLM: { name: 'Mistral', bias: 'none', tied: false, window: 'mistral' },
  Qwen2ForCausalLM: { name: 'Qwen2', bias: 'qwen2', tied: false, window: 'qwen' },
  Qwen3ForCausalLM: { name: 'Qwen3', bias: 'llama', tied: false, window: 'qwen', qkNorm: 'rmsnorm' },
  Phi3ForCausalLM: { name: 'Phi-3', bias: 'llama', tied: false, window: 'phi3' },
  Gemma2ForCausalLM: { name: 'Gemma 2', bias: 'llama', tied: true, postNorms: true, window: 'gemma2' },
  Gemma3ForCausalLM: { name: 'Gemma 3', bias: 'llama', tied: true, postNorms: true, qkNorm: 'rmsnorm', window: 'gemma3', defaults: GEMMA3_TEXT_DEFAULTS },
  Gemma3ForConditionalGeneration: { name: 'Gemma 3', bias: 'llama', tied: true, postNorms: true, qkNorm: 'rmsnorm', window: 'gemma3', textConfig: true, defaults: GEMMA3_TEXT_DEFAULTS },
  MixtralForCausalLM: { name: 'Mixtral', bias: 'none', tied: false, moe: 'mixtral', window: 'mistral' },
  Qwen2MoeForCausalLM: { name: 'Qwen2-MoE', bias: 'qwen2', tied: false, moe: 'qwen-moe', window: 'qwen' },
  Qwen3MoeForCausalLM: { name: 'Qwen3-MoE', bias: 'llama', tied: false, moe: 'qwen-moe', qkNorm: 'rmsnorm', window: 'qwen' },
  DeepseekV2ForCausalLM: { name: 'DeepSeek-V2', bias: 'llama', tied: false, moe: 'deepseek', mla: true },
  DeepseekV3ForCausalLM: { name: 'DeepSeek-V3', bias: 'llama', tied: false, moe: 'deepseek', mla: true },
  GptOssForCausalLM: { name: 'gpt-oss', bias: 'gpt-oss', tied: false, moe: 'gpt-oss', window: 'layer-types', sinks: true },
  Llama4ForCausalLM: { name: 'Llama 4', bias: 'llama', tied: false, moe: 'llama4', qkNorm: 'l2', window: 'llama4', defaults: LLAMA4_TEXT_DEFAULTS },
  Llama4ForConditionalGeneration: { name: 'Llama 4', bias: 'llama', tied: false, moe: 'llama4', qkNorm: 'l2', window: 'llama4', textConfig: true, defaults: LLAMA4_TEXT_DEFAULTS },
};

const MODEL_TYPES: Record<string, string> = {
  llama: 'LlamaForCausalLM', mistral: 'MistralForCausalLM', qwen2: 'Qwen2ForCausalLM', qwen3: 'Qwen3ForCausalLM',
  phi3: 'Phi3ForCausalLM', gemma2: 'Gemma2ForCausalLM', gemma3_text: 'Gemma3ForCausalLM',
  gemma3: 'Gemma3ForConditionalGeneration', mixtral: 'MixtralForCausalLM', qwen2_moe: 'Qwen2MoeForCausalLM',
  qwen3_moe: 'Qwen3MoeForCausalLM', deepseek_v2: 'DeepseekV2ForCausalLM', deepseek_v3: 'DeepseekV3ForCausalLM',
  gpt_oss: 'GptOssForCausalLM', llama4: 'Llama4ForConditionalGeneration', llama4_text: 'Llama4ForCausalLM',
  whisper: 'WhisperForConditionalGeneration',
};

export const HF_ARCHITECTURES = [...Object.keys(DECODERS), 'WhisperForConditionalGeneration'];

export function isHfConfig(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && ('architectures' in v || 'model_type' in v);
}

// a transformers class name (LlamaForCausalLM): only such a name is quoted back from a file's architectures
const CLASS_NAME = /^[A-Z][A-Za-z0-9]{0,80}(For[A-Za-z]+|Model)$/;

export function detectArchitecture(cfg: Json, where: string): string {
  const archs = cfg.architectures;
  if (Array.isArray(archs) && archs.length) {
    const known = archs.find((a) => typeof a === 'string' && HF_ARCHITECTURES.includes(a));
    if (known) return known as string;
    // the name is quoted back only when it looks like a transformers class: a file that is not a config
    // (credentials, say) never has its content printed
    const a = archs[0];
    const named = typeof a === 'string' && CLASS_NAME.test(a) ? `"${a}"` : '(not a transformers class name)';
    throw new UserError(`${where}: unknown architecture ${named} (hwperf imports ${HF_ARCHITECTURES.join(', ')})`);
  }
  const mt = cfg.model_type;
  const arch = typeof mt === 'string' ? own(MODEL_TYPES, mt) : undefined;
  if (!arch) {
    const named = typeof mt === 'string' && /^[a-z][a-z0-9_]{0,30}$/.test(mt) ? `"${mt}"` : '(not a model type name)';
    throw new UserError(`${where}: unknown model_type ${named} (hwperf imports ${Object.keys(MODEL_TYPES).join(', ')})`);
  }
  return arch;
}

export function convertHfConfig(cfg: Json, where: string, text?: string): HfSpec {
  const top = new Reader(cfg, where, {}, text);
  top.checkShapes();
  const arch = detectArchitecture(cfg, where);
  const out: HfSpec = { arch, fields: [], header: [], warnings: [] };
  top.raw('architectures');
  top.raw('model_type');
  const q = cfg.quantization_config;
  top.raw('quantization_config');
  if (arch === 'WhisperForConditionalGeneration') whisper(top, out);
  else {
    const kind = DECODERS[arch]!;
    let r = top;
    if (kind.textConfig) {
      const tc = top.obj('text_config');
      if (!tc) throw new UserError(`${where}: ${arch} needs "text_config" (the language model's fields)`);
      if (top.has('vision_config')) {
        out.header.push('The vision encoder (vision_config) and its projector are not imported: this is the text decoder.');
      }
      // a wrapper's tie_word_embeddings is the text model's default
      const tied = top.raw('tie_word_embeddings');
      r = new Reader(tc as Json, `${where} text_config`, tied === undefined ? kind.defaults : { ...kind.defaults, tie_word_embeddings: tied }, text);
      r.raw('model_type');
      r.checkShapes();
      top.checkUnread(arch);
    } else if (kind.defaults) {
      r = new Reader(cfg, where, kind.defaults, text);
      for (const k of top.used) r.used.add(k);
    }
    decoder(r, kind, out);
    r.checkUnread(arch, r === top ? [] : ['architectures']);
    if (r !== top) return withQuant(out, q, where);
  }
  top.checkUnread(arch);
  return withQuant(out, q, where);
}

function withQuant(out: HfSpec, q: unknown, where: string): HfSpec {
  if (q === undefined || q === null) return out;
  const d = quantizationDtype(q, `${where} quantization_config`);
  out.fields.push(['dtype', d.dtype, d.note]);
  out.header.push(`Default precision: ${d.dtype} (${d.note}); --dtype overrides it.`);
  const u = unquantizedModules(q);
  // a decoder's field (the Whisper spec has no per-module precision)
  if (u.modules.length && out.arch !== 'WhisperForConditionalGeneration') out.fields.push(['unquantized', u.modules, 'quantization_config.modules_to_not_convert: kept 16-bit under sub-8-bit weights']);
  if (u.other.length) out.header.push(`modules_to_not_convert also names ${u.other.join(', ')}: not modelled (hwperf keeps attention, router, embeddings, lm_head apart).`);
  return out;
}

function activation(v: string | undefined): string {
  if (!v) return 'silu';
  if (/^(silu|swish|swiglu)/.test(v)) return 'silu';
  if (/^gelu/.test(v)) return 'gelu';
  return v;
}

function decoder(r: Reader, kind: DecoderKind, out: HfSpec): void {
  const f = out.fields;
  const hidden = r.int('hidden_size');
  const layers = r.int('num_hidden_layers', undefined, MAX_LAYERS);
  const heads = r.int('num_attention_heads');
  let kvHeads = r.int('num_key_value_heads', heads);
  // heads 0 is the heads field's own error (model validation); no head_dim of hidden / 0 to report a second time
  let headDim = r.optInt('head_dim') ?? (heads > 0 ? hidden / heads : undefined);
  const hiddenActivation = r.str('hidden_activation'); // Gemma names it so, and may carry hidden_act too
  const hiddenAct = r.str('hidden_act');
  const act = activation(hiddenActivation ?? hiddenAct);
  const vocab = r.int('vocab_size');
  const context = r.int('max_position_embeddings');
  const tied = r.bool('tie_word_embeddings', kind.tied);

  // biases: Llama-style attention_bias (q, k, v, o) and mlp_bias; Qwen2 always has q/k/v biases and no others
  let bias: boolean | { qkv: boolean; out: boolean; ffn: boolean } = false;
  if (kind.bias === 'llama' || kind.bias === 'gpt-oss') {
    const attn = r.bool('attention_bias', kind.bias === 'gpt-oss');
    const mlp = kind.bias === 'gpt-oss' ? true : r.bool('mlp_bias', false); // gpt-oss experts carry biases
    bias = attn === mlp ? attn : { qkv: attn, out: attn, ffn: mlp };
  } else if (kind.bias === 'qwen2') bias = { qkv: true, out: false, ffn: false };

  let attention: Json | undefined;
  const comments: Record<string, string> = {};
  if (kind.mla) {
    const rope = r.int('qk_rope_head_dim');
    const nope = r.int('qk_nope_head_dim');
    attention = {
      kind: 'mla',
      q_lora_rank: r.raw('q_lora_rank') == null ? 0 : r.int('q_lora_rank'),
      kv_lora_rank: r.int('kv_lora_rank'),
      qk_rope_head_dim: rope,
      qk_nope_head_dim: nope,
      v_head_dim: r.int('v_head_dim'),
    };
    headDim = nope + rope;
    kvHeads = heads;
    comments.kv_heads = 'MLA: each head has its own K/V, decompressed from the shared latent';
    comments.head_dim = `q/k: ${nope} nope + ${rope} rope; v: ${attention.v_head_dim}`;
  }

  // intermediate: the dense FFN width (Llama 4: intermediate_size is the expert width, intermediate_size_mlp the dense one)
  const intermediate = kind.moe === 'llama4' ? r.int('intermediate_size_mlp') : r.int('intermediate_size');
  const moe = kind.moe ? moeFields(r, kind.moe, layers, out) : undefined;
  const window = windowFields(r, kind, layers, out);
  const extra: Json = { ...window };
  if (kind.sinks) extra.sinks = true;
  if (kind.qkNorm) {
    const on = kind.qkNorm === 'l2' ? r.bool('use_qk_norm', true) : true;
    if (on) extra.qk_norm = kind.qkNorm;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (decoderSupports(['attention', k])) (attention ??= { kind: 'gqa' })[k] = v;
    else unsupported(out, `attention.${k}: ${shownValue(v)}`);
  }

  f.push(['family', 'decoder']);
  f.push(['hidden', hidden]);
  f.push(['layers', layers]);
  f.push(['heads', heads]);
  f.push(['kv_heads', kvHeads, comments.kv_heads]);
  if (headDim !== undefined) f.push(['head_dim', headDim, comments.head_dim ?? (headDim * heads !== hidden ? `heads × head_dim = ${heads * headDim} ≠ hidden` : undefined)]);
  f.push(['ffn', { kind: 'gated', intermediate, activation: act }, moe && moe.every === undefined && !moe.dense_layers ? 'dense width in the config (every layer is MoE)' : undefined]);
  f.push(['vocab', vocab]);
  f.push(['context', context, 'max_position_embeddings']);
  f.push(['norm', 'rmsnorm']);
  f.push(['final_norm', true]);
  f.push(['bias', bias]);
  f.push(['tied_embeddings', tied]);
  f.push(['position', 'rope', kind.window === 'llama4' ? 'NoPE layers attend over the whole context (attention.layer_types: full)' : undefined]);
  f.push(['parallel_block', false]);
  if (kind.postNorms) {
    if (decoderSupports(['post_norms'])) f.push(['post_norms', true, 'post-attention and post-feed-forward RMSNorms: 4 norms per layer']);
    else unsupported(out, 'post_norms: true (4 RMSNorms per layer)');
  }
  if (moe) f.push(['moe', moe.spec, moe.comment]);
  if (attention) f.push(['attention', attention]);
}

function unsupported(out: HfSpec, what: string): void {
  const w = `this hwperf cannot express ${what} yet: left out (parameter counts or attention cost may differ)`;
  out.warnings.push(w);
  out.header.push(`Not expressible in this version: ${what}.`);
}

interface MoeOut {
  spec: Json;
  comment?: string;
  every?: number;
  dense_layers: number;
}

function moeFields(r: Reader, moe: Moe, layers: number, out: HfSpec): MoeOut {
  const spec: Json = {};
  let every: number | undefined;
  let dense = 0;
  let comment: string | undefined;
  switch (moe) {
    case 'mixtral':
      Object.assign(spec, { experts: r.int('num_local_experts'), active: r.int('num_experts_per_tok'), shared: 0, intermediate: r.int('intermediate_size') });
      break;
    case 'gpt-oss': {
      const active = r.optInt('num_experts_per_tok') ?? r.int('experts_per_token');
      r.raw('experts_per_token');
      Object.assign(spec, { experts: r.int('num_local_experts'), active, shared: 0, intermediate: r.int('intermediate_size') });
      if (decoderSupports(['moe', 'router_bias'])) spec.router_bias = true;
      else unsupported(out, 'moe.router_bias: true (the router has a bias)');
      comment = 'expert FFNs carry biases (bias.ffn)';
      break;
    }
    case 'qwen-moe': {
      Object.assign(spec, { experts: r.int('num_experts'), active: r.int('num_experts_per_tok'), intermediate: r.int('moe_intermediate_size') });
      const sharedWidth = r.optInt('shared_expert_intermediate_size') ?? 0;
      spec.shared = sharedWidth > 0 ? 1 : 0;
      if (sharedWidth > 0) {
        spec.shared_intermediate = sharedWidth;
        out.header.push('Qwen2-MoE gates its shared expert with a sigmoid (hidden × 1 weights per layer), not counted.');
      }
      every = r.int('decoder_sparse_step', 1);
      const only = (r.list('mlp_only_layers') ?? []) as number[];
      if (only.length) {
        if (!only.every((l, i) => l === i)) throw new UserError(`${r.where}: "mlp_only_layers" ${shownValue(only)}: only leading dense layers (0, 1, …) can be expressed`);
        dense = only.length;
      }
      break;
    }
    case 'deepseek': {
      Object.assign(spec, {
        experts: r.int('n_routed_experts'),
        active: r.int('num_experts_per_tok'),
        shared: r.int('n_shared_experts', 0),
        intermediate: r.int('moe_intermediate_size'),
      });
      dense = r.int('first_k_dense_replace', 0);
      const freq = r.int('moe_layer_freq', 1);
      if (freq !== 1) throw new UserError(`${r.where}: "moe_layer_freq" ${freq}: DeepSeek's MoE every ${freq}th layer after the dense ones cannot be expressed (only 1)`);
      r.raw('num_key_value_heads');
      if (r.has('num_nextn_predict_layers') && r.int('num_nextn_predict_layers') > 0) {
        out.header.push('The multi-token-prediction module (num_nextn_predict_layers) is not counted: main model only.');
      }
      // noaux_tc routing keeps a per-expert score bias (e_score_correction_bias) in every MoE layer
      if (r.raw('topk_method') === 'noaux_tc') {
        if (decoderSupports(['moe', 'router_bias'])) spec.router_bias = true;
        else unsupported(out, 'moe.router_bias: true (e_score_correction_bias)');
        spec.router = 'noaux_tc';
      }
      // group-limited routing: noaux_tc (V3) and group_limited_greedy (V2) pick the top topk_group of n_group expert
      // blocks before the top-k (HF DeepseekV3TopkRouter / DeepseekV2MoEGate); greedy ignores the groups
      const method = r.raw('topk_method');
      if (method === 'noaux_tc' || method === 'group_limited_greedy') {
        const groups = r.optInt('n_group') ?? 1;
        const topk = r.optInt('topk_group') ?? groups;
        if (groups > 1 && topk < groups) {
          if (decoderSupports(['moe', 'expert_groups'])) Object.assign(spec, { expert_groups: groups, topk_groups: topk });
          else unsupported(out, `moe.expert_groups: ${groups}, topk_groups: ${topk} (group-limited routing)`);
        }
      }
      break;
    }
    case 'llama4': {
      Object.assign(spec, { experts: r.int('num_local_experts'), active: r.int('num_experts_per_tok'), shared: 1, intermediate: r.int('intermediate_size') });
      every = r.int('interleave_moe_layer_step', 1);
      if (every < 1) throw new UserError(`${r.where}: "interleave_moe_layer_step" must be at least 1, found ${every}`);
      const listed = r.list('moe_layers');
      if (listed && listed.length) {
        const expect = [];
        for (let l = every - 1; l < layers; l += every) expect.push(l);
        if (JSON.stringify(listed) !== JSON.stringify(expect)) throw new UserError(`${r.where}: "moe_layers" ${shownValue(listed)} is not every ${every}th layer: cannot be expressed`);
      }
      comment = 'one shared expert of the routed width beside the routed ones';
      break;
    }
  }
  if (every === 0) throw new UserError(`${r.where}: a sparse step of 0`);
  if (dense) spec.dense_layers = dense;
  if (every !== undefined && every > 1) {
    if (!decoderSupports(['moe', 'every'])) throw new UserError(`${r.where}: MoE on every ${every}th layer cannot be expressed by this hwperf version (needs moe.every)`);
    spec.every = every;
  } else every = undefined;
  return { spec, comment, every, dense_layers: dense };
}

// Sliding / chunked attention per layer → attention.sliding_window, attention.chunk, attention.layer_types.
function windowFields(r: Reader, kind: DecoderKind, layers: number, out: HfSpec): Json {
  const types: string[] = [];
  const fromHf = (t: unknown): string => {
    if (t === 'sliding_attention') return 'sliding';
    if (t === 'full_attention') return 'full';
    if (t === 'chunked_attention') return 'chunked';
    throw new UserError(`${r.where}: "layer_types" has an unknown layer type ${shownValue(t)} (hwperf knows sliding_attention, full_attention, chunked_attention)`);
  };
  const listed = r.list('layer_types');
  let size: number | undefined;
  let chunk: number | undefined;
  switch (kind.window) {
    case undefined:
      return {};
    case 'mistral':
    case 'phi3':
      size = r.optInt('sliding_window');
      if (size !== undefined) for (let l = 0; l < layers; l++) types.push('sliding');
      break;
    case 'qwen': {
      const use = r.bool('use_sliding_window', false);
      const w = r.optInt('sliding_window');
      const maxWindow = r.optInt('max_window_layers') ?? layers;
      if (use && w !== undefined) {
        size = w;
        for (let l = 0; l < layers; l++) types.push(l >= maxWindow ? 'sliding' : 'full'); // Qwen2Attention: sliding from max_window_layers on
      }
      break;
    }
    case 'gemma2':
      size = r.optInt('sliding_window');
      if (size !== undefined) for (let l = 0; l < layers; l++) types.push((l + 1) % 2 ? 'sliding' : 'full');
      break;
    case 'gemma3': {
      size = r.optInt('sliding_window');
      const pattern = r.int('sliding_window_pattern', 6);
      if (size !== undefined) for (let l = 0; l < layers; l++) types.push((l + 1) % pattern ? 'sliding' : 'full');
      break;
    }
    case 'layer-types':
      size = r.optInt('sliding_window');
      break;
    case 'llama4': {
      chunk = r.optInt('attention_chunk_size');
      let rope = (r.list('no_rope_layers') ?? []) as number[];
      // Llama4TextConfig: an empty list means every 4th layer (no_rope_layer_interval) is NoPE
      if (!rope.length) {
        const interval = r.int('no_rope_layer_interval', 4);
        rope = Array.from({ length: layers }, (_, l) => ((l + 1) % interval !== 0 ? 1 : 0));
      }
      if (chunk !== undefined) for (let l = 0; l < layers; l++) types.push(rope[l] ? 'chunked' : 'full');
      break;
    }
  }
  if (listed && listed.length && (size !== undefined || chunk !== undefined)) {
    if (listed.length !== layers) throw new UserError(`${r.where}: "layer_types" lists ${listed.length} layers, the model has ${layers}`);
    types.length = 0;
    for (const t of listed) types.push(fromHf(t));
  }
  if (!types.length || types.every((t) => t === 'full')) return {};
  const fields: Json = {};
  if (types.includes('sliding')) fields.sliding_window = size;
  if (types.includes('chunked')) fields.chunk = chunk;
  const uniform = types.every((t) => t === types[0]);
  if (!uniform) fields.layer_types = shortestPeriod(types);
  out.header.push(
    uniform ? `Every layer attends over a ${types[0]} window of ${size ?? chunk} tokens.` : `Layers alternate ${[...new Set(types)].join('/')} attention (${types.filter((t) => t !== 'full').length} of ${layers} windowed).`,
  );
  return fields;
}

// The shortest prefix that, repeated, gives the whole list (the library repeats a shorter list).
export function shortestPeriod(list: string[]): string[] {
  for (let p = 1; p <= list.length; p++) {
    if (list.every((t, i) => t === list[i % p])) return list.slice(0, p);
  }
  return list;
}

function whisper(r: Reader, out: HfSpec): void {
  const hidden = r.int('d_model');
  const heads = r.int('encoder_attention_heads');
  const decHeads = r.int('decoder_attention_heads');
  const ffn = r.int('encoder_ffn_dim');
  const decFfn = r.int('decoder_ffn_dim');
  if (decHeads !== heads || decFfn !== ffn) {
    throw new UserError(`${r.where}: encoder and decoder differ in heads or ffn width (${heads}/${decHeads}, ${ffn}/${decFfn}): hwperf's encoder-decoder has one of each`);
  }
  r.raw('num_hidden_layers'); // = encoder_layers in WhisperConfig
  out.fields.push(
    ['family', 'encoder-decoder'],
    ['hidden', hidden],
    ['encoder_layers', r.int('encoder_layers')],
    ['decoder_layers', r.int('decoder_layers')],
    ['heads', heads],
    ['ffn', { kind: 'plain', intermediate: ffn, activation: activation(r.str('activation_function', 'gelu')) }],
    ['vocab', r.int('vocab_size')],
    ['n_mels', r.int('num_mel_bins', 80)],
    ['audio_ctx', r.int('max_source_positions', 1500), 'encoder positions: 3,000 mel frames / conv stride 2'],
    ['text_ctx', r.int('max_target_positions', 448)],
    ['window_seconds', 30],
  );
}
