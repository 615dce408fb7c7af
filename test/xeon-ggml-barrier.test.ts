// llama.cpp's CPU backend ends every ggml graph node in a barrier across all threads (ggml-cpu.c
// ggml_graph_compute_thread @84ec81d7), and MUL_MAT / MUL_MAT_ID add one inside. The barrier is one centralised
// counter, so it lasts at least one L2->L2 transfer of its cache line per core: on the Xeon 6980P with SNC disabled
// 128 x 180.2 ns (Intel MLC, runtimes/llama.cpp.yaml by_hardware xeon-6980p). A batch-1 decode step pays
// barriers-per-layer x layers of it beside its weight stream.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { ggmlKernelCounts } from '../src/sim/ggml-kernels.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const CORES = 128;
const HITM_S = 180.2e-9; // MLC "Local Socket L2->L2 HITM latency", dual Xeon 6980P, SNC=Disable

// barriers one decode step's decoder layer pays under the bound runtime (graph nodes + matmul inner barriers)
const barriersPerLayer = (model: string, dtype: string, rt: string, hwId = 'xeon-6980p') => {
  const m = libraryModel(model) as DecoderModel;
  const hw = bound(hwId, rt);
  const p = resolvePrecision(dtype, undefined, undefined, undefined);
  const ops = ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 1 }), hw);
  // per-layer ops (count = layers): each contributes its kernels once per layer it runs in
  const layers = m.layers;
  return ops.filter((o) => o.count === layers).reduce((s, o) => s + (o.kernels ?? 1), 0);
};
const tpot = (model: string, dtype: string, rt: string, hwId = 'xeon-6980p') =>
  simulate(buildRequest({ model, hardware: hwId, dtype, 'input-tokens': 1024, 'output-tokens': 1024, batch: 1 }, libraryModel(model), bound(hwId, rt), libraryModel)).tpot_s!;

describe('ggml-cpu barriers per graph node on the Xeon 6980P (llama.cpp, mid-2025)', () => {
  it('one barrier costs one L2->L2 HITM transfer per core: 128 x 180.2 ns', () => {
    const hw = bound('xeon-6980p', 'llama.cpp');
    // the YAML states it to 5 significant digits (23.066 us)
    expect(Math.abs(hw.runtime!.kernels.kernelTimeS! / (CORES * HITM_S) - 1)).toBeLessThan(1e-4);
    expect(hw.efficiency.kernelOverheadS).toBe(hw.runtime!.kernels.kernelTimeS);
  });
  it('a Llama layer pays 41 barriers: 32 graph nodes (902 = 28 x 32 + 6 for Llama 3.2 3B) and 9 matmul inner ones', () => {
    expect(barriersPerLayer('llama-3.2-3b', 'bf16', 'llama.cpp')).toBe(41);
  });
  it('the barriers make most of a small model\'s decode step; a 70B step stays mostly weight stream', () => {
    const t3 = tpot('llama-3.2-3b', 'bf16', 'llama.cpp');
    const sync3 = 28 * 41 * CORES * HITM_S;
    expect(sync3 / t3).toBeGreaterThan(0.6);
    const t70 = tpot('llama-3.3-70b', 'q8_0', 'llama.cpp');
    const sync70 = 80 * 41 * CORES * HITM_S;
    expect(sync70 / t70).toBeGreaterThan(0.3);
    expect(sync70 / t70).toBeLessThan(0.5);
  });
  it('MoE layers pay more barriers than dense ones (router, top-k, the sum over 8 experts)', () => {
    expect(barriersPerLayer('qwen3-235b-a22b', 'q8_0', 'llama.cpp')).toBeGreaterThan(60);
  });
  it('SGLang CPU on the same part and llama.cpp on a GPU keep their own per-kernel costs', () => {
    expect(bound('xeon-6980p', 'sglang-cpu-2025').efficiency.kernelOverheadS).toBeLessThan(10e-6);
    expect(bound('rtx-4090', 'llama.cpp').efficiency.kernelOverheadS).toBeLessThan(5e-6);
  });
});
