/* sgemm / dgemm for the benchmarks and the transformer-layer check (layer.c). */
#ifndef HWPERF_GEMM_H
#define HWPERF_GEMM_H
#include "common.h"
#define GT float
#define GV vf32
#define GVL VL32
#define GEMM_NAME sgemm
#include "gemm_impl.h"
#undef GT
#undef GV
#undef GVL
#undef GEMM_NAME
#define GT double
#define GV vf64
#define GVL VL64
#define GEMM_NAME dgemm
#include "gemm_impl.h"
#undef GT
#undef GV
#undef GVL
#undef GEMM_NAME
#endif
