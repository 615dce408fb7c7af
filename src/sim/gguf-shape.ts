// How llama.cpp's MMQ rate falls off below its reference shape (test-backend-ops MUL_MAT m=4096 n=512 k=14336,
// MMQ_REFERENCE_FLOP). By default the part's own 16-bit GEMM table sets the fall-off: a GEMM of `size` FLOP runs at
// gemmEff(size) / gemmEff(reference) of the measured MMQ rate. Where the runtime measured its MMQ kernel at smaller
// shapes on the part (kernels.gguf_shape: a table of the rate at GEMM FLOP over the rate at the reference shape), that
// table replaces it: interpolated in log(FLOP) as every efficiency table is, never above 1 (the reference rate is the
// kernel's ceiling), and below the table's smallest GEMM continuing the part's GEMM-table fall-off from that point
// (no timing says how much faster a still smaller MMQ GEMM is, so it is not held at the first point's rate).
// `gemmEffAt(size)`: the part's 16-bit GEMM efficiency at `size` FLOP; `eff`: that efficiency as the op's cost applies
// it (tile padding, caps), whose ratio to gemmEffAt(size) carries over.
import type { EfficiencyTable } from '../spec/types.js';
import { MMQ_REFERENCE_FLOP, lookupEfficiency } from '../hardware/efficiency.js';

/** the fraction of the measured MMQ rate a GEMM of `size` FLOP reaches */
export function ggufShapeFraction(table: EfficiencyTable | 'class' | undefined, size: number, eff: number, gemmEffAt: (size: number) => number): number {
  if (table === undefined || table === 'class') return Math.min(1, eff / gemmEffAt(MMQ_REFERENCE_FLOP));
  const own = eff / gemmEffAt(size);
  const first = table.sizes[0]!;
  const at = size >= first ? lookupEfficiency(table, size) : table.values[0]! * gemmEffAt(size) / gemmEffAt(first);
  return Math.min(1, at * own);
}
