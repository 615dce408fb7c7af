// SGLang runs gpt-oss's MXFP4 experts on Hopper through OpenAI's triton_kernels matmul_ogs (server_args.py:
// moe_runner_backend triton_kernel), priced from that kernel's own timing as vLLM's default does (aiconfigurator
// h100_sxm moe/vllm/0.24.0: 21 GB/s per SM, 1.2 us per grouped GEMM; runtimes/sglang.yaml by_architecture hopper). The
// 44.7 us per call back-solved from vllm PR #27523's end-to-end A/B (batch 8: 1.58 s under Triton, 1.17 s under Marlin)
// is no longer used; that A/B is a check the 2026 kernel table does not reach (a LIMIT in the YAML).
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

describe('SGLang triton_kernels matmul_ogs MXFP4 experts on Hopper: the kernel table, not an end-to-end A/B', () => {
  const ops = decode(fp4);
  it("each weight-only expert GEMM under SGLang on an H100 costs what vLLM's default matmul_ogs call costs", () => {
    for (const name of ['experts_up', 'experts_down']) {
      expect(opCost(op(ops, name), bound('h100-sxm', 'sglang')).seconds).toBeCloseTo(opCost(op(ops, name), bound('h100-sxm', 'vllm')).seconds, 9);
    }
  });
  it("each of those calls carries the kernel's fixed time per call (weight_only_moe_fixed), once", () => {
    const hw = bound('h100-sxm', 'sglang');
    const fixed = hw.runtime!.kernels.weightOnlyMoeFixedS!;
    expect(fixed).toBeGreaterThan(0);
    const without = { ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, weightOnlyMoeFixedS: undefined } } };
    for (const name of ['experts_up', 'experts_down']) expect(opCost(op(ops, name), hw).seconds - opCost(op(ops, name), without).seconds).toBeCloseTo(fixed, 12);
  });
  it('not on Ampere (no timing there), not on dense layers, not on bf16 experts', () => {
    const up = op(ops, 'experts_up');
    expect(opCost(up, bound('a100-sxm4-80gb', 'sglang')).seconds).toBeCloseTo(opCost(up, bound('a100-sxm4-80gb', 'vllm')).seconds, 9);
    const qkv = op(ops, 'qkv_proj');
    expect(opCost(qkv, bound('h100-sxm', 'sglang')).overheadS).toBe(opCost(qkv, bound('h100-sxm', 'vllm')).overheadS);
    const upBf16 = op(decode(bf16), 'experts_up');
    expect(opCost(upBf16, bound('h100-sxm', 'sglang')).overheadS).toBe(opCost(upBf16, bound('h100-sxm', 'vllm')).overheadS);
  });
  it('the A/B run of vllm PR #27523 (0.41 s between Triton and Marlin) is a check the kernel table does not reach', () => {
    const run = (hw: ReturnType<typeof bound>) => simulate(request('gpt-oss-120b', hw, { dtype: 'fp4', batch: 8, inputTokens: 32, outputTokens: 128 })).latency_s!;
    const delta = run(bound('h100-sxm', 'sglang')) - run(vllmMarlin('h100-sxm'));
    expect(delta).toBeLessThan(0.3);
  });
});
