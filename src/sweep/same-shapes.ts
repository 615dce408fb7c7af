// The sweep's hardware objects with one key order and key set, at the top and in `efficiency`: a key a spec leaves
// out is there as undefined, which the engine reads as it reads a missing key (no engine code tests a hardware key
// with `in` or lists them). The engine's property loads then see one object shape instead of one per accelerator,
// so V8 keeps fewer optimized versions of each function instead of deoptimizing and recompiling them as each new
// accelerator of a sweep appears (issue 15: on 8 accelerators, 275 → 199 TurboFan compiles in the first 24k rows).
import type { NormalizedHardware } from '../spec/types.js';

type Loose = Record<string, unknown>;

export function sameShapes<T extends NormalizedHardware | string>(list: T[]): T[] {
  const hws = list.filter((h): h is Exclude<T, string> => typeof h !== 'string');
  const keys = [...new Set(hws.flatMap((h) => Object.keys(h)))];
  const effKeys = [...new Set(hws.flatMap((h) => Object.keys(h.efficiency ?? {})))];
  return list.map((h) => {
    if (typeof h === 'string') return h;
    const out: Loose = {};
    for (const k of keys) out[k] = (h as unknown as Loose)[k];
    if (h.efficiency) {
      const e: Loose = {};
      for (const k of effKeys) e[k] = (h.efficiency as unknown as Loose)[k];
      out.efficiency = e;
    }
    return out as unknown as T;
  });
}
