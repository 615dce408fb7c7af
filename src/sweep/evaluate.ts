// Evaluate a range of combinations: decode each index → flags → request → simulate → the row's cells as numbers
// (columns) → CSV lines (src/sweep/format.ts, here or on a thread of its own). The same code runs inline (small
// sweeps, tests) and inside each worker. What comes back is compact: the chunk's CSV text (lines joined once) or its
// columns, a count, and the chunk's local Pareto front (or, as columns, each row's Pareto metrics: chunk-front.ts).
import type { SimulateRequest, SimulateResult } from '../sim/types.js';
import type { NormalizedHardware, NormalizedModel } from '../spec/types.js';
import { axisValueText, decodeIndex, type SweepGrid } from './grid.js';
import { csvCell, resultWriter, type ColumnPlan } from './columns.js';
import { makeFormatter, NUMBER_CELL, TextIds, type ChunkColumns } from './format.js';
import type { ParetoPoint } from './pareto.js';
import { chunkFront, METRICS, noMetrics, writeMetrics } from './chunk-front.js';
import type { SweepTables } from './resolve.js';
import { PassMemo } from '../sim/pass-memo.js';
import { sameShapes } from './same-shapes.js';
import { withDefaultRuntime } from '../runtime/resolve.js';

// One combination as simulate's flags, snake_case as in the sweep file. `set` collects every set axis.
export type SweepFlags = Record<string, string | number | string[] | undefined>;

export type RequestBuilder = (flags: SweepFlags, model: NormalizedModel, hardware: NormalizedHardware) => SimulateRequest;
export type Simulator = (req: SimulateRequest) => SimulateResult;

export interface ChunkResult {
  start: number;
  end: number;
  csv: string; // end − start lines, each ending in \n
  feasible: number;
  errors: string[]; // internal errors (bugs), a few, to report on stderr
  front: ParetoPoint[];
}

// A chunk as its engine side leaves it: the cells in columns, and each row's Pareto metrics (chunkFront makes the
// chunk's local front of them, wherever the fronts are kept: src/sweep/chunk-front.ts)
export interface ChunkRows {
  cols: ChunkColumns;
  feasible: number;
  errors: string[];
  metrics: Float64Array; // (end − start) × METRICS
}

export interface Evaluator {
  // the engine side only; buffers to fill when they are large enough (ChunkColumns' may be reused once formatted)
  columns(start: number, end: number, reuse?: { nums: Float64Array; refs: Int32Array }): ChunkRows;
  // columns, then formatted here
  run(start: number, end: number): ChunkResult;
}

// each model's CSV cell, by its place on the model axis: a Pareto point's group
export function modelGroups(grid: SweepGrid): string[] {
  return grid.axes.find((a) => a.key === 'model')!.values.map((v) => csvCell(axisValueText(v)));
}

// the lines a formatter gave for a chunk's front (in index order, as paretoFronts returns them) onto its points
export function fillLines(front: ParetoPoint[], lines: string[]): void {
  for (let i = 0; i < front.length; i++) front[i]!.line = lines[i]!;
}

// JIT warm-up (issue 15): before a large sweep's first chunk, WARM_ROWS rows spread over the whole grid go through an
// evaluator of their own (its own memo and texts; what it makes is thrown away). V8 optimizes the row loop, with the
// engine inlined into it, on the type feedback of the rows it has seen, and evaluators share that feedback (one
// function literal). Without it the first rows show one model and one accelerator, and each later model, accelerator or
// branch (MoE, rows that do not fit) threw the optimized loop away and compiled it again: in the first 300k rows of the
// bench's 1M grid 268 TurboFan compiles, the loop's 15 of them at 50–200 ms, against 176 after 256 rows of warm-up.
export const WARM_ROWS = 256;
const WARM_FROM = 20_000; // grid rows: a smaller sweep is over before the warm-up would pay

export function makeEvaluator(grid: SweepGrid, tables: SweepTables, plan: ColumnPlan, simulate: Simulator, buildRequest: RequestBuilder, warmRows = grid.size >= WARM_FROM ? WARM_ROWS : 0): Evaluator {
  if (warmRows > 0) {
    const warm = evaluator(grid, tables, plan, simulate, buildRequest);
    for (let k = 0; k < warmRows; k++) {
      const i = Math.floor(((k + 0.5) * grid.size) / warmRows);
      warm.run(i, i + 1);
    }
  }
  return evaluator(grid, tables, plan, simulate, buildRequest);
}

function evaluator(grid: SweepGrid, tables: SweepTables, plan: ColumnPlan, simulate: Simulator, buildRequest: RequestBuilder): Evaluator {
  const axes = grid.axes;
  const n = axes.length;
  const modelAxis = axes.findIndex((a) => a.key === 'model');
  // a Pareto point's group: the model's CSV cell
  const modelCells = modelGroups(grid);
  const strides = tables.variantAxes.map((_, k) =>
    tables.variantAxes.slice(k + 1).reduce((s, ai) => s * axes[ai]!.values.length, 1),
  );
  const setAxes = axes.flatMap((a, i) => (a.key === 'set' ? [i] : []));
  const plainAxes = axes.flatMap((a, i) => (a.key === 'set' ? [] : [i]));
  const hardwareAxis = axes.findIndex((a) => a.key === 'hardware');
  const prices = grid.prices;
  const hardware = sameShapes(tables.hardware);
  const digits = new Int32Array(n);
  const width = plan.resultIndex.length;
  const texts = new TextIds();
  const writeResult = resultWriter(plan, texts);
  // the work rows share (prefills, steps' context-free ops), costed once per evaluator: same numbers, bit for bit
  const memo = new PassMemo();
  // each (hardware variant, model) with the runtime simulate() would bind for it, bound once: a hardware that comes
  // bound makes simulate() skip its own lookup and its copy of the whole request (per row, issue 15)
  const bound: (NormalizedHardware | undefined)[] = new Array(hardware.length * tables.models.length);

  // a combination's flags, as simulate takes them
  const flagsOf = (digits: Int32Array): SweepFlags => {
    const flags: SweepFlags = {};
    for (const a of plainAxes) flags[axes[a]!.key] = axes[a]!.values[digits[a]!] as string | number;
    if (prices) {
      const p = prices[String(axes[hardwareAxis]!.values[digits[hardwareAxis]!])];
      if (p !== undefined) flags.price = p;
    }
    if (setAxes.length) {
      const set: string[] = [];
      for (const a of setAxes) {
        const axis = axes[a]!;
        const v = axis.values[digits[a]!]!;
        if (axis.setPath !== undefined) set.push(`${axis.setPath}=${v}`);
        else set.push(...(v as string[]));
      }
      flags.set = set;
    }
    return flags;
  };
  const columns = (start: number, end: number, reuse?: { nums: Float64Array; refs: Int32Array }): ChunkRows => {
    // a row's UserError is its reason and is never shown with a stack: capturing one for each of a sweep's (often
    // 100,000s of) rows whose context is too long or whose tp does not divide was ~4% of its time (issue 15). A bug's
    // stack is taken by running its row again (stackOf), under this limit.
    const traceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      const count = end - start;
      const cols: ChunkColumns = {
        start,
        end,
        nums: reuse && reuse.nums.length >= count * width ? reuse.nums : new Float64Array(count * width),
        refs: reuse && reuse.refs.length >= count * (width + 1) ? reuse.refs : new Int32Array(count * (width + 1)),
        fresh: [],
        reset: false,
      };
      return rows(cols, traceLimit);
    } finally {
      Error.stackTraceLimit = traceLimit;
    }
  };
  const sizes = axes.map((a) => a.values.length);
  const rows = (cols: ChunkColumns, traceLimit: number): ChunkRows => {
    const { start, end } = cols;
    let lastReason: string | null = null;
    let lastReasonRef = NUMBER_CELL;
    const metrics = new Float64Array((end - start) * METRICS);
    const errors: string[] = [];
    let feasible = 0;
    if (start < end) decodeIndex(grid, start, digits);
    for (let index = start; index < end; index++) {
      if (index > start) {
        // the next combination: the last axis counts fastest (decodeIndex's order)
        for (let a = n - 1; a >= 0; a--) {
          if (++digits[a]! < sizes[a]!) break;
          digits[a] = 0;
        }
      }
      const modelIndex = digits[modelAxis]!;
      const model = tables.models[modelIndex]!;
      let variant = 0;
      for (let k = 0; k < strides.length; k++) variant += digits[tables.variantAxes[k]!]! * strides[k]!;
      let hw = hardware[variant]!;

      let result: SimulateResult | null = null;
      let reason: string | null = null;
      if (typeof model === 'string') reason = model;
      else if (typeof hw === 'string') reason = hw;
      else {
        const at = variant * tables.models.length + modelIndex;
        hw = bound[at] ??= boundRuntime(hw, model);
        const flags = flagsOf(digits);
        try {
          const req = buildRequest(flags, model, hw);
          req.memo = memo;
          result = simulate(req);
          if (!result.memory?.fits) reason = result.memory?.reason || 'does not fit in memory';
          else reason = overLimit(result, flags);
        } catch (e) {
          const err = e as Error;
          // A user-level answer (invalid parallelism, context too long) is a reason; anything else is a
          // bug in an engine, still one row (the sweep goes on) but counted and reported.
          reason = err?.message?.split('\n')[0] ?? String(e);
          if (err?.name !== 'UserError') {
            reason = `internal error: ${reason}`;
            if (errors.length < 5) {
              // the same call again, memo included: a fault of the memoized path shows as well
              const again = () => {
                const req = buildRequest(flags, model, hw as NormalizedHardware);
                req.memo = memo;
                return simulate(req);
              };
              errors.push(`row ${index}: ${stackOf(again, traceLimit) ?? reason}`);
            }
          }
        }
      }
      const row = index - start;
      writeResult(result, row, cols);
      const ok = reason === null;
      if (reason !== null && reason !== lastReason) {
        // rows in a run often share their reason (a context too long for every batch): one id lookup for the run
        lastReason = reason;
        lastReasonRef = texts.id(reason);
      }
      cols.refs[row * (width + 1) + width] = ok ? NUMBER_CELL : lastReasonRef;
      if (ok) {
        feasible++;
        writeMetrics(metrics, row, result!, modelIndex);
      } else noMetrics(metrics, row);
    }
    Object.assign(cols, texts.take());
    return { cols, feasible, errors, metrics };
  };
  const formatter = makeFormatter(grid, plan);
  let scratch: { nums: Float64Array; refs: Int32Array } | undefined;
  const run = (start: number, end: number): ChunkResult => {
    const c = columns(start, end, scratch);
    scratch = c.cols;
    const front = chunkFront(c.metrics, start, end, modelCells);
    const f = formatter.format(c.cols, front.map((p) => p.index));
    fillLines(front, f.lines);
    return { start, end, csv: f.csv, feasible: c.feasible, errors: c.errors, front };
  };
  return { columns, run };
}

// The stack of the error a row's engine call throws, taken with the process's stack-trace limit (run() turns stack
// traces off); null when the call does not throw again.
function stackOf(call: () => unknown, traceLimit: number): string | null {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = traceLimit;
  try {
    call();
    return null;
  } catch (e) {
    return (e as Error)?.stack ?? null;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

// The hardware as simulate() binds it for this model (its default runtime unless a runtime is bound already); a
// hardware whose runtime cannot be bound is passed on as it is, so that simulate() answers for that row as before.
function boundRuntime(hw: NormalizedHardware, model: NormalizedModel): NormalizedHardware {
  try {
    return withDefaultRuntime(hw, model);
  } catch {
    return hw;
  }
}

// max_tpot / max_ttft hold on every row, not only where `batch: max` chose the batch: a fixed batch over the
// limit is infeasible, with the reason. (With `batch: max` the engine already picked a batch within them.)
export function overLimit(r: SimulateResult, flags: SweepFlags): string | null {
  const ms = (s: number) => `${Number((s * 1e3).toPrecision(3))} ms`;
  const lim = (k: string) => (typeof flags[k] === 'number' ? (flags[k] as number) : undefined);
  const tpot = lim('max_tpot');
  const ttft = lim('max_ttft');
  if (tpot !== undefined && typeof r.tpot_s === 'number' && r.tpot_s > tpot * (1 + 1e-9)) return `tpot ${ms(r.tpot_s)} is over max_tpot ${ms(tpot)}`;
  if (ttft !== undefined && typeof r.ttft_s === 'number' && r.ttft_s > ttft * (1 + 1e-9)) return `ttft ${ms(r.ttft_s)} is over max_ttft ${ms(ttft)}`;
  return null;
}
