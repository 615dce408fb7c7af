import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import type { SimulateResult } from '../src/sim/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';
import { libraryModel } from './helpers/library-models.js';
import { buildVaeDecoderGraph } from '../src/model/vae-graph.js';
import type { PipelineModel, VaeModel } from '../src/spec/types.js';

function stagesAddUp(r: SimulateResult): void {
  expect(r.memory.fits).toBe(true);
  const sum = r.stages!.reduce((s, x) => s + x.latency_s!, 0);
  expect(sum).toBeCloseTo(r.latency_s!, 9);
  expect(r.stages!.reduce((s, x) => s + x.share!, 0)).toBeCloseTo(1, 9);
}

describe('pipelines', () => {
  it('open-sora-1.2: T5-XXL once → STDiT3 × 30 steps → video VAE decode, on H100 and on a phone', async () => {
    const r = simulate(request('open-sora-1.2', await loadHardware('h100-sxm'), {}));
    stagesAddUp(r);
    expect(r.stages!.map((s) => [s.model, s.runs])).toEqual([['t5-xxl-encoder', 1], ['stdit3-xl-2', 30], ['opensora-vae', 1]]);
    expect(r.stages![1]!.latency_s).toBeCloseTo(30 * r.step_s!, 9);
    // the video VAE stage is the composite (SDXL 2-D VAE per frame + temporal VAE): at 720p (1280×720) × 51 frames its
    // decode is the temporal decoder on the 90×160 latent video, then 51 2-D decodes (before: one 3-D VAE, ~2.8× the FLOPs)
    const vaeOps = buildVaeDecoderGraph(libraryModel('opensora-vae') as VaeModel, { batch: 1, height: 720, width: 1280, frames: 51 }, { compute: 'bf16', weightBytes: 2, actBytes: 2, kvBytes: 2 }, libraryModel);
    const vaePhase = r.phases.find((ph) => ph.name === 'vae-decoder')!;
    expect(vaePhase.flops / vaeOps.reduce((a, o) => a + o.flops * o.count, 0)).toBeCloseTo(1, 9);
    expect(vaeOps.some((o) => o.name.startsWith('opensora-vae-temporal.')) && vaeOps.some((o) => o.name.startsWith('opensora-vae-2d.'))).toBe(true);
    // a phone: int4 weights, a short low-resolution clip
    const phone = simulate(request('open-sora-1.2', await loadHardware('snapdragon-8-elite'), { dtype: 'int4', resolution: 240, frames: 17, steps: 10 }));
    stagesAddUp(phone);
  });
  it('flamingo-3b: vision → resampler → gated xattn + LM per token; ttft before the decode', async () => {
    for (const hw of ['h100-sxm', 'snapdragon-8-elite']) {
      const r = simulate(request('flamingo-3b', await loadHardware(hw), { inputTokens: 32, outputTokens: 16, dtype: 'fp16' }));
      stagesAddUp(r);
      expect(r.stages!.map((s) => s.model)).toEqual(['flamingo-vision', 'perceiver-resampler', 'flamingo-3b-xattn', 'chinchilla-1.4b']);
      expect(r.input_tokens).toBe(32 + 64); // text + the resampler's 64 visual tokens
      expect(r.ttft_s!).toBeGreaterThan(0);
      expect(r.ttft_s!).toBeLessThan(r.latency_s!);
    }
  });
  it('flamingo-3b without `defaults:` (0 images; fuzz seed 14): finite times, no media work, stages still add up', async () => {
    const base = libraryModel('flamingo-3b') as PipelineModel;
    const noDefaults = { ...base, id: 'flamingo-3b-nodefaults', defaults: undefined } as PipelineModel;
    const r = simulate(request(noDefaults, await loadHardware('h100-sxm'), { inputTokens: 32, outputTokens: 16, dtype: 'fp16' }));
    stagesAddUp(r);
    expect(Number.isFinite(r.latency_s!) && Number.isFinite(r.ttft_s!)).toBe(true);
    expect(r.stages!.map((s) => [s.runs, s.latency_s === 0])).toEqual([[0, true], [0, true], [16, false], [16, false]]);
    expect(r.input_tokens).toBe(32); // no visual tokens
    for (const ph of r.phases) expect(Number.isFinite(ph.seconds) && ph.seconds >= 0).toBe(true);
    // fewer media tokens is less work: not slower than with the one default image
    const withImage = simulate(request('flamingo-3b', await loadHardware('h100-sxm'), { inputTokens: 32, outputTokens: 16, dtype: 'fp16' }));
    expect(r.latency_s!).toBeLessThan(withImage.latency_s!);
  });
  it('gpt4o-omni: a 3 s spoken question → audio encoder + MoE decoder; ttft_s = encoders + prefill', async () => {
    const r = simulate(request('gpt4o-omni', await loadHardware('b200'), { inputTokens: 1, outputTokens: 20, dtype: 'fp4', tp: 4, pp: 2, devices: 8 }));
    stagesAddUp(r);
    expect(r.input_tokens).toBe(1 + 150); // 3 s × 50 audio tokens per second
    const audio = r.stages!.find((s) => s.model === 'whisper-large-v3')!;
    expect(r.ttft_s!).toBeGreaterThan(audio.latency_s!);
    expect(r.ttft_s!).toBeLessThan(r.latency_s!);
    // a 1.8T-parameter decoder does not fit one device: an answer, not an error
    const one = simulate(request('gpt4o-omni', await loadHardware('h100-sxm'), { outputTokens: 20, dtype: 'fp8' }));
    expect(one.memory.fits).toBe(false);
    expect(one.latency_s).toBeNull();
    expect(one.ttft_s).toBeNull();
  });
});
