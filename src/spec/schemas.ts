// JSON Schemas (ajv) for the structure of each spec kind. Units and expressions are checked after the
// schema, in normalize: here a quantity is "a string or a number" so that a bare number gets the more
// helpful "needs a unit" message there.
// `x-range` is the quantity's sane range in SI units (bytes, B/s, FLOP/s, W, J/bit, s, Hz, USD), checked after
// unit conversion (normalize-hardware.ts, --set): far beyond any real part, it keeps results finite and meaningful.
import { ADMISSIONS, BATCHINGS, DECODER_GRAPH_OPS, DECODER_HOST_ARCHS, GRAPH_CAPTURES, HARDWARE_VENDORS, LAUNCH_CAPTURES, PIPELINE_SCHEDULES, UNQUANTIZED_MODULES, WEIGHT_ONLY_MOE_KERNELS } from './types.js';
import { QUANT_SCHEMES } from '../model/quant.js';

const qty = (min: number, max: number) => ({ type: ['string', 'number'], 'x-range': [min, max] });
const quantity = qty(0, 1e21);
const BYTES = qty(1e6, 1e16); // 1 MB … 10 PB of device memory
const CACHE = qty(0, 1e11);
const BW = qty(1e6, 1e16); // 1 MB/s … 10 PB/s
const PEAK = qty(1e6, 1e19); // 1 MFLOP/s … 10 EFLOP/s per device
const LATENCY = qty(0, 1);
const WATTS = qty(0.01, 1e6);
const ENERGY_BIT = qty(0, 1e-9); // ≤ 1 nJ/bit
const ENERGY_FLOP = qty(0, 1e-9);
const USD = qty(0, 1e9);
const HZ = qty(1e6, 1e11);
const OVERHEAD = qty(0, 10);
// an op of one kernel dispatched by eager framework code costs the host by its kind (launch.per_kernel_by_kind)
const PER_KERNEL_BY_KIND = {
  type: 'object',
  additionalProperties: false,
  properties: { gemm: OVERHEAD, attention: OVERHEAD, elementwise: OVERHEAD, norm: OVERHEAD, embedding: OVERHEAD, conv: OVERHEAD, allreduce: OVERHEAD, allgather: OVERHEAD, reducescatter: OVERHEAD, alltoall: OVERHEAD },
} as const;
// a strip kernel's per-CTA rate and strip width (kernels.tiled_gemm and each GEMM kernel of its own under it); with
// false: the file turns its parent's off
const STRIP_KERNEL = { rate: BW, tile_n: { type: 'integer', minimum: 1, maximum: 4096 } };
const STRIP_KERNEL_OR_FALSE = {
  oneOf: [{ type: 'object', additionalProperties: false, required: ['rate'], properties: STRIP_KERNEL }, { const: false }],
};
// An efficiency (achieved over peak) is at least this: a rate of peak × efficiency stays ≥ 1 unit/s over every peak's
// and bandwidth's range minimum (1e6), so no time overflows; library GEMM tables start at ~1e-4 for one-FLOP ops.
export const MIN_EFFICIENCY = 1e-6;

// bits per weight a runtime's own quantizer stores, by the --weights schemes it quantizes (kernels.quantized_*_bits)
const QUANTIZED_BITS = { type: 'object', additionalProperties: false, properties: Object.fromEntries(['int4', 'int8', 'q4_0', 'q4_k_m', 'q8_0'].map((k) => [k, { type: 'number', minimum: 1, maximum: 16 }])) };

// a table of fractions by a size (`key`: tokens, prompt lengths), up to 64 points: the runtime's measured kernels
const fractionTable = (key: string, maxSize: number) => ({
  type: 'object',
  additionalProperties: false,
  required: [key, 'values'],
  properties: {
    [key]: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'integer', minimum: 1, maximum: maxSize } },
    values: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 } },
  },
});
// A fused MoE kernel's measured fraction of peak: one number, a table by one local expert's GEMM MACs, or such a table
// for each count of the rank's local experts (values as a map from the count to its row; src/sim/kernel-caps.ts moeCap)
const moeEfficiency = {
  oneOf: [
    { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 },
    fractionTable('expert_macs', 1e15),
    {
      // by one local expert's GEMM MACs and the rank's local experts: values maps each local-expert count to its row
      // (a map, so that a file extending this one replaces it with a plain values list whole)
      type: 'object',
      additionalProperties: false,
      required: ['expert_macs', 'values'],
      properties: {
        expert_macs: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'integer', minimum: 1, maximum: 1e15 } },
        values: {
          type: 'object',
          minProperties: 1,
          maxProperties: 64,
          propertyNames: { pattern: '^[1-9][0-9]{0,3}$' },
          additionalProperties: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 } },
        },
      },
    },
  ],
};
// Model counts may be expressions over sibling fields (strings); a number is checked here against its range,
// an expression's value after evaluation (normalize-model.ts runs these schemas again on the evaluated spec).
// The maxima are far above any real model (10^4 layers, 10^6 hidden) and keep graphs and loops small.
const count = (minimum: number, maximum: number, integer = true) => ({ type: ['number', 'string'], minimum, maximum, ...(integer ? { multipleOf: 1 } : {}) });
// counts of the hardware and runtime files (links, kernels per op, requests and tokens in flight): the range
// --set takes for a count (1 … 1e8), far above any real engine's
const posInt = { type: 'integer', minimum: 1, maximum: 1e8 };
const nonNegInt = { type: 'integer', minimum: 0, maximum: 1e8 };
const dtypeNames = { enum: ['fp64', 'fp32', 'tf32', 'bf16', 'fp16', 'fp8', 'int8', 'fp6', 'fp4', 'int4'] };
const dtypeMap = {
  type: 'object',
  propertyNames: dtypeNames,
  additionalProperties: PEAK,
};
export const ID_PATTERN = '^(?!.*(?<![a-z0-9_])undefined(?![a-z0-9_]))[a-z0-9][a-z0-9._-]*$';
const sources = { type: 'array', items: { type: 'string' }, minItems: 1 };
const common = {
  // an id is printed everywhere (headers, report rows, file names): lowercase, and never the word "undefined", which
  // in hwperf's output only ever means a bug (NaN and Infinity have capitals, so the pattern already keeps them out)
  id: { type: 'string', pattern: ID_PATTERN },
  name: { type: 'string' },
  extends: { type: 'string' },
  sources,
  notes: { type: ['string', 'array'] },
  rumoured: { type: 'boolean' },
};
const link = {
  type: 'object',
  additionalProperties: false,
  properties: {
    bandwidth: BW,
    latency: LATENCY,
    domain: { type: 'integer', minimum: 1, maximum: 1e6 },
    technology: { type: 'string' },
    links: posInt,
    // realized per-direction rate of one point-to-point link of a switchless mesh used on its own (a group smaller
    // than the domain): src/sim/parallel.ts meshShareExtraSeconds
    link_rate: BW,
  },
  required: ['bandwidth'],
};
const effTable = {
  oneOf: [
    { type: 'number' },
    {
      type: 'object',
      additionalProperties: false,
      properties: { sizes: { type: 'array', items: { type: ['number', 'string'] } }, values: { type: 'array', items: { type: 'number' } } },
      required: ['sizes', 'values'],
    },
  ],
};
// a GEMM table may also say `class`: the library's default table for the part's class and vendor (src/hardware/
// efficiency.ts defaultEfficiency), for a dtype (or an extending spec) that has no measurement of its own
const gemmEffTable = { oneOf: [...effTable.oneOf, { const: 'class' }] };

export const hardwareSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'compute', 'memory', 'sources'],
  properties: {
    ...common,
    vendor: { type: 'string' },
    // the vendor's name for the chip's architecture (hopper, blackwell, cdna3, …): runtime files key kernels by it
    architecture: { type: 'string', pattern: '^[a-z][a-z0-9.-]*$' },
    class: { enum: ['datacenter', 'workstation', 'consumer', 'edge', 'mobile', 'laptop', 'desktop', 'host'] },
    year: { type: 'integer', minimum: 1900, maximum: 2200 },
    compute: {
      type: 'object',
      additionalProperties: false,
      properties: { matrix: dtypeMap, vector: dtypeMap, fp16_accumulate: PEAK, units: { type: 'integer', minimum: 1, maximum: 1e7 }, clock: HZ, npu: { type: 'string' }, matrix_min_k: { type: 'integer', minimum: 1, maximum: 65536 } },
    },
    memory: {
      type: 'object',
      additionalProperties: false,
      required: ['capacity', 'bandwidth'],
      properties: {
        technology: { type: 'string' },
        capacity: BYTES,
        bandwidth: BW,
        stacks: { type: 'integer', minimum: 1, maximum: 1024 },
        bus_width: { type: 'integer', minimum: 1, maximum: 1e6 },
        energy: ENERGY_BIT,
        usable: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      },
    },
    on_chip: {
      type: 'object',
      additionalProperties: false,
      properties: { l1: CACHE, l2: CACHE, l3: CACHE, sram: CACHE, slc: CACHE, infinity_cache: CACHE, l2_bandwidth: BW },
    },
    interconnect: {
      type: 'object',
      additionalProperties: false,
      properties: { scale_up: link, scale_out: link, host: link },
    },
    power: { type: 'object', additionalProperties: false, properties: { tdp: WATTS, idle: WATTS } },
    energy: { type: 'object', additionalProperties: false, properties: { compute: ENERGY_FLOP } },
    price: {
      type: 'object',
      additionalProperties: false,
      properties: {
        purchase: USD,
        hour: USD,
        // when the price was seen (YYYY-MM or YYYY-MM-DD) and where
        hour_date: { type: 'string' },
        purchase_date: { type: 'string' },
        hour_source: { type: 'string' },
        purchase_source: { type: 'string' },
      },
    },
    runtime: {
      type: 'object',
      additionalProperties: false,
      properties: { name: { type: 'string' }, static_context: { type: 'integer', minimum: 1, maximum: 1e8 }, step_overhead: OVERHEAD, source: { type: 'string' } },
    },
    efficiency: {
      type: 'object',
      additionalProperties: false,
      properties: {
        memory: { type: 'number' },
        gemm: gemmEffTable,
        // keyed by dtype like compute.matrix: a misspelt dtype (bf17) is an error, not a table no GEMM reads
        gemm_by_dtype: { type: 'object', propertyNames: dtypeNames, additionalProperties: gemmEffTable },
        gemm_memory_by_dtype: { type: 'object', propertyNames: dtypeNames, additionalProperties: { type: 'number' } },
        attention: { type: 'number' },
        attention_by_dtype: { type: 'object', propertyNames: dtypeNames, additionalProperties: { type: 'number' } },
        attention_kv8: { type: 'number' },
        attention_backward: { type: 'number' },
        gemm_fp8_split_accumulate: { type: 'number' },
        sustained_matrix: { type: 'number' },
        sustained_matrix_by_dtype: { type: 'object', propertyNames: dtypeNames, additionalProperties: { type: 'number' } },
        vector: { type: 'number' },
        collective: effTable,
        collective_algorithm: { enum: ['ring', 'nvls'] },
        kernel_overhead: OVERHEAD,
        source: { type: 'string' },
      },
    },
  },
};

export const memorySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'kind', 'sources'],
  properties: {
    ...common,
    kind: { enum: ['stack', 'bus'] },
    per_stack_bandwidth: BW,
    per_stack_capacity: BYTES,
    pin_rate: qty(1e6, 1e12),
    capacity_per_channel: BYTES,
    channel_width: posInt,
    energy: ENERGY_BIT,
    standard: { type: 'string' },
  },
};

const ffn = {
  type: 'object',
  additionalProperties: false,
  required: ['intermediate'],
  properties: { kind: { enum: ['gated', 'plain'] }, intermediate: count(1, 1e7), activation: { type: 'string' } },
};
const referenceParams = {
  type: 'object',
  additionalProperties: false,
  properties: { total: { type: 'number' }, active: { type: 'number' }, source: { type: 'string' } },
};
// dtype: the scheme the checkpoint ships in (a Hugging Face quantization_config), the default --dtype for this model
const modelCommon = { ...common, family: { type: 'string' }, reference_params: referenceParams, dtype: { enum: [...QUANT_SCHEMES] } };

const decoder = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'family', 'hidden', 'layers', 'heads', 'ffn', 'vocab', 'sources'],
  properties: {
    ...modelCommon,
    hidden: count(1, 1e6),
    layers: count(1, 10000),
    heads: count(1, 10000),
    kv_heads: count(1, 10000),
    head_dim: count(1, 65536),
    ffn,
    vocab: count(0, 1e8),
    context: count(0, 1e8),
    norm: { enum: ['rmsnorm', 'layernorm'] },
    final_norm: { type: 'boolean' },
    bias: {
      oneOf: [
        { type: 'boolean' },
        { type: 'object', additionalProperties: false, properties: { qkv: { type: 'boolean' }, out: { type: 'boolean' }, ffn: { type: 'boolean' } } },
      ],
    },
    tied_embeddings: { type: 'boolean' },
    position: { enum: ['rope', 'learned', 'sinusoidal', 'alibi', 'none'] },
    parallel_block: { type: 'boolean' },
    moe: {
      type: 'object',
      additionalProperties: false,
      required: ['experts', 'active'],
      properties: {
        experts: count(1, 100000),
        active: count(1, 100000),
        shared: count(0, 10000),
        intermediate: count(1, 1e7),
        dense_layers: count(0, 10000),
        shared_intermediate: count(0, 1e7),
        router: { enum: ['topk', 'noaux_tc'] },
        every: count(1, 10000),
        router_bias: { type: 'boolean' },
        expert_groups: count(1, 100000),
        topk_groups: count(1, 100000),
      },
    },
    attention: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: {
        kind: { enum: ['mla', 'gqa', 'mha', 'mqa'] },
        q_lora_rank: count(0, 1e6),
        kv_lora_rank: count(1, 1e6),
        qk_rope_head_dim: count(1, 65536),
        qk_nope_head_dim: count(0, 65536),
        v_head_dim: count(1, 65536),
        sliding_window: count(1, 1e8),
        chunk: count(1, 1e8),
        layer_types: { type: 'array', minItems: 1, items: { enum: ['full', 'sliding', 'chunked'] } },
        sinks: { type: 'boolean' },
        qk_norm: { enum: ['rmsnorm', 'l2', 'none'] },
      },
    },
    post_norms: { type: 'boolean' },
    fp8_scaling: { enum: ['tensor', 'channel', 'block'] },
    fp4_scaling: { enum: ['mxfp4', 'nvfp4'] },
    // weights the low-bit checkpoint leaves unquantized (HF quantization_config.modules_to_not_convert)
    unquantized: { type: 'array', uniqueItems: true, items: { enum: [...UNQUANTIZED_MODULES] } },
    rope_theta: { type: 'number', exclusiveMinimum: 0, maximum: 1e12 },
  },
};

const encoderDecoder = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'family', 'hidden', 'encoder_layers', 'decoder_layers', 'heads', 'ffn', 'vocab', 'sources'],
  properties: {
    ...modelCommon,
    hidden: count(1, 1e6),
    encoder_layers: count(1, 10000),
    decoder_layers: count(1, 10000),
    heads: count(1, 10000),
    ffn,
    vocab: count(0, 1e8),
    n_mels: count(1, 10000),
    audio_ctx: count(1, 1e6),
    text_ctx: count(1, 1e6),
    window_seconds: count(0.001, 3600, false),
  },
};

const encoder = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'family', 'hidden', 'layers', 'heads', 'ffn', 'sources'],
  properties: {
    ...modelCommon,
    modality: { enum: ['image', 'text'] },
    hidden: count(1, 1e6),
    layers: count(1, 10000),
    heads: count(1, 10000),
    head_dim: count(1, 65536),
    ffn,
    norm: { enum: ['rmsnorm', 'layernorm'] },
    image_size: count(0, 100000),
    patch: count(0, 4096),
    channels: count(1, 100000),
    class_token: { type: 'boolean' },
    classes: count(0, 1e7),
    vocab: count(0, 1e8),
    context: count(0, 1e8),
    causal: { type: 'boolean' },
    pre_norm: { type: 'boolean' },
    projection: count(0, 1e6),
    relative_attention: { oneOf: [{ type: 'boolean' }, { enum: ['per_layer'] }] },
    bias: { type: 'boolean' },
    final_norm: { type: 'boolean' },
    pooler: { type: 'boolean' },
  },
};

const dit = {
  type: 'object',
  additionalProperties: false,
  // hidden, layers, heads and patch are required unless architecture is unet (normalize-model.ts)
  required: ['id', 'family', 'sources'],
  properties: {
    ...modelCommon,
    hidden: count(1, 1e6),
    layers: count(1, 10000),
    heads: count(1, 10000),
    patch: count(0, 4096),
    latent_size: count(1, 100000),
    image_size: count(0, 100000),
    vae_downsample: count(1, 1024),
    in_channels: count(1, 100000),
    out_channels: count(1, 100000),
    classes: count(0, 1e7),
    mlp_ratio: count(0.01, 64, false),
    temporal: {
      type: 'object',
      additionalProperties: false,
      properties: { attention: { enum: ['separate', 'full'] }, patch: count(1, 4096), downsample: count(1, 1024), chunk: count(1, 1e8), rope: { type: 'boolean' } },
    },
    cross_attention: {
      type: 'object',
      additionalProperties: false,
      properties: { context: count(0, 1e8), context_dim: count(1, 1e6), qk_norm: { type: 'boolean' }, fused: { type: 'boolean' } },
    },
    frame_mask: { type: 'boolean' },
    channels_first_stream: { type: 'boolean' },
    flash_if_longer: { type: 'boolean' },
    rope: { type: 'boolean' },
    architecture: { enum: ['dit', 'mmdit', 'unet'] },
    unet: {
      type: 'object',
      additionalProperties: false,
      required: ['channels', 'transformer_depth'],
      properties: {
        channels: { type: 'array', minItems: 1, maxItems: 16, items: { type: 'integer', minimum: 1, maximum: 100000 } },
        res_blocks: count(1, 64),
        transformer_depth: { type: 'array', minItems: 1, maxItems: 16, items: { type: 'integer', minimum: 0, maximum: 10000 } },
        mid_depth: count(0, 10000),
        head_dim: count(1, 65536),
        heads: count(0, 65536),
        time_embed_dim: count(1, 1e6),
        add_embed_dim: count(0, 1e6),
      },
    },
    single_blocks: count(0, 10000),
    pooled_dim: count(0, 1e6),
    guidance_embed: { type: 'boolean' },
    context_pre_only_last: { type: 'boolean' },
    position_table: count(0, 1e8),
    qk_norm: { enum: ['none', 'rmsnorm', 'rmsnorm_across_heads'] },
    cross_norm: { type: 'boolean' },
    frame_aspect: count(0.1, 10, false),
  },
};

const vae = {
  type: 'object',
  additionalProperties: false,
  // base_channels and channel_mult are required unless the VAE is a composite of `components` (normalize-model.ts)
  required: ['id', 'family', 'sources'],
  properties: {
    ...modelCommon,
    dims: { enum: [2, 3] },
    in_channels: count(1, 100000),
    base_channels: count(1, 100000),
    channel_mult: { type: 'array', minItems: 1, maxItems: 16, items: { type: 'number', minimum: 1, maximum: 64, multipleOf: 1 } },
    res_blocks: count(1, 64),
    z_channels: count(1, 100000),
    mid_attention: { type: 'boolean' },
    temporal_downsample: count(1, 1024),
    spatial_downsample: count(1, 1024),
    layout: { enum: ['ldm', 'magvit', 'wan', 'cogvideox'] },
    quant_conv: { type: 'boolean' },
    components: { type: 'array', minItems: 1, items: { type: 'string' } },
  },
};

const pipeline = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'family', 'stages', 'sources'],
  properties: {
    ...modelCommon,
    stages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['model', 'runs'],
        properties: {
          model: { type: 'string' },
          runs: { enum: ['once', 'per_step', 'per_token', 'per_window', 'per_image'] },
          role: { type: 'string' },
          tokens: count(0, 1e8),
          tokens_per_second: count(0, 1e6, false),
          tokens_per_image: count(0, 1e7),
          count: count(0, 1e6),
          dtype: { enum: ['fp32', 'bf16', 'fp16'] },
        },
      },
    },
    // what a request takes when its flag is not given: the flags' own ranges (src/sim/request.ts INT_MAX)
    defaults: {
      type: 'object',
      additionalProperties: { type: 'number', minimum: 0, maximum: 1e9 },
      properties: {
        steps: { type: 'integer', minimum: 1, maximum: 1e5 },
        resolution: { type: 'integer', minimum: 1, maximum: 65536 },
        frames: { type: 'integer', minimum: 1, maximum: 1e5 },
        audio_seconds: { type: 'number', minimum: 0, maximum: 1e6 },
        images: { type: 'integer', minimum: 0, maximum: 1e4 },
        cfg: { enum: [0, 1] },
      },
    },
    assumptions: { type: 'array', items: { type: 'string' } },
  },
};

export const modelSchemas: Record<string, object> = {
  decoder,
  'encoder-decoder': encoderDecoder,
  encoder,
  dit,
  vae,
  pipeline,
};

/** The `x-range` [min, max] (SI) of the quantity at `path` in a schema, if it states one. */
export function rangeAt(schema: any, path: (string | number)[]): [number, number] | undefined {
  let s = schema;
  for (const p of path) {
    if (!s) return undefined;
    s = s.properties?.[p] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
  }
  return s?.['x-range'];
}

/**
 * Whether `v` lies in an x-range. A range from 0 takes 0 or at least max × 1e-15 (fifteen orders of magnitude):
 * a denormal such as 1e-320 USD/h or 5e-324 s is a typing accident, and it made costs of 1e-308 USD per
 * million tokens (fuzz round 5).
 */
export function inRange(v: number, range: [number, number]): boolean {
  const [min, max] = range;
  return v >= min && v <= max && (min > 0 || v === 0 || v >= max * 1e-15);
}
/** An x-range for messages: "between 1 MB and 10 PB", "0 or between 1 µUSD and 1 GUSD". */
export function rangeText(range: [number, number], unit: string): string {
  const [min, max] = range;
  return min > 0 ? `between ${siText(min, unit)} and ${siText(max, unit)}` : `0 or between ${siText(max * 1e-15, unit)} and ${siText(max, unit)}`;
}

/** A quantity in SI units, for messages: 1e6 B/s → "1 MB/s". */
export function siText(v: number, unit: string): string {
  if (v === 0) return `0 ${unit}`;
  const prefixes: [number, string][] = [[1e18, 'E'], [1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, ''], [1e-3, 'm'], [1e-6, 'µ'], [1e-9, 'n'], [1e-12, 'p'], [1e-15, 'f']];
  const [f, p] = prefixes.find(([f]) => Math.abs(v) >= f) ?? prefixes[prefixes.length - 1]!;
  return `${Number((v / f).toPrecision(3))} ${p}${unit}`;
}

// A runtime (runtimes/*.yaml): how the software drives the chip. Every block that sets a number carries its own
// `source:` (checked in normalize-runtime.ts); `by_vendor:` / `by_architecture:` / `by_hardware:` hold the same blocks, overriding.
const fraction01 = { type: 'number', minimum: 0, maximum: 1 };
const src = { type: 'string' };
// a runtime's times are those of a step, a kernel or an op: at most 10 s each (OVERHEAD, as the hardware's), its rates
// those of a device (PEAK; a tiled GEMM's in bytes, BW), its memory a device's (BYTES)
// captured decode-graph batch sizes (launch.graph_batch_sizes, launch.decode_capture.sizes): ascending sequences per rank
const GRAPH_SIZES = { type: 'array', minItems: 1, maxItems: 512, items: { type: 'integer', minimum: 1, maximum: 100000 } } as const;

// launch.eager: what an op costs the host with the graphs off (below)
const EAGER_COSTS = { type: 'object', additionalProperties: false, properties: { per_kernel: OVERHEAD, per_kernel_by_kind: PER_KERNEL_BY_KIND } };

// an elementwise chain as the model's Python runs it, op by op (runtime kernels.rmsnorm / rope / swiglu / gelu): kernels
// per call and bytes per element of the op's width
const EAGER_CHAIN = {
  type: 'object',
  additionalProperties: false,
  required: ['kernels', 'bytes_per_element'],
  properties: { kernels: posInt, bytes_per_element: { type: 'number', minimum: 0, maximum: 1e4 } },
} as const;

const runtimeBlocks = {
  // serve's front end, the API-server process (src/serve/frontend.ts): time per request taken in, per output token
  // streamed, and the API servers sharing it; shared_with_engine: the API server runs in the engine's own process
  frontend: {
    type: 'object',
    additionalProperties: false,
    properties: { per_request: OVERHEAD, per_output_token: OVERHEAD, processes: { type: 'integer', minimum: 1, maximum: 1024 }, shared_with_engine: { type: 'boolean' }, source: src },
  },
  host: {
    type: 'object',
    additionalProperties: false,
    properties: {
      step_overhead: OVERHEAD,
      per_sequence: OVERHEAD,
      // a CPU sampler's time per vocabulary entry, per sequence per iteration (src/runtime/host.ts)
      sampling_per_vocab_entry: OVERHEAD,
      // the device's idle time per decode step of a non-MLA model while the attention backend's plan reads its
      // indices back to the host (src/runtime/host.ts decodePlanSyncSeconds)
      decode_plan_sync: OVERHEAD,
      overlap: { type: 'boolean' },
      // the loop reads nothing back from the device between steps: a step's whole host time runs behind its device
      // work (src/runtime/host.ts hostStepSeconds)
      runs_ahead: { type: 'boolean' },
      // remote calls to the workers every step (src/runtime/host.ts workerRpcSeconds)
      worker_rpc: {
        type: 'object',
        additionalProperties: false,
        required: ['round_trip', 'per_worker'],
        // which workers a step calls: every device's (tp x pp, the default: vLLM 0.2's Ray actors) or the tensor-parallel
        // group's (tp: V0's input broadcast runs on the TP group, so a step at tp 1 pays none whatever its pp)
        properties: { round_trip: OVERHEAD, per_worker: OVERHEAD, group: { enum: ['devices', 'tp'] } },
      },
      decode_step: {
        type: 'object',
        additionalProperties: false,
        required: ['per_layer', 'per_step', 'sync'],
        properties: {
          per_layer: OVERHEAD,
          per_step: OVERHEAD,
          sync: { enum: ['step', 'none'] },
          cpu: src,
          // the host time of other decoder layers, keyed by the layer's code (src/runtime/launch.ts decoderHostArch)
          by_layer: {
            type: 'object',
            propertyNames: { enum: [...DECODER_HOST_ARCHS] },
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['per_layer', 'per_step'],
              properties: { per_layer: OVERHEAD, per_step: OVERHEAD },
            },
          },
        },
      },
      encoder_forward: {
        type: 'object',
        additionalProperties: false,
        required: ['per_layer', 'per_forward'],
        properties: { per_layer: OVERHEAD, per_forward: OVERHEAD },
      },
      timestamps_per_sequence: OVERHEAD,
      beam_reorder_per_cache: OVERHEAD,
      audio_decode: OVERHEAD,
      log_mel: OVERHEAD,
      vad: OVERHEAD,
      sample_per_beam_step: OVERHEAD,
      // a MoE block that loops over its experts in Python in an eager forward: host time per loop iteration, over
      // every expert of the layer or the experts the pass's tokens hit (src/sim/moe-expert-loop.ts)
      moe_expert_loop: {
        type: 'object',
        additionalProperties: false,
        required: ['per_expert', 'experts'],
        properties: { per_expert: OVERHEAD, experts: { enum: ['all', 'hit'] } },
      },
      source: src,
    },
  },
  launch: {
    type: 'object',
    additionalProperties: false,
    properties: {
      per_kernel: OVERHEAD,
      // an op of one kernel dispatched by eager framework code costs the host by its kind (a module's Linear more than a
      // tensor add); ops of several kernels, and kinds not named, pay per_kernel per kernel. A collective handed to the
      // collective library is keyed by its collective kind (src/runtime/launch.ts collectiveLaunchS)
      per_kernel_by_kind: PER_KERNEL_BY_KIND,
      // the host's dispatch per op when a run turns the runtime's graphs off (`--set runtime.graphs=none`: vLLM
      // --enforce-eager, SGLang --disable-cuda-graph), where per_kernel is the runtime's cost with graphs on (a launch
      // between replayed pieces); absent: per_kernel / per_kernel_by_kind stand (src/runtime/override.ts eagerLaunch). A
      // file states its per_kernel (its own or, through extends, its parent's); a by_vendor / by_architecture /
      // by_hardware block may name kinds alone, laid over the file's eager block field by field
      eager: { ...EAGER_COSTS, required: ['per_kernel'] },
      graphs: { enum: [...GRAPH_CAPTURES] },
      // what the captured phases replay: command_buffers (kernels recorded by the host each step into command buffers:
      // ggml-vulkan, ggml-metal, MLX); absent: device graphs (CUDA / HIP graphs, static NPU graphs)
      capture: { enum: [...LAUNCH_CAPTURES] },
      // ops of a decoder pass the host dispatches in every step, graphs or not: they run after the replayed forward, outside
      // the captured region (vLLM's compute_logits: the output head and the logits' all-gather; src/runtime/launch.ts
      // launchFloorForOpS)
      outside_graph: { type: 'array', minItems: 1, maxItems: 16, uniqueItems: true, items: { enum: [...DECODER_GRAPH_OPS] } },
      // how a step that carries prompt tokens (a prefill, a decode step with prompts beside) launches under graphs decode /
      // piecewise: eager (the default), piecewise or full (src/runtime/launch.ts launchMode)
      prompt_steps: { enum: ['eager', 'piecewise', 'full'] },
      device_gap: { type: 'boolean' },
      // device time of a pointwise kernel replayed from a captured graph (decode steps under graphs decode / all / piecewise),
      // in place of the hardware's per-kernel gap for pointwise ops (src/runtime/launch.ts graphGapS)
      graph_gap: OVERHEAD,
      // the host's cost of each attention split point of a piecewise-replayed step (the eager attention op's call and the
      // next captured piece's replay: vLLM's PIECEWISE graphs); not in eager phases (src/runtime/launch.ts
      // launchFloorForOpS); absent: per_kernel_by_kind.attention / per_kernel
      split_point: OVERHEAD,
      // batch sizes of the captured decode graphs with padding on (sequences per rank, ascending; src/sim/graph-padding.ts)
      graph_batch_sizes: GRAPH_SIZES,
      // the longest context (tokens) a captured decode graph serves; a decode step with a longer sequence runs eagerly
      // (vLLM V0's max_seq_len_to_capture; src/sim/graph-padding.ts)
      capture_max_context: posInt,
      // the engine's own decode-graph capture (SGLang: cuda_graph_bs up to cuda_graph_max_bs), replayed by serve: the sizes
      // it captures, the largest by tp (from tp k) and by device memory (the first class the device is below)
      decode_capture: {
        type: 'object',
        additionalProperties: false,
        required: ['sizes', 'max_batch'],
        properties: {
          sizes: GRAPH_SIZES,
          max_batch: posInt,
          by_tp: { type: 'object', additionalProperties: false, patternProperties: { '^[1-9][0-9]{0,3}$': posInt } },
          below_memory: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['memory', 'max_batch'],
              properties: { memory: BYTES, max_batch: posInt, by_tp: { type: 'object', additionalProperties: false, patternProperties: { '^[1-9][0-9]{0,3}$': posInt } } },
            },
          },
        },
      },
      source: src,
    },
  },
  // ops of a decoder pass run as one kernel (src/sim/fusion.ts): each group names graph ops in execution order, the
  // [tokens, hidden] activation passes the fused kernel keeps on chip, and the layouts / models the fusion holds for
  fusion: {
    type: 'object',
    additionalProperties: false,
    properties: {
      groups: {
        type: 'array',
        maxItems: 32,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['ops'],
          properties: {
            ops: { type: 'array', minItems: 2, maxItems: 16, uniqueItems: true, items: { enum: [...DECODER_GRAPH_OPS] } },
            on_chip: { type: 'integer', minimum: 0, maximum: 16 },
            when: {
              type: 'object',
              additionalProperties: false,
              properties: {
                min_tp: posInt,
                attention_dp: { type: 'boolean' },
                max_pp: posInt,
                moe: { type: 'boolean' },
                layer: { enum: [...DECODER_HOST_ARCHS] },
                hidden_above: { type: 'integer', minimum: 0, maximum: 1e7 },
                // whether the pass's grouped expert GEMMs are MXFP4 (gpt-oss run as fp4): a MoE kernel fusing by weight format
                mxfp4_experts: { type: 'boolean' },
              },
            },
          },
        },
      },
      source: src,
    },
  },
  memory: {
    type: 'object',
    additionalProperties: false,
    properties: {
      share: fraction01,
      // the engine's default share by tensor-parallel size (SGLang's mem_fraction_static: 0.88 at tp 1 … 0.79 at tp 16):
      // keys are the smallest tp each share applies from
      share_by_tp: { type: 'object', additionalProperties: false, patternProperties: { '^[1-9][0-9]{0,3}$': fraction01 } },
      basis: { enum: ['free', 'device', 'startup'] },
      // the share from the engine's own rule for the device (sglang: mem_fraction_static by device memory and tp)
      share_rule: { enum: ['fixed', 'sglang'] },
      reserve: qty(0, 1e16),
      // the reserve by tensor-parallel size: keys are the smallest tp each reserve applies from
      reserve_by_tp: { type: 'object', additionalProperties: false, patternProperties: { '^[1-9][0-9]{0,3}$': qty(0, 1e16) } },
      unified_share: fraction01,
      // per-slot buffers allocated before the KV cache is sized (bytes per slot per max-sequence token / per vocab entry)
      slot: {
        type: 'object',
        additionalProperties: false,
        required: ['per_seq_token', 'per_vocab'],
        properties: { per_seq_token: { type: 'number', minimum: 0, maximum: 1e6 }, per_vocab: { type: 'number', minimum: 0, maximum: 1e3 } },
      },
      source: src,
    },
  },
  scheduler: {
    type: 'object',
    additionalProperties: false,
    properties: {
      max_num_seqs: posInt,
      max_num_batched_tokens: posInt,
      // a single sequence's prompt in passes of at most this many tokens (llama.cpp n_ubatch, MLX prefill_step_size)
      ubatch: posInt,
      // pp > 1: ubatches in flight across the pipeline stages at once (ggml GGML_SCHED_MAX_COPIES); absent: one
      pipeline_copies: posInt,
      // pp > 1: the MoE GEMM blocks the host on its device every call (ggml-cuda MUL_MAT_ID before llama.cpp PR #15525),
      // so a MoE model's ubatches cannot overlap across the stages: pipeline_copies applies to dense models only
      moe_host_sync: { type: 'boolean' },
      bench_max_num_seqs: posInt,
      chunked_prefill: { type: 'boolean' },
      batching: { enum: [...BATCHINGS] },
      admission: { enum: [...ADMISSIONS] },
      audio_windows: { enum: ['batched', 'sequential'] },
      // Whisper: encoder frames an in-flight executor admits per iteration (TensorRT-LLM: the encoder engine's own
      // max_num_tokens), or max_num_batched_tokens where the engine sizes its encoder budget from the step's (vLLM's
      // max_num_encoder_input_tokens); absent: no cap, a pass's windows are encoded together (src/sim/whisper.ts)
      encoder_max_num_tokens: { oneOf: [posInt, { const: 'max_num_batched_tokens' }] },
      // Whisper long-form (src/sim/whisper.ts): windows encoded and decoded together per pass (the ASR pipeline's
      // batch_size), the hop between window starts (the pipeline's chunk stride), the previous window's text as the
      // next window's prompt, and the decoder's beam search
      audio_batch: posInt,
      audio_window_step: qty(0.001, 1e6),
      condition_on_previous_text: { type: 'boolean' },
      timestamps: { type: 'boolean' },
      // a voice-activity pass over the recording before the first window (faster-whisper vad_filter), at host.vad
      vad: { type: 'boolean' },
      // the host log-mel (host.log_mel) computed in a front-end process while the engine core runs the requests already
      // handed to it (vLLM V1's LLM / AsyncLLM with the engine core in its own process), not before the first step
      // (src/sim/whisper.ts); absent: serial with the device
      log_mel_overlap: { type: 'boolean' },
      beam_size: { type: 'integer', minimum: 1, maximum: 64 },
      beam_cross_kv: { enum: ['shared', 'broadcast', 'per_beam'] },
      beam_reorder: { enum: ['none', 'self', 'all'] },
      beam_prompt: { enum: ['once', 'per_beam'] },
      // the engine's defaults on devices with less memory than `memory`; a list gives several classes (SGLang's
      // chunked_prefill_size by memory tier): a device takes the first class, by memory, whose threshold it is below
      below_memory: {
        oneOf: [
          { type: 'object', additionalProperties: false, required: ['memory'], properties: { memory: BYTES, max_num_seqs: posInt, max_num_batched_tokens: posInt } },
          {
            type: 'array',
            minItems: 1,
            items: { type: 'object', additionalProperties: false, required: ['memory'], properties: { memory: BYTES, max_num_seqs: posInt, max_num_batched_tokens: posInt } },
          },
        ],
      },
      // the engine's defaults for a model whose max_model_len is longer than `above` tokens (vLLM V0: chunked prefill)
      long_context: {
        type: 'object',
        additionalProperties: false,
        required: ['above'],
        properties: { above: posInt, chunked_prefill: { type: 'boolean' }, max_num_batched_tokens: posInt },
      },
      // without chunked prefill the tokens per step are at least max_model_len (vLLM V0 SchedulerConfig)
      unchunked_covers_context: { type: 'boolean' },
      // an MLA model runs without chunked prefill, tokens per step max(max_model_len, 2048) (vLLM 0.7 V0)
      mla_unchunked: { type: 'boolean' },
      // decodes share the iterations that run prefill chunks (absent: true); false: prefill-only iterations first (SGLang)
      mixed_batches: { type: 'boolean' },
      // under attention data parallelism each rank schedules its own prefill chunks from max_num_batched_tokens / tp
      // (SGLang: chunked_prefill_size // dp_size per DP rank's scheduler); absent: one scheduler for the replica
      dp_rank_chunks: { oneOf: [{ type: 'boolean' }, { type: 'integer', minimum: 1, maximum: 64 }] },
      // SGLang under --enable-dp-attention: schedule_conservativeness multiplied by this (server_args.py), so the new-token
      // ratio of its admission estimate starts at 0.7 x this (src/serve/new-token-ratio.ts); absent: 1
      dp_conservativeness: { type: 'number', exclusiveMinimum: 0, maximum: 10 },
      // requests in flight from the KV pool (SGLang's ModelRunner: max_num_reqs = min(max(pool tokens / context_len x
      // per_context, min), max_num_seqs), then at most half the pool's tokens): src/sim/pool-seqs.ts; absent: max_num_seqs
      pool_seqs: {
        type: 'object',
        additionalProperties: false,
        required: ['per_context', 'min'],
        properties: { per_context: posInt, min: posInt },
      },
      // without chunked prefill, an iteration that schedules prompts runs them alone and the decodes wait (vLLM V0
      // Scheduler._schedule_default: "Don't schedule decodes if prefills are scheduled"); with chunked prefill it mixes
      unchunked_prefill_first: { type: 'boolean' },
      // the engine composes the next batch while the current one runs (SGLang's overlap scheduler, vLLM's async
      // scheduling, TensorRT-LLM's overlap scheduler): a batch admits the requests queued when the one before it began
      overlap_schedule: { type: 'boolean' },
      // decode steps per scheduling (vLLM V0's num_scheduler_steps): the per-sequence host work of a decode-only step
      // runs once per this many steps (src/runtime/host.ts); absent: 1
      steps: { type: 'integer', minimum: 1, maximum: 1024 },
      source: src,
    },
  },
  overlap: {
    type: 'object',
    additionalProperties: false,
    properties: { tp_comm: fraction01, tp_comm_prefetch: fraction01, fsdp_prefetch: fraction01, dp_grad: fraction01, ep_two_batch: fraction01, source: src },
  },
  shapes: { type: 'object', additionalProperties: false, properties: { static_context: posInt, static_request: { type: 'boolean' }, source: src } },
  // the KV-cache element type when --kv-cache is not given: auto (the model's 16-bit dtype), checkpoint (the
  // quantization scheme's cache), or one dtype (src/runtime/kv-cache.ts)
  kv_cache: { type: 'object', additionalProperties: false, properties: { default_dtype: { enum: ['auto', 'checkpoint', 'fp8', 'bf16', 'fp16'] }, source: src } },
  training: {
    type: 'object',
    additionalProperties: false,
    properties: {
      selective: { enum: ['modules', 'op'] },
      reduce_dtype: { enum: ['fp32', 'bf16'] },
      elementwise: { enum: ['eager', 'fused'] },
      sequence_parallel: { type: 'boolean' },
      fp8_quantize_bytes: { type: 'number', exclusiveMinimum: 0, maximum: 16 },
      fp8_backward_rescale_bytes: { type: 'number', minimum: 0, maximum: 16 },
      param_cast_bytes: { type: 'number', minimum: 0, maximum: 64 },
      fp8_weight_cast: { enum: ['per_step'] },
      moe_capacity_factor: { type: 'number', exclusiveMinimum: 0, maximum: 64 },
      ep_dispatch: { enum: ['fp8', 'bf16'] },
      ep_dispatcher: { enum: ['alltoall', 'node_aware'] },
      expert_tp: { enum: ['tp', 1] },
      fp8_accumulate: { enum: ['fast', 'split_backward'] },
      host_cpu_scale: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
      fsdp_gather_dtype: { enum: ['fp8', 'bf16'] },
      fsdp_layout: { enum: ['per_parameter', 'flat'] },
      fsdp_scope: { enum: ['scale_up', 'all'] },
      fsdp_reshard: { enum: ['step', 'pipeline', 'micro_batch'] },
      gemm_dtypes: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['bf16', 'fp8', 'int8'] } },
      pp_split: { enum: ['even', 'balanced'] },
      pp_warmup_flush_p2p: { enum: ['blocking', 'overlapped'] },
      grad_buffer_passes: { type: 'number', minimum: 0, maximum: 16 },
      average_in_collective: { type: 'boolean' },
      pipeline_schedules: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...PIPELINE_SCHEDULES] } },
      default_schedule: { enum: [...PIPELINE_SCHEDULES] },
      optimizer_bytes: { type: 'number', exclusiveMinimum: 0, maximum: 1024 },
      optimizer_state_bytes: { type: 'number', exclusiveMinimum: 0, maximum: 64 },
      loss_forward_bytes: { type: 'number', exclusiveMinimum: 0, maximum: 256 },
      loss_backward_bytes: { type: 'number', exclusiveMinimum: 0, maximum: 256 },
      moe_host: {
        type: 'object',
        additionalProperties: false,
        required: ['syncs_fwd', 'per_op', 'ops_fwd', 'ops_bwd', 'expert_kernels_fwd', 'expert_kernels_bwd'],
        properties: {
          syncs_fwd: nonNegInt,
          per_op: OVERHEAD,
          ops_fwd: nonNegInt,
          ops_bwd: nonNegInt,
          ops_after_sync: nonNegInt,
          expert_kernels_fwd: nonNegInt,
          expert_kernels_bwd: nonNegInt,
          expert_gemm: OVERHEAD,
          expert_gemm_fwd: OVERHEAD,
          fp8_expert_kernels_fwd: nonNegInt,
          fp8_expert_kernels_bwd: nonNegInt,
          router: { enum: ['topk', 'noaux_tc'] },
        },
      },
      expert_loop: {
        type: 'object',
        additionalProperties: false,
        required: ['expert_fwd', 'expert_kernels_bwd'],
        properties: {
          expert_fwd: OVERHEAD,
          expert_kernels_bwd: nonNegInt,
          zero3_ops_fwd: nonNegInt,
          zero3_ops_bwd: nonNegInt,
        },
      },
      zero3_gather: { enum: ['module', 'bucket'] },
      zero3_moe_leaf: { type: 'boolean' },
      zero3_rank_kernels: nonNegInt,
      zero_overlap_comm: { enum: ['stage3', 'on', 'off'] },
      zero_param_gather: { enum: ['step', 'streamed'] },
      zero2_reduce: { enum: ['micro_batch', 'step'] },
      source: src,
    },
  },
  kernels: {
    type: 'object',
    additionalProperties: false,
    properties: {
      gguf: { enum: ['mmq', 'dequant'] },
      fp8_fallback: { enum: ['weight-only', 'none'] },
      gemv_max_rows: { type: 'integer', minimum: 0, maximum: 1024 },
      gemm_accumulate: { enum: ['fp16', 'fp32'] },
      int8_gemm: { enum: ['matrix', 'vector'] },
      moe_min_tile_rows: { type: 'integer', minimum: 1, maximum: 1024 },
      mma_tile_rows: { type: 'integer', minimum: 1, maximum: 1024 },
      dense_tile_rows: { type: 'integer', minimum: 1, maximum: 1024 },
      group_tile_from_tokens: { type: 'integer', minimum: 1, maximum: 1024 },
      group_gemv_max_tokens: { type: 'integer', minimum: 0, maximum: 1024 },
      kernel_choice: { enum: ['fastest', 'threshold'] },
      attention_mask_scan: { type: 'integer', minimum: 1, maximum: 1048576 },
      attention_stream_k: { type: 'boolean' },
      attention_quantized_query: { type: 'boolean' },
      local_cache_ubatch: { type: 'boolean' },
      kv_per_query_head: { type: 'boolean' },
      mixed_decode_tile_rows: { type: 'integer', minimum: 0, maximum: 1024 },
      decode_kv_block: posInt,
      sink_attention_rate: PEAK,
      prompt_attention_rate: PEAK,
      prompt_attention_head_kernels: { type: 'integer', minimum: 0, maximum: 64 },
      gguf_flop_per_unit_clock: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1e6 },
      gguf_group_flop_per_unit_clock: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1e6 },
      decode_attention_flop_per_unit_clock: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1e6 },
      gguf_rate: PEAK,
      // the MMQ kernel's measured rate by GEMM FLOP over its gguf_rate shape's, or 'class' (src/sim/gguf-shape.ts)
      gguf_shape: { oneOf: [fractionTable('flops', 1e15), { const: 'class' }] },
      gemv_rate: PEAK,
      gemm_rate: PEAK,
      gemm_fixed: OVERHEAD,
      // least device time of one decode-attention call over MLA's latent cache (split-KV stage and reduce together)
      mla_decode_fixed: OVERHEAD,
      // small kernels the runtime's absorbed MLA decode launches per layer beyond the graph's ops (latent norms, rope,
      // cache write, the absorbed BMMs' input casts, concatenations), each at the part's per-kernel cost
      mla_decode_kernels: { type: 'integer', minimum: 0, maximum: 64 },
      // the fraction of the part's HBM bandwidth the runtime's MLA decode kernel streams the latent cache at, 16-bit and
      // 8-bit caches (measured: src/sim/roofline.ts memoryEfficiency)
      mla_decode_memory: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 },
      mla_decode_memory_kv8: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 },
      // kernels of the rotary embedding of q and k per attention layer, launched apart from the attention call (a `rope`
      // op), and of the paged KV-cache write beside the attention kernel (a `kv_write` op; none where a measured attention
      // call holds it), src/sim/layer-kernels.ts; models with per-head K/V only (MLA: mla_decode_kernels)
      rope_kernels: { type: 'integer', minimum: 0, maximum: 8 },
      kv_write_kernels: { type: 'integer', minimum: 0, maximum: 8 },
      // per-tensor FP8 linears fed a 16-bit norm output quantize it in a kernel of their own (an `input_quant` op before
      // qkv_proj, a dense ffn_up and the MoE experts' input, src/sim/layer-kernels.ts)
      fp8_input_quant: { type: 'boolean' },
      moe_ep_all_rows: { type: 'boolean' },
      // models (id prefixes) whose MoE blocks the runtime runs over every expert and token (src/sim/moe-dense-experts.ts)
      moe_dense_models: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      // rows up to which the runtime's own skinny GEMM kernel takes a dense GEMM of that compute dtype (gemm_fixed above only)
      skinny_gemm_rows: { type: 'object', additionalProperties: false, properties: Object.fromEntries(['bf16', 'fp16', 'fp8', 'fp4', 'int8'].map((k) => [k, { type: 'integer', minimum: 0, maximum: 1024 }])) },
      mla: { enum: ['absorbed', 'expanded'] },
      mla_prefill: { enum: ['absorbed', 'expanded'] },
      mla_fused_a: { type: 'boolean' },
      // the expert all-to-all of a step with no extend tokens: DeepEP's low-latency kernels (src/sim/deepep-low-latency.ts)
      moe_a2a_decode: { enum: ['deepep_low_latency'] },
      // false: not fused (a release that extends one which fuses)
      moe_shared_fused: {
        oneOf: [
          { const: false },
          {
            type: 'object',
            additionalProperties: false,
            required: ['routed_experts', 'shared_experts'],
            properties: { routed_experts: { type: 'integer', minimum: 1, maximum: 65536 }, shared_experts: { type: 'integer', minimum: 1, maximum: 64 } },
          },
        ],
      },
      // attention DP's MoE as a gather (SGLang without DeepEP): the collectives before and after it; absent: all-to-all;
      // false: all-to-all in a file that extends a gathering one (SGLang with DeepEP)
      attention_dp_moe: {
        oneOf: [
          { const: false },
          {
            type: 'object',
            additionalProperties: false,
            required: ['gather', 'combine'],
            properties: {
              gather: { enum: ['allreduce', 'allgather'] },
              combine: { enum: ['allreduce', 'reducescatter'] },
              // the pair a step without extend tokens runs (SGLang DpPaddingMode.MAX_LEN); absent: gather / combine
              decode: {
                type: 'object',
                additionalProperties: false,
                required: ['gather', 'combine'],
                properties: { gather: { enum: ['allreduce', 'allgather'] }, combine: { enum: ['allreduce', 'reducescatter'] } },
              },
            },
          },
        ],
      },
      fp8_block_efficiency: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 },
      fp8_block_moe_efficiency: moeEfficiency,
      // the runtime's grouped per-tensor-scaled fp8 MoE kernel (src/sim/kernel-caps.ts), in the same forms
      fp8_moe_efficiency: moeEfficiency,
      fp8_tensor_efficiency: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 },
      // one fraction, or a table by one local expert's GEMM MACs (src/sim/kernel-caps.ts fp4MoeCap)
      fp4_moe_efficiency: moeEfficiency,
      weight_only_moe_efficiency: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 },
      // the cap of the fused Marlin MoE where a run chose it over the runtime's default weight-only MoE kernel
      // (--set runtime.weight_only_moe=marlin; src/sim/kernel-caps.ts)
      marlin_moe_efficiency: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 },
      // the weight-only MoE kernel a release runs by default: 'marlin' where it has no other (vLLM before v0.12 on Hopper)
      weight_only_moe_kernel: { enum: [...WEIGHT_ONLY_MOE_KERNELS] },
      // the activation dtype the runtime's MoE kernel multiplies MXFP4 expert weights with where the part has FP4 matrix
      // units (src/sim/peaks.ts mxfp4MoeDtype)
      mxfp4_moe_activations: { enum: ['bf16', 'fp8', 'fp4'] },
      // W4A16 dense GEMMs (src/sim/w4a16-gemm.ts): split-K partial outputs summed by a kernel of their own; from this many
      // tokens up, dequantize to fp16 then a BLAS GEMM (null: the release has no such path); the fused MLP's gate/up
      // projections call the split-K kernel directly
      w4a16_split_k: { type: 'integer', minimum: 1, maximum: 64 },
      // that split-K kernel's measured FLOP per SM per clock over 16-row M tiles (a floor on its compute time): one rate,
      // or a table by the GEMM's count of 16-row tiles (interpolated in log(tiles), held at both ends)
      w4a16_split_k_flop_per_unit_clock: {
        oneOf: [
          { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1e6 },
          {
            type: 'object',
            additionalProperties: false,
            required: ['tiles', 'values'],
            properties: {
              tiles: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'integer', minimum: 1, maximum: 1e8 } },
              values: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1e6 } },
            },
          },
        ],
      },
      w4a16_fp16_from_tokens: { type: ['integer', 'null'], minimum: 1, maximum: 1048576 },
      w4a16_fused_mlp: { type: 'boolean' },
      // a weight-only int4 GEMM kernel timed by rows (src/sim/w4a16-gemm.ts w4a16Stream): the fraction of peak DRAM
      // bandwidth its int4 weights stream at, and its fixed seconds per call, at each row count
      w4a16_stream: {
        type: 'object',
        additionalProperties: false,
        required: ['rows', 'bandwidth', 'fixed_seconds'],
        properties: {
          rows: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'integer', minimum: 1, maximum: 1e8 } },
          bandwidth: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 } },
          fixed_seconds: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'number', minimum: 0, maximum: 1 } },
        },
      },
      // a decoder's prompt attention written out in Python ops (src/sim/written-prefill-attention.ts)
      prefill_scores: {
        type: 'object',
        additionalProperties: false,
        required: ['bytes_per_score', 'kernels'],
        properties: { bytes_per_score: { type: 'number', minimum: 0, maximum: 1e4 }, kernels: { type: 'integer', minimum: 1, maximum: 64 }, decode_bytes_per_score: { type: 'number', minimum: 0, maximum: 1e4 } },
      },
      // the runtime's measured attention kernels (src/sim/roofline.ts): prefill by prompt length per attention dtype,
      // decode as a fixed time per call + a time per sequence × KV head + a fraction of peak bandwidth per cache width
      prefill_attention: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(['fp8', 'bf16'].map((d) => [d, fractionTable('lengths', 1e8)])),
      },
      decode_attention: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(['kv8', 'kv16'].map((w) => [w, {
          type: 'object',
          additionalProperties: false,
          required: ['fixed', 'per_sequence_head', 'bandwidth'],
          properties: { fixed: OVERHEAD, per_sequence_head: OVERHEAD, bandwidth: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 } },
        }])),
      },
      weight_only_moe_fixed: OVERHEAD,
      // int4 experts launched one kernel per local expert (true: every MoE layer; up_to_experts: only layers of at most
      // that many local experts); false turns an inherited one off
      int4_moe_per_expert: {
        oneOf: [
          { type: 'object', additionalProperties: false, required: ['up_to_experts'], properties: { up_to_experts: { type: 'integer', minimum: 1 } } },
          { type: 'boolean' },
        ],
      },
      // bits per weight (scales included) the runtime's own quantizer stores for a --weights scheme, in place of the
      // scheme table's (src/model/quant.ts): the transformer linears, and the LM head (src/model/quant.ts applyRuntimeBits)
      quantized_weight_bits: QUANTIZED_BITS,
      quantized_head_bits: QUANTIZED_BITS,
      // strip-per-CTA GEMM kernels (src/sim/kernel-physics.ts tiledStreamS); a by_vendor / by_architecture / by_hardware
      // block lays the keys it states over the block below (src/runtime/override.ts mergeTiledGemm), so its rate may be
      // left to that block (src/spec/normalize-runtime.ts tiledGemmRates: the top level's may not)
      tiled_gemm: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...STRIP_KERNEL,
          moe: { type: 'boolean' },
          fp8_block: { type: 'boolean' },
          // block-FP8 grouped expert GEMMs that run another kernel than the rest (its own per-CTA rate and strip width);
          // false: a kernel that does not stream one strip per CTA (FlashInfer's TRT-LLM fused MoE), priced as a library GEMM
          block_fp8_moe: STRIP_KERNEL_OR_FALSE,
          // block-FP8 linear (dense, not grouped) GEMMs that run another kernel than the rest: its own per-CTA rate and
          // strip width, and the call's fixed time under graph replay (SGLang 0.5.x's DeepGEMM on SM90 / SM100); false:
          // they run the strip kernel of tiled_gemm's own rate (a file restating what its parent changed)
          block_fp8_linear: {
            oneOf: [
              {
                type: 'object',
                additionalProperties: false,
                required: ['rate'],
                properties: { ...STRIP_KERNEL, fixed: OVERHEAD },
              },
              { const: false },
            ],
          },
          // narrow-float experts run weight-only through the runtime's default weight-only MoE kernel (not Marlin); xcds:
          // the strip width follows the grid as triton_kernels matmul_ogs picks block_n on CDNA (src/sim/kernel-physics.ts
          // gridStripWidth, tile_n its largest); false: none (a block whose narrow-float experts run another kernel)
          weight_only_moe: {
            oneOf: [
              { type: 'object', additionalProperties: false, required: ['rate'], properties: { ...STRIP_KERNEL, xcds: { type: 'integer', minimum: 1, maximum: 64 } } },
              { const: false },
            ],
          },
          // int4 (AWQ / GPTQ) experts through the runtime's fused Marlin MoE (vLLM's and SGLang's on Hopper): its per-SM
          // rate and strip width, and the fraction of the 16-bit peak it reaches at prompt sizes (a cap); false: the
          // release ran another int4 MoE kernel (a file restating what its parent changed)
          int4_moe: {
            oneOf: [
              { type: 'object', additionalProperties: false, required: ['rate'], properties: { ...STRIP_KERNEL, efficiency: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 } } },
              { const: false },
            ],
          },
        },
      },
      kernel_cycles: { type: 'number', exclusiveMinimum: 0, maximum: 1e7 },
      kernel_time: OVERHEAD,
      // MLX's Metal command-buffer rule and the least GPU time a committed buffer takes (src/sim/command-buffers.ts)
      command_buffer: {
        type: 'object',
        additionalProperties: false,
        required: ['max_ops', 'max_mb', 'floor'],
        properties: { max_ops: { type: 'integer', minimum: 1, maximum: 100000 }, max_mb: { type: 'integer', minimum: 1, maximum: 100000 }, floor: OVERHEAD },
      },
      bias_fused_rows: { type: 'integer', minimum: 0, maximum: 1024 },
      attention_efficiency: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 },
      attention_head_dim_64: {
        type: 'object',
        additionalProperties: false,
        required: ['forward', 'backward'],
        properties: { forward: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 }, backward: { type: 'number', minimum: MIN_EFFICIENCY, maximum: 1 } },
      },
      decode_graph: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(['attn_norm', 'qkv_proj', 'q_a_proj', 'q_b_proj', 'q_proj', 'kv_a_proj', 'kv_b_proj', 'qk_norm', 'attention_decode', 'o_proj', 'ffn_norm', 'post_norms', 'ffn_up', 'ffn_act', 'ffn_down', 'residual', 'router', 'moe_topk', 'moe_sort', 'moe_permute', 'experts_up', 'experts_act', 'experts_down', 'moe_finalize', 'shared_up', 'shared_down'].map((k) => [k, { type: 'integer', minimum: 0, maximum: 64 }])),
      },
      quantize_activations: { type: 'boolean' },
      dequantize_weights: { type: 'boolean' },
      dequantize_from_tokens: { type: 'integer', minimum: 1, maximum: 65536 },
      // int8 weights of a 16-bit GEMM (weight-only int8) dequantized into a 16-bit copy by a kernel of their own before a
      // 16-bit library GEMM (DeepSpeed-Inference's quantized_gemm: launch_dequantize, then cublas_gemm_ex)
      int8_weights: { enum: ['dequant'] },
      moe: src,
      attention: src,
      gemm: src,
      attention_scores: {
        type: 'object',
        additionalProperties: false,
        required: ['bytes_per_score', 'kernels'],
        properties: { bytes_per_score: { type: 'number', minimum: 0, maximum: 1e4 }, kernels: posInt, live_bytes_per_score: { type: 'number', minimum: 0, maximum: 1e4 }, decode_kernels: posInt, head_transposes: { type: 'integer', minimum: 0, maximum: 64 }, self_split: { type: 'integer', minimum: 0, maximum: 64 } },
      },
      activation_bytes: { enum: [1, 2, 4] },
      bias: { enum: ['epilogue', 'separate', 'bias_add'] },
      gemm_convert: { type: 'boolean' },
      // eager PyTorch's NCHW convolutions through cuDNN: layout conversions around each and a separate bias add
      conv_layout: { enum: ['nchw'] },
      // projections a graph concatenates into one GEMM (Whisper's q/k/v) run as separate matmul nodes (ggml)
      split_projections: { type: 'boolean' },
      // int8 GEMMs quantize their input and dequantize their int32 output in kernels of their own (CTranslate2 Dense)
      int8_quant_kernels: { type: 'boolean' },
      // mixed precision by torch.autocast over an fp32 model: the residual stream and LayerNorms stay fp32, each Linear
      // fed by a LayerNorm casts its input down in a kernel of its own (src/sim/runtime-ops.ts)
      autocast: { type: 'boolean' },
      // the parameters are kept at this many bytes each and cast to the compute dtype in a kernel of its own at every
      // GEMM / convolution call (openai-whisper's Linear / Conv1d: self.weight.to(x.dtype) over fp32 parameters). Only
      // fp32 parameters (4) have a source; another width needs its own (the $comment is the error's fix)
      weight_cast_bytes: { enum: [4], $comment: '4 is fp32 parameters cast at every call, openai-whisper\'s weight.to(x.dtype), the one width with a source; leave the field out where the parameters are kept in the compute dtype' },
      norm_kernels: posInt,
      // how a decode step adds its K/V to the self-attention cache: written in place into a preallocated cache, or the
      // whole cache copied into a new tensor (torch.cat / CTranslate2 ops::Concat)
      kv_append: { enum: ['in_place', 'copy'] },
      kv_append_kernels: { type: 'integer', minimum: 1, maximum: 64 },
      // the cached K/V expanded to every query head (a copy) before each decode attention call (transformers' repeat_kv)
      kv_repeat: { enum: ['none', 'materialized'] },
      // fp32 GEMMs on TF32 tensor cores or in IEEE fp32 (PyTorch: torch.backends.cuda.matmul.allow_tf32 = False)
      fp32_matmul: { enum: ['tf32', 'ieee'] },
      rmsnorm: EAGER_CHAIN,
      rope: EAGER_CHAIN,
      // a gated FFN's activation (silu(gate) · up) as separate eager kernels: bytes per element of the FFN's width
      swiglu: EAGER_CHAIN,
      // a plain (ungated) FFN's activation as the model's Python writes it (GPT-2's gelu_new tanh chain): kernels and bytes
      // per element of the FFN's width
      gelu: EAGER_CHAIN,
      // a Whisper decode step's work on its [rows, vocabulary] logits after the LM head (src/model/whisper-graph.ts):
      // always, and more under beam search and while timestamps are sampled
      decode_logits: {
        type: 'object',
        additionalProperties: false,
        required: ['bytes_per_logit', 'kernels'],
        properties: Object.fromEntries([['bytes_per_logit', { type: 'number', minimum: 0, maximum: 1e4 }], ['kernels', posInt], ...['beam', 'timestamps'].map((k) => [k, {
          type: 'object',
          additionalProperties: false,
          required: ['bytes_per_logit', 'kernels'],
          properties: { bytes_per_logit: { type: 'number', minimum: 0, maximum: 1e4 }, kernels: { type: 'integer', minimum: 0, maximum: 64 } },
        }])]),
      },
      // the sampler's device work per logit of the rows it samples, by what the run asks for (src/sim/sampler-ops.ts)
      sampler: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(['random', 'filter', 'penalties', 'always'].map((k) => [k, {
          type: 'object',
          additionalProperties: false,
          required: ['bytes_per_logit', 'kernels'],
          properties: { bytes_per_logit: { type: 'number', minimum: 0, maximum: 1e4 }, kernels: posInt, floor: OVERHEAD },
        }])),
      },
      elementwise: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(['broadcast', 'select', 'strided', 'transpose', 'rownorm', 'rmsnorm'].map((k) => [k, { type: 'number', minimum: MIN_EFFICIENCY, maximum: 2 }])),
      },
      source: src,
    },
  },
  collectives: {
    type: 'object',
    additionalProperties: false,
    properties: {
      // false: the runtime has no all-reduce kernel of its own (a release before one arrived), so a table inherited
      // through `extends` does not apply and every all-reduce goes to the collective library
      custom_allreduce: { anyOf: [{ const: false }, {
        type: 'object',
        additionalProperties: false,
        required: ['sizes', 'seconds', 'max_group'],
        properties: {
          sizes: { type: 'array', minItems: 2, maxItems: 64, items: { type: 'number', exclusiveMinimum: 0, maximum: 1e16 } },
          seconds: { type: 'array', minItems: 2, maxItems: 64, items: { type: 'number', exclusiveMinimum: 0, maximum: 1 } },
          max_group: posInt,
          // smaller groups' own times at the same sizes (group size -> seconds); a group takes the smallest table at
          // least its size, max_group's `seconds` above the largest listed
          by_group: { type: 'object', additionalProperties: false, patternProperties: { '^[1-9][0-9]{0,3}$': { type: 'array', minItems: 2, maxItems: 64, items: { type: 'number', exclusiveMinimum: 0, maximum: 1 } } } },
          // the tables were measured on a switchless mesh (xGMI): a bigger group has more links and is not held to a
          // smaller group's times (src/spec/normalize-runtime.ts)
          mesh: { type: 'boolean' },
          // the largest groups' top points were timed on NCCL's NVLS path (in-switch reduction on NVSwitch 3+: n(1 + 1/g)
          // bytes each way per device, fewer as the group grows), so a bigger group keeps its own, cheaper times there
          nvls: { type: 'boolean' },
          // above the largest message: `library` (default) the collective library's price, never below the last time;
          // `linear` the last two points' line continued (the table's top points were measured on the library's own path)
          above: { enum: ['library', 'linear'] },
          // the largest message the runtime's own kernel takes (its registered buffer: vLLM's and SGLang's 8 MiB), where
          // the table stops below it for want of timings: between the two the kernel still serves the call (one custom
          // op on the host), timed as `above` says; default the table's largest size
          buffer_bytes: { type: 'number', exclusiveMinimum: 0, maximum: 1e16 },
          // the scale-up bandwidth (per device, each way) of the part the table was timed on: on a part with a slower
          // link each time's growth above the first point is stretched by the ratio (src/runtime/collectives.ts)
          link_bandwidth: BW,
        },
      }] },
      source: src,
    },
  },
};
const runtimeOverride = {
  type: 'object',
  additionalProperties: false,
  properties: { ...runtimeBlocks, launch: { ...runtimeBlocks.launch, properties: { ...runtimeBlocks.launch.properties, eager: EAGER_COSTS } } },
};
export const runtimeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'kind', 'role', 'sources'],
  properties: {
    ...common,
    kind: { enum: ['runtime'] },
    role: { enum: ['serving', 'local', 'reference', 'training', 'npu', 'ideal'] },
    version: { type: 'string' },
    // the hardware vendors it runs on (a hardware spec's `vendor:`); `other`: vendors it does not name
    vendors: { type: 'array', items: { enum: [...HARDWARE_VENDORS, 'other'] } },
    ...runtimeBlocks,
    by_vendor: { type: 'object', additionalProperties: runtimeOverride },
    by_architecture: { type: 'object', additionalProperties: runtimeOverride },
    by_hardware: { type: 'object', additionalProperties: runtimeOverride },
  },
};
