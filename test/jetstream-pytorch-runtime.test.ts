// JetStream PyTorch's decode attends over each slot's whole KV cache (runtimes/jetstream-pytorch.yaml: dense einsums
// over cache_sequence_length + a mask, jetstream_pt/layers.py @04f1401): its decode step at a short context costs what
// a dynamic runtime's costs at the cache length, and the run's --max_cache_length moves it.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { StepCoster } from '../src/serve/step-cost.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();

describe('jetstream-pytorch runtime', () => {
  it('a decode step over 96 slots of ~350 tokens reads the whole cache: the dynamic step at the cache length', () => {
    const model = lib.models['llama-2-7b']! as DecoderModel;
    const v5e = lib.hardware['tpu-v5e']!;
    const L = buildLayout(model, 8, 1, undefined, undefined);
    const cost = (rt: string, ctx: number, cacheLen?: number) => {
      const base = bindRuntime(v5e, libraryRuntime(rt));
      const hw = cacheLen === undefined ? base : { ...base, runtime: { ...base.runtime!, staticContext: cacheLen } };
      return new StepCoster(model, hw, L, resolvePrecision('bf16', undefined, undefined, undefined, hw.runtime?.kernels)).compute(96, ctx, 0, 0).seconds;
    };
    const rel = (a: number, b: number) => Math.abs(a - b) / b;
    expect(rel(cost('jetstream-pytorch', 350), cost('jax', 1024))).toBeLessThan(1e-6);
    expect(rel(cost('jetstream-pytorch', 350, 2048), cost('jax', 2048))).toBeLessThan(1e-6);
    // 96 slots x 2048 tokens x 512 KiB of bf16 KV a token over 8 chips: ~13 GB a chip a step against ~2.2 GB at the
    // slots' own ~350 tokens (and 1.7 GB of weights)
    expect(cost('jetstream-pytorch', 350, 2048)).toBeGreaterThan(2 * cost('jax', 350));
  });
});
