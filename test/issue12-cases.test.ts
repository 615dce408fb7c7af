// Issue 12's examples, one named case each: every one failed on main before the fix (numbers in the comments are
// what main printed) and holds now.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { lookupEfficiency, COLLECTIVE_SHAPE } from '../src/hardware/efficiency.js';

const lib = getLibrary();
const run = (flags: Record<string, unknown>) =>
  simulate(buildRequest(flags, lib.models[String(flags.model)]!, lib.hardware[String(flags.hardware)]!, (id) => lib.models[id]!));

describe('issue 12: decoder numbers agree with each other', () => {
  it('batch-1 throughput is the single stream: O / e2e, never above 1 / tpot (llama-3.1-70b h100 tp 2 gave 34.6 tok/s vs 1/tpot 33.2)', () => {
    for (const model of ['llama-3.1-70b', 'mixtral-8x7b']) {
      const r = run({ model, hardware: 'h100-sxm', tp: 2 });
      expect(r.throughput_tok_s!).toBeCloseTo(r.output_tokens! / r.e2e_s!, 6);
      expect(r.throughput_tok_s!).toBeLessThanOrEqual((1 / r.tpot_s!) * (1 + 1e-12));
      expect(r.e2e_s!).toBeCloseTo(r.ttft_s! + (r.output_tokens! - 1) * r.tpot_s!, 9);
    }
  });
  it('mixtral-8x7b tp 2: throughput within 1% of O/e2e (main: 86 tok/s against 158)', () => {
    const r = run({ model: 'mixtral-8x7b', hardware: 'h100-sxm', tp: 2 });
    expect(Math.abs(r.throughput_tok_s! / (128 / r.e2e_s!) - 1)).toBeLessThan(0.01);
  });
  it('tpot never falls as the batch grows at tp 2 (llama-3.1-8b h100: 5.12 ms at batch 1, 4.97 ms at batch 2)', () => {
    let prev = 0;
    for (const batch of [1, 2, 3, 4, 6, 8, 16, 32]) {
      const r = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', tp: 2, batch });
      expect(r.tpot_s!).toBeGreaterThanOrEqual(prev);
      prev = r.tpot_s!;
    }
  });
  it('an all-reduce of more bytes never takes less time (the 1-16 KiB end of the all-reduce shape)', () => {
    let prev = 0;
    for (let b = 512; b < 2 ** 34; b *= 1.25) {
      const t = b / lookupEfficiency(COLLECTIVE_SHAPE, b);
      expect(t).toBeGreaterThanOrEqual(prev * (1 - 1e-12));
      prev = t;
    }
  });
  it('steady-state ttft_s beside the cold whole-batch ttft_cold_s; equal at batch 1', () => {
    const one = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm' });
    expect(one.ttft_cold_s).toBeCloseTo(one.ttft_s!, 12);
    const many = run({ model: 'llama-3.1-8b', hardware: 'h100-sxm', batch: 64 });
    expect(many.ttft_cold_s!).toBeGreaterThan(many.ttft_s!);
    expect(many.prefill_tok_s!).toBeCloseTo((64 * 512) / many.ttft_cold_s!, 6);
  });
  it('--max-ttft limits the steady-state ttft (main: 2 s capped llama-3.1-70b h200 tp 2, 2048 in, at batch 9)', () => {
    const base = { model: 'llama-3.1-70b', hardware: 'h200-sxm', tp: 2, 'input-tokens': 2048, batch: 'max' };
    const free = run(base);
    const capped = run({ ...base, 'max-ttft': '2s' });
    expect(capped.ttft_s!).toBeLessThanOrEqual(2);
    expect(capped.batch!).toBeGreaterThan(9);
    expect(capped.throughput_tok_s!).toBeGreaterThan(0.9 * free.throughput_tok_s!);
  });
});
