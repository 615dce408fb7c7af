// A speculative-decoding drafter under an eager decode loop (host.decode_step: HF generate()) pays the loop's host
// time per draft forward, as the target's forwards do: HF assisted generation drafts through the assistant model's own
// generate() (transformers generation/candidate_generator.py AssistedCandidateGenerator). Before, the drafter's
// StepCoster (host time 0) skipped eagerStepSeconds while its kernels were priced in launch phase 'device' (no
// per-kernel floors), so an eager drafter cost its kernels alone. Graph-capturing runtimes are unchanged: their
// drafter steps keep the launch floors of phase 'decode' and add no step_overhead (paid once by the iteration).
// Source: src/serve/step-cost.ts, src/serve/spec-decode.ts.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { StepCoster } from '../src/serve/step-cost.js';
import { makeDrafter } from '../src/serve/spec-decode.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { decoderHostArch } from '../src/runtime/launch.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const M = lib.models['llama-3.1-8b']! as DecoderModel;
const D = lib.models['llama-3.2-1b']! as DecoderModel;
const p = resolvePrecision('bf16');
const L = buildLayout(M, 1, 1, undefined, undefined);
const spec = { kind: 'draft' as const, k: 4, acceptance: 0.7, draftModel: D };

describe('speculative drafter under an eager decode loop', () => {
  it('each draft forward costs the loop host time (per_step + per_layer × drafter layers) at batch 1, like a plain coster of the drafter', () => {
    const hw = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('transformers'));
    const d = hw.runtime!.decodeStep!;
    const own = d.byLayer?.[decoderHostArch(D)] ?? d;
    const drafter = makeDrafter(spec, M, hw, L, p);
    const step = drafter.coster.compute(1, 600, 0, 0).seconds;
    expect(step).toBeGreaterThanOrEqual(own.perStepS + D.layers * own.perLayerS - 1e-12);
    const plain = new StepCoster(D, hw, drafter.coster.layout, p);
    expect(step).toBe(plain.compute(1, 600, 0, 0).seconds);
  });

  it('MTP heads on an eager decode loop are refused in one line (HF generate() has no MTP path); engines keep them', () => {
    const hw = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('transformers'));
    expect(() => makeDrafter({ kind: 'mtp', k: 1, acceptance: 0.7 }, M, hw, L, p)).toThrow(/--mtp: runtime transformers .*no multi-token-prediction path/);
    const vllm = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('vllm'));
    expect(makeDrafter({ kind: 'mtp', k: 1, acceptance: 0.7 }, M, vllm, L, p).coster.compute(1, 600, 0, 0).seconds).toBeGreaterThan(0);
  });

  it('a graph-capturing runtime keeps the drafter without the iteration\'s step_overhead', () => {
    const hw = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('vllm'));
    expect(hw.runtime!.decodeStep).toBeUndefined();
    const drafter = makeDrafter(spec, M, hw, L, p);
    const plain = new StepCoster(D, hw, drafter.coster.layout, p);
    expect(drafter.coster.compute(1, 600, 0, 0).seconds).toBeLessThan(plain.compute(1, 600, 0, 0).seconds);
  });
});
