// The host time of an eager LLM decode loop (HF transformers generate()) per decoder layer is the model code's: a
// Llama-style layer 0.50 ms, one with per-head q/k RMSNorms (Qwen3) 0.86 ms, Whisper's decoder layer 1.085 ms
// (runtimes/pytorch.yaml host.decode_step.by_layer, src/runtime/launch.ts decoderHostArch). Pinned to transformers
// generate() on Llama-3.1-8B and Qwen3-8B shapes measured on an H200 (bench/gpu/h200-serving-2026-12-04 serving.json
// and serving-host.json section llama_generate), with the measurement's own method: (160-token run − 32-token run) / 128.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { decoderHostArch, eagerStepSeconds } from '../src/runtime/launch.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

interface GenRow { arch?: string; layers: number; batch: number; step_s: number; kernels_32: number }
const dir = join(__dirname, '..', 'bench', 'gpu', 'h200-serving-2026-12-04');
const rows: GenRow[] = ['serving.json', 'serving-host.json'].flatMap(
  (f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { sections: { llama_generate: GenRow[] } }).sections.llama_generate,
);
const measured = (arch: string, layers: number, batch: number) => rows.find((r) => (r.arch ?? 'llama') === arch && r.layers === layers && r.batch === batch)!;

const lib = getLibrary();
const h200 = bindRuntime(lib.hardware['h200-sxm']!, libraryRuntime('transformers'));
/** seconds per decode step as the bench took it: (160-token run − 32-token run) / 128, 128-token prompt */
function stepS(hw: NormalizedHardware, model: string, batch: number): number {
  const m = lib.models[model]! as DecoderModel;
  const run = (n: number) => simulate(buildRequest({ batch, input_tokens: 128, output_tokens: n, dtype: 'bf16' }, m, hw, libraryModel)).latency_s!;
  return (run(160) - run(32)) / 128;
}

describe('eager LLM decode loop: host time per layer from the layer code (transformers generate(), H200)', () => {
  it('the by_layer times are the readings of the measured steps: Llama least squares over 4/16/32 layers, Qwen3 over its 36 with the same top', () => {
    const d = libraryRuntime('transformers').decodeStep!;
    const pts = [4, 16, 32].map((l) => [l, measured('llama', l, 1).step_s] as const);
    const mx = pts.reduce((s, p) => s + p[0], 0) / 3, my = pts.reduce((s, p) => s + p[1], 0) / 3;
    const slope = pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
    expect(d.byLayer!.llama!.perLayerS).toBeCloseTo(slope, 4);
    expect(d.byLayer!.llama!.perStepS).toBeCloseTo(my - slope * mx, 4);
    expect(d.byLayer!.llama_qk_norm!.perStepS).toBe(d.byLayer!.llama!.perStepS);
    expect(d.byLayer!.llama_qk_norm!.perLayerS).toBeCloseTo((measured('qwen3', 36, 1).step_s - d.byLayer!.llama!.perStepS) / 36, 4);
    // Whisper's decoder keeps its own (the fallback): a Whisper layer costs the host twice a Llama layer
    expect(d.perLayerS).toBeGreaterThan(2 * d.byLayer!.llama!.perLayerS);
  });

  it('no one per-kernel host cost: the Llama and Qwen3 layers launch 46 and 62 kernels a step but cost 0.50 and 0.86 ms', () => {
    const perLayerKernels = (arch: string, deep: number) => (measured(arch, deep, 1).kernels_32 - measured(arch, 4, 1).kernels_32) / (deep - 4) / 32;
    const llamaK = perLayerKernels('llama', 32), qwenK = perLayerKernels('qwen3', 36);
    expect(llamaK).toBeCloseTo(45.9, 0);
    expect(qwenK - llamaK).toBeCloseTo(16, 0); // two 8-kernel written-out RMSNorms
    const d = libraryRuntime('transformers').decodeStep!.byLayer!;
    const usPerKernel = (s: number, k: number) => (s / k) * 1e6;
    expect(usPerKernel(d.llama_qk_norm!.perLayerS, qwenK) / usPerKernel(d.llama!.perLayerS, llamaK)).toBeGreaterThan(1.2);
  });

  it('maps models to their layer code: Llama and Mistral-style layers → llama, per-head q/k norms (Qwen3, Gemma 3) → llama_qk_norm', () => {
    const arch = (id: string) => decoderHostArch(lib.models[id]! as DecoderModel);
    expect(arch('llama-3.1-8b')).toBe('llama');
    expect(arch('qwen3-8b')).toBe('llama_qk_norm');
    expect(arch('gemma-3-27b')).toBe('llama_qk_norm');
  });

  it('prices a Llama-3.1-8B step at 32 layers ≈ 19 ms and a Qwen3-8B step at 36 ≈ 34 ms at batch 1, as measured', () => {
    const llama = stepS(h200, 'llama-3.1-8b', 1);
    expect(Math.abs(llama / measured('llama', 32, 1).step_s - 1)).toBeLessThan(0.05);
    expect(llama).toBeGreaterThan(0.018);
    expect(llama).toBeLessThan(0.020);
    const qwen = stepS(h200, 'qwen3-8b', 1);
    expect(Math.abs(qwen / measured('qwen3', 36, 1).step_s - 1)).toBeLessThan(0.05);
    // host-bound: the Whisper-derived per-layer time (the fallback) would have priced the Llama step at ~37 ms
    const whisperTimes = eagerStepSeconds(h200, { layers: 32, rows: 1, deviceS: 1e-3 })!;
    expect(whisperTimes / llama).toBeGreaterThan(1.8);
  });

  it('a runtime without by_layer prices every decoder with its one per_layer / per_step (the fallback)', () => {
    const d = h200.runtime!.decodeStep!;
    const bare: NormalizedHardware = { ...h200, runtime: { ...h200.runtime!, decodeStep: { ...d, byLayer: undefined } } };
    expect(eagerStepSeconds(bare, { layers: 32, rows: 1, deviceS: 1e-3, arch: 'llama' })).toBeCloseTo(d.perStepS + 32 * d.perLayerS, 9);
    expect(eagerStepSeconds(h200, { layers: 32, rows: 1, deviceS: 1e-3, arch: 'no_such_layer' })).toBeCloseTo(d.perStepS + 32 * d.perLayerS, 9);
    expect(eagerStepSeconds(h200, { layers: 32, rows: 1, deviceS: 1e-3, arch: 'llama' })).toBeCloseTo(d.byLayer!.llama!.perStepS + 32 * d.byLayer!.llama!.perLayerS, 9);
  });
});

describe('eager LLM decode loop: no host time per row (rerun at batch 1 / 8 / 32 on a second H200 machine)', () => {
  const rerun = JSON.parse(readFileSync(join(dir, 'llama-host-batch.json'), 'utf8')) as {
    sections: { linear_issue: { rows: number; n: number; issue_us: number }[]; op_host: { batch: number; step_s: number }[] };
  };
  it('an 8-layer step is no slower at batch 8 or 32 than at batch 1, and a GEMM call costs the host the same at 1, 8 and 32 rows', () => {
    const step = (b: number) => rerun.sections.op_host.find((r) => r.batch === b)!.step_s;
    expect(step(8)).toBeLessThanOrEqual(step(1));
    expect(step(32)).toBeLessThanOrEqual(step(1));
    for (const n of new Set(rerun.sections.linear_issue.map((r) => r.n))) {
      const us = rerun.sections.linear_issue.filter((r) => r.n === n).map((r) => r.issue_us);
      expect(Math.max(...us) / Math.min(...us)).toBeLessThan(1.15);
    }
    // so the runtime states no per-row host time and the step is the same at every batch while host-bound
    expect(libraryRuntime('transformers').hostPerSequenceS ?? 0).toBe(0);
    expect(eagerStepSeconds(h200, { layers: 32, rows: 32, deviceS: 1e-3, arch: 'llama' })).toBe(eagerStepSeconds(h200, { layers: 32, rows: 1, deviceS: 1e-3, arch: 'llama' }));
  });
});
