// The engine and format threads' heaps are sized for flat memory (src/sweep/engine-thread.ts engineOldMb,
// src/sweep/format-thread.ts FORMAT_YOUNG_MB): the engine thread's old-generation cap grows with the sweep's tables, so
// that a grid of thousands of hardware variants (each bound to each model inside the thread) still runs there.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseSweep } from '../src/sweep/grid.js';
import { resolveTables } from '../src/sweep/resolve.js';
import { engineOldMb } from '../src/sweep/engine-thread.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwperf-thread-mem-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 4 accelerators × 1,200 memory bandwidths: 4,800 hardware variants, each bound to 3 models in the engine thread
const bandwidths = Array.from({ length: 1200 }, (_, i) => `${(1 + i / 100).toFixed(2)} TB/s`);
const MANY = `sweep:
  model: [llama-3.1-8b, mixtral-8x7b, qwen2.5-72b]
  hardware: [h100-sxm, mi300x, b200, gaudi3]
  set: {memory.bandwidth: [${bandwidths.join(', ')}]}
  batch: [8]
  input_tokens: [1024]
  output_tokens: [128]
`;

describe('sweep thread memory', () => {
  it("the engine thread's old-generation cap grows with the tables", async () => {
    const small = await resolveTables(parseSweep('sweep:\n  model: [llama-3.1-8b]\n  hardware: [h100-sxm]\n', 'a.yaml'));
    const many = await resolveTables(parseSweep(MANY, 'b.yaml'));
    expect(engineOldMb(small)).toBeGreaterThanOrEqual(96);
    expect(engineOldMb(many)).toBeGreaterThan(engineOldMb(small) + 16);
  });

  it('a sweep of thousands of hardware variants runs on the engine thread', async () => {
    const file = join(dir, 'many.yaml');
    writeFileSync(file, MANY);
    const { runSweep } = (await import(pathToFileURL(join(ROOT, 'dist', 'sweep', 'run.js')).href)) as typeof import('../src/sweep/run.js');
    const out = join(dir, 'many.csv');
    const s = await runSweep(file, { out, workers: 1, engineThread: true, formatThread: true });
    expect(s.configs).toBe(14_400);
    expect(s.internal_errors).toEqual([]);
    expect(s.feasible).toBeGreaterThan(10_000);
    expect(readFileSync(out, 'utf8').split('\n').length).toBe(14_402); // header, rows, final newline
  }, 120_000);
});
