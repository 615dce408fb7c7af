// A dense GEMM op C[m, n] = A[m, k]·W[k, n] as the roofline takes it (weights W, activations A in and C out at 2 bytes;
// fp8 inputs at 1 byte), for tests that price one GEMM directly through opCost.
import type { Op } from '../../src/model/op.js';

export function denseGemmOp(m: number, n: number, k: number, dtype: 'bf16' | 'fp8'): Op {
  const w = dtype === 'fp8' ? 1 : 2;
  return { name: 'gemm', kind: 'gemm', flops: 2 * m * n * k, bytes: (m * k + n * k) * w + m * n * 2, weightBytes: n * k * w, dtype, count: 1, m, n, k };
}
