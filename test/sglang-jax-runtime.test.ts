// runtimes/sglang-jax.yaml: SGL-JAX runs SGLang's scheduler over XLA programs on TPU. Its scheduling defaults are read
// from sgl-project/sglang-jax @cddbf6f server_args.py and managers/scheduler.py: 4096-token chunks, prefill and decode
// in separate iterations (enable_mixed_chunk False, "Run prefill first if possible"), the overlap loop on, admission by
// new_token_ratio. The device side stays the jax runtime's.
import { describe, expect, it } from 'vitest';
import { bound } from './helpers/bound.js';
import { getLibrary } from '../src/spec/library.js';
import { serve } from '../src/serve/serve.js';
import { usableBytes } from '../src/sim/memory.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

describe('sglang-jax: SGLang scheduling on the jax runtime', () => {
  it('takes SGL-JAX defaults for the scheduler and the jax runtime for the device', () => {
    const rt = bound('tpu-v6e', 'sglang-jax').runtime!;
    const jax = bound('tpu-v6e', 'jax').runtime!;
    expect(rt.scheduler).toMatchObject({ maxNumBatchedTokens: 4096, chunkedPrefill: true, mixedBatches: false, overlapSchedule: true, admission: 'estimate' });
    expect(jax.scheduler.mixedBatches).toBeUndefined();
    expect(rt.stepOverheadS).toBe(jax.stepOverheadS);
    expect(rt.launch).toEqual(jax.launch);
  });

  it('sizes weights + KV pool as mem_fraction_static (0.88) of the memory free at start-up, as SGLang does', () => {
    const hw = bound('tpu-v6e', 'sglang-jax');
    const cap = hw.memory.capacityBytes;
    expect(hw.runtime!.memory).toMatchObject({ share: 0.88, basis: 'startup' });
    // the pool does not grow with what the weights leave free: 0.88 of the device holds weights and KV together
    expect(usableBytes(hw, 0, 0, 4) / cap).toBeCloseTo(0.88, 6);
    const w = 15e9;
    expect(usableBytes(hw, w, 0, 4)).toBeCloseTo(0.88 * cap, -3);
    expect(usableBytes(bound('tpu-v6e', 'jax'), w, 0, 4)).toBeGreaterThan(usableBytes(hw, w, 0, 4));
  });
  it('under a burst the decodes wait out the prefill-only iterations the jax runtime would mix them into', () => {
    const model = getLibrary().models['qwen3-8b']! as DecoderModel;
    const run = (hardware: NormalizedHardware) =>
      serve({ model, hardware, tp: 4, inputTokens: 1024, outputTokens: 256, requests: 256, concurrency: 256 }).result;
    const s = run(bound('tpu-v6e', 'sglang-jax')), j = run(bound('tpu-v6e', 'jax'));
    expect(s.itl_s.max).toBeGreaterThan(j.itl_s.max);
    expect(s.throughput_tok_s).toBeGreaterThan(0);
    expect(Number.isFinite(s.throughput_tok_s)).toBe(true);
  });
});
