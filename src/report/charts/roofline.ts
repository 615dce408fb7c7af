// The roofline of one accelerator (Williams, Waterman & Patterson, CACM 2009): attainable FLOP/s =
// min(peak(dtype), bandwidth × intensity), on log-log axes. Each matrix dtype's peak is a ceiling, each
// memory level's bandwidth a slope (DRAM datasheet, and DRAM at its achievable efficiency); points are
// work placed at (FLOP per byte of DRAM traffic, achieved FLOP/s).
import type { NormalizedHardware } from '../../spec/types.js';
import { baseOptions, color, type ChartConfig } from './common.js';

export interface RooflinePoint {
  x: number; // FLOP/byte
  y: number; // FLOP/s achieved
  label: string;
}
export interface RooflineGroup {
  label: string; // e.g. "llama-3.1-70b prefill"
  points: RooflinePoint[];
  style?: 'circle' | 'triangle' | 'rect' | 'rectRot' | 'star' | 'crossRot';
  color?: string;
}

function fmtRate(v: number): string {
  const p: [number, string][] = [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M']];
  for (const [f, s] of p) if (v >= f) return `${Number((v / f).toPrecision(3))} ${s}`;
  return `${Number(v.toPrecision(3))} `;
}

// Distinct compute ceilings: dtypes with the same peak share one line (bf16 = fp16 on most GPUs).
export function computeCeilings(hw: NormalizedHardware): { label: string; flopPerS: number }[] {
  const byPeak = new Map<number, string[]>();
  for (const [d, v] of Object.entries(hw.matrixFlopPerS)) if (v) byPeak.set(v, [...(byPeak.get(v) ?? []), d]);
  const out = [...byPeak.entries()].map(([v, ds]) => ({ label: `${ds.join('/')} matrix ${fmtRate(v)}FLOP/s`, flopPerS: v }));
  const vec = hw.vectorFlopPerS.fp32;
  if (vec && !byPeak.has(vec)) out.push({ label: `fp32 vector ${fmtRate(vec)}FLOP/s`, flopPerS: vec });
  return out.sort((a, b) => b.flopPerS - a.flopPerS);
}

export function rooflineConfig(hw: NormalizedHardware, groups: RooflineGroup[], title?: string): ChartConfig {
  const ceilings = computeCeilings(hw);
  const top = ceilings[0]?.flopPerS ?? 1e12;
  const bw = hw.memory.bandwidthBytePerS;
  const slopes = [
    { label: `DRAM ${hw.memory.technology} ${fmtRate(bw)}B/s (datasheet)`, bw, dash: [] as number[] },
    { label: `DRAM achievable ${fmtRate(bw * hw.efficiency.memory)}B/s (×${hw.efficiency.memory})`, bw: bw * hw.efficiency.memory, dash: [6, 4] },
  ];
  const pts = groups.flatMap((g) => g.points).filter((p) => p.x > 0 && p.y > 0);
  const ridge = top / bw;
  const xMin = Math.pow(10, Math.floor(Math.log10(Math.min(0.1, ...pts.map((p) => p.x / 2)))));
  const xMax = Math.pow(10, Math.ceil(Math.log10(Math.max(ridge * 20, ...pts.map((p) => p.x * 3)))));
  const yMin = Math.pow(10, Math.floor(Math.log10(Math.min(bw * xMin, ...pts.map((p) => p.y / 2)))));
  const yMax = Math.pow(10, Math.ceil(Math.log10(top * 2)));
  const datasets: any[] = [];
  ceilings.forEach((c, i) => {
    const knee = c.flopPerS / bw;
    datasets.push({
      type: 'line',
      label: c.label,
      data: [
        { x: knee, y: c.flopPerS },
        { x: xMax, y: c.flopPerS },
      ],
      borderColor: ['#222222', '#555555', '#777777', '#999999', '#aaaaaa'][i % 5],
      borderWidth: 2,
      pointRadius: 0,
      pointStyle: 'line',
      fill: false,
    });
  });
  for (const s of slopes) {
    datasets.push({
      type: 'line',
      label: s.label,
      data: [
        { x: xMin, y: s.bw * xMin },
        { x: top / s.bw, y: top },
      ],
      borderColor: '#1f77b4',
      borderDash: s.dash,
      borderWidth: 2,
      pointRadius: 0,
      pointStyle: 'line',
      fill: false,
    });
  }
  groups.forEach((g, i) => {
    const c = g.color ?? color(i + 1);
    datasets.push({
      type: 'scatter',
      label: g.label,
      data: g.points.filter((p) => p.x > 0 && p.y > 0),
      pointStyle: g.style ?? 'circle',
      pointRadius: 6,
      pointHoverRadius: 8,
      backgroundColor: c + 'cc',
      borderColor: c,
    });
  });
  return {
    type: 'scatter',
    data: { datasets },
    options: baseOptions(title ?? `Roofline: ${hw.name}`, {
      _tooltipFmt: 'flops',
      plugins: { legend: { position: 'right', labels: { font: { size: 11 }, boxWidth: 18, usePointStyle: true } } },
      scales: {
        x: {
          type: 'logarithmic',
          min: xMin,
          max: xMax,
          _fmt: 'intensity',
          title: { display: true, text: 'arithmetic intensity (FLOP per byte of DRAM traffic)', font: { size: 13 } },
        },
        y: {
          type: 'logarithmic',
          min: yMin,
          max: yMax,
          _fmt: 'flops',
          title: { display: true, text: 'attainable performance (FLOP/s)', font: { size: 13 } },
        },
      },
    }),
  };
}

const PHASE_STYLES: Record<string, RooflineGroup['style']> = { prefill: 'circle', decode: 'triangle', encode: 'rect', step: 'rectRot', denoise: 'rectRot' };
const PHASE_COLORS = ['#4e79a7', '#e15759', '#59a14f', '#b07aa1', '#f28e2b', '#9c755f'];

// Per-op points grouped by phase (verbose op rows), plus each phase as a whole (a star): collectives and
// ops without FLOPs or bytes have no place on a roofline and are left out.
export function opGroups(
  ops: { phase: string; name: string; flops: number; bytes: number; seconds: number }[],
  phases: { name: string; flops: number; bytes: number; seconds: number }[],
): RooflineGroup[] {
  const byPhase = new Map<string, RooflineGroup>();
  const colorOf = (phase: string) => PHASE_COLORS[[...byPhase.keys()].indexOf(phase) % PHASE_COLORS.length]!;
  for (const o of ops) {
    if (!(o.flops > 0 && o.bytes > 0 && o.seconds > 0)) continue;
    if (!byPhase.has(o.phase)) byPhase.set(o.phase, { label: `${o.phase} ops`, points: [], style: PHASE_STYLES[o.phase] ?? 'circle' });
    byPhase.get(o.phase)!.points.push({ x: o.flops / o.bytes, y: o.flops / o.seconds, label: `${o.phase}: ${o.name}` });
  }
  const groups = [...byPhase.entries()].map(([phase, g]) => ({ ...g, color: colorOf(phase) }));
  const whole = phases.filter((p) => p.flops > 0 && p.bytes > 0 && p.seconds > 0);
  if (whole.length) {
    groups.push({
      label: 'phase as a whole',
      style: 'star',
      color: '#000000',
      points: whole.map((p) => ({ x: p.flops / p.bytes, y: p.flops / p.seconds, label: p.name })),
    });
  }
  return groups;
}
