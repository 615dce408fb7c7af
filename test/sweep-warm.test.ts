// The JIT warm-up of a large sweep (src/sweep/evaluate.ts makeEvaluator) runs rows through an evaluator of its own and
// throws them away: the rows that follow, their text ids, reasons and Pareto lines are the same as without it.
import { describe, expect, it } from 'vitest';
import { parseSweep } from '../src/sweep/grid.js';
import { planColumns } from '../src/sweep/columns.js';
import { resolveTables } from '../src/sweep/resolve.js';
import { makeEvaluator, WARM_ROWS } from '../src/sweep/evaluate.js';
import { sweepRequest } from '../src/sweep/request.js';
import { simulate } from '../src/sim/simulate.js';

// 23,040 rows: warmed by default; reasons (too long, tp that does not divide, does not fit) among the answers
const GRID = `sweep:
  model: [llama-3.1-8b, mixtral-8x7b, qwen2.5-72b, nope-model]
  hardware: [h100-sxm, mi300x, gaudi3, b200]
  batch: [1, 16, 128, 512]
  input_tokens: [128, 4096, 65536]
  output_tokens: [64, 1024, 8192, 32768, 0]
  tp: [1, 2, 3, 8]
  dtype: [bf16, int4, fp8, q4_0, int8, fp16]
`;

describe('sweep warm-up', () => {
  it('changes no row, reason or Pareto line', async () => {
    const grid = parseSweep(GRID, 'warm.yaml');
    expect(grid.size).toBeGreaterThanOrEqual(20_000);
    const tables = await resolveTables(grid);
    const plan = planColumns(grid, tables.families);
    const cold = makeEvaluator(grid, tables, plan, simulate, sweepRequest, 0);
    const warm = makeEvaluator(grid, tables, plan, simulate, sweepRequest); // the default: WARM_ROWS rows first
    expect(WARM_ROWS).toBeGreaterThan(0);
    // chunks at the start, in the middle and at the end, in order (the memo and text ids carry on between them)
    for (const [s, e] of [[0, 600], [600, 1500], [10_000, 10_900], [22_400, 23_040]] as const) {
      const a = cold.run(s, e);
      const b = warm.run(s, e);
      expect(b.csv).toBe(a.csv);
      expect(b.feasible).toBe(a.feasible);
      expect(b.front).toEqual(a.front);
      expect(b.errors).toEqual([]);
    }
  }, 60_000);
});
