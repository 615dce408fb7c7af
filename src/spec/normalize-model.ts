// Model specs: evaluate expressions over sibling fields, fill defaults, apply the semantic rules.
import { maskWords } from './errors.js';
import { evaluateExpression } from '../units/quantity.js';
import { issueAt, modelRangeIssues, type SpecContext } from './load.js';
import type { NormalizedModel } from './types.js';

type Raw = Record<string, any>;

// Fields whose string values are names, not expressions.
const TEXT_FIELDS = new Set([
  'id', 'name', 'family', 'extends', 'norm', 'position', 'kind', 'activation', 'runs', 'model', 'role',
  'modality', 'notes', 'source', 'attention', 'router', 'layout', 'qk_norm', 'architecture', 'relative_attention', 'dtype', 'fp8_scaling', 'fp4_scaling',
]);

async function evaluateAll(raw: Raw, ctx: SpecContext): Promise<Raw> {
  const out: Raw = structuredClone(raw);
  const scope: Record<string, number> = {};
  for (const [k, v] of Object.entries(out)) if (typeof v === 'number') scope[k] = v;
  // Top-level expressions may use each other: evaluate until nothing changes.
  let pending = Object.entries(out).filter(([k, v]) => typeof v === 'string' && !TEXT_FIELDS.has(k));
  for (let pass = 0; pending.length && pass < 8; pass++) {
    const next: [string, any][] = [];
    for (const [k, v] of pending) {
      const r = await evaluateExpression(v, scope);
      if ('value' in r) {
        out[k] = r.value;
        scope[k] = r.value;
      } else next.push([k, v]);
    }
    if (next.length === pending.length) break;
    pending = next;
  }
  for (const [k, v] of pending) {
    const r = await evaluateExpression(v, scope);
    if ('error' in r) ctx.errors.push(issueAt(ctx, [k], notANumber(v, r.error)));
  }
  // Nested objects (ffn, moe, attention, …) see the top-level fields.
  const walk = async (obj: any, path: (string | number)[]) => {
    for (const [k, v] of Object.entries(obj)) {
      if (path.length === 0) continue;
      if (typeof v === 'string' && !TEXT_FIELDS.has(k) && !(path[0] === 'sources' || path[0] === 'assumptions')) {
        const r = await evaluateExpression(v, scope);
        if ('value' in r) obj[k] = r.value;
        else ctx.errors.push(issueAt(ctx, [...path, k], notANumber(v as string, r.error)));
      }
    }
  };
  for (const [k, v] of Object.entries(out)) {
    if (k === 'sources' || k === 'assumptions' || k === 'stages') continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) await walk(v, [k]);
  }
  if (Array.isArray(out.stages)) for (let i = 0; i < out.stages.length; i++) await walk(out.stages[i], ['stages', i]);
  return out;
}

// A string in a count field is an expression; say what was expected when it is not one.
function notANumber(text: string, error: string): string {
  return /^[A-Za-z_]\w*$/.test(text.trim()) && /unknown name/.test(error)
    ? `expected a number or an expression over other fields (e.g. "4 * hidden"), found "${text}"`
    : error;
}

function requireCount(ctx: SpecContext, m: Raw, path: (string | number)[], opts: { min?: number; integer?: boolean; required?: string } = {}): void {
  let v: any = m;
  for (const p of path) v = v?.[p];
  if (v === undefined) {
    if (opts.required) ctx.errors.push(issueAt(ctx, path, `missing: ${opts.required}`, 'add it; see docs/spec-format.md'));
    return;
  }
  const min = opts.min ?? 1;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    ctx.errors.push(issueAt(ctx, path, `must be a number, found ${JSON.stringify(v)}`));
  } else if (v < min) {
    ctx.errors.push(issueAt(ctx, path, `must be ≥ ${min}, found ${v}`));
  } else if ((opts.integer ?? true) && !Number.isInteger(v)) {
    ctx.errors.push(issueAt(ctx, path, `must be a whole number, found ${v}`));
  }
}

/**
 * a MoE's group-limited routing from moe.expert_groups / moe.topk_groups (HF n_group / topk_group): both or neither,
 * topk_groups ≤ expert_groups, expert_groups dividing the experts; undefined where routing is not limited (absent,
 * one group, or every group picked)
 */
function moeGroupLimit(ctx: SpecContext, moe: Raw, experts: number): { groups: number; topk: number } | undefined {
  const g = moe.expert_groups;
  const t = moe.topk_groups;
  if (g === undefined && t === undefined) return undefined;
  if (typeof g !== 'number' || typeof t !== 'number') {
    const [given, missing] = g === undefined ? ['topk_groups', 'expert_groups'] : ['expert_groups', 'topk_groups'];
    ctx.errors.push(issueAt(ctx, ['moe', given], `moe.${given} without moe.${missing}: group-limited routing needs both`, `add moe.${missing} (HF ${missing === 'expert_groups' ? 'n_group' : 'topk_group'}), or remove moe.${given}`));
    return undefined;
  }
  if (!Number.isInteger(g) || !Number.isInteger(t) || g < 1 || t < 1) return undefined; // requireCount reported it
  if (t > g) {
    ctx.errors.push(issueAt(ctx, ['moe', 'topk_groups'], `topk_groups (${t}) exceeds expert_groups (${g})`, 'a token picks at most every group', [['moe', 'expert_groups']]));
    return undefined;
  }
  if (experts % g !== 0) {
    ctx.errors.push(issueAt(ctx, ['moe', 'expert_groups'], `expert_groups (${g}) does not divide the ${experts} experts`, 'groups are equal blocks of experts (HF n_group)', [['moe', 'experts']]));
    return undefined;
  }
  return g > 1 && t < g ? { groups: g, topk: t } : undefined;
}

export async function normalizeModel(raw: Raw, ctx: SpecContext): Promise<NormalizedModel | undefined> {
  const m = await evaluateAll(raw, ctx);
  modelRangeIssues(ctx, m); // expressions' values against the schema's ranges (literals were checked already)
  // Range checks of top-level counts run even when an expression failed, to report every problem.
  for (const k of ['hidden', 'layers', 'heads', 'kv_heads', 'head_dim', 'vocab', 'context', 'encoder_layers', 'decoder_layers']) {
    if (typeof m[k] === 'number') requireCount(ctx, m, [k], { min: k === 'vocab' && m.family === 'encoder' ? 0 : 1 });
  }
  if (ctx.errors.length) return undefined;
  const base = {
    id: m.id,
    name: maskWords(m.name ?? m.id),
    family: m.family,
    rumoured: m.rumoured ?? false,
    reference_params: m.reference_params?.source === undefined ? m.reference_params : { ...m.reference_params, source: maskWords(m.reference_params.source) },
    sources: m.sources?.map(maskWords),
    ...(m.dtype ? { dtype: m.dtype } : {}),
  };
  const ffn = (f: any, hidden: number) =>
    f ? { kind: f.kind ?? 'plain', intermediate: f.intermediate ?? 4 * hidden, activation: f.activation ?? (f.kind === 'gated' ? 'silu' : 'gelu') } : undefined;
  let out: any;
  switch (m.family) {
    case 'decoder': {
      for (const k of ['hidden', 'layers', 'heads', 'kv_heads', 'head_dim', 'vocab', 'context']) requireCount(ctx, m, [k]);
      requireCount(ctx, m, ['ffn', 'intermediate']);
      if (ctx.errors.length) return undefined;
      const bias = typeof m.bias === 'object' ? { qkv: !!m.bias.qkv, out: !!m.bias.out, ffn: !!m.bias.ffn } : { qkv: !!m.bias, out: !!m.bias, ffn: !!m.bias };
      out = {
        ...base,
        hidden: m.hidden,
        layers: m.layers,
        heads: m.heads,
        kv_heads: m.kv_heads ?? m.heads,
        head_dim: m.head_dim ?? m.hidden / m.heads,
        ffn: ffn(m.ffn, m.hidden),
        vocab: m.vocab,
        context: m.context ?? 2048,
        norm: m.norm ?? 'rmsnorm',
        final_norm: m.final_norm ?? true,
        bias,
        tied_embeddings: m.tied_embeddings ?? false,
        position: m.position ?? 'rope',
        parallel_block: m.parallel_block ?? false,
        post_norms: m.post_norms ?? false,
      };
      if (m.fp8_scaling !== undefined) out.fp8_scaling = m.fp8_scaling;
      if (m.fp4_scaling !== undefined) out.fp4_scaling = m.fp4_scaling;
      if (Array.isArray(m.unquantized) && m.unquantized.length) out.unquantized = [...m.unquantized];
      if (m.moe) {
        for (const k of ['experts', 'active']) requireCount(ctx, m, ['moe', k]);
        for (const k of ['shared', 'dense_layers']) requireCount(ctx, m, ['moe', k], { min: 0 });
        requireCount(ctx, m, ['moe', 'every']);
        out.moe = {
          experts: m.moe.experts,
          active: m.moe.active,
          shared: m.moe.shared ?? 0,
          intermediate: m.moe.intermediate ?? out.ffn.intermediate,
          dense_layers: m.moe.dense_layers ?? 0,
          shared_intermediate: m.moe.shared_intermediate,
          every: m.moe.every ?? 1,
          router_bias: m.moe.router_bias ?? false,
          ...(m.moe.router ? { router: m.moe.router } : {}),
        };
        requireCount(ctx, m, ['moe', 'expert_groups']);
        requireCount(ctx, m, ['moe', 'topk_groups']);
        const groupLimit = moeGroupLimit(ctx, m.moe, out.moe.experts);
        if (groupLimit) Object.assign(out.moe, { expert_groups: groupLimit.groups, topk_groups: groupLimit.topk });
        if (out.moe.active > out.moe.experts) {
          ctx.errors.push(issueAt(ctx, ['moe', 'active'], `active experts (${out.moe.active}) exceed experts (${out.moe.experts})`, undefined, [['moe', 'experts']]));
        }
        if (out.moe.dense_layers > out.layers) ctx.errors.push(issueAt(ctx, ['moe', 'dense_layers'], `more dense layers than layers (${out.layers})`, undefined, [['layers']]));
      }
      const features = m.attention ? attentionFeatures(ctx, m.attention) : undefined;
      if (m.attention?.kind === 'mla') {
        for (const k of ['kv_lora_rank', 'qk_rope_head_dim', 'qk_nope_head_dim', 'v_head_dim']) requireCount(ctx, m, ['attention', k], { required: `MLA attention needs ${k}` });
        if (ctx.errors.length) return undefined;
        requireCount(ctx, m, ['attention', 'q_lora_rank'], { min: 0 });
        out.attention = {
          kind: 'mla',
          q_lora_rank: m.attention.q_lora_rank ?? 0,
          kv_lora_rank: m.attention.kv_lora_rank,
          qk_rope_head_dim: m.attention.qk_rope_head_dim,
          qk_nope_head_dim: m.attention.qk_nope_head_dim,
          v_head_dim: m.attention.v_head_dim,
          ...features,
        };
      } else if (features) {
        out.attention = { kind: 'gqa', ...features };
      }
      if (m.attention?.kind !== 'mla' && out.heads % out.kv_heads !== 0) {
        ctx.errors.push(
          issueAt(ctx, ['kv_heads'], `heads (${out.heads}) must be divisible by kv_heads (${out.kv_heads})`, `use a divisor of ${out.heads}, e.g. ${largestDivisorBelow(out.heads, out.kv_heads)}`, [['heads']]),
        );
      }
      if (!Number.isInteger(out.head_dim)) {
        ctx.errors.push(issueAt(ctx, ['heads'], `hidden (${out.hidden}) / heads (${out.heads}) is not a whole head_dim`, 'set head_dim explicitly', [['hidden']]));
      }
      break;
    }
    case 'encoder-decoder': {
      for (const k of ['hidden', 'encoder_layers', 'decoder_layers', 'heads', 'vocab', 'n_mels', 'audio_ctx', 'text_ctx']) requireCount(ctx, m, [k]);
      if (m.hidden % m.heads !== 0) ctx.errors.push(issueAt(ctx, ['heads'], `hidden (${m.hidden}) must be divisible by heads (${m.heads})`, undefined, [['hidden']]));
      out = {
        ...base,
        hidden: m.hidden,
        encoder_layers: m.encoder_layers,
        decoder_layers: m.decoder_layers,
        heads: m.heads,
        ffn: ffn(m.ffn, m.hidden),
        vocab: m.vocab,
        n_mels: m.n_mels ?? 80,
        audio_ctx: m.audio_ctx ?? 1500,
        text_ctx: m.text_ctx ?? 448,
        window_seconds: m.window_seconds ?? 30,
      };
      break;
    }
    case 'encoder': {
      for (const k of ['hidden', 'layers', 'heads']) requireCount(ctx, m, [k]);
      const text = m.modality === 'text';
      out = {
        ...base,
        modality: m.modality ?? 'image',
        hidden: m.hidden,
        layers: m.layers,
        heads: m.heads,
        head_dim: m.head_dim ?? m.hidden / m.heads,
        ffn: ffn(m.ffn, m.hidden),
        norm: m.norm ?? 'layernorm',
        image_size: m.image_size ?? (text ? 0 : 224),
        patch: m.patch ?? (text ? 0 : 16),
        channels: m.channels ?? 3,
        class_token: m.class_token ?? !text,
        classes: m.classes ?? 0,
        vocab: m.vocab ?? 0,
        context: m.context ?? 0,
        causal: m.causal ?? false,
        pre_norm: m.pre_norm ?? false,
        projection: m.projection ?? 0,
        relative_attention: m.relative_attention ?? false,
        bias: m.bias ?? true,
        final_norm: m.final_norm ?? true,
        pooler: m.pooler ?? false,
      };
      if (text && !(out.context > 0)) ctx.errors.push(issueAt(ctx, ['context'], 'a text encoder needs a context length (tokens)'));
      if (!text && out.image_size % out.patch !== 0) ctx.errors.push(issueAt(ctx, ['patch'], `image_size (${out.image_size}) must be divisible by patch (${out.patch})`, undefined, [['image_size']]));
      break;
    }
    case 'dit': {
      if (m.architecture === 'unet') {
        // a UNet's widths are its channel list: hidden = channels[0], heads of head_dim, layers = its transformer blocks
        const u = m.unet ?? {};
        const C: number[] = u.channels ?? [];
        const D: number[] = u.transformer_depth ?? [];
        const R = u.res_blocks ?? 2;
        if (!C.length || C.length !== D.length) ctx.errors.push(issueAt(ctx, ['unet', 'transformer_depth'], `needs one depth per level of unet.channels (${C.length})`));
        // mid_depth: the mid block's transformer depth (SDXL: the last level's, 10; SD 1.x/2.x: 1 under a last level
        // without attention). heads: a fixed head count at every width (SD 1.x: attention_head_dim 8 is diffusers'
        // legacy name for 8 heads, so head_dim = width / 8); 0 = width / head_dim.
        m.unet = { channels: C, res_blocks: R, transformer_depth: D, mid_depth: u.mid_depth ?? D[D.length - 1] ?? 0, head_dim: u.head_dim ?? 64, heads: u.heads ?? 0, time_embed_dim: u.time_embed_dim ?? 4 * (C[0] ?? 0), add_embed_dim: u.add_embed_dim ?? 0 };
        m.hidden ??= C[0];
        m.heads ??= m.unet.heads > 0 ? m.unet.heads : Math.max(1, Math.round((C[0] ?? 64) / m.unet.head_dim));
        m.layers ??= D.reduce((a: number, d: number) => a + R * d, 0) + m.unet.mid_depth + D.reduce((a: number, d: number) => a + (R + 1) * d, 0);
        m.patch ??= 1;
      } else {
        for (const k of ['hidden', 'layers', 'heads', 'patch']) {
          if (m[k] === undefined) ctx.errors.push(issueAt(ctx, [k], `a ${m.architecture ?? 'dit'} denoiser needs ${k}`));
        }
      }
      for (const k of ['hidden', 'layers', 'heads', 'patch']) requireCount(ctx, m, [k]);
      const image = m.image_size ?? 256;
      const down = m.vae_downsample ?? 8;
      out = {
        ...base,
        hidden: m.hidden,
        layers: m.layers,
        heads: m.heads,
        patch: m.patch,
        image_size: image,
        vae_downsample: down,
        latent_size: m.latent_size ?? image / down,
        in_channels: m.in_channels ?? 4,
        out_channels: m.out_channels ?? 8,
        classes: m.classes ?? 0,
        mlp_ratio: m.mlp_ratio ?? 4,
        temporal: m.temporal ? { attention: m.temporal.attention ?? 'separate', patch: m.temporal.patch ?? 1, downsample: m.temporal.downsample ?? 4, chunk: m.temporal.chunk, rope: m.temporal.rope ?? false } : undefined,
        cross_attention: m.cross_attention,
        architecture: m.architecture ?? 'dit',
        single_blocks: m.single_blocks ?? 0,
        pooled_dim: m.pooled_dim ?? 0,
        guidance_embed: m.guidance_embed ?? false,
        context_pre_only_last: m.context_pre_only_last ?? false,
        position_table: m.position_table ?? 0,
        qk_norm: m.qk_norm ?? 'none',
        cross_norm: m.cross_norm ?? false,
        frame_aspect: m.frame_aspect,
        frame_mask: m.frame_mask ?? false,
        channels_first_stream: m.channels_first_stream ?? false,
        flash_if_longer: m.flash_if_longer ?? false,
        rope: m.rope ?? false,
        unet: m.unet,
      };
      for (const k of ['single_blocks', 'pooled_dim', 'position_table']) requireCount(ctx, m, [k], { min: 0 });
      if (out.cross_attention) {
        // the text tokens a cross-attending (or joint-attending) denoiser sees: both numbers, or every cost is NaN
        requireCount(ctx, m, ['cross_attention', 'context'], { required: 'cross_attention needs context (text tokens)' });
        requireCount(ctx, m, ['cross_attention', 'context_dim'], { required: 'cross_attention needs context_dim (text width)' });
      }
      if (out.architecture === 'mmdit' && !out.cross_attention) {
        ctx.errors.push(issueAt(ctx, ['cross_attention'], 'an mmdit denoiser needs its text tokens: cross_attention: {context: N, context_dim: D}'));
      }
      if (out.latent_size % out.patch !== 0) ctx.errors.push(issueAt(ctx, ['patch'], `latent_size (${out.latent_size}) must be divisible by patch (${out.patch})`, undefined, [['latent_size'], ['image_size'], ['vae_downsample']]));
      break;
    }
    case 'vae': {
      if (m.components) {
        // a composite (e.g. Open-Sora 1.2: SDXL 2-D VAE per frame + temporal VAE): its architecture is its components'
        for (const k of ['base_channels', 'channel_mult', 'res_blocks', 'mid_attention', 'layout']) {
          if (m[k] !== undefined) ctx.errors.push(issueAt(ctx, [k], 'a composite VAE (components) takes its architecture from its components; remove this field'));
        }
        out = {
          ...base,
          dims: m.dims ?? 2,
          in_channels: m.in_channels ?? 3,
          base_channels: 0,
          channel_mult: [],
          res_blocks: 0,
          z_channels: m.z_channels ?? 4,
          mid_attention: false,
          temporal_downsample: m.temporal_downsample ?? 1,
          spatial_downsample: m.spatial_downsample,
          components: m.components,
        };
        break;
      }
      for (const k of ['base_channels', 'channel_mult']) {
        if (m[k] === undefined) ctx.errors.push(issueAt(ctx, [k], `a VAE needs ${k} (or components: [ids] for a composite)`));
      }
      const layout = m.layout ?? 'ldm';
      const levels = Array.isArray(m.channel_mult) ? m.channel_mult.length : 1;
      const spatial = layout === 'magvit' ? 1 : 2 ** (levels - 1);
      if (m.spatial_downsample !== undefined && m.spatial_downsample !== spatial) {
        ctx.errors.push(issueAt(ctx, ['spatial_downsample'], `the ${layout} layout with ${levels} levels down-samples ${spatial}× spatially, not ${m.spatial_downsample}×`));
      }
      out = {
        ...base,
        dims: m.dims ?? 2,
        in_channels: m.in_channels ?? 3,
        base_channels: m.base_channels,
        channel_mult: m.channel_mult,
        res_blocks: m.res_blocks ?? 2,
        z_channels: m.z_channels ?? 4,
        mid_attention: m.mid_attention ?? true,
        temporal_downsample: m.temporal_downsample ?? 1,
        layout,
        spatial_downsample: spatial,
        quant_conv: m.quant_conv ?? true,
      };
      if (layout === 'magvit' && (out.dims !== 3 || out.mid_attention)) {
        ctx.errors.push(issueAt(ctx, ['layout'], 'the magvit layout is a causal 3-D VAE without attention: needs dims 3 and mid_attention false'));
      }
      break;
    }
    case 'pipeline': {
      out = { ...base, stages: m.stages.map((s: any) => ({ role: s.model, ...s })), defaults: m.defaults ?? {}, assumptions: m.assumptions };
      break;
    }
  }
  return ctx.errors.length ? undefined : (out as NormalizedModel);
}

// Sliding-window / chunked / sink / QK-norm fields of `attention` (docs/spec-format.md). A window without
// layer_types applies to every layer (Mistral 7B v0.1); layer_types naming a kind needs its size.
function attentionFeatures(ctx: SpecContext, a: Raw) {
  for (const k of ['sliding_window', 'chunk']) requireCount(ctx, { attention: a }, ['attention', k]);
  const types: string[] | undefined = a.layer_types ?? (a.sliding_window ? ['sliding'] : a.chunk ? ['chunked'] : undefined);
  if (types?.includes('sliding') && !a.sliding_window) {
    ctx.errors.push(issueAt(ctx, ['attention', 'layer_types'], 'sliding layers need attention.sliding_window (tokens)'));
  }
  if (types?.includes('chunked') && !a.chunk) {
    ctx.errors.push(issueAt(ctx, ['attention', 'layer_types'], 'chunked layers need attention.chunk (tokens)'));
  }
  return {
    sliding_window: a.sliding_window,
    chunk: a.chunk,
    layer_types: types,
    sinks: a.sinks ?? false,
    qk_norm: a.qk_norm ?? 'none',
  };
}

function largestDivisorBelow(n: number, k: number): number {
  for (let d = Math.min(k, n); d >= 1; d--) if (n % d === 0) return d;
  return 1;
}
