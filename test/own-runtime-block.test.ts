// A hardware's own runtime block reaches the bound runtime the same way whether it comes from the hardware file
// (src/runtime/resolve.ts boundRuntime) or from `--set runtime.*` after binding (src/hardware/set-path.ts): both read
// the one list of scheduler fields in src/runtime/override.ts ownRuntimeOverride.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { applySet } from '../src/hardware/set-path.js';
import { ownRuntimeOverride, type OwnRuntime } from '../src/runtime/override.js';

const h100 = getLibrary().hardware['h100-sxm']!;

describe("a hardware's own runtime block", () => {
  const cases: [string, OwnRuntime][] = [
    ['runtime.max_num_seqs=7', { maxNumSeqs: 7 }],
    ['runtime.ubatch=64', { ubatch: 64 }],
    ['runtime.admission=reserve', { admission: 'reserve' }],
    ['runtime.beam_size=5', { beamSize: 5 }],
    ['runtime.audio_batch=3', { audioBatch: 3 }],
    ['runtime.encoder_max_num_tokens=3000', { encoderMaxNumTokens: 3000 }],
    ['runtime.timestamps=true', { timestamps: true }],
    ['runtime.vad=true', { vad: true }],
    ['runtime.log_mel_overlap=false', { logMelOverlap: false }],
    ['runtime.audio_decode=2 ms', { hostAudioDecodeS: 0.002 }],
    ['runtime.log_mel=0.5 ms', { hostLogMelS: 0.0005 }],
    ['runtime.step_overhead=2 ms', { stepOverheadS: 0.002 }],
    ['runtime.static_context=4096', { staticContext: 4096 }],
    ['runtime.static_request=false', { staticRequest: false }],
    ['runtime.decode_bucket=128', { staticRequest: false, decodeBucket: 128 }],
    ['runtime.runs_ahead=false', { runsAhead: false }],
  ];
  for (const [assignment, own] of cases) {
    it(`${assignment}: --set on a bound runtime equals the hardware file's block bound`, async () => {
      const rt = libraryRuntime('vllm');
      const viaSet = (await applySet(bindRuntime(h100, rt), assignment)).runtime!;
      const viaFile = bindRuntime({ ...h100, runtimeOverride: own }, rt).runtime!;
      expect(viaSet).toEqual(viaFile);
    });
  }
  it('puts scheduler fields under scheduler (max_num_seqs pinning the benchmark cap too) and the rest at the top', () => {
    expect(ownRuntimeOverride({ maxNumSeqs: 8, beamSize: 2, stepOverheadS: 1e-3 })).toEqual({
      stepOverheadS: 1e-3,
      staticContext: undefined,
      scheduler: { maxNumSeqs: 8, benchMaxNumSeqs: 8, beamSize: 2 },
    });
    expect(ownRuntimeOverride({ name: 'x' }).scheduler).toBeUndefined();
  });
});
