// The CSV's columns: the swept flags (as the file wrote them), then simulate's scalar keys flattened
// (memory.fits → memory_fits), then `feasible` and `reason`. A result key that has the same name as a
// swept flag is left out (the flag's column already holds it), except that `batch: max` keeps the batch
// it chose in `batch_used`. Family-specific keys appear only when a model of that family is swept, so a
// decoder sweep has no empty image columns.
import type { SimulateResult } from '../sim/types.js';
import type { SweepGrid } from './grid.js';
import { csvCell } from '../report/csv.js'; // RFC 4180 quoting; numbers in shortest round-trip form
import { EMPTY_CELL, NUMBER_CELL, type ChunkColumns, type TextIds } from './format.js';

export { csvCell };

// [column, how to read it from a result, families that have it (undefined: every family)]
type Getter = (r: SimulateResult) => unknown;
const RESULT_COLUMNS: [string, Getter, string[]?][] = [
  ['family', (r) => r.family],
  ['runtime', (r) => r.runtime],
  ['devices', (r) => r.devices],
  ['tp', (r) => r.tp],
  ['pp', (r) => r.pp],
  ['ep', (r) => r.ep],
  ['replicas', (r) => r.replicas],
  ['batch', (r) => r.batch],
  ['input_tokens', (r) => r.input_tokens, ['decoder', 'pipeline']],
  ['output_tokens', (r) => r.output_tokens, ['decoder', 'encoder-decoder', 'pipeline']],
  ['dtype', (r) => r.dtype],
  ['weights_dtype', (r) => r.weights_dtype],
  ['activations_dtype', (r) => r.activations_dtype],
  ['kv_cache_dtype', (r) => r.kv_cache_dtype, ['decoder', 'encoder-decoder', 'pipeline']],
  ['ttft_s', (r) => r.ttft_s, ['decoder', 'pipeline']],
  ['ttft_cold_s', (r) => r.ttft_cold_s, ['decoder']],
  ['tpot_s', (r) => r.tpot_s, ['decoder', 'pipeline']],
  ['e2e_s', (r) => r.e2e_s, ['decoder', 'pipeline']],
  ['throughput_tok_s', (r) => r.throughput_tok_s, ['decoder', 'pipeline']],
  ['prefill_tok_s', (r) => r.prefill_tok_s, ['decoder', 'pipeline']],
  ['latency_s', (r) => r.latency_s],
  ['images_per_s', (r) => r.images_per_s, ['encoder', 'dit', 'vae', 'pipeline']],
  ['step_s', (r) => r.step_s, ['dit', 'pipeline']],
  ['encoder_s', (r) => r.encoder_s, ['encoder-decoder', 'pipeline']],
  ['decoder_s', (r) => r.decoder_s, ['encoder-decoder', 'pipeline']],
  ['rtf', (r) => r.rtf, ['encoder-decoder', 'pipeline']],
  ['memory_per_device_bytes', (r) => r.memory?.per_device_bytes],
  ['memory_capacity_bytes', (r) => r.memory?.capacity_bytes],
  ['memory_usable_bytes', (r) => r.memory?.usable_bytes],
  ['memory_fits', (r) => r.memory?.fits],
  ['memory_weights_bytes', (r) => r.memory?.weights_bytes],
  ['memory_kv_cache_bytes', (r) => r.memory?.kv_cache_bytes],
  ['memory_activations_bytes', (r) => r.memory?.activations_bytes],
  ['energy_j_per_token', (r) => r.energy_j_per_token],
  ['energy_source', (r) => r.energy_source],
  ['cost_usd_per_mtok', (r) => r.cost_usd_per_mtok],
  ['price_usd_per_hour', (r) => r.price_usd_per_hour],
  ['power_w', (r) => r.power_w],
  ['tco_usd_per_hour', (r) => r.tco_usd_per_hour],
  ['tco_usd_per_mtok', (r) => r.tco_usd_per_mtok],
  ['tokens_per_s_per_mw', (r) => r.tokens_per_s_per_mw],
  ['warnings', (r) => warningsText(r.warnings)],
];

export interface ColumnPlan {
  header: string[]; // flag columns, result columns, feasible, reason
  resultIndex: number[]; // indices into RESULT_COLUMNS, in header order
  resultNames: string[];
}

// `families` are those of the swept models that resolved; when none did, every column is kept.
export function planColumns(grid: SweepGrid, families: string[]): ColumnPlan {
  const flagColumns = grid.axes.map((a) => a.column);
  const taken = new Set(flagColumns);
  const batchMax = grid.axes.some((a) => a.key === 'batch' && a.values.includes('max'));
  const resultIndex: number[] = [];
  const resultNames: string[] = [];
  RESULT_COLUMNS.forEach(([name, , fams], i) => {
    if (fams && families.length && !fams.some((f) => families.includes(f))) return;
    if (taken.has(name)) {
      if (name !== 'batch' || !batchMax) return;
      name = 'batch_used';
    }
    resultIndex.push(i);
    resultNames.push(name);
  });
  return { header: [...flagColumns, ...resultNames, 'feasible', 'reason'], resultIndex, resultNames };
}

// A row's warnings as one cell. Neighbouring rows mostly share their warnings: while a row's are the last row's
// (the same texts, in the same order) the last row's text is handed back, the same string, so that the row writer
// (resultWriter) skips the join and the text-id lookup of a new string of some hundred characters (~4% of the engine's
// time in the bench's 1M-row sweep, issue 15).
let lastWarnings: string[] = [];
let lastWarningsText: string | null = null;
export function warningsText(w: readonly string[] | undefined): string | null {
  if (!w || !w.length) return null;
  if (w.length === lastWarnings.length) {
    let i = 0;
    while (i < w.length && w[i] === lastWarnings[i]) i++;
    if (i === w.length) return lastWarningsText;
  }
  lastWarnings = w.slice();
  lastWarningsText = w.join('; ');
  return lastWarningsText;
}

export function resultCells(plan: ColumnPlan, r: SimulateResult | null, out: string[]): void {
  for (const i of plan.resultIndex) out.push(r ? csvCell(RESULT_COLUMNS[i]![1](r)) : '');
}

/**
 * The engine side of a row's result cells, for the hot loop: each cell's value goes into the chunk's columns as it is
 * (src/sweep/format.ts writes the text, maybe on another thread): a number into nums, anything else as the id of its
 * text, String() of it for a non-text value (csvCell writes String(v) for those too). The plan's getters are picked
 * once, and a column whose value repeats (runtime, the energy source) skips the id lookup.
 */
export function resultWriter(plan: ColumnPlan, texts: TextIds): (r: SimulateResult | null, row: number, c: ChunkColumns) => void {
  const getters = plan.resultIndex.map((i) => RESULT_COLUMNS[i]![1]);
  const n = getters.length;
  const lastValue: unknown[] = new Array(n).fill(undefined);
  const lastRef = new Int32Array(n);
  let generation = texts.generation;
  return (r, row, c) => {
    const refs = c.refs;
    const at = row * (n + 1);
    if (!r) {
      refs.fill(EMPTY_CELL, at, at + n);
      return;
    }
    if (generation !== texts.generation) {
      generation = texts.generation;
      lastValue.fill(undefined);
    }
    const nums = c.nums;
    for (let k = 0; k < n; k++) {
      const v = getters[k]!(r);
      if (typeof v === 'number') {
        nums[row * n + k] = v;
        refs[at + k] = NUMBER_CELL;
      } else if (v === null || v === undefined) refs[at + k] = EMPTY_CELL;
      else {
        if (v !== lastValue[k]) {
          lastValue[k] = v;
          lastRef[k] = texts.id(typeof v === 'string' ? v : String(v));
        }
        refs[at + k] = lastRef[k]!;
      }
    }
  };
}

// Reads one CSV line back (for the Pareto merge and tests); the inverse of csvCell/csvLine.
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quote');
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}
