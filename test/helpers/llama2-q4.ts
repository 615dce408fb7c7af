// Llama 2 7B q4_0 under a ggml runtime, as the llama.cpp backend tests read it: a runtime bound to a part, the ffn_up
// kernel of a prompt of T tokens, and a whole simulate() run.
import { libraryModel } from '../../src/spec/library.js';
import { buildDecoderPass } from '../../src/model/decoder-graph.js';
import { buildLayout } from '../../src/sim/parallel.js';
import { resolvePrecision } from '../../src/model/quant.js';
import { ggmlKernelCounts } from '../../src/sim/ggml-kernels.js';
import { buildRequest } from '../../src/sim/request.js';
import { simulate } from '../../src/sim/simulate.js';
import type { DecoderModel, NormalizedHardware } from '../../src/spec/types.js';
import { bound } from './bound.js';

export { bound };

const p = resolvePrecision('q4_0', undefined, undefined, undefined);

/** the part with some runtime kernels settings replaced (a what-if of one key) */
export const withKernels = (hw: NormalizedHardware, k: Record<string, unknown>) => ({ ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, ...k } } }) as NormalizedHardware;

export const ffnUp = (hw: NormalizedHardware, T: number) => {
  const m = libraryModel('llama-2-7b') as DecoderModel;
  return ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 1, prefillLen: T, decodeSeqs: 0 }), hw).find((o) => o.name === 'ffn_up')!;
};

export const run = (rt: string, hwId: string, T: number, out = 1) =>
  simulate(buildRequest({ model: 'llama-2-7b', hardware: hwId, dtype: 'q4_0', 'input-tokens': T, 'output-tokens': out, batch: 1 }, libraryModel('llama-2-7b'), bound(hwId, rt), libraryModel));
