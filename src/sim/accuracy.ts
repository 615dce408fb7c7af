// Accuracy against the bundled public measurements (validation/public-measurements.csv): each row names the
// hwperf command whose --json output should reproduce it, the key and the expected SI value. A row runs the
// same core as the command (no subprocess). Commands map to runners here; other engines plug in with
// registerRunner('train', fn). A runner that is not there, or an engine that says "not implemented", makes the
// row "skipped: not implemented", never a failure of the whole check.
import { DATA_SIZE_CAP, readUserFile } from '../spec/safe-read.js';
import { getLibrary, libraryModel } from '../spec/library.js';
import { own, UserError } from '../spec/errors.js';
import { buildRequest } from './request.js';
import { simulate } from './simulate.js';
import { checkDtype, opAllreduce, opGemm, opStream } from './ops.js';
import { countParams, forwardFlops } from '../model/params.js';
import { trainFromFlags } from './training/from-args.js';
import type { NormalizedHardware, NormalizedModel } from '../spec/types.js';
import { bindRuntime } from '../runtime/resolve.js';
import { applySetPlain } from '../hardware/set-path.js';
import { runtimeOfSoftware } from '../runtime/software.js';
import { libraryRuntime } from '../spec/library.js';
import { serve } from '../serve/serve.js';
import { serveOptions } from '../serve/flags.js';

export interface ParsedCommand {
  name: string; // e.g. "simulate", "op gemm", "show model"
  args: string[]; // positional arguments
  flags: Record<string, string | true>;
  sets?: string[]; // every --set of the row in order (a command may repeat it: --set a=1 --set b=2)
}

export type Runner = (cmd: ParsedCommand) => Record<string, unknown>;

export interface AccuracyRow {
  id: string;
  category: string;
  command: string;
  key: string;
  measured: number;
  predicted: number | null;
  error: number | null; // predicted / measured − 1
  status: 'ok' | 'skipped' | 'error';
  // the runtime the row is simulated under: --runtime in its command, else its `runtime` column, else the one its
  // `software` column names, else the command's default; null for kernel micro-benchmarks and analytic rows
  runtime: string | null;
  note?: string;
  source?: string;
}

export interface RuntimeGroup {
  runtime: string; // a runtime id, or "none" (kernel micro-benchmarks, analytic counts)
  rows: number;
  ok: number;
  mape: number | null;
  max_ratio: number | null;
}

export interface AccuracyReport {
  rows: AccuracyRow[];
  mape: Record<string, number | null>;
  max_ratio: Record<string, number | null>; // worst max(p/m, m/p) per category
  by_runtime: RuntimeGroup[]; // the same per runtime, most rows first
}

// a row's command as written: a flag it lacks is undefined, one written without a value is true; checked before
// anything turns it into a string (a row that says `--hardware undefined` names the id "undefined")
const flagId = (c: ParsedCommand, flag: 'hardware' | 'model'): string => {
  const v = c.flags[flag];
  if (typeof v !== 'string') throw new UserError(`the command names no --${flag}`);
  return v;
};
const hw = (id: string): NormalizedHardware => {
  const h = own(getLibrary().hardware, id);
  if (!h) throw new UserError(`unknown hardware "${id}"`);
  return h;
};
const model = (id: string): NormalizedModel => libraryModel(id);
// --runtime ID (library ids only here); without it simulate() binds the default
const withRuntime = (h: NormalizedHardware, id: string | true | undefined): NormalizedHardware =>
  typeof id === 'string' ? bindRuntime(h, libraryRuntime(id)) : h;

// a row's --set of a plain-number field (runtime.max_num_seqs or runtime.memory_share a benchmark pinned; a stated
// cluster network, interconnect.scale_out.bandwidth=12.5GB/s), as the
// command applies it; each one where the row repeats the flag
const setsOf = (c: ParsedCommand): string[] => c.sets ?? (typeof c.flags.set === 'string' ? [c.flags.set] : []);
function withSets(h: NormalizedHardware, c: ParsedCommand): NormalizedHardware {
  for (const s of setsOf(c)) h = applySetPlain(h, s);
  return h;
}

// commands whose results depend on a runtime (the others price single kernels or count parameters)
const RUNTIME_COMMANDS = new Set(['simulate', 'train', 'serve']);

export const RUNNERS: Record<string, Runner> = {
  simulate: (c) => {
    const h = withSets(withRuntime(hw(flagId(c, 'hardware')), c.flags.runtime), c);
    const req = buildRequest(c.flags, model(flagId(c, 'model')), h, model);
    return simulate(req) as unknown as Record<string, unknown>;
  },
  'op gemm': (c) => opGemm(hw(flagId(c, 'hardware')), Number(c.flags.m), Number(c.flags.n), Number(c.flags.k), checkDtype(String(c.flags.dtype ?? 'bf16'))) as unknown as Record<string, unknown>,
  'op stream': (c) => opStream(hw(flagId(c, 'hardware')), Number(c.flags.bytes)) as unknown as Record<string, unknown>,
  'op allreduce': (c) => opAllreduce(hw(flagId(c, 'hardware')), Number(c.flags.bytes), Number(c.flags.devices)) as unknown as Record<string, unknown>,
  train: (c) => trainFromFlags(c.flags, setsOf(c)) as unknown as Record<string, unknown>,
  serve: (c) => serve(serveOptions(c.flags, model(flagId(c, 'model')), withSets(hw(flagId(c, 'hardware')), c), model)).result as unknown as Record<string, unknown>,
  'show model': (c) => {
    if (c.args[0] === undefined) throw new UserError('the command names no model');
    const m = model(c.args[0]);
    const p = countParams(m, libraryModel);
    return { params_total: p.total, params_active: p.active, forward_flops: forwardFlops(m, libraryModel) };
  },
};

export function registerRunner(name: string, fn: Runner): void {
  RUNNERS[name] = fn;
}

const SUBCOMMAND_TOPICS = new Set(['op', 'show', 'list']);

// Boolean flags the CLI declares allowNo (oclif then accepts --no-X): only these take a bare --no-X as X = false; a flag
// whose own name starts with no- (plan's --no-disaggregation) stays itself. test/accuracy.test.ts checks the set against
// the commands' declarations.
export const NEGATABLE_FLAGS: ReadonlySet<string> = new Set(['cfg']);

export function parseCommand(line: string): ParsedCommand {
  const toks = line.trim().split(/\s+/);
  if (toks[0] === 'hwperf') toks.shift();
  let name = toks.shift() ?? '';
  if (SUBCOMMAND_TOPICS.has(name) && toks[0] && !toks[0].startsWith('-')) name = `${name} ${toks.shift()}`;
  const flags: Record<string, string | true> = {};
  const args: string[] = [];
  const sets: string[] = []; // every --set, in order (flags keeps the last)
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const key = eq > 0 ? t.slice(2, eq) : t.slice(2);
      const value = eq > 0 ? t.slice(eq + 1) : toks[i + 1] !== undefined && !toks[i + 1]!.startsWith('--') ? toks[++i]! : true;
      flags[key] = value;
      // a bare --no-X negates a boolean flag X declared allowNo (simulate's --no-cfg): X reads false, as the CLI has it
      if (value === true && eq < 0 && key.startsWith('no-') && NEGATABLE_FLAGS.has(key.slice(3))) flags[key.slice(3)] = 'false';
      if (key === 'set' && value !== true) sets.push(value);
    } else args.push(t);
  }
  delete flags.json;
  return sets.length > 1 ? { name, args, flags, sets } : { name, args, flags };
}

// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. A row with another number of fields than the
// header (a quote inside a quoted field left undoubled splits a field in two) is one line naming its line and id, never
// a row read with its fields shifted or skipped.
export function parseCsv(text: string, file = 'the CSV'): Record<string, string>[] {
  const rows: string[][] = [];
  const lines: number[] = []; // the line each row starts on
  let row: string[] = [];
  let field = '';
  let q = false;
  let line = 1, start = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    if (q) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else q = false;
      } else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') { i++; line++; }
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') { rows.push(row); lines.push(start); }
      row = [];
      start = line;
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); lines.push(start); }
  const [head, ...body] = rows;
  if (!head) return [];
  body.forEach((r, j) => {
    if (r.length === head.length) return;
    const id = head[0] === 'id' ? ` (id ${r[0]})` : '';
    throw new UserError(`${file}:${lines[j + 1]}${id}: ${r.length} fields, the header has ${head.length} (a quote inside a quoted field is written twice: "")`);
  });
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]!])));
}

function lookup(obj: Record<string, unknown>, key: string): unknown {
  let v: unknown = obj;
  for (const k of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

export function runRow(r: Record<string, string>): AccuracyRow {
  const measured = Number(r.hwperf_expected);
  const cmd = parseCommand(r.hwperf_command!);
  // the row's runtime: its command's --runtime, else its runtime column, else what its software column names
  const named = typeof cmd.flags.runtime === 'string' ? cmd.flags.runtime : r.runtime || runtimeOfSoftware(r.software);
  if (RUNTIME_COMMANDS.has(cmd.name) && named && cmd.flags.runtime === undefined) cmd.flags.runtime = named;
  const base = {
    id: r.id!,
    category: r.category!,
    command: r.hwperf_command!,
    key: r.hwperf_json_key!,
    measured,
    runtime: RUNTIME_COMMANDS.has(cmd.name) ? (named ?? null) : null,
    source: r.source,
  };
  const runner = own(RUNNERS, cmd.name);
  if (!runner) return { ...base, predicted: null, error: null, status: 'skipped', note: 'skipped: not implemented' };
  try {
    const out = runner(cmd);
    const v = lookup(out, r.hwperf_json_key!);
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      const fits = lookup(out, 'memory.fits');
      return { ...base, predicted: null, error: null, status: 'error', note: fits === false ? `does not fit: ${lookup(out, 'memory.reason')}` : `no number at ${r.hwperf_json_key}` };
    }
    // without a named runtime the command ran under its default: name that one
    const runtime = base.runtime ?? (typeof out.runtime === 'string' ? out.runtime : null);
    return { ...base, runtime, predicted: v, error: v / measured - 1, status: 'ok' };
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/not implemented/i.test(msg)) return { ...base, predicted: null, error: null, status: 'skipped', note: 'skipped: not implemented' };
    return { ...base, predicted: null, error: null, status: 'error', note: msg.split('\n')[0] };
  }
}

export function runAccuracy(
  csvText: string,
  categories?: string[],
  onProgress?: (done: number, total: number) => void,
  file = 'validation/public-measurements.csv',
): AccuracyReport {
  const all = parseCsv(csvText, file);
  const wanted = categories?.length ? new Set(categories.map((c) => c.trim().toUpperCase())) : undefined;
  const todo = all.filter((r) => r.hwperf_command && (!wanted || wanted.has((r.category ?? '').toUpperCase())));
  const rows = todo.map((r, i) => {
    const row = runRow(r);
    onProgress?.(i + 1, todo.length);
    return row;
  });
  const mape: Record<string, number | null> = {};
  const maxRatio: Record<string, number | null> = {};
  const cats = [...new Set(rows.map((r) => r.category))].sort();
  const summarize = (rs: AccuracyRow[]) => {
    const ok = rs.filter((r) => r.status === 'ok');
    if (!ok.length) return [null, null] as const;
    const m = ok.reduce((s, r) => s + Math.abs(r.error!), 0) / ok.length;
    const worst = Math.max(...ok.map((r) => Math.max(r.predicted! / r.measured, r.measured / r.predicted!)));
    return [m, worst] as const;
  };
  for (const c of cats) [mape[c], maxRatio[c]] = summarize(rows.filter((r) => r.category === c));
  [mape.overall, maxRatio.overall] = summarize(rows);
  const runtimes = [...new Set(rows.map((r) => r.runtime ?? 'none'))];
  const byRuntime = runtimes.map((id) => {
    const rs = rows.filter((r) => (r.runtime ?? 'none') === id);
    const [m, worst] = summarize(rs);
    return { runtime: id, rows: rs.length, ok: rs.filter((r) => r.status === 'ok').length, mape: m, max_ratio: worst };
  });
  byRuntime.sort((a, b) => b.rows - a.rows || a.runtime.localeCompare(b.runtime));
  return { rows, mape, max_ratio: maxRatio, by_runtime: byRuntime };
}

export function readValidationCsv(path: string): string {
  const read = readUserFile(path, DATA_SIZE_CAP, 'measurements CSV'); // a regular file under a cap, never a FIFO or device
  if ('error' in read) throw new UserError(`--file ${path}: ${read.error}`);
  return read.text;
}
