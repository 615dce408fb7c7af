/* Arithmetic peak: independent FMA chains in the widest SIMD registers on every core. A core sustains
 * (FMA pipes × latency) chains in flight; 16 chains cover 2 pipes × 4-5 cycles on current x86 and Arm
 * cores (cf. the ERT "flops" kernel, Lo et al., "Roofline model toolkit", PMBS 2014).
 * usage: peak <iterations> → fp32 and fp64 FLOP/s, all threads */
#include "common.h"

#define CHAINS 16
/* Named registers, not an array: an array of vectors may be kept on the stack, and the empty asm keeps the
 * compiler from folding the chains. */
#define STEP(x) x = x * a + b
#define ALL(F) F(c0); F(c1); F(c2); F(c3); F(c4); F(c5); F(c6); F(c7); F(c8); F(c9); F(c10); F(c11); F(c12); F(c13); F(c14); F(c15)
#define PEAK_KERNEL(NAME, V, T)                                                              \
  static double NAME(long iters) {                                                           \
    double sink = 0;                                                                         \
    _Pragma("omp parallel reduction(+ : sink)") {                                            \
      V a, b;                                                                                \
      for (int l = 0; l < (int)(sizeof(V) / sizeof(T)); l++) { a[l] = (T)0.999999; b[l] = (T)1e-7; } \
      V c0 = a, c1 = a * 2, c2 = a * 3, c3 = a * 4, c4 = a * 5, c5 = a * 6, c6 = a * 7, c7 = a * 8;  \
      V c8 = a * 9, c9 = a * 10, c10 = a * 11, c11 = a * 12, c12 = a * 13, c13 = a * 14, c14 = a * 15, c15 = a * 16; \
      for (long i = 0; i < iters; i++) {                                                     \
        ALL(STEP);                                                                           \
        KEEP(c0); KEEP(c5); KEEP(c10); KEEP(c15);                                              \
      }                                                                                      \
      V s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15; \
      for (int l = 0; l < (int)(sizeof(V) / sizeof(T)); l++) sink += s[l];                   \
    }                                                                                        \
    return sink;                                                                             \
  }
PEAK_KERNEL(peak32, vf32, float)
PEAK_KERNEL(peak64, vf64, double)

int main(int argc, char **argv) {
  long iters = arg_long(argc, argv, 1, 20000000L);
  int threads = omp_get_max_threads();
  double best32 = 1e30, best64 = 1e30, sink = 0;
  peak32(iters / 10);
  for (int r = 0; r < 3; r++) {
    double t0 = now_s();
    sink += peak32(iters);
    double t1 = now_s();
    sink += peak64(iters);
    double t2 = now_s();
    if (t1 - t0 < best32) best32 = t1 - t0;
    if (t2 - t1 < best64) best64 = t2 - t1;
  }
  double f32 = 2.0 * CHAINS * VL32 * (double)iters * threads, f64 = 2.0 * CHAINS * VL64 * (double)iters * threads;
  printf("{\"kernel\":\"peak\",\"threads\":%d,\"vector_bytes\":%d,\"fp32\":%.6e,\"fp64\":%.6e,\"sink\":%g}\n", threads, VBYTES,
         f32 / best32, f64 / best64, sink);
  return 0;
}
