// Optimum Habana 1.3 (December 2022) ran Stable Diffusion through diffusers' UNet on PyTorch 1.13, before SDPA: attention
// written out as baddbmm, softmax, bmm (runtimes/optimum-habana-1.3.yaml), the score tensor crossing HBM 8 bytes per
// score, where the library's optimum-habana prices a fused attention kernel.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

describe('optimum-habana-1.3: Stable Diffusion attention written out', () => {
  it('states the written-out score traffic and keeps the rest of optimum-habana', () => {
    const old = libraryRuntime('optimum-habana-1.3');
    const now = libraryRuntime('optimum-habana');
    expect(old.kernels.attentionScores).toEqual({ bytesPerScore: 8, kernels: 3, liveBytesPerScore: 4 });
    expect(now.kernels.attentionScores).toBeUndefined();
    expect(old.scheduler).toEqual(now.scheduler);
  });

  it('moves 8 B per UNet self-attention score more than the fused runtime, and is slower', async () => {
    const g2 = await loadHardware('gaudi2');
    const run = (rt: string) =>
      simulate(request('sd-1.5', bindRuntime(g2, libraryRuntime(rt)), { resolution: 512, steps: 50, batch: 8, dtype: 'bf16' }));
    const old = run('optimum-habana-1.3');
    const now = run('optimum-habana');
    const unet = (r: typeof old) => r.phases.find((p) => p.name.endsWith('.denoise'))!;
    // SD 1.x at 512: five transformer blocks at 64x64 latents (4096 tokens) and five at 32x32 (1024), 8 heads each;
    // classifier-free guidance doubles the batch of 8; 50 steps
    const scores = 8 * (5 * 4096 * 4096 + 5 * 1024 * 1024) * 16 * 50;
    expect(unet(old).bytes - unet(now).bytes).toBeGreaterThanOrEqual(scores * 8 * 0.99);
    // slower, though not by much: the fused kernel's own QKᵀ over the 40-wide heads runs at 40/256 of the MME rate on a
    // Gaudi 2 (hardware compute.matrix_min_k, src/sim/matrix-depth.ts), which the written-out path pays too
    expect(old.latency_s!).toBeGreaterThan(now.latency_s!);
    expect(Number.isFinite(old.latency_s!)).toBe(true);
  });
});
