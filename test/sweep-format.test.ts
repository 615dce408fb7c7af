import { describe, expect, it } from 'vitest';
import { parseSweep } from '../src/sweep/grid.js';
import { csvCell, planColumns, resultCells, resultWriter } from '../src/sweep/columns.js';
import { makeFormatter, NumberCells, NUMBER_CELL, TextIds, type ChunkColumns } from '../src/sweep/format.js';
import { paretoFront, paretoFronts, type ParetoPoint } from '../src/sweep/pareto.js';
import type { SimulateResult } from '../src/sim/types.js';

// issue 15: the hot loop's cells (numbers in columns → per-column last value → cell) must be the bytes csvCell writes
describe('sweep cell formatting', () => {
  const grid = parseSweep('sweep:\n  model: [llama-3.1-8b]\n  hardware: [h100-sxm]\n  batch: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]\n', 'grid.yaml');
  const plan = planColumns(grid, ['decoder']);
  const result = (tpot: unknown, fits: boolean, warnings: string[] = []): SimulateResult =>
    ({ family: 'decoder', tp: 1, pp: 1, batch: 1, dtype: 'bf16', tpot_s: tpot, latency_s: 0.1 + Number(tpot ?? 0), memory: { fits, per_device_bytes: -0, capacity_bytes: 8e10 }, warnings }) as unknown as SimulateResult;
  it('same cells as resultCells over repeats, NaN, -0, null, quoting and failed rows', () => {
    const rows: (SimulateResult | null)[] = [
      result(0.01, true), result(0.01, true), result(NaN, true), result(NaN, false), null, result(null, true),
      result(-0, true), result(0, true), result(1e-7, true, ['a "quoted", warning']), result(1e-7, true, ['a "quoted", warning']), null, result(0.01, true),
    ];
    const width = plan.resultIndex.length;
    const texts = new TextIds(3); // a cap this small numbers the texts again after each chunk
    const write = resultWriter(plan, texts);
    const fmt = makeFormatter(grid, plan);
    const reasons = [null, 'a "quoted", reason', 'a "quoted", reason', null, 'x'];
    // two chunks of six rows, through buffers reused from the first (stale numbers left in them must not show)
    let nums = new Float64Array(6 * width).fill(12345);
    let refs = new Int32Array(6 * (width + 1));
    const lines: string[] = [];
    for (const start of [0, 6]) {
      const c: ChunkColumns = { start, end: start + 6, nums, refs, fresh: [], reset: false };
      for (let row = 0; row < 6; row++) {
        write(rows[start + row]!, row, c);
        const reason = reasons[(start + row) % reasons.length]!;
        c.refs[row * (width + 1) + width] = reason === null ? NUMBER_CELL : texts.id(reason);
      }
      Object.assign(c, texts.take());
      const f = fmt.format(c, [start + 1, start + 4]);
      lines.push(...f.csv.split('\n').slice(0, -1));
      expect(f.lines).toEqual([lines[start + 1], lines[start + 4]]);
      ({ nums, refs } = c);
    }
    rows.forEach((r, i) => {
      const want = ['llama-3.1-8b', 'h100-sxm', String(i + 1)];
      resultCells(plan, r, want);
      const reason = reasons[i % reasons.length]!;
      want.push(reason === null ? 'true' : 'false', reason === null ? '' : csvCell(reason));
      expect(lines[i], `row ${i}`).toBe(want.join(','));
    });
  });
  it('the shared number cache gives csvCell text for every value, colliding slots and -0/NaN/Infinity included', () => {
    const cells = new NumberCells();
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = [0, -0, NaN, Infinity, -Infinity, 1e21, 1e-7, 5e-324, 2 ** 53 + 2, 0.1 + 0.2];
    for (let i = 0; i < 20000; i++) values.push(i % 3 ? rand() * 10 ** Math.floor(rand() * 30 - 10) : Math.floor(rand() * 50)); // > 4096: slots collide
    for (let round = 0; round < 2; round++) for (const v of values) expect(cells.cell(v)).toBe(csvCell(v));
  });
  it('reducing the Pareto fronts as chunks arrive gives the fronts of everything, on every basis', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pts: ParetoPoint[] = Array.from({ length: 3000 }, (_, i) => ({ group: i % 3 ? 'a' : 'b', throughput: Math.round(rand() * 50), perDevice: Math.round(rand() * 50), perDollar: i % 5 ? Math.round(rand() * 50) : null, latency: Math.round(rand() * 50), index: i, line: `${i}` }));
    let acc: ParetoPoint[] = [];
    for (let s = 0; s < pts.length; s += 250) acc = paretoFronts([...acc, ...paretoFronts(pts.slice(s, s + 250))]);
    for (const basis of ['system', 'per_device', 'per_dollar'] as const) {
      expect(paretoFront(acc, basis).map((p) => p.index)).toEqual(paretoFront(pts, basis).map((p) => p.index));
    }
  });
});
