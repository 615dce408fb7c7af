// `hwperf serve` as text: the load, a table of latency percentiles, and the totals.
import type { ServeResult } from '../serve/serve.js';
import { fmtBytes, fmtNumber, fmtPercent, fmtSeconds, renderTable } from './format.js';

export function renderServe(r: ServeResult, title: string): string {
  const row = (name: string, s: ServeResult['ttft_s']) => [name, fmtSeconds(s.mean), fmtSeconds(s.p50), fmtSeconds(s.p90), fmtSeconds(s.p99), fmtSeconds(s.max)];
  const lines = [
    title,
    '',
    renderTable(['', 'mean', 'p50', 'p90', 'p99', 'max'], [row('TTFT', r.ttft_s), row('TPOT', r.tpot_s), row('ITL', r.itl_s), row('E2E', r.e2e_s), row('queue', r.queue_s)]),
    '',
    `requests            ${r.requests} in ${fmtSeconds(r.duration_s)} (${fmtNumber(r.request_throughput_per_s)} req/s)`,
    `throughput          ${fmtNumber(r.throughput_tok_s)} output tok/s, ${fmtNumber(r.input_tok_s)} input tok/s`,
    `SLO attainment      ${fmtPercent(r.slo_attainment)} (goodput ${fmtNumber(r.goodput_req_per_s)} req/s)`,
    `in system / running ${fmtNumber(r.mean_in_system)} / ${fmtNumber(r.mean_running)} requests on average`,
    `KV cache peak       ${fmtBytes(r.kv_peak_bytes)} per device, ${r.preemptions} preemptions`,
    `devices, runtime    ${r.devices}, ${r.runtime}${r.kv_cache_dtype ? ` (KV ${r.kv_cache_dtype}${r.kv_cache_default && r.kv_cache_default !== 'checkpoint' ? `, runtime KV default: ${r.kv_cache_default}` : ''})` : ''}`,
    `front end           ${r.frontend === 'none' ? 'none (requests straight into the engine)' : r.frontend_per_request_s > 0 || r.frontend_per_token_s > 0 ? `API server, ${fmtSeconds(r.frontend_per_request_s)} per request, ${fmtSeconds(r.frontend_per_token_s)} per output token` : "API server, not priced (the runtime file has no frontend block)"}`,
    `energy, cost        ${r.energy_j_per_token === null ? '—' : `${fmtNumber(r.energy_j_per_token)} J/token`}, ${r.cost_usd_per_mtok === null ? '—' : `$${fmtNumber(r.cost_usd_per_mtok)} per million output tokens`}`,
    `TCO                 ${r.tco_usd_per_hour === null ? '—' : `$${fmtNumber(r.tco_usd_per_hour)}/h, $${fmtNumber(r.tco_usd_per_mtok)} per million output tokens`}`,
  ];
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
