// runtimes/vllm-0.5.yaml: the V0 engine before v0.6.0's asynchronous output processor processes each step's outputs
// between steps, so its host time per sequence is the pre-0.6 profile's (~20 ms at 200 sequences, vllm issue #6801:
// 94 us per sequence beyond the 0.58 ms fixed part and the sampler's device passes, priced apart) instead of 0.6's 19 us; everything else is vllm-0.6's.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel } from '../src/index.js';
import { bound } from './helpers/bound.js';

const llama8 = libraryModel('llama-3.1-8b') as DecoderModel;
const decodeStep = (hw: ReturnType<typeof bound>, batch: number) => {
  const r = simulate({ model: llama8, hardware: hw, resolveModel: libraryModel, tp: 1, pp: 1, batch, inputTokens: 1024, outputTokens: 1024, dtype: 'fp16' });
  return r.phases!.find((p) => p.name === 'decode')!.seconds;
};

describe('vllm-0.5 host time', () => {
  it('carries 94 us per sequence on top of the inherited 580 us step; vllm-0.6 keeps 19 us', () => {
    const v05 = bound('gh200', 'vllm-0.5').runtime!, v06 = bound('gh200', 'vllm-0.6').runtime!;
    expect(v05.hostPerSequenceS).toBeCloseTo(94e-6, 12);
    expect(v05.stepOverheadS).toBeCloseTo(580e-6, 12);
    expect(v06.hostPerSequenceS).toBeCloseTo(19e-6, 12);
    // the rest is vllm-0.6's engine: same scheduler and decode graphs
    expect(v05.scheduler.maxNumSeqs).toBe(v06.scheduler.maxNumSeqs);
    expect(v05.scheduler.chunkedPrefill).toBe(v06.scheduler.chunkedPrefill);
    expect(v05.launch.graphs).toBe(v06.launch.graphs);
  });
  it('a decode step of B sequences costs B x 75 us more than under vllm-0.6, and grows with the batch', () => {
    for (const b of [1, 16, 64]) {
      const d = decodeStep(bound('gh200', 'vllm-0.5'), b) - decodeStep(bound('gh200', 'vllm-0.6'), b);
      expect(d, `batch ${b}`).toBeCloseTo(b * 75e-6, 7);
    }
    expect(decodeStep(bound('gh200', 'vllm-0.5'), 64)).toBeGreaterThan(decodeStep(bound('gh200', 'vllm-0.5'), 16));
  });
});
