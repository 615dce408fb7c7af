// Closed-form cost of a decode pass over a growing context. Every op's roofline time is
//   t(c) = max(a + b·c, d + e·c) + o
// (compute and memory time are linear in the context c: only attention reads the KV cache and multiplies by
// it; o is kernel overhead and communication). The mean of t over c ∈ [c0, c1] is exact: split the interval
// where the two lines cross and integrate each linear piece (trapezoid rule is exact on a line).

/** mean of max(a + b·c, d + e·c) over [c0, c1] */
export function meanMaxLinear(a: number, b: number, d: number, e: number, c0: number, c1: number): number {
  if (c1 <= c0) return Math.max(a + b * c0, d + e * c0);
  const f0 = a + b * c0 - (d + e * c0); // compute − memory at both ends
  const f1 = a + b * c1 - (d + e * c1);
  if (f0 >= 0 && f1 >= 0) return a + (b * (c0 + c1)) / 2;
  if (f0 <= 0 && f1 <= 0) return d + (e * (c0 + c1)) / 2;
  // one crossing at x (the difference is linear)
  const x = c0 + ((c1 - c0) * f0) / (f0 - f1);
  const w0 = (x - c0) / (c1 - c0);
  const yx = a + b * x; // both lines meet here
  const left = f0 > 0 ? (a + b * c0 + yx) / 2 : (d + e * c0 + yx) / 2;
  const right = f1 > 0 ? (a + b * c1 + yx) / 2 : (d + e * c1 + yx) / 2;
  return w0 * left + (1 - w0) * right;
}

/** mean of max(a + b·c, d + e·c, f) over [c0, c1]: exact, by the trapezoid rule between the points where any two
 *  of the three cross (the max is linear between them). f is a floor such as a kernel's launch time. */
export function meanMaxLinearFloor(a: number, b: number, d: number, e: number, f: number, c0: number, c1: number): number {
  if (c1 <= c0) return Math.max(a + b * c0, d + e * c0, f);
  // c0, c1 and the crossings inside (c0, c1), sorted in a scratch array: this runs per decode attention op of every
  // sweep row, where an array, a sort and two closures per call were ~9% of a sweep's garbage (issue 15)
  const xs = XS;
  xs[0] = c0;
  xs[1] = c1;
  let n = 2;
  if (b !== e) {
    const x = (d - a) / (b - e);
    if (x > c0 && x < c1) xs[n++] = x;
  }
  if (b !== 0) {
    const x = (f - a) / (b - 0);
    if (x > c0 && x < c1) xs[n++] = x;
  }
  if (e !== 0) {
    const x = (f - d) / (e - 0);
    if (x > c0 && x < c1) xs[n++] = x;
  }
  for (let i = 1; i < n; i++) {
    const v = xs[i]!;
    let j = i - 1;
    for (; j >= 0 && xs[j]! > v; j--) xs[j + 1] = xs[j]!;
    xs[j + 1] = v;
  }
  let area = 0;
  for (let i = 1; i < n; i++) {
    const lo = xs[i - 1]!, hi = xs[i]!;
    area += ((Math.max(a + b * lo, d + e * lo, f) + Math.max(a + b * hi, d + e * hi, f)) / 2) * (hi - lo);
  }
  return area / (c1 - c0);
}
const XS = new Float64Array(5);
