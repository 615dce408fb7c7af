// A pipeline stage's own dtype (Wan's fp32 VAE: docs/spec-format.md) is honoured on VAE stages; a part without that
// precision's rate prices the stage's convolutions at a narrower peak and says so, and a dtype on another stage is
// reported as not honoured (src/sim/pipeline.ts stageDtypeWarnings).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { PipelineModel } from '../src/spec/types.js';

const lib = getLibrary();
const flags = { model: 'wan-2.1-t2v-14b', resolution: '480', frames: '17', steps: '2', dtype: 'bf16' };
const run = (hwId: string, model = lib.models['wan-2.1-t2v-14b']!) =>
  simulate(buildRequest({ ...flags, hardware: hwId }, model, lib.hardware[hwId]!, (id) => lib.models[id]!));

describe('a pipeline stage dtype', () => {
  it('runs fp32 on TF32 where the part has it, silently', () => {
    expect(run('h200-sxm').warnings.filter((w) => w.includes('dtype') || w.includes('no fp32'))).toEqual([]);
  });
  it('says when the part has no fp32 rate and the convolutions take a narrower peak', () => {
    expect(run('gaudi3').warnings.some((w) => /wan-2\.1-vae: gaudi3 has no fp32 rate; .* priced at the \w+ peak/.test(w))).toBe(true);
  });
  it('on a stage that is not a VAE, says it is not honoured', () => {
    const wan = lib.models['wan-2.1-t2v-14b']! as PipelineModel;
    const m = { ...wan, id: 'wan-dtype-on-text', stages: wan.stages.map((s) => (s.role === 'text-encoder' ? { ...s, dtype: 'fp32' as const } : s)) };
    expect(m.stages.some((s) => s.role === 'text-encoder')).toBe(true);
    expect(run('h200-sxm', m).warnings.some((w) => /dtype fp32 is honoured on VAE stages only/.test(w))).toBe(true);
  });
});
