// The small kernels a runtime's absorbed MLA decode launches around the ops the decoder graph lists
// (runtime kernels.mla_decode_kernels N). The graph prices MLA decode as its projections, the absorbed kv_b_proj and
// one attention call; SGLang's DeepseekV2AttentionMLA.forward_absorb_prepare / forward_absorb_core also runs, per layer,
// the q_a / kv_a RMSNorms on the latents, the rotary embedding of q_pe / k_pe, the latent KV-cache write, and, by
// platform, casts around the two absorbed BMMs and q / k concatenations (runtimes/sglang.yaml counts them from the
// source, by vendor and architecture). Each lasts at least the part's per-kernel gap (efficiency.kernel_overhead, src/sim/roofline.ts),
// their bytes are a few KB per sequence: they are carried as N more kernels on kv_b_proj, the op that stands for the
// absorbed projections in a decode step, in decode passes only (a prefill runs SGLang's forward_normal instead).
// Hot path: one scan of the op list, in place; nothing is done for runtimes without the field or models without MLA.
import type { GraphOp } from '../model/decoder-graph.js';
import type { NormalizedHardware } from '../spec/types.js';

/** the ops with the runtime's absorbed-MLA decode kernels added to kv_b_proj (mutates `ops`); `decodeOnly`: the pass
 *  holds no prompt tokens */
export function mlaDecodeKernels(ops: GraphOp[], hw: Pick<NormalizedHardware, 'runtime'>, decodeOnly: boolean): GraphOp[] {
  const n = hw.runtime?.kernels?.mlaDecodeKernels;
  if (!decodeOnly || n === undefined || !(n > 0)) return ops;
  for (const op of ops) {
    if (op.name !== 'kv_b_proj') continue;
    op.kernels = (op.kernels ?? 1) + n;
  }
  return ops;
}
