// The summary table of a comparison, shared by the Markdown and HTML reports: display text per cell plus
// the raw number to sort by.
import { fmtGB, fmtNumber, fmtSeconds, grouped } from './format.js';
import type { PairRow } from './rows.js';
import { itemOf, latencyOf, throughputOf } from './rows.js';

export interface Cell {
  text: string;
  sort: number | string | null;
}
export interface SummaryTable {
  headers: string[];
  numeric: boolean[];
  rows: Cell[][];
}

// a number that is not finite has no place in a sort key either (report.html writes it in data-sort): it sorts last, as '—'
const num = (v: number | null | undefined, text: string): Cell => ({ text, sort: v != null && Number.isFinite(v) ? v : null });
const str = (s: string | null | undefined): Cell => ({ text: s ?? '—', sort: s ?? '' });

function usd(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '—';
  return v >= 100 ? `$${grouped(Math.round(v))}` : `$${Number(v.toPrecision(3))}`;
}
function joules(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '—';
  if (v < 1e-3) return `${Number((v * 1e6).toPrecision(3))} µJ`;
  if (v < 1) return `${Number((v * 1e3).toPrecision(3))} mJ`;
  return `${Number(v.toPrecision(3))} J`;
}

export function summaryTable(rows: PairRow[]): SummaryTable {
  const headers = ['model', 'hardware', 'runtime', 'status', 'devices', 'throughput', 'latency', 'TTFT', 'TPOT', 'memory / device', 'capacity', 'energy / item', 'USD / 1M items', 'note'];
  const numeric = [false, false, false, false, true, true, true, true, true, true, true, true, true, false];
  const out = rows.map((row) => {
    const r = row.result;
    const t = r ? throughputOf(r) : null;
    const item = itemOf(row.family);
    return [
      str(row.model),
      str(row.hardware),
      str(r?.runtime ?? '—'),
      str(row.status),
      num(r?.devices, r ? (r.tp * r.pp > 1 ? `${r.devices} (tp ${r.tp}${r.pp > 1 ? ` pp ${r.pp}` : ''})` : String(r.devices)) : '—'),
      num(t?.value, t?.value != null ? `${fmtNumber(t.value)} ${t.unit}` : '—'),
      num(r ? latencyOf(r) : null, fmtSeconds(r ? latencyOf(r) : null)),
      num(r?.ttft_s, fmtSeconds(r?.ttft_s)),
      num(r?.tpot_s, fmtSeconds(r?.tpot_s)),
      num(r?.memory?.per_device_bytes, fmtGB(r?.memory?.per_device_bytes)),
      num(r?.memory?.capacity_bytes, fmtGB(r?.memory?.capacity_bytes)),
      num(r?.energy_j_per_token, r?.energy_j_per_token != null ? `${joules(r.energy_j_per_token)}/${item}` : '—'),
      num(r?.cost_usd_per_mtok, usd(r?.cost_usd_per_mtok)),
      str(row.reason ?? (r?.energy_source ? `energy: ${r.energy_source}` : '')),
    ];
  });
  return { headers, numeric, rows: out };
}
