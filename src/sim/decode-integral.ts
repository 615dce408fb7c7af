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
