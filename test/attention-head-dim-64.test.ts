// Head dim 64 under Transformer Engine's cuDNN attention (runtime kernels.attention_head_dim_64, runtimes/megatron.yaml
// by_architecture): cuDNN's training SDPA benchmark times gpt-oss's 64-wide heads at 0.59 / 0.77 (Blackwell) and
// 0.73 / 0.81 (Hopper) of the head-dim-128 forward / backward rate at the same keys per query; the parts'
// efficiency.attention and attention_backward are head-dim-128 timings.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLibrary, libraryModel, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import { decoderShape } from '../src/sim/training/shapes.js';
import { flashBackwardRate, headDim64Rates, layerForwardOps, passCost } from '../src/sim/training/layer-cost.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';

const bound = (hw: string, rt: string) => bindRuntime(getLibrary().hardware[hw]!, libraryRuntime(rt));
const plan = { devices: 8, tp: 1, pp: 1, cp: 1, dp: 8, ep: 8, interleave: 1, schedule: '1f1b' as const, seqLen: 4096, globalBatch: 32, microBatch: 4 };
const attention = (model: string) => layerForwardOps(decoderShape(libraryModel(model) as DecoderModel), plan, { moe: false, gemmDtype: 'bf16' }).filter((o) => o.kind === 'attention');
// the same hardware and runtime with the head-dim-64 rates taken out
const without = (hw: NormalizedHardware): NormalizedHardware => ({ ...hw, runtime: { ...hw.runtime!, kernels: { ...hw.runtime!.kernels, attentionHeadDim64: undefined } } });

describe('fused attention at head dim 64 (cuDNN SDPA timings)', () => {
  it('states the measured ratios by architecture for the Megatron family, nothing elsewhere', () => {
    expect(bound('gb200', 'nemo').runtime?.kernels.attentionHeadDim64).toEqual({ forward: 0.59, backward: 0.77 });
    expect(bound('b200', 'megatron').runtime?.kernels.attentionHeadDim64).toEqual({ forward: 0.59, backward: 0.77 });
    expect(bound('h100-sxm', 'nemo').runtime?.kernels.attentionHeadDim64).toEqual({ forward: 0.73, backward: 0.81 });
    expect(bound('mi300x', 'megatron').runtime?.kernels.attentionHeadDim64).toBeUndefined();
    expect(bound('h100-sxm', 'torchtitan').runtime?.kernels.attentionHeadDim64).toBeUndefined();
    // TE's FlashAttention-2 backend (cuDNN fused attention off): cuDNN's ratios do not apply, FA2's are unmeasured
    expect(bound('h100-sxm', 'nemo-flash-attn').runtime?.kernels.attentionHeadDim64).toEqual({ forward: 1, backward: 1 });
  });
  it('slows a 64-wide head by the forward ratio and its flash backward by the backward ratio', () => {
    const hw = bound('gb200', 'nemo');
    const ops = attention('gpt-oss-120b');
    expect(ops.every((o) => o.attn?.headDim === 64)).toBe(true);
    const a = passCost(ops, hw, 'none');
    const b = passCost(ops, without(hw), 'none');
    expect(a.fwdS / b.fwdS).toBeCloseTo(1 / 0.59, 6);
    expect(a.bwdS / b.bwdS).toBeCloseTo(1 / 0.77, 6);
    expect(a.bwdS / a.fwdS).toBeCloseTo((2.5 * 0.59) / (flashBackwardRate(hw) * 0.77), 6);
    // full recompute reruns the forward at its own (head-dim-64) rate
    const full = passCost(ops, hw, 'full');
    expect(full.bwdS - a.bwdS).toBeCloseTo(a.fwdS, 12);
  });
  it('leaves 128-wide heads as they were', () => {
    const hw = bound('gb200', 'nemo');
    const ops = attention('llama-3.1-8b');
    expect(headDim64Rates(hw, 128)).toEqual({ forward: 1, backward: 1 });
    expect(passCost(ops, hw, 'none')).toEqual(passCost(ops, without(hw), 'none'));
  });
  it('validates the field as two fractions, with file, line and field', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hd64-')), 'bad.yaml');
    writeFileSync(file, 'id: rt\nname: RT\nkind: runtime\nkernels:\n  attention_head_dim_64: {forward: 1.4, backward: 0.8}\n  source: "test"\nsources: [test]\n');
    const p = (await loadSpecFile(file)).errors.map(formatIssue);
    expect(p.join('\n')).toMatch(/bad\.yaml:\d+:\d+ {2}kernels\.attention_head_dim_64\.forward /);
  });
});
