// The engine on a thread of its own, for a sweep whose rows would otherwise run in the main thread: the main thread
// asks for chunks as typed columns (src/sweep/evaluate.ts ChunkRows) and hands them to the format thread, so that
// neither the engine's nor the formatter's heap is the one the main thread keeps. A worker's heap can be given a
// young generation larger than Node's default (ENGINE_YOUNG_MB), which a process's main thread cannot be given
// after start: most of what a row allocates dies young, and fewer, larger scavenges copy fewer survivors.
//
//   main ──{start, end, buffers}──▶ engine thread: columns ──ChunkRows (buffers moved)──▶ main ──▶ format thread
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { DIST_DIR } from '../spec/paths.js';
import type { SweepGrid } from './grid.js';
import type { SweepTables } from './resolve.js';
import type { ColumnPlan } from './columns.js';
import type { ChunkRows } from './evaluate.js';

// Young generation of an engine thread (MB; V8 splits it into two semi-spaces and a large-object space). Node's default
// is 3 × 16 MB. The 200k-row grid of 5 models × 8 accelerators × … on a 2-core VM shared with other jobs, the engine
// alone (columns, no text) in a worker, CPU seconds: default 7.5 / 7.1, 96 MB 7.0 / 7.1, 192 MB 6.8 / 5.5. A whole
// `hwperf sweep` of the bench's 500k rows: 192 MB 17.7 / 19.5 s CPU, 96 MB 17.5 / 16.5 s; but 192 MB raised the peak
// RSS at 500k rows to 381 MB against 292 MB at 50k (1.31×, over issue 15's 1.25×), where 96 MB gave 296 / 303 MB
// against 256 / 255 MB (1.16×, 1.19×).
export const ENGINE_YOUNG_MB = 96;

// Old generation of an engine thread (MB): what a row keeps past a scavenge (memo entries, later dropped) is promoted and
// left to a full GC, which V8 put off until the old generation had grown by ~70 MB; capped, it collects sooner. What
// the thread holds for good is small and bounded (the memo's 2,048 passes, 4,096 texts, a chunk's Pareto points, ~10 MB
// after a full GC in the bench's grids) besides its copy of the sweep's tables and the hardware bound to each model,
// which grow with the grid's variants: the cap is 96 MB plus eight times the tables' JSON. The bench's grids, peak RSS
// 50k → 500k rows (with the format thread's young generation at FORMAT_YOUNG_MB): uncapped 213 → 271, 216 → 265 MB
// (1.27×, 1.23×); capped at 96 MB 201 → 229 (fmt 12 MB) and 207 → 241 MB (1.17×, 1.17×).
export function engineOldMb(tables: SweepTables): number {
  return 96 + Math.ceil((8 * JSON.stringify(tables).length) / 2 ** 20);
}

export interface ColumnsRequest {
  start: number;
  end: number;
  reuse?: { nums: Float64Array; refs: Int32Array };
}

export class EngineThread {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (c: ChunkRows) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(grid: SweepGrid, tables: SweepTables, plan: ColumnPlan, simulatorModule?: string) {
    // the compiled worker in dist/sweep, wherever this module runs from (src/ under vitest, dist/, a bundled chunk)
    this.worker = new Worker(join(DIST_DIR, 'sweep', 'worker.js'), {
      workerData: { grid, tables, plan, simulatorModule },
      resourceLimits: { maxYoungGenerationSizeMb: ENGINE_YOUNG_MB, maxOldGenerationSizeMb: engineOldMb(tables) },
    });
    this.worker.on('message', (msg: ChunkRows | 'ready') => {
      if (msg !== 'ready') this.waiting.shift()?.resolve(msg);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`sweep engine thread exited with code ${code}`)));
  }

  /** rows [start, end) as columns, filled into reuse where it is large enough; answers come in the order asked */
  columns(start: number, end: number, reuse?: { nums: Float64Array; refs: Int32Array }): Promise<ChunkRows> {
    if (this.failure) return Promise.reject(this.failure);
    const req: ColumnsRequest = { start, end, reuse };
    this.worker.postMessage(req, reuse ? [reuse.nums.buffer as ArrayBuffer, reuse.refs.buffer as ArrayBuffer] : []);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }
}
