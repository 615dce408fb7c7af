// A row that does not fit collects its passes' warnings without costing them, and keeps them in the sweep's memo apart
// from costed passes (src/sim/decoder.ts unfitted): a row that fits after it, with the same passes, is costed as a plain
// simulate() costs it, and both rows have a plain simulate()'s warnings.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { PassMemo } from '../src/sim/pass-memo.js';

const lib = getLibrary();
const run = (flags: Record<string, string | number>, memo?: PassMemo) => {
  const req = buildRequest(flags, lib.models['mixtral-8x7b']!, lib.hardware['a100-sxm4-80gb']!, libraryModel);
  req.memo = memo;
  const r = simulate(req);
  return r.memory.fits ? r : { ...r, phases: [] };
};

describe('unfitted rows under a memo', () => {
  it('leave no pass that a fitted row would take for costed', () => {
    const memo = new PassMemo();
    // fp8 on an A100 warns (weight-only fallback); a long output does not fit, a short one does
    const long = { batch: 64, input_tokens: 2048, output_tokens: 30000, dtype: 'fp8' };
    const short = { ...long, output_tokens: 64 };
    const a = run(long, memo);
    expect(a.memory.fits).toBe(false);
    expect(a.warnings.length).toBeGreaterThan(0);
    expect(JSON.stringify(a)).toBe(JSON.stringify(run(long)));
    const again = run(long, memo); // its warnings from the memo
    expect(JSON.stringify(again)).toBe(JSON.stringify(a));
    const b = run(short, memo);
    expect(b.memory.fits).toBe(true);
    expect(JSON.stringify(b)).toBe(JSON.stringify(run(short)));
  });
});
