// An eager decode loop (runtimes/pytorch.yaml host.decode_step: a Python generate() loop over nn.Module layers) costs
// the host a fixed time per decoder layer and per step, whatever the rows, and syncs with the device every step
// (src/runtime/launch.ts eagerStepSeconds). Pinned to Hugging Face generate() on Whisper measured on an H200
// (bench/gpu/h200-eager-2026-12-04/eager.json section whisper_generate), with the measurement's own method: the
// difference of runs of 128 and 32 tokens, over 96. Also PyTorch's IEEE fp32 GEMMs against the same run's fp32 rates.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { eagerDecodeLoop, eagerStepSeconds, encoderLaunchPhaseOf, launchFloorS, launchPhaseOf } from '../src/runtime/launch.js';
import { opCost } from '../src/sim/roofline.js';
import { longestTranscript } from '../src/sim/longest-transcript.js';
import { linear } from '../src/model/op.js';
import type { NormalizedHardware } from '../src/spec/types.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

interface GenRow { model: string; dtype: string; batch: number; beams: number; whisper_step_s?: number; whisper_out_len?: number }
const eager = JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'gpu', 'h200-eager-2026-12-04', 'eager.json'), 'utf8')) as {
  sections: { whisper_generate: GenRow[]; fp32_gemm: { kind: string; m: number; n: number; k: number; flops_per_s: number }[] };
};
const gen = (model: string, batch: number, beams: number) =>
  eager.sections.whisper_generate.find((r) => r.model === model && r.dtype === 'torch.float16' && r.batch === batch && r.beams === beams)!;

/**
 * seconds per decoder step as the bench took it: (128-token run − 32-token run) / 96, one 30 s window. The bench forced
 * every row to the same length (min_new_tokens = max_new_tokens); hwperf prices speech, whose rows end at different
 * lengths and which HF generate() decodes to the longest (scheduler.batching: static), so the difference is taken over
 * the steps priced
 */
function stepS(hw: NormalizedHardware, model: string, batch: number): number {
  const run = (n: number) => simulate(request(model, hw, { audioSeconds: 30, outputTokens: n, batch, dtype: 'fp16' })).latency_s!;
  const steps = (n: number) => (hw.runtime?.scheduler.batching === 'static' ? longestTranscript(n, batch, 224) : n);
  return (run(128) - run(32)) / (steps(128) - steps(32));
}
const withBeams = (hw: NormalizedHardware, beamSize: number): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, scheduler: { ...hw.runtime!.scheduler, beamSize } } });

describe('eager decode loop host time (HF generate() on Whisper, H200)', () => {
  it('per layer and per step are the two-point reading of the measured large-v3 (32 layers) and small (12) steps', () => {
    const d = libraryRuntime('transformers').decodeStep!;
    const large = gen('large-v3', 1, 1).whisper_step_s!;
    const small = gen('small', 1, 1).whisper_step_s!;
    expect(d.perLayerS).toBeCloseTo((large - small) / 20, 5);
    expect(d.perStepS).toBeCloseTo(small - 12 * d.perLayerS, 4);
    expect(d.sync).toBe('step');
  });

  it('prices a step as measured for large-v3 at batch 1, beam 5 and batch 24, small, and turbo', async () => {
    const h200 = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('transformers'));
    const cases: [string, number, number, number][] = [
      ['whisper-large-v3', 1, 1, 0.1],
      ['whisper-large-v3', 24, 1, 0.1],
      ['whisper-small', 1, 1, 0.1],
      ['whisper-large-v3-turbo', 24, 1, 0.25],
    ];
    for (const [model, batch, beams, tol] of cases) {
      const measured = gen(model.replace('whisper-', ''), batch, beams).whisper_step_s!;
      expect(Math.abs(stepS(h200, model, batch) / measured - 1)).toBeLessThan(tol);
    }
    // beam 5 in one generate(): the host time does not grow with the rows (35.7 ms measured against 37.1 greedy)
    const beam = stepS(withBeams(h200, 5), 'whisper-large-v3', 1);
    expect(Math.abs(beam / gen('large-v3', 1, 5).whisper_step_s! - 1)).toBeLessThan(0.1);
    // the turbo greedy row stopped at 26 tokens (its step is not a step time) and is not a check
    expect(gen('large-v3-turbo', 1, 1).whisper_out_len).toBeLessThan(128);
  });

  it('without the loop model the same step is an order of magnitude faster (what the per-op floors gave)', async () => {
    const h200 = await loadHardware('h200-sxm');
    const tr = bindRuntime(h200, libraryRuntime('transformers'));
    const bare = { ...tr, runtime: { ...tr.runtime!, decodeStep: undefined } };
    expect(stepS(tr, 'whisper-large-v3', 1)).toBeGreaterThan(3 * stepS(bare, 'whisper-large-v3', 1));
  });

  it('a per-step sync exposes the loop work beside the device; an async loop overlaps it', async () => {
    const base = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('transformers'));
    const d = base.runtime!.decodeStep!;
    const hostBound = eagerStepSeconds(base, { layers: 32, rows: 1, deviceS: 1e-3 })!;
    expect(hostBound).toBeCloseTo(d.perStepS + 32 * d.perLayerS, 9);
    // a device-bound step (the kernels outlast the layers' dispatch): the per-step work adds after the sync
    const dev = 1;
    expect(eagerStepSeconds(base, { layers: 32, rows: 1, deviceS: dev })).toBeCloseTo(dev + d.perStepS, 9);
    const async = { ...base, runtime: { ...base.runtime!, decodeStep: { ...d, sync: 'none' as const } } };
    expect(eagerStepSeconds(async, { layers: 32, rows: 1, deviceS: dev })).toBe(dev);
    expect(eagerStepSeconds(async, { layers: 32, rows: 1, deviceS: 1e-3 })).toBeCloseTo(hostBound, 9);
    // the kernels are priced without the per-kernel host floor there ('device'); graph runtimes have no loop
    expect(launchFloorS(base, 'device')).toBe(0);
    expect(launchFloorS(base, 'other')).toBeGreaterThan(0);
    const fw = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('faster-whisper'));
    expect(eagerStepSeconds(fw, { layers: 32, rows: 1, deviceS: 1e-3 })).toBeUndefined();
  });

  it('one place chooses the launch phase: an eager loop prices every forward\'s kernels alone, others by phase', async () => {
    const h200 = await loadHardware('h200-sxm');
    const tr = bindRuntime(h200, libraryRuntime('transformers'));
    const fw = bindRuntime(h200, libraryRuntime('faster-whisper'));
    expect(eagerDecodeLoop(tr)).toBe(true);
    expect([launchPhaseOf(tr, 'decode'), launchPhaseOf(tr, 'prefill')]).toEqual(['device', 'device']);
    expect(eagerDecodeLoop(fw)).toBe(false);
    expect([launchPhaseOf(fw, 'decode'), launchPhaseOf(fw, 'prefill'), launchPhaseOf(fw, 'mixed'), launchPhaseOf(fw, 'encode')]).toEqual(['decode', 'prefill', 'mixed', 'other']);
    expect(encoderLaunchPhaseOf(tr)).toBe(tr.runtime!.encoderForward ? 'device' : 'other');
    expect(encoderLaunchPhaseOf(fw)).toBe('other');
  });

  it("openai-whisper's Python beam walk costs per row: beam 5 pays four more rows than greedy", async () => {
    const ow = bindRuntime(await loadHardware('rtx-3070-ti'), libraryRuntime('openai-whisper'));
    const perRow = ow.runtime!.hostPerSequenceS!;
    expect(perRow).toBeGreaterThan(0);
    expect(eagerStepSeconds(ow, { layers: 32, rows: 5, deviceS: 1e-3 })! - eagerStepSeconds(ow, { layers: 32, rows: 1, deviceS: 1e-3 })!).toBeCloseTo(4 * perRow, 9);
    // HF generate() vectorises its beams: no per-row host time
    expect(libraryRuntime('transformers').hostPerSequenceS ?? 0).toBe(0);
  });

  it('a whole simulated step pays the per-row host time once (the eager loop holds it; the decode sum adds no second copy)', async () => {
    const ow = withBeams(bindRuntime(await loadHardware('rtx-3070-ti'), libraryRuntime('openai-whisper')), 5);
    const none: NormalizedHardware = { ...ow, runtime: { ...ow.runtime!, hostPerSequenceS: 0 } };
    const perRow = ow.runtime!.hostPerSequenceS!;
    expect(stepS(ow, 'whisper-large-v2', 1) - stepS(none, 'whisper-large-v2', 1)).toBeCloseTo(5 * perRow, 6);
  });
});

describe('PyTorch fp32 GEMMs without TF32 (allow_tf32=False) against the H200 run', () => {
  it('prices Whisper-shaped fp32 GEMMs of ≥ 10 GFLOP within 15% of the measured IEEE fp32 rate', async () => {
    const h200 = bindRuntime(await loadHardware('h200-sxm'), libraryRuntime('transformers'));
    const rows = eager.sections.fp32_gemm.filter((r) => r.kind === 'fp32' && 2 * r.m * r.n * r.k >= 10e9);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const r of rows) {
      const g = linear('g', r.m, r.n, r.k, 'fp32', 4, 4);
      const c = opCost(g, h200);
      expect(c.dtype).toBe('fp32');
      expect(Math.abs(g.flops / c.seconds / r.flops_per_s - 1)).toBeLessThan(0.15);
    }
  });
});
