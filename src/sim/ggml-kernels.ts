// How many kernels a ggml-style runtime launches for each op of the decoder graph. The graph (src/model/decoder-graph.ts)
// lists the work a fused stack runs (one op per norm, per projection, per attention call); ggml runs each graph node
// as its own kernel unless its backend fuses a pattern, so a llama.cpp decode step launches ~20-30 kernels per layer
// where the graph has 9 ops. Each kernel lasts at least the runtime's per-kernel device time (kernels.kernel_cycles /
// the part's clock, bound into efficiency.kernel_overhead by src/runtime/resolve.ts), so a batch-1 decode costs at
// least (kernels per layer × layers) × that time beside its bytes.
//
// runtime kernels.decode_graph {op: n}: n kernels for that op (for a GEMM op: n matmul kernels, e.g. Q, K and V as
// three); kernels.quantize_activations: each matmul over GGUF block-quantized weights is preceded by a kernel that
// quantizes its f32 activations to q8_1 (ggml-cuda mmvq/mmq path). Ops absent from the map keep their count.
// Hot path: one pass over the freshly built op list, in place; nothing is done for runtimes without the map.
import type { GraphOp } from '../model/decoder-graph.js';
import type { NormalizedHardware } from '../spec/types.js';

/** the ops with the kernel counts the bound runtime launches for them (mutates and returns `ops`) */
export function ggmlKernelCounts(ops: GraphOp[], hw: Pick<NormalizedHardware, 'runtime'>): GraphOp[] {
  const k = hw.runtime?.kernels;
  const g = k?.decodeGraph;
  if (!g) return ops;
  const q = k.quantizeActivations === true;
  for (const op of ops) {
    if (!Object.hasOwn(g, op.name)) continue;
    const n = g[op.name]!;
    op.kernels = q && op.gguf && op.kind === 'gemm' ? 2 * n : n;
  }
  return ops;
}
