// Per-kernel device gap under HIP on the desktop RDNA parts: ROCm/ROCm issue #6409's aql_dispatch_floor reproducer
// (one work-item kernels, N = 512 dependent launches on one stream) measures the stream-loop floor at 2.567 us on
// gfx1201 (R9700) and 3.129 us on gfx1100 (7900 XTX), ROCm 7.14 and 10.0 alike — the column ryzen-ai-max-plus-395 takes
// for gfx1151. ggml-hip launches directly (GGML_HIP_GRAPHS off by default). They replace the 4 us desktop class default.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

// part -> [stream-loop floor, graph-replay floor] in #6409's table (us)
const FLOORS: Record<string, [number, number]> = { 'radeon-ai-pro-r9700': [2.567, 2.147], 'radeon-rx-7900-xtx': [3.129, 2.815] };
const tpot = (hw: NormalizedHardware, model: string) =>
  simulate(buildRequest({ model, hardware: hw.id, dtype: 'q4_0', 'input-tokens': 1, 'output-tokens': 128, batch: 1 }, libraryModel(model), hw, libraryModel)).tpot_s!;

describe('HIP per-dispatch time on RDNA 3 / RDNA 4 desktop parts', () => {
  for (const [part, [loop, graph]] of Object.entries(FLOORS)) {
    it(`${part}: the measured stream-loop floor (${loop} us), above graph replay's and below the 4 us class default`, () => {
      const s = getLibrary().hardware[part]!.efficiency.kernelOverheadS;
      expect(Math.abs(s / (loop * 1e-6) - 1)).toBeLessThan(0.01);
      expect(s).toBeGreaterThan(graph * 1e-6);
      expect(s).toBeLessThan(4e-6);
      for (const rt of ['llama.cpp', 'llama.cpp-hip-2025']) expect(bound(part, rt).efficiency.kernelOverheadS).toBe(s);
    });
    it(`${part}: a ggml-hip batch-1 decode step is faster than at the old 4 us by the floor's saving on its kernels`, () => {
      const hw = bound(part, 'llama.cpp');
      const old = { ...hw, efficiency: { ...hw.efficiency, kernelOverheadS: 4e-6 } };
      const saved = tpot(old, 'llama-3.1-8b') - tpot(hw, 'llama-3.1-8b');
      // 32 layers of at least 10 dependent kernels each
      expect(saved).toBeGreaterThan(32 * 10 * (4 - loop) * 1e-6 * 0.9);
    });
  }
});
