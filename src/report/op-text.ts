// Human output of `hwperf op …`.
import type { OpResult } from '../sim/ops.js';
import { fmtBandwidth, fmtFlopRate, fmtFlops, fmtGB, fmtSeconds, renderTable } from './format.js';

export function renderOp(r: OpResult): string {
  const rows: [string, string][] = [['time', fmtSeconds(r.seconds)]];
  if (r.flops) rows.push(['work', fmtFlops(r.flops)]);
  rows.push(['bytes', fmtGB(r.bytes)]);
  if (r.achieved_flops_per_s != null && r.op !== 'stream') rows.push(['achieved', fmtFlopRate(r.achieved_flops_per_s)]);
  if (r.achieved_bytes_per_s != null) rows.push([r.op === 'allreduce' ? 'algorithm bandwidth' : 'achieved bandwidth', fmtBandwidth(r.achieved_bytes_per_s)]);
  if (r.bus_bandwidth_bytes_per_s != null) rows.push(['bus bandwidth (NCCL busbw)', fmtBandwidth(r.bus_bandwidth_bytes_per_s)]);
  rows.push(['bound', r.bound]);
  const head = `${r.op}${r.dtype ? ` ${r.dtype}` : ''}${r.devices ? ` over ${r.devices} devices` : ''} on ${r.hardware}`;
  return [head, renderTable(['', ''], rows).split('\n').slice(2).join('\n'), ...r.warnings.map((w) => `warning: ${w}`)].join('\n');
}
