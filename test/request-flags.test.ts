import { describe, expect, it } from 'vitest';
import { buildRequest } from '../src/sim/request.js';
import { libraryModel } from '../src/spec/library.js';
import { getLibrary } from '../src/spec/library.js';

// buildRequest gathers a row's flags in one pass (issue 15: ≤ 1.5 µs per sweep row); the three spellings keep
// their precedence: kebab-case, then snake_case, then camelCase, a null or undefined value falling through
describe('buildRequest flag spellings', () => {
  const lib = getLibrary();
  const m = lib.models['llama-3.1-8b']!;
  const h = lib.hardware['h100-sxm']!;
  const build = (f: Record<string, unknown>) => buildRequest(f, m, h, libraryModel);
  it('kebab beats snake beats camel, in any key order; nullish falls through', () => {
    expect(build({ inputTokens: 5, input_tokens: 7, 'input-tokens': '100' }).inputTokens).toBe(100);
    expect(build({ inputTokens: 5, input_tokens: 7 }).inputTokens).toBe(7);
    expect(build({ input_tokens: 7, inputTokens: 5 }).inputTokens).toBe(7);
    expect(build({ 'input-tokens': null, input_tokens: undefined, inputTokens: 5 }).inputTokens).toBe(5);
    expect(build({ input_Tokens: 9 }).inputTokens).toBe(512); // not one of the three spellings
    expect(build({ kv_cache: 'fp8', attentionDp: true, usdPerKwh: '0.1', max_tpot: '30ms' })).toMatchObject({ kvCache: 'fp8', attentionDp: true, usdPerKwh: 0.1, maxTpotS: 0.03 });
  });
  it('every request has the same keys in the same order (one hidden class), whatever flags were given', () => {
    const a = Object.keys(build({}));
    expect(Object.keys(build({ batch: 'max', cfg: 'no', steps: 3, price: 2, years: '3', mtp: 2, acceptance: 0.7 }))).toEqual(a);
    expect(Object.keys(build({ tp: 2, 'kv-cache': 'fp8' }))).toEqual(a);
  });
  it('errors still name the flag', () => {
    expect(() => build({ output_tokens: -1 })).toThrow(/--output-tokens: expected an integer/);
    expect(() => build({ batch: 'lots' })).toThrow(/--batch/);
  });
});
