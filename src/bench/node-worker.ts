// One worker of the `node` backend: runs a kernel on its share of the SharedArrayBuffer arrays once every
// worker has reached the barrier, and reports its start and end times (performance.timeOrigin-based,
// so the main thread can take max(end) − min(start) across workers as the wall time).
import { parentPort, workerData } from 'node:worker_threads';
import { instantiatePeak } from './wasm.js';

export interface WorkerInit {
  arrays: SharedArrayBuffer; // a, b, c: n doubles each, back to back
  n: number;
  barrier: SharedArrayBuffer; // Int32Array(1): arrivals
  index: number;
  count: number;
}
export type WorkerTask =
  | { kind: 'copy' | 'scale' | 'add' | 'triad'; reps: number; gen: number }
  | { kind: 'read'; bytes: number; reps: number; gen: number }
  | { kind: 'peak_f32' | 'peak_f64'; iters: number; gen: number }
  | { kind: 'ert'; r: number; reps: number; gen: number }
  | { kind: 'gemm'; m: number; n: number; k: number; f32: boolean; mats: SharedArrayBuffer; gen: number };
export interface WorkerReply { t0: number; t1: number; sink: number }

const init = workerData as WorkerInit;
const { n, index, count } = init;
const a = new Float64Array(init.arrays, 0, n);
const b = new Float64Array(init.arrays, 8 * n, n);
const c = new Float64Array(init.arrays, 16 * n, n);
const bar = new Int32Array(init.barrier);
const lo = Math.floor((n * index) / count);
const hi = Math.floor((n * (index + 1)) / count);
let priv = new Float64Array(0);
const peak = instantiatePeak();

function barrier(gen: number): void {
  Atomics.add(bar, 0, 1);
  while (Atomics.load(bar, 0) < gen * count) {
    // spin: the wait is microseconds and all workers are on their own core
  }
}

function run(t: WorkerTask): number {
  let s = 0;
  switch (t.kind) {
    case 'copy':
      for (let r = 0; r < t.reps; r++) for (let j = lo; j < hi; j++) c[j] = a[j]!;
      return c[lo] ?? 0;
    case 'scale':
      for (let r = 0; r < t.reps; r++) for (let j = lo; j < hi; j++) b[j] = 3 * c[j]!;
      return b[lo] ?? 0;
    case 'add':
      for (let r = 0; r < t.reps; r++) for (let j = lo; j < hi; j++) c[j] = a[j]! + b[j]!;
      return c[lo] ?? 0;
    case 'triad':
      for (let r = 0; r < t.reps; r++) for (let j = lo; j < hi; j++) a[j] = b[j]! + 3 * c[j]!;
      return a[lo] ?? 0;
    case 'read': {
      const len = Math.max(4, Math.floor(t.bytes / 8 / 4) * 4);
      if (priv.length < len) priv = new Float64Array(len).fill(1);
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let r = 0; r < t.reps; r++)
        for (let j = 0; j < len; j += 4) {
          s0 += priv[j]!;
          s1 += priv[j + 1]!;
          s2 += priv[j + 2]!;
          s3 += priv[j + 3]!;
        }
      return s0 + s1 + s2 + s3;
    }
    case 'peak_f32':
      return peak ? peak.peak_f32(t.iters) : 0;
    case 'peak_f64':
      return peak ? peak.peak_f64(t.iters) : 0;
    case 'ert':
      for (let rep = 0; rep < t.reps; rep++)
        for (let j = lo; j < hi; j++) {
          let x = a[j]!;
          for (let k = 0; k < t.r; k++) x = x * 0.9999 + 1e-4;
          a[j] = x;
        }
      return a[lo] ?? 0;
    case 'gemm': {
      // rows [r0, r1) of C = A·B, i-k-j order (unit stride on B and C)
      const es = t.f32 ? 4 : 8;
      const view = (off: number, len: number) => (t.f32 ? new Float32Array(t.mats, off, len) : new Float64Array(t.mats, off, len));
      const A = view(0, t.m * t.k);
      const B = view(es * t.m * t.k, t.k * t.n);
      const C = view(es * (t.m * t.k + t.k * t.n), t.m * t.n);
      const r0 = Math.floor((t.m * index) / count), r1 = Math.floor((t.m * (index + 1)) / count);
      for (let i = r0; i < r1; i++) {
        const ci = i * t.n;
        for (let j = 0; j < t.n; j++) C[ci + j] = 0;
        for (let p = 0; p < t.k; p++) {
          const aip = A[i * t.k + p]!;
          const bp = p * t.n;
          for (let j = 0; j < t.n; j++) C[ci + j] += aip * B[bp + j]!;
        }
      }
      return C[r0 * t.n] ?? 0;
    }
  }
  return s;
}

parentPort!.on('message', (t: WorkerTask) => {
  barrier(t.gen);
  const t0 = performance.timeOrigin + performance.now();
  const sink = run(t);
  const t1 = performance.timeOrigin + performance.now();
  parentPort!.postMessage({ t0, t1, sink } satisfies WorkerReply);
});
