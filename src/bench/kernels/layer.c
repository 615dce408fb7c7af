/* One pre-norm transformer layer forward in fp32 (GPT-2 style: LayerNorm → QKV → attention → out proj →
 * residual → LayerNorm → FFN up, GELU, down → residual), built from the same sgemm as gemm.c, to check
 * hwperf's op-graph prediction against a real run. Shapes in comments as [rows, cols].
 * usage: layer <tokens> <hidden> <heads> <ffn> → best-of wall seconds */
#include "gemm.h"
#include <math.h>

static void layernorm(const float *x, float *y, long t, long d) {
#pragma omp parallel for schedule(static)
  for (long i = 0; i < t; i++) {
    double m = 0, v = 0;
    for (long j = 0; j < d; j++) m += x[i * d + j];
    m /= d;
    for (long j = 0; j < d; j++) v += (x[i * d + j] - m) * (x[i * d + j] - m);
    float r = (float)(1.0 / sqrt(v / d + 1e-5));
    for (long j = 0; j < d; j++) y[i * d + j] = (x[i * d + j] - (float)m) * r;
  }
}

int main(int argc, char **argv) {
  long T = arg_long(argc, argv, 1, 256), D = arg_long(argc, argv, 2, 512), H = arg_long(argc, argv, 3, 8), F = arg_long(argc, argv, 4, 2048);
  long hd = D / H;
  float *x = alloc_aligned(4 * T * D), *xn = alloc_aligned(4 * T * D), *qkv = alloc_aligned(4 * T * 3 * D);
  float *wqkv = alloc_aligned(4 * D * 3 * D), *wo = alloc_aligned(4 * D * D), *w1 = alloc_aligned(4 * D * F), *w2 = alloc_aligned(4 * F * D);
  float *att = alloc_aligned(4 * T * D), *o = alloc_aligned(4 * T * D), *h1 = alloc_aligned(4 * T * F);
  float *qh = alloc_aligned(4 * T * hd), *kt = alloc_aligned(4 * hd * T), *vh = alloc_aligned(4 * T * hd), *s = alloc_aligned(4 * T * T), *oh = alloc_aligned(4 * T * hd);
  for (long i = 0; i < T * D; i++) x[i] = (float)((i % 13) - 6) * 0.01f;
  for (long i = 0; i < D * 3 * D; i++) wqkv[i] = (float)((i % 7) - 3) * 0.01f;
  for (long i = 0; i < D * D; i++) wo[i] = (float)((i % 5) - 2) * 0.01f;
  for (long i = 0; i < D * F; i++) { w1[i] = (float)((i % 11) - 5) * 0.01f; w2[i] = (float)((i % 3) - 1) * 0.01f; }
  double best = 1e30, sink = 0;
  for (int rep = 0; rep < 7; rep++) {
    double t0 = now_s();
    layernorm(x, xn, T, D);                           /* [T, D] */
    sgemm(T, 3 * D, D, xn, wqkv, qkv);                /* [T, 3D] = [T, D]·[D, 3D] */
    for (long h = 0; h < H; h++) {                    /* per head: S = Q·Kᵀ/√hd, softmax, O = P·V */
      for (long i = 0; i < T; i++)
        for (long j = 0; j < hd; j++) {
          qh[i * hd + j] = qkv[i * 3 * D + h * hd + j];
          kt[j * T + i] = qkv[i * 3 * D + D + h * hd + j];
          vh[i * hd + j] = qkv[i * 3 * D + 2 * D + h * hd + j];
        }
      sgemm(T, T, hd, qh, kt, s);                     /* [T, T] */
#pragma omp parallel for schedule(static)
      for (long i = 0; i < T; i++) {
        float mx = -1e30f, sum = 0, sc = 1.0f / sqrtf((float)hd);
        for (long j = 0; j <= i; j++) if (s[i * T + j] * sc > mx) mx = s[i * T + j] * sc;   /* causal */
        for (long j = 0; j < T; j++) { float e = j <= i ? expf(s[i * T + j] * sc - mx) : 0.0f; s[i * T + j] = e; sum += e; }
        for (long j = 0; j < T; j++) s[i * T + j] /= sum;
      }
      sgemm(T, hd, T, s, vh, oh);                     /* [T, hd] */
      for (long i = 0; i < T; i++) for (long j = 0; j < hd; j++) att[i * D + h * hd + j] = oh[i * hd + j];
    }
    sgemm(T, D, D, att, wo, o);                       /* [T, D] */
    for (long i = 0; i < T * D; i++) x[i] += o[i] * 1e-3f;
    layernorm(x, xn, T, D);
    sgemm(T, F, D, xn, w1, h1);                       /* [T, F] */
#pragma omp parallel for schedule(static)
    for (long i = 0; i < T * F; i++) { float v = h1[i]; h1[i] = 0.5f * v * (1.0f + tanhf(0.7978845608f * (v + 0.044715f * v * v * v))); }
    sgemm(T, D, F, h1, w2, o);                        /* [T, D] */
    for (long i = 0; i < T * D; i++) x[i] += o[i] * 1e-3f;
    double dt = now_s() - t0;
    if (rep > 0 && dt < best) best = dt;
    sink += x[0];
  }
  printf("{\"kernel\":\"layer\",\"threads\":%d,\"tokens\":%ld,\"hidden\":%ld,\"heads\":%ld,\"ffn\":%ld,\"seconds\":%.6e,\"sink\":%g}\n",
         omp_get_max_threads(), T, D, H, F, best, sink);
  return 0;
}
