// `hwperf plan` as text: the configurations that meet the SLOs, cheapest first.
import type { PlanResult } from '../serve/plan.js';
import { fmtNumber, fmtSeconds, renderTable } from './format.js';

export function renderPlan(r: PlanResult): string {
  const slo = [r.slo_ttft_s !== null ? `p99 TTFT ≤ ${fmtSeconds(r.slo_ttft_s)}` : '', r.slo_tpot_s !== null ? `p99 TPOT ≤ ${fmtSeconds(r.slo_tpot_s)}` : ''].filter(Boolean).join(', ');
  const rows = r.options.map((o) => [
    o.hardware,
    o.runtime,
    o.devices,
    `tp ${o.tp}${o.pp > 1 ? ` pp ${o.pp}` : ''}${o.ep > 1 ? ` ep ${o.ep}` : ''}${o.attention_dp ? ' adp' : ''}`,
    o.disaggregated ? `${o.prefill_devices}P + ${o.decode_devices}D` : `${o.replicas} replica${o.replicas > 1 ? 's' : ''}`,
    fmtSeconds(o.ttft_s),
    fmtSeconds(o.tpot_s),
    `$${fmtNumber(o.usd_per_hour)}`,
    `$${fmtNumber(o.cost_usd_per_mtok)}`,
  ]);
  const lines = [
    `${r.model} at ${r.rate} req/s, ${slo} (${r.runtime}; ${r.evaluated} simulated deployments)`,
    '',
    renderTable(['hardware', 'runtime', 'devices', 'layout', 'deployment', 'p99 TTFT', 'p99 TPOT', '$/h', '$/Mtok'], rows),
  ];
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
