// llama.cpp's CPU backend multiplies a prompt's attention (flash attention off) as plain ggml_mul_mat nodes over the
// f16 KV cache: ggml_compute_forward_mul_mat calls llamafile_sgemm once per query head, each an F16 tinyBLAS GEMM
// (fp32 FMAs on the vector units, nothing on AMX) between two ggml_barriers, and every query of a ubatch meets every
// cell of the KV view (the mask is added after K·Q). Mainline DeepSeek GGUFs run MLA absorbed for prompts too
// (llm_build_deepseek2's is_mla branch). runtimes/llama.cpp.yaml by_hardware xeon-6980p and kernels.mla_prefill cite them.
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { ggmlKernelCounts } from '../src/sim/ggml-kernels.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { passOps } from '../src/sim/decoder.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { opCost } from '../src/sim/roofline.js';
import { modelForRuntime } from '../src/runtime/mla-cache.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const UBATCH = 512;

const promptAttention = (model: string, hw: NormalizedHardware, len: number) => {
  const m = modelForRuntime(libraryModel(model) as DecoderModel, hw);
  const p = resolvePrecision('q8_0', undefined, undefined, undefined);
  const ops = ggmlKernelCounts(buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), p, { prefillSeqs: 1, prefillLen: len, decodeSeqs: 0 }), hw, UBATCH);
  return ops.find((o) => o.kind === 'attention' && o.prefill)!;
};
// the same part and runtime without the prompt-attention keys
const withoutPromptKeys = (hw: NormalizedHardware): NormalizedHardware => {
  const k = { ...hw.runtime!.kernels };
  delete k.promptAttentionFlopPerS;
  delete k.promptAttentionHeadKernels;
  return { ...hw, runtime: { ...hw.runtime!, kernels: k } };
};
const run = (model: string, dtype: string, hw: NormalizedHardware) =>
  simulate(buildRequest({ model, hardware: 'xeon-6980p', dtype, 'input-tokens': 1024, 'output-tokens': 1024, batch: 1 }, libraryModel(model), hw, libraryModel));

describe('llama.cpp prompt attention on the Xeon 6980P (ggml-cpu, flash attention off)', () => {
  const hw = bound('xeon-6980p', 'llama.cpp');

  it('each query head adds two barriers per matmul (K·Q and V·softmax) beyond the decode graph\'s attention nodes, once per ubatch', () => {
    const k = hw.runtime!.kernels;
    expect(k.promptAttentionHeadKernels).toBe(4);
    const nodes = k.decodeGraph!.attention_decode!;
    const a = promptAttention('llama-3.3-70b', hw, 1024); // 64 query heads, two 512-token ubatches
    expect(a.kernels).toBe((nodes + 4 * 64) * (1024 / UBATCH));
    expect(promptAttention('llama-3.3-70b', hw, 256).kernels).toBe(nodes + 4 * 64);
  });

  it('every query of a ubatch is multiplied by every cell of the KV view: 512·512 + 512·1024 pairs per layer for a 1024-token prompt', () => {
    const a = promptAttention('llama-3.3-70b', hw, 1024);
    const m = libraryModel('llama-3.3-70b') as DecoderModel;
    const hd = m.head_dim;
    const pairs = 512 * 512 + 512 * 1024;
    expect(a.flops / (2 * pairs * m.heads * 2 * hd)).toBeCloseTo(1, 6);
  });

  it('runs at the tinyBLAS rate, not the AMX attention fraction, and never faster than its FLOP at that rate', () => {
    const rate = hw.runtime!.kernels.promptAttentionFlopPerS!;
    expect(rate).toBeCloseTo(8.19e12, -9);
    const a = promptAttention('qwen3-235b-a22b', hw, 1024);
    const c = opCost(a, hw, 'prefill');
    expect(c.computeS).toBeGreaterThanOrEqual(a.flops / rate);
    expect(opCost(a, withoutPromptKeys(hw), 'prefill').computeS).toBeLessThan(c.computeS / 10);
  });

  it('DeepSeek prompts run MLA absorbed: 576-wide scores and 512-wide values for all 128 heads', () => {
    const a = promptAttention('deepseek-v3', hw, 1024);
    const pairs = 512 * 512 + 512 * 1024;
    expect(a.flops / (2 * pairs * 128 * (576 + 512))).toBeCloseTo(1, 6);
    expect(a.kernels).toBe((hw.runtime!.kernels.decodeGraph!.attention_decode! + 4 * 128) * 2);
    // a graph property of mainline llama.cpp, whatever the backend
    expect(bound('rtx-4090', 'llama.cpp').runtime!.kernels.mlaPrefill).toBe('absorbed');
  });

  it('raises TTFT and leaves the decode step alone (at one token llamafile_sgemm declines: no per-head calls)', () => {
    for (const [model, dtype] of [['llama-3.2-3b', 'bf16'], ['qwen3-235b-a22b', 'q8_0']] as const) {
      const now = run(model, dtype, hw);
      const before = run(model, dtype, withoutPromptKeys(hw));
      expect(now.ttft_s!).toBeGreaterThan(before.ttft_s!);
      expect(now.tpot_s!).toBeCloseTo(before.tpot_s!, 12);
    }
  });

  it('a server step\'s decodes beside a prompt add no per-head calls (each decode stream holds one query: sgemm declines)', () => {
    const m = modelForRuntime(libraryModel('llama-3.3-70b') as DecoderModel, hw);
    const p = resolvePrecision('q8_0', undefined, undefined, undefined);
    const L = buildLayout(m, 1, 1, 1, 1, false);
    const attn = (decodeSeqs: number) => passOps(m, hw, L, p, { prefillSeqs: 1, prefillLen: 1024, decodeSeqs }).find((o) => o.kind === 'attention' && o.prefill)!.kernels;
    const u = hw.runtime!.scheduler!.ubatch!;
    const alone = attn(0);
    expect(alone).toBeCloseTo((hw.runtime!.kernels.decodeGraph!.attention_decode! + 4 * 64) * Math.max(1, 1024 / u), 9);
    for (const d of [1, 64, 600, 2000]) expect(attn(d)).toBe(alone);
  });

  it('other parts and runtimes keep their fused attention pricing', () => {
    expect(bound('xeon-6980p', 'sglang-cpu-2025').runtime!.kernels.promptAttentionFlopPerS).toBeUndefined();
    expect(bound('rtx-4090', 'llama.cpp').runtime!.kernels.promptAttentionHeadKernels).toBeUndefined();
  });
});
