// Cache traffic of a decode step that Hugging Face transformers' generate() pays beyond the attention kernel's own read
// of the K/V cache, for decoders with per-head K/V (MLA models and models without a decode step are left as they are):
//
// runtime kernels.kv_append copy: the self-attention cache grows by torch.cat (DynamicCache.update: `self.key_cache[i] =
// torch.cat([self.key_cache[i], key_states], dim=-2)`, the same for the values): every decode step allocates a new
// tensor and copies the whole cache into it, K and V of every layer. A `kv_append` op per attention layer before the
// attention call, reading the cache and writing it again (2× the bytes the attention reads per context token),
// kv_append_kernels launches (default 2: one torch.cat each). The runtime already declares this for Whisper's decoder
// (src/model/whisper-graph.ts); a decoder LLM's DynamicCache is the same class.
//
// runtime kernels.kv_repeat materialized: the attention layer expands the cached K/V to every query head before the
// attention call (`repeat_kv`: hidden_states[:, :, None].expand(b, h_kv, n_rep, s, d).reshape(b, h_kv·n_rep, s, d), a
// copy, since an expanded tensor cannot be viewed into that shape): a `kv_repeat` op that reads the cache once and
// writes n_rep copies, and an attention call that then reads the n_rep copies as plain multi-head attention (h_q
// heads of K/V, queriesPerKv 1). Transformers' Qwen2FlashAttention2 / MistralFlashAttention2 did this before calling
// flash-attn, which needs no repeat (huggingface/transformers PR #34505 'Remove useless repeat_kv for
// Qwen2FlashAttention2 to avoid CUDA OOM', 2024-10-30, closed unmerged: still in v4.46), and the *SdpaAttention classes
// of 4.36-4.47 did (they called SDPA without enable_gqa); the attention refactor of v4.48 dropped it from the
// flash-attention path. Transformers 5.x's sdpa_attention_forward repeats only where use_gqa_in_sdpa is false (an
// attention mask, or torch < 2.5; integrations/sdpa_attention.py), so the base `transformers` runtime leaves it unset.
//
// Hot path: nothing is done for runtimes without the fields; otherwise one scan of a ~20-op list and new ops built
// with the graph's own op shape (never a property added to an existing op).
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import type { GraphOp } from '../model/decoder-graph.js';

/** `ops` with the runtime's per-step cache copies before each decode attention op (`ops` itself where it adds none) */
export function cacheCopies(ops: GraphOp[], hw: Pick<NormalizedHardware, 'runtime'>, m: DecoderModel): GraphOp[] {
  const k = hw.runtime?.kernels;
  const append = k?.kvAppend === 'copy';
  const repeat = k?.kvRepeat === 'materialized';
  if (!append && !repeat) return ops;
  if (m.attention?.kind === 'mla') return ops;
  let out: GraphOp[] | undefined;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.kind !== 'attention' || !(o.bytesPerCtx > 0) || o.queriesPerKv === undefined || !o.name.startsWith('attention_decode')) {
      out?.push(o);
      continue;
    }
    out ??= ops.slice(0, i);
    if (append) out.push(copyOp('kv_append', 2 * o.bytesPerCtx, k?.kvAppendKernels ?? 2, o));
    const nRep = repeat ? o.queriesPerKv : 1;
    if (nRep > 1) {
      out.push(copyOp('kv_repeat', (1 + nRep) * o.bytesPerCtx, 2, o));
      out.push({ ...o, bytesPerCtx: nRep * o.bytesPerCtx, queriesPerKv: 1, kvHeadSeqs: o.kvHeadSeqs === undefined ? undefined : o.kvHeadSeqs * nRep });
    } else out.push(o);
  }
  return out ?? ops;
}

/** a memory-bound copy over the attention op's context (its window, layer count and dtype), `kernels` launches */
function copyOp(name: string, bytesPerCtx: number, kernels: number, attn: GraphOp): GraphOp {
  return {
    name, kind: 'elementwise', flops: 0, bytes: 0, weightBytes: 0, dtype: attn.dtype, count: attn.count,
    flopsPerCtx: 0, bytesPerCtx, window: attn.window, kernels, fusedInto: undefined, cache: true,
  };
}
