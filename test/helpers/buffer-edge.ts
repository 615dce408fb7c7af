// The runtime's own all-reduce kernel continued past its registered buffer (vLLM's and SGLang's 8 MiB, custom_all_reduce.py
// should_custom_ar: inp_size < max_size): the one switch of algorithm a step's all-reduce makes as its tokens grow, taken
// away and nothing else. Where the table reaches the buffer its last two points' line carries on (`above: linear`); where
// it stops short of it (the H800's 16 KiB) the times are the library's on both sides and only the host's dispatch
// switches, so the buffer is lifted. Property tests hold throughput monotone in the batch with it (a fall at the edge is
// physical, but only there); test/allreduce-buffer-edge.test.ts pins the fall itself.
import type { NormalizedHardware } from '../../src/spec/types.js';

export function withoutBufferEdge(h: NormalizedHardware): NormalizedHardware {
  const t = h.runtime?.collectives?.customAllreduce;
  if (!t || t.above === 'linear') return h;
  const last = t.sizes[t.sizes.length - 1]!;
  const next = (t.bufferBytes ?? last) > last ? { ...t, bufferBytes: Infinity } : { ...t, above: 'linear' as const };
  return { ...h, runtime: { ...h.runtime!, collectives: { ...h.runtime!.collectives, customAllreduce: next } } };
}
