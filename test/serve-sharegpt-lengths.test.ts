// --input-tokens / --output-tokens sharegpt[:mean]: the ShareGPT lengths vLLM's benchmark sends, drawn per request from
// the bundled table (src/serve/sharegpt-table.ts). Expected values come from the table itself, never restated.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { serve } from '../src/serve/serve.js';
import { makeSource } from '../src/serve/arrivals.js';
import { parseLength, sampleRequest, sharegptMeans } from '../src/serve/lengths.js';
import { SHAREGPT_PAIRS } from '../src/serve/sharegpt-table.js';
import { makeRng } from '../src/serve/rng.js';
import type { DecoderModel } from '../src/spec/types.js';

const pairs = SHAREGPT_PAIRS.join(' ').split(' ').map((s) => s.split(',').map(Number) as [number, number]);
const moments = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
};
const draw = (inRaw: string, outRaw: string, n: number, seed = 0): [number, number][] => {
  const i = parseLength('input-tokens', inRaw, 512, 1), o = parseLength('output-tokens', outRaw, 128, 1);
  const rng = makeRng(seed);
  return Array.from({ length: n }, () => sampleRequest(i, o, rng, 1));
};

describe('sharegpt length table', () => {
  it('holds only pairs that vLLM ShareGPT sampler keeps (prompt, completion >= 4, prompt <= 1024, sum <= 2048)', () => {
    expect(pairs.length).toBeGreaterThan(1000);
    for (const [p, o] of pairs) {
      expect(p >= 4 && o >= 4 && p <= 1024 && p + o <= 2048).toBe(true);
    }
  });

  it('unscaled, draws come in pairs of the table (one row for both flags)', () => {
    const rows = new Set(pairs.map(([p, o]) => `${p},${o}`));
    for (const [p, o] of draw('sharegpt', 'sharegpt', 2000)) expect(rows.has(`${p},${o}`)).toBe(true);
  });

  it('sharegpt:MEAN scales the column to that mean and keeps its spread (coefficient of variation) and tail', () => {
    const own = moments(pairs.map((x) => x[1]));
    const outs = draw('sharegpt:215', 'sharegpt:197', 40000).map((x) => x[1]);
    const got = moments(outs);
    expect(Math.abs(got.mean / 197 - 1)).toBeLessThan(0.02);
    expect(Math.abs(got.sd / got.mean / (own.sd / own.mean) - 1)).toBeLessThan(0.05);
    // a 1000-request burst has its long replies: the longest is several times the mean (mean lengths have none)
    const burst = draw('sharegpt:215', 'sharegpt:197', 1000).map((x) => x[1]);
    expect(Math.max(...burst)).toBeGreaterThan(4 * 197);
    const ins = moments(draw('sharegpt:215', 'sharegpt:197', 40000).map((x) => x[0]));
    expect(Math.abs(ins.mean / 215 - 1)).toBeLessThan(0.03);
  });

  it('without a mean it draws the table own counts; a mean below the table scales every count down, at least 1 token', () => {
    expect(parseLength('output-tokens', 'sharegpt', 128, 1)).toMatchObject({ kind: 'sharegpt', mean: sharegptMeans()[1], scale: 1 });
    expect(parseLength('input-tokens', 'sharegpt', 512, 1)).toMatchObject({ kind: 'sharegpt', mean: sharegptMeans()[0], column: 0 });
    for (const [p, o] of draw('sharegpt:1', 'sharegpt:1', 5000)) expect(Math.min(p, o)).toBeGreaterThanOrEqual(1);
  });

  it('is deterministic per seed, and one flag alone draws from its column', () => {
    expect(draw('sharegpt:215', 'sharegpt:197', 50, 3)).toEqual(draw('sharegpt:215', 'sharegpt:197', 50, 3));
    expect(draw('sharegpt:215', 'sharegpt:197', 50, 3)).not.toEqual(draw('sharegpt:215', 'sharegpt:197', 50, 4));
    const mixed = draw('300', 'sharegpt:200', 20000);
    expect(mixed.every(([p]) => p === 300)).toBe(true);
    expect(Math.abs(moments(mixed.map((x) => x[1])).mean / 200 - 1)).toBeLessThan(0.02);
  });

  it('draws are clamped to the model context like any other distribution', () => {
    const src = makeSource({ requests: 500, seed: 0, burstiness: 1, input: parseLength('input-tokens', 'sharegpt:2000', 512, 1), output: parseLength('output-tokens', 'sharegpt:2000', 128, 1), maxContext: 4096 });
    for (let a = src.next(); a; a = src.next()) expect(a.input + a.output).toBeLessThanOrEqual(4096);
  });

  it('bad values are one line naming the flag', () => {
    for (const bad of ['sharegpt:0', 'sharegpt:-5', 'sharegpt:abc', 'sharegpt:2e9', 'sharegpt:', 'sharegpt:1,2']) {
      expect(() => parseLength('output-tokens', bad, 128, 1)).toThrow(/^--output-tokens "sharegpt:[^"\n]*": [^\n]+$/);
    }
  });

  it('a burst lasts until its longest reply ends: longer than at mean lengths, with fewer tokens per second', () => {
    const lib = getLibrary();
    const M = lib.models['llama-3.1-8b']! as DecoderModel;
    const H = lib.hardware['h100-sxm']!;
    const go = (i: string, o: string) => serve({ model: M, hardware: H, inputTokens: i, outputTokens: o, concurrency: 500, requests: 500, runtime: 'vllm' }).result;
    const mean = go('215', '197'), spread = go('sharegpt:215', 'sharegpt:197');
    expect(spread.duration_s).toBeGreaterThan(1.5 * mean.duration_s);
    expect(spread.throughput_tok_s).toBeLessThan(mean.throughput_tok_s);
    expect(spread.e2e_s.max).toBeGreaterThan(2 * spread.e2e_s.p50);
  });
});
