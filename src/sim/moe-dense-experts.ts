// A MoE block that runs every expert over every token (runtime kernels.moe_dense_models): optimum-habana's
// GaudiGptOssExperts.forward on an HPU outside training takes the dense path, hidden_states.repeat(num_experts, 1) and
// batched matmuls over all num_experts experts' gate_up_proj / down_proj, each expert's output then weighted by its
// routing weight (zero for the experts a token did not pick) and summed over the experts
// (optimum/habana/transformers/models/gpt_oss/modeling_gpt_oss.py; the per-hit-expert loop runs on CPU or in training
// only). The decoder graph (src/model/decoder-graph.ts) prices the experts the T tokens touch and their T·k rows; here
// experts_up / experts_act / experts_down are repriced for all E experts over T·E rows: every expert's weights read,
// E/k times the FLOPs and the activation traffic. The repeat's copy and the weighted sum over E rows are priced as the
// permute and finalize of k = E would be (their ops keep the T·k figures: a lower bound).
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import { expertsTouched, type GraphOp } from '../model/decoder-graph.js';
import type { Layout } from './parallel.js';

/** whether the runtime runs this model's MoE blocks densely over every expert (a model id that starts with a listed prefix) */
export function moeDenseFor(hw: Pick<NormalizedHardware, 'runtime'>, m: Pick<DecoderModel, 'id' | 'moe'>): boolean {
  const list = hw.runtime?.kernels?.moeDenseModels;
  return !!m.moe && !!list && list.some((prefix) => m.id.startsWith(prefix));
}

/** the pass's ops with the routed experts' GEMMs and activation over every expert and token where the runtime runs the
 *  MoE densely (`ops` itself otherwise) */
export function moeDenseExperts(ops: GraphOp[], hw: Pick<NormalizedHardware, 'runtime'>, m: DecoderModel, L: Pick<Layout, 'ep'>): GraphOp[] {
  if (!moeDenseFor(hw, m) || !m.moe) return ops;
  const E = m.moe.experts;
  const k = Math.min(m.moe.active, E);
  if (!(E > k)) return ops;
  const rowScale = E / k;
  return ops.map((o) => {
    if (o.name !== 'experts_up' && o.name !== 'experts_down' && o.name !== 'experts_act') return o;
    const T = o.batchTokens ?? 0;
    if (o.name === 'experts_act') return { ...o, flops: o.flops * rowScale, bytes: o.bytes * rowScale };
    if (!(T > 0)) return o;
    const touched = expertsTouched(E, k, T);
    const w = o.weightBytes * (E / touched);
    const groups = L.ep > 1 ? E / L.ep : E;
    return { ...o, flops: o.flops * rowScale, weightBytes: w, bytes: w + (o.bytes - o.weightBytes) * rowScale, groups, m: T };
  });
}
