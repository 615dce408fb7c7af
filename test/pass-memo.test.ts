// The sweep's pass memo (src/sim/pass-memo.ts) changes no number: a request run through a memo that earlier rows
// filled gives the same result, bit for bit, as a plain simulate(). A row that does not fit is not costed under a
// memo, so it has no phases there; everything else (memory, warnings and their order, null time keys) is the same.
import { describe, it, expect } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { PassMemo } from '../src/sim/pass-memo.js';

const lib = getLibrary();
type Flags = Record<string, string | number | boolean>;

// rows sharing prefills and steps in the order a sweep meets them (output length varies slower than tp and dtype)
const ROWS: [string, string, Flags][] = [];
for (const [model, hw, extra] of [
  ['llama-3.1-8b', 'h100-sxm', {}],
  ['gemma-3-27b', 'mi300x', {}], // sliding-window layers: piecewise decode attention
  ['mixtral-8x7b', 'a100-sxm4-80gb', {}], // fp8 falls back (weight-only warning)
  ['qwen3-30b-a3b', 'h100-sxm', { attention_dp: true, tp: 4 }], // attention-DP wait
  ['llama-3.1-8b', 'snapdragon-8-elite', {}], // static-context runtime
] as [string, string, Flags][]) {
  for (const output_tokens of [1, 64, 512])
    for (const batch of [1, 8, 256])
      for (const dtype of ['bf16', 'fp8', 'int4', 'q4_0']) ROWS.push([model, hw, { batch, input_tokens: 1024, output_tokens, dtype, ...extra }]);
  ROWS.push([model, hw, { batch: 'max', input_tokens: 2048, output_tokens: 256, ...extra }]);
}

const run = (model: string, hw: string, flags: Flags, memo?: PassMemo) => {
  const req = buildRequest(flags, lib.models[model]!, lib.hardware[hw]!, libraryModel);
  req.memo = memo;
  try {
    const r = simulate(req);
    return r.memory.fits ? r : { ...r, phases: [] };
  } catch (e) {
    return (e as Error).message;
  }
};

describe('pass memo', () => {
  it('gives the same results as a plain simulate(), warnings and their order included', () => {
    const memo = new PassMemo();
    let unfit = 0;
    for (const [model, hw, flags] of ROWS) {
      const r = run(model, hw, flags);
      if (typeof r !== 'string' && !r.memory.fits && r.warnings.length) unfit++;
    }
    expect(unfit).toBeGreaterThan(0); // rows that do not fit, with warnings from their passes
    for (let round = 0; round < 2; round++) {
      for (const [model, hw, flags] of ROWS) {
        expect(JSON.stringify(run(model, hw, flags, memo)), `${model} ${hw} ${JSON.stringify(flags)}`).toBe(JSON.stringify(run(model, hw, flags)));
      }
    }
  });
});
