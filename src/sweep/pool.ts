// Run a sweep's chunks on worker threads, one per core. Each worker loads the engine once and keeps two
// chunks queued, so it never waits on the main thread between chunks. Chunks come back in any order;
// the caller orders them (see run.ts).
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { DIST_DIR } from '../spec/paths.js';
import type { SweepGrid } from './grid.js';
import type { SweepTables } from './resolve.js';
import type { ColumnPlan } from './columns.js';
import type { ChunkResult } from './evaluate.js';
import { ENGINE_YOUNG_MB } from './engine-thread.js';

export interface PoolOptions {
  grid: SweepGrid;
  tables: SweepTables;
  plan: ColumnPlan;
  workers: number;
  chunkSize: number;
  start?: number; // the rows to run: [start, end) of the grid (a shard), default all
  end?: number;
  simulatorModule?: string; // a module URL exporting simulate(); tests pass a fake
  onChunk: (c: ChunkResult) => void;
}

export function runPool(o: PoolOptions): Promise<void> {
  const chunks: [number, number][] = [];
  const end = o.end ?? o.grid.size;
  for (let s = o.start ?? 0; s < end; s += o.chunkSize) chunks.push([s, Math.min(end, s + o.chunkSize)]);
  let next = 0;
  let pending = chunks.length;
  const workers: Worker[] = [];
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    const stop = (err?: Error) => {
      if (failed) return;
      if (err) failed = true;
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    if (pending === 0) return resolve();
    const count = Math.max(1, Math.min(o.workers, chunks.length));
    for (let i = 0; i < count; i++) {
      // the compiled worker in dist/sweep, wherever this module runs from (src/ under vitest, dist/, a bundled chunk)
      const w = new Worker(join(DIST_DIR, 'sweep', 'worker.js'), {
        workerData: { grid: o.grid, tables: o.tables, plan: o.plan, simulatorModule: o.simulatorModule },
        resourceLimits: { maxYoungGenerationSizeMb: ENGINE_YOUNG_MB }, // fewer scavenges (src/sweep/engine-thread.ts)
      });
      workers.push(w);
      const feed = () => {
        if (next < chunks.length) w.postMessage(chunks[next++]);
      };
      w.on('message', (msg: ChunkResult | 'ready') => {
        if (failed) return;
        if (msg === 'ready') {
          feed();
          feed();
          return;
        }
        feed();
        try {
          o.onChunk(msg);
        } catch (e) {
          return stop(e as Error);
        }
        if (--pending === 0) stop();
      });
      w.on('error', (e) => stop(e));
      w.on('exit', (code) => {
        if (code !== 0 && pending > 0) stop(new Error(`sweep worker exited with code ${code}`));
      });
    }
  });
}
