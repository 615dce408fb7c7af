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

// Where one engine runs the rows (workerCount 1), they can run on an engine thread and their CSV text on a format
// thread meanwhile (src/sweep/engine-thread.ts, format-thread.ts): the two overlap, but the split costs CPU (each
// thread's own GC and JIT, the messages). The 1,000,000-row grid of `npm run bench -- --sweep-1m` on a 2-core VM
// shared with other jobs, one thread against the two (in-process, CPU seconds per thread from /proc/self/task):
//   load ~3:   one thread 18.3 / 23.0 s CPU, 15.5 / 19.8 s wall; split 22.0 / 30.1 s CPU (engine thread 11.3 /
//              15.0 s, format thread 5.2 / 7.4 s), 14.6 / 18.8 s wall
//   load 1.4–3: one thread 20.3 / 24.7 s CPU, 17.2 / 27.6 s wall; split 24.2 / 30.3 s CPU, 19.0 / 40.5 s wall
// The engine thread (the critical path) is ~20% shorter than the single thread, but the split's ~20–30% more CPU
// only pays where a core would otherwise idle: so it is taken when the machine's 1-minute load average leaves a whole
// core free, and never below INLINE_BELOW rows (the threads' start costs more than they save).
export function formatThreadPays(rows: number, cores: number, load: number): boolean {
  return cores >= 2 && rows >= INLINE_BELOW && load <= cores - 1;
}
// rows per chunk handed to the format thread: ~0.4 MB of columns, so that messages are few and buffers stay small
export const FORMAT_THREAD_CHUNK = 1024;
