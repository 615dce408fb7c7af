/* GEMM throughput by size and dtype (FLOP = 2·m·n·k), best of a few runs, checked against a few dot
 * products. usage: gemm <fp32|fp64> <m> <n> <k> [m n k]... */
#include "gemm.h"

#define RUN(FN, T)                                                                                    \
  do {                                                                                               \
    T *A = alloc_aligned(sizeof(T) * m * k), *B = alloc_aligned(sizeof(T) * k * n), *C = alloc_aligned(sizeof(T) * m * n); \
    for (long i = 0; i < m * k; i++) A[i] = (T)((i % 7) - 3) * (T)0.25;                             \
    for (long i = 0; i < k * n; i++) B[i] = (T)((i % 5) - 2) * (T)0.5;                              \
    FN(m, n, k, A, B, C);                                                                            \
    double flops = 2.0 * m * n * k, best = 1e30, spent = 0;                                          \
    for (int r = 0; r < 20 && (r < 3 || spent < 0.3); r++) {                                         \
      double t0 = now_s();                                                                           \
      FN(m, n, k, A, B, C);                                                                          \
      double dt = now_s() - t0;                                                                      \
      spent += dt;                                                                                   \
      if (dt < best) best = dt;                                                                      \
    }                                                                                                \
    double err = 0;                                                                                  \
    for (int s = 0; s < 4; s++) {                                                                    \
      long i = (s * 7919L) % m, j = (s * 104729L) % n;                                               \
      double ref = 0;                                                                                \
      for (long p = 0; p < k; p++) ref += (double)A[i * k + p] * (double)B[p * n + j];              \
      double d = ref - (double)C[i * n + j];                                                         \
      if (d < 0) d = -d;                                                                             \
      if (d > err) err = d;                                                                          \
    }                                                                                                \
    printf("%s{\"m\":%ld,\"n\":%ld,\"k\":%ld,\"dtype\":\"%s\",\"seconds\":%.6e,\"flops_per_s\":%.6e,\"max_abs_err\":%g}", \
           first ? "" : ",", m, n, k, dtype, best, flops / best, err);                               \
    free(A); free(B); free(C);                                                                       \
  } while (0)

int main(int argc, char **argv) {
  const char *dtype = argc > 1 ? argv[1] : "fp32";
  printf("{\"kernel\":\"gemm\",\"threads\":%d,\"results\":[", omp_get_max_threads());
  int first = 1;
  for (int i = 2; i + 2 < argc; i += 3) {
    long m = atol(argv[i]), n = atol(argv[i + 1]), k = atol(argv[i + 2]);
    if (strcmp(dtype, "fp64") == 0) RUN(dgemm, double);
    else RUN(sgemm, float);
    first = 0;
  }
  printf("]}\n");
  return 0;
}
