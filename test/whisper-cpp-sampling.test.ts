// whisper.cpp's token sampling on the host under beam search (runtime host.sample_per_beam_step): whisper_full copies the
// logits to the host every step and runs whisper_process_logits and the top-k for the beams on parallel threads, then
// sorts the candidates and copies KV cells, serial with the device. whisper.cpp's own `sample time` timer counts one run
// per decoder but times the parallel section's wall: 778.17 ms / 2480 runs x 5 = 1.57 ms per beam-5 step (issue #3256).
// src/sim/whisper.ts prices it as a host-only `sample` phase per step of each sequence where the beam width is > 1 (the
// beam-5 wall at every width: the width dependence is unmeasured), none at width 1 (greedy, unmeasured), in latency_s
// and not in decoder_s (the decoder's own time, what `whisper.cpp bench` measures without sampling).
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { applySet } from '../src/hardware/set-path.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const without = (hw: NormalizedHardware): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, hostSampleBeamStepS: undefined } });

describe('whisper.cpp beam-search sampling on the host (runtime host.sample_per_beam_step)', () => {
  it("states whisper.cpp's own timer on every whisper.cpp release; the other runtimes price their sampling elsewhere", () => {
    for (const id of ['whisper.cpp', 'whisper.cpp-fa', 'whisper.cpp-1.5', 'whisper.cpp-1.7']) expect(libraryRuntime(id).hostSampleBeamStepS).toBeCloseTo(1.57e-3, 9);
    for (const id of ['faster-whisper', 'openai-whisper', 'transformers', 'tensorrt-llm', 'vllm', 'llama.cpp']) expect(libraryRuntime(id).hostSampleBeamStepS).toBeUndefined();
  });

  it('adds the beam-step wall x tokens x batch as a host-only phase where the width is > 1, and leaves decoder_s alone', async () => {
    const gpu = bindRuntime(await loadHardware('rtx-3070-ti'), libraryRuntime('whisper.cpp-fa'));
    for (const [beams, batch, seconds, perWindow] of [[5, 1, 799, 141], [5, 2, 120, 80], [2, 1, 60, 100]] as const) {
      const hw = await applySet(gpu, `runtime.beam_size=${beams}`);
      const run = (h: NormalizedHardware) => simulate(request('whisper-large-v2', h, { audioSeconds: seconds, batch, outputTokens: perWindow, dtype: 'fp16' }));
      const on = run(hw);
      const off = run(without(hw));
      const ph = on.phases.find((p) => p.name === 'sample')!;
      // the measured quantity is the wall of one step (the beams sampled in parallel), not a per-beam cost
      expect(ph.seconds).toBeCloseTo(1.57e-3 * on.output_tokens! * batch, 9);
      expect(ph.bound).toBe('overhead');
      expect(ph.flops).toBe(0);
      expect(off.phases.some((p) => p.name === 'sample')).toBe(false);
      expect(on.decoder_s).toBe(off.decoder_s);
      expect(on.encoder_s).toBe(off.encoder_s);
      expect(on.latency_s! - off.latency_s!).toBeCloseTo(ph.seconds, 9);
    }
  });

  it('greedy (beam width 1) has no measured sampling cost and prices none', async () => {
    const hw = await applySet(bindRuntime(await loadHardware('rtx-3070-ti'), libraryRuntime('whisper.cpp-fa')), 'runtime.beam_size=1');
    const r = simulate(request('whisper-large-v2', hw, { audioSeconds: 30, outputTokens: 100, dtype: 'fp16' }));
    expect(r.phases.some((p) => p.name === 'sample')).toBe(false);
    expect(r.latency_s).toBe(simulate(request('whisper-large-v2', without(hw), { audioSeconds: 30, outputTokens: 100, dtype: 'fp16' })).latency_s);
  });

  it('an encoder-only run (--output-tokens 0) samples nothing', async () => {
    const hw = bindRuntime(await loadHardware('v100-sxm2'), libraryRuntime('whisper.cpp'));
    const r = simulate(request('whisper-tiny', hw, { audioSeconds: 30, outputTokens: 0, dtype: 'fp16' }));
    expect(r.phases.some((p) => p.name === 'sample')).toBe(false);
  });
});
