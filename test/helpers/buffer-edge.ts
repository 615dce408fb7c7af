// The runtime's own all-reduce kernel continued past its registered buffer (vLLM's and SGLang's 8 MiB, custom_all_reduce.py
// should_custom_ar: inp_size < max_size): the one switch of algorithm a step's all-reduce makes as its tokens grow, taken
// away and nothing else. Where the table reaches the buffer its last two points' line carries on (`above: linear`); where
// it stops short of it (the H800's 16 KiB) the times are the library's on both sides and only the host's dispatch
// switches, so the buffer is lifted. Property tests hold throughput monotone in the batch with it (a fall at the edge is
// physical, but only there); test/allreduce-buffer-edge.test.ts pins the fall itself.
import type { NormalizedHardware } from '../../src/spec/types.js';

/**
 * The largest fall (throughput, or a latency that shrinks) the property tests accept across a buffer edge. The seeds
 * that found one fell 4.0% (312: 405B q4_0 on 8x A800, vllm-0.7, a decode step's all-reduce past 8 MiB), 3.7% (342: e2e
 * of gpt-1 on 2x MI325X, sglang-0.3, prompt steps past SGLang's ROCm 16 MiB) and 14.3% (346: qwen2.5-32b int8 on
 * A100-40GB tp 8 pp 2 under vllm-0.5, whose eager V0 prompt steps then pay NCCL's price and c10d's host cost on every
 * all-reduce). A collective library priced several times off past the buffer would fall further than this.
 */
export const BUFFER_EDGE_FALL = 0.2;

export function withoutBufferEdge(h: NormalizedHardware): NormalizedHardware {
  const t = h.runtime?.collectives?.customAllreduce;
  if (!t || t.above === 'linear') return h;
  const last = t.sizes[t.sizes.length - 1]!;
  const next = (t.bufferBytes ?? last) > last ? { ...t, bufferBytes: Infinity } : { ...t, above: 'linear' as const };
  return { ...h, runtime: { ...h.runtime!, collectives: { ...h.runtime!.collectives, customAllreduce: next } } };
}
