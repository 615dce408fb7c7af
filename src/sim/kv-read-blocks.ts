// Tokens of KV cache one decode step's attention reads for a sequence of `context` tokens.
//
// A static-shape runtime attends over its whole compiled context (runtime shapes.static_context: src/sim/memory.ts
// kvTokens). A paged kernel that loads each sequence's KV in fixed blocks of pages reads the last block whole: the
// Pallas TPU paged_attention kernel copies pages_per_compute_block pages per grid step and runs every step that starts
// before the sequence's length (jax.experimental.pallas.ops.tpu.paged_attention as vendored in AI-Hypercomputer/JetStream
// experimental/jax/inference/kernel/attention/tpu/paged_attention.py @00dc5a61: create_kv_async_copy_descriptors,
// pages_to_load = pages_per_compute_block; pl.when(i * bk < length)), so a sequence reads its context rounded up to a
// multiple of bk = pages_per_compute_block × page_size tokens (runtime kernels.decode_kv_block). Applied to the
// batch's mean context (a step prices its sequences at their mean): exact while every context sits in one block.
import type { NormalizedHardware } from '../spec/types.js';
import { kvTokens } from './memory.js';

export function decodeKvTokens(hw: NormalizedHardware, context: number): number {
  const block = hw.runtime?.kernels?.decodeKvBlock;
  const read = block && block > 1 && context > 0 ? Math.ceil(context / block) * block : context;
  return kvTokens(hw, read);
}
