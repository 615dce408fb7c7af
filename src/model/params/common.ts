// Shared helpers for parameter and FLOP counting (see ../params.ts for the conventions).
import type { BiasSpec, FfnSpec } from '../../spec/types.js';

export interface ParamCount {
  /** every stored parameter of the released checkpoint (see the per-family conventions) */
  total: number;
  /** parameters used for one token / one sample: MoE counts shared + active routed experts; = total otherwise */
  active: number;
  /** input embedding tables: token embedding + position tables (an untied LM head is in breakdown.lm_head) */
  embedding: number;
  /** named parts; they add up to total */
  breakdown: Record<string, number>;
}

export function normalizeBias(b: BiasSpec | boolean | undefined, dflt = false): BiasSpec {
  if (b === undefined) return { qkv: dflt, out: dflt, ffn: dflt };
  if (typeof b === 'boolean') return { qkv: b, out: b, ffn: b };
  return { qkv: !!b.qkv, out: !!b.out, ffn: !!b.ffn };
}

/** weights (+ bias for LayerNorm) of one normalization over `n` features */
export function normParams(kind: string | undefined, n: number): number {
  return kind === 'rmsnorm' ? n : 2 * n;
}

/** weights of one FFN (gated: gate, up, down; plain: up, down) */
export function ffnParams(kind: FfnSpec['kind'], d: number, width: number, bias: boolean): number {
  if (kind === 'gated') return 3 * d * width + (bias ? 2 * width + d : 0);
  return 2 * d * width + (bias ? width + d : 0);
}

/** multiply-adds of one FFN for one token */
export function ffnMacs(kind: FfnSpec['kind'], d: number, width: number): number {
  return (kind === 'gated' ? 3 : 2) * d * width;
}

export function sumValues(r: Record<string, number>): number {
  let s = 0;
  for (const v of Object.values(r)) s += v;
  return s;
}

/** drop zero entries so a breakdown lists only what the model has */
export function compact(r: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) if (v !== 0) out[k] = v;
  return out;
}

/** Latent frames of a causal video VAE that encodes micro-chunks of `chunk` frames, each padded to a multiple of
 *  the temporal compression `td` (Open-Sora 1.2 VideoAutoencoderPipeline, micro_frame_size 17: 17 → 20 → 5
 *  latent frames; hpcaitech/Open-Sora opensora/models/vae/vae.py). Without chunking: ⌈frames / td⌉. */
export function videoLatentFrames(frames: number, td: number, chunk?: number): number {
  if (!chunk) return Math.ceil(frames / td);
  const full = Math.floor(frames / chunk);
  const rest = frames - full * chunk;
  return full * Math.ceil(chunk / td) + Math.ceil(rest / td);
}
