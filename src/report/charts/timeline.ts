// The serving timeline as a chart.js line chart: requests waiting, requests running (the batch) and KV-cache use
// (share of capacity, right axis) over time. Long runs are thinned to at most ~2,000 points per series.
import type { TimelineRow } from '../../serve/engine.js';
import { baseOptions, color, type ChartConfig } from './common.js';

export function timelineChart(rows: TimelineRow[], kvCapacityTokens: number, title: string): ChartConfig {
  const stride = Math.max(1, Math.ceil(rows.length / 2000));
  const pts = rows.filter((_, i) => i % stride === 0);
  const line = (label: string, i: number, y: (r: TimelineRow) => number, axis = 'y') => ({
    label,
    data: pts.map((r) => ({ x: r.t_s, y: y(r) })),
    borderColor: color(i),
    backgroundColor: color(i),
    pointRadius: 0,
    borderWidth: 1.5,
    yAxisID: axis,
  });
  return {
    type: 'line',
    data: {
      datasets: [
        line('waiting', 0, (r) => r.waiting),
        line('running (batch)', 1, (r) => r.running),
        line('KV cache use (replica)', 2, (r) => (kvCapacityTokens > 0 ? r.kv_used_tokens / kvCapacityTokens : 0), 'kv'),
      ],
    },
    options: baseOptions(title, {
      parsing: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: 'time (s)' } },
        y: { beginAtZero: true, title: { display: true, text: 'requests' } },
        kv: { position: 'right', min: 0, max: 1, title: { display: true, text: 'KV cache share' }, grid: { drawOnChartArea: false } },
      },
    }),
  };
}
