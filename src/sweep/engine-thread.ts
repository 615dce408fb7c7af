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
      resourceLimits: { maxYoungGenerationSizeMb: ENGINE_YOUNG_MB },
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
