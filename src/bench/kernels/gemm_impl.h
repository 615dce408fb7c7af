/* One blocked GEMM, instantiated per element type: C[M×N] = A[M×K] · B[K×N], row-major. Goto-style
 * blocking (K. Goto & R. van de Geijn, "Anatomy of high-performance matrix multiplication", ACM TOMS 34(3),
 * 2008): pack a KC×NC panel of B and MC×KC blocks of A, then an MR×(2·VL) register-tile micro-kernel
 * on SIMD vector types. Edges are zero-padded in the packed panels, so any M, N, K is correct.
 * Define before including: GT (element type), GV (vector type), GVL (lanes), GEMM_NAME. */
#define MR 6
#define NR (2 * GVL)
#define KC 256
#define MC 120
#define NC 3072

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)

static inline void CAT(GEMM_NAME, _micro)(long kc, const GT *restrict ap, const GT *restrict bp, GT *restrict ct, int accumulate) {
  GV c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0}, c30 = {0}, c31 = {0}, c40 = {0}, c41 = {0}, c50 = {0}, c51 = {0};
  for (long p = 0; p < kc; p++) {
    GV b0, b1;
    memcpy(&b0, bp + p * NR, sizeof(GV));
    memcpy(&b1, bp + p * NR + GVL, sizeof(GV));
    const GT *a = ap + p * MR;
    c00 += a[0] * b0; c01 += a[0] * b1;
    c10 += a[1] * b0; c11 += a[1] * b1;
    c20 += a[2] * b0; c21 += a[2] * b1;
    c30 += a[3] * b0; c31 += a[3] * b1;
    c40 += a[4] * b0; c41 += a[4] * b1;
    c50 += a[5] * b0; c51 += a[5] * b1;
  }
  GV rows[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int i = 0; i < MR; i++) {
    if (accumulate) {
      GV o0, o1;
      memcpy(&o0, ct + i * NR, sizeof(GV));
      memcpy(&o1, ct + i * NR + GVL, sizeof(GV));
      rows[i][0] += o0;
      rows[i][1] += o1;
    }
    memcpy(ct + i * NR, &rows[i][0], sizeof(GV));
    memcpy(ct + i * NR + GVL, &rows[i][1], sizeof(GV));
  }
}

static void __attribute__((unused)) GEMM_NAME(long M, long N, long K, const GT *A, const GT *B, GT *C) {
  GT *bpack = alloc_aligned(sizeof(GT) * KC * (NC + NR));
  for (long jc = 0; jc < N; jc += NC) {
    long nc = N - jc < NC ? N - jc : NC;
    long npanels = (nc + NR - 1) / NR;
    for (long pc = 0; pc < K; pc += KC) {
      long kc = K - pc < KC ? K - pc : KC;
      /* pack B[pc:pc+kc, jc:jc+nc] as NR-wide panels, each kc × NR contiguous */
#pragma omp parallel for schedule(static)
      for (long jp = 0; jp < npanels; jp++) {
        GT *dst = bpack + jp * kc * NR;
        for (long p = 0; p < kc; p++)
          for (long j = 0; j < NR; j++) {
            long col = jc + jp * NR + j;
            dst[p * NR + j] = col < N ? B[(pc + p) * N + col] : 0;
          }
      }
      long mblocks = (M + MC - 1) / MC;
#pragma omp parallel
      {
        GT *apack = alloc_aligned(sizeof(GT) * (MC + MR) * KC);
        GT ct[MR * NR] __attribute__((aligned(64)));
#pragma omp for schedule(dynamic)
        for (long ib = 0; ib < mblocks; ib++) {
          long ic = ib * MC;
          long mc = M - ic < MC ? M - ic : MC;
          long mpanels = (mc + MR - 1) / MR;
          for (long ip = 0; ip < mpanels; ip++) /* pack A[ic:ic+mc, pc:pc+kc] as MR-tall panels */
            for (long p = 0; p < kc; p++)
              for (long i = 0; i < MR; i++) {
                long row = ic + ip * MR + i;
                apack[ip * kc * MR + p * MR + i] = row < M ? A[row * K + pc + p] : 0;
              }
          for (long jp = 0; jp < npanels; jp++)
            for (long ip = 0; ip < mpanels; ip++) {
              long r0 = ic + ip * MR, c0 = jc + jp * NR;
              long rm = M - r0 < MR ? M - r0 : MR, cn = N - c0 < NR ? N - c0 : NR;
              CAT(GEMM_NAME, _micro)(kc, apack + ip * kc * MR, bpack + jp * kc * NR, ct, 0);
              for (long i = 0; i < rm; i++) {
                GT *crow = C + (r0 + i) * N + c0;
                if (pc == 0) for (long j = 0; j < cn; j++) crow[j] = ct[i * NR + j];
                else for (long j = 0; j < cn; j++) crow[j] += ct[i * NR + j];
              }
            }
        }
        free(apack);
      }
    }
  }
  free(bpack);
}
#undef MR
#undef NR
#undef KC
#undef MC
#undef NC
