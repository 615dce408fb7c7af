// How many worker threads a sweep runs on, from what was measured (issue 15: "one worker where a second one does
// not pay"). Each worker loads the engine and warms its JIT on its own rows, and on a busy machine that warm-up
// costs seconds of CPU per thread. On a 2-core VM shared with other jobs a second thread did not pay even at 300k
// rows (sweep of 5 models × 8 accelerators × 10 batches × 10 inputs × 5 outputs × 5 tp × 3 dtypes):
//   100k rows: 1 thread 11.9 / 12.1 s wall (9.4 / 10.5 s CPU), 2 workers 18.1 / 19.3 s wall (14.6 / 15.4 s CPU);
//   300k rows: 1 thread 26.9 / 29.9 s wall (23.6 / 26.1 s CPU), 2 workers 41.3 / 46.7 s wall (37.1 / 31.8 s CPU)
//   (one earlier 300k pair went the other way, 37.6 against 32.6 s, under a different load).
// So up to 2 cores the main thread runs the rows itself. From 3 cores on, one core is left to the main thread (it
// orders, writes and merges the Pareto fronts) and the others simulate (issue 15's measurement: workers pay from
// 4 cores). Below INLINE_BELOW rows a worker's start (~60 ms loading the engine) costs more than it saves.
export const INLINE_BELOW = 4000;

export function workerCount(rows: number, cores: number): number {
  if (rows < INLINE_BELOW || cores <= 2) return 1;
  return cores - 1;
}

// Where one engine runs the rows (workerCount 1), the CSV text is made on a second thread meanwhile
// (src/sweep/format-thread.ts): the engine's thread then holds no text, only typed columns, and the two overlap on two
// cores. The 1,000,000-row grid of `npm run bench -- --sweep-1m`, on a 2-core VM shared with other jobs (load ~8),
// CPU seconds per thread read from /proc/self/task:
//   one thread:    21.9 s in all: main 17.4 s, V8's helper threads (GC, compiler) 4.5 s; 24.9 s wall
//   format thread: 20.2 s in all: main 10.9 s, format thread 5.4 s, V8's helpers 3.9 s; 23.0 s wall
// The main thread's 10.9 s is the critical path where a core is free. It needs a second core, and below INLINE_BELOW
// rows the thread's start costs more than it saves.
export function formatThreadPays(rows: number, cores: number): boolean {
  return cores >= 2 && rows >= INLINE_BELOW;
}
// rows per chunk handed to the format thread: ~0.4 MB of columns, so that messages are few and buffers stay small
export const FORMAT_THREAD_CHUNK = 1024;
