// JSON Schemas (ajv) for the structure of each spec kind. Units and expressions are checked after the
// schema, in normalize: here a quantity is "a string or a number" so that a bare number gets the more
// helpful "needs a unit" message there.
const quantity = { type: ['string', 'number'] };
const count = { type: ['number', 'string'] }; // model counts may be expressions over sibling fields
const posInt = { type: 'integer', minimum: 1 };
const dtypeMap = {
  type: 'object',
  propertyNames: { enum: ['fp64', 'fp32', 'tf32', 'bf16', 'fp16', 'fp8', 'int8', 'fp6', 'fp4', 'int4'] },
  additionalProperties: quantity,
};
const sources = { type: 'array', items: { type: 'string' }, minItems: 1 };
const common = {
  id: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]*$' },
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
    bandwidth: quantity,
    latency: quantity,
    domain: posInt,
    technology: { type: 'string' },
    links: posInt,
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

export const hardwareSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'compute', 'memory', 'sources'],
  properties: {
    ...common,
    vendor: { type: 'string' },
    class: { enum: ['datacenter', 'workstation', 'consumer', 'edge', 'mobile', 'laptop', 'desktop', 'host'] },
    year: { type: 'integer' },
    compute: {
      type: 'object',
      additionalProperties: false,
      properties: { matrix: dtypeMap, vector: dtypeMap, units: posInt, clock: quantity, npu: { type: 'string' } },
    },
    memory: {
      type: 'object',
      additionalProperties: false,
      required: ['capacity', 'bandwidth'],
      properties: {
        technology: { type: 'string' },
        capacity: quantity,
        bandwidth: quantity,
        stacks: posInt,
        bus_width: posInt,
        energy: quantity,
        usable: { type: 'number' },
      },
    },
    on_chip: {
      type: 'object',
      additionalProperties: false,
      properties: { l1: quantity, l2: quantity, l3: quantity, sram: quantity, slc: quantity, infinity_cache: quantity },
    },
    interconnect: {
      type: 'object',
      additionalProperties: false,
      properties: { scale_up: link, scale_out: link, host: link },
    },
    power: { type: 'object', additionalProperties: false, properties: { tdp: quantity, idle: quantity } },
    energy: { type: 'object', additionalProperties: false, properties: { compute: quantity } },
    price: {
      type: 'object',
      additionalProperties: false,
      properties: {
        purchase: quantity,
        hour: quantity,
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
      properties: { name: { type: 'string' }, static_context: posInt, step_overhead: quantity, source: { type: 'string' } },
    },
    efficiency: {
      type: 'object',
      additionalProperties: false,
      properties: {
        memory: { type: 'number' },
        gemm: effTable,
        gemm_by_dtype: { type: 'object', additionalProperties: effTable },
        attention: { type: 'number' },
        attention_kv8: { type: 'number' },
        vector: { type: 'number' },
        collective: effTable,
        collective_algorithm: { enum: ['ring', 'nvls'] },
        kernel_overhead: quantity,
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
    per_stack_bandwidth: quantity,
    per_stack_capacity: quantity,
    pin_rate: quantity,
    capacity_per_channel: quantity,
    channel_width: posInt,
    energy: quantity,
    standard: { type: 'string' },
  },
};

const ffn = {
  type: 'object',
  additionalProperties: false,
  required: ['intermediate'],
  properties: { kind: { enum: ['gated', 'plain'] }, intermediate: count, activation: { type: 'string' } },
};
const referenceParams = {
  type: 'object',
  additionalProperties: false,
  properties: { total: { type: 'number' }, active: { type: 'number' }, source: { type: 'string' } },
};
// dtype: the scheme the checkpoint ships in (a Hugging Face quantization_config), the default --dtype for this model
const modelCommon = { ...common, family: { type: 'string' }, reference_params: referenceParams, dtype: { enum: ['fp32', 'bf16', 'fp16', 'fp8', 'fp4', 'int8', 'int4', 'q8_0', 'q4_0'] } };

const decoder = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'family', 'hidden', 'layers', 'heads', 'ffn', 'vocab', 'sources'],
  properties: {
    ...modelCommon,
    hidden: count,
    layers: count,
    heads: count,
    kv_heads: count,
    head_dim: count,
    ffn,
    vocab: count,
    context: count,
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
        experts: count,
        active: count,
        shared: count,
        intermediate: count,
        dense_layers: count,
        shared_intermediate: count,
        router: { type: 'string' },
        every: count,
        router_bias: { type: 'boolean' },
      },
    },
    attention: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: {
        kind: { enum: ['mla', 'gqa', 'mha', 'mqa'] },
        q_lora_rank: count,
        kv_lora_rank: count,
        qk_rope_head_dim: count,
        qk_nope_head_dim: count,
        v_head_dim: count,
        sliding_window: count,
        chunk: count,
        layer_types: { type: 'array', minItems: 1, items: { enum: ['full', 'sliding', 'chunked'] } },
        sinks: { type: 'boolean' },
        qk_norm: { enum: ['rmsnorm', 'l2', 'none'] },
      },
    },
    post_norms: { type: 'boolean' },
    rope_theta: { type: 'number' },
  },
};

const encoderDecoder = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'family', 'hidden', 'encoder_layers', 'decoder_layers', 'heads', 'ffn', 'vocab', 'sources'],
  properties: {
    ...modelCommon,
    hidden: count,
    encoder_layers: count,
    decoder_layers: count,
    heads: count,
    ffn,
    vocab: count,
    n_mels: count,
    audio_ctx: count,
    text_ctx: count,
    window_seconds: count,
  },
};

const encoder = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'family', 'hidden', 'layers', 'heads', 'ffn', 'sources'],
  properties: {
    ...modelCommon,
    modality: { enum: ['image', 'text'] },
    hidden: count,
    layers: count,
    heads: count,
    head_dim: count,
    ffn,
    norm: { enum: ['rmsnorm', 'layernorm'] },
    image_size: count,
    patch: count,
    channels: count,
    class_token: { type: 'boolean' },
    classes: count,
    vocab: count,
    context: count,
    causal: { type: 'boolean' },
    pre_norm: { type: 'boolean' },
    projection: count,
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
    hidden: count,
    layers: count,
    heads: count,
    patch: count,
    latent_size: count,
    image_size: count,
    vae_downsample: count,
    in_channels: count,
    out_channels: count,
    classes: count,
    mlp_ratio: count,
    temporal: {
      type: 'object',
      additionalProperties: false,
      properties: { attention: { enum: ['separate', 'full'] }, patch: count, downsample: count, chunk: count },
    },
    cross_attention: {
      type: 'object',
      additionalProperties: false,
      properties: { context: count, context_dim: count },
    },
    architecture: { enum: ['dit', 'mmdit', 'unet'] },
    unet: {
      type: 'object',
      additionalProperties: false,
      required: ['channels', 'transformer_depth'],
      properties: {
        channels: { type: 'array', minItems: 1, items: { type: 'number' } },
        res_blocks: count,
        transformer_depth: { type: 'array', minItems: 1, items: { type: 'number' } },
        head_dim: count,
        time_embed_dim: count,
        add_embed_dim: count,
      },
    },
    single_blocks: count,
    pooled_dim: count,
    guidance_embed: { type: 'boolean' },
    context_pre_only_last: { type: 'boolean' },
    position_table: count,
    qk_norm: { enum: ['none', 'rmsnorm', 'rmsnorm_across_heads'] },
    cross_norm: { type: 'boolean' },
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
    in_channels: count,
    base_channels: count,
    channel_mult: { type: 'array', items: { type: 'number' } },
    res_blocks: count,
    z_channels: count,
    mid_attention: { type: 'boolean' },
    temporal_downsample: count,
    spatial_downsample: count,
    layout: { enum: ['ldm', 'magvit', 'wan'] },
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
          tokens: count,
          tokens_per_second: count,
          tokens_per_image: count,
          count: count,
        },
      },
    },
    defaults: { type: 'object', additionalProperties: { type: 'number' } },
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

// A runtime (runtimes/*.yaml): how the software drives the chip. Every block that sets a number carries its own
// `source:` (checked in normalize-runtime.ts); `by_vendor:` / `by_hardware:` hold the same blocks, overriding.
const fraction01 = { type: 'number', minimum: 0, maximum: 1 };
const src = { type: 'string' };
const runtimeBlocks = {
  host: { type: 'object', additionalProperties: false, properties: { step_overhead: quantity, source: src } },
  launch: {
    type: 'object',
    additionalProperties: false,
    properties: { per_kernel: quantity, graphs: { enum: ['all', 'decode', 'none'] }, device_gap: { type: 'boolean' }, source: src },
  },
  memory: {
    type: 'object',
    additionalProperties: false,
    properties: { share: fraction01, basis: { enum: ['free', 'device'] }, reserve: quantity, unified_share: fraction01, source: src },
  },
  scheduler: {
    type: 'object',
    additionalProperties: false,
    properties: { max_num_seqs: posInt, max_num_batched_tokens: posInt, chunked_prefill: { type: 'boolean' }, source: src },
  },
  overlap: {
    type: 'object',
    additionalProperties: false,
    properties: { tp_comm: fraction01, fsdp_prefetch: fraction01, dp_grad: fraction01, ep_two_batch: fraction01, source: src },
  },
  shapes: { type: 'object', additionalProperties: false, properties: { static_context: posInt, source: src } },
  kernels: {
    type: 'object',
    additionalProperties: false,
    properties: {
      gguf: { enum: ['mmq', 'dequant'] },
      fp8_fallback: { enum: ['weight-only', 'none'] },
      moe: src,
      attention: src,
      gemm: src,
      source: src,
    },
  },
};
const runtimeOverride = { type: 'object', additionalProperties: false, properties: runtimeBlocks };
export const runtimeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'kind', 'role', 'sources'],
  properties: {
    ...common,
    kind: { enum: ['runtime'] },
    role: { enum: ['serving', 'local', 'reference', 'training', 'npu', 'ideal'] },
    version: { type: 'string' },
    vendors: { type: 'array', items: { type: 'string' } },
    ...runtimeBlocks,
    by_vendor: { type: 'object', additionalProperties: runtimeOverride },
    by_hardware: { type: 'object', additionalProperties: runtimeOverride },
  },
};
