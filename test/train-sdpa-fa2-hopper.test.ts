// torchtitan's attention on Hopper is SDPA's FlashAttention-2 backend (PyTorch's default order from 2.5.1 on puts
// cuDNN last): runtimes/torchtitan.yaml by_architecture.hopper kernels.attention_efficiency 0.337, FA2's measured
// 16k-token causal rate on an H200 (bench/gpu/h200-2026-12-04/kernels.json, section attention).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { attentionLengthFactor } from '../src/sim/training/attention-length.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import type { DecoderModel } from '../src/spec/types.js';

interface AttnRow { q_len?: number; heads?: number; causal?: boolean; backend?: string; flops_per_s?: number }
const k = JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'gpu', 'h200-2026-12-04', 'kernels.json'), 'utf8')) as { sections: { attention: AttnRow[] } };
const fa2 = (len: number) => k.sections.attention.find((r) => r.causal && r.heads === 32 && r.backend === 'flash' && r.q_len === len)!.flops_per_s!;
const lib = getLibrary();
const h200 = lib.hardware['h200-sxm']!;
const peak = 989.4e12;

describe('torchtitan SDPA attention on Hopper runs at FlashAttention-2 rates', () => {
  it('0.337 is FA2 at 16k tokens over the bf16 peak, and with the length factor it tracks FA2 at 2k-8k within 3%', () => {
    expect(h200.matrixFlopPerS.bf16! / peak).toBeCloseTo(1, 6);
    const eff = bindRuntime(h200, libraryRuntime('torchtitan')).efficiency.attention;
    expect(eff).toBe(0.337);
    expect(fa2(16384) / peak).toBeCloseTo(eff, 3);
    for (const len of [2048, 4096, 8192]) expect(Math.abs((eff * attentionLengthFactor(len) * peak) / fa2(len) - 1)).toBeLessThan(0.03);
  });
  it('children inherit it on Hopper; other architectures keep the hardware value', () => {
    for (const id of ['torchtitan-compile', 'torchtitan-float8', 'fsdp1', 'fsdp1-compile']) expect(bindRuntime(h200, libraryRuntime(id)).efficiency.attention).toBe(0.337);
    const a100 = lib.hardware['a100-sxm4-80gb']!;
    expect(bindRuntime(a100, libraryRuntime('torchtitan')).efficiency.attention).toBe(a100.efficiency.attention);
    const mi300x = lib.hardware['mi300x']!;
    expect(bindRuntime(mi300x, libraryRuntime('torchtitan')).efficiency.attention).toBe(mi300x.efficiency.attention);
  });
  it('an 8k-token Llama step on an H200 is slower than with the hardware\'s FA3/cuDNN-class 0.6, only through attention', () => {
    const model = libraryModel('llama-3.1-8b') as DecoderModel;
    const rt = libraryRuntime('torchtitan');
    const fa3 = { ...h200, efficiency: { ...h200.efficiency } };
    const req = { devices: 8, dp: 8, zero: 3 as const, seqLen: 8192, globalBatch: 16, microBatch: 2, recompute: 'selective' as const, dtype: 'bf16' as const };
    const slow = simulateTraining(buildTrainRequest(model, bindRuntime(h200, rt), req));
    const fast = simulateTraining(buildTrainRequest(model, { ...bindRuntime(fa3, rt), efficiency: { ...bindRuntime(fa3, rt).efficiency, attention: h200.efficiency.attention } }, req));
    expect(h200.efficiency.attention).toBeGreaterThan(0.5);
    expect(slow.step_s).toBeGreaterThan(fast.step_s * 1.05);
    expect(slow.hardware_flops_per_step).toBe(fast.hardware_flops_per_step);
  });
});
