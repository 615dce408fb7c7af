// MMDiT denoisers (Esser et al. 2024, "Scaling Rectified Flow Transformers", arXiv:2403.03206; Black Forest Labs
// Flux.1). Counted as diffusers builds them (SD3Transformer2DModel, FluxTransformer2DModel):
//   patch embedding (conv p×p, in → d) or Flux's x_embedder (Linear(in·p², d) over 2×2-packed latents: the same count);
//   timestep MLP 256 → d → d; Flux: a guidance MLP of the same shape; pooled-text MLP pooled_dim → d → d;
//   context_embedder Linear(context_dim, d);
//   joint (double-stream) block: AdaLayerNormZero per stream (Linear(d, 6d)), q/k/v and added q/k/v, to_out and
//     to_add_out (all with bias), optional q/k RMSNorms over head_dim (4 per block), a GELU FFN (d → r·d → d) per
//     stream; SD3's last block is context_pre_only (AdaLayerNormContinuous Linear(d, 2d), no to_add_out, no text FFN);
//   single-stream block (Flux): AdaLayerNormZeroSingle Linear(d, 3d), q/k/v, proj_mlp Linear(d, r·d),
//     proj_out Linear((1 + r)·d, d), q/k RMSNorms;
//   norm_out Linear(d, 2d), proj_out Linear(d, p²·out).
// SD3 stores a fixed sin-cos position table (pos_embed_max_size² × d) in the checkpoint: counted, as DiT's.
import type { DitModel } from '../../spec/types.js';
import { type ParamCount, compact, sumValues } from './common.js';
import { ditTokens, type DitShape } from './dit.js';

const lin = (i: number, o: number) => i * o + o; // Linear with bias

export function mmditParams(m: DitModel): ParamCount {
  const d = m.hidden;
  const r = m.mlp_ratio;
  const hd = d / m.heads;
  const pv = m.patch * m.patch;
  const ca = m.cross_attention!;
  const qk = m.qk_norm === 'rmsnorm' ? hd : m.qk_norm === 'rmsnorm_across_heads' ? d : 0;
  const ffn = lin(d, r * d) + lin(r * d, d);
  const joint = 2 * lin(d, 6 * d) + 8 * lin(d, d) + 4 * qk + 2 * ffn;
  const jointLast = lin(d, 6 * d) + lin(d, 2 * d) + 7 * lin(d, d) + 4 * qk + ffn; // context_pre_only
  const single = lin(d, 3 * d) + lin(d, r * d) + 3 * lin(d, d) + 2 * qk + lin((1 + r) * d, d);
  const nJoint = m.layers;
  const breakdown = compact({
    patch_embedding: lin(m.in_channels * pv, d),
    position: m.position_table * m.position_table * d,
    timestep_embedding: lin(256, d) + lin(d, d),
    guidance_embedding: m.guidance_embed ? lin(256, d) + lin(d, d) : 0,
    pooled_embedding: m.pooled_dim > 0 ? lin(m.pooled_dim, d) + lin(d, d) : 0,
    context_embedder: lin(ca.context_dim, d),
    joint_blocks: m.context_pre_only_last ? (nJoint - 1) * joint + jointLast : nJoint * joint,
    single_blocks: m.single_blocks * single,
    final_layer: lin(d, 2 * d) + lin(d, pv * m.out_channels),
  });
  const total = sumValues(breakdown);
  return { total, active: total, embedding: breakdown.position ?? 0, breakdown };
}

/** multiply-adds of one forward for one sample: N image tokens, L text tokens; attention over N + L jointly */
export function mmditForwardMacs(m: DitModel, shape: DitShape = {}): number {
  const d = m.hidden;
  const r = m.mlp_ratio;
  const { spatial: N } = ditTokens(m, shape);
  const ca = m.cross_attention!;
  const L = ca.context;
  const J = N + L;
  const stream = (4 + 2 * r) * d * d; // q, k, v, out + FFN per token
  const attn = 2 * J * J * d; // QKᵀ and AV over the joint sequence
  let macs = m.layers * ((N + L) * stream + attn + 12 * d * d);
  if (m.context_pre_only_last) macs -= L * (1 + 2 * r) * d * d; // last block: no to_add_out, no text FFN
  macs += m.single_blocks * (J * (4 + 2 * r) * d * d + attn + 3 * d * d);
  macs += N * m.in_channels * m.patch * m.patch * d + L * ca.context_dim * d; // patch and context embedders
  macs += (256 + d) * d * (m.guidance_embed ? 2 : 1) + (m.pooled_dim + d) * d; // timestep, guidance, pooled MLPs
  macs += 2 * d * d + N * d * m.patch * m.patch * m.out_channels; // norm_out, proj_out
  return macs;
}
