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
