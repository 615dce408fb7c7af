// Hopper fused attention backward from the causal cuDNN SDPA timings on H200 (NVIDIA/cudnn-frontend benchmark/
// sdpa_benchmark_training results/h200_919_only_cudnn: Llama-3.1-70B heads, causal, bf16): backward / forward at 4k and
// 8k 0.802 / 0.840 -> efficiency.attention_backward 0.82 on the GH100 parts (hardware/nvidia/h200-sxm.yaml). The
// forward keeps the 0.6 class default (the 16k burst 0.680 at the part's sustained clock, 0.89 of a burst: 0.605).
import { describe, expect, it } from 'vitest';
import { libraryModel, getLibrary } from '../src/spec/library.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { FLASH_BWD_RATE, flashBackwardRate, layerForwardOps, passCost } from '../src/sim/training/layer-cost.js';
import type { DecoderModel } from '../src/spec/types.js';

const hw = (id: string) => getLibrary().hardware[id]!;
const s = decoderShape(libraryModel('llama-3.1-8b') as DecoderModel);
const plan = { devices: 8, tp: 1, pp: 1, cp: 1, dp: 8, ep: 1, interleave: 1, schedule: '1f1b' as const, seqLen: 8192, globalBatch: 8, microBatch: 1 };
const attn = layerForwardOps(s, plan, { moe: false, gemmDtype: 'bf16' }).filter((o) => o.kind === 'attention');
const GH100 = ['h100-sxm', 'h200-sxm', 'h200-nvl', 'gh200', 'h800-sxm', 'h100-pcie', 'h100-sxm-hbm2e-500w'];

describe('Hopper fused attention (cuDNN SDPA tables on H200)', () => {
  it('states the causal backward/forward ratio at 4k and 8k, (474/591 + 541/644) / 2, on every GH100 part', () => {
    const measured = (474 / 591 + 541 / 644) / 2;
    for (const id of GH100) {
      expect(hw(id).efficiency.attentionBackward).toBeCloseTo(0.82, 3);
      expect(Math.abs(flashBackwardRate(hw(id)) - measured)).toBeLessThan(0.005);
    }
    // below the unmasked FlashAttention-3 paper figure that parts without a timing take
    expect(flashBackwardRate(hw('h100-sxm'))).toBeLessThan(FLASH_BWD_RATE);
    expect(flashBackwardRate(hw('a100-sxm4-80gb'))).toBe(FLASH_BWD_RATE);
  });
  it('keeps the forward at the 0.6 class default: the burst 16k rate at the sustained clock', () => {
    const burst16k = 673 / 989.4;
    const sustainedShare = 755 / 850; // H200 MSMF / MAMF bf16
    for (const id of ['h100-sxm', 'h200-sxm', 'gh200']) {
      expect(hw(id).efficiency.attention).toBe(0.6);
      expect(Math.abs(hw(id).efficiency.attention - burst16k * sustainedShare)).toBeLessThan(0.01);
    }
  });
  it('prices the H100 attention backward at 2.5x the forward FLOPs over 0.82 of its rate, slower than before', () => {
    const c = passCost(attn, hw('h100-sxm'), 'none');
    expect(c.bwdS / c.fwdS).toBeCloseTo(2.5 / 0.82, 9);
    const a100 = passCost(attn, hw('a100-sxm4-80gb'), 'none');
    expect(a100.bwdS / a100.fwdS).toBeCloseTo(2.5 / FLASH_BWD_RATE, 9);
    expect(c.bwdS / c.fwdS).toBeGreaterThan(a100.bwdS / a100.fwdS);
  });
});
