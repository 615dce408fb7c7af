// ZeRO-3 gathers one module's parameters per fetch (runtime training.zero3_gather: module). DeepSpeed's hooks fetch
// each submodule's own parameters before it runs (deepspeed/runtime/zero/partitioned_param_coordinator.py @v0.16.9
// fetch_sub_module: params_to_fetch = iter_params(current_submodule, recurse=z3_leaf_module(...)), one
// __all_gather_params call for them and one for the prefetch that follows, each an all_gather_coalesced: one NCCL
// all-gather per call). The prefetch pops parameters off the recorded trace until stage3_prefetch_bucket_size elements
// (default 5e7; the Hugging Face integration fills "auto" with 0.9·hidden²), at most up to stage3_max_live_parameters
// (default 1e9) gathered at once. Once that limit binds, each fetch tops the prefetch up by about the module just
// consumed, so a step issues about one all-gather per parameter-holding module per pass, sized as that module: priced so
// here. A model whose parameters fit under the limit (a small dense one) is gathered a bucket at a time, in about
// params / bucket calls: fewer, larger gathers than priced (LOW for such models; the MoE models this mode exists for
// hold ~30e9 parameters). Parameters under stage3_param_persistence_threshold (norm weights) stay gathered and are not
// counted.
// A mixture-of-experts layer whose block is not a ZeRO-3 leaf module fetches each expert's projections on their own:
// 3·E all-gathers of h·f each, where a bucketed layout would move the layer's experts in a few large collectives. Small
// collectives are latency-bound, which the size-shaped collective rate prices (./collective-time.ts). A block marked as a
// ZeRO-3 leaf (deepspeed.utils.set_z3_leaf_modules; runtime training.zero3_moe_leaf) is one module: its router and
// experts are fetched in one gather (fetch_sub_module recurses into a leaf's parameters).
import type { DecoderShape } from './shapes.js';
import { expertTp, type PlanShape } from './plan.js';

/** gathers of one kind: `count` all-gathers of `params` parameters each, on one device per pass */
export interface ModuleGathers {
  count: number;
  params: number;
}

/**
 * The all-gathers of one forward (or backward) pass on one device of the average pipeline stage, by module: dense
 * parameters (attention projections, dense FFN, router, shared expert, embedding, LM head) and routed experts; `leaf`:
 * each MoE block (router and routed experts) one gather.
 */
export function zero3ModuleGathers(s: DecoderShape, p: PlanShape, leaf = false): { dense: ModuleGathers[]; expert: ModuleGathers[] } {
  const layers = s.layers / p.pp;
  const dense = layers * (s.denseLayers / s.layers);
  const moe = layers * (s.moeLayers / s.layers);
  const h = s.hidden;
  const mods = s.gated ? 3 : 2; // gate, up, down projections (or in, out)
  const out: { dense: ModuleGathers[]; expert: ModuleGathers[] } = { dense: [], expert: [] };
  const add = (list: ModuleGathers[], count: number, params: number) => {
    if (count > 0 && params > 0) list.push({ count, params });
  };
  // q, k, v, o projections (an MLA layer has more, smaller ones: counted as four of its attention parameters)
  add(out.dense, 4 * layers, s.attnParams / 4 / p.tp);
  add(out.dense, mods * dense, (s.ffnWidth * h) / p.tp);
  if (!leaf) add(out.dense, moe, s.experts * h); // router (replicated; in a leaf block's gather, below)
  if (s.sharedWidth > 0) add(out.dense, mods * moe, (s.sharedWidth * h) / p.tp);
  add(out.dense, 1 / p.pp, s.paramsEmbedding / p.tp);
  if (s.paramsHead > 0) add(out.dense, 1 / p.pp, s.paramsHead / p.tp);
  const expert = (s.expertWidth * h) / expertTp(p);
  if (leaf) add(out.expert, moe, mods * (s.experts / p.ep) * expert + s.experts * h);
  else add(out.expert, mods * moe * (s.experts / p.ep), expert);
  return out;
}

// DeepSpeed's stage3_max_reuse_distance: 1e9 parameters by default (deepspeed/runtime/zero/config.py @v0.16.9
// DeepSpeedZeroConfig.max_reuse_distance = pp_int(1e9); Hugging Face's and ms-swift's ZeRO-3 configs set 1e9 too).
export const ZERO3_MAX_REUSE_DISTANCE = 1e9;

/** modules of one decoder layer in forward order, as `count` modules of `params` each; `expert`: routed-expert group */
interface LayerModules {
  count: number;
  params: number;
  expert: boolean;
}

/**
 * The modules a full-recompute backward gathers a second time under DeepSpeed's ZeRO-3. With activation checkpointing
 * the backward of a layer reruns its forward (each module's pre-forward hook fetches it, the post-forward hook releases
 * it) and then runs the module backwards in reverse order. release_sub_module keeps a module's parameters only when
 * __params_to_release, walking the recorded trace forward from that point, meets the module again before it has
 * passed max_reuse_distance parameters (partitioned_param_coordinator.py @v0.16.9: `for module in
 * self.__submodule_order[step_id:]: if params_traversed >= self.__max_reuse_dist_in_numel: break`). After module i's
 * recompute the trace holds the layer's later modules twice (their recompute, then their backward) before module i's
 * own backward, so module i is gathered again iff 2·(parameters of the layer's modules after it) ≥ the distance: the
 * last modules of a layer stay, the first ones go once the layer holds more than ~half the distance (GPT-3 175B's
 * 1.8e9-parameter layer: all but the second FFN projection; Llama-70B's attention projections; an 8B model's none).
 * Without recompute the forward's parameters are long released before the backward (the 2 gathers already priced).
 * Same list shape as zero3ModuleGathers, per pass of the layers recomputed.
 */
export function zero3RecomputeRegathers(s: DecoderShape, p: PlanShape, leaf = false, reuse = ZERO3_MAX_REUSE_DISTANCE): { dense: ModuleGathers[]; expert: ModuleGathers[] } {
  const layers = s.layers / p.pp;
  const h = s.hidden;
  const mods = s.gated ? 3 : 2;
  const attn: LayerModules = { count: 4, params: s.attnParams / 4 / p.tp, expert: false };
  const expert = (s.expertWidth * h) / expertTp(p);
  const shared: LayerModules[] = s.sharedWidth > 0 ? [{ count: mods, params: (s.sharedWidth * h) / p.tp, expert: false }] : [];
  const denseLayer: LayerModules[] = [attn, { count: mods, params: (s.ffnWidth * h) / p.tp, expert: false }];
  const moeLayer: LayerModules[] = leaf
    ? [attn, { count: 1, params: mods * (s.experts / p.ep) * expert + s.experts * h, expert: true }, ...shared]
    : [attn, { count: 1, params: s.experts * h, expert: false }, { count: mods * (s.experts / p.ep), params: expert, expert: true }, ...shared];
  const out: { dense: ModuleGathers[]; expert: ModuleGathers[] } = { dense: [], expert: [] };
  const addLayer = (mods: LayerModules[], times: number) => {
    if (!(times > 0)) return;
    let after = 0; // parameters of the layer's modules after the current group
    for (let gi = mods.length - 1; gi >= 0; gi--) {
      const g = mods[gi]!;
      if (g.count > 0 && g.params > 0) {
        // the k-th module from the group's end (k = 1, 2, …) has after + (k−1)·params behind it; it is gathered again
        // once 2·that ≥ reuse
        const kept = Math.min(g.count, Math.max(0, Math.ceil((reuse / 2 - after) / g.params)));
        const again = g.count - kept;
        if (again > 0) (g.expert ? out.expert : out.dense).push({ count: again * times, params: g.params });
        after += g.count * g.params;
      }
    }
  };
  addLayer(denseLayer, layers * (s.denseLayers / s.layers));
  addLayer(moeLayer, layers * (s.moeLayers / s.layers));
  return out;
}
