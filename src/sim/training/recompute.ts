// `--recompute auto` (the default): the cheapest activation-recompute policy under which the peak pipeline rank fits,
// tried in order of cost (pure):
//
//   none → selective [core_attn] → + layernorm → + moe_act (MoE) → + mla_up_proj (MLA)
//        → full, block-wise: k = 1, 2, … layers of every model chunk → full (every layer)
//
// - none keeps the attention scores (Korthikanti et al. 2022 §4.1); selective core_attn drops them at the price of
//   recomputing softmax(QK^T) — Megatron-LM's default `--recompute-granularity selective` (Korthikanti §4.2), and
//   what FlashAttention does anyway.
// - layernorm, moe_act and mla_up_proj are Megatron-Core's output-discarding recompute modules (transformer_config.py
//   recompute_modules): a memory-bound norm or activation, or MLA's small up-projection GEMMs, run again in backward.
//   DeepSeek-V3 trained with exactly these (report §3.2.3: "we recompute all RMSNorm operations and MLA
//   up-projections during back-propagation"; §3.3.3: SwiGLU inputs cached, outputs recomputed).
// - block-wise full recompute (Megatron `--recompute-granularity full --recompute-method block
//   --recompute-num-layers k`) keeps only the inputs of the first k layers of every model chunk and reruns their
//   forward; k rises until it fits. NVIDIA's tuned recipes use it where memory is short (Megatron-Bridge Llama 3.1
//   405B NVFP4 on B200/GB200 PP16: recompute_num_layers 1).
// The policy used is reported (recompute, recompute_modules, recompute_num_layers); step time includes its cost.
import type { DecoderShape } from './shapes.js';
import type { PlanShape } from './plan.js';
import type { RecomputeModule, RecomputePolicy } from './types.js';

export function recomputeLadder(s: DecoderShape, p: PlanShape): RecomputePolicy[] {
  const out: RecomputePolicy[] = [{ granularity: 'none', modules: [], numLayers: null }];
  const mods: RecomputeModule[] = ['core_attn'];
  out.push({ granularity: 'selective', modules: [...mods], numLayers: null });
  mods.push('layernorm');
  out.push({ granularity: 'selective', modules: [...mods], numLayers: null });
  if (s.moeLayers > 0) {
    mods.push('moe_act');
    out.push({ granularity: 'selective', modules: [...mods], numLayers: null });
  }
  if (s.mla) {
    mods.push('mla_up_proj');
    out.push({ granularity: 'selective', modules: [...mods], numLayers: null });
  }
  const v = p.schedule === 'dualpipe' ? 1 : Math.max(1, p.interleave);
  const chunk = Math.ceil(s.layers / (p.pp * v));
  for (let k = 1; k < chunk; k++) out.push({ granularity: 'full', modules: [], numLayers: k });
  out.push({ granularity: 'full', modules: [], numLayers: null });
  return out;
}
