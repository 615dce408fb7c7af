import type { DecoderShape } from './shapes.js';

// PyTorch op-level selective activation checkpointing as torchtitan applies it to each transformer block
// (pytorch/torchtitan torchtitan/models/llama3/infra/parallelize.py, `_apply_ac_to_transformer_block` with
// selective_ac_option "op"; torchtitan/parallelisms/parallelize_llama.py in the Dec 2024 release): a fresh counter per
// block and pass, every aten.mm counted in call order, and "Saves output of all compute ops, except every second mm" —
// the outputs of the odd-numbered mms and of SDPA (flash / efficient attention) are saved, everything else (the
// even-numbered mms, norms, RoPE, SwiGLU, casts, residual adds) runs again before the backward. A Llama block calls
// wq, wk, wv (Attention.forward), wo, then w1, w3, w2 (FeedForward: w2(silu(w1(x)) · w3(x))): wk, wo and w3 rerun.
// Attention is saved, so it is not recomputed (backward 2×, not the 2.5× of core_attn recompute).
// The mm call order of a dense block (name of the op here, its output width).
function opSacMms(s: DecoderShape): { op: string; width: number }[] {
  const vKv = s.kvDim === s.qDim ? s.vDim : s.kvDim;
  const ffn = s.gated
    ? [{ op: 'ffn_in', width: s.ffnWidth }, { op: 'ffn_in', width: s.ffnWidth }, { op: 'ffn_out', width: s.hidden }]
    : [{ op: 'ffn_in', width: s.ffnWidth }, { op: 'ffn_out', width: s.hidden }];
  return [{ op: 'qkv', width: s.qDim }, { op: 'qkv', width: s.kvDim }, { op: 'qkv', width: vKv }, { op: 'attn_out', width: s.hidden }, ...ffn];
}

/** share of a dense-block GEMM op's forward that torchtitan's op SAC reruns before the backward (0 = saved) */
export function opSacRecomputeShare(s: DecoderShape, opName: string): number {
  const mms = opSacMms(s);
  let all = 0;
  let again = 0;
  mms.forEach((mm, i) => {
    if (mm.op !== opName) return;
    all += mm.width;
    if ((i + 1) % 2 === 0) again += mm.width;
  });
  return all > 0 ? again / all : 0;
}

/** bf16 bytes per token a dense block keeps under torchtitan's op SAC: its input, the saved mms' outputs, SDPA's output */
export function opSacSavedBytesPerToken(s: DecoderShape): number {
  const saved = opSacMms(s).filter((_, i) => (i + 1) % 2 === 1).reduce((a, mm) => a + mm.width, 0);
  return 2 * (s.hidden + saved + s.vDim);
}
