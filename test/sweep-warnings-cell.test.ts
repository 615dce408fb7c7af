// A sweep row's warnings cell (src/sweep/columns.ts warningsText): always the row's warnings joined with '; ', and the
// very string of the row before while the warnings are the same texts (what lets the row writer skip its lookup).
import { describe, expect, it } from 'vitest';
import { warningsText } from '../src/sweep/columns.js';

describe('warningsText', () => {
  it('is the join of the warnings, whatever came before', () => {
    const pool = ['a', 'b; c', 'a', '', 'x"y', 'b'];
    let s = 7;
    for (let k = 0; k < 2000; k++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const n = s % 4;
      const w = Array.from({ length: n }, (_, i) => pool[(s >>> (4 + 3 * i)) % pool.length]!);
      expect(warningsText(w)).toBe(n ? w.join('; ') : null);
    }
    expect(warningsText(undefined)).toBe(null);
  });

  it('hands back the same string for the same texts, a new one when one changes', () => {
    const first = warningsText(['fp8 runs at bf16', 'no kernel']);
    expect(warningsText(['fp8 runs at bf16', 'no kernel'])).toBe(first);
    const w = ['fp8 runs at bf16', 'no kernel'];
    warningsText(w);
    w[1] = 'other'; // the caller's array changed after the call: its copy is compared, not the array
    expect(warningsText(w)).toBe('fp8 runs at bf16; other');
    expect(warningsText(['fp8 runs at bf16'])).toBe('fp8 runs at bf16');
  });
});
