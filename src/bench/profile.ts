// Turn a bench result into a hardware spec of this machine (docs/spec-format.md): measured peaks as the
// compute ceilings, the STREAM triad as the memory bandwidth with efficiency 1 (it is already the
// achievable figure), and GEMM efficiency by size as a table relative to the measured peak, made monotone.
import { hostname } from 'node:os';
import { stringify } from 'yaml';
import type { BenchResult, GemmPoint } from './types.js';
import type { Dtype } from '../spec/types.js';

const bin = (v: number): string => {
  for (const [f, s] of [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']] as const) if (v >= f) return `${Number((v / f).toPrecision(4))} ${s}`;
  return `${v} B`;
};
const si = (v: number, unit: string): string => {
  const p: [number, string][] = [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [f, s] of p) if (v >= f) return `${Number((v / f).toPrecision(4))} ${s}${unit}`;
  return `${Number(v.toPrecision(4))} ${unit}`;
};

// Pool-adjacent-violators: the closest non-decreasing sequence (least squares), as efficiency tables
// must not fall as ops grow (checked at load).
export function isotonic(values: number[]): number[] {
  const blocks: { sum: number; n: number }[] = [];
  for (const v of values) {
    blocks.push({ sum: v, n: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2]!.sum / blocks[blocks.length - 2]!.n > blocks[blocks.length - 1]!.sum / blocks[blocks.length - 1]!.n) {
      const b = blocks.pop()!;
      blocks[blocks.length - 1]!.sum += b.sum;
      blocks[blocks.length - 1]!.n += b.n;
    }
  }
  return blocks.flatMap((b) => Array(b.n).fill(b.sum / b.n) as number[]);
}

export const round3 = (x: number) => Math.round(x * 1000) / 1000;

// {sizes (GEMM FLOPs), values (fraction of peak)} from measured points, one dtype; clamped to (0, 1].
export function efficiencyTable(points: { flops: number; efficiency: number }[]): { sizes: number[]; values: number[] } {
  const bySize = new Map<number, number[]>();
  for (const p of points) bySize.set(p.flops, [...(bySize.get(p.flops) ?? []), p.efficiency]);
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  const raw = sizes.map((s) => Math.max(...bySize.get(s)!));
  const values = isotonic(raw).map((v) => Math.min(1, Math.max(0.001, round3(v))));
  for (let i = 1; i < values.length; i++) values[i] = Math.max(values[i]!, values[i - 1]!);
  return { sizes, values };
}

export function gemmFlops(g: Pick<GemmPoint, 'm' | 'n' | 'k'>): number {
  return 2 * g.m * g.n * g.k;
}

export function profileFromBench(r: BenchResult, id = `host-${hostname().toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`): Record<string, unknown> {
  const peaks = r.peak_flops_per_s;
  const vector: Record<string, string> = {};
  for (const [d, v] of Object.entries(peaks)) if (v) vector[d] = si(v, 'FLOP/s');
  const byDtype: Record<string, { sizes: number[]; values: number[] }> = {};
  for (const dtype of [...new Set(r.gemm.map((g) => g.dtype))]) {
    const peak = peaks[dtype as Dtype] ?? Math.max(...r.gemm.filter((g) => g.dtype === dtype).map((g) => g.flops_per_s));
    byDtype[dtype] = efficiencyTable(r.gemm.filter((g) => g.dtype === dtype).map((g) => ({ flops: gemmFlops(g), efficiency: g.flops_per_s / peak })));
  }
  const main = byDtype.fp32 ?? byDtype.bf16 ?? Object.values(byDtype)[0];
  const l2 = r.caches.find((c) => c.level === 2);
  const llc = r.caches[r.caches.length - 1];
  const onChip: Record<string, string> = {};
  if (r.caches.find((c) => c.level === 1)) onChip.l1 = bin(r.caches.find((c) => c.level === 1)!.bytes);
  if (l2) onChip.l2 = bin(l2.bytes);
  if (llc && llc.level >= 3) onChip.l3 = bin(llc.bytes);
  const date = new Date().toISOString().slice(0, 10);
  return {
    id,
    name: `${r.device} (measured by hwperf bench --backend ${r.backend})`,
    vendor: 'other',
    class: r.backend === 'torch' ? 'workstation' : 'host',
    compute: { matrix: vector, vector },
    memory: {
      technology: r.backend === 'torch' ? 'unknown' : 'ddr5',
      capacity: bin(r.memory_capacity_bytes),
      bandwidth: si(r.memory_bandwidth_bytes_per_s, 'B/s'),
    },
    ...(Object.keys(onChip).length ? { on_chip: onChip } : {}),
    efficiency: {
      memory: 1,
      ...(main ? { gemm: main } : {}),
      ...(Object.keys(byDtype).length ? { gemm_by_dtype: byDtype } : {}),
      vector: 1,
      source: `hwperf bench --backend ${r.backend}${r.quick ? ' --quick' : ''}, ${date}: STREAM triad and GEMM relative to the measured FMA peak`,
    },
    notes: r.notes.join('; ') || undefined,
    sources: [`hwperf bench --backend ${r.backend} on ${r.device}, ${date} (measured, this machine)`],
  };
}

export function profileYaml(r: BenchResult, id?: string): string {
  return `# Hardware profile measured by hwperf bench (${r.backend}); numbers are this machine's, not a datasheet's.\n${stringify(profileFromBench(r, id), { aliasDuplicateObjects: false, lineWidth: 0 })}`;
}
