// Pick a backend and run it: torch when python3 can import torch, else cc when a C compiler exists, else node.
import { spawnSync } from 'node:child_process';
import { checkOutFile, writeFileAtomic } from '../report/write.js';
import { UserError } from '../spec/errors.js';
import type { BackendName, BenchOptions, BenchResult } from './types.js';

export function torchAvailable(): boolean {
  const r = spawnSync(process.env.HWPERF_PYTHON ?? 'python3', ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0;
}

export async function chooseBackend(): Promise<BackendName> {
  if (torchAvailable()) return 'torch';
  const { ccAvailable } = await import('./cc.js');
  return ccAvailable() ? 'cc' : 'node';
}

// --repeats runs of the backend, combined: medians with min/max beside them, then the plausibility warnings.
export async function runBench(backend: BackendName, opts: BenchOptions): Promise<BenchResult> {
  const { combineRuns, benchWarnings } = await import('./plausibility.js');
  const n = Math.max(1, Math.floor(opts.repeats ?? 3));
  const runs: BenchResult[] = [];
  for (let i = 0; i < n; i++) {
    const progress = opts.onProgress;
    runs.push(await runBackend(backend, { ...opts, onProgress: progress && ((f, label) => progress((i + f) / n, n > 1 ? `${label} (run ${i + 1}/${n})` : label)) }));
  }
  const r = combineRuns(runs);
  return { ...r, warnings: benchWarnings(r) };
}

async function runBackend(backend: BackendName, opts: BenchOptions): Promise<BenchResult> {
  if (backend === 'cc') {
    const { ccAvailable, runCc } = await import('./cc.js');
    if (!ccAvailable()) throw new UserError('--backend cc: no C compiler found (set CC, or install gcc or clang)', );
    return runCc(opts);
  }
  if (backend === 'torch') {
    if (!torchAvailable()) throw new UserError('--backend torch: python3 cannot import torch (set HWPERF_PYTHON to a Python with PyTorch)');
    const { runTorch } = await import('./torch.js');
    return runTorch(opts);
  }
  const { runNode } = await import('./node.js');
  return runNode(opts);
}

// Output files: temp file + rename, never overwriting without --force (docs/design.md "Errors and bad input").
export function writeAtomic(file: string, text: string, force: boolean): void {
  writeFileAtomic(checkOutFile(file, force), text);
}

