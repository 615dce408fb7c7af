// Reproduction of llama.cpp llama_kv_cache::set_input_kq_mask (mainline mid/late 2025, single stream) and the
// llama_kv_cells accessors it calls, timed for one ubatch of n_tokens over n_kv cells.
#include <bitset>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <algorithm>
typedef int32_t llama_pos; typedef int32_t llama_seq_id;
enum llama_swa_type { LLAMA_SWA_TYPE_NONE = 0, LLAMA_SWA_TYPE_STANDARD = 1, LLAMA_SWA_TYPE_CHUNKED = 2, LLAMA_SWA_TYPE_SYMMETRIC = 3 };
struct cells_t {
  std::vector<llama_pos> pos; std::vector<std::bitset<64>> seq;
  bool is_empty(uint32_t i) const { return pos[i] == -1; }
  bool seq_has(uint32_t i, llama_seq_id s) const { return seq[i].test(s); }
  llama_pos pos_get(uint32_t i) const { return pos[i]; }
};
static bool is_masked_swa(uint32_t n_swa, llama_swa_type t, llama_pos p0, llama_pos p1) {
  switch (t) {
    case LLAMA_SWA_TYPE_NONE: break;
    case LLAMA_SWA_TYPE_STANDARD: if (p1 - p0 >= (int32_t) n_swa) return true; break;
    case LLAMA_SWA_TYPE_CHUNKED: { const llama_pos c = (p1 / n_swa) * n_swa; if (p0 < c) return true; } break;
    case LLAMA_SWA_TYPE_SYMMETRIC: { const int32_t h = n_swa / 2; if (std::abs(p1 - p0) > h) return true; } break;
  }
  return false;
}
__attribute__((noinline)) static void fill(float * data, size_t nel, const cells_t & cells, const std::vector<llama_pos> & upos,
    uint32_t t0, uint32_t n_tokens, int64_t n_kv, uint32_t n_swa, llama_swa_type swa_type, bool use_alibi) {
  const int64_t n_tps_pad = (n_tokens + 63) / 64 * 64;
  std::fill(data + (size_t) n_kv * t0, data + (size_t) n_kv * n_tokens, -INFINITY); (void) nel;
  for (uint32_t ii = t0; ii < n_tokens; ++ii) {
    const llama_seq_id seq_id = 0; const llama_pos p1 = upos[ii];
    const uint64_t idst = n_kv * ii; (void) n_tps_pad;
    for (uint32_t j = 0; j < n_kv; ++j) {
      if (cells.is_empty(j)) continue;
      if (!cells.seq_has(j, seq_id)) continue;
      const llama_pos p0 = cells.pos_get(j);
      if (p0 > p1) continue;
      if (is_masked_swa(n_swa, swa_type, p0, p1)) continue;
      data[idst + j] = use_alibi ? -std::abs(p0 - p1) : 0.0f;
    }
  }
}
int main(int argc, char ** argv) {
  const uint32_t n_tokens = atoi(argv[1]); const int64_t n_kv = atoll(argv[2]); const uint32_t past = atoi(argv[3]);
  const int swa = argc > 4 ? atoi(argv[4]) : 0; const int reps = argc > 5 ? atoi(argv[5]) : 5;
  cells_t cells; cells.pos.assign(n_kv, -1); cells.seq.resize(n_kv);
  // cells 0..past+n_tokens-1 hold positions 0.. (the ubatch's own tokens already placed, as find_slot/apply_ubatch do first)
  for (int64_t j = 0; j < n_kv && j < (int64_t)(past + n_tokens); ++j) { cells.pos[j] = (llama_pos) j; cells.seq[j].set(0); }
  std::vector<llama_pos> upos(n_tokens); for (uint32_t i = 0; i < n_tokens; ++i) upos[i] = past + i;
  const size_t nel = (size_t) n_kv * ((n_tokens + 63) / 64 * 64);
  std::vector<float> data(nel);
  const uint32_t B = 16; const uint32_t nb = (n_tokens + B - 1) / B;
  std::vector<double> bmin(nb, 1e30);
  for (int r = 0; r < reps; ++r) {
    for (uint32_t b = 0; b < nb; ++b) {
      auto t0 = std::chrono::steady_clock::now();
      fill(data.data(), nel, cells, upos, b * B, std::min(n_tokens, (b + 1) * B), n_kv, swa ? 128 : 0, swa ? LLAMA_SWA_TYPE_STANDARD : LLAMA_SWA_TYPE_NONE, false);
      auto t1 = std::chrono::steady_clock::now();
      bmin[b] = std::min(bmin[b], std::chrono::duration<double>(t1 - t0).count());
    }
  }
  double best = 0; for (double v : bmin) best += v;
  double chk = 0; for (size_t i = 0; i < nel; i += 4097) chk += std::isinf(data[i]) ? 1 : 0;
  printf("n_tokens=%u n_kv=%lld past=%u swa=%d: %.2f ms, %.3f ns/element (chk %.0f)\n", n_tokens, (long long) n_kv, past, swa, best * 1e3, best * 1e9 / ((double) n_tokens * n_kv), chk);
}
