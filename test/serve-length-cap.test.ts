// A length distribution with a cap (`lognormal:mean,sd,max=N`): every draw is at most N, as a benchmark's max_tokens or
// a dataset's longest output stops a request (MLPerf's DeepSeek-R1 harness: MAX_OSL = 20000). The mean it draws is
// E[min(X, N)], in closed form (meanLength), which the run's sizing reads.
import { describe, expect, it } from 'vitest';
import { describeLength, meanLength, parseLength, sampleLength } from '../src/serve/lengths.js';
import { makeRng } from '../src/serve/rng.js';
import { getLibrary } from '../src/spec/library.js';
import { serve } from '../src/serve/serve.js';
import type { DecoderModel } from '../src/spec/types.js';

function draws(spec: string, n: number, seed = 11): number[] {
  const d = parseLength('output-tokens', spec, 128, 1);
  const rng = makeRng(seed);
  return Array.from({ length: n }, () => sampleLength(d, rng, 1));
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('length caps', () => {
  it('no draw passes the cap; without it the MLPerf DeepSeek-R1 output spread does', () => {
    const open = draws('lognormal:3657,4059', 100000);
    const capped = draws('lognormal:3657,4059,max=20000', 100000);
    expect(Math.max(...open)).toBeGreaterThan(20000);
    expect(Math.max(...capped)).toBe(20000);
    // the same stream: a draw under the cap is unchanged
    for (let i = 0; i < 1000; i++) if (open[i]! <= 20000) expect(capped[i]).toBe(open[i]);
    expect(Math.max(...draws('normal:100,50,max=120', 20000))).toBe(120);
  });

  it('meanLength is the capped mean the draws have (lognormal and normal, closed form)', () => {
    for (const spec of ['lognormal:3657,4059,max=20000', 'lognormal:1000,2000,max=1500', 'normal:100,50,max=120', 'normal:500,10,max=600']) {
      const d = parseLength('output-tokens', spec, 128, 1);
      const m = mean(draws(spec, 200000));
      expect(Math.abs(meanLength(d) / m - 1)).toBeLessThan(0.01);
    }
    // a cap far above every draw changes nothing; a cap below the mean pulls it down to (almost) the cap
    expect(meanLength(parseLength('output-tokens', 'lognormal:1000,500,max=1000000000', 128, 1))).toBeCloseTo(1000, 6);
    expect(meanLength(parseLength('output-tokens', 'lognormal:1000,500,max=100', 128, 1))).toBeGreaterThan(99);
    expect(meanLength(parseLength('output-tokens', 'lognormal:1000,500,max=100', 128, 1))).toBeLessThanOrEqual(100);
    expect(meanLength(parseLength('output-tokens', 'lognormal:1000,0,max=800', 128, 1))).toBe(800);
    expect(meanLength(parseLength('output-tokens', 'normal:1000,0,max=800', 128, 1))).toBe(800);
  });

  it('describes itself with its cap; bad caps are one line naming the flag', () => {
    expect(describeLength(parseLength('output-tokens', 'lognormal:3657,4059,max=20000', 128, 1))).toBe('lognormal:3657,4059,max=20000');
    expect(describeLength(parseLength('output-tokens', 'lognormal:3657,4059', 128, 1))).toBe('lognormal:3657,4059');
    for (const bad of ['lognormal:10,5,max=0', 'lognormal:10,5,max=2.5', 'normal:10,5,max=1e10', 'uniform:1,5,max=3', 'lognormal:10,5,cap=3']) {
      expect(() => parseLength('output-tokens', bad, 128, 1)).toThrow(/^--output-tokens "/);
    }
  });

  it('serve with a capped output spread ends sooner than the uncapped one: the tail past the cap is gone', () => {
    const lib = getLibrary();
    const run = (output: string) =>
      serve({ model: lib.models['llama-3.2-1b']! as DecoderModel, hardware: lib.hardware['h100-sxm']!, inputTokens: 800, outputTokens: output, concurrency: 256, requests: 2000 }).result;
    const open = run('lognormal:3657,4059'), capped = run('lognormal:3657,4059,max=20000');
    expect(capped.e2e_s.max).toBeLessThan(open.e2e_s.max);
    for (const r of [open, capped]) {
      expect(Number.isFinite(r.throughput_tok_s)).toBe(true);
      expect(r.throughput_tok_s).toBeGreaterThan(0);
    }
  });
});
