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

// Absorbed prefill is what SGLang 0.4's Triton attention backend (the only one on ROCm, the default on CUDA until
// FlashInfer MLA, opt-in from 0.4.3) does for any extend batch with a cached prefix: DeepseekV2AttentionMLA.forward
// takes forward_normal (up-projected K/V) only when forward_batch.extend_prefix_lens.sum() == 0, else forward_absorb,
// whose extend kernel scores each head over the 576-wide latent and sums 512-wide latent values (3.4× the FLOPs per
// query·key pair of the 192/128 expanded heads). Chunked prefill (on by default) makes every chunk after a prompt's first
// carry that prompt's earlier chunks as a prefix, and the radix cache (on by default) matches shared leading tokens: a
// batch with no prefix at all is the exception.
const EXPANDED = new WeakMap<DecoderModel, DecoderModel>();
const ABSORBED_PREFILL = new WeakMap<DecoderModel, DecoderModel>();

/** the model as the runtime caches its attention: MLA models under a runtime with kernels.mla 'expanded' get a
 *  per-head K/V cache (attention.cache 'expanded'), under one with kernels.mla_prefill 'absorbed' an absorbed prefill
 *  (attention.prefill 'absorbed'); every other model and runtime is returned unchanged */
export function modelForRuntime<M extends NormalizedModel>(m: M, hw: Pick<NormalizedHardware, 'runtime'>): M {
  if (m.family !== 'decoder') return m;
  const d = m as unknown as DecoderModel;
  if (d.attention?.kind !== 'mla') return m;
  if (hw.runtime?.kernels?.mla !== 'expanded') {
    if (hw.runtime?.kernels?.mlaPrefill !== 'absorbed' || d.attention.prefill === 'absorbed') return m;
    let a = ABSORBED_PREFILL.get(d);
    if (!a) {
      a = { ...d, attention: { ...d.attention, prefill: 'absorbed' } };
      ABSORBED_PREFILL.set(d, a);
    }
    return a as unknown as M;
  }
  if (d.attention.cache === 'expanded') return m;
  // one derived object per model, so the pass memo (keyed by the model object) keeps working across calls
  let e = EXPANDED.get(d);
  if (!e) {
    e = { ...d, attention: { ...d.attention, cache: 'expanded' } };
    EXPANDED.set(d, e);
  }
  return e as unknown as M;
}
