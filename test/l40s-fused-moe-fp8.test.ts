// The Triton fused MoE on an L40S (Ada, sm89) at Qwen3-30B-A3B's expert shape (hidden 2048, moe_intermediate 768,
// 128 experts, top-8), per-tensor fp8_w8a8, TP 1, timed per call by vllm benchmarks/kernels/benchmark_moe.py (CUDA
// graph, random routing) in vllm-project/vllm PR #53710 ('Tune fused_moe FP8 config for Qwen3-VL on L40S', Triton
// 3.6.0; Qwen3-VL-30B-A3B's experts are the same E=128, N=768 shape): the 'Default' column is the call without a tuned
// config file (get_default_config), the 'Tuned' column with the PR's E=128,N=768,device_name=NVIDIA_L40S,
// dtype=fp8_w8a8.json. Kernel-level evidence that hwperf's pricing of this call (weights streamed at the part's GDDR6
// rate over the experts the tokens touch, tiles padded by paddedGroupRows, a gap per kernel) holds on Ada from 4 to
// 8192 tokens, and that a missing tuned config costs 3-8%, not a multiple: the L40S rows of Qwen3-30B-A3B fp8 under
// vLLM 0.10.2 / SGLang that read 5-6x fast (N6444-N6446) are not explained by this kernel or its config.
import { describe, expect, it } from 'vitest';
import { opCost } from '../src/sim/roofline.js';
import { bound } from './helpers/bound.js';
import { decodePassOps } from './helpers/decode-pass.js';
import { getLibrary } from '../src/spec/library.js';
import type { DecoderModel } from '../src/spec/types.js';

// the library's Qwen3-30B-A3B prices the block-scaled FP8 release (fp8_scaling block, from qwen3-8b); the PR timed
// per-tensor fp8_w8a8 (no block_shape in the config's name)
const perTensor: DecoderModel = { ...(getLibrary().models['qwen3-30b-a3b'] as DecoderModel), fp8_scaling: 'tensor' };

const MOE_CALL = ['moe_topk', 'moe_sort', 'moe_permute', 'experts_up', 'experts_act', 'experts_down', 'moe_finalize'];
const moeCallS = (rt: string, tokens: number) => {
  const hw = bound('l40s', rt);
  const ops = decodePassOps(perTensor, 1, tokens, 'fp8');
  return MOE_CALL.reduce((s, n) => {
    const o = ops.find((x) => x.name === n);
    return o ? s + opCost({ ...o, count: 1 }, hw, 'decode').seconds : s;
  }, 0);
};
// [tokens, default us, tuned us] (PR #53710's table)
const L40S_FP8_E128_N768: [number, number, number][] = [
  [4, 204.56, 190.41], [8, 376.96, 347.98], [16, 592.31, 552.82], [32, 800.43, 742.22], [64, 902.75, 839.49],
  [128, 947.23, 870.36], [256, 978.59, 897.68], [512, 1034.18, 948.74], [1024, 1126.08, 1052.11],
  [2048, 1375.4, 1286.4], [4096, 1916.23, 1846.43], [8192, 3195.68, 3195.68],
];

describe('the Triton fused MoE on an L40S (fp8_w8a8, E=128, N=768; vllm PR #53710)', () => {
  it('the experts are per-tensor fp8 GEMMs of the measured shape', () => {
    const up = decodePassOps(perTensor, 1, 64, 'fp8').find((o) => o.name === 'experts_up')!;
    // [tokens·8 rows over the experts they touch, hidden 2048] x [2048, 2·768] per expert
    expect([up.dtype, up.k, up.n, !!up.fp8Block]).toEqual(['fp8', 2048, 1536, false]);
    expect(up.groups).toBeGreaterThan(120);
  });
  for (const rt of ['vllm', 'vllm-0.8', 'sglang']) {
    it(`${rt}: the priced call is within 0.88-1.12x of the default-config call from 4 to 8192 tokens`, () => {
      for (const [tokens, us] of L40S_FP8_E128_N768) {
        const r = moeCallS(rt, tokens) / (us * 1e-6);
        expect(r, `${tokens} tokens`).toBeGreaterThan(0.88);
        expect(r, `${tokens} tokens`).toBeLessThan(1.12);
      }
    });
  }
});
