// Open-Sora 1.2's STDiT3 as its reference code runs it (hpcaitech/Open-Sora @3421fdc: stdit3.py, layers/blocks.py,
// schedulers/rf; rotary_embedding_torch 0.5.3) and the eager-PyTorch physics that prices it: every kernel launched
// one by one lasts at least its host dispatch, classifier-free guidance doubles the denoiser batch, attention written
// out in PyTorch ops moves its score matrix, a library attention kernel called by the model stays fused.
import { describe, expect, it } from 'vitest';
import { buildDitGraph } from '../src/model/dit-graph.js';
import { runtimeOps } from '../src/sim/runtime-ops.js';
import { simulate } from '../src/sim/simulate.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { launchFloorS } from '../src/runtime/launch.js';
import { libraryRuntime, resolveHardware } from '../src/spec/library.js';
import { useScratchDir } from './helpers/scratch.js';
import type { DitModel, NormalizedHardware } from '../src/spec/types.js';
import type { Op } from '../src/model/op.js';
import { libraryModel } from './helpers/library-models.js';
import { loadHardware, request } from './helpers/nondecoder-fixtures.js';

const scratch = useScratchDir('hwperf-arch-');
const P = { compute: 'bf16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };
const stdit = () => libraryModel('stdit3-xl-2') as DitModel;
const shape = { batch: 2, height: 360, width: 640, frames: 51 };
const named = (ops: Op[], name: string) => ops.find((o) => o.name === name);

describe('STDiT3 blocks as the reference code runs them', () => {
  const ops = buildDitGraph(stdit(), shape, P, true);
  it('q and k are normed by two modules in every self-attention, and the cross-attention has no q/k norm', () => {
    for (const kind of ['spatial', 'temporal']) {
      expect(named(ops, `${kind}.q_norm`)?.rms).toBe(true);
      expect(named(ops, `${kind}.k_norm`)?.rms).toBe(true);
      expect(ops.some((o) => o.name.startsWith(`${kind}.cross.`) && o.name.endsWith('_norm'))).toBe(false);
    }
    // Wan 2.1 does norm q and k in its cross-attention (norm_q / norm_k of WanCrossAttention)
    const wan = buildDitGraph(libraryModel('wan-2.1-t2v-14b-dit') as DitModel, { batch: 1, height: 480, width: 832, frames: 17 }, P, true);
    expect(named(wan, 'block.cross.q_norm')).toBeDefined();
  });
  it('only temporal blocks regroup their tokens (two copies) and rotate q and k', () => {
    for (const n of ['to_time_major', 'from_time_major', 'rope_q', 'rope_k']) {
      expect(named(ops, `temporal.${n}`)).toBeDefined();
      expect(named(ops, `spatial.${n}`)).toBeUndefined();
    }
    expect(named(ops, 'temporal.rope_q')!.rope).toBe(true);
  });
  it('the frame mask runs both modulation paths and a torch.where per frame', () => {
    const noMask = buildDitGraph({ ...stdit(), frame_mask: false }, shape, P, true);
    const m1 = named(ops, 'spatial.modulate1')!, m0 = named(noMask, 'spatial.modulate1')!;
    expect(m1.kernels).toBe(2 * m0.kernels!);
    expect(m1.bytes).toBe(2 * m0.bytes);
    expect(named(ops, 'spatial.select1')).toBeDefined();
    expect(named(noMask, 'spatial.select1')).toBeUndefined();
    expect(named(ops, 't_block')!.count).toBe(2); // t and t0 through t_block
  });
});

describe('eager PyTorch prices what the reference code launches', () => {
  it('written-out attention moves its scores, but a cross-attention the model runs through xformers stays fused', async () => {
    const hw = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('pytorch-math'));
    const ops = buildDitGraph(stdit(), shape, P, true);
    const out = runtimeOps(ops, hw, 2);
    const self = named(out, 'spatial.attn')!, cross = named(out, 'spatial.cross.attn')!;
    expect(self.kernels).toBe(hw.runtime!.kernels.attentionScores!.kernels);
    expect(self.bytes).toBeGreaterThan(named(ops, 'spatial.attn')!.bytes);
    expect(cross.bytes).toBe(named(ops, 'spatial.cross.attn')!.bytes);
    expect(cross.kernels ?? 1).toBe(1);
    expect(cross.attn).toBeDefined();
  });
  it('a rotary embedding written out in Python moves bytes_per_element per element in its kernels', async () => {
    const hw = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('pytorch'));
    const rope = named(buildDitGraph(stdit(), shape, P, true), 'temporal.rope_q')!;
    const [r] = runtimeOps([rope], hw, 2);
    const k = hw.runtime!.kernels.rope!;
    expect(r!.kernels).toBe(k.kernels);
    expect(r!.bytes).toBeCloseTo((rope.bytes / 4) * k.bytesPerElement, 6);
  });
  it('a DiT step under eager PyTorch lasts at least its kernel count × the launch floor', async () => {
    const hw: NormalizedHardware = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('pytorch-math'));
    for (const [res, frames] of [[360, 1], [360, 51], [720, 51]] as const) {
      const r = simulate({ ...request('stdit3-xl-2', hw, { steps: 1, resolution: res, frames }) });
      const ops = runtimeOps(buildDitGraph(stdit(), { batch: 2, height: res, width: Math.round((res * 16) / 9 / 16) * 16, frames }, P, true), hw, 2);
      const kernels = ops.reduce((s, o) => s + (o.kernels ?? 1) * o.count, 0);
      expect(kernels).toBeGreaterThan(4000); // 28 × (spatial + temporal) blocks of 60-90 launches each
      expect(r.step_s!).toBeGreaterThanOrEqual(kernels * launchFloorS(hw) * (1 - 1e-12));
    }
  });
  it('classifier-free guidance doubles the denoiser batch (every GEMM sees twice the rows)', async () => {
    const hw = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('pytorch-math'));
    const run = (cfg: boolean) => simulate({ ...request('stdit3-xl-2', hw, { steps: 1, resolution: 360, frames: 51, cfg }), verbose: true });
    const on = run(true), off = run(false);
    const qkv = (r: typeof on) => r.ops!.find((o) => o.name === 'spatial.qkv')!.flops;
    expect(qkv(on)).toBe(2 * qkv(off));
    expect(on.step_s!).toBeGreaterThan(1.5 * off.step_s!);
  });
});

describe('MMDiT joint attention as diffusers runs it', () => {
  const flux = libraryModel('flux.1-dev-transformer') as DitModel;
  const sd3 = libraryModel('sd-3.5-large-mmdit') as DitModel;
  const s = { batch: 1, height: 1024, width: 1024, frames: 1 };
  it('concatenates the two streams’ q, k, v (three copies) and rotates q and k only where the model has RoPE (Flux, not SD3)', () => {
    const f = buildDitGraph(flux, s, P, true), d = buildDitGraph(sd3, s, P, true);
    expect(named(f, 'joint.cat_qkv')!.kernels).toBe(3);
    expect(named(d, 'joint.cat_qkv')).toBeDefined();
    for (const n of ['joint.rope_q', 'joint.rope_k', 'single.rope_q', 'single.rope_k']) expect(named(f, n)?.rope).toBe(true);
    expect(d.some((o) => o.rope)).toBe(false);
  });
  it('diffusers’ own apply_rotary_emb (fp32 intermediates) costs more than the fused kernel and more launches', async () => {
    const hw = bindRuntime(await loadHardware('h100-sxm'), libraryRuntime('diffusers'));
    expect(hw.runtime!.kernels.rope).toEqual({ kernels: 8, bytesPerElement: 52 });
    const ops = buildDitGraph(flux, s, P, true);
    const [r] = runtimeOps([named(ops, 'joint.rope_q')!], hw, 2);
    expect(r!.bytes).toBeCloseTo(13 * named(ops, 'joint.rope_q')!.bytes, 6); // 52 vs 4 bytes per element
  });
});

describe('SDXL UNet as diffusers launches it', () => {
  const unet = libraryModel('sdxl-unet') as DitModel;
  const ops = buildDitGraph(unet, { batch: 2, height: 1024, width: 1024, frames: 1 }, P, true);
  it('GroupNorm is PyTorch’s three kernels (moments, fused params, apply) plus a separate SiLU: 5 passes, 4 kernels', () => {
    const n = named(ops, 'down0.res0.norm1')!;
    expect(n.kernels).toBe(4);
    expect(n.bytes / (2 * 320 * 128 * 128 * 2)).toBeCloseTo(5, 9); // passes of the [2, 320, 128, 128] tensor
  });
  it('to_q, to_k, to_v are three GEMMs that each read the input; the skip connections are concatenated', () => {
    const qkv = ops.find((o) => o.name.endsWith('.attn1.qkv'))!;
    expect(qkv.kernels).toBe(3);
    expect(ops.some((o) => o.name.endsWith('.cat'))).toBe(true);
  });
  it('a UNet step under diffusers is at least its kernel count × the launch floor', async () => {
    const hw = bindRuntime(await loadHardware('a100-sxm4-80gb'), libraryRuntime('diffusers'));
    const r = simulate({ ...request('sdxl-unet', hw, { steps: 1, resolution: 1024 }) });
    const kernels = runtimeOps(ops, hw, 2).reduce((s, o) => s + (o.kernels ?? 1) * o.count, 0);
    expect(r.step_s!).toBeGreaterThanOrEqual(kernels * launchFloorS(hw) * (1 - 1e-12));
  });
});

// PyTorch SDPA's flash backend is FlashAttention-2, measured at 0.337 of an H200's peak (bench/gpu/h200-2026-12-04,
// section attention; the FlashAttention-3 paper's ~35%); the hardware default (0.6) is an FA3-class kernel. runtimes/pytorch.yaml by_architecture (hopper).
describe('the runtime’s attention kernel on the part (kernels.attention_efficiency)', () => {
  it('eager PyTorch and Diffusers get FA2’s measured 0.337 on Hopper parts; Ampere and other runtimes keep the hardware’s', async () => {
    for (const h of ['h100-sxm', 'h200-sxm', 'gh200', 'h800-sxm']) {
      for (const rt of ['pytorch', 'diffusers', 'pytorch-math']) expect(bindRuntime(await loadHardware(h), libraryRuntime(rt)).efficiency.attention).toBe(0.337);
    }
    const a100 = await loadHardware('a100-sxm4-80gb');
    expect(bindRuntime(a100, libraryRuntime('diffusers')).efficiency.attention).toBe(a100.efficiency.attention);
    const h100 = await loadHardware('h100-sxm');
    expect(bindRuntime(h100, libraryRuntime('tensorrt-llm')).efficiency.attention).toBe(h100.efficiency.attention);
  });
  it('by architecture: a Hopper part no runtime file names gets it, and a part of another architecture does not', async () => {
    const dir = scratch.write('h20.yaml', 'extends: h100-sxm\nid: my-h20\nname: My H20\nsources: ["test"]\n');
    const h20 = await resolveHardware(dir);
    expect(h20.architecture).toBe('hopper');
    expect(bindRuntime(h20, libraryRuntime('diffusers')).efficiency.attention).toBe(0.337);
    const other = await resolveHardware(scratch.write('b.yaml', 'extends: h100-sxm\nid: my-b\nname: My B\narchitecture: blackwell\nsources: ["test"]\n'));
    expect(bindRuntime(other, libraryRuntime('diffusers')).efficiency.attention).toBe(other.efficiency.attention);
    expect(other.efficiency.attention).not.toBe(0.337);
  });
  it('a fused attention op is priced at that fraction: Flux’s joint attention under Diffusers on an H100 takes 0.6/0.337 of the default', async () => {
    const h100 = await loadHardware('h100-sxm');
    const flux = libraryModel('flux.1-dev-transformer') as DitModel;
    const attn = named(buildDitGraph(flux, { batch: 1, height: 1024, width: 1024, frames: 1 }, P, true), 'joint.attn')!;
    const hw = bindRuntime(h100, libraryRuntime('diffusers'));
    const def = { ...hw, efficiency: { ...hw.efficiency, attention: h100.efficiency.attention } };
    const { opCost } = await import('../src/sim/roofline.js');
    expect(opCost(attn, hw).computeS / opCost(attn, def).computeS).toBeCloseTo(h100.efficiency.attention / 0.337, 9);
  });
});
