/* STREAM copy/scale/add/triad on all cores, after J. D. McCalpin, "Memory Bandwidth and Machine Balance in
 * Current High Performance Computers", IEEE TCCA Newsletter, 1995 (stream.c v5.10). Same conventions: arrays
 * of doubles, static OpenMP schedule, bytes counted without write-allocate (triad = 24 B per element), best
 * of NTIMES after the first (warm-up) pass.
 * usage: stream <elements per array> <ntimes> */
#include "common.h"

int main(int argc, char **argv) {
  long n = arg_long(argc, argv, 1, 20000000L);
  int ntimes = (int)arg_long(argc, argv, 2, 10);
  if (ntimes < 2) ntimes = 2;
  double *a = alloc_aligned(sizeof(double) * n), *b = alloc_aligned(sizeof(double) * n), *c = alloc_aligned(sizeof(double) * n);
  const double q = 3.0;
#pragma omp parallel for schedule(static)
  for (long j = 0; j < n; j++) { a[j] = 1.0; b[j] = 2.0; c[j] = 0.0; } /* first touch by the owning thread */
  double best[4] = {1e30, 1e30, 1e30, 1e30};
  for (int k = 0; k < ntimes; k++) {
    double t[5];
    t[0] = now_s();
#pragma omp parallel for schedule(static)
    for (long j = 0; j < n; j++) c[j] = a[j];
    t[1] = now_s();
#pragma omp parallel for schedule(static)
    for (long j = 0; j < n; j++) b[j] = q * c[j];
    t[2] = now_s();
#pragma omp parallel for schedule(static)
    for (long j = 0; j < n; j++) c[j] = a[j] + b[j];
    t[3] = now_s();
#pragma omp parallel for schedule(static)
    for (long j = 0; j < n; j++) a[j] = b[j] + q * c[j];
    t[4] = now_s();
    if (k == 0) continue;
    for (int i = 0; i < 4; i++) if (t[i + 1] - t[i] < best[i]) best[i] = t[i + 1] - t[i];
  }
  double bytes[4] = {16.0 * n, 16.0 * n, 24.0 * n, 24.0 * n};
  double check = 0;
  for (long j = 0; j < n; j += 4096) check += a[j];
  printf("{\"kernel\":\"stream\",\"threads\":%d,\"elements\":%ld,\"copy\":%.6e,\"scale\":%.6e,\"add\":%.6e,\"triad\":%.6e,\"check\":%g}\n",
         omp_get_max_threads(), n, bytes[0] / best[0], bytes[1] / best[1], bytes[2] / best[2], bytes[3] / best[3], check);
  return 0;
}
