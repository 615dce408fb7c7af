// A collective model priced α–β against one link (src/sim/pcie-collectives.ts, src/sim/ici-collectives.ts): at 1 GiB an
// all-reduce over n devices reaches the part's large-message fraction of `linkBw`, and its time never falls as the
// message grows from 1 KiB, and grows with the group (n against otherGroup devices).
import { expect } from 'vitest';
import { commSeconds } from '../../src/sim/parallel.js';
import type { NormalizedHardware } from '../../src/spec/types.js';

export function expectLinkShape(h: NormalizedHardware, linkBw: number, n: number, otherGroup: number, digits: number): void {
  const big = 1 << 30;
  const busbw = ((2 * (n - 1)) / n) * big / commSeconds(h, 'allreduce', big, n);
  expect(busbw / linkBw).toBeCloseTo(h.efficiency.collective, digits);
  // never less for more bytes (an ICI collective is flat while its hops outlast its bytes: ici-collectives.ts), and
  // more at 1 GiB than at 1 KiB
  let last = 0;
  for (let b = 1024; b <= big; b *= 4) {
    const t = commSeconds(h, 'allreduce', b, n);
    expect(t).toBeGreaterThanOrEqual(last);
    last = t;
  }
  expect(last).toBeGreaterThan(commSeconds(h, 'allreduce', 1024, n));
  const [lo, hi] = otherGroup < n ? [otherGroup, n] : [n, otherGroup];
  expect(commSeconds(h, 'allreduce', 16384, lo)).toBeLessThan(commSeconds(h, 'allreduce', 16384, hi));
}
