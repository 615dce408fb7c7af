// quantization_config → the scheme hwperf simulates by default for that checkpoint (docs/design.md, the
// --dtype table). The schemes are hwperf's, so some mappings are the nearest one, and the note says so.
import { UserError } from '../errors.js';
import type { QuantScheme } from '../../sim/types.js';

export interface QuantDefault {
  dtype: QuantScheme;
  note: string; // what the config said, for the header and the YAML comment
}

type Json = Record<string, any>;

// a config value as text for a note or a message: strings and numbers as written, anything else as JSON, never
// "undefined" or "[object Object]"
function txt(v: unknown): string {
  if (typeof v === 'string') return v.slice(0, 80);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (v === undefined) return 'none';
  return (JSON.stringify(v) ?? 'none').slice(0, 80);
}
const strOf = (v: unknown) => (typeof v === 'string' ? v : '');

export function quantizationDtype(q: unknown, where: string): QuantDefault {
  if (typeof q !== 'object' || q === null) throw new UserError(`${where}: expected an object`);
  const c = q as Json;
  const method = strOf(c.quant_method ?? c.quant_algo).toLowerCase();
  const bitsGiven = c.bits ?? c.w_bit ?? c.weight_bits;
  const bits = Number(bitsGiven);
  switch (method) {
    case 'fp8':
    case 'fbgemm_fp8':
      return { dtype: 'fp8', note: `quant_method ${method}${c.weight_block_size ? `, ${JSON.stringify(c.weight_block_size)} blocks` : ''}` };
    case 'awq':
    case 'gptq':
    case 'auto-round':
      if (bits === 4) return { dtype: 'int4', note: `${method} ${bits}-bit weights (w4a16)` };
      if (bits === 8) return { dtype: 'int8', note: `${method} ${bits}-bit weights, nearest scheme int8` };
      throw new UserError(`${where}: ${method} with ${txt(bitsGiven)} bits: hwperf imports 4 or 8`);
    case 'mxfp4':
      return { dtype: 'fp4', note: 'MXFP4 (e2m1, one e8m0 scale per 32: 4.25 bits/weight), nearest scheme fp4 (4.5)' };
    case 'bitsandbytes':
      if (c.load_in_4bit) return { dtype: 'int4', note: `bitsandbytes ${typeof c.bnb_4bit_quant_type === 'string' ? txt(c.bnb_4bit_quant_type) : '4-bit'}, nearest scheme int4` };
      if (c.load_in_8bit) return { dtype: 'int8', note: 'bitsandbytes LLM.int8(), nearest scheme int8' };
      break;
    case 'modelopt':
    case 'nvfp4': {
      const algo = (strOf(c.quant_algo) || strOf(c.quantization?.quant_algo) || method).toUpperCase().slice(0, 40);
      if (algo.includes('FP8')) return { dtype: 'fp8', note: `ModelOpt ${algo}` };
      if (algo.includes('FP4')) return { dtype: 'fp4', note: `ModelOpt ${algo}` };
      break;
    }
    case 'compressed-tensors':
      return compressedTensors(c, where);
  }
  throw new UserError(`${where}: unknown quant_method ${method ? JSON.stringify(method.slice(0, 40)) : '(none given)'} (hwperf reads fp8, awq, gptq, mxfp4, bitsandbytes, modelopt, compressed-tensors)`);
}

// compressed-tensors (llm-compressor): config_groups.<g>.weights {num_bits, type: int|float} and
// input_activations; the format string names NVFP4 packing.
function compressedTensors(c: Json, where: string): QuantDefault {
  const groups = c.config_groups && typeof c.config_groups === 'object' ? (Object.values(c.config_groups as Json) as Json[]) : [];
  const g = groups[0];
  const format = strOf(c.format).slice(0, 40);
  if (/nvfp4/.test(format)) return { dtype: 'fp4', note: `compressed-tensors ${format}` };
  if (!g || typeof g !== 'object' || !g.weights || typeof g.weights !== 'object') throw new UserError(`${where}: compressed-tensors without config_groups.*.weights`);
  const w = g.weights as Json;
  const a = g.input_activations as Json | null | undefined;
  const note = `compressed-tensors ${format || 'weights'} ${txt(w.type)}${txt(w.num_bits)}${a && typeof a === 'object' ? ` / activations ${txt(a.type)}${txt(a.num_bits)}` : ' weight-only'}`;
  if (w.type === 'float' && w.num_bits === 8) return { dtype: 'fp8', note };
  if (w.type === 'float' && w.num_bits === 4) return { dtype: 'fp4', note };
  if (w.type === 'int' && w.num_bits === 8) return { dtype: 'int8', note };
  if (w.type === 'int' && w.num_bits === 4) return { dtype: 'int4', note };
  throw new UserError(`${where}: compressed-tensors weights ${txt(w.type)}${txt(w.num_bits)}: no matching hwperf scheme`);
}

// modules_to_not_convert → the model's `unquantized:` (src/model/quant.ts moduleBits): which weights the checkpoint
// leaves out of its quantization. gpt-oss: ["model.layers.*.self_attn", "model.layers.*.mlp.router",
// "model.embed_tokens", "lm_head"] (HF openai/gpt-oss-20b config.json). A pattern naming none of the four is listed
// in `other` (said in the header, not modelled).
const MODULE_PATTERNS: [RegExp, 'attention' | 'router' | 'embeddings' | 'lm_head'][] = [
  [/(^|[.*])(self_attn|attn|attention)($|\.)/, 'attention'],
  [/(^|[.*])(router|mlp\.gate)$/, 'router'],
  [/(^|[.*])(embed_tokens|wte|embeddings?)$/, 'embeddings'],
  [/(^|[.*])lm_head$/, 'lm_head'],
];

export function unquantizedModules(q: unknown): { modules: ('attention' | 'router' | 'embeddings' | 'lm_head')[]; other: string[] } {
  const list = typeof q === 'object' && q !== null ? (q as Json).modules_to_not_convert : undefined;
  const modules: ('attention' | 'router' | 'embeddings' | 'lm_head')[] = [];
  const other: string[] = [];
  if (!Array.isArray(list)) return { modules, other };
  for (const v of list.slice(0, 1000)) {
    if (typeof v !== 'string') continue;
    const hit = MODULE_PATTERNS.find(([re]) => re.test(v));
    if (!hit) {
      if (other.length < 8) other.push(txt(v));
    } else if (!modules.includes(hit[1])) modules.push(hit[1]);
  }
  // in the order the schema lists them, so that two configs naming the same modules write the same spec
  const order = ['attention', 'router', 'embeddings', 'lm_head'];
  modules.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return { modules, other };
}
