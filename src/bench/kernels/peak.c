/* Arithmetic peak: independent FMA chains in the widest SIMD registers on every core. A core sustains
 * (FMA pipes × latency) chains in flight: 2 pipes × 4-5 cycles on current x86 and Arm cores need 8-10
 * (cf. the ERT "flops" kernel, Lo et al., "Roofline model toolkit", PMBS 2014). The chains must also fit the
 * register file with the two operands a and b: x86 without AVX-512 has 16 vector registers (xmm/ymm0-15),
 * so 16 chains + 2 operands spill to the stack and the loop measures loads and stores, not FMAs; AVX-512
 * (zmm0-31) and AArch64 (v0-31) have 32. Hence 12 chains on 16 registers, 16 on 32.
 * usage: peak <iterations> → fp32 and fp64 FLOP/s, all threads */
#include "common.h"

#if defined(__AVX512F__) || defined(__aarch64__)
#define VREGS 32
#define CHAINS 16
#define ALL(F) F(c0); F(c1); F(c2); F(c3); F(c4); F(c5); F(c6); F(c7); F(c8); F(c9); F(c10); F(c11); F(c12); F(c13); F(c14); F(c15)
#define SUM (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15)
#else
#define VREGS 16
#define CHAINS 12
#define ALL(F) F(c0); F(c1); F(c2); F(c3); F(c4); F(c5); F(c6); F(c7); F(c8); F(c9); F(c10); F(c11)
#define SUM (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11)
#endif
#if CHAINS + 2 > VREGS
#error "FMA chains and their two operands must fit the vector register file"
#endif
/* Named registers, not an array: an array of vectors may be kept on the stack, and the empty asm keeps the
 * compiler from folding the chains. */
#define STEP(x) x = x * a + b
#define INIT(x) x = a * (T)(++k)
#define PEAK_KERNEL(NAME, V, T)                                                              \
  static double NAME(long iters) {                                                           \
    double sink = 0;                                                                         \
    _Pragma("omp parallel reduction(+ : sink)") {                                            \
      V a, b;                                                                                \
      for (int l = 0; l < (int)(sizeof(V) / sizeof(T)); l++) { a[l] = (T)0.999999; b[l] = (T)1e-7; } \
      int k = 0;                                                                             \
      V c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11;                                    \
      EXTRA_DECL(V)                                                                          \
      ALL(INIT);                                                                             \
      for (long i = 0; i < iters; i++) {                                                     \
        ALL(STEP);                                                                           \
        KEEP(c0); KEEP(c5); KEEP(c10);                                                       \
      }                                                                                      \
      V s = SUM;                                                                             \
      for (int l = 0; l < (int)(sizeof(V) / sizeof(T)); l++) sink += s[l];                   \
    }                                                                                        \
    return sink;                                                                             \
  }
#if CHAINS > 12
#define EXTRA_DECL(V) V c12, c13, c14, c15;
#else
#define EXTRA_DECL(V)
#endif
#define T float
PEAK_KERNEL(peak32, vf32, float)
#undef T
#define T double
PEAK_KERNEL(peak64, vf64, double)
#undef T

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
  printf("{\"kernel\":\"peak\",\"threads\":%d,\"vector_bytes\":%d,\"chains\":%d,\"vector_registers\":%d,\"fp32\":%.6e,\"fp64\":%.6e,\"sink\":%g}\n", threads,
         VBYTES, CHAINS, VREGS, f32 / best32, f64 / best64, sink);
  return 0;
}
