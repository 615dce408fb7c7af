// meanMaxLinearFloor without allocation (issue 15) returns what the array-and-sort version returned, bit for bit.
import { describe, it, expect } from 'vitest';
import { meanMaxLinearFloor } from '../src/sim/decode-integral.js';

// the earlier version, kept as the reference
function reference(a: number, b: number, d: number, e: number, f: number, c0: number, c1: number): number {
  const top = (c: number) => Math.max(a + b * c, d + e * c, f);
  if (c1 <= c0) return top(c0);
  const xs = [c0, c1];
  const cross = (p: number, q: number, r: number, s: number) => {
    if (q === s) return;
    const x = (r - p) / (q - s);
    if (x > c0 && x < c1) xs.push(x);
  };
  cross(a, b, d, e);
  cross(a, b, f, 0);
  cross(d, e, f, 0);
  xs.sort((x, y) => x - y);
  let area = 0;
  for (let i = 1; i < xs.length; i++) area += ((top(xs[i - 1]!) + top(xs[i]!)) / 2) * (xs[i]! - xs[i - 1]!);
  return area / (c1 - c0);
}

describe('meanMaxLinearFloor', () => {
  it('equals the array-and-sort version on lines that cross 0 to 3 times inside the range, floors, ties and empty ranges', () => {
    let seed = 5;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = (xs: number[]) => xs[Math.floor(rand() * xs.length)]!;
    let crossings = 0;
    for (let i = 0; i < 50000; i++) {
      const c0 = pick([0, 1, 128, 4096, rand() * 1e5]);
      const c1 = pick([c0, c0 - 1, c0 + 1, c0 + 64, c0 + rand() * 1e5]);
      const a = pick([0, 1e-6, rand() * 1e-3]), b = pick([0, 1e-9, rand() * 1e-7]);
      const d = pick([0, a, rand() * 1e-3]), e = pick([0, b, rand() * 1e-7, -rand() * 1e-8]);
      const f = pick([0, 5e-6, a + b * (c0 + c1) / 2, rand() * 1e-3]);
      const want = reference(a, b, d, e, f, c0, c1);
      expect(Object.is(meanMaxLinearFloor(a, b, d, e, f, c0, c1), want), `${[a, b, d, e, f, c0, c1]}`).toBe(true);
      if (b !== e && (d - a) / (b - e) > c0 && (d - a) / (b - e) < c1) crossings++;
    }
    expect(crossings).toBeGreaterThan(500);
  });
});
