// hwperf's GEMM pricing (`hwperf op gemm`: the hardware's roofline, no runtime launch or fixed cost) against AMD's own
// measured kernel times: ROCm/aiter's tuned-GEMM tables, aiter/configs/*tuned*gemm*.csv (each row: one shape M x N x K,
// the fastest kernel AITER's tuner found for it among hipBLASLt / CK / asm / FlyDSL / Triton candidates, `us` = its
// measured time per call; gfx950 with 256 CUs = MI350X / MI355X, gfx942 with 304 CUs = MI300X / MI325X).
//   npm run build
//   node bench/aiter/tuned-gemm-vs-op.mjs <ROCm/aiter git dir> [commit]        (read with `git show`, nothing downloaded)
// Prints, per table and band of M, the number of shapes and the median (p10, p90) of priced / measured time (> 1:
// hwperf slower than the kernel; < 1: hwperf faster), and the measured fraction of the dtype's matrix peak (median, max)
// over shapes with >= 1e12 FLOP; then, per size point of hwperf's GEMM tables (src/hardware/efficiency.ts gemmTable), the
// median fraction of the peak over the shapes with M >= 1024 whose FLOP fall within half a step (in log size) of it, each
// as FLOP / ((us - 2 us per-kernel ramp) x peak), the convention of the parts' fp8 sweeps. Evidence for
// hardware/amd/mi355x.yaml gemm_by_dtype.
import { execFileSync } from 'node:child_process';
import { loadHardware } from '../../dist/index.js';
import { opGemm } from '../../dist/sim/ops.js';

const [repo, commit = 'HEAD'] = process.argv.slice(2);
if (!repo) throw new Error('usage: node bench/aiter/tuned-gemm-vs-op.mjs <ROCm/aiter git dir> [commit]');

// table, which rows (gfx, CUs, weight dtype column value), hwperf part and dtype
const TABLES = [
  ['aiter/configs/bf16_tuned_gemm.csv', 'gfx950', '256', null, 'mi355x', 'bf16'],
  ['aiter/configs/model_configs/llama70B_bf16_tuned_gemm.csv', 'gfx950', '256', null, 'mi355x', 'bf16'],
  ['aiter/configs/model_configs/llama405B_bf16_tuned_gemm.csv', 'gfx950', '256', null, 'mi355x', 'bf16'],
  ['aiter/configs/a8w8_tuned_gemm.csv', 'gfx950', '256', 'torch.float8_e4m3fn', 'mi355x', 'fp8'],
  ['aiter/configs/a8w8_bpreshuffle_tuned_gemm.csv', 'gfx950', '256', 'torch.float8_e4m3fn', 'mi355x', 'fp8'],
  ['aiter/configs/a8w8_blockscale_tuned_gemm.csv', 'gfx950', '256', null, 'mi355x', 'fp8'],
  ['aiter/configs/a4w4_blockscale_tuned_gemm.csv', 'gfx950', '256', null, 'mi355x', 'fp4'],
  ['aiter/configs/a8w8_bpreshuffle_tuned_gemm.csv', 'gfx942', '304', 'torch.int8', 'mi300x', 'int8'],
  ['aiter/configs/model_configs/a8w8_blockscale_tuned_gemm_ds_v3.csv', 'gfx942', '304', null, 'mi300x', 'fp8'],
];
const BANDS = [[1, 16], [17, 128], [129, 1024], [1025, 4096], [4097, 1e9]];

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
};
const f2 = (x) => x.toFixed(2);

const hws = new Map();
for (const [path, gfx, cus, wdt, part, dtype] of TABLES) {
  let text;
  try {
    text = execFileSync('git', ['-C', repo, 'show', `${commit}:${path}`], { encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch {
    console.log(`${path}: not at ${commit}`);
    continue;
  }
  if (!hws.has(part)) hws.set(part, await loadHardware(part));
  const hw = hws.get(part);
  const peak = hw.matrixFlopPerS[dtype];
  const lines = text.trim().split('\n');
  const head = lines[0].split(',');
  const col = (n) => head.indexOf(n);
  const [iG, iC, iM, iN, iK, iUs, iW] = [col('gfx'), col('cu_num'), col('M'), col('N'), col('K'), col('us'), col('q_dtype_w')];
  const rows = [];
  for (const line of lines.slice(1)) {
    const c = line.split(',');
    if (c[iG] !== gfx || c[iC] !== cus) continue;
    if (wdt && iW >= 0 && c[iW] !== wdt) continue;
    const [m, n, k, us] = [+c[iM], +c[iN], +c[iK], +c[iUs]];
    if (!(us > 0) || !(m > 0)) continue; // untuned / failed rows carry no time
    const priced = opGemm(hw, m, n, k, dtype).seconds;
    rows.push({ m, n, k, s: us * 1e-6, priced, flops: 2 * m * n * k });
  }
  console.log(`\n${path} (${gfx} ${cus} CUs${wdt ? `, ${wdt}` : ''}) as ${part} ${dtype}: ${rows.length} shapes`);
  for (const [lo, hi] of BANDS) {
    const b = rows.filter((r) => r.m >= lo && r.m <= hi);
    if (!b.length) continue;
    const rat = b.map((r) => r.priced / r.s);
    console.log(`  M ${String(lo).padStart(5)}-${hi >= 1e9 ? 'max ' : String(hi).padEnd(4)} n=${String(b.length).padStart(4)}  priced/measured median ${f2(q(rat, 0.5))} (p10 ${f2(q(rat, 0.1))}, p90 ${f2(q(rat, 0.9))})`);
  }
  const big = rows.filter((r) => r.flops >= 1e12);
  if (big.length && peak) {
    const fr = big.map((r) => r.flops / r.s / peak);
    const best = big.reduce((a, r) => (r.flops / r.s > a.flops / a.s ? r : a));
    console.log(`  >= 1e12 FLOP n=${big.length}: measured fraction of the ${dtype} peak median ${f2(q(fr, 0.5))} (p10 ${f2(q(fr, 0.1))}, max ${f2(Math.max(...fr))} at ${best.m}x${best.n}x${best.k} in ${(best.s * 1e6).toFixed(1)} us); priced/measured median ${f2(q(big.map((r) => r.priced / r.s), 0.5))}`);
  }
  const SIZES = [2.15e9, 1.72e10, 1.37e11, 1.1e12, 8.8e12];
  const pts = SIZES.map((sz, i) => {
    const lo = i ? Math.sqrt(sz * SIZES[i - 1]) : sz / 2, hi = i + 1 < SIZES.length ? Math.sqrt(sz * SIZES[i + 1]) : Infinity;
    const fr = rows.filter((r) => r.m >= 1024 && r.flops >= lo && r.flops < hi && r.s > 2.5e-6).map((r) => r.flops / ((r.s - 2e-6) * peak));
    return fr.length ? `${sz.toExponential(2)}: ${q(fr, 0.5).toFixed(3)} (n ${fr.length})` : null;
  }).filter(Boolean);
  if (pts.length && peak) console.log(`  M >= 1024, fraction of peak by size: ${pts.join(', ')}`);
}
