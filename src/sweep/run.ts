// sweep: file ──loadSweepFile──▶ grid ──resolveTables──▶ specs ──planColumns──▶ header
//   ──evaluate chunks (inline; or an engine thread and a format thread, src/sweep/engine-thread.ts and
//     format-thread.ts; or workers on every core)──▶ CSV lines in order ──▶ temp file ──rename──▶ out
//   └─ local Pareto fronts ──paretoFront──▶ out.pareto.csv (whole system), out.pareto-per-device.csv,
//                                          out.pareto-per-dollar.csv (src/sweep/pareto.ts)
// Output files are written to a temporary name and renamed at the end, so a reader never sees half a
// CSV and an interrupted sweep leaves the previous file as it was; an existing file is kept unless force.
import { closeSync, existsSync, openSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { checkOutFile, clearStale, commitRenames, releaseTemp, tempSibling } from '../report/write.js';
import { isInside } from '../spec/safe-read.js';
import { createHash } from 'node:crypto';
import { UserError } from '../spec/errors.js';
import { loadSweepFile, type SweepGrid } from './grid.js';
import { resolveTables } from './resolve.js';
import { planColumns } from './columns.js';
import { makeEvaluator, modelGroups, type ChunkResult, type ChunkRows, type Simulator } from './evaluate.js';
import { chunkFront } from './chunk-front.js';
import { paretoFront, paretoFronts, type ParetoBasis, type ParetoPoint } from './pareto.js';
import { runPool } from './pool.js';
import { formatThreadPays, FORMAT_THREAD_CHUNK, INLINE_BELOW, workerCount } from './worker-count.js';
import { FormatThread } from './format-thread.js';
import { EngineThread } from './engine-thread.js';
import { sweepRequest } from './request.js';
import { paretoPaths, shardRange, shardTrailer, type Shard } from './shard.js';

export interface SweepOptions {
  out?: string;
  force?: boolean;
  workers?: number; // engine threads; default: every core; 1 runs one engine (in this thread unless a core is free)
  formatThread?: boolean; // with workers 1: CSV text on a thread of its own (default: where it pays, worker-count.ts)
  engineThread?: boolean; // with workers 1: the rows on a thread of their own (default: with the format thread)
  onProgress?: (done: number, total: number) => void;
  shard?: Shard; // run rows of shard index/of only; the CSV ends in a trailer line for `hwperf merge`, no Pareto file
  simulatorModule?: string; // tests: a module URL whose simulate() replaces the engine (workers too)
  simulate?: Simulator; // tests: the same, for the inline path
}

export interface SweepSummary {
  configs: number;
  feasible: number;
  seconds: number;
  out: string;
  pareto: string | null; // null for a shard: `hwperf merge` writes the front of the whole sweep
  pareto_rows: number; // a shard: rows of its local front (carried in its trailer)
  pareto_per_device: string | null;
  pareto_per_device_rows: number;
  pareto_per_dollar: string | null;
  pareto_per_dollar_rows: number;
  shard: { index: number; of: number; start: number; end: number } | null; // rows [start, end) of the grid
  workers: number; // engine threads; 0: ran in the main thread
  internal_errors: string[];
}

// `out:` in a grid is relative to the grid file and stays inside its folder; only --out may write elsewhere.
export function outputPaths(file: string, grid: SweepGrid, out?: string, shard?: Shard): { out: string; pareto: string; perDevice: string; perDollar: string } {
  let csv: string;
  if (out !== undefined) csv = out;
  else if (grid.outIssue) throw UserError.fromIssues([grid.outIssue]);
  else if (grid.out !== undefined) {
    // parseSweep checked that `out:` is relative and stays in the folder; here symlinks are resolved too
    csv = resolve(dirname(resolve(file)), grid.out);
    const folder = realpathSync(dirname(resolve(file)));
    const parent = existsSync(dirname(csv)) ? realpathSync(dirname(csv)) : dirname(csv);
    if (!isInside(join(parent, basename(csv)), folder)) throw new UserError(`${file}  out  "${grid.out}" leaves the sweep file's folder through a link (pass --out to write elsewhere)`);
  } else csv = `${basename(file).replace(/\.ya?ml$/i, '')}.csv`;
  if (shard && !out) csv = csv.replace(/(\.csv)?$/i, `.shard-${shard.index}-of-${shard.of}$1`);
  return { out: csv, ...paretoPaths(csv) };
}

export async function runSweep(file: string, opts: SweepOptions = {}): Promise<SweepSummary> {
  const t0 = performance.now();
  // 1. the grid (file errors throw here, before anything is written)
  const grid = loadSweepFile(file);
  const shard = opts.shard;
  const [start, end] = shard ? shardRange(grid.size, shard) : [0, grid.size];
  const paths = outputPaths(file, grid, opts.out, shard);
  for (const p of shard ? [paths.out] : [paths.out, paths.pareto, paths.perDevice, paths.perDollar]) checkOutFile(p, !!opts.force);
  clearStale(paths.out);
  clearStale(paths.pareto);
  clearStale(paths.perDevice);
  clearStale(paths.perDollar);
  // 2. specs, once
  const tables = await resolveTables(grid);
  // 3. columns
  const plan = planColumns(grid, tables.families);

  const tmpOut = tempSibling(paths.out);
  const tmpPareto = tempSibling(paths.pareto);
  const tmpFronts: [ParetoBasis, string, string][] = [
    ['per_device', tempSibling(paths.perDevice), paths.perDevice],
    ['per_dollar', tempSibling(paths.perDollar), paths.perDollar],
  ];
  const fd = openSync(tmpOut, 'w');
  let closed = false;
  try {
    const header = plan.header.join(',') + '\n';
    writeSync(fd, header);
    // 4. chunks: written strictly in sweep order, whatever order they finish in
    const done = new Map<number, ChunkResult>();
    let nextStart = start;
    let rows = 0;
    let feasible = 0;
    let fronts: ParetoPoint[] = [];
    let frontCap = 4096; // fronts are reduced as they come so that memory stays flat in the row count
    const errors: string[] = [];
    const accept = (c: ChunkResult) => {
      done.set(c.start, c);
      for (let r = done.get(nextStart); r; r = done.get(nextStart)) {
        done.delete(nextStart);
        if (r.csv) writeSync(fd, r.csv);
        nextStart = r.end;
      }
      rows += c.end - c.start;
      feasible += c.feasible;
      for (const p of c.front) fronts.push(p);
      if (fronts.length > frontCap) {
        // on each basis the front of (fronts so far ∪ new points) is the front of everything so far: a point on
        // none of the three fronts is strictly dominated, on each basis, by one that stays
        fronts = paretoFronts(fronts);
        frontCap = Math.max(4096, 2 * fronts.length);
      }
      if (errors.length < 5) errors.push(...c.errors.slice(0, 5 - errors.length));
      opts.onProgress?.(rows, end - start);
    };
    const groups = modelGroups(grid); // a Pareto point's group: its model's cell
    const cores = availableParallelism();
    const size = end - start;
    let workers = opts.workers ?? workerCount(size, cores);
    // one engine (workers 1): where a second core is free, the rows on an engine thread (its heap can be given a larger
    // young generation, src/sweep/engine-thread.ts) and their CSV text on a format thread (worker-count.ts)
    // HWPERF_SWEEP_SPLIT=1|0 fixes the choice (npm run bench: its three runs compare memory on one configuration)
    const pinned = process.env.HWPERF_SWEEP_SPLIT;
    const split = workers <= 1 && (pinned === '1' || pinned === '0' ? pinned === '1' && size >= INLINE_BELOW : formatThreadPays(size, cores, loadavg()[0]!));
    const engineThread = workers <= 1 && !opts.simulate && (opts.engineThread ?? split);
    const formatThread = workers <= 1 && (opts.formatThread ?? split);
    if (engineThread && !formatThread) workers = 1; // the pool's one worker makes its text itself
    let threads = workers > 1 || engineThread ? workers : 0; // the summary's `workers`: engine threads, 0 in this one
    if (engineThread && formatThread) {
      threads = 1;
      const eng = new EngineThread(grid, tables, plan, opts.simulatorModule);
      const fmt = new FormatThread(grid, plan, fd);
      try {
        // two chunks asked ahead, so that the engine never waits for this thread
        const asked: Promise<ChunkRows>[] = [];
        let next = start;
        const ask = () => {
          if (next >= end) return;
          const e = Math.min(end, next + FORMAT_THREAD_CHUNK);
          asked.push(eng.columns(next, e, fmt.buffers()));
          next = e;
        };
        ask();
        ask();
        while (asked.length) {
          const c = await asked.shift()!;
          ask();
          // the chunk's local front is made here, off the engine thread (the sweep's critical path)
          const front = chunkFront(c.metrics, c.cols.start, c.cols.end, groups);
          await fmt.send(c, front); // the format thread writes the text, in order
          accept({ start: c.cols.start, end: c.cols.end, csv: '', feasible: c.feasible, errors: c.errors, front });
        }
        await fmt.finish(); // every line written, every Pareto point's line in
      } finally {
        // the format thread writes to fd: it has ended before fd is closed (below), on every path
        await Promise.all([eng.stop(), fmt.stop()]);
      }
    } else if (workers <= 1 && !engineThread) {
      const ev = makeEvaluator(grid, tables, plan, opts.simulate ?? (await import('../sim/simulate.js')).simulate, sweepRequest);
      const fmt = formatThread ? new FormatThread(grid, plan, fd) : null;
      try {
        // inline, a chunk's lines live until it is written: 256 rows (~110 KB of CSV) mostly die young, where 2,000
        // rows' lines outlived two scavenges and were copied into the old generation (issue 15: 1.3 → 0.35 KB promoted
        // per row). With a format thread this thread keeps no lines, and a chunk is only numbers.
        const step = fmt ? FORMAT_THREAD_CHUNK : 256;
        for (let s = start; s < end; s += step) {
          const e = Math.min(end, s + step);
          if (fmt) {
            const c = ev.columns(s, e, fmt.buffers());
            const front = chunkFront(c.metrics, s, e, groups);
            await fmt.send(c, front); // the format thread writes the text, in order
            accept({ start: s, end: e, csv: '', feasible: c.feasible, errors: c.errors, front });
          } else accept(ev.run(s, e));
          // let a signal's handler run between chunks (src/report/write.ts removes the temp files and exits): a
          // synchronous loop would defer Ctrl-C or SIGTERM to the end of the sweep, after the files were renamed
          await new Promise((r) => setImmediate(r));
        }
        await fmt?.finish(); // every line written, every Pareto point's line in
      } finally {
        // the thread writes to fd: it has ended before fd is closed (below), on every path
        await fmt?.stop();
      }
    } else {
      // ~8 chunks per worker evens out the load; a chunk is big enough that messaging is negligible, and at most 500
      // rows so that a worker's lines die young, as the inline path's do (500k rows on 2 workers: 21.2 s of CPU against
      // 22.4 s with 5,000-row chunks, and 14% less peak memory)
      const chunkSize = Math.max(250, Math.min(500, Math.ceil(size / (workers * 8))));
      workers = Math.min(workers, Math.ceil(size / chunkSize)); // no idle threads on a small grid
      threads = workers;
      await runPool({ grid, tables, plan, workers, chunkSize, start, end, simulatorModule: opts.simulatorModule, onChunk: accept });
    }
    if (nextStart !== end) throw new Error(`sweep: wrote ${nextStart - start} of ${size} rows`);
    const summary = { feasible, seconds: 0, out: paths.out, workers: threads, internal_errors: errors };
    if (shard) {
      // a shard: its local Pareto front travels in a trailer line; `hwperf merge` takes the front of the union
      const local = paretoFronts(fronts); // the rows on any of the three local fronts
      writeSync(fd, shardTrailer({ shard: shard.index, of: shard.of, start, end, configs: grid.size, feasible, grid: gridDigest(grid, header), front: local }));
      closeSync(fd);
      closed = true;
      renameSync(tmpOut, paths.out);
      return { ...summary, configs: size, seconds: (performance.now() - t0) / 1000, pareto: null, pareto_rows: local.length, pareto_per_device: null, pareto_per_device_rows: 0, pareto_per_dollar: null, pareto_per_dollar_rows: 0, shard: { index: shard.index, of: shard.of, start, end } };
    }
    closeSync(fd);
    closed = true;

    // 5. the Pareto front of the local fronts is the global front
    const front = paretoFront(fronts);
    const pfd = openSync(tmpPareto, 'w');
    try {
      writeSync(pfd, header + front.map((p) => p.line + '\n').join(''));
    } finally {
      closeSync(pfd);
    }
    const counts: number[] = [];
    for (const [basis, t] of tmpFronts) {
      const f = paretoFront(fronts, basis);
      counts.push(f.length);
      const bfd = openSync(t, 'w');
      try {
        writeSync(bfd, header + f.map((p) => p.line + '\n').join(''));
      } finally {
        closeSync(bfd);
      }
    }
    // the CSV and its three Pareto files appear together, even when the process is killed between renames
    commitRenames([[tmpOut, paths.out], [tmpPareto, paths.pareto], ...tmpFronts.map(([, t, final]) => [t, final] as [string, string])]);
    return {
      configs: grid.size,
      feasible,
      seconds: (performance.now() - t0) / 1000,
      out: paths.out,
      pareto: paths.pareto,
      pareto_rows: front.length,
      pareto_per_device: paths.perDevice,
      pareto_per_device_rows: counts[0]!,
      pareto_per_dollar: paths.perDollar,
      pareto_per_dollar_rows: counts[1]!,
      workers: threads,
      internal_errors: errors,
      shard: null,
    };
  } finally {
    if (!closed) closeSync(fd);
    for (const t of [tmpOut, tmpPareto, ...tmpFronts.map(([, x]) => x)]) {
      if (existsSync(t)) unlinkSync(t);
      releaseTemp(t);
    }
  }
}

// What identifies a sweep across machines: its axes and columns (not where the file lies).
function gridDigest(grid: SweepGrid, header: string): string {
  return createHash('sha256').update(JSON.stringify(grid.axes.map((a) => [a.key, a.column, a.values]))).update(header).digest('hex').slice(0, 16);
}
