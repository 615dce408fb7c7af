// A prompt run as physical batches (ubatches): llama.cpp splits a llama_decode call into passes of at most n_ubatch
// tokens (common/common.h: n_batch = 2048 logical, n_ubatch = 512 physical; llama-bench -ub, default 512), and
// mlx_lm prefills in steps of prefill_step_size (mlx_lm/generate.py generate_step: 2048). Each pass multiplies ALL the
// weights again with its own rows: a MoE layer's experts see ubatch·top_k/experts rows each, not prompt·top_k/experts,
// so grouped-GEMM tiles stay as empty at pp4096 as at pp512 (ggml MMQ MUL_MAT_ID picks its tile from the ubatch's
// token count, runtimes/llama.cpp.yaml group_tile_from_tokens). Attention is not split: chunk i attends to the i·u
// cached tokens before it and causally to its own, which sums to the causal attention of the whole prompt (ggml's
// masked attention over the KV view; see kernels.attention_mask_scan) — so it is taken from the one-pass prefill.
//
//   prefill(L) = attention(L) + head(L) + (L/u) · body(u)      (the last, partial ubatch at its share: src/sim/decoder.ts)
//
// body: every op but attention and the output head; head: final norm, lm_head, the tensor-parallel logits gather and
// sampling, which llama-bench runs for the prompt's last token only (the gather moves the head's [sequences, vocab/tp]
// slices: sized by the sequences that sample, as the head is, not by a ubatch's one-sequence shape).
import type { PassCost } from './decoder.js';
import type { OpRow } from './types.js';
import { SAMPLER_OPS } from './sampler-ops.js';

/** the ops a prompt runs once, whatever its ubatches, besides attention over the whole prompt and the output head
 *  (op.head, whatever it is named: src/sim/decoder.ts onceOp) */
export const ONCE_OPS: ReadonlySet<string> = new Set(['final_norm', 'logits_gather', 'sampling', ...SAMPLER_OPS]);

/**
 * once + passes·body(u): one pass's cost from its parts (rows merged by op, counts scaled, in the order of `order`, the
 * op names of the one-pass shape)
 */
export function combineUbatches(once: PassCost, body: PassCost, passes: number, order: readonly string[] = []): PassCost {
  const parts: [PassCost, number][] = [[once, 1], [body, passes]];
  const sum = (k: 'seconds' | 'computeS' | 'memoryS' | 'commS' | 'overheadS' | 'flops' | 'bytes') => parts.reduce((a, [c, n]) => a + c[k] * n, 0);
  // the bound of the part that takes most of the time
  let bound = once.bound, most = once.seconds;
  if (body.seconds * passes > most) bound = body.bound;
  const out: PassCost = { seconds: sum('seconds'), computeS: sum('computeS'), memoryS: sum('memoryS'), commS: sum('commS'), overheadS: sum('overheadS'), flops: sum('flops'), bytes: sum('bytes'), bound };
  if (once.rows && body.rows) {
    const byName = new Map<string, OpRow>();
    const rows: OpRow[] = [];
    for (const [c, n] of parts) {
      for (const r of c.rows ?? []) {
        const have = byName.get(r.name);
        if (have) {
          have.count += r.count * n; have.flops += r.flops * n; have.bytes += r.bytes * n; have.seconds += r.seconds * n;
        } else {
          const row = { ...r, count: r.count * n, flops: r.flops * n, bytes: r.bytes * n, seconds: r.seconds * n };
          byName.set(r.name, row);
          rows.push(row);
        }
      }
    }
    const at = (name: string) => { const i = order.indexOf(name); return i < 0 ? order.length : i; };
    out.rows = rows.sort((a, b) => at(a.name) - at(b.name));
  }
  return out;
}
