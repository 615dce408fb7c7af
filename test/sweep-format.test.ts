import { describe, expect, it } from 'vitest';
import { parseSweep } from '../src/sweep/grid.js';
import { csvCell, NumberCells, planColumns, resultCells, resultFormatter } from '../src/sweep/columns.js';
import { paretoFront, paretoFronts, type ParetoPoint } from '../src/sweep/pareto.js';
import type { SimulateResult } from '../src/sim/types.js';

// issue 15: the hot loop's formatter (per-column last value → cell) must write the bytes csvCell writes
describe('sweep cell formatting', () => {
  const grid = parseSweep('sweep:\n  model: [llama-3.1-8b]\n  hardware: [h100-sxm]\n  batch: [1, 2]\n', 'grid.yaml');
  const plan = planColumns(grid, ['decoder']);
  const result = (tpot: unknown, fits: boolean, warnings: string[] = []): SimulateResult =>
    ({ family: 'decoder', tp: 1, pp: 1, batch: 1, dtype: 'bf16', tpot_s: tpot, latency_s: 0.1 + Number(tpot ?? 0), memory: { fits, per_device_bytes: -0, capacity_bytes: 8e10 }, warnings }) as unknown as SimulateResult;
  it('same cells as resultCells over repeats, NaN, -0, null, quoting and failed rows', () => {
    const rows: (SimulateResult | null)[] = [
      result(0.01, true), result(0.01, true), result(NaN, true), result(NaN, false), null, result(null, true),
      result(-0, true), result(0, true), result(1e-7, true, ['a "quoted", warning']), result(1e-7, true, ['a "quoted", warning']), null, result(0.01, true),
    ];
    const fmt = resultFormatter(plan);
    for (const r of rows) {
      const want: string[] = [];
      resultCells(plan, r, want);
      expect(fmt(r)).toBe(want.map((c) => ',' + c).join(''));
    }
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
