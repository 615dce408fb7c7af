// The `node` backend: always available. STREAM copy/scale/add/triad and an ERT-style intensity sweep on
// all cores (worker_threads over SharedArrayBuffer arrays, each ≥ 4× the last-level cache as STREAM's
// run rules ask), a per-thread working-set sweep for the caches, arithmetic peak from hand-assembled
// WebAssembly SIMD (wasm.ts), GEMM from plain typed-array loops (V8 does not vectorize them: this is
// what JavaScript reaches, not the hardware).
import { Worker } from 'node:worker_threads';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_DIR } from '../spec/paths.js';
import { lastLevelBytes, levelsFromSweep, readCacheGeometry } from './caches.js';
import { flopsPerIter } from './wasm.js';
import { cpuName } from './cc.js';
import type { WorkerInit, WorkerReply, WorkerTask } from './node-worker.js';
import type { BenchOptions, BenchResult, GemmPoint, RooflinePoint, SweepPoint } from './types.js';

// The worker is the compiled JavaScript in dist/bench, whether this module runs from src/ (vitest), dist/bench
// or a bundled chunk under dist/app.
function workerUrl(): URL {
  return pathToFileURL(join(DIST_DIR, 'bench', 'node-worker.js'));
}

type Task = WorkerTask extends infer T ? (T extends { gen: number } ? Omit<T, 'gen'> : never) : never;

class Pool {
  private gen = 0;
  private readonly barrier = new SharedArrayBuffer(4);
  readonly workers: Worker[];
  constructor(readonly count: number, readonly arrays: SharedArrayBuffer, readonly n: number) {
    this.workers = Array.from({ length: count }, (_, index) => {
      const init: WorkerInit = { arrays, n, barrier: this.barrier, index, count };
      return new Worker(workerUrl(), { workerData: init });
    });
  }
  // Wall seconds of one task on every worker: max(end) − min(start).
  async run(task: Task): Promise<number> {
    const gen = ++this.gen;
    const replies = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<WorkerReply>((resolve, reject) => {
            const onError = (e: Error) => reject(e);
            w.once('error', onError);
            w.once('message', (r: WorkerReply) => {
              w.off('error', onError);
              resolve(r);
            });
            w.postMessage({ ...task, gen });
          }),
      ),
    );
    return (Math.max(...replies.map((r) => r.t1)) - Math.min(...replies.map((r) => r.t0))) / 1000;
  }
  async best(task: Task, times: number): Promise<number> {
    let best = Infinity;
    for (let i = 0; i < times; i++) best = Math.min(best, await this.run(task));
    return best;
  }
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export async function runNode(opts: BenchOptions): Promise<BenchResult> {
  const t0 = performance.now();
  const progress = opts.onProgress ?? (() => {});
  const threads = cpus().length;
  const geometry = readCacheGeometry();
  const llc = lastLevelBytes(geometry, threads);
  const n = Math.ceil((4 * llc) / 8);
  const arrays = new SharedArrayBuffer(24 * n);
  const a = new Float64Array(arrays, 0, n);
  a.fill(1);
  new Float64Array(arrays, 8 * n, n).fill(2);
  const pool = new Pool(threads, arrays, n);
  const times = opts.quick ? 4 : 10;
  try {
    progress(0.05, 'STREAM');
    await pool.run({ kind: 'triad', reps: 1 }); // warm-up: JIT and page faults
    const stream = { copy: 0, scale: 0, add: 0, triad: 0 };
    for (const [kind, bytes] of [['copy', 16], ['scale', 16], ['add', 24], ['triad', 24]] as const) {
      stream[kind] = (bytes * n) / (await pool.best({ kind, reps: 1 }, times));
    }
    progress(0.35, 'WebAssembly SIMD peak');
    const iters = opts.quick ? 5_000_000 : 20_000_000;
    const peak = {
      fp64: (flopsPerIter.f64 * iters * threads) / (await pool.best({ kind: 'peak_f64', iters }, 3)),
      fp32: (flopsPerIter.f32 * iters * threads) / (await pool.best({ kind: 'peak_f32', iters }, 3)),
    };
    progress(0.5, 'GEMM');
    const gemm: GemmPoint[] = [];
    for (const [dtype, sizes] of [['fp32', opts.quick ? [128, 256] : [128, 256, 512]], ['fp64', [256]]] as const) {
      for (const s of sizes) {
        const f32 = dtype === 'fp32';
        const mats = new SharedArrayBuffer((f32 ? 4 : 8) * 3 * s * s);
        const arr = f32 ? new Float32Array(mats) : new Float64Array(mats);
        for (let i = 0; i < 2 * s * s; i++) arr[i] = (i % 7) - 3;
        const sec = await pool.best({ kind: 'gemm', m: s, n: s, k: s, f32, mats }, 3);
        gemm.push({ m: s, n: s, k: s, dtype, flops_per_s: (2 * s * s * s) / sec });
      }
    }
    progress(0.65, 'roofline sweep');
    const roofline: RooflinePoint[] = [];
    for (const r of opts.quick ? [1, 4, 16, 64] : [1, 2, 4, 8, 16, 32, 64, 128]) {
      const sec = await pool.best({ kind: 'ert', r, reps: 1 }, 2);
      roofline.push({ intensity: (2 * r) / 16, flops_per_s: (2 * r * n) / sec });
    }
    progress(0.8, 'cache sweep');
    const sweep: SweepPoint[] = [];
    for (let bytes = 16 << 10; bytes <= Math.max(2 * llc, 16 << 20); bytes *= opts.quick ? 4 : 2) {
      const reps = Math.max(1, Math.round((opts.quick ? 64 : 256) * 2 ** 20 / bytes));
      await pool.run({ kind: 'read', bytes, reps: 1 });
      const sec = await pool.best({ kind: 'read', bytes, reps }, 3);
      sweep.push({ bytes: bytes * threads, bandwidth_bytes_per_s: (bytes * reps * threads) / sec });
    }
    progress(1, 'done');
    return {
      backend: 'node',
      device: cpuName(),
      threads,
      quick: opts.quick,
      memory_bandwidth_bytes_per_s: stream.triad,
      memory_capacity_bytes: totalmem(),
      stream,
      peak_flops_per_s: peak,
      gemm,
      caches: levelsFromSweep(sweep, threads, geometry),
      roofline,
      cache_sweep: sweep,
      seconds: (performance.now() - t0) / 1000,
      notes: ['node backend: scalar JavaScript loops for memory and GEMM, WebAssembly SIMD (mul + add, no FMA) for the peak'],
    };
  } finally {
    await pool.close();
  }
}
