// Sweeps over many machines: `sweep --shard I/N` runs a contiguous block of rows, `hwperf merge` joins the
// blocks back into the CSV and Pareto file a single run writes, byte for byte.
//
//   grid rows [0, size) ──shard I of N──▶ rows [⌊(I−1)·size/N⌋, ⌊I·size/N⌋) ──▶ header + rows + trailer
//   shard files (any order) ──check trailers (same sweep, each shard once)──▶ header + rows in order ──▶ out
//                            └─ local fronts in the trailers ──paretoFront──▶ the lines at those rows ──▶ out.pareto.csv
//
// The trailer is one comment line, `# hwperf-shard {json}`: which rows, of which sweep (a digest of its axes and
// columns), how many feasible, and the shard's local Pareto fronts (whole system, per device, per dollar: the union)
// as [row, model, throughput, latency, per device, per dollar] at full precision — the CSV alone cannot give the
// front (a pipeline's throughput is not one of its columns).
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { checkOutFile, clearStale, commitRenames, releaseTemp, tempSibling } from '../report/write.js';
import { readUserFile } from '../spec/safe-read.js';
import { BUG_WORDS, UserError } from '../spec/errors.js';
import { paretoFront, type ParetoBasis, type ParetoPoint } from './pareto.js';

// a million-row shard is ~150 MB; the cap keeps a wrong file (a disk image, /dev/zero) from filling memory
const SHARD_SIZE_CAP = 480 << 20;

export interface Shard {
  index: number; // 1-based
  of: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const of = m ? Number(m[2]) : NaN;
  if (!m || of < 1 || index < 1 || index > of) {
    throw new UserError(`--shard ${JSON.stringify(text)}: expected I/N with 1 ≤ I ≤ N, e.g. --shard 3/8 (a 0-based array index needs +1)`);
  }
  return { index, of };
}

export function shardRange(size: number, s: Shard): [number, number] {
  return [Math.floor(((s.index - 1) * size) / s.of), Math.floor((s.index * size) / s.of)];
}

interface Trailer {
  shard: number;
  of: number;
  start: number;
  end: number;
  configs: number; // rows of the whole sweep
  feasible: number;
  grid: string;
  front: [number, string, number, number, number?, (number | null)?][];
}

const MARK = '# hwperf-shard ';

export function shardTrailer(t: Omit<Trailer, 'front'> & { front: ParetoPoint[] }): string {
  const front = t.front.map((p) => [p.index, p.group, p.throughput, p.latency, p.perDevice, p.perDollar]);
  return `${MARK}${JSON.stringify({ ...t, front })}\n`;
}

interface ShardFile {
  file: string;
  header: string;
  body: string; // rows, each ending in \n
  rows: number;
  t: Trailer;
}

function readShardFile(file: string): ShardFile {
  // a regular file under a cap, never a FIFO or device
  const read = readUserFile(file, SHARD_SIZE_CAP, 'sweep shard');
  if ('error' in read) throw new UserError(`${file}: ${read.error}`);
  const text = read.text;
  const nl = text.indexOf('\n');
  const last = text.lastIndexOf('\n', text.length - 2);
  const trailer = text.slice(last + 1);
  if (nl < 0 || !trailer.startsWith(MARK)) {
    throw new UserError(`${file}: not a sweep shard (no "${MARK.trim()}" line at its end): write it with \`hwperf sweep --shard I/N\`; a cut-off file must be run again`);
  }
  let t: Trailer;
  try {
    t = JSON.parse(trailer.slice(MARK.length));
  } catch {
    throw new UserError(`${file}: its "${MARK.trim()}" line is damaged: run that shard again`);
  }
  const bad = trailerProblem(t);
  if (bad) throw new UserError(`${file}: its "${MARK.trim()}" line is damaged (${bad}): run that shard again`);
  const body = last > nl ? text.slice(nl + 1, last + 1) : '';
  // hwperf never writes these words in a CSV (an empty cell is a missing value): a row holding one was edited
  const word = BUG_WORDS.exec(body);
  if (word) throw new UserError(`${file}:${body.slice(0, word.index).split('\n').length + 1}: a row holds a value hwperf does not write: run shard ${t.shard}/${t.of} again`);
  let rows = 0;
  for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) rows++;
  if (rows !== t.end - t.start) throw new UserError(`${file}: holds ${rows} rows, its trailer says ${t.end - t.start}: run shard ${t.shard}/${t.of} again`);
  return { file, header: text.slice(0, nl + 1), body, rows, t };
}

const MAX_SHARDS = 100_000;
const isInt = (v: unknown, lo: number, hi = Number.MAX_SAFE_INTEGER): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const isQty = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** What is wrong with a shard's trailer, if anything: it must be what `sweep --shard` writes. */
function trailerProblem(t: unknown): string | undefined {
  if (!t || typeof t !== 'object' || Array.isArray(t)) return 'not an object';
  const o = t as Record<string, unknown>;
  if (!isInt(o.of, 1, MAX_SHARDS)) return `"of" must be an integer from 1 to ${MAX_SHARDS}`;
  if (!isInt(o.shard, 1, o.of)) return '"shard" must be an integer from 1 to "of"';
  if (!isInt(o.configs, 0)) return '"configs" must be a whole number';
  const [start, end] = shardRange(o.configs, { index: o.shard, of: o.of });
  if (o.start !== start || o.end !== end) return `rows ${String(o.start)}–${String(o.end)} are not shard ${o.shard}/${o.of} of ${o.configs}`;
  if (!isInt(o.feasible, 0, end - start)) return '"feasible" must be a count of its rows';
  if (typeof o.grid !== 'string' || o.grid.length > 200) return '"grid" must be the sweep digest';
  if (!Array.isArray(o.front) || o.front.length > end - start) return '"front" must list rows of this shard';
  for (const p of o.front) {
    if (!Array.isArray(p) || !isInt(p[0], start, end - 1) || typeof p[1] !== 'string' || !isQty(p[2]) || !isQty(p[3])) return '"front" must list rows of this shard';
    if ((p[4] !== undefined && p[4] !== null && !isQty(p[4])) || (p[5] !== undefined && p[5] !== null && !isQty(p[5]))) return '"front" must list rows of this shard';
  }
  return undefined;
}

export interface MergeSummary {
  configs: number;
  feasible: number;
  shards: number;
  out: string;
  pareto: string;
  pareto_rows: number;
  pareto_per_device: string;
  pareto_per_device_rows: number;
  pareto_per_dollar: string;
  pareto_per_dollar_rows: number;
}

function writeAtomic(path: string, write: (fd: number) => void): string {
  const tmp = tempSibling(path); // removed on any exit but SIGKILL
  const fd = openSync(tmp, 'w');
  try {
    write(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  return tmp;
}

export function paretoPathFor(csv: string): string {
  return paretoPaths(csv).pareto;
}

// The three Pareto files beside a sweep CSV: whole system, per device, per dollar.
export function paretoPaths(csv: string): { pareto: string; perDevice: string; perDollar: string } {
  const beside = (suffix: string) => (/\.csv$/i.test(csv) ? csv.replace(/\.csv$/i, `.${suffix}.csv`) : `${csv}.${suffix}.csv`);
  return { pareto: beside('pareto'), perDevice: beside('pareto-per-device'), perDollar: beside('pareto-per-dollar') };
}

export function mergeShards(files: string[], out: string, force = false): MergeSummary {
  if (!files.length) throw new UserError('merge: name the shard CSVs to join, e.g. hwperf merge results/shard-*.csv --out results.csv');
  const paths = paretoPaths(out);
  const pareto = paths.pareto;
  // the outputs are checked before any shard is read: one `--out PATH: …` line for a folder that is not there,
  // a device, /proc, a path through a file, a name too long, or an existing file without --force
  for (const p of [out, pareto, paths.perDevice, paths.perDollar]) {
    clearStale(p);
    checkOutFile(p, force);
  }
  const shards = files.map(readShardFile);
  const first = shards[0]!;
  const of = first.t.of;
  const byIndex = new Map<number, ShardFile>();
  for (const s of shards) {
    if (s.header !== first.header || s.t.grid !== first.t.grid || s.t.of !== of || s.t.configs !== first.t.configs) {
      throw new UserError(`${s.file}: shard of a different sweep than ${first.file} (other axes, columns or shard count): merge shards of one sweep`);
    }
    const dup = byIndex.get(s.t.shard);
    if (dup) throw new UserError(`${s.file}: shard ${s.t.shard}/${of} is also in ${dup.file}: name each shard once`);
    byIndex.set(s.t.shard, s);
  }
  const missing = Array.from({ length: of }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) throw new UserError(`merge: missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${of}`).join(', ')} of this sweep`);
  const ordered = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);

  // the global front is the front of the local fronts (src/sweep/pareto.ts); its lines come from the rows
  const points: ParetoPoint[] = ordered.flatMap((s) =>
    s.t.front.map(([index, group, throughput, latency, perDevice, perDollar]) => ({ index, group, throughput, latency, perDevice: perDevice ?? NaN, perDollar: perDollar ?? null, line: '' })),
  );
  const front = paretoFront(points);
  const others: [ParetoBasis, string, ParetoPoint[]][] = [
    ['per_device', paths.perDevice, paretoFront(points, 'per_device')],
    ['per_dollar', paths.perDollar, paretoFront(points, 'per_dollar')],
  ];
  const wanted = new Map([...front, ...others.flatMap(([, , f]) => f)].map((p) => [p.index, p]));
  const tmpOut = writeAtomic(out, (fd) => {
    writeSync(fd, first.header);
    for (const s of ordered) {
      writeSync(fd, s.body);
      if (!wanted.size) continue;
      let row = s.t.start;
      for (let i = 0; i < s.body.length; row++) {
        const j = s.body.indexOf('\n', i);
        const p = wanted.get(row);
        if (p) p.line = s.body.slice(i, j);
        i = j + 1;
      }
    }
  });
  const tmps: [string, string][] = [];
  try {
    for (const [file, f] of [[pareto, front], ...others.map(([, file, f]) => [file, f])] as [string, ParetoPoint[]][]) {
      tmps.push([writeAtomic(file, (fd) => writeSync(fd, first.header + f.map((p) => p.line + '\n').join(''))), file]);
    }
  } catch (e) {
    unlinkSync(tmpOut);
    for (const [t] of tmps) unlinkSync(t);
    throw e;
  }
  commitRenames([[tmpOut, out], ...tmps]); // the CSV and its three Pareto files appear together
  for (const t of [tmpOut, ...tmps.map(([t]) => t)]) releaseTemp(t);
  return {
    configs: ordered.reduce((n, s) => n + s.rows, 0),
    feasible: ordered.reduce((n, s) => n + s.t.feasible, 0),
    shards: of,
    out,
    pareto,
    pareto_rows: front.length,
    pareto_per_device: paths.perDevice,
    pareto_per_device_rows: others[0]![2].length,
    pareto_per_dollar: paths.perDollar,
    pareto_per_dollar_rows: others[1]![2].length,
  };
}
