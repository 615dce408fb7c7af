// Units and expressions: the only place mathjs is used (src/units/quantity.ts).
import { describe, expect, it } from 'vitest';
import { evaluateExpression, parseQuantity, type Dimension } from '../src/units/quantity.js';

describe('parseQuantity', () => {
  const ok: [string, Dimension, number][] = [
    ['80 GB', 'bytes', 80e9],
    ['80 GiB', 'bytes', 80 * 2 ** 30],
    ['50 MiB', 'bytes', 50 * 2 ** 20],
    ['3.35 TB/s', 'bytes_per_s', 3.35e12],
    ['989.4 TFLOP/s', 'flop_per_s', 989.4e12],
    ['989 TFLOPS', 'flop_per_s', 989e12],
    ['1979 TOPS', 'flop_per_s', 1979e12],
    ['45 TOPS', 'flop_per_s', 45e12],
    ['700 W', 'watts', 700],
    ['6 pJ/bit', 'joules_per_bit', 6e-12],
    ['0.5 pJ/FLOP', 'joules_per_flop', 0.5e-12],
    ['2 us', 'seconds', 2e-6],
    ['2 µs', 'seconds', 2e-6],
    ['1.83 GHz', 'hertz', 1.83e9],
    ['9.6 Gbit/s', 'bits_per_s', 9.6e9],
    ['8533 Mbps', 'bits_per_s', 8.533e9],
    ['30000 USD', 'usd', 30000],
  ];
  it.each(ok)('%s as %s', async (text, dim, want) => {
    const r = await parseQuantity(text, dim);
    expect(r).toHaveProperty('value');
    expect((r as { value: number }).value).toBeCloseTo(want, -Math.log10(want) + 6);
  });

  const bad: [unknown, Dimension, RegExp][] = [
    [80, 'bytes', /needs a unit/],
    ['80', 'bytes', /not a bytes quantity|needs a unit|unit/],
    ['80 GB', 'bytes_per_s', /not a bytes per s quantity/],
    ['-80 GB', 'bytes', /negative/],
    ['lots', 'bytes', /not a quantity/],
    [{ a: 1 }, 'bytes', /expected a quantity/],
  ];
  it.each(bad)('rejects %j as %s', async (text, dim, msg) => {
    const r = await parseQuantity(text, dim);
    expect(r).toHaveProperty('error');
    expect((r as { error: string }).error).toMatch(msg);
  });
});

describe('evaluateExpression', () => {
  const scope = { hidden: 4096, heads: 32 };
  it.each([
    ['4 * hidden', 16384],
    ['hidden / heads', 128],
    ['(hidden + 2) * 2', 8196],
    ['2 ^ 10', 1024],
    ['-3 + 5', 2],
  ])('%s = %d', async (expr, want) => {
    expect(await evaluateExpression(expr, scope)).toEqual({ value: want });
  });
  it.each([
    ['sqrt(hidden)', /function calls are not allowed/],
    ['import("fs")', /not allowed/],
    ['x = 5', /not allowed/],
    ['f(x) = x', /not allowed/],
    ['widht * 4', /unknown name "widht"/],
    ['"a" + 1', /only numbers/],
    ['hidden / 0', /finite/],
    ['4 *', /cannot parse/],
  ])('rejects %s', async (expr, msg) => {
    const r = await evaluateExpression(expr, scope);
    expect(r).toHaveProperty('error');
    expect((r as { error: string }).error).toMatch(msg);
  });
});
