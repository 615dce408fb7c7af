// A collective model priced α–β against one link (src/sim/pcie-collectives.ts, src/sim/ici-collectives.ts): at 1 GiB an
// all-reduce over n devices reaches the part's large-message fraction of `linkBw`, and its time grows with the message
// from 1 KiB up and with the group (n against otherGroup devices).
import { expect } from 'vitest';
import { commSeconds } from '../../src/sim/parallel.js';
import type { NormalizedHardware } from '../../src/spec/types.js';

export function expectLinkShape(h: NormalizedHardware, linkBw: number, n: number, otherGroup: number, digits: number): void {
  const big = 1 << 30;
  const busbw = ((2 * (n - 1)) / n) * big / commSeconds(h, 'allreduce', big, n);
  expect(busbw / linkBw).toBeCloseTo(h.efficiency.collective, digits);
  let last = 0;
  for (let b = 1024; b <= big; b *= 4) {
    const t = commSeconds(h, 'allreduce', b, n);
    expect(t).toBeGreaterThan(last);
    last = t;
  }
  const [lo, hi] = otherGroup < n ? [otherGroup, n] : [n, otherGroup];
  expect(commSeconds(h, 'allreduce', 16384, lo)).toBeLessThan(commSeconds(h, 'allreduce', 16384, hi));
}
