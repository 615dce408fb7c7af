// A single sequence's prompt run in physical batches (runtime scheduler.ubatch: llama.cpp common.h n_ubatch = 512,
// mlx_lm prefill_step_size = 2048): every op but attention and the output head once per ubatch (src/sim/ubatch.ts),
// attention ubatch by ubatch over the KV view so far (src/sim/ggml-kernels.ts ubatchedPrefillPairs).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { applySetPlain } from '../src/hardware/set-path.js';
import { ONCE_OPS, ubatchSplit } from '../src/sim/ubatch.js';
import { maskedPrefillPairs, ubatchedPrefillPairs } from '../src/sim/ggml-kernels.js';

const lib = getLibrary();
const hwFor = (id: string, rt: string, set?: string) => {
  const h = bindRuntime(lib.hardware[id]!, libraryRuntime(rt));
  return set ? applySetPlain(h, set) : h;
};
const run = (model: string, hwId: string, input: number, set?: string, verbose = false) =>
  simulate(buildRequest({ model, hardware: hwId, dtype: 'q4_0', batch: 1, 'input-tokens': input, 'output-tokens': 1, verbose }, libraryModel(model), hwFor(hwId, 'llama.cpp', set), libraryModel));
const prefillS = (r: ReturnType<typeof run>) => r.phases.find((p) => p.name === 'prefill')!.seconds;

describe('ubatchSplit', () => {
  it.each([
    [512, 512, undefined],
    [513, 512, { whole: 1, rest: 1 }],
    [4096, 512, { whole: 8, rest: 0 }],
    [4096, undefined, undefined],
  ])('%i tokens in ubatches of %s', (tokens, ub, want) => expect(ubatchSplit(tokens, ub)).toEqual(want));
});

describe('ubatched masked attention (ggml-cuda: no KV-tile skipping below 1024 queries)', () => {
  it('one ubatch is the one-pass prefill; 4096 in 512s: each ubatch × its whole KV view, 256-cell rounded', () => {
    expect(ubatchedPrefillPairs(512, 1024, 512)).toBe(maskedPrefillPairs(512, 1024));
    let want = 0;
    for (let i = 1; i <= 8; i++) want += 512 * 512 * i;
    expect(ubatchedPrefillPairs(4096, 1024, 512)).toBe(want);
    // 2048-token ubatches scan the mask: the prefix whole, their own tokens causally
    expect(ubatchedPrefillPairs(4096, 1024, 2048)).toBe(2 * maskedPrefillPairs(2048, 1024) + 2048 * 2048);
  });
});

describe('llama.cpp runs a prompt in ubatches of 512 (common.h n_ubatch)', () => {
  it('the runtime files carry the documented defaults', () => {
    expect(libraryRuntime('llama.cpp').scheduler.ubatch).toBe(512);
    expect(libraryRuntime('ollama').scheduler.ubatch).toBe(512);
    expect(libraryRuntime('mlx').scheduler.ubatch).toBe(2048);
  });

  it('pp4096 = attention and head of the prompt + 8 × everything else at 512 tokens', () => {
    const chunked = run('qwen3-30b-a3b', 'rtx-4090', 4096, undefined, true);
    const one512 = run('qwen3-30b-a3b', 'rtx-4090', 512, undefined, true);
    // the prefill's rows (with one output token the step carrying the prefill lists the same pass again)
    const rows = (r: ReturnType<typeof run>) => {
      const seen = new Set<string>();
      const out = [];
      for (const o of r.ops!.filter((x) => x.phase === 'prefill')) {
        if (seen.has(o.name)) break;
        seen.add(o.name);
        out.push(o);
      }
      return out;
    };
    const once = (o: { kind: string; name: string }) => o.kind === 'attention' || ONCE_OPS.has(o.name);
    const body512 = rows(one512).filter((o) => !once(o)).reduce((a, o) => a + o.seconds, 0);
    const head = rows(chunked).filter(once).reduce((a, o) => a + o.seconds, 0);
    expect(prefillS(chunked)).toBeCloseTo(head + 8 * body512, 9);
    // the expert GEMMs run 8 times with 32 rows per expert, as at pp512
    const up = (r: ReturnType<typeof run>) => rows(r).find((o) => o.name === 'experts_up')!;
    expect(up(chunked).seconds).toBeCloseTo(8 * up(one512).seconds, 9);
  });

  it('a MoE prompt gains little from a longer prompt at ubatch 512, and about 2× with -ub 4096', () => {
    const tokS = (input: number, set?: string) => run('qwen3-30b-a3b', 'rtx-4090', input, set).prefill_tok_s!;
    expect(tokS(4096)).toBeLessThan(1.05 * tokS(512));
    expect(tokS(4096, 'runtime.ubatch=4096')).toBeGreaterThan(1.7 * tokS(4096));
  });

  it('prefill time never falls as the prompt grows across ubatch boundaries', () => {
    let last = 0;
    for (const n of [500, 511, 512, 513, 1000, 1023, 1024, 1025, 1536, 2047, 2048, 2049, 3000]) {
      const t = prefillS(run('llama-3.1-8b', 'rtx-4090', n));
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });
});
