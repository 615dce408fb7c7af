/* Shared helpers for hwperf's C micro-benchmarks: wall-clock timer, OpenMP fallbacks, the widest native
 * SIMD vector type (GCC/Clang vector extensions), and aligned allocation. Every kernel prints one JSON
 * object on stdout that src/bench/cc.ts parses. */
#ifndef HWPERF_COMMON_H
#define HWPERF_COMMON_H
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#else
static inline int omp_get_max_threads(void) { return 1; }
static inline int omp_get_thread_num(void) { return 0; }
static inline int omp_get_num_threads(void) { return 1; }
#endif

/* Widest vector the target has; explicit vector types make GCC/Clang emit full-width FMAs even where
 * auto-vectorization prefers 256-bit (e.g. -mprefer-vector-width=256 on AVX-512 parts). */
#if defined(__AVX512F__)
#define VBYTES 64
#elif defined(__AVX__) || defined(__AVX2__)
#define VBYTES 32
#else
#define VBYTES 16
#endif
typedef float vf32 __attribute__((vector_size(VBYTES)));
typedef double vf64 __attribute__((vector_size(VBYTES)));
#define VL32 (VBYTES / 4)
#define VL64 (VBYTES / 8)
/* An empty asm that claims to modify a vector register: stops the compiler from folding a chain. */
#if defined(__x86_64__) || defined(__i386__)
#define KEEP(v) __asm__ volatile("" : "+x"(v))
#elif defined(__aarch64__)
#define KEEP(v) __asm__ volatile("" : "+w"(v))
#else
#define KEEP(v) ((void)0)
#endif

static inline double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline void *alloc_aligned(size_t bytes) {
  void *p = NULL;
  if (posix_memalign(&p, 4096, bytes ? bytes : 64) != 0) {
    fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
    exit(2);
  }
  return p;
}

static inline long arg_long(int argc, char **argv, int i, long dflt) {
  return argc > i ? atol(argv[i]) : dflt;
}
#endif
