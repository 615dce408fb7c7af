// How many worker threads a sweep runs on, from what was measured (issue 15: "one worker where a second one does
// not pay"). Each worker loads the engine and warms its JIT on its own rows: on a busy 2-core VM that warm-up cost
// 2–3 s of CPU per thread, so a second thread pays only once it has enough rows to amortize it:
//   2 cores, 100k rows: 1 thread 12.4 / 13.5 s wall (9.8 / 11.6 s CPU), 2 workers 21.6 / 19.4 s wall (16.2 / 16.8 s CPU);
//   2 cores, 300k rows: 1 thread 37.6 s wall (18.5 s CPU), 2 workers 32.6 s wall (24.6 s CPU).
// From 3 cores on, one core is left to the main thread (it orders, writes and merges the Pareto fronts) and
// the others simulate. Below INLINE_BELOW rows a worker's start (~60 ms loading the engine) costs more than it saves.
export const INLINE_BELOW = 4000;
export const TWO_CORES_PARALLEL_FROM = 200_000;

export function workerCount(rows: number, cores: number): number {
  if (rows < INLINE_BELOW || cores <= 1) return 1;
  if (cores === 2) return rows >= TWO_CORES_PARALLEL_FROM ? 2 : 1;
  return cores - 1;
}
