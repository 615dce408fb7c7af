// Speculative decoding: a cheap drafter proposes K tokens, the target model checks all K + 1 positions in one
// pass and keeps the accepted prefix plus one token of its own. With each draft token accepted with probability A
// given the previous one was, a step yields E = (1 − A^(K+1))/(1 − A) tokens per sequence on average (Leviathan,
// Kalman & Matias, "Fast Inference from Transformers via Speculative Decoding", ICML 2023, eq. 1).
//   drafter: a small model (--spec-model: K decode passes of it per step, plus its own prefill of the prompt), or
//   multi-token-prediction heads (--mtp K: DeepSeek-V3 §2.2, one transformer block and the shared head per draft
//   token, priced as the target model cut to one layer).
//   verify pass: the target's decode of d sequences, each with K extra query tokens that attend to the whole
//   context (K·c + K(K+1)/2 query·key pairs) while the KV cache is read once per sequence (the decode kernels
//   handle several queries per sequence, FlashInfer/FlashAttention varlen).
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import type { Precision } from '../model/quant.js';
import { UserError } from '../spec/errors.js';
import { eagerDecodeLoop } from '../runtime/launch.js';
import { buildLayout, type Layout } from '../sim/parallel.js';
import { StepCoster, type StepPrice } from './step-cost.js';
import { weightBytes, kvBytesPerToken } from '../sim/memory.js';

export interface SpecConfig {
  kind: 'draft' | 'mtp';
  k: number;
  acceptance: number;
  draftModel?: DecoderModel;
}

export function tokensPerStep(k: number, a: number): number {
  if (a >= 1) return k + 1;
  return (1 - Math.pow(a, k + 1)) / (1 - a);
}

/** flags → SpecConfig (undefined when none given) */
export function parseSpec(f: { specModel?: string; specTokens?: number; mtp?: number; acceptance?: number }, resolve: (id: string) => unknown): SpecConfig | undefined {
  const { specModel, specTokens, mtp, acceptance } = f;
  if (specModel === undefined && mtp === undefined) {
    if (specTokens !== undefined || acceptance !== undefined) throw new UserError('--spec-tokens and --acceptance need --spec-model ID or --mtp K');
    return undefined;
  }
  if (specModel !== undefined && mtp !== undefined) throw new UserError('--spec-model and --mtp are two kinds of drafter: give one');
  // 0 or from 1e-6: a chance of 5e-324 is a typing accident, and it was printed back as "acceptance 5e-324"
  if (acceptance === undefined || !(acceptance >= 0 && acceptance <= 1) || (acceptance > 0 && acceptance < 1e-6)) throw new UserError(`--acceptance: expected a probability of 0 or from 1e-6 to 1, found "${acceptance ?? 'nothing'}" (the chance each draft token is accepted, e.g. 0.7)`);
  const k = mtp ?? specTokens;
  if (k === undefined || !Number.isInteger(k) || k < 1 || k > 16) throw new UserError(`${mtp !== undefined ? '--mtp' : '--spec-tokens'}: expected draft tokens per step between 1 and 16, found "${k ?? 'nothing'}"`);
  if (mtp !== undefined) return { kind: 'mtp', k, acceptance };
  const dm = resolve(specModel!) as DecoderModel;
  if (!dm || dm.family !== 'decoder') throw new UserError(`--spec-model ${specModel}: the drafter must be a decoder model`);
  return { kind: 'draft', k, acceptance, draftModel: dm };
}

export interface Drafter {
  coster: StepCoster;
  weightsBytes: number; // per device
  kvBytesPerToken: number; // per device
}

/** the drafter's step coster: a draft model on the target's tp where its heads allow, else on one device per rank */
export function makeDrafter(spec: SpecConfig, target: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision): Drafter {
  if (spec.kind === 'mtp') {
    // an eager decode loop (host.decode_step: HF transformers generate(), plain PyTorch) has no multi-token-prediction
    // path: HF's assisted generation drafts with a separate assistant model only (transformers generation/
    // candidate_generator.py), and DeepSeek-V3's reference inference/generate.py never calls its MTP module. Pricing
    // MTP heads there would invent a feature the runtime lacks, so say so instead.
    if (eagerDecodeLoop(hw)) {
      const rt = hw.runtime!;
      throw new UserError(`--mtp: runtime ${rt.id} decodes one eager forward per token (host.decode_step) and has no multi-token-prediction path; use --spec-model ID (assisted generation), or a serving runtime such as vllm, sglang or tensorrt-llm`);
    }
    const m: DecoderModel = { ...target, id: `${target.id}-mtp`, layers: 1, moe: target.moe ? { ...target.moe, dense_layers: 0 } : undefined };
    const lay = buildLayout(m, L.tp, 1, L.attentionDp ? L.ep : undefined, undefined, L.attentionDp, L.dpMoe);
    return { coster: new StepCoster(m, hw, lay, p, 0), weightsBytes: weightBytes(m, lay, p).perDevice, kvBytesPerToken: kvBytesPerToken(m, lay, p) };
  }
  const dm = spec.draftModel!;
  const tp = dm.heads % L.tp === 0 ? L.tp : 1;
  const lay = buildLayout(dm, tp, 1, undefined, undefined, false);
  return { coster: new StepCoster(dm, hw, lay, p, 0), weightsBytes: weightBytes(dm, lay, p).perDevice, kvBytesPerToken: kvBytesPerToken(dm, lay, p) };
}

/** price of one speculative iteration: verify pass of the target + K drafter passes + the drafter's prefill */
export function specPrice(target: StepCoster, drafter: Drafter, k: number): (d: number, ctx: number, P: number, pairs: number) => StepPrice {
  return (d, ctx, P, pairs) => {
    const v = target.price(d, ctx, P + d * k, pairs + d * (k * ctx + (k * (k + 1)) / 2));
    const dr = d > 0 ? drafter.coster.price(d, ctx, 0, 0) : { seconds: 0, flops: 0, bytes: 0 };
    const dp = P > 0 ? drafter.coster.price(0, 0, P, pairs) : { seconds: 0, flops: 0, bytes: 0 };
    return { seconds: v.seconds + k * dr.seconds + dp.seconds, flops: v.flops + k * dr.flops + dp.flops, bytes: v.bytes + k * dr.bytes + dp.bytes };
  };
}

/**
 * Speculative decoding on `simulate`'s steady state, applied after the family engine: the step that serves the
 * batch becomes a verify pass plus K drafter passes, and yields E tokens per sequence instead of one. The change is
 * a ratio of two step prices from the same step-cost function (plain and speculative, at the batch, the mean
 * context L + O/2 and the replacements' prefill, which arrives E times as often), so everything else simulate
 * prices (attention-DP waits, the context integral, pp) is kept:
 *   tpot' = tpot · (spec step / plain step) / E        throughput' = throughput · E / (spec step / plain step)
 */
export function applySpecDecode(
  spec: SpecConfig,
  m: DecoderModel,
  hw: NormalizedHardware,
  L: Layout,
  p: Precision,
  r: { batch: number | null; input_tokens?: number; output_tokens?: number; ttft_s?: number | null; tpot_s?: number | null; e2e_s?: number | null; latency_s: number | null; throughput_tok_s?: number | null; warnings: string[]; work?: { flops: number; bytes: number; seconds: number; items: number; devices: number } | null },
): void {
  const E = tokensPerStep(spec.k, spec.acceptance);
  const B = r.batch ?? 1, Lin = Math.max(1, r.input_tokens ?? 1), O = r.output_tokens ?? 0;
  if (!(O > 1) || r.tpot_s == null || r.throughput_tok_s == null) {
    r.warnings.push('speculative decoding applies to generation: no decode steps here, nothing changed');
    return;
  }
  const coster = new StepCoster(m, hw, L, p);
  const drafter = makeDrafter(spec, m, hw, L, p);
  const ctx = Lin + O / 2;
  const P = (B * Lin) / O; // replacements' prompt tokens per step (steady state)
  const plain = coster.compute(B, ctx, P, Lin);
  const k = spec.k;
  const Ps = E * P;
  const pairs = (Ps * (Lin + 1)) / 2 + B * (k * ctx + (k * (k + 1)) / 2);
  const verify = coster.compute(B, ctx, Ps + B * k, Math.max(1, (2 * pairs) / (Ps + B * k) - 1));
  const draftDecode = drafter.coster.compute(B, ctx, 0, 0);
  const draftPrefill = drafter.coster.compute(0, 0, Ps, Lin);
  const step = { seconds: verify.seconds + k * draftDecode.seconds + draftPrefill.seconds, flops: verify.flops + k * draftDecode.flops + draftPrefill.flops, bytes: verify.bytes + k * draftDecode.bytes + draftPrefill.bytes };
  const ratio = step.seconds / plain.seconds;
  r.tpot_s = (r.tpot_s * ratio) / E;
  r.throughput_tok_s = (r.throughput_tok_s * E) / ratio;
  if (r.ttft_s != null) {
    r.e2e_s = r.ttft_s + (O - 1) * r.tpot_s;
    r.latency_s = r.e2e_s;
  }
  if (r.work) {
    r.work.flops *= step.flops / plain.flops;
    r.work.bytes *= step.bytes / plain.bytes;
    r.work.seconds *= ratio;
    r.work.items *= E;
  }
  const name = spec.kind === 'mtp' ? `${k} MTP head${k > 1 ? 's' : ''}` : `draft ${spec.draftModel!.id}, ${k} tokens`;
  r.warnings.push(`speculative decoding (${name}, acceptance ${spec.acceptance}): ${E.toFixed(2)} tokens per step at ${ratio.toFixed(2)}× the step time; the drafter's weights (${(drafter.weightsBytes / 1e9).toFixed(2)} GB per device) are not in memory`);
}
