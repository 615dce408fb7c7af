// A dense GEMM op C[m, n] = A[m, k]·W[k, n] as the roofline takes it (weights W, activations A in and C out at 2 bytes;
// fp8 / int8 inputs at 1 byte, fp4 at 0.5625: e2m1 + one fp8 scale per 16), for tests that price one GEMM directly through opCost.
import type { Op } from '../../src/model/op.js';

export function denseGemmOp(m: number, n: number, k: number, dtype: 'bf16' | 'fp8' | 'int8' | 'fp4'): Op {
  const w = dtype === 'fp4' ? 0.5625 : dtype === 'fp8' || dtype === 'int8' ? 1 : 2;
  return { name: 'gemm', kind: 'gemm', flops: 2 * m * n * k, bytes: (m * k + n * k) * w + m * n * 2, weightBytes: n * k * w, dtype, count: 1, m, n, k };
}
