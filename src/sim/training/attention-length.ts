// A fused causal attention kernel's rate at a training sequence length, relative to its long-sequence rate.
//
// Each thread block of a FlashAttention-style kernel loads one query tile, loops over the key tiles it may see, then
// rescales and writes its output: the fixed part (prologue, softmax rescale, epilogue) is amortized over the loop,
// whose length grows with the keys per query (s/2 on average, causal). So at the sequence lengths pre-training runs
// (2k-8k) the kernel reaches well under the long-sequence rate that hardware efficiency.attention states (an
// FA3-class value from 2k-16k non-causal sweeps, src/hardware/efficiency.ts).
//
// Measured: hwperf bench/gpu/hopper-kernels.py on an H200 SXM, 2026-12-04 (bench/gpu/h200-2026-12-04/kernels.json,
// section attention): torch SDPA, bf16, causal, batch 1, 32 query heads / 8 KV heads, head dim 128, CUDA-graph
// replay, useful FLOPs (4·d per causal query-key pair). cuDNN backend (the fused attention Transformer Engine runs):
// 1k 266, 2k 416, 4k 524, 8k 593, 16k 651, 32k 587 TFLOP/s. Relative to the 16k value: 0.409, 0.639, 0.805, 0.911,
// 1 (32k kept at 1: the table does not fall). The FlashAttention-2 backend on the same part rises the same way relative
// to its own long-sequence rate (211, 266, 309, 333, 344 TFLOP/s at 2k-32k: 0.61, 0.77, 0.90, 0.97, 1), so the shape
// belongs to the tile loop, not to one library. Even at 1k the benchmark's grid is 256 blocks (≥ 2 waves on 132 SMs);
// below 1k a batch-1 grid no longer fills the chip, so shorter sequences keep the 1k value.
// The backward kernel loops over the same tiles (per key tile over the query tiles), so the same factor applies to it
// (no short-sequence backward sweep was measured: an assumption).
import type { EfficiencyTable } from '../../spec/types.js';
import { lookupEfficiency } from '../../hardware/efficiency.js';

export const CAUSAL_ATTENTION_LENGTH: EfficiencyTable = {
  sizes: [1024, 2048, 4096, 8192, 16384],
  values: [0.409, 0.639, 0.805, 0.911, 1],
};

/** rate of a causal fused attention over `seq` tokens per sequence (per kernel call) relative to its long-sequence rate */
export function attentionLengthFactor(seq: number): number {
  if (!(seq > 0)) return 1;
  return lookupEfficiency(CAUSAL_ATTENTION_LENGTH, seq);
}
