// A request trace: JSONL (one object per line) or CSV (a header line naming the columns), with input_tokens and
// output_tokens, and optional arrival_s (seconds from the start, non-decreasing), prefix_id and prefix_tokens
// (a shared prompt prefix, e.g. a system prompt; the first request that brings it computes it, later ones
// on the same replica find it cached). A bad row is one error naming the file, the line and the field.
import { DATA_SIZE_CAP, readUserFile } from '../spec/safe-read.js';
import { UserError } from '../spec/errors.js';

export interface TraceRow {
  arrival?: number;
  input: number;
  output: number;
  prefixId?: string;
  prefixTokens?: number;
}

/**
 * The arrivals of one run span at most this (a trace's last arrival_s; an open loop's (requests − 1)/rate on
 * average): about three years, far beyond any benchmark run or published trace (BurstGPT's spans 121 days). Past
 * it, the static power of idle devices over the span would make energy and cost per token astronomical.
 */
export const MAX_SPAN_S = 1e8;

const FIELDS = ['arrival_s', 'input_tokens', 'output_tokens', 'prefix_id', 'prefix_tokens'];

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '', q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { out.push(cur.trim()); cur = ''; }
    else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

// A cell is quoted back only when it looks like a number: a file that is not a trace (credentials, say) never
// has its content printed.
function shown(v: unknown): string {
  const t = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
  return /^[-+]?[0-9.]{1,24}(e[-+]?[0-9]{1,4})?$/i.test(t) ? `"${t}"` : typeof v === 'string' ? 'text that is not a number' : `a ${v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v}`;
}

/**
 * The rows of a trace, at most `maxRows` of them: reading stops there (serve takes the first --requests rows, and
 * past MAX_TRACE_ROWS it refuses the trace), so a 10-million-line file is not split into 10 million strings first
 * (that took 1.9 GB and half a minute before the row count was checked).
 */
export function parseTrace(text: string, file: string, maxContext: number, maxRows = Infinity): TraceRow[] {
  const rows: TraceRow[] = [];
  // lines one at a time (\n or \r\n), never the whole file split at once
  let pos = 0;
  let lineNo = 0;
  const nextLine = (): string | undefined => {
    if (pos > text.length) return undefined;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    pos = end + 1;
    lineNo++;
    return line;
  };
  let firstLine: string | undefined;
  while ((firstLine = nextLine()) !== undefined && firstLine.trim() === '');
  if (firstLine === undefined) throw new UserError(`${file}: the trace is empty (expected JSONL objects or a CSV header with input_tokens,output_tokens)`);
  const jsonl = firstLine.trim().startsWith('{');
  let header: string[] = [];
  if (!jsonl) {
    header = splitCsv(firstLine).map((h) => h.toLowerCase());
    for (const need of ['input_tokens', 'output_tokens']) {
      if (!header.includes(need)) throw new UserError(`${file}:${lineNo}: the CSV header has no ${need} column (columns: ${FIELDS.join(', ')})`);
    }
    const twice = header.find((h, j) => h !== '' && header.indexOf(h) !== j);
    if (twice !== undefined && FIELDS.includes(twice)) throw new UserError(`${file}:${lineNo}: the CSV header names ${twice} twice (keep one ${twice} column)`);
  }
  let lastArrival = -Infinity;
  for (let raw: string | undefined = jsonl ? firstLine : nextLine(); raw !== undefined && rows.length < maxRows; raw = nextLine()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = `${file}:${lineNo}`;
    let rec: Record<string, unknown>;
    if (jsonl) {
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new UserError(`${at}: not a JSON object (each line of a JSONL trace is one {"input_tokens": …, "output_tokens": …})`);
      }
      if (!rec || typeof rec !== 'object' || Array.isArray(rec)) throw new UserError(`${at}: not a JSON object`);
    } else {
      const cells = splitCsv(line);
      if (cells.length !== header.length) throw new UserError(`${at}: ${cells.length} cells but the header has ${header.length} columns`);
      rec = Object.fromEntries(header.map((h, j) => [h, cells[j] === '' ? undefined : cells[j]]));
    }
    const int = (k: string, required: boolean, min: number): number | undefined => {
      const v = rec[k];
      if (v === undefined || v === null || v === '') {
        if (required) throw new UserError(`${at}: ${k} is missing (every row needs input_tokens and output_tokens)`);
        return undefined;
      }
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new UserError(`${at}: ${k} must be an integer ≥ ${min}, found ${shown(v)}`);
      return n;
    };
    const input = int('input_tokens', true, 1)!;
    const output = int('output_tokens', true, 1)!;
    let arrival: number | undefined;
    if (rec.arrival_s !== undefined && rec.arrival_s !== null && rec.arrival_s !== '') {
      arrival = Number(rec.arrival_s);
      if (!Number.isFinite(arrival) || arrival < 0) throw new UserError(`${at}: arrival_s must be a non-negative number of seconds, found ${shown(rec.arrival_s)}`);
      if (arrival > MAX_SPAN_S) throw new UserError(`${at}: arrival_s must be at most ${MAX_SPAN_S.toExponential()} s (about 3 years from the start), found ${shown(rec.arrival_s)}`);
      if (arrival < lastArrival) throw new UserError(`${at}: arrival_s ${arrival} is earlier than the row before (${lastArrival}); sort the trace by arrival_s`);
      lastArrival = arrival;
    }
    const prefixTokens = int('prefix_tokens', false, 0);
    if (prefixTokens !== undefined && prefixTokens > input) throw new UserError(`${at}: prefix_tokens ${prefixTokens} is more than input_tokens ${input}`);
    if (input + output > maxContext) throw new UserError(`${at}: input_tokens + output_tokens = ${input + output} is longer than the model's context of ${maxContext}`);
    const pid = rec.prefix_id;
    rows.push({ arrival, input, output, prefixId: pid === undefined || pid === null || pid === '' ? undefined : String(pid), prefixTokens });
  }
  if (rows.length === 0) throw new UserError(`${file}: the trace has no rows`);
  return rows;
}

/** A trace longer than this is refused (serve's MAX_REQUESTS): its reading stops one row past it. */
export const MAX_TRACE_ROWS = 1_000_000;

/** `take`: the rows wanted (--requests); without it, up to one past MAX_TRACE_ROWS (to tell a trace that is too long). */
export function loadTrace(file: string, maxContext: number, take?: number): TraceRow[] {
  // a regular file under a size cap, never a FIFO or device (a trace is data from anywhere)
  const read = readUserFile(file, DATA_SIZE_CAP, 'trace');
  if ('error' in read) throw new UserError(`--trace ${file}: ${read.error}`);
  if (/[\u0000\ufffd]/.test(read.text)) throw new UserError(`--trace ${file}: not a UTF-8 text file (expected JSONL or CSV)`);
  const maxRows = take !== undefined && take >= 1 && take <= MAX_TRACE_ROWS ? Math.floor(take) : MAX_TRACE_ROWS + 1;
  return parseTrace(read.text.replace(/^\ufeff/, ''), file, maxContext, maxRows);
}
