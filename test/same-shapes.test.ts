// src/sweep/same-shapes.ts: one key order for the sweep's hardware, every value kept.
import { describe, it, expect } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { sameShapes } from '../src/sweep/same-shapes.js';

describe('sameShapes', () => {
  it('gives every hardware the same keys in the same order and changes no value', () => {
    const lib = getLibrary();
    const ids = ['h100-sxm', 'mi300x', 'gaudi3', 'ascend-910c', 'l40s', 'snapdragon-8-elite', 'apple-m2-ultra'];
    const list = [...ids.map((id) => lib.hardware[id]!), 'unknown hardware "x"'];
    const out = sameShapes(list);
    expect(out[ids.length]).toBe('unknown hardware "x"');
    const hws = out.slice(0, ids.length) as typeof lib.hardware[string][];
    expect(new Set(hws.map((h) => Object.keys(h).join())).size).toBe(1);
    expect(new Set(hws.map((h) => Object.keys(h.efficiency).join())).size).toBe(1);
    hws.forEach((h, i) => {
      const orig = lib.hardware[ids[i]!]!;
      for (const k of Object.keys(h)) if (k !== 'efficiency') expect((h as any)[k]).toBe((orig as any)[k]);
      for (const k of Object.keys(h.efficiency)) expect((h.efficiency as any)[k]).toBe((orig.efficiency as any)[k]);
      for (const k of Object.keys(orig)) expect(k in h).toBe(true);
    });
  });
});
