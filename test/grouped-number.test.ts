// grouped(n) writes what n.toLocaleString('en-US') writes, without Intl (whose first call loads ICU's locale data,
// 40-190 ms of a command's start-up): commas every three digits, at most three fraction digits rounded half away from
// zero on the shortest decimal form.
import { describe, expect, it } from 'vitest';
import { fmtNumber, grouped } from '../src/report/format.js';

describe('grouped: toLocaleString(en-US) without Intl', () => {
  const edges = [0, -0, 1, -1, 999, 1000, 1234.5, 999999.5, 999999.9995, 1e6, 12345678901234, 1.0005, 12.0005, 1.0015, 0.0125, 0.00125, 0.0135,
    0.0995, 0.09995, 0.9995, 9.9995, -0.0125, -0.0001, 0.001, 0.0005, 0.0004, 123.456789, 71e9, 11901408320, 2.69, 1795.375556783502];
  it.each(edges)('%s', (n) => expect(grouped(n)).toBe(n.toLocaleString('en-US')));
  it('agrees on 20,000 values across magnitudes and digit counts (a fixed linear congruential sequence)', () => {
    let s = 12345;
    const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const bad: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const v = (rnd() < 0.5 ? -1 : 1) * 10 ** (rnd() * 12 - 4);
      for (const n of [v, Number(v.toPrecision(1 + (i % 6))), Math.round(v)]) if (grouped(n) !== n.toLocaleString('en-US')) bad.push(`${n}: ${grouped(n)} vs ${n.toLocaleString('en-US')}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
  it('fmtNumber keeps its output', () => {
    expect(fmtNumber(1234.5)).toBe('1,230');
    expect(fmtNumber(0.0125)).toBe('0.013');
    expect(fmtNumber(0.416192712103592)).toBe('0.416');
  });
});
