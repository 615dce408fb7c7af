// npm run bench — the performance budgets of docs/design.md, measured (benchmarks, not timed tests):
//   1. one in-process simulate() of a decoder request with 2,048 output tokens   budget ≤ 20 µs (design: 5 µs)
//   2. `hwperf simulate … --json` on library specs as a whole process (median of 5) budget ≤ 2× `node -e 0` (median of 5)
//   3. with --sweep: `hwperf sweep examples/sweep-90k.yaml` as a whole process      budget ≤ 5 s
//   4. serve(): 10,000 requests in-process (beyond start-up)                          budget ≤ 1 s
//   5. serve(): 1,000,000 requests on one core, heap after it vs after 10,000         budget ≤ 60 s (--serve-1m, or --all)
//   6. plan over 5 accelerators, in-process                                           budget ≤ 10 s
//   7. with --sweep-1m: a generated 1,000,000-row sweep as a whole process            budget ≤ 10 s
//      and its peak RSS at 500k rows against 50k (flat memory: within 25%) (/usr/bin/time -f %M where present)
// Options: --sweep (also run 3), --sweep-1m (also run 7), --strict (exit 1 when a budget is missed), --calls N.
// Needs `npm run build` first. To see where simulate's time goes:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/bench-sim.js   (then open the .cpuprofile)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const strict = args.includes('--strict');
const calls = Number(args[args.indexOf('--calls') + 1]) || 20_000;
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
if (!existsSync(join(root, 'dist', 'library.json'))) {
  console.error('bench: dist/library.json is missing: run `npm run build` first');
  process.exit(2);
}

const MODEL = 'llama-3.1-70b';
const HARDWARE = 'h100-sxm';
const FLAGS = { model: MODEL, hardware: HARDWARE, tp: 4, batch: 16, input_tokens: 2048, output_tokens: 2048, dtype: 'bf16' };
const results = [];
const report = (name, value, unit, budget) => {
  const ok = value <= budget;
  results.push(ok);
  console.log(`${ok ? '✓' : '✗'} ${name.padEnd(58)} ${value.toFixed(unit === 'ms' ? 0 : 2).padStart(8)} ${unit}   (budget ≤ ${budget} ${unit})`);
};

// 1. in-process: the request is built once (as a sweep row is), then simulate() alone is timed.
{
  const { getLibrary } = await import(dist('spec/library.js'));
  const { simulate } = await import(dist('sim/simulate.js'));
  const lib = getLibrary();
  const { sweepRequest } = await import(dist('sweep/request.js'));
  const req = sweepRequest(FLAGS, lib.models[MODEL], lib.hardware[HARDWARE]);
  let sink = 0;
  for (let i = 0; i < 3000; i++) sink += simulate(req).tpot_s ?? 0; // warm up: let the JIT optimize
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink += simulate(req).tpot_s ?? 0;
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / calls;
  if (!(sink > 0)) console.error('bench: simulate returned no tpot_s (does the request fit?)');
  report(`simulate() ${MODEL} on ${HARDWARE} tp4 b16, 2048 in / 2048 out (${calls} calls)`, us, 'µs', 20);
  // docs/design.md's target is 5 µs; the budget checked is the first round's 20 µs until the core gets there
  if (us > 5) console.log(`  (design target ≤ 5 µs not met yet: ${us.toFixed(1)} µs)`);
  // buildRequest, as a sweep row calls it (issue 15: ≤ 1.5 µs; deleting undefined keys made it 3.2 µs)
  const m = lib.models[MODEL];
  const h = lib.hardware[HARDWARE];
  for (let i = 0; i < 20000; i++) sink += sweepRequest(FLAGS, m, h).tp;
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < calls * 5; i++) sink += sweepRequest(FLAGS, m, h).tp;
  report(`buildRequest() (a sweep row's flags → request, ${calls * 5} calls)`, Number(process.hrtime.bigint() - t1) / 1e3 / (calls * 5), 'µs', 1.5);
}

// 2. whole process, as a user runs it
{
  const argv = [join(root, 'bin', 'run.js'), 'simulate', '--model', MODEL, '--hardware', HARDWARE, '--tp', '4',
    '--batch', '16', '--input-tokens', '2048', '--output-tokens', '2048', '--json'];
  // the budget is relative to a bare Node start on the same machine (issue 15: at most twice `node -e 0`); the two
  // alternate, so that a change in the machine's load falls on both alike
  const times = [];
  const bare = [];
  const timed = (a) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, a, { encoding: 'utf8' });
    return { ms: performance.now() - t0, r };
  };
  for (let i = 0; i < 5; i++) {
    bare.push(timed(['-e', '0']).ms);
    const { ms, r } = timed(argv);
    times.push(ms);
    if (r.status !== 0) {
      console.error(`bench: hwperf simulate failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
      break;
    }
  }
  times.sort((a, b) => a - b);
  bare.sort((a, b) => a - b);
  const node0 = bare[Math.floor(bare.length / 2)];
  // whether this Node takes the code cache made at build (src/cli/cached-script.ts); without it the bundle compiles
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(dist('app/cli.js'))}); console.log(m.script.cached)`], { encoding: 'utf8' });
  console.log(`  node -e 0: ${node0.toFixed(0)} ms (median of 5); code cache ${probe.stdout.trim() === 'true' ? 'used' : 'NOT used (stale, rejected or missing: npm run build)'}`);
  report('hwperf simulate … --json, whole process (median of 5)', times[Math.floor(times.length / 2)], 'ms', Math.round(2 * node0));
}

// 3. the 90k sweep, whole process
if (args.includes('--sweep')) {
  const dir = mkdtempSync(join(tmpdir(), 'hwperf-bench-'));
  try {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), 'sweep', join(root, 'examples', 'sweep-90k.yaml'),
      '--out', join(dir, 'sweep.csv'), '--json'], { encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (r.status !== 0) console.error(`bench: hwperf sweep failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
    else {
      const s = JSON.parse(r.stdout);
      console.log(`  sweep: ${s.configs} configurations, ${s.feasible} feasible, ${s.workers} workers, ${s.seconds.toFixed(2)} s inside`);
    }
    report('hwperf sweep examples/sweep-90k.yaml, whole process', ms / 1000, 's', 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
// 7. a million rows, and memory that does not grow with the row count (issue 15)
if (args.includes('--sweep-1m') || args.includes('--all')) {
  const dir = mkdtempSync(join(tmpdir(), 'hwperf-bench-1m-'));
  // 5 models × 10 batches × 10 input lengths × 5 tp × {50k: 4 accelerators × 5 outputs × 1 dtype,
  // 500k: 8 × 5 × 5 dtypes, 1M: 8 × 10 × 5}
  const EIGHT = 'h100-sxm, h200-sxm, b200, mi300x, mi325x, gaudi3, ascend-910c, l40s';
  const grid = (outputs, dtypes, hardware = EIGHT) => `sweep:
  model: [llama-3.1-8b, mistral-7b, mixtral-8x7b, llama-3.1-70b, qwen2.5-72b]
  hardware: [${hardware}]
  batch: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
  input_tokens: [128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]
  output_tokens: [${outputs}]
  tp: [1, 2, 4, 8, 16]
  dtype: [${dtypes}]
`;
  const five = '64, 128, 256, 512, 1024';
  const dtypes = 'bf16, fp8, int4, fp16, int8';
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  // whole process: wall seconds and peak RSS (KB, from /usr/bin/time; null without it)
  // the three runs use the worker count the million-row sweep picks (src/sweep/worker-count.ts): the memory ratio
  // compares row counts, not a single thread against several (each worker has its own heap)
  const { workerCount, formatThreadPays } = await import(dist('sweep/worker-count.js'));
  const workers = workerCount(1_000_000, availableParallelism());
  // with one engine, a sweep splits into engine and format threads where the load leaves a core free
  // (worker-count.ts); that is decided here once and pinned for the three runs (HWPERF_SWEEP_SPLIT)
  const split = formatThreadPays(50_000, availableParallelism(), loadavg()[0]);
  const threads = workers > 1 ? `${workers} workers` : split ? 'rows on an engine thread, CSV text on a format thread' : 'one thread (no core was free)';
  const env = { ...process.env, HWPERF_SWEEP_SPLIT: split ? '1' : '0' };
  const runGrid = (name, text) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, text);
    const argv = [join(root, 'bin', 'run.js'), 'sweep', file, '--out', join(dir, `${name}.csv`), '--force', '--json', '--workers', String(workers)];
    const t0 = performance.now();
    const r = timeBin ? spawnSync(timeBin, ['-f', '%M %U %S', process.execPath, ...argv], { encoding: 'utf8', env }) : spawnSync(process.execPath, argv, { encoding: 'utf8', env });
    const s = (performance.now() - t0) / 1000;
    if (r.status !== 0) console.error(`bench: sweep ${name} failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
    // peak RSS (KB) and CPU seconds (user + sys, all threads): on a machine shared with other jobs the CPU time moves
    // far less with the load than the wall time does
    const [kb, user, sys] = timeBin ? r.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
    rmSync(join(dir, `${name}.csv`), { force: true });
    return { s, mb: Number.isFinite(kb) ? kb / 1024 : null, cpu: Number.isFinite(user + sys) ? user + sys : null };
  };
  try {
    const m50 = runGrid('50k', grid(five, 'bf16', 'h100-sxm, b200, mi300x, gaudi3'));
    const m500 = runGrid('500k', grid(five, dtypes));
    const m1 = runGrid('1m', grid(`${five}, 2048, 4096, 8192, 16384, 32768`, dtypes));
    console.log(`  sweep rows (${threads}): 50k ${m50.s.toFixed(1)} s, 500k ${m500.s.toFixed(1)} s; peak RSS 50k ${m50.mb?.toFixed(0) ?? '?'} MB, 500k ${m500.mb?.toFixed(0) ?? '?'} MB, 1M ${m1.mb?.toFixed(0) ?? '?'} MB`);
    const cpu = (m) => (m.cpu === null ? '?' : `${m.cpu.toFixed(1)} s`);
    console.log(`  CPU (user + sys): 50k ${cpu(m50)}, 500k ${cpu(m500)}, 1M ${cpu(m1)}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} cores (wall times grow with other jobs' load)`);
    report('hwperf sweep, 1,000,000 generated rows, whole process', m1.s, 's', 10);
    if (m50.mb && m500.mb) report('sweep peak RSS at 500k rows ÷ at 50k rows', m500.mb / m50.mb, 'x', 1.25);
    else console.log('  (peak RSS needs /usr/bin/time)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else console.log('  (a 1,000,000-row sweep and its memory: npm run bench -- --sweep-1m)');
// 4–6. serving: the discrete-event simulator and the planner (issue 13), in-process after the library is loaded
{
  const { getLibrary, libraryModel } = await import(dist('spec/library.js'));
  const { serve } = await import(dist('serve/serve.js'));
  const { plan } = await import(dist('serve/plan.js'));
  const lib = getLibrary();
  const m = lib.models['llama-3.1-8b'];
  const hw = lib.hardware['h100-sxm'];
  const load = { model: m, hardware: hw, rate: 18, inputTokens: 'lognormal:1024,512', outputTokens: 'lognormal:256,128' };
  const heap = () => { globalThis.gc?.(); return process.memoryUsage().heapUsed; };
  let t0 = performance.now();
  serve({ ...load, requests: 10_000 });
  report('serve() llama-3.1-8b on h100-sxm, 18 req/s, 10,000 requests', (performance.now() - t0) / 1000, 's', 1);
  const h10k = heap();
  if (args.includes('--serve-1m') || args.includes('--all')) {
    t0 = performance.now();
    const r = serve({ ...load, requests: 1_000_000 });
    const s = (performance.now() - t0) / 1000;
    const h1m = heap();
    console.log(`  1M run: ${r.engine.finished} requests, ${r.result.duration_s.toFixed(0)} s simulated; heap ${(h10k / 1e6).toFixed(1)} MB after 10k, ${(h1m / 1e6).toFixed(1)} MB after 1M${globalThis.gc ? '' : ' (run node --expose-gc for exact heap figures)'}`);
    report('serve() 1,000,000 requests, one core', s, 's', 60);
  } else console.log('  (serve 1,000,000 requests: npm run bench -- --serve-1m)');
  const H = ['h100-sxm', 'h200-sxm', 'mi300x', 'b200', 'gaudi3'].map((id) => lib.hardware[id]);
  t0 = performance.now();
  const p = plan({ model: lib.models['llama-3.1-70b'], hardware: H, resolveModel: libraryModel, rate: 20, sloTtftS: 2, sloTpotS: 0.05, inputTokens: 2048, outputTokens: 256, maxDevices: 64, prices: new Map(), priceAll: 2.5 });
  const ps = (performance.now() - t0) / 1000;
  console.log(`  plan: ${p.evaluated} discrete-event runs, cheapest ${p.options[0]?.devices}× ${p.options[0]?.hardware}`);
  report('plan llama-3.1-70b, 20 req/s, 5 accelerators', ps, 's', 10);
}
if (strict && results.includes(false)) process.exit(1);
