// NeMo recipes that switch Transformer Engine's cuDNN fused attention off (NVTE_FUSED_ATTN=0, NVIDIA's DGX Cloud
// Grok-1 recipe) run TE's FlashAttention backend, flash-attn 2 on Hopper: runtimes/nemo-flash-attn.yaml
// by_architecture.hopper kernels.attention_efficiency, FA2's measured 16k-token causal rate on an H200
// (bench/gpu/h200-2026-12-04/kernels.json, section attention; the value runtimes/torchtitan.yaml takes for SDPA's FA2).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';
import type { DecoderModel } from '../src/spec/types.js';

interface AttnRow { q_len?: number; heads?: number; causal?: boolean; backend?: string; flops_per_s?: number }
const k = JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'gpu', 'h200-2026-12-04', 'kernels.json'), 'utf8')) as { sections: { attention: AttnRow[] } };
const fa2At16k = k.sections.attention.find((r) => r.causal && r.heads === 32 && r.backend === 'flash' && r.q_len === 16384)!.flops_per_s!;
const lib = getLibrary();
const h100 = lib.hardware['h100-sxm']!;
const h200 = lib.hardware['h200-sxm']!;

// Grok-1 on 512 H100 as the DGX Cloud recipe lays it out (rows N2836 / N2837): TP4 PP8 CP2 EP8 VP8, seq 8192, GBS 1024
function grok(hwId: string, rt: string, dtype: 'bf16' | 'fp8') {
  return simulateTraining(
    buildTrainRequest(libraryModel('grok-1') as DecoderModel, bindRuntime(lib.hardware[hwId]!, libraryRuntime(rt)), {
      devices: 512, tp: 4, pp: 8, cp: 2, ep: 8, interleave: 8, seqLen: 8192, globalBatch: 1024, microBatch: 1, dtype, recompute: 'none',
    }),
  );
}

describe('NeMo with the FlashAttention backend (runtime nemo-flash-attn)', () => {
  it('prices attention on Hopper at FlashAttention-2\'s measured rate, other architectures at the hardware\'s', () => {
    const eff = bindRuntime(h200, libraryRuntime('nemo-flash-attn')).efficiency.attention;
    expect(eff).toBeCloseTo(fa2At16k / h200.matrixFlopPerS.bf16!, 3);
    expect(bindRuntime(h100, libraryRuntime('nemo-flash-attn')).efficiency.attention).toBe(eff);
    // cuDNN (runtime nemo) keeps the hardware's fused-attention class, well above FA2's
    expect(bindRuntime(h100, libraryRuntime('nemo')).efficiency.attention).toBe(h100.efficiency.attention);
    expect(h100.efficiency.attention).toBeGreaterThan(1.5 * eff);
    const b200 = lib.hardware['b200']!;
    expect(bindRuntime(b200, libraryRuntime('nemo-flash-attn')).efficiency.attention).toBe(bindRuntime(b200, libraryRuntime('nemo')).efficiency.attention);
  });
  it('inherits everything else from nemo: the recipe\'s overlaps and the MoE host costs', () => {
    const a = libraryRuntime('nemo-flash-attn');
    const b = libraryRuntime('nemo');
    expect(a.overlap).toEqual(b.overlap);
    expect(a.training).toEqual(b.training);
  });
  it('slows the Grok-1 H100 step through attention alone: same FLOPs, longer compute, bf16 and fp8', () => {
    for (const dtype of ['bf16', 'fp8'] as const) {
      const fa2 = grok('h100-sxm', 'nemo-flash-attn', dtype);
      const cudnn = grok('h100-sxm', 'nemo', dtype);
      expect(fa2.hardware_flops_per_step).toBe(cudnn.hardware_flops_per_step);
      expect(fa2.breakdown.compute_s).toBeGreaterThan(cudnn.breakdown.compute_s * 1.02);
      expect(fa2.breakdown.ep_comm_s).toBeCloseTo(cudnn.breakdown.ep_comm_s, 9);
      expect(fa2.tokens_per_s!).toBeLessThan(cudnn.tokens_per_s!);
    }
    // on Blackwell the runtime changes nothing
    expect(grok('b200', 'nemo-flash-attn', 'bf16').step_s).toBe(grok('b200', 'nemo', 'bf16').step_s);
  });
});
