// Cache levels from a working-set sweep. Where Linux exposes the cache geometry
// (/sys/devices/system/cpu/cpu0/cache), the sizes come from there and the sweep gives each level's
// bandwidth; elsewhere the levels are read off the sweep itself, as the drops between plateaus.
import { readFileSync, readdirSync } from 'node:fs';
import type { CacheLevel, SweepPoint } from './types.js';

export interface CacheGeometry {
  level: number;
  bytes: number; // one instance
  sharedBy: number; // logical CPUs sharing one instance
}

export function readCacheGeometry(root = '/sys/devices/system/cpu/cpu0/cache'): CacheGeometry[] {
  const out: CacheGeometry[] = [];
  let entries: string[];
  try {
    entries = readdirSync(root).filter((e) => /^index\d+$/.test(e));
  } catch {
    return out;
  }
  for (const e of entries) {
    try {
      const rd = (f: string) => readFileSync(`${root}/${e}/${f}`, 'utf8').trim();
      if (rd('type') === 'Instruction') continue;
      const m = /^(\d+)([KMG]?)/.exec(rd('size'));
      if (!m) continue;
      const bytes = Number(m[1]) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[m[2]!]!;
      out.push({ level: Number(rd('level')), bytes, sharedBy: cpuListCount(rd('shared_cpu_list')) });
    } catch {
      // an unreadable entry is skipped: the sweep still finds the level
    }
  }
  return out.sort((a, b) => a.level - b.level);
}

function cpuListCount(list: string): number {
  let n = 0;
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    n += b === undefined ? 1 : b - a! + 1;
  }
  return Math.max(1, n);
}

// Levels from the sweep (all threads' working set in `bytes`). With known geometry: a level's bandwidth
// is the best point whose per-thread working set fits in the thread's share of that level and not in
// the level below (best-of, as STREAM: noise on a shared machine only lowers a measurement).
export function levelsFromSweep(sweep: SweepPoint[], threads: number, geometry: CacheGeometry[] = []): CacheLevel[] {
  if (geometry.length) {
    const levels: CacheLevel[] = [];
    let below = 0;
    for (const g of geometry) {
      const share = g.bytes / Math.min(g.sharedBy, threads);
      const inside = sweep.filter((p) => p.bytes / threads > below && p.bytes / threads <= 0.75 * share);
      if (inside.length) levels.push({ level: g.level, bytes: g.bytes, bandwidth_bytes_per_s: Math.max(...inside.map((p) => p.bandwidth_bytes_per_s)) });
      below = share;
    }
    if (levels.length) return levels;
  }
  return detectLevels(sweep);
}

// Without geometry: a plateau ends where bandwidth falls below 75% of the plateau's best and stays
// there for the next point too (one low point is noise, two are a level); a plateau needs two points,
// so the transition between two levels is not a level of its own.
export function detectLevels(sweep: SweepPoint[]): CacheLevel[] {
  const pts = [...sweep].sort((a, b) => a.bytes - b.bytes);
  const levels: CacheLevel[] = [];
  let best = 0;
  let count = 0;
  let lastInside = 0;
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    const next = pts[i + 1];
    if (best > 0 && p.bandwidth_bytes_per_s < 0.75 * best && (!next || next.bandwidth_bytes_per_s < 0.75 * best)) {
      if (next && count >= 2) levels.push({ level: levels.length + 1, bytes: lastInside, bandwidth_bytes_per_s: best });
      best = p.bandwidth_bytes_per_s;
      count = 1;
    } else {
      best = Math.max(best, p.bandwidth_bytes_per_s);
      count++;
    }
    lastInside = p.bytes;
  }
  // the last plateau is main memory, not a cache
  return levels;
}

// Last-level cache capacity (whole chip), to size STREAM's arrays at ≥ 4× LLC as McCalpin's rules ask.
export function lastLevelBytes(geometry: CacheGeometry[], threads: number): number {
  const g = geometry[geometry.length - 1];
  if (!g) return 64 * 2 ** 20;
  return g.bytes * Math.max(1, Math.ceil(threads / g.sharedBy));
}
