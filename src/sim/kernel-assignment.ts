// The kernel each dense GEMM of a pass runs, where a compiler prefetches weights (runtime overlap.tp_comm_prefetch:
// XLA, src/sim/weight-prefetch.ts) and a matrix-vector floor kernel competes with the tiled one (src/sim/gemm-floors.ts).
//
// Taken GEMM by GEMM, the kernel that is cheaper with its weights in DRAM can be the dearer one for the pass: the
// floor's row passes are memory-bound, and their weight stream hides the tensor-parallel all-reduces before them; the
// tiled kernel is compute-bound and hides nothing. Priced GEMM by GEMM, faster matrix units or a few more rows tipped
// a GEMM to the tiled kernel and the step got slower (property seed 544 at scale 10: gpt-j-6b q8_0 TP 8 at batch 102
// under jetstream-jax on an M3 Ultra, compute ×1.4 -> ×1.7, +18%; seed 546: gpt3-13b int4 TP 2 under sglang-jax on an
// M3 Max, batch 127 -> 133, -5% throughput). The pass is priced instead at the least, over the assignments of one of
// the two kernels to each such GEMM, of the pass's time (src/sim/decoder.ts finishPass: max(sum of op times, on-chip
// bodies + the collectives they do not hide), against the host's chain). Each assignment prices every GEMM by one
// kernel's roofline, so none gets slower on a faster part, and the least of them neither; in the rows the least is as
// monotone as the GEMM-by-GEMM least was (the floor assignment is always there to bound the tiled table's small-M
// cliff). With no collective to hide, the GEMM-by-GEMM choice is the least assignment: such passes price as before.
// ASSUMPTION: the compiler schedules the pass this well (it picks each dot's kernel for the whole program, not alone);
// whether XLA on TPU has a floor kernel to pick at all is weight-prefetch.ts's KNOWN GAP.
//
// Bounded: only the pass's dense GEMMs where a floor competes and the other kernel lowers some sum the pass's time
// reads (isChoice) are choices; a decoder pass has at most a handful (qkv, output, up / gate, down, the head: 5 in the
// library's TPU and Apple configurations). Past MAX_CHOICES those with the largest on-chip saving are enumerated and
// the rest keep their own kernel.

/** how many choices are enumerated (2^MAX_CHOICES assignments at most) */
export const MAX_CHOICES = 10;

// the choices enumerated, as indices (reused: no allocation per pass)
const PICK: number[] = [];

/**
 * The least assignment over `count` choices stored `stride` numbers apart in `ch`, each starting with what taking its
 * other kernel adds to the pass's device sum, host chain and prefetchable weight stream; `passS(dSec, dHost, dPre)`:
 * the pass's time with those added. Sets `take[j]` to 1 for the choices that switch, 0 for the rest (a tie keeps the
 * GEMM's own kernel).
 */
export function leastAssignment(ch: ArrayLike<number>, stride: number, count: number, passS: (dSec: number, dHost: number, dPre: number) => number, take: number[]): void {
  PICK.length = 0;
  for (let j = 0; j < count; j++) PICK.push(j);
  // past MAX_CHOICES, those whose other kernel saves the most on chip (dPre - dSec), the first on a tie
  const saving = (j: number) => ch[j * stride + 2]! - ch[j * stride]!;
  if (count > MAX_CHOICES) PICK.sort((a, b) => saving(b) - saving(a) || a - b).length = MAX_CHOICES;
  const k = PICK.length;
  let best = passS(0, 0, 0), mask = 0;
  for (let a = 1; a < 1 << k; a++) {
    let s = 0, h = 0, p = 0;
    for (let i = 0; i < k; i++) {
      if (!(a & (1 << i))) continue;
      const o = PICK[i]! * stride;
      s += ch[o]!;
      h += ch[o + 1]!;
      p += ch[o + 2]!;
    }
    const t = passS(s, h, p);
    if (t < best) { best = t; mask = a; }
  }
  take.length = count;
  take.fill(0);
  for (let i = 0; i < k; i++) if (mask & (1 << i)) take[PICK[i]!] = 1;
}

/** whether the other kernel can lower the pass's time: the time never falls as the device sum or the host chain grows,
 *  nor rises as the prefetchable stream grows, so an alternative that lowers none of the first two and adds nothing to
 *  the third is no choice */
export function isChoice(dSec: number, dHost: number, dPre: number): boolean {
  return dSec < 0 || dHost < 0 || dPre > 0;
}
