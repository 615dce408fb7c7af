// results.csv: one row per model × hardware pair, SI numbers, snake_case columns; pairs that do not fit
// or fail are rows with their reason.
import type { PairRow } from './rows.js';
import { throughputOf } from './rows.js';

type Col = [string, (r: PairRow) => unknown];
const res = (f: (x: NonNullable<PairRow['result']>) => unknown) => (r: PairRow) => (r.result ? f(r.result) : null);

export const CSV_COLUMNS: Col[] = [
  ['model', (r) => r.model],
  ['hardware', (r) => r.hardware],
  ['family', (r) => r.family],
  ['status', (r) => r.status],
  ['reason', (r) => r.reason],
  ['devices', res((x) => x.devices)],
  ['tp', res((x) => x.tp)],
  ['pp', res((x) => x.pp)],
  ['replicas', res((x) => x.replicas)],
  ['batch', res((x) => x.batch)],
  ['dtype', res((x) => x.dtype)],
  ['throughput', res((x) => throughputOf(x).value)],
  ['throughput_unit', res((x) => throughputOf(x).unit)],
  ['throughput_tok_s', res((x) => x.throughput_tok_s)],
  ['images_per_s', res((x) => x.images_per_s)],
  ['rtf', res((x) => x.rtf)],
  ['latency_s', res((x) => x.latency_s)],
  ['ttft_s', res((x) => x.ttft_s)],
  ['ttft_cold_s', res((x) => x.ttft_cold_s)],
  ['tpot_s', res((x) => x.tpot_s)],
  ['e2e_s', res((x) => x.e2e_s)],
  ['memory_per_device_bytes', res((x) => x.memory?.per_device_bytes)],
  ['memory_capacity_bytes', res((x) => x.memory?.capacity_bytes)],
  ['memory_fits', res((x) => x.memory?.fits)],
  ['weights_bytes', res((x) => x.memory?.weights_bytes)],
  ['kv_cache_bytes', res((x) => x.memory?.kv_cache_bytes)],
  ['activations_bytes', res((x) => x.memory?.activations_bytes)],
  ['energy_j_per_token', res((x) => x.energy_j_per_token)],
  ['energy_source', res((x) => x.energy_source)],
  ['cost_usd_per_mtok', res((x) => x.cost_usd_per_mtok)],
  ['price_usd_per_hour', res((x) => x.price_usd_per_hour)],
  ['power_w', res((x) => x.power_w)],
  ['tco_usd_per_hour', res((x) => x.tco_usd_per_hour)],
  ['tco_usd_per_mtok', res((x) => x.tco_usd_per_mtok)],
  ['tokens_per_s_per_mw', res((x) => x.tokens_per_s_per_mw)],
  // what simulate would print for this pair (a precision fallback, an assumed pJ/bit), joined with '; '
  ['warnings', (r) => (r.result?.warnings?.length ? r.result.warnings.join('; ') : null)],
  // last, so that the columns scripts already read by position stay where they were
  ['runtime', res((x) => x.runtime)],
];

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(rows: PairRow[]): string {
  const lines = [CSV_COLUMNS.map(([c]) => c).join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map(([, f]) => csvCell(f(r))).join(','));
  return lines.join('\n') + '\n';
}
