/* Working-set sweep: each thread reads (vector sum) a private buffer of W bytes again and again; the
 * aggregate read bandwidth falls in steps at each cache capacity (the classic lmbench/likwid-bench "load"
 * sweep). usage: cache <min bytes> <max bytes> <points per doubling> [passes] → [{bytes, bandwidth}], bytes = W × threads */
#include "common.h"
#include <math.h>

static double sweep_once(const float *x, long n, long reps) {
  double sink = 0;
#pragma omp parallel reduction(+ : sink)
  {
    const float *v = x + (long)omp_get_thread_num() * n;
    vf32 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    for (long r = 0; r < reps; r++) {
      for (long i = 0; i + 4 * VL32 <= n; i += 4 * VL32) {
        vf32 a, b, c, d;
        memcpy(&a, v + i, sizeof a); memcpy(&b, v + i + VL32, sizeof b);
        memcpy(&c, v + i + 2 * VL32, sizeof c); memcpy(&d, v + i + 3 * VL32, sizeof d);
        s0 += a; s1 += b; s2 += c; s3 += d;
      }
      KEEP(s0);
    }
    vf32 s = s0 + s1 + s2 + s3;
    for (int l = 0; l < VL32; l++) sink += s[l];
  }
  return sink;
}

int main(int argc, char **argv) {
  long lo = arg_long(argc, argv, 1, 8 << 10), hi = arg_long(argc, argv, 2, 256L << 20);
  int per = (int)arg_long(argc, argv, 3, 2);
  int threads = omp_get_max_threads();
  long maxn = hi / sizeof(float);
  float *x = alloc_aligned(sizeof(float) * maxn * threads);
#pragma omp parallel
  {
    float *v = x + (long)omp_get_thread_num() * maxn;
    for (long i = 0; i < maxn; i++) v[i] = 1.0f;
  }
  /* sizes: lo·2^(i/per); reps calibrated once per size (≥ 4 ms), then `passes` sweeps over all sizes,
   * keeping each size's best: interleaving spreads every size over time, so a noisy phase of the
   * machine (shared host, frequency change) cannot spoil one level. */
  int passes = (int)arg_long(argc, argv, 4, 3);
  long ns[256], reps[256];
  double best[256];
  int m = 0;
  double sink = 0;
  for (double w = (double)lo; w <= (double)hi * 1.0001 && m < 256; w *= pow(2.0, 1.0 / per), m++) {
    long n = (long)w / sizeof(float);
    n -= n % (4 * VL32);
    ns[m] = n;
    reps[m] = 1;
    for (;;) {
      double t0 = now_s();
      sink += sweep_once(x, n, reps[m]);
      double dt = now_s() - t0;
      if (dt > 0.004) break;
      reps[m] *= dt < 0.0005 ? 8 : 2;
    }
    best[m] = 1e30;
  }
  for (int p = 0; p < passes; p++)
    for (int i = 0; i < m; i++) {
      double t0 = now_s();
      sink += sweep_once(x, ns[i], reps[i]);
      double d = now_s() - t0;
      if (d < best[i]) best[i] = d;
    }
  printf("{\"kernel\":\"cache\",\"threads\":%d,\"points\":[", threads);
  for (int i = 0; i < m; i++)
    printf("%s{\"bytes\":%ld,\"bandwidth_bytes_per_s\":%.6e}", i ? "," : "", ns[i] * 4L * threads, 4.0 * ns[i] * threads * reps[i] / best[i]);
  printf("],\"sink\":%g}\n", sink);
  return 0;
}
