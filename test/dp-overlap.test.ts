// Data-parallel gradient reduce-scatter / parameter all-gather streamed behind the compute after / before each bucket
// (src/sim/training/dp-overlap.ts; runtimes/nemo.yaml overlap.dp_grad).
import { describe, expect, it } from 'vitest';
import { dpExposed } from '../src/sim/training/dp-overlap.js';

describe('dpExposed', () => {
  it('never exceeds the unoverlapped collective and is never negative', () => {
    for (const comm of [0, 0.01, 0.3, 2])
      for (const w of [0, 0.001, 0.05, 10])
        for (const v of [1, 2, 8])
          for (const g of [1, 4])
            for (const b of [1, 3, 16])
              for (const h of [0, 0.5, 1]) {
                const e = dpExposed(comm, w, v, g, b, h);
                expect(e).toBeGreaterThanOrEqual(0);
                expect(e).toBeLessThanOrEqual(comm + 1e-12);
                // more compute to hide behind never exposes more
                expect(dpExposed(comm, w * 2, v, g, b, h)).toBeLessThanOrEqual(e + 1e-12);
              }
  });
  it('is the whole collective without overlap or without compute', () => {
    expect(dpExposed(0.4, 1, 4, 4, 10, 0)).toBe(0.4);
    expect(dpExposed(0.4, 0, 1, 1, 10, 1)).toBeCloseTo(0.4, 12);
  });
  it('falls to the last bucket when the compute is long', () => {
    expect(dpExposed(0.4, 100, 1, 1, 10, 1)).toBeCloseTo(0.04, 12);
    expect(dpExposed(0.4, 100, 8, 6, 16, 1)).toBeCloseTo(0.025, 12);
    expect(dpExposed(0.4, 100, 1, 1, 1, 1)).toBeCloseTo(0.4, 12); // one bucket: nothing to overlap
  });
  it('exposes what exceeds the backward left after each chunk (interleaved: later chunks still run)', () => {
    // one chunk: comm − window
    expect(dpExposed(0.4, 0.1, 1, 1, 100, 1)).toBeCloseTo(0.3, 12);
    // two chunks, groups of 4: the first chunk's half has 1 + 4 chunk-backwards, the second's half only its own
    expect(dpExposed(0.4, 0.1, 2, 4, 100, 1)).toBeCloseTo(Math.max(0.2 - 0.1, 0.4 - 0.5), 12);
  });
});
