// FlashAttention-2 under PyTorch on a B200 (sm_100): SDPA's flash backend issues mma.sync tiles and reaches under a
// third of cuDNN's SDPA on the same part: runtimes/pytorch.yaml by_hardware b200 attention_efficiency 0.175
// (NVIDIA/cudnn-frontend sdpa_bf16_benchmark_results_NVIDIA_B200.csv @0b1577c: pyt_flash_attention forward 394.5 TFLOP/s
// at 16k tokens, causal, head dim 128; pyt_cudnn 1332.4). Runtimes with their own attention kernels keep the part's
// cuDNN-class figure, and other Blackwell parts (no FA2 timing on them) keep theirs.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import { attentionCore } from '../src/model/transformer-block.js';
import { bound } from './helpers/bound.js';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const lib = getLibrary();
// the benchmark's shape: batch 1, 128 query heads of 128 over 16k tokens (FLOPs as the op counts them, non-causal)
const op = attentionCore('attn', { batch: 1, q: 16384, kv: 16384, heads: 128, headDim: 128 }, { compute: 'bf16', actBytes: 2, weightBytes: 2, kvBytes: 2 }, true);
const tflops = (hw: ReturnType<typeof bound>) => op.flops / opCost(op, hw).seconds / 1e12;

describe('FA2 on the B200 under PyTorch', () => {
  it('SDPA-class eager runtimes price a long attention at FA2 rates: under the measured 394.5 TFLOP/s burst, above 0.8 of it', () => {
    for (const rt of ['pytorch', 'diffusers', 'transformers']) {
      const r = tflops(bound('b200', rt));
      expect(r).toBeLessThanOrEqual(394.5 * 1.001);
      expect(r).toBeGreaterThan(394.5 * 0.8);
    }
  });

  it('TensorRT-LLM and SGLang keep the cuDNN-class figure (3x faster); the GB200 and B300 under PyTorch keep theirs', () => {
    const trt = tflops(bound('b200', 'tensorrt-llm'));
    expect(trt / tflops(bound('b200', 'pytorch'))).toBeGreaterThan(3);
    expect(bound('b200', 'sglang').efficiency.attention).toBe(lib.hardware['b200']!.efficiency.attention);
    expect(bound('gb200', 'pytorch').efficiency.attention).toBe(lib.hardware['gb200']!.efficiency.attention);
    expect(bound('b300-sxm', 'diffusers').efficiency.attention).toBe(lib.hardware['b300-sxm']!.efficiency.attention);
  });

  it('a video DiT (Wan 2.1 1.3B, 480p, 81 frames, 50 steps) under diffusers takes longer on the B200 than at the cuDNN rate, and still less than on an H100', async () => {
    const step = async (id: string, rt: string, att?: number) => {
      let hw = bindRuntime(await loadHardware(id), libraryRuntime(rt));
      if (att !== undefined) hw = { ...hw, efficiency: { ...hw.efficiency, attention: att } };
      return simulate(request('wan-2.1-t2v-1.3b', hw, { steps: 50, resolution: 480, frames: 81 })).latency_s!;
    };
    const fa2 = await step('b200', 'diffusers');
    const cudnn = await step('b200', 'diffusers', lib.hardware['b200']!.efficiency.attention);
    expect(fa2 / cudnn).toBeGreaterThan(2);
    expect(fa2).toBeLessThan(await step('h100-sxm', 'diffusers'));
  });
});
