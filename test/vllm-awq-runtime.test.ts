// vLLM run with --quantization awq (runtimes/vllm-awq.yaml): AWQLinearMethod.apply sends a call of fewer than 256 tokens
// to ops.awq_gemm (AutoAWQ's split-K kernel, split_k_iters = pack_factor = 8) and from 256 tokens up dequantizes and
// calls torch.matmul; the default vllm runtime (AWQ-Marlin) has neither path.
import { describe, expect, it } from 'vitest';
import { libraryModel, libraryRuntime } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { w4a16Path } from '../src/sim/w4a16-gemm.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const int4 = resolvePrecision('int4', undefined, undefined, undefined);
const qkv = (rows: number) => {
  const m = libraryModel('qwen2.5-7b') as DecoderModel;
  const pass = buildDecoderPass(m, buildLayout(m, 1, 1, 1, 1, false), int4, { prefillSeqs: 1, prefillLen: rows, decodeSeqs: 0 });
  return pass.find((o) => o.name === 'qkv_proj')!;
};
const tpot = (rt: string, batch: number) =>
  simulate(
    buildRequest({ model: 'qwen2.5-7b', hardware: 'l4', dtype: 'int4', 'kv-cache': 'fp16', 'input-tokens': 40, 'output-tokens': 128, batch }, libraryModel('qwen2.5-7b'), bound('l4', rt), libraryModel),
  ).tpot_s!;

// Property seed 387 at scale 10: a decode step of 256 rows crosses vLLM's switch and dequantizes every weight.
const seed387 = (batch: number, hw: NormalizedHardware) =>
  simulate(
    buildRequest({ model: 'llama-3.1-8b', hardware: 'tpu-v7', dtype: 'int4', 'input-tokens': 2629, 'output-tokens': 861, batch }, libraryModel('llama-3.1-8b'), hw, libraryModel),
  ).throughput_tok_s!;
const noSwitch = (h: NormalizedHardware): NormalizedHardware => ({
  ...h,
  runtime: { ...h.runtime!, kernels: { ...h.runtime!.kernels!, w4a16Fp16FromTokens: undefined } },
});

describe('vllm-awq: the AWQ GEMM path of vLLM (--quantization awq)', () => {
  it('throughput falls where a decode step reaches 256 rows (the dequantized copy on every linear), by less than a fifth, and only there', () => {
    const hw = bound('tpu-v7', 'vllm-awq');
    const [a, b] = [seed387(255, hw), seed387(256, hw)];
    expect(b).toBeLessThan(a);
    expect(1 - b / a).toBeLessThan(0.2);
    // the same pair with the switch taken away (split-K at every row count) does not fall
    expect(seed387(256, noSwitch(hw))).toBeGreaterThanOrEqual(seed387(255, noSwitch(hw)));
  });
  it('takes vLLM AWQLinearMethod thresholds and the AWQ kernel rate of runtimes/autoawq.yaml', () => {
    const k = libraryRuntime('vllm-awq').kernels!;
    expect(k.w4a16SplitK).toBe(8);
    expect(k.w4a16Fp16FromTokens).toBe(256);
    expect(k.w4a16SplitKFlopPerUnitClock).toEqual(libraryRuntime('autoawq').kernels!.w4a16SplitKFlopPerUnitClock);
    expect(libraryRuntime('vllm').kernels?.w4a16SplitK).toBeUndefined();
  });
  it('split-K below 256 rows, dequantize + fp16 GEMM from 256; the Marlin default has no extra path', () => {
    expect(w4a16Path(qkv(64), bound('l4', 'vllm-awq'))).toBe('split_k');
    expect(w4a16Path(qkv(255), bound('l4', 'vllm-awq'))).toBe('split_k');
    expect(w4a16Path(qkv(256), bound('l4', 'vllm-awq'))).toBe('fp16');
    expect(w4a16Path(qkv(64), bound('l4', 'vllm'))).toBeUndefined();
  });
  it('a 64-sequence int4 decode step on an L4 is slower through awq_gemm than through Marlin, and monotone in the batch', () => {
    expect(tpot('vllm-awq', 64)).toBeGreaterThan(1.2 * tpot('vllm', 64));
    expect(tpot('vllm-awq', 1)).toBeGreaterThanOrEqual(tpot('vllm', 1));
    expect(tpot('vllm-awq', 64)).toBeGreaterThan(tpot('vllm-awq', 16));
  });
});
