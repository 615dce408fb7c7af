// sweep: file ──loadSweepFile──▶ grid ──resolveTables──▶ specs ──planColumns──▶ header
//   ──evaluate chunks (inline, or workers on every core)──▶ CSV lines in order ──▶ temp file ──rename──▶ out
//   └─ local Pareto fronts ──paretoFront──▶ out.pareto.csv (whole system), out.pareto-per-device.csv,
//                                          out.pareto-per-dollar.csv (src/sweep/pareto.ts)
// Output files are written to a temporary name and renamed at the end, so a reader never sees half a
// CSV and an interrupted sweep leaves the previous file as it was; an existing file is kept unless force.
import { closeSync, existsSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../spec/errors.js';
import { loadSweepFile, type SweepGrid } from './grid.js';
import { resolveTables } from './resolve.js';
import { planColumns } from './columns.js';
import { makeEvaluator, type ChunkResult, type Simulator } from './evaluate.js';
import { paretoFront, type ParetoBasis, type ParetoPoint } from './pareto.js';
import { runPool } from './pool.js';
import { sweepRequest } from './request.js';

export interface SweepOptions {
  out?: string;
  force?: boolean;
  workers?: number; // default: every core; 1 runs in this thread
  onProgress?: (done: number, total: number) => void;
  simulatorModule?: string; // tests: a module URL whose simulate() replaces the engine (workers too)
  simulate?: Simulator; // tests: the same, for the inline path
}

export interface SweepSummary {
  configs: number;
  feasible: number;
  seconds: number;
  out: string;
  pareto: string;
  pareto_rows: number;
  pareto_per_device: string;
  pareto_per_device_rows: number;
  pareto_per_dollar: string;
  pareto_per_dollar_rows: number;
  workers: number; // 0: ran in the main thread
  internal_errors: string[];
}

// Below this many rows, starting workers (≈ 60 ms each, loading the engine) costs more than it saves.
const INLINE_BELOW = 4000;

export function outputPaths(file: string, grid: SweepGrid, out?: string): { out: string; pareto: string; perDevice: string; perDollar: string } {
  const csv = out ?? (grid.out ? resolve(dirname(file), grid.out) : `${basename(file).replace(/\.ya?ml$/i, '')}.csv`);
  const beside = (suffix: string) => (/\.csv$/i.test(csv) ? csv.replace(/\.csv$/i, `.${suffix}.csv`) : `${csv}.${suffix}.csv`);
  return { out: csv, pareto: beside('pareto'), perDevice: beside('pareto-per-device'), perDollar: beside('pareto-per-dollar') };
}

export async function runSweep(file: string, opts: SweepOptions = {}): Promise<SweepSummary> {
  const t0 = performance.now();
  // 1. the grid (file errors throw here, before anything is written)
  const grid = loadSweepFile(file);
  const paths = outputPaths(file, grid, opts.out);
  for (const p of [paths.out, paths.pareto, paths.perDevice, paths.perDollar]) {
    if (existsSync(p) && !opts.force) throw new UserError(`${p} exists: pass --force to overwrite it, or choose another --out`);
  }
  if (!existsSync(dirname(paths.out))) throw new UserError(`--out ${paths.out}: folder ${dirname(paths.out)} does not exist (create it first)`);
  // 2. specs, once
  const tables = await resolveTables(grid);
  // 3. columns
  const plan = planColumns(grid, tables.families);

  const tmp = (p: string) => join(dirname(p), `.${basename(p)}.${process.pid}.tmp`);
  const tmpOut = tmp(paths.out);
  const tmpPareto = tmp(paths.pareto);
  const tmpFronts: [ParetoBasis, string, string][] = [
    ['per_device', tmp(paths.perDevice), paths.perDevice],
    ['per_dollar', tmp(paths.perDollar), paths.perDollar],
  ];
  const fd = openSync(tmpOut, 'w');
  let closed = false;
  try {
    const header = plan.header.join(',') + '\n';
    writeSync(fd, header);
    // 4. chunks: written strictly in sweep order, whatever order they finish in
    const done = new Map<number, ChunkResult>();
    let nextStart = 0;
    let rows = 0;
    let feasible = 0;
    const fronts: ParetoPoint[] = [];
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
      if (errors.length < 5) errors.push(...c.errors.slice(0, 5 - errors.length));
      opts.onProgress?.(rows, grid.size);
    };
    const cores = availableParallelism();
    let workers = opts.workers ?? (grid.size < INLINE_BELOW ? 1 : cores);
    if (workers <= 1) {
      const ev = makeEvaluator(grid, tables, plan, opts.simulate ?? (await import('../sim/simulate.js')).simulate, sweepRequest);
      const step = 2000;
      for (let s = 0; s < grid.size; s += step) accept(ev.run(s, Math.min(grid.size, s + step)));
    } else {
      // ~8 chunks per worker evens out the load; a chunk is big enough that messaging is negligible
      const chunkSize = Math.max(250, Math.min(5000, Math.ceil(grid.size / (workers * 8))));
      workers = Math.min(workers, Math.ceil(grid.size / chunkSize)); // no idle threads on a small grid
      await runPool({ grid, tables, plan, workers, chunkSize, simulatorModule: opts.simulatorModule, onChunk: accept });
    }
    if (nextStart !== grid.size) throw new Error(`sweep: wrote ${nextStart} of ${grid.size} rows`);
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
    renameSync(tmpOut, paths.out);
    renameSync(tmpPareto, paths.pareto);
    for (const [, t, final] of tmpFronts) renameSync(t, final);
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
      workers: workers <= 1 ? 0 : workers,
      internal_errors: errors,
    };
  } finally {
    if (!closed) closeSync(fd);
    for (const t of [tmpOut, tmpPareto, ...tmpFronts.map(([, x]) => x)]) if (existsSync(t)) unlinkSync(t);
  }
}
