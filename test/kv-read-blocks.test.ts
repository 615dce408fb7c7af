// A paged decode kernel that loads whole blocks of KV (runtime kernels.decode_kv_block: JetStream's experimental JAX
// engine, Pallas paged_attention with pages_per_compute_block 8 over 128-token pages) reads each context rounded up to
// its block (src/sim/kv-read-blocks.ts); serve's step and simulate's decode both price it.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { decodeKvTokens } from '../src/sim/kv-read-blocks.js';
import { StepCoster } from '../src/serve/step-cost.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { simulateFromFlags } from '../src/sim/from-flags.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const v5e = lib.hardware['tpu-v5e']!;

describe('decode KV read in whole blocks', () => {
  it('rounds the context up to the block; no block leaves it; a static context still holds', () => {
    const hw = bindRuntime(v5e, libraryRuntime('jetstream-jax'));
    expect(decodeKvTokens(hw, 300)).toBe(1024);
    expect(decodeKvTokens(hw, 1024)).toBe(1024);
    expect(decodeKvTokens(hw, 1025)).toBe(2048);
    expect(decodeKvTokens(bindRuntime(v5e, libraryRuntime('jax')), 300)).toBe(300);
    const fixed = { ...hw, runtime: { ...hw.runtime!, staticContext: 4096 } };
    expect(decodeKvTokens(fixed, 300)).toBe(4096);
  });
  it('a serve step at 300 tokens costs the dynamic step at 1024; simulate prices the same read', async () => {
    const model = lib.models['llama-2-7b']! as DecoderModel;
    const L = buildLayout(model, 8, 1, undefined, undefined);
    const step = (rt: string, ctx: number) => {
      const hw = bindRuntime(v5e, libraryRuntime(rt));
      return new StepCoster(model, hw, L, resolvePrecision('bf16', undefined, undefined, undefined, hw.runtime?.kernels)).compute(160, ctx, 0, 0).seconds;
    };
    expect(Math.abs(step('jetstream-jax', 300) - step('jax', 1024)) / step('jax', 1024)).toBeLessThan(1e-9);
    expect(step('jetstream-jax', 300)).toBeGreaterThan(1.2 * step('jax', 300));
    // the decode phase's step (tpot also carries the other requests' prompt steps)
    const tpot = async (rt: string, input: number) => (await simulateFromFlags({ model: 'llama-2-7b', hardware: 'tpu-v5e', runtime: rt, tp: 8, dtype: 'bf16', 'input-tokens': input, 'output-tokens': 200, batch: 64 })).result.phases.find((x) => x.name === 'decode')!.seconds;
    // 219 … 419 and 519 … 719 tokens: both inside the first block, both read 1024 a step
    expect(await tpot('jetstream-jax', 219)).toBeGreaterThan(await tpot('jax', 219));
    const [a, b] = [await tpot('jetstream-jax', 219), await tpot('jetstream-jax', 519)];
    expect(Math.abs(a - b) / a).toBeLessThan(1e-9);
  });
});
