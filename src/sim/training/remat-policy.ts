import type { DecoderShape } from './shapes.js';

// MaxText's remat policies (`remat_policy` in the configs' base.yml): jax.checkpoint around each scanned decoder layer
// with a jax.checkpoint_policies policy over the checkpoint_name tags the layers put on their matmul outputs
// ("query_proj", "key_proj", "value_proj", GPT-3's fused "qkv_proj", "out_proj", "mlpwi" / "mlpwi_0" / "mlpwi_1"
// (the MLP input projections, before the activation), "mlpwo") and on the attention kernel's output ("context").
// AI-Hypercomputer/maxtext src/maxtext/layers/decoders.py @e591f30cbbf217ed67ef71263ec0538239f9c3b8
// (Decoder.minimal_policy, get_remat_policy); MaxText/layers/models.py @9c647e01dc27a1d6781d0c21ab5a74ebe414229f (Oct
// 2024: "minimal" = checkpoint_dots_with_no_batch_dims, every weight matmul, not the flash kernel); MaxText/layers/
// models.py @f586e43f7ee92c701515fe0a2db17dc50f18dc81 (May 2024, the MLPerf v4.0 runs: "save_dot_except_logits_ffn1" =
// save_only_these_names q/k/v, qkv_proj, out_proj, ffn2 (the MLP output), wv_prod (dot-product attention only), i.e.
// the MLP input side "ffn1" recomputed). Saved per policy:
//   minimal                           q/k/v, out_proj, mlpwi, mlpwo (every weight matmul; attention core rerun)
//   minimal_with_context (minimal_flash) the same and context
//   save_dot_with_context_except_mlp  q/k/v, context, out_proj
//   save_dot_except_mlpwi             q/k/v, out_proj, mlpwo
//   save_dot_except_logits_ffn1       the same (its May 2024 name)
//   save_dot_except_mlp               q/k/v, out_proj
//   save_qkv_proj                     q/k/v
//   save_out_proj                     out_proj
//   qkv_proj_offloaded                q/k/v, offloaded to pinned host memory (save_and_offload_only_these_names)
//   minimal_offloaded                 minimal's names, offloaded to pinned host memory
// ("full" is nothing saved: `--recompute full`.) Everything not saved that the backward needs is recomputed from the
// layer's input (the scan carry) and the saved tensors before the layer's backward; jax.checkpoint's partial
// evaluation drops what the backward does not need. So per dense block:
//  - a weight matmul whose output is not saved runs its forward again — except the MLP output projection (mlpwo),
//    whose output only enters the residual add into the layer's output (the next layer's saved input): no gradient
//    in the layer reads it, so it is never rerun;
//  - the attention kernel's forward runs again unless "context" is saved (the flash backward needs its output);
//  - norms, activation, rotary, residual adds and casts are rerun (their inputs are not saved);
//  - device memory keeps the layer input and the saved outputs (bf16), none of the offloaded ones.
// MoE and MLA blocks keep the engine's module model (their tags under these policies are not modelled here).
export const REMAT_POLICIES = [
  'minimal',
  'minimal_with_context',
  'save_dot_with_context_except_mlp',
  'save_dot_except_mlpwi',
  'save_dot_except_logits_ffn1',
  'save_dot_except_mlp',
  'save_qkv_proj',
  'save_out_proj',
  'qkv_proj_offloaded',
  'minimal_offloaded',
] as const;
export type RematPolicy = (typeof REMAT_POLICIES)[number];

interface Saves {
  qkv: boolean;
  outProj: boolean;
  mlpwi: boolean;
  context: boolean;
  offloaded: boolean; // the saved tensors live in host memory, not on the device
}
const S = (qkv: boolean, outProj: boolean, mlpwi: boolean, context: boolean, offloaded = false): Saves => ({ qkv, outProj, mlpwi, context, offloaded });
const SAVES: Record<RematPolicy, Saves> = {
  minimal: S(true, true, true, false),
  minimal_with_context: S(true, true, true, true),
  save_dot_with_context_except_mlp: S(true, true, false, true),
  save_dot_except_mlpwi: S(true, true, false, false),
  save_dot_except_logits_ffn1: S(true, true, false, false),
  save_dot_except_mlp: S(true, true, false, false),
  save_qkv_proj: S(true, false, false, false),
  save_out_proj: S(false, true, false, false),
  qkv_proj_offloaded: S(true, false, false, false, true),
  minimal_offloaded: S(true, true, true, false, true),
};

/** share of a dense-block op's forward that the MaxText policy runs again before the backward (0 = kept) */
export function rematRecomputeShare(policy: RematPolicy, opName: string, kind: string): number {
  const s = SAVES[policy];
  // the attention kernel and ring-CP's forward merges of its partial results (./cp-merge.ts; their backward-only
  // counterpart is not a forward)
  if (kind === 'attention' || opName === 'cp_merge') return s.context ? 0 : 1;
  if (opName === 'cp_grad_merge') return 0;
  switch (opName) {
    case 'qkv':
      return s.qkv ? 0 : 1;
    case 'attn_out':
      return s.outProj ? 0 : 1;
    case 'ffn_in':
      return s.mlpwi ? 0 : 1;
    case 'ffn_out':
      return 0;
    default:
      return 1;
  }
}

/** bytes per token a dense block keeps on the device under the policy: its input and the saved outputs (bf16) */
export function rematSavedBytesPerToken(s: DecoderShape, policy: RematPolicy): number {
  const p = SAVES[policy];
  if (p.offloaded) return 2 * s.hidden;
  const vKv = s.kvDim === s.qDim ? s.vDim : s.kvDim;
  const qkv = p.qkv ? s.qDim + s.kvDim + vKv : 0;
  const out = p.outProj ? s.hidden : 0;
  const wi = p.mlpwi ? (s.gated ? 2 : 1) * s.ffnWidth : 0;
  const ctx = p.context ? s.vDim : 0;
  return 2 * (s.hidden + qkv + out + wi + ctx);
}
