// A run's own async scheduling (`--set runtime.overlap_schedule=true`: vLLM's --async-scheduling, the default from
// v0.14, and AMD's MLPerf v6.1 harness, async_scheduling: True in its llama2-70b offline / interactive configs) runs
// the host work of batch n+1 while batch n is on the device (vllm/v1/engine/core.py EngineCore.step_with_batch_queue):
// the per-sequence host time (runtimes/vllm.yaml host.per_sequence) hides behind the device step instead of adding to
// it (host.overlap, src/runtime/host.ts).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { applySetPlain } from '../src/hardware/set-path.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const vllm = (hw: string): NormalizedHardware => bindRuntime(lib.hardware[hw]!, libraryRuntime('vllm'));
const set = (hw: NormalizedHardware, ...a: string[]) => a.reduce(applySetPlain, hw);
const tpot = (flags: Record<string, unknown>, hw: NormalizedHardware) =>
  simulate(buildRequest(flags, lib.models[String(flags.model)]!, hw, (id) => lib.models[id]!)).tpot_s!;

describe('async scheduling puts the per-sequence host work behind the device step', () => {
  it('overlap_schedule sets host.overlap with it, either way; the vLLM file alone keeps it off', () => {
    const v = vllm('mi355x');
    expect(v.runtime!.hostOverlap).toBe(false);
    expect(set(v, 'runtime.overlap_schedule=true').runtime!.hostOverlap).toBe(true);
    expect(set(v, 'runtime.overlap_schedule=true', 'runtime.overlap_schedule=false').runtime!.hostOverlap).toBe(false);
    // the scheduler's one-step delay comes with it, as before
    expect(set(v, 'runtime.overlap_schedule=true').runtime!.scheduler.overlapSchedule).toBe(true);
  });
  it("at the MLPerf Server step on MI355X (1666 sequences, MXFP4) the step sheds exactly 1666 x 19 us: the device step is longer", () => {
    const flags = { model: 'llama-2-70b', hardware: 'mi355x', tp: 1, dtype: 'fp4', 'kv-cache': 'fp8', 'input-tokens': 222, 'output-tokens': 284, batch: 1666 };
    const v = set(vllm('mi355x'), 'runtime.max_num_seqs=1666');
    const sync = tpot(flags, v);
    const overlapped = tpot(flags, set(v, 'runtime.overlap_schedule=true'));
    expect(sync - overlapped).toBeCloseTo(1666 * 19e-6, 9);
    // what stays is the device step and the fixed part (step_overhead is not hidden)
    expect(overlapped).toBeGreaterThan(1666 * 19e-6);
  });
  it('a step whose host work outlasts the device step is paced by the host: never faster than the host work alone', () => {
    const flags = { model: 'llama-3.2-1b', hardware: 'mi355x', tp: 1, dtype: 'bf16', 'input-tokens': 16, 'output-tokens': 64, batch: 2048 };
    const v = set(vllm('mi355x'), 'runtime.max_num_seqs=2048', 'runtime.overlap_schedule=true');
    const t = tpot(flags, v);
    expect(t).toBeGreaterThanOrEqual(2048 * 19e-6);
    expect(t).toBeLessThan(tpot(flags, set(v, 'runtime.overlap_schedule=false')));
  });
});
