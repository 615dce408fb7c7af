// CSV formatting on a thread of its own, beside the engine (issue 15: "CSV formatting off the hot path"). The main
// thread simulates each chunk into typed columns (src/sweep/evaluate.ts) and hands them over (the buffers move, they
// are not copied); the format thread writes the text to the output file in sweep order and sends the buffers back
// with the lines of the chunk's Pareto points. At most MAX_IN_FLIGHT chunks wait, so memory stays flat whichever side
// is faster.
//
//   main: rows ──columns──▶ postMessage(nums, refs: transferred) ──▶ format thread: text ──writeSync──▶ out
//         ◀── lines of the chunk's front, the buffers back ─────────────────────────────┘
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { DIST_DIR } from '../spec/paths.js';
import type { SweepGrid } from './grid.js';
import type { ColumnPlan } from './columns.js';
import { fillLines, type ChunkRows } from './evaluate.js';
import type { ParetoPoint } from './pareto.js';

const MAX_IN_FLIGHT = 4;

// Young generation of the format thread (MB): what outlives a scavenge there is at most the chunk being written, so a
// young generation below Node's default 48 MB costs little; the default's grew the peak RSS of the bench's 500k rows
// by ~25 MB more than its 50k rows' (src/sweep/engine-thread.ts engineOldMb has the figures).
export const FORMAT_YOUNG_MB = 24;

interface Reply {
  start: number;
  lines: string[];
  nums: Float64Array;
  refs: Int32Array;
}

export class FormatThread {
  private readonly worker: Worker;
  private readonly fronts = new Map<number, ParetoPoint[]>(); // a chunk's front, by its start, until its lines come
  private readonly free: { nums: Float64Array; refs: Int32Array }[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(grid: SweepGrid, plan: ColumnPlan, fd: number) {
    // the compiled worker in dist/sweep, wherever this module runs from (src/ under vitest, dist/, a bundled chunk)
    this.worker = new Worker(join(DIST_DIR, 'sweep', 'format-worker.js'), { workerData: { grid, plan, fd }, resourceLimits: { maxYoungGenerationSizeMb: FORMAT_YOUNG_MB } });
    this.worker.on('message', (r: Reply) => {
      fillLines(this.fronts.get(r.start)!, r.lines);
      this.fronts.delete(r.start);
      this.free.push({ nums: r.nums, refs: r.refs });
      this.poke();
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      if (this.fronts.size) this.fail(new Error(`sweep format thread exited with code ${code}`));
    });
  }

  /** buffers that came back, to fill again (undefined: none yet) */
  buffers(): { nums: Float64Array; refs: Int32Array } | undefined {
    return this.free.pop();
  }

  /** hand a chunk over with its local front (chunks in sweep order); resolves once fewer than MAX_IN_FLIGHT chunks wait */
  async send(c: ChunkRows, front: ParetoPoint[]): Promise<void> {
    this.check();
    this.fronts.set(c.cols.start, front);
    const wanted = Int32Array.from(front, (p) => p.index);
    this.worker.postMessage({ cols: c.cols, wanted }, [c.cols.nums.buffer as ArrayBuffer, c.cols.refs.buffer as ArrayBuffer]);
    while (this.fronts.size >= MAX_IN_FLIGHT) await this.wait();
  }

  /** every chunk written and every front line in; the thread ends */
  async finish(): Promise<void> {
    while (this.fronts.size) await this.wait();
    await this.worker.terminate();
  }

  /** end the thread (at once, after an error elsewhere); resolves once it has stopped */
  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private wait(): Promise<void> {
    this.check();
    return new Promise<void>((resolve) => (this.wake = resolve)).then(() => this.check());
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.poke();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
