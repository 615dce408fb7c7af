// simulate asks per evaluation whether the bound runtime's scheduler mixes prompts into decode steps
// (src/sim/decoder.ts stepsMix). boundRuntimeMixes answers it without serveRuntime's limits (which look up vLLM's
// defaults for a file that gives none); it must give serve's answer for every library runtime, context and attention.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { boundRuntime } from '../src/runtime/resolve.js';
import { boundRuntimeMixes, serveRuntime } from '../src/serve/runtime-defaults.js';

const lib = getLibrary();

describe('boundRuntimeMixes', () => {
  it('agrees with serveRuntime(...).mixedBatches for every library runtime on h100-sxm, at short and long context, MLA or not', () => {
    const h100 = lib.hardware['h100-sxm']!;
    let unmixed = 0;
    for (const rt of Object.values(lib.runtimes)) {
      const hw = { ...h100, runtime: boundRuntime(h100, rt) };
      for (const context of [undefined, 4096, 131072]) {
        for (const mla of [false, true]) {
          const mixes = boundRuntimeMixes(hw, context, mla);
          expect(mixes, `${rt.id} context ${context} mla ${mla}`).toBe(serveRuntime(hw, undefined, context, mla).mixedBatches);
          if (!mixes) unmixed++;
        }
      }
    }
    // the check compares both answers, not only the default: some runtimes do not mix (SGLang, vLLM V0 unchunked)
    expect(unmixed).toBeGreaterThan(0);
    expect(boundRuntimeMixes(h100)).toBe(true);
  });
});
