// The sweep's pass memo (src/sim/pass-memo.ts) changes no number: a request run through a memo that earlier rows
// filled gives the same result, bit for bit, as a plain simulate(). A row that does not fit is not costed under a
// memo, so it has no phases there; everything else (memory, warnings and their order, null time keys) is the same.
import { describe, it, expect } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { PassMemo, LAYOUT_KEY, PRECISION_KEY, NOT_KEY, same, type PreparedPass, type Recent } from '../src/sim/pass-memo.js';
import { passOps } from '../src/sim/decoder.js';
import { bindRuntime, withDefaultRuntime } from '../src/runtime/resolve.js';
import { buildLayout, type Layout } from '../src/sim/parallel.js';
import { resolvePrecision, type Precision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';

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
  // two input lengths: a pure decode step is one memo entry for both (its ops do not read the prompt length)
  for (const input_tokens of [1024, 3000])
    for (const output_tokens of [1, 64, 512])
      for (const batch of [1, 8, 256])
        for (const dtype of ['bf16', 'fp8', 'int4', 'q4_0']) ROWS.push([model, hw, { batch, input_tokens, output_tokens, dtype, ...extra }]);
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

describe('pass memo: a prefill in ubatches (llama.cpp n_ubatch, MLX prefill_step_size)', () => {
  it('is kept in parts and gives the same results as a plain simulate(), warnings and their order included', () => {
    const cases: [string, string][] = [['rtx-4090', 'llama.cpp'], ['apple-m2-ultra', 'mlx']];
    for (const [hwId, rt] of cases) {
      const hw = bindRuntime(lib.hardware[hwId]!, libraryRuntime(rt));
      expect(hw.runtime!.scheduler?.ubatch).toBeGreaterThan(0);
      const memo = new PassMemo();
      const one = (flags: Flags, m?: PassMemo) => {
        const req = buildRequest(flags, lib.models['llama-3.1-8b']!, hw, libraryModel);
        req.memo = m;
        const r = simulate(req);
        return JSON.stringify(r.memory.fits ? r : { ...r, phases: [] });
      };
      for (let round = 0; round < 2; round++)
        for (const input_tokens of [300, 1024, 5000])
          for (const output_tokens of [1, 128])
            for (const dtype of ['q4_0', 'bf16', 'fp8']) {
              const flags = { batch: 1, input_tokens, output_tokens, dtype };
              expect(one(flags, memo), `${hwId} ${JSON.stringify(flags)}`).toBe(one(flags));
            }
      // the memo holds each prompt's once-per-prompt part (attention, head) and the ubatch's body (costed once, read back)
      const m = lib.models['llama-3.1-8b']! as DecoderModel;
      // (the bound runtime's quantizer layout: llama.cpp keeps a Q6_K head under q4_0)
      const ctx = memo.context(hw, m, buildLayout(m, 1, 1, undefined, undefined), resolvePrecision('q4_0', undefined, undefined, undefined, hw.runtime?.kernels));
      expect(memo.get(ctx, 'ubatch once prefill', { prefillSeqs: 1, prefillLen: 5000, decodeSeqs: 0 })?.result).toBeDefined();
      expect(memo.get(ctx, 'ubatch body prefill', { prefillSeqs: 1, prefillLen: hw.runtime!.scheduler!.ubatch!, decodeSeqs: 0 })?.result).toBeDefined();
    }
  });
});

describe('pass memo entries', () => {
  const m = lib.models['llama-3.1-8b'] as DecoderModel;
  const hw = lib.hardware['h100-sxm']!;
  const L = buildLayout(m, 1, 1, undefined, undefined, false);
  const p = resolvePrecision('bf16');
  const pass = (): PreparedPass => ({ code: new Int8Array(0), nums: [], ctxOps: [], warn: [], contextFree: false });

  it('keys a pure decode step without its prompt length, a step with a prefill with it', () => {
    const memo = new PassMemo();
    const ctx = memo.context(hw, m, L, p);
    const decode = pass();
    memo.set(ctx, 'decode', { prefillSeqs: 0, prefillLen: 1024, decodeSeqs: 8 }, decode);
    expect(memo.get(ctx, 'decode', { prefillSeqs: 0, prefillLen: 65536, decodeSeqs: 8 })).toBe(decode);
    expect(memo.get(ctx, 'decode', { prefillSeqs: 0, prefillLen: 1024, decodeSeqs: 16 })).toBeUndefined();
    memo.set(ctx, 'decode', { prefillSeqs: 1, prefillLen: 1024, decodeSeqs: 7 }, pass());
    expect(memo.get(ctx, 'decode', { prefillSeqs: 1, prefillLen: 2048, decodeSeqs: 7 })).toBeUndefined();
  });

  it('a pure decode step costs the same ops at any prompt length', () => {
    const a = passOps(m, hw, L, p, { prefillSeqs: 0, prefillLen: 128, decodeSeqs: 8 });
    const b = passOps(m, hw, L, p, { prefillSeqs: 0, prefillLen: 65536, decodeSeqs: 8 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('a prefill keeps only its cost and warnings once costed, a step only its context ops whole', () => {
    const memo = new PassMemo();
    run('llama-3.1-8b', 'h100-sxm', { batch: 8, input_tokens: 1024, output_tokens: 64 }, memo);
    const ctx = memo.context(withDefaultRuntime(hw, m), m, L, p); // the hardware as simulate() binds it
    const prefill = memo.get(ctx, 'prefill', { prefillSeqs: 8, prefillLen: 1024, decodeSeqs: 0 })!;
    expect(prefill.result).toBeDefined();
    expect([prefill.code.length, prefill.nums.length, prefill.ctxOps.length]).toEqual([0, 0, 0]);
    // a step keeps its ops' numbers, and of its ops only the context ones (decode attention)
    const step = memo.get(ctx, 'mixed', { prefillSeqs: 1, prefillLen: 1024, decodeSeqs: 7 })!;
    expect(step.code.length).toBeGreaterThan(5);
    expect(step.ctxOps.map((o) => o.name)).toEqual(['attention_decode']);
  });
});

// Every field of the context key is compared by same() and is part of lookup()'s key string: a field added to only one
// of them (or to Layout / Precision without saying whether a pass reads it) fails here instead of returning a stale
// context in a sweep.
describe('pass memo context key', () => {
  const m = lib.models['qwen3-30b-a3b']!;
  const hw = lib.hardware['h100-sxm']!;
  const L = buildLayout(m as DecoderModel, 2, 1, undefined, undefined, false);
  const p = resolvePrecision('q4_0');
  // another value of each key field (a layout or precision no real request need have: the memo only compares them)
  const other = (v: unknown): unknown => (typeof v === 'boolean' ? !v : typeof v === 'number' ? v + 1 : v === 'fp16' ? 'bf16' : 'fp16');

  it('names every field of a layout and a precision as read by a pass or not', () => {
    expect(Object.keys(L).sort()).toEqual([...LAYOUT_KEY, ...NOT_KEY.layout].sort());
    expect(Object.keys(p).sort()).toEqual([...PRECISION_KEY, ...NOT_KEY.precision].sort());
  });

  it('finds another context when any one key field differs, and the same one when none does', () => {
    const memo = new PassMemo();
    const base = memo.context(hw, m, L, p);
    expect(memo.context(hw, m, { ...L }, { ...p })).toBe(base);
    const variants = [
      ...LAYOUT_KEY.map((f) => [f, { ...L, [f]: other(L[f]) }, p] as const),
      ...PRECISION_KEY.map((f) => [f, L, { ...p, [f]: other(p[f]) }] as const),
      ...NOT_KEY.layout.map((f) => [`(${f})`, { ...L, [f]: other(L[f]) }, p] as const),
      ...NOT_KEY.precision.map((f) => [`(${f})`, L, { ...p, [f]: other(p[f]) }] as const),
    ];
    for (const [f, L2, p2] of variants) {
      const r: Recent = { hw, m, ...L, ...p, gguf: !!p.gguf, ctx: base };
      const key = !f.startsWith('(');
      expect(same(r, hw, m, L2 as Layout, p2 as Precision), `same() on ${f}`).toBe(!key);
      const c = memo.context(hw, m, L2 as Layout, p2 as Precision);
      if (key) expect(c, `context on ${f}`).not.toBe(base);
      else expect(c, `context on ${f}`).toBe(base);
      expect(memo.context(hw, m, L2 as Layout, p2 as Precision)).toBe(c);
      expect(memo.context(hw, m, L, p)).toBe(base);
    }
  });
});
