// Batch-1 MoE decode under the serving runtimes streams the touched experts (issue 11, "MoE at the edges"): with a
// runtime bound, the expert GEMMs of a one-sequence decode step are memory- or launch-bound, never compute-bound, and
// cost at least their bytes at the part's peak bandwidth and at most those bytes at a third of it plus the launches.
// test/physics-edges.test.ts checks the bare parts (a GEMM below the ridge never slower than its bytes at the achieved
// bandwidth plus launch); a runtime's measured MoE kernel may stream slower than the part's achieved bandwidth — the
// Triton fused_moe strip (30 GB/s per SM), vLLM's fused Marlin MoE on int4 experts (18 GB/s per SM: 2.4 TB/s on an
// H100, runtimes/vllm.yaml tiled_gemm.int4_moe), matmul_ogs on MXFP4 (21 GB/s per SM) — and that is the kernel's own
// timing, so the bound here is looser: a third of the peak bandwidth.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';

const lib = getLibrary();
const CASES: [string, string, number, string, string][] = [
  ['deepseek-v3', 'h100-sxm', 8, 'int4', 'vllm'],
  ['deepseek-v3', 'h100-sxm', 8, 'int4', 'vllm-0.7'],
  ['deepseek-v3', 'h200-sxm', 8, 'fp8', 'vllm'],
  ['deepseek-v3', 'h200-sxm', 8, 'fp8', 'sglang'],
  ['kimi-k2', 'h200-sxm', 8, 'int4', 'vllm'],
  ['mixtral-8x7b', 'h100-sxm', 1, 'int4', 'vllm'],
  ['mixtral-8x7b', 'a100-sxm4-80gb', 1, 'bf16', 'vllm-0.6'],
  ['qwen3-30b-a3b', 'h100-sxm', 1, 'bf16', 'sglang'],
  ['qwen3-30b-a3b', 'h100-sxm', 1, 'int4', 'sglang'],
  ['qwen3-30b-a3b', 'rtx-4090', 1, 'q4_0', 'llama.cpp'],
  ['qwen3-235b-a22b', 'apple-m3-ultra', 1, 'q4_0', 'llama.cpp'],
  ['gpt-oss-120b', 'h100-sxm', 1, 'fp4', 'vllm'],
  ['grok-1', 'h100-sxm', 8, 'fp8', 'vllm'],
];

describe('batch-1 MoE decode under vLLM / SGLang / llama.cpp streams its touched experts', () => {
  for (const [model, hardware, tp, dtype, runtime] of CASES) {
    it(`${model} ${dtype} on ${tp}x ${hardware} under ${runtime}`, () => {
      const hw = lib.hardware[hardware]!;
      const r = simulate(buildRequest({ model, hardware, tp, dtype, runtime, batch: 1, 'input-tokens': 512, 'output-tokens': 128, verbose: true }, libraryModel(model), hw, libraryModel));
      const experts = r.ops!.filter((o) => o.phase === 'decode' && o.kind === 'gemm' && o.name.startsWith('experts_'));
      expect(experts.length).toBe(2);
      const bw = hw.memory.bandwidthBytePerS;
      for (const o of experts) {
        expect(o.bound, `${o.name}`).not.toBe('compute');
        const per = o.seconds / o.count;
        const bytes = o.bytes / o.count;
        expect(per).toBeGreaterThanOrEqual(bytes / bw);
        expect(per).toBeLessThanOrEqual(bytes / (bw / 3) + 2 * 10e-6);
      }
    });
  }
});
