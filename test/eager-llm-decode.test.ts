// An LLM decoder under an eager runtime (host.decode_step: HF generate() over nn.Module layers) pays the loop's host
// time per forward, as Whisper's decoder does (src/sim/decoder.ts addHost, src/runtime/launch.ts eagerStepSeconds):
// per_step + max(per_layer × layers, kernels), its kernels priced without per-kernel launch floors.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const tpot = (hw: NormalizedHardware, batch: number) =>
  simulate(request('llama-3.1-8b', hw, { inputTokens: 128, outputTokens: 128, batch, dtype: 'bf16' })).tpot_s!;

describe('eager decode loop on LLM decoders (pytorch / transformers)', () => {
  it('a batch-1 step is the loop host time: per_step + per_layer × layers (kernels shorter)', async () => {
    const tr = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('transformers'));
    // the Llama layer's own host times (decode_step.by_layer.llama: transformers generate() on a Llama-3.1-8B shape)
    const d = tr.runtime!.decodeStep!.byLayer!.llama!;
    expect(tpot(tr, 1)).toBeCloseTo(d.perStepS + 32 * d.perLayerS, 6);
    // without the loop model the per-op launch floors gave a step several times faster
    const bare = { ...tr, runtime: { ...tr.runtime!, decodeStep: undefined } };
    expect(tpot(bare, 1)).toBeLessThan(0.5 * tpot(tr, 1));
  });

  it('a device-bound step pays its kernels plus the per-step loop work, never the launch floors on top', async () => {
    const tr = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('transformers'));
    // a loop whose layers dispatch faster than their kernels run: the step is per_step + the kernels alone
    const fast = { ...tr, runtime: { ...tr.runtime!, decodeStep: { perLayerS: 1e-6, perStepS: 1e-3, sync: 'step' as const } } };
    const bare = { ...tr, runtime: { ...tr.runtime!, decodeStep: undefined } };
    const t = tpot(fast, 64);
    expect(t).toBeGreaterThan(1e-3 + 32e-6);
    expect(t).toBeLessThanOrEqual(tpot(bare, 64) + 1e-3 + 1e-12);
  });

  it('graph-capturing serving runtimes are unchanged (no decode_step)', () => {
    expect(libraryRuntime('vllm').decodeStep).toBeUndefined();
    expect(libraryRuntime('tensorrt-llm').decodeStep).toBeUndefined();
  });
});
