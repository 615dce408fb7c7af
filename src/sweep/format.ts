// A chunk of sweep rows as numbers → its CSV text. The engine side (src/sweep/evaluate.ts) leaves each row's result
// cells in typed columns (numbers as they are, other values as references to a short list), and this turns them into
// lines: the same cells, in the same order, through the same csvCell as a row-by-row run (test/sweep-bytes.test.ts).
// A text is sent once (TextIds numbers them on the engine side, the formatter keeps the list and each one's cell), as
// neighbouring rows repeat a few dtypes, runtimes and energy sources.
// Kept apart from the engine so that it can run on a thread of its own (src/sweep/format-thread.ts), beside the rows
// that are still being simulated (issue 15: CSV formatting off the hot path).
//
//   ChunkColumns { nums: rows × width numbers, refs: rows × (width + 1) text ids, fresh texts } ──format──▶ CSV lines
import { csvCell } from '../report/csv.js';
import type { SweepGrid } from './grid.js';
import { axisValueText, decodeIndex } from './axes.js';
import type { ColumnPlan } from './columns.js';

export interface ChunkColumns {
  start: number;
  end: number;
  // (end − start) × width: a number cell's value (its place in refs holds −1)
  nums: Float64Array;
  // (end − start) × (width + 1): −1 for a number cell, else a text id (TextIds); a row's last slot is its reason (−1:
  // feasible). Both arrays may be longer than the chunk (buffers are reused).
  refs: Int32Array;
  // the texts first used in this chunk, numbered on from the ids before (after a reset, from 1)
  fresh: string[];
  reset: boolean; // the ids start again at this chunk (the list had grown to MAX_TEXTS)
}

export const NUMBER_CELL = -1;
export const EMPTY_CELL = 0; // text id 0 is the empty cell (null, undefined)
const MAX_TEXTS = 4096; // texts held on both sides before they are dropped and numbered again (flat memory)

/** The engine side's numbering of a sweep's texts (a value as the result holds it, or String() of a boolean). */
export class TextIds {
  private ids = new Map<string, number>();
  private fresh: string[] = [];
  private reset = false;
  generation = 0; // counts resets: an id kept from an earlier generation is stale

  constructor(private readonly max = MAX_TEXTS) {}

  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(text, id);
      this.fresh.push(text);
    }
    return id;
  }

  /** the texts new since the last call, for the chunk that uses them, and whether they start the numbering again */
  take(): { fresh: string[]; reset: boolean } {
    const out = { fresh: this.fresh, reset: this.reset };
    this.fresh = [];
    this.reset = false;
    if (this.ids.size >= this.max) {
      this.ids.clear();
      this.reset = true;
      this.generation++;
    }
    return out;
  }
}

export interface Formatter {
  // the chunk's lines (each ending in \n) and the lines at `wanted` (row indices, ascending) without their \n
  format(c: ChunkColumns, wanted: ArrayLike<number>): { csv: string; lines: string[] };
}

export function makeFormatter(grid: SweepGrid, plan: ColumnPlan): Formatter {
  const axes = grid.axes;
  const n = axes.length;
  const width = plan.resultIndex.length;
  // CSV cells of every axis value, escaped once
  const cells = axes.map((a) => a.values.map((v) => csvCell(axisValueText(v))));
  const sizes = axes.map((a) => a.values.length);
  const digits = new Int32Array(n);
  // each column's last value and its cell: neighbouring rows differ in one axis, so most cells (hardware capacity,
  // tp, dtype, runtime, …) repeat and skip number → shortest-round-trip text (~11% of a sweep's CPU, issue 15)
  const lastNum = new Float64Array(width).fill(NaN);
  const lastNumCell: string[] = new Array<string>(width).fill('');
  const numbers = new NumberCells();
  let texts: string[] = ['']; // each text id's cell
  return {
    format(c, wanted) {
      // the chunk's text grows as one rope (V8 flattens it once, when it is written): a row joined from an array of
      // cells and the rows joined again cost ~40% more (issue 15)
      let csv = '';
      const lines: string[] = [];
      let w = 0;
      const { nums, refs } = c;
      if (c.reset) texts = [''];
      for (const t of c.fresh) texts.push(csvCell(t));
      if (c.start < c.end) decodeIndex(grid, c.start, digits);
      for (let index = c.start, row = 0; index < c.end; index++, row++) {
        if (index > c.start) {
          // the next combination: the last axis counts fastest (decodeIndex's order)
          for (let a = n - 1; a >= 0; a--) {
            if (++digits[a]! < sizes[a]!) break;
            digits[a] = 0;
          }
        }
        let line = cells[0]![digits[0]!]!;
        for (let a = 1; a < n; a++) line += ',' + cells[a]![digits[a]!]!;
        const at = row * (width + 1);
        for (let k = 0; k < width; k++) {
          const ref = refs[at + k]!;
          if (ref === NUMBER_CELL) {
            // a cell is reused only for the identical value (NaN never equals: it prints '' anyway; -0 and 0 both print 0)
            const v = nums[row * width + k]!;
            if (v !== lastNum[k]) {
              lastNum[k] = v;
              lastNumCell[k] = numbers.cell(v);
            }
            line += ',' + lastNumCell[k]!;
          } else line += ',' + texts[ref]!;
        }
        const reason = refs[at + width]!;
        line += reason === NUMBER_CELL ? ',true,' : ',false,' + texts[reason]!;
        // flat now: its ~100 pieces die young instead of living in the chunk's rope until it is written (issue 15)
        line.charCodeAt(0);
        csv += line + '\n';
        if (w < wanted.length && wanted[w] === index) {
          lines.push(line);
          w++;
        }
      }
      return { csv, lines };
    },
  };
}

/**
 * csvCell of numbers through a direct-mapped cache (4,096 slots indexed by a hash of the value's 64 bits): a slot
 * holds one value and its text, and a value is served from it only when it is that same value (===, where only
 * 0 and -0 compare equal and both print "0"), so the text is csvCell's. A miss costs a hash and one store. Shared by
 * all columns: latency_s is e2e_s; weights, activations and the cold prefill repeat with the inner axes' period.
 */
export class NumberCells {
  private readonly keys = new Float64Array(4096).fill(NaN); // NaN: an empty slot (NaN is never === itself)
  private readonly cells: string[] = new Array<string>(4096).fill('');
  private readonly f64 = new Float64Array(1);
  private readonly u32 = new Uint32Array(this.f64.buffer);

  cell(v: number): string {
    this.f64[0] = v;
    const h = (Math.imul(this.u32[0]! ^ Math.imul(this.u32[1]!, 0x9e3779b1), 0x85ebca6b) >>> 20) & 4095;
    if (this.keys[h] === v) return this.cells[h]!;
    const s = csvCell(v);
    this.keys[h] = v;
    this.cells[h] = s;
    return s;
  }
}
