/* Empirical roofline sweep in the style of the Empirical Roofline Toolkit (Y. J. Lo, S. Williams et al.,
 * "Roofline Model Toolkit: A Practical Tool for Architectural and Program Analysis", PMBS 2014): every
 * element of a working set is loaded, put through R dependent FMAs and stored back, so intensity is
 * 2R FLOP per 8 bytes (fp32 load + store). Eight vectors in flight per thread keep the FMA pipes busy
 * once R is large; small R is bound by the memory level that holds the working set.
 * usage: ert <bytes per thread> <R>... → roofline points, fp32, all threads */
#include "common.h"

static double run(float *x, long n, int r, int reps) {
  double sink = 0;
#pragma omp parallel reduction(+ : sink)
  {
    float *v = x + (long)omp_get_thread_num() * n;
    vf32 alpha, beta;
    for (int l = 0; l < VL32; l++) { alpha[l] = 0.9999f; beta[l] = 1e-4f; }
    for (int rep = 0; rep < reps; rep++)
      for (long i = 0; i + 8 * VL32 <= n; i += 8 * VL32) {
        vf32 a0, a1, a2, a3, a4, a5, a6, a7;
        memcpy(&a0, v + i, sizeof(vf32)); memcpy(&a1, v + i + VL32, sizeof(vf32));
        memcpy(&a2, v + i + 2 * VL32, sizeof(vf32)); memcpy(&a3, v + i + 3 * VL32, sizeof(vf32));
        memcpy(&a4, v + i + 4 * VL32, sizeof(vf32)); memcpy(&a5, v + i + 5 * VL32, sizeof(vf32));
        memcpy(&a6, v + i + 6 * VL32, sizeof(vf32)); memcpy(&a7, v + i + 7 * VL32, sizeof(vf32));
        for (int k = 0; k < r; k++) {
          a0 = a0 * alpha + beta; a1 = a1 * alpha + beta; a2 = a2 * alpha + beta; a3 = a3 * alpha + beta;
          a4 = a4 * alpha + beta; a5 = a5 * alpha + beta; a6 = a6 * alpha + beta; a7 = a7 * alpha + beta;
        }
        memcpy(v + i, &a0, sizeof(vf32)); memcpy(v + i + VL32, &a1, sizeof(vf32));
        memcpy(v + i + 2 * VL32, &a2, sizeof(vf32)); memcpy(v + i + 3 * VL32, &a3, sizeof(vf32));
        memcpy(v + i + 4 * VL32, &a4, sizeof(vf32)); memcpy(v + i + 5 * VL32, &a5, sizeof(vf32));
        memcpy(v + i + 6 * VL32, &a6, sizeof(vf32)); memcpy(v + i + 7 * VL32, &a7, sizeof(vf32));
      }
    sink += v[0];
  }
  return sink;
}

int main(int argc, char **argv) {
  long bytes = arg_long(argc, argv, 1, 64L << 20);
  int threads = omp_get_max_threads();
  long n = bytes / sizeof(float);
  n -= n % (8 * VL32);
  float *x = alloc_aligned(sizeof(float) * n * threads);
#pragma omp parallel
  {
    float *v = x + (long)omp_get_thread_num() * n;
    for (long i = 0; i < n; i++) v[i] = 1.0f;
  }
  printf("{\"kernel\":\"ert\",\"threads\":%d,\"bytes_per_thread\":%ld,\"points\":[", threads, n * 4);
  double sink = 0;
  for (int a = 2; a < argc; a++) {
    int r = atoi(argv[a]);
    /* repeat until ≥ 40 ms, best of 3 */
    int reps = 1;
    double dt = 0;
    for (;;) {
      double t0 = now_s();
      sink += run(x, n, r, reps);
      dt = now_s() - t0;
      if (dt > 0.04 || reps > 1 << 20) break;
      reps *= dt < 0.004 ? 8 : 2;
    }
    double best = dt;
    for (int t = 0; t < 2; t++) {
      double t0 = now_s();
      sink += run(x, n, r, reps);
      double d = now_s() - t0;
      if (d < best) best = d;
    }
    double elems = (double)n * threads * reps;
    printf("%s{\"intensity\":%.6g,\"flops_per_s\":%.6e,\"bytes_per_s\":%.6e}", a == 2 ? "" : ",", 2.0 * r / 8.0,
           2.0 * r * elems / best, 8.0 * elems / best);
  }
  printf("],\"sink\":%g}\n", sink);
  return 0;
}
