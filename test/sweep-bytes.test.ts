// The sweep's fast row path (pass memo, reused cells, …) writes the bytes of the plain one: every CSV line and every
// Pareto file of a few grids equals what a row-by-row reference gives — each row's flags → buildRequest → simulate()
// without any memo → csvCell on every cell — inline, with the format thread, on 2 worker threads, and as 3 shards
// merged (issue 15: a million rows in ≤ 10 s, never by changing a number).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { axisValueText, decodeIndex, parseSweep } from '../src/sweep/grid.js';
import { csvCell, planColumns, resultCells } from '../src/sweep/columns.js';
import { resolveTables } from '../src/sweep/resolve.js';
import { overLimit, type SweepFlags } from '../src/sweep/evaluate.js';
import { paretoMetrics, perUnit, PARETO_BASES, type ParetoBasis, type ParetoPoint } from '../src/sweep/pareto.js';
import { sweepRequest } from '../src/sweep/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { SimulateResult } from '../src/sim/types.js';
import { runSweep } from '../src/sweep/run.js';
import { mergeShards } from '../src/sweep/shard.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwperf-bytes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// every family, unknown ids, batch max under a latency cap, 0 and 1 output tokens, a fallback dtype, prices by
// hardware, contexts too long, tp that does not divide, rows that do not fit, a static-context runtime
const MIXED = `sweep:
  model: [llama-3.1-8b, gemma-3-27b, qwen3-30b-a3b, mixtral-8x7b, stable-diffusion-xl, whisper-large-v3, vit-b-16, nope-model]
  hardware: [h100-sxm, a100-sxm4-80gb, snapdragon-8-elite, nope-hw]
  batch: [1, 64, max]
  tp: [1, 3]
  dtype: [bf16, fp8, q4_0]
  input_tokens: [1, 7000]
  output_tokens: [0, 1, 200]
  price: {h100-sxm: 2.5, a100-sxm4-80gb: 0.8}
  max_tpot: [50ms]
`;
// hardware variants (runtime, what-ifs, memory), attention DP, a price axis, ttft caps, pipeline stages
const VARIANTS = `sweep:
  model: [llama-3.1-8b, qwen3-30b-a3b, llama-3.1-70b]
  hardware: [h100-sxm, b200]
  runtime: [default, vllm]
  set: {memory.bandwidth: [3.35 TB/s, 4.8 TB/s]}
  memory: [none, "hbm3e:1"]
  attention_dp: [false, true]
  tp: [1, 4]
  pp: 2
  batch: [8, 256]
  input_tokens: [2048]
  output_tokens: [64, 1024]
  max_ttft: [0.5]
  price: [1, 3.5]
`;
// the axes of `npm run bench -- --sweep-1m` in its order (output length inside input length, then tp and dtype): pure
// decode steps shared across input lengths, prefills across output lengths, MoE and dense models, rows that do not fit
const BENCH = `sweep:
  model: [llama-3.1-8b, mixtral-8x7b, llama-3.1-70b]
  hardware: [h100-sxm, mi300x, gaudi3]
  batch: [1, 16, 512]
  input_tokens: [128, 4096, 65536]
  output_tokens: [64, 1024]
  tp: [1, 2, 8]
  dtype: [bf16, int4, fp8]
`;

// the sweep's bytes, row by row, the plain way
async function reference(text: string, file: string): Promise<{ csv: string; fronts: string[] }> {
  const grid = parseSweep(text, file);
  const tables = await resolveTables(grid);
  const plan = planColumns(grid, tables.families);
  const header = plan.header.join(',') + '\n';
  const digits = new Int32Array(grid.axes.length);
  const lines: string[] = [];
  const points: ParetoPoint[] = [];
  const variantOf = () => tables.variantAxes.reduce((v, a) => v * grid.axes[a]!.values.length + digits[a]!, 0);
  for (let index = 0; index < grid.size; index++) {
    decodeIndex(grid, index, digits);
    const row = grid.axes.map((a, i) => csvCell(axisValueText(a.values[digits[i]!]!)));
    const model = tables.models[digits[grid.axes.findIndex((a) => a.key === 'model')]!]!;
    const hw = tables.hardware[variantOf()]!;
    let result: SimulateResult | null = null;
    let reason: string | null = null;
    if (typeof model === 'string') reason = model;
    else if (typeof hw === 'string') reason = hw;
    else {
      const flags: SweepFlags = {};
      grid.axes.forEach((a, i) => {
        if (a.key !== 'set') flags[a.key] = a.values[digits[i]!] as string | number;
      });
      const price = grid.prices?.[String(flags.hardware)];
      if (price !== undefined) flags.price = price;
      const set = grid.axes.flatMap((a, i) => (a.key !== 'set' ? [] : a.setPath !== undefined ? [`${a.setPath}=${a.values[digits[i]!]}`] : (a.values[digits[i]!] as string[])));
      if (set.length) flags.set = set;
      try {
        result = simulate(sweepRequest(flags, model, hw));
        reason = result.memory.fits ? overLimit(result, flags) : result.memory.reason || 'does not fit in memory';
      } catch (e) {
        reason = (e as Error).message.split('\n')[0]!;
        expect((e as Error).name, reason).toBe('UserError');
      }
    }
    resultCells(plan, result, row);
    row.push(reason === null ? 'true' : 'false', reason === null ? '' : csvCell(reason));
    const line = row.join(',');
    lines.push(line);
    const m = reason === null ? paretoMetrics(result!) : null;
    if (m) {
      const u = perUnit(result!, m[0]);
      points.push({ group: row[grid.axes.findIndex((a) => a.key === 'model')]!, throughput: m[0], perDevice: u.perDevice, perDollar: u.perDollar, latency: m[1], index, line });
    }
  }
  return { csv: header + lines.join('\n') + '\n', fronts: PARETO_BASES.map((b) => header + frontByDefinition(points, b).map((p) => p.line + '\n').join('')) };
}

// The front by its definition (src/sweep/pareto.ts's header), point against point, apart from the sweep's one-pass rule:
// a point with a usable throughput is on it when no other point of its model has latency ≤ and throughput ≥, one of
// them strictly better.
function frontByDefinition(points: ParetoPoint[], basis: ParetoBasis): ParetoPoint[] {
  const thr = (p: ParetoPoint) => (basis === 'system' ? p.throughput : basis === 'per_device' ? p.perDevice : p.perDollar);
  const usable = points.filter((p) => thr(p) !== null && Number.isFinite(thr(p)));
  return usable
    .filter((p) => !usable.some((q) => q.group === p.group && q.latency <= p.latency && thr(q)! >= thr(p)! && (q.latency < p.latency || thr(q)! > thr(p)!)))
    .sort((a, b) => a.index - b.index);
}

const read = (csv: string) => [csv, csv.replace(/\.csv$/, '.pareto.csv'), csv.replace(/\.csv$/, '.pareto-per-device.csv'), csv.replace(/\.csv$/, '.pareto-per-dollar.csv')].map((f) => readFileSync(f, 'utf8'));

describe('sweep bytes: the fast row path writes what a plain row-by-row run writes', () => {
  for (const [name, text] of [['mixed', MIXED], ['variants', VARIANTS], ['bench', BENCH]] as const) {
    it(`${name}: inline, format thread, 2 workers, 3 shards merged`, async () => {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, text);
      const want = await reference(text, file);
      const feasible = want.csv.split('\n').filter((l) => l.endsWith(',true,')).length;
      expect(feasible).toBeGreaterThan(50); // the grid has answers, not only reasons
      const inline = join(dir, `${name}.csv`);
      const s = await runSweep(file, { out: inline, workers: 1 });
      expect(s.internal_errors).toEqual([]);
      expect(s.feasible).toBe(feasible);
      const got = read(inline);
      // line by line first: a failure names the row
      const wl = want.csv.split('\n');
      got[0]!.split('\n').forEach((l, i) => expect(l, `row ${i}`).toBe(wl[i]));
      expect(got).toEqual([want.csv, ...want.fronts]);
      // the workers run the compiled engine (dist/), as `hwperf sweep` does
      const { runSweep: runBuilt } = (await import(pathToFileURL(join(ROOT, 'dist', 'sweep', 'run.js')).href)) as typeof import('../src/sweep/run.js');
      const pooled = join(dir, `${name}-w2.csv`);
      expect((await runBuilt(file, { out: pooled, workers: 2 })).workers).toBe(2);
      expect(read(pooled)).toEqual(got);
      // rows in this thread, CSV text on the format thread (the default on 2 cores)
      const threaded = join(dir, `${name}-fmt.csv`);
      expect((await runBuilt(file, { out: threaded, workers: 1, formatThread: true })).feasible).toBe(feasible);
      expect(read(threaded)).toEqual(got);
      // the rows on an engine thread: with the format thread (the default on 2 cores from 4,000 rows), and alone
      for (const formatThread of [true, false]) {
        const engine = join(dir, `${name}-eng-${formatThread}.csv`);
        expect((await runBuilt(file, { out: engine, workers: 1, engineThread: true, formatThread })).workers).toBe(1);
        expect(read(engine)).toEqual(got);
      }
      const shards: string[] = [];
      for (let i = 1; i <= 3; i++) {
        shards.push(join(dir, `${name}-s${i}.csv`));
        await runSweep(file, { out: shards[i - 1], workers: 1, shard: { index: i, of: 3 } });
      }
      const merged = join(dir, `${name}-merged.csv`);
      mergeShards(shards, merged);
      expect(read(merged)).toEqual(got);
    }, 120_000);
  }
});
