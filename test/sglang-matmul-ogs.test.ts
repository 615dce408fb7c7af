// SGLang runs gpt-oss's MXFP4 experts on Hopper through OpenAI's triton_kernels matmul_ogs (server_args.py:
// moe_runner_backend triton_kernel), measured against vLLM's fused Marlin MoE on the same SM90 part (vllm PR #27523,
// gpt-oss-120b, vllm bench latency batch 8, 32 in / 128 out: 1.58155 s against 1.17 s): 3.2 ms more per forward pass,
// 44.7 us on each of its 72 grouped expert GEMMs (runtimes/sglang.yaml by_architecture hopper kernels.weight_only_moe_fixed).
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildLayout } from '../src/sim/parallel.js';
import { opCost } from '../src/sim/roofline.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel } from '../src/index.js';
import { request } from './helpers/nondecoder-fixtures.js';
import { bound } from './helpers/bound.js';

const oss = libraryModel('gpt-oss-120b') as DecoderModel;
const layout = buildLayout(oss, 1, 1, undefined, 1, false);
const decode = (p: ReturnType<typeof resolvePrecision>) => buildDecoderPass(oss, layout, p, { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 8 });
const fp4 = resolvePrecision('fp4', undefined, undefined, 'bf16');
const bf16 = resolvePrecision('bf16');
const op = (ops: ReturnType<typeof decode>, name: string) => ops.find((o) => o.name === name)!;
// vLLM on the same part running its fused Marlin MoE (the PR's A side; vLLM's own default there is matmul_ogs too)
const vllmMarlin = (hwId: string) => {
  const hw = bound(hwId, 'vllm');
  return { ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, weightOnlyMoeKernel: 'marlin' as const } } };
};

describe('SGLang triton_kernels matmul_ogs MXFP4 experts on Hopper: a fixed time per grouped GEMM call', () => {
  const ops = decode(fp4);
  it('each weight-only expert GEMM under SGLang on an H100 takes 44.7 us more than under vLLM (Marlin)', () => {
    for (const name of ['experts_up', 'experts_down']) {
      const d = opCost(op(ops, name), bound('h100-sxm', 'sglang')).seconds - opCost(op(ops, name), vllmMarlin('h100-sxm')).seconds;
      expect(d).toBeCloseTo(44.7e-6, 7);
    }
  });
  it('not on Ampere (no timing there), not on dense layers, not on bf16 experts', () => {
    const up = op(ops, 'experts_up');
    expect(opCost(up, bound('a100-sxm4-80gb', 'sglang')).seconds).toBeCloseTo(opCost(up, bound('a100-sxm4-80gb', 'vllm')).seconds, 9);
    const qkv = op(ops, 'qkv_proj');
    expect(opCost(qkv, bound('h100-sxm', 'sglang')).overheadS).toBe(opCost(qkv, bound('h100-sxm', 'vllm')).overheadS);
    const upBf16 = op(decode(bf16), 'experts_up');
    expect(opCost(upBf16, bound('h100-sxm', 'sglang')).overheadS).toBe(opCost(upBf16, bound('h100-sxm', 'vllm')).overheadS);
  });
  it('the A/B run: SGLang prices it at Triton speed, about 0.4 s above the Marlin run', () => {
    const run = (hw: ReturnType<typeof bound>) => simulate(request('gpt-oss-120b', hw, { dtype: 'fp4', batch: 8, inputTokens: 32, outputTokens: 128 })).latency_s!;
    const delta = run(bound('h100-sxm', 'sglang')) - run(vllmMarlin('h100-sxm'));
    expect(delta).toBeGreaterThan(0.3);
    expect(delta).toBeLessThan(0.5);
  });
});
