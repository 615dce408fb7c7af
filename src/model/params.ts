// Parameter counts and forward FLOPs, computed from a normalized model's fields (never from a stored total).
//
// Conventions (docs/design.md, docs/spec-format.md):
// - Counts follow the released checkpoints: every stored weight, bias and norm parameter; Whisper's 1500×d encoder
//   position table counts (HF/Keras); DiT counts its trainable parameters plus the fixed position table; CLIP text =
//   token + position embeddings + layers + final LN; an untied LM head adds vocab×hidden, a tied one nothing.
// - `active`: parameters used per token (MoE: attention, embeddings, norms, router, shared experts and the `active`
//   routed experts of each MoE layer); = total for everything else.
// - `embedding`: input embedding tables (token embedding + position tables); an untied LM head is reported in
//   breakdown.lm_head, not here.
// - Pipelines: the sum over their distinct stage models, resolved by id through `all`; an encoder-decoder in an
//   encoder role (e.g. role: audio-encoder) contributes only its encoder.
// - forwardFlops counts 2 FLOP per multiply-add:
//     decoder          one token at short context: 2 × (active − embedding tables) + the LM head when tied
//                      (attention over the KV cache is not included);
//     encoder          one input at its default size (ViT: image_size; CLIP/T5 text: its full context);
//     encoder-decoder  the encoder over one window (conv front end + encoder layers; Whisper: 30 s);
//     dit              one denoiser pass of one sample at image_size (no classifier-free guidance, no VAE);
//                      video DiTs at one frame unless a shape is given to ditForwardFlops;
//     vae              one decode to 256×256 (dims 3: 17 frames); a composite VAE sums its components (resolved
//                      through `all`) at the shapes they see;
//     pipeline         each stage once, per_step stages × defaults.steps (one token for per_token stages).
import type { NormalizedModel, PipelineModel, PipelineStage } from '../spec/types.js';
import type { ParamCount } from './params/common.js';
import { decoderForwardFlops, decoderParams } from './params/decoder.js';
import { encoderDecoderParams, whisperEncoderFlops } from './params/encoder-decoder.js';
import { encoderForwardFlops, encoderParams } from './params/encoder.js';
import { ditForwardFlops, ditParams } from './params/dit.js';
import { vaeDecodeFlops, vaeParams } from './params/vae.js';

export type { ParamCount } from './params/common.js';
export { decoderAttentionParams, decoderForwardFlops, decoderParams } from './params/decoder.js';
export { encoderDecoderParams, whisperDecoderTokenFlops, whisperEncoderFlops } from './params/encoder-decoder.js';
export { encoderForwardFlops, encoderParams, encoderTokens } from './params/encoder.js';
export { type DitShape, ditForwardFlops, ditForwardMacs, ditParams, ditTokens } from './params/dit.js';
export { type VaeShape, vaeDecodeFlops, vaeDecodeMacs, vaeParams } from './params/vae.js';

export type ModelResolver = (id: string) => NormalizedModel;

/** an encoder-decoder used as a pipeline's audio encoder contributes only its encoder */
export function isEncoderOnlyStage(stage: PipelineStage, model: NormalizedModel): boolean {
  return model.family === 'encoder-decoder' && /encoder/.test(stage.role) && !/decoder/.test(stage.role);
}

function encoderPart(c: ParamCount): ParamCount {
  let total = 0;
  const breakdown: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.breakdown)) {
    if (!k.startsWith('encoder_')) continue;
    breakdown[k] = v;
    total += v;
  }
  return { total, active: total, embedding: breakdown.encoder_position ?? 0, breakdown };
}

function stageCounts(p: PipelineModel, all: ModelResolver | undefined, depth: number): [string, ParamCount][] {
  if (!all) throw new Error(`pipeline ${p.id}: counting needs a resolver for its stage models`);
  const seen = new Set<string>();
  const out: [string, ParamCount][] = [];
  for (const s of p.stages) {
    if (seen.has(s.model)) continue;
    seen.add(s.model);
    const m = all(s.model);
    const c = countParams(m, all, depth + 1);
    out.push([m.id, isEncoderOnlyStage(s, m) ? encoderPart(c) : c]);
  }
  return out;
}

export function countParams(model: NormalizedModel, all?: ModelResolver, depth = 0): ParamCount {
  switch (model.family) {
    case 'decoder':
      return decoderParams(model);
    case 'encoder-decoder':
      return encoderDecoderParams(model);
    case 'encoder':
      return encoderParams(model);
    case 'dit':
      return ditParams(model);
    case 'vae':
      return vaeParams(model, all);
    case 'pipeline': {
      if (depth > 8) throw new Error(`pipeline ${model.id}: stages nest too deeply (cycle?)`);
      const breakdown: Record<string, number> = {};
      let total = 0;
      let active = 0;
      let embedding = 0;
      for (const [id, c] of stageCounts(model, all, depth)) {
        breakdown[id] = c.total;
        total += c.total;
        active += c.active;
        embedding += c.embedding;
      }
      return { total, active, embedding, breakdown };
    }
    default: {
      const never: never = model;
      throw new Error(`unknown model family: ${(never as { family: string }).family}`);
    }
  }
}

export function forwardFlops(model: NormalizedModel, all?: ModelResolver, depth = 0): number {
  switch (model.family) {
    case 'decoder':
      return decoderForwardFlops(model);
    case 'encoder-decoder':
      return whisperEncoderFlops(model);
    case 'encoder':
      return encoderForwardFlops(model);
    case 'dit':
      return ditForwardFlops(model);
    case 'vae':
      return vaeDecodeFlops(model, {}, all);
    case 'pipeline': {
      if (depth > 8) throw new Error(`pipeline ${model.id}: stages nest too deeply (cycle?)`);
      if (!all) throw new Error(`pipeline ${model.id}: counting needs a resolver for its stage models`);
      let sum = 0;
      for (const s of model.stages) {
        const f = forwardFlops(all(s.model), all, depth + 1);
        sum += s.runs === 'per_step' ? f * (model.defaults.steps ?? 1) : f;
      }
      return sum;
    }
    default: {
      const never: never = model;
      throw new Error(`unknown model family: ${(never as { family: string }).family}`);
    }
  }
}
