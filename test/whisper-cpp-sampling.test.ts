// whisper.cpp's token sampling on the host (runtime host.sample_per_decoder): whisper_full copies each decoder's logits
// to the host every step and runs whisper_process_logits and the top-k there, serial with the device; whisper.cpp's own
// `sample time` timer gives 0.31 ms per decoder per step (issue #3256). src/sim/whisper.ts prices it as a host-only
// `sample` phase per decoder (beam) per decoded token, in latency_s and not in decoder_s (the decoder's own time, what
// `whisper.cpp bench` measures without sampling).
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { applySet } from '../src/hardware/set-path.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const without = (hw: NormalizedHardware): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, hostSamplePerDecoderS: undefined } });

describe('whisper.cpp token sampling on the host (runtime host.sample_per_decoder)', () => {
  it("states whisper.cpp's own timer on every whisper.cpp release; the other runtimes price their sampling elsewhere", () => {
    for (const id of ['whisper.cpp', 'whisper.cpp-fa', 'whisper.cpp-1.5', 'whisper.cpp-1.7']) expect(libraryRuntime(id).hostSamplePerDecoderS).toBeCloseTo(0.31e-3, 9);
    for (const id of ['faster-whisper', 'openai-whisper', 'transformers', 'tensorrt-llm', 'vllm', 'llama.cpp']) expect(libraryRuntime(id).hostSamplePerDecoderS).toBeUndefined();
  });

  it('adds rate x tokens x batch x beams as a host-only phase in the latency, and leaves decoder_s alone', async () => {
    const gpu = bindRuntime(await loadHardware('rtx-3070-ti'), libraryRuntime('whisper.cpp-fa'));
    for (const [beams, batch, seconds, perWindow] of [[1, 1, 30, 100], [5, 1, 799, 141], [5, 2, 120, 80]] as const) {
      const hw = await applySet(gpu, `runtime.beam_size=${beams}`);
      const run = (h: NormalizedHardware) => simulate(request('whisper-large-v2', h, { audioSeconds: seconds, batch, outputTokens: perWindow, dtype: 'fp16' }));
      const on = run(hw);
      const off = run(without(hw));
      const ph = on.phases.find((p) => p.name === 'sample')!;
      expect(ph.seconds).toBeCloseTo(0.31e-3 * on.output_tokens! * batch * beams, 9);
      expect(ph.bound).toBe('overhead');
      expect(ph.flops).toBe(0);
      expect(off.phases.some((p) => p.name === 'sample')).toBe(false);
      expect(on.decoder_s).toBe(off.decoder_s);
      expect(on.encoder_s).toBe(off.encoder_s);
      expect(on.latency_s! - off.latency_s!).toBeCloseTo(ph.seconds, 9);
    }
  });

  it('an encoder-only run (--output-tokens 0) samples nothing', async () => {
    const hw = bindRuntime(await loadHardware('v100-sxm2'), libraryRuntime('whisper.cpp'));
    const r = simulate(request('whisper-tiny', hw, { audioSeconds: 30, outputTokens: 0, dtype: 'fp16' }));
    expect(r.phases.some((p) => p.name === 'sample')).toBe(false);
  });
});
