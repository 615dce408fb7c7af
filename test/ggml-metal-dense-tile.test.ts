// ggml-metal of whisper.cpp's 1.5 series multiplies every f16 GEMM of more than one row with kernel_mul_mm (ne11_mm_min =
// 1), whose threadgroups compute 64 x 32 output tiles: a 2-31-row GEMM costs the 32-row tile
// (runtimes/whisper.cpp-1.5.yaml kernels.gemv_max_rows 1, dense_tile_rows 32; src/sim/roofline.ts denseTilePad).
// Kernel-level check: ggml-org/llama.cpp PR #10238 (2024-11, before the small-batch kernels of PRs #10491 / #10581) timed
// that path with llama-bench on an M2 Ultra, llama 3B F16: pp2 62.41, pp4 121.90, pp8 243.16 t/s (a forward of 2-8
// tokens ~32-33 ms, flat).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime, libraryModel } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { kernelPhysics } from '../src/sim/kernel-physics.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { request } from './helpers/nondecoder-fixtures.js';

const lib = getLibrary();
const bound = (hw: string, rt: string) => bindRuntime(lib.hardware[hw]!, libraryRuntime(rt));

describe('ggml-metal 1.5-series kernel_mul_mm tile (kernels.dense_tile_rows)', () => {
  it('is stated for whisper.cpp-1.5 on Apple GPUs only, with mul_mv at one row', () => {
    expect(kernelPhysics(bound('apple-m2-pro', 'whisper.cpp-1.5'))).toMatchObject({ gemvMaxRows: 1, denseTileRows: 32 });
    expect(kernelPhysics(bound('v100-sxm2', 'whisper.cpp-1.5')).denseTileRows).toBe(0);
    expect(kernelPhysics(bound('apple-m2-pro', 'whisper.cpp')).denseTileRows).toBe(0);
  });
  it("reproduces PR #10238's M2 Ultra llama 3B F16 prompt rates at 2, 4 and 8 tokens within 10%, flat per forward", () => {
    const hw = bound('apple-m2-ultra', 'whisper.cpp-1.5');
    const ttft = (n: number) => simulate(buildRequest({ model: 'llama-3.2-3b', tp: 1, batch: 1, 'input-tokens': n, 'output-tokens': 1, dtype: 'fp16' }, lib.models['llama-3.2-3b']!, hw, libraryModel)).ttft_s!;
    for (const [n, tps] of [[2, 62.41], [4, 121.9], [8, 243.16]] as const) expect(Math.abs(n / ttft(n) / tps - 1)).toBeLessThan(0.1);
    // the padded tile: 2 tokens cost what 32 do; one token takes mul_mv and costs less
    expect(ttft(2) / ttft(32)).toBeGreaterThan(0.97);
    expect(ttft(1)).toBeLessThan(ttft(2) / 2);
  });
  it("prices a 5-beam decode step of whisper-small on an M2 Pro near whisper.cpp's own timer (11.05-11.25 ms), above 1.5x the one-beam step (1.7x measured)", () => {
    // daneroo/ai-garden whisper-sh bench logs (whisper.cpp 1.5 series, M2 Pro, small.en, 5 beams): 'batchd' 2.21-2.25 ms
    // per decoder token = 11.05-11.25 ms a 5-beam step; single-token 'decode' 6.37-6.64 ms a step
    const hw = bound('apple-m2-pro', 'whisper.cpp-1.5');
    const step = (beam: number) => {
      const h = { ...hw, runtime: { ...hw.runtime!, scheduler: { ...hw.runtime!.scheduler, beamSize: beam } } };
      const r = simulate(request('whisper-small', h, { audioSeconds: 30, batch: 1, outputTokens: 100, dtype: 'fp16' }));
      return r.phases.find((p) => p.name === 'decode')!.seconds / 100;
    };
    expect(step(5)).toBeGreaterThan(11.05e-3 * 0.8);
    expect(step(5)).toBeLessThan(11.25e-3 * 1.25);
    expect(step(5) / step(1)).toBeGreaterThan(1.5);
  });
});
