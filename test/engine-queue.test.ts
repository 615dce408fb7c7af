// An explicit --batch above the runtime's max_num_seqs runs that many in flight and queues the rest
// (src/sim/engine-queue.ts): throughput and tpot are the cap's, ttft and e2e grow with the wait, and no key falls
// across the cap (property seed 7 at scale 10: gpt3-2.7b on 8x V100 under vllm-0.7.0 fell 20% from batch 190 to 262,
// batch 262 priced all in flight, past the V0 engine's 256 decode graphs).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { applySetPlain } from '../src/hardware/set-path.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { sizeMemory } from '../src/sim/size.js';
import { engineSeqCap, meanWavesBefore } from '../src/sim/engine-queue.js';
import type { NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const v100 = bindRuntime(lib.hardware['v100-sxm2']!, libraryRuntime('vllm-0.7.0'));
const run = (batch: number, hw: NormalizedHardware = v100, extra: Record<string, unknown> = {}) =>
  simulate(buildRequest({ model: 'gpt3-2.7b', tp: 8, batch, 'input-tokens': 12, 'output-tokens': 5, dtype: 'q8_0', ...extra }, libraryModel('gpt3-2.7b'), hw, libraryModel));

describe('explicit batch above the engine cap', () => {
  it('vLLM V0 runs 256 in flight: batch 262 serves what 256 does, never less than 190', () => {
    expect(engineSeqCap(v100)).toBe(256);
    const [a, c, b] = [run(190), run(256), run(262)];
    expect(b.throughput_tok_s!).toBeGreaterThanOrEqual(a.throughput_tok_s!);
    expect(b.throughput_tok_s!).toBeCloseTo(c.throughput_tok_s!, 9);
    expect(b.tpot_s!).toBeCloseTo(c.tpot_s!, 12);
    expect(b.batch).toBe(262);
    expect(b.in_flight).toBe(256);
    expect(c.in_flight).toBeUndefined();
    // Little: 262 requests in the loop at 256's throughput live 262/256 as long
    expect(b.e2e_s! / c.e2e_s!).toBeCloseTo(262 / 256, 9);
    expect(b.throughput_tok_s! / ((262 * 5) / b.e2e_s!)).toBeCloseTo(1, 9);
    expect(b.ttft_s!).toBeGreaterThan(c.ttft_s!);
    expect(b.ttft_cold_s!).toBeGreaterThan(c.ttft_cold_s!);
    expect(b.memory.kv_cache_bytes).toBe(c.memory.kv_cache_bytes);
    expect(b.warnings.some((w) => w.includes('at most 256 requests in flight'))).toBe(true);
    expect(c.warnings.some((w) => w.includes('in flight per replica'))).toBe(false);
  });
  it('--set runtime.max_num_seqs above the batch runs them all', () => {
    const hw = applySetPlain(v100, 'runtime.max_num_seqs=300');
    const b = run(262, hw);
    expect(b.warnings.some((w) => w.includes('in flight per replica'))).toBe(false);
    expect(b.tpot_s!).toBeGreaterThan(run(256).tpot_s!);
  });
  it('a runtime with no stated cap prices every request in flight', () => {
    const ideal = bindRuntime(lib.hardware['v100-sxm2']!, libraryRuntime('ideal'));
    expect(engineSeqCap(ideal)).toBeUndefined();
    expect(run(5000, ideal).warnings.some((w) => w.includes('in flight per replica'))).toBe(false);
  });
  it('a cold burst waits for whole waves: mean of floor(i / C) over the burst', () => {
    expect(meanWavesBefore(256, 256)).toBe(0);
    expect(meanWavesBefore(257, 256)).toBeCloseTo(1 / 257, 15);
    expect(meanWavesBefore(512, 256)).toBeCloseTo(0.5, 15);
    expect(meanWavesBefore(768, 256)).toBeCloseTo(1, 15);
    for (let B = 1; B < 2000; B += 37) expect(meanWavesBefore(B + 1, 100)).toBeGreaterThanOrEqual(meanWavesBefore(B, 100));
  });
  it('size counts the requests that decode (the cap), not the batch, toward tokens/s', () => {
    const req = buildRequest({ model: 'gpt3-2.7b', tp: 8, batch: 600, 'input-tokens': 12, 'output-tokens': 5, dtype: 'q8_0' }, libraryModel('gpt3-2.7b'), v100, libraryModel);
    const r = sizeMemory(req, { tokS: 1e5 }, [lib.memory['hbm2']!], simulate, v100);
    const o = r.options[0]!;
    expect(o.achieved_tok_s!).toBeCloseTo(256 / o.achieved_tpot_s!, 6);
  });
});
