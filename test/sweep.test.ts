// hwperf sweep: grid expansion, CSV, Pareto front, the evaluator (with a fake engine), the worker pool,
// and the command end to end on library specs.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseSweep, decodeIndex } from '../src/sweep/grid.js';
import { planColumns, csvCell, parseCsvLine } from '../src/sweep/columns.js';
import { paretoFront, paretoFronts, PARETO_BASES, type ParetoPoint } from '../src/sweep/pareto.js';
import { makeEvaluator } from '../src/sweep/evaluate.js';
import { sweepRequest } from '../src/sweep/request.js';
import type { SweepTables } from '../src/sweep/resolve.js';
import type { SimulateRequest, SimulateResult } from '../src/sim/types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'run.js');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwperf-sweep-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sweepError(text: string): string {
  try {
    parseSweep(text, 'grid.yaml');
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error)';
}

describe('sweep file → grid', () => {
  it('maps keys to lists; a scalar is a one-element list; the size is the product', () => {
    const g = parseSweep('sweep:\n  model: [a, b]\n  hardware: h\n  tp: [1, 2, 4]\n  batch: [1, max]\n  input-tokens: 128\n', 'f.yaml');
    expect(g.axes.map((a) => [a.column, a.values])).toEqual([
      ['model', ['a', 'b']],
      ['hardware', ['h']],
      ['tp', [1, 2, 4]],
      ['batch', [1, 'max']],
      ['input_tokens', [128]],
    ]);
    expect(g.size).toBe(12);
  });

  it('attention_dp is a true/false axis; anything else is a one-line error', () => {
    const g = parseSweep('sweep:\n  model: m\n  hardware: h\n  attention_dp: [false, true]\n', 'f.yaml');
    expect(g.axes[2]!.values).toEqual(['false', 'true']);
    expect(sweepError('sweep:\n  model: m\n  hardware: h\n  attention_dp: [yes please]\n')).toMatch(/attention_dp.*expected true or false/);
  });

  it('set: a mapping sweeps each PATH on its own axis; a list sweeps alternatives', () => {
    const g = parseSweep(
      'sweep:\n  model: m\n  hardware: h\n  set: {memory.bandwidth: [1 TB/s, 2 TB/s], memory.capacity: 80 GB}\n',
      'f.yaml',
    );
    expect(g.axes.slice(2).map((a) => [a.column, a.values])).toEqual([
      ['set.memory.bandwidth', ['1 TB/s', '2 TB/s']],
      ['set.memory.capacity', ['80 GB']],
    ]);
    const h = parseSweep('sweep:\n  model: m\n  hardware: h\n  set: ["a.b=1", ["a.b=2", "c=3"]]\n', 'f.yaml');
    expect(h.axes[2]!.values).toEqual([['a.b=1'], ['a.b=2', 'c=3']]);
  });

  it('every index decodes to a distinct combination, first axis slowest', () => {
    const g = parseSweep('sweep:\n  model: [a, b]\n  hardware: [x, y, z]\n  tp: [1, 2]\n', 'f.yaml');
    const seen = new Set<string>();
    const d = new Int32Array(3);
    for (let i = 0; i < g.size; i++) {
      decodeIndex(g, i, d);
      seen.add(Array.from(d).join(','));
    }
    expect(seen.size).toBe(12);
    decodeIndex(g, 1, d);
    expect(Array.from(d)).toEqual([0, 0, 1]);
  });

  it.each([
    ['sweep:\n  model: a\n  hardware: h\n  batchs: [1, 2]\n', 'grid.yaml:4:3  sweep.batchs  unknown key "batchs" (did you mean "batch"?)'],
    ['sweep:\n  model: a\n  hardware: h\n  tp: [1, 0]\n', 'grid.yaml:4:11  sweep.tp.1  expected an integer ≥ 1, found 0'],
    ['sweep:\n  model: a\n  hardware: h\n  dtype: [bf61]\n', 'grid.yaml:4:11  sweep.dtype.0  unknown dtype "bf61" (did you mean "bf16"?)'],
    ['sweep:\n  model: a\n  tp: 1\n', 'grid.yaml:2:3  sweep  missing "hardware": a sweep needs at least one hardware'],
    ['swep:\n  model: a\n', 'grid.yaml:1:1  swep  unknown key "swep" (did you mean "sweep"?)'],
    ['sweep:\n  model: a\n  hardware: h\n  batch: []\n', 'grid.yaml:4:10  sweep.batch  empty list: every axis needs at least one value'],
  ])('bad file: one line with file:line:col and a suggestion (%#)', (text, message) => {
    expect(sweepError(text)).toBe(message);
  });
});

describe('CSV cells', () => {
  it('quotes what needs quoting and reads back', () => {
    const cells = ['plain', 'a,b', 'say "hi"', '', '1.5e-7'];
    const line = cells.map(csvCell).join(',');
    expect(line).toBe('plain,"a,b","say ""hi""",,1.5e-7');
    expect(parseCsvLine(line)).toEqual(cells);
    expect(csvCell(null)).toBe('');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(true)).toBe('true');
  });
});

describe('Pareto front', () => {
  it('keeps exactly the non-dominated rows of each model on each basis, and paretoFronts is their union (random points vs brute force)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const pts: ParetoPoint[] = [];
    for (let i = 0; i < 600; i++) {
      // coarse values make ties common; some rows have no price, one an infinite per-dollar value
      const throughput = Math.round(rand() * 20);
      const perDevice = Math.round(rand() * 20);
      const price = rand();
      const perDollar = price < 0.2 ? null : i === 5 ? Infinity : Math.round(rand() * 20);
      pts.push({ group: i % 3 ? 'a' : 'b', throughput, perDevice, perDollar, latency: Math.round(rand() * 20), index: i, line: String(i) });
    }
    const union = new Set<number>();
    for (const basis of PARETO_BASES) {
      const thr = (p: ParetoPoint) => (basis === 'system' ? p.throughput : basis === 'per_device' ? p.perDevice : p.perDollar);
      const ok = (p: ParetoPoint) => thr(p) !== null && Number.isFinite(thr(p));
      const front = new Set(paretoFront(pts, basis).map((p) => p.index));
      const dominated = (p: ParetoPoint) =>
        pts.some((q) => ok(q) && q.group === p.group && q.latency <= p.latency && thr(q)! >= thr(p)! && (q.latency < p.latency || thr(q)! > thr(p)!));
      for (const p of pts) expect(front.has(p.index), `${basis} ${p.index}`).toBe(ok(p) && !dominated(p));
      expect(front.size).toBeGreaterThan(2);
      for (const i of front) union.add(i);
    }
    expect(paretoFronts(pts).map((p) => p.index)).toEqual([...union].sort((a, b) => a - b));
  });
});

// A fake engine: tp 3 is "invalid parallelism", batch above 8 does not fit; throughput grows with batch
// while the per-token latency grows too (a real trade-off, so the front has several points). Plain
// JavaScript source, so that worker threads can import it from a file.
const FAKE_ENGINE = `export function simulate(req) {
  if (req.tp === 3) throw Object.assign(new Error('invalid parallelism: 32 heads are not divisible by tp 3'), { name: 'UserError' });
  const b = req.batch === 'max' ? 8 : req.batch;
  const fits = b <= 8;
  const tpot = (0.01 * (1 + b / 4)) / req.tp;
  const memory = { per_device_bytes: b * 1e9, capacity_bytes: 8e9, usable_bytes: 8e9, fits, reason: fits ? null : 'needs 16 GB, has 8 GB',
    weights_bytes: 1e9, kv_cache_bytes: b * 1e9 - 1e9, activations_bytes: 0 };
  return {
    model: req.model.id, hardware: req.hardware.id, family: 'decoder', devices: req.tp, tp: req.tp, pp: 1, ep: 1, replicas: 1,
    batch: b, dtype: req.dtype, weights_dtype: req.dtype, activations_dtype: req.dtype, kv_cache_dtype: req.dtype,
    ttft_s: fits ? 0.1 : null, tpot_s: fits ? tpot : null, e2e_s: null, throughput_tok_s: fits ? b / tpot : null, prefill_tok_s: null,
    latency_s: null, memory, phases: [], warnings: [],
  };
}
`;
let fakeFile: string;
let fakeSimulate: (req: SimulateRequest) => SimulateResult;
beforeAll(async () => {
  fakeFile = join(dir, 'fake-engine.mjs');
  writeFileSync(fakeFile, FAKE_ENGINE);
  fakeSimulate = (await import(pathToFileURL(fakeFile).href)).simulate;
});

describe('evaluator (fake engine)', () => {
  it('one row per combination, in order, with reasons for the infeasible ones', () => {
    const grid = parseSweep('sweep:\n  model: [m1, nope]\n  hardware: [h1, h2]\n  batch: [1, 4, 16]\n  tp: [1, 3]\n', 'f.yaml');
    const model = { id: 'm1', family: 'decoder' } as any;
    const tables: SweepTables = { models: [model, 'unknown model "nope"'], variantAxes: [1], hardware: [{ id: 'h1' } as any, 'unknown hardware "h2"'], families: ['decoder'] };
    const plan = planColumns(grid, tables.families);
    expect(plan.header.slice(0, 4)).toEqual(['model', 'hardware', 'batch', 'tp']);
    expect(plan.header).toContain('throughput_tok_s');
    expect(plan.header).toContain('memory_fits');
    expect(plan.header).not.toContain('images_per_s');
    expect(plan.header.slice(-2)).toEqual(['feasible', 'reason']);
    const r = makeEvaluator(grid, tables, plan, fakeSimulate, sweepRequest).run(0, grid.size);
    const rows = r.csv.trimEnd().split('\n').map(parseCsvLine);
    expect(rows).toHaveLength(24);
    const col = (name: string) => plan.header.indexOf(name);
    for (const row of rows) expect(row).toHaveLength(plan.header.length);
    const reasons = rows.map((row) => `${row[0]}/${row[1]}/${row[2]}/${row[3]}: ${row[col('feasible')]} ${row[col('reason')]}`);
    expect(reasons.slice(0, 6)).toEqual([
      'm1/h1/1/1: true ',
      'm1/h1/1/3: false invalid parallelism: 32 heads are not divisible by tp 3',
      'm1/h1/4/1: true ',
      'm1/h1/4/3: false invalid parallelism: 32 heads are not divisible by tp 3',
      'm1/h1/16/1: false needs 16 GB, has 8 GB',
      'm1/h1/16/3: false invalid parallelism: 32 heads are not divisible by tp 3',
    ]);
    expect(reasons[6]).toBe('m1/h2/1/1: false unknown hardware "h2"');
    expect(reasons[12]).toBe('nope/h1/1/1: false unknown model "nope"');
    expect(r.feasible).toBe(2);
    expect(r.front.map((p) => p.index)).toEqual([0, 2]); // batch 1: lower latency; batch 4: more throughput
  });

  it('an engine fault is an internal error with its stack, also one only the memoized path hits', () => {
    const grid = parseSweep('sweep:\n  model: [m1]\n  hardware: [h1]\n  batch: [1]\n', 'f.yaml');
    const tables: SweepTables = { models: [{ id: 'm1', family: 'decoder' } as any], variantAxes: [1], hardware: [{ id: 'h1' } as any], families: ['decoder'] };
    const plan = planColumns(grid, tables.families);
    const faulty = (req: SimulateRequest): SimulateResult => {
      if (req.memo) throw new TypeError('memo fault');
      return fakeSimulate(req);
    };
    const limit = Error.stackTraceLimit;
    const r = makeEvaluator(grid, tables, plan, faulty, sweepRequest).run(0, 1);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(parseCsvLine(r.csv.trimEnd()).slice(-2)).toEqual(['false', 'internal error: memo fault']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^row 0: TypeError: memo fault\n\s+at /);
  });
});

// End to end: these need `npm run build` (dist/ and the compiled library).
describe('hwperf sweep (built CLI)', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });

  it('runs the pool on worker threads with a fake engine: rows in order, Pareto beside', async () => {
    const file = join(dir, 'pool.yaml');
    writeFileSync(file, 'sweep:\n  model: [llama-3.1-8b, llama-3.1-70b]\n  hardware: [h100-sxm, mi300x, l4]\n  batch: [1, 2, 4, 8, 16]\n  tp: [1, 2, 3, 4]\n  input_tokens: [128, 256, 512, 1024, 2048]\n  output_tokens: [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]\n');
    const { runSweep } = (await import(pathToFileURL(join(ROOT, 'dist', 'sweep', 'run.js')).href)) as typeof import('../src/sweep/run.js');
    const out = join(dir, 'pool.csv');
    const s = await runSweep(file, { out, workers: 2, simulatorModule: pathToFileURL(fakeFile).href });
    expect(s.workers).toBe(2);
    expect(s.configs).toBe(6000);
    expect(s.feasible).toBeGreaterThan(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(6001);
    const inline = await runSweep(file, { out: join(dir, 'inline.csv'), workers: 1, simulate: fakeSimulate });
    expect(readFileSync(join(dir, 'inline.csv'), 'utf8')).toBe(readFileSync(out, 'utf8'));
    expect(inline.feasible).toBe(s.feasible);
    expect(readFileSync(join(dir, 'pool.pareto.csv'), 'utf8')).toBe(readFileSync(join(dir, 'inline.pareto.csv'), 'utf8'));
  });

  it('a small real grid: one row per combination, reasons for invalid tp and does-not-fit', () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, 'sweep:\n  model: [llama-3.1-8b, llama-3.1-70b]\n  hardware: [h100-sxm, l4]\n  batch: [1, 64]\n  tp: [1, 3]\n  input_tokens: 2048\n  output_tokens: 256\n');
    const r = run(['sweep', file, '--out', 'small.csv', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ configs: 16, out: 'small.csv', pareto: 'small.pareto.csv' });
    const lines = readFileSync(join(dir, 'small.csv'), 'utf8').trimEnd().split('\n');
    const header = parseCsvLine(lines[0]!);
    const rows = lines.slice(1).map(parseCsvLine);
    expect(rows).toHaveLength(16);
    const get = (row: string[], k: string) => row[header.indexOf(k)]!;
    for (const k of ['model', 'hardware', 'batch', 'tp', 'ttft_s', 'tpot_s', 'throughput_tok_s', 'memory_per_device_bytes', 'memory_fits', 'feasible', 'reason']) {
      expect(header).toContain(k);
    }
    for (const row of rows) {
      expect(row).toHaveLength(header.length);
      if (get(row, 'tp') === '3') {
        expect(get(row, 'feasible')).toBe('false');
        expect(get(row, 'reason')).toMatch(/tp|divisible|parallel/i);
      }
      if (get(row, 'feasible') === 'false') expect(get(row, 'reason')).not.toBe('');
      else expect(Number(get(row, 'throughput_tok_s'))).toBeGreaterThan(0);
    }
    // 70B in bf16 (141 GB of weights) does not fit one 24 GB L4
    const l4 = rows.find((row) => get(row, 'model') === 'llama-3.1-70b' && get(row, 'hardware') === 'l4' && get(row, 'tp') === '1')!;
    expect(get(l4, 'feasible')).toBe('false');
    expect(get(l4, 'memory_fits')).toBe('false');
    expect(summary.feasible).toBe(rows.filter((row) => get(row, 'feasible') === 'true').length);
    // the Pareto file: same header, feasible rows only, none dominated by another of its model
    const pareto = readFileSync(join(dir, 'small.pareto.csv'), 'utf8').trimEnd().split('\n');
    expect(pareto[0]).toBe(lines[0]);
    const front = pareto.slice(1).map(parseCsvLine);
    expect(front.length).toBeGreaterThan(0);
    const feasible = rows.filter((row) => get(row, 'feasible') === 'true');
    for (const p of front) {
      const [thr, lat] = [Number(get(p, 'throughput_tok_s')), Number(get(p, 'tpot_s'))];
      const beaten = feasible.some((q) => get(q, 'model') === get(p, 'model') &&
        Number(get(q, 'throughput_tok_s')) >= thr && Number(get(q, 'tpot_s')) <= lat &&
        (Number(get(q, 'throughput_tok_s')) > thr || Number(get(q, 'tpot_s')) < lat));
      expect(beaten).toBe(false);
    }
    // never overwritten silently
    const again = run(['sweep', file, '--out', 'small.csv']);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/--out small\.csv: exists; pass --force/);
    expect(run(['sweep', file, '--out', 'small.csv', '--force']).status).toBe(0);
  });

  it('an unknown id is a reason, not a crash; a bad file is one line with file:line', () => {
    const file = join(dir, 'ids.yaml');
    writeFileSync(file, 'sweep:\n  model: [llama-3.1-8b, llama-9]\n  hardware: h100-sxm\n');
    const r = run(['sweep', file, '--out', 'ids.csv']);
    expect(r.status).toBe(0);
    const rows = readFileSync(join(dir, 'ids.csv'), 'utf8').trimEnd().split('\n').slice(1);
    expect(rows).toHaveLength(2);
    const cells = parseCsvLine(rows[1]!);
    expect(cells.slice(0, 2)).toEqual(['llama-9', 'h100-sxm']);
    expect(cells.slice(-2)).toEqual(['false', 'unknown model "llama-9" (see `hwperf list models`)']);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'sweep:\n  model: llama-3.1-8b\n  hardware: h100-sxm\n  input_tokes: [128]\n');
    const b = run(['sweep', bad, '--out', 'bad.csv']);
    expect(b.status).toBe(2);
    expect(b.stderr.trim()).toBe(`hwperf: ${bad}:4:3  sweep.input_tokes  unknown key "input_tokes" (did you mean "input_tokens"?)`);
    expect(existsSync(join(dir, 'bad.csv'))).toBe(false);
  });
});


describe('memory what-ifs in a sweep', () => {
  it('"none" keeps the hardware as specified beside its what-ifs', () => {
    const f = join(dir, 'memory.yaml');
    writeFileSync(f, 'sweep:\n  model: llama-3.2-3b\n  hardware: snapdragon-8-elite\n  dtype: int4\n  memory: [none, "hbm3e:1"]\n');
    const out = join(dir, 'memory.csv');
    const r = spawnSync(process.execPath, [BIN, 'sweep', f, '--out', out, '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map(parseCsvLine);
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    expect(rows.slice(1).map((x) => x[col('memory')])).toEqual(['none', 'hbm3e:1']);
    const tpot = rows.slice(1).map((x) => Number(x[col('tpot_s')]));
    expect(tpot[1]!).toBeLessThan(tpot[0]! / 3); // one HBM3e stack vs the phone's LPDDR5X
  });
});
