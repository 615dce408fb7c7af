// How the bound runtime runs a model with multi-head latent attention (DeepSeek-V2/V3): over the compressed latent
// (absorbed, the default), or expanded to per-head keys and values (runtime kernels.mla: expanded).
//
// Expanded is what vLLM did for DeepSeek before v0.7.1: DeepseekV2Attention (vllm/model_executor/models/deepseek_v2.py,
// the only DeepSeek attention class until the MLA backends of v0.7.1, and the use_mla = False path after) up-projects
// the latent through kv_b_proj to k_nope and v per head, concatenates the rope key into k = [nope ‖ rope] (192 wide),
// zero-pads v from v_head_dim (128) to the same 192 ("padding value to qk_head_dim for alignment") and calls the
// ordinary paged attention with heads/tp KV heads of head size 192. The cache then holds K and V per local head,
// 2·(heads/tp)·(nope + rope)·bytes per token per layer, instead of the (kv_lora_rank + rope)·bytes latent every tp
// rank holds: 2·16·192 / 576 = 10.7× more at DeepSeek-V3 TP 8. vLLM's own measurement of the change (Neural Magic,
// "Enhancing DeepSeek Models with MLA and FP8 Optimizations in vLLM", Feb 2025, v0.7.0 → v0.7.1 on 8x H200): KV token
// capacity 54,560 → 512,000 (9.4×; v0.7.1 also held the absorbed projection matrices in memory).
import type { DecoderModel, NormalizedHardware, NormalizedModel } from '../spec/types.js';

const EXPANDED = new WeakMap<DecoderModel, DecoderModel>();

/** the model as the runtime caches its attention: MLA models under a runtime with kernels.mla 'expanded' get a
 *  per-head K/V cache (attention.cache 'expanded'); every other model and runtime is returned unchanged */
export function modelForRuntime<M extends NormalizedModel>(m: M, hw: Pick<NormalizedHardware, 'runtime'>): M {
  if (m.family !== 'decoder') return m;
  const d = m as unknown as DecoderModel;
  if (d.attention?.kind !== 'mla' || hw.runtime?.kernels?.mla !== 'expanded' || d.attention.cache === 'expanded') return m;
  // one derived object per model, so the pass memo (keyed by the model object) keeps working across calls
  let e = EXPANDED.get(d);
  if (!e) {
    e = { ...d, attention: { ...d.attention, cache: 'expanded' } };
    EXPANDED.set(d, e);
  }
  return e as unknown as M;
}
