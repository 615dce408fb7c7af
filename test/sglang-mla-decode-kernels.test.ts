// SGLang's absorbed MLA decode launches small kernels beside the ops the decoder graph prices (runtimes/sglang.yaml
// kernels.mla_decode_kernels, counted from sgl-project/sglang @3e4a39ee python/sglang/srt/models/deepseek_v2.py): on CUDA
// the q_a RMSNorm (kv_a's runs on the side stream), the rotary embedding and the latent cache write, 3 per layer; on
// ROCm (AITER backend, no side stream, the absorbed BMMs over per-tensor FP8 weights cast and scaled to bf16 each step)
// both norms, cast + scale for each BMM, the output flatten copy, rope, the q / k concatenations and the cache write,
// 11 per layer. Each costs the part's per-kernel gap in decode steps only (src/sim/mla-decode-kernels.ts).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const lib = getLibrary();
const ds = lib.models['deepseek-v3'] as DecoderModel;

const without = (hw: NormalizedHardware): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, mlaDecodeKernels: undefined } } });
const run = (hw: NormalizedHardware, model: string, batch: number, dtype = 'fp8') =>
  simulate(buildRequest({ model, hardware: hw.id, tp: 8, dtype, 'input-tokens': 512, 'output-tokens': 128, batch }, lib.models[model] as DecoderModel, hw, (id) => lib.models[id]!));

describe('SGLang absorbed MLA decode: the small kernels counted from its source', () => {
  it('the counts by vendor: 11 on ROCm, 3 on CUDA, none for sglang-0.4 (not counted from its source)', () => {
    expect(bound('mi300x', 'sglang').runtime!.kernels.mlaDecodeKernels).toBe(11);
    expect(bound('h200-sxm', 'sglang').runtime!.kernels.mlaDecodeKernels).toBe(3);
    expect(bound('b200', 'sglang').runtime!.kernels.mlaDecodeKernels).toBe(3);
    expect(bound('mi300x', 'sglang-0.4').runtime!.kernels.mlaDecodeKernels ?? 0).toBe(0);
    expect(bound('h200-sxm', 'sglang-0.4').runtime!.kernels.mlaDecodeKernels ?? 0).toBe(0);
    expect(bound('mi300x', 'vllm').runtime!.kernels.mlaDecodeKernels).toBeUndefined();
  });

  it('a DeepSeek-V3 TP-8 decode step pays layers x count x the per-kernel gap more; the prompt pass pays nothing', () => {
    for (const [hwId, n] of [['mi300x', 11], ['h200-sxm', 3]] as const) {
      const hw = bound(hwId, 'sglang');
      const a = run(hw, 'deepseek-v3', 1);
      const b = run(without(hw), 'deepseek-v3', 1);
      const want = ds.layers * n * hw.efficiency.kernelOverheadS;
      expect((a.tpot_s! - b.tpot_s!) / want, hwId).toBeCloseTo(1, 6);
      expect(a.ttft_s!, hwId).toBeCloseTo(b.ttft_s!, 12);
    }
  });

  it('models without MLA are untouched, and throughput stays monotone in the batch', () => {
    const hw = bound('mi300x', 'sglang');
    const a = run(hw, 'llama-3.1-70b', 4);
    const b = run(without(hw), 'llama-3.1-70b', 4);
    expect(a.tpot_s!).toBe(b.tpot_s!);
    let prev = 0;
    for (const batch of [1, 2, 4, 8, 16, 32, 64]) {
      const t = run(hw, 'deepseek-v3', batch).throughput_tok_s!;
      expect(Number.isFinite(t) && t > 0).toBe(true);
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
    }
  });
});
