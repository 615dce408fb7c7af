// Plausibility of a hardware spec (issue 12 item 7): an error for what makes every result meaningless (no usable
// memory), a warning for a value outside the range of every part in the shipped library (a unit slip such as
// "80 kB" for "80 GB", or "700 GW" for "700 W", is the usual cause).
import { existsSync, readFileSync } from 'node:fs';
import { COMPILED_LIBRARY } from './paths.js';
import { issueAt, type SpecContext } from './load.js';
import { siText } from './schemas.js';
import type { NormalizedHardware } from './types.js';

// Serving runtimes reserve this much of a discrete accelerator's memory (CUDA context, allocator): src/sim/memory.ts.
const RUNTIME_RESERVE_BYTES = 1e9;
const SHARED_MEMORY = new Set(['mobile', 'laptop', 'edge', 'desktop']);

type Probe = { path: string[]; unit: string; get: (h: NormalizedHardware) => number | undefined };
const PROBES: Probe[] = [
  { path: ['memory', 'capacity'], unit: 'B', get: (h) => h.memory.capacityBytes },
  { path: ['memory', 'bandwidth'], unit: 'B/s', get: (h) => h.memory.bandwidthBytePerS },
  { path: ['compute', 'matrix'], unit: 'FLOP/s', get: (h) => maxOf(Object.values(h.matrixFlopPerS)) },
  { path: ['power', 'tdp'], unit: 'W', get: (h) => h.power?.tdpW },
  { path: ['interconnect', 'scale_up', 'bandwidth'], unit: 'B/s', get: (h) => h.scaleUp?.bandwidthBytePerS },
];

function maxOf(xs: (number | undefined)[]): number | undefined {
  const v = xs.filter((x): x is number => typeof x === 'number');
  return v.length ? Math.max(...v) : undefined;
}

let shipped: [number, number][] | undefined | null;
function shippedRanges(): [number, number][] | null {
  if (shipped !== undefined) return shipped;
  shipped = null;
  if (!existsSync(COMPILED_LIBRARY)) return shipped; // while the library itself is being compiled
  const lib = JSON.parse(readFileSync(COMPILED_LIBRARY, 'utf8')) as { hardware: Record<string, NormalizedHardware> };
  const parts = Object.values(lib.hardware);
  shipped = PROBES.map((p) => {
    const vs = parts.map(p.get).filter((x): x is number => typeof x === 'number' && x > 0);
    return [Math.min(...vs), Math.max(...vs)] as [number, number];
  });
  return shipped;
}

export function checkHardwarePlausibility(hw: NormalizedHardware, ctx: SpecContext): void {
  if (!SHARED_MEMORY.has(hw.class) && hw.memory.capacityBytes <= RUNTIME_RESERVE_BYTES) {
    ctx.errors.push(
      issueAt(ctx, ['memory', 'capacity'], `usable memory would be ≤ 0: ${siText(hw.memory.capacityBytes, 'B')} is within the runtime's ${siText(RUNTIME_RESERVE_BYTES, 'B')} reserve`, 'check the unit (GB, not MB or kB)'),
    );
  }
  const ranges = shippedRanges();
  if (!ranges) return;
  PROBES.forEach((p, i) => {
    const v = p.get(hw);
    const [lo, hi] = ranges[i]!;
    if (v === undefined || !Number.isFinite(lo) || (v >= lo / 2 && v <= hi * 2)) return;
    ctx.warnings.push(issueAt(ctx, p.path, `${siText(v, p.unit)} is outside every shipped part's range (${siText(lo, p.unit)} … ${siText(hi, p.unit)})`, 'check the unit'));
  });
}
