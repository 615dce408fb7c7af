// The comparison's charts as JSON chart.js configs: throughput, latency, memory breakdown, energy and
// cost per million items (grouped bars, model × hardware, log axes where values span decades).
import type { PairRow } from '../rows.js';
import { itemOf, latencyOf, throughputOf } from '../rows.js';
import { baseOptions, color, type ChartConfig } from './common.js';

export interface NamedChart {
  name: string; // file stem
  title: string;
  caption: string;
  config: ChartConfig;
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function familyOf(rows: PairRow[], model: string): string | null {
  return rows.find((r) => r.model === model && r.family)?.family ?? null;
}

// Log axes only make sense over positive values; when everything is within 20× a linear axis reads better.
function axisType(values: (number | null)[]): 'logarithmic' | 'linear' {
  const v = values.filter((x): x is number => x != null && x > 0);
  if (v.length < 2) return 'linear';
  return Math.max(...v) / Math.min(...v) > 20 ? 'logarithmic' : 'linear';
}

// Grouped bars: one group per model (labelled with its unit), one bar per hardware.
function groupedBars(
  rows: PairRow[],
  title: string,
  yTitle: string,
  fmt: string,
  value: (r: PairRow) => number | null,
  label: (model: string) => string,
): ChartConfig {
  const models = uniq(rows.map((r) => r.model));
  const hardware = uniq(rows.map((r) => r.hardware));
  const all: (number | null)[] = [];
  const datasets = hardware.map((h, i) => {
    const data = models.map((m) => {
      const row = rows.find((r) => r.model === m && r.hardware === h);
      const v = row ? value(row) : null;
      all.push(v);
      return v != null && v > 0 ? v : null;
    });
    return { label: h, data, backgroundColor: color(i), borderColor: color(i), borderWidth: 1 };
  });
  const type = axisType(all);
  const missing = all.filter((v) => !(v != null && v > 0)).length;
  const subtitle = missing ? `${missing} of ${all.length} pairs have no bar (does not fit, failed, or not known: see the table)` : undefined;
  return {
    type: 'bar',
    data: { labels: models.map(label), datasets },
    options: baseOptions(title, {
      _tooltipFmt: fmt,
      scales: {
        x: { title: { display: true, text: 'model' }, ticks: { font: { size: 12 } } },
        y: { type, _fmt: fmt, title: { display: true, text: yTitle, font: { size: 13 } }, ...(type === 'linear' ? { beginAtZero: true } : {}) },
      },
    }, subtitle),
  };
}

export function compareCharts(rows: PairRow[]): NamedChart[] {
  const ok = (r: PairRow) => (r.status === 'ok' ? r.result : null);
  const unitLabel = (m: string) => {
    const row = rows.find((r) => r.model === m && r.result);
    return row?.result ? `${m} (${throughputOf(row.result).unit})` : m;
  };
  const itemLabel = (m: string) => `${m} (per ${itemOf(familyOf(rows, m))})`;
  const charts: NamedChart[] = [
    {
      name: 'throughput',
      title: 'Throughput',
      caption: 'Whole-system throughput of each pair, in each model family’s own unit (output tokens/s, images/s, seconds of audio per second).',
      config: groupedBars(rows, 'Throughput per model × hardware (higher is better)', 'throughput (unit beside each model)', 'si', (r) => (ok(r) ? throughputOf(r.result!).value : null), unitLabel),
    },
    {
      name: 'latency',
      title: 'Latency',
      caption: 'End-to-end latency of one request: LLMs time to first token + all output tokens, DiT one batch of images, Whisper one window.',
      config: groupedBars(rows, 'Latency of one request (lower is better)', 'latency (s)', 'seconds', (r) => (ok(r) ? latencyOf(r.result!) : null), (m) => m),
    },
    memoryChart(rows),
    {
      name: 'energy',
      title: 'Energy per item',
      caption: 'Energy per output item (token, image, audio window): DRAM bytes × pJ/bit + FLOPs × pJ/FLOP + static power, or TDP × time where only power is known (see the energy_source column).',
      config: groupedBars(rows, 'Energy per output item (lower is better)', 'energy (J per item)', 'joules', (r) => (ok(r) ? (r.result!.energy_j_per_token ?? null) : null), itemLabel),
    },
    {
      name: 'cost',
      title: 'Cost per million items',
      caption: 'Device-hours × price per device-hour per million output items; pairs without a published price (or --price) have no bar.',
      config: groupedBars(rows, 'Cost per million output items (lower is better)', 'cost (USD per 1M items)', 'usd', (r) => (ok(r) ? (r.result!.cost_usd_per_mtok ?? null) : null), itemLabel),
    },
  ];
  return charts;
}

// Stacked bars per pair: weights, KV cache, activations per device (GB), with the device's capacity as a
// marker. Log axis: a 671B MoE and a 675M DiT share it.
function memoryChart(rows: PairRow[]): NamedChart {
  const withMem = rows.filter((r) => r.result?.memory);
  const labels = withMem.map((r) => `${r.model} @ ${r.hardware}`);
  const mem = (f: (m: NonNullable<PairRow['result']>['memory']) => number) => withMem.map((r) => Math.max(f(r.result!.memory), 0) || null);
  const weights = mem((m) => m.weights_bytes);
  const kv = mem((m) => m.kv_cache_bytes);
  const act = mem((m) => m.activations_bytes);
  const cap = withMem.map((r) => r.result!.memory.capacity_bytes);
  const all = [...weights, ...cap];
  const type = axisType(all);
  const config: ChartConfig = {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'weights', data: weights, backgroundColor: color(0), stack: 'm', order: 2 },
        { label: 'KV cache', data: kv, backgroundColor: color(1), stack: 'm', order: 2 },
        { label: 'activations', data: act, backgroundColor: color(3), stack: 'm', order: 2 },
        {
          label: 'device capacity',
          type: 'line',
          data: cap,
          showLine: false,
          pointStyle: 'line',
          pointRadius: 14,
          pointBorderWidth: 3,
          borderColor: '#d62728',
          backgroundColor: '#d62728',
          order: 1,
        },
      ],
    },
    options: baseOptions('Memory per device vs capacity', {
      _tooltipFmt: 'bytes',
      scales: {
        x: { stacked: true, ticks: { autoSkip: false, maxRotation: 60, minRotation: 45, font: { size: 11 } } },
        y: { stacked: true, type, _fmt: 'bytes', title: { display: true, text: 'bytes per device', font: { size: 13 } }, ...(type === 'linear' ? { beginAtZero: true } : {}) },
      },
    }),
  };
  return {
    name: 'memory',
    title: 'Memory per device',
    caption: 'Per device at the peak (the whole batch’s KV cache): weights, KV cache and activations, stacked; the red mark is the device’s memory capacity. Bars above the mark do not fit.',
    config,
  };
}
