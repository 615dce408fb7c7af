// `--set runtime.overlap_schedule` is the engine's one-step-ahead loop, and in each engine that has one the same loop
// both delays new requests a step (scheduler.overlap_schedule) and runs the per-sequence host work behind the device
// step (host.overlap): vLLM V1 step_with_batch_queue, SGLang event_loop_overlap, TensorRT-LLM's PyExecutor
// _executor_loop_overlap (disable_overlap_scheduler: true runs _executor_loop, where the previous batch's
// update_requests precedes the next forward). So on TensorRT-LLM, whose file may hide its per-request host work
// (host.overlap: true), `overlap_schedule=false` exposes it; a --set of anything else leaves the file's host.overlap as
// it is (src/runtime/override.ts ownRuntimeOverride, src/hardware/set-path.ts).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { applySetPlain } from '../src/hardware/set-path.js';
import { applyOverride, ownRuntimeOverride } from '../src/runtime/override.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const set = (hw: NormalizedHardware, ...a: string[]) => a.reduce(applySetPlain, hw);
const trt = bindRuntime(lib.hardware['h200-sxm']!, libraryRuntime('tensorrt-llm'));
// TensorRT-LLM with per-request host work its overlap scheduler hides (the form of a file with host.per_sequence and
// host.overlap: true), whichever the library file says today
const PER_SEQ = 7.1e-6;
const trtHidden: NormalizedHardware = { ...trt, runtime: { ...trt.runtime!, hostPerSequenceS: PER_SEQ, hostOverlap: true } };
const tpot = (hw: NormalizedHardware, batch: number) =>
  simulate(buildRequest({ model: 'llama-3.1-8b', hardware: 'h200-sxm', tp: 1, dtype: 'bf16', 'input-tokens': 256, 'output-tokens': 128, batch }, lib.models['llama-3.1-8b']!, hw, (id) => lib.models[id]!)).tpot_s!;

describe('overlap_schedule on TensorRT-LLM: the overlap scheduler on or off', () => {
  it('false turns the host overlap off over the file, true on; both with the scheduler flag', () => {
    const off = set(trtHidden, 'runtime.overlap_schedule=false').runtime!;
    expect(off.hostOverlap).toBe(false);
    expect(off.scheduler.overlapSchedule).toBe(false);
    const on = set(trtHidden, 'runtime.overlap_schedule=true').runtime!;
    expect(on.hostOverlap).toBe(true);
    expect(on.scheduler.overlapSchedule).toBe(true);
  });
  it("unset, the file's host.overlap stands: another --set runtime.* leaves it alone", () => {
    expect(set(trtHidden, 'runtime.max_num_seqs=512').runtime!.hostOverlap).toBe(true);
    expect(set(trt, 'runtime.max_num_seqs=512').runtime!.hostOverlap).toBe(trt.runtime!.hostOverlap);
    // the override itself carries no host.overlap unless the flag is given
    expect('hostOverlap' in ownRuntimeOverride({ maxNumSeqs: 512 })).toBe(false);
    expect(applyOverride(trtHidden.runtime!, ownRuntimeOverride({ maxNumSeqs: 512 })).hostOverlap).toBe(true);
  });
  it("the library's tensorrt-llm file (host.per_sequence, host.overlap: true): false exposes its per-request work", () => {
    const rt = trt.runtime!;
    expect(rt.hostOverlap).toBe(true);
    expect(rt.hostPerSequenceS).toBeGreaterThan(0);
    const off = set(trt, 'runtime.overlap_schedule=false');
    expect(off.runtime!.hostOverlap).toBe(false);
    const batch = 1024;
    const hidden = tpot(set(trt, 'runtime.max_num_seqs=1024'), batch);
    expect(tpot(set(off, 'runtime.max_num_seqs=1024'), batch) - hidden).toBeCloseTo(batch * rt.hostPerSequenceS!, 9);
  });
  it('with the scheduler off a long device step no longer hides the per-request work: exactly batch x per_sequence more', () => {
    const batch = 1024;
    const hidden = tpot(set(trtHidden, 'runtime.max_num_seqs=1024'), batch);
    const exposed = tpot(set(trtHidden, 'runtime.max_num_seqs=1024', 'runtime.overlap_schedule=false'), batch);
    expect(exposed - hidden).toBeCloseTo(batch * PER_SEQ, 9);
    // the device step is the longer: hidden, the host work costs nothing
    expect(hidden).toBeGreaterThan(batch * PER_SEQ);
  });
});
