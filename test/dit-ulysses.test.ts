// A diffusion transformer on --tp N devices runs Ulysses sequence parallel (src/model/ulysses.ts): each device holds
// N/sp tokens and all weights, attends over every token for heads/sp heads, and pays four all-to-alls per attention;
// the pipeline's VAE decodes patch parallel on the same devices. And fp8 / MXFP4 attention on gfx950 runs at its own
// measured fraction (hardware efficiency.attention_by_dtype), not at the 16-bit fraction of a 2-4x higher peak.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { buildDitGraph } from '../src/model/dit-graph.js';
import { opCost } from '../src/sim/roofline.js';
import { matrixPeak } from '../src/sim/roofline.js';
import type { DitModel } from '../src/spec/types.js';

const lib = getLibrary();
const prec = { compute: 'bf16', weightBytes: 2, actBytes: 2 } as const;
const wanDit = lib.models['wan-2.1-t2v-14b-dit'] as DitModel;
const shape = { batch: 2, height: 720, width: 1280, frames: 81 }; // 75,600 tokens, CFG batch 2
const run = (model: string, hw: string, extra: Record<string, string> = {}) =>
  simulate(buildRequest({ model, hardware: hw, resolution: '720', frames: '81', steps: '20', dtype: 'fp8', runtime: 'pytorch', ...extra }, lib.models[model]!, lib.hardware[hw]!, (id) => lib.models[id]!));

describe('Ulysses graph of one device', () => {
  const whole = buildDitGraph(wanDit, shape, prec as never, true);
  const part = buildDitGraph(wanDit, shape, prec as never, true, 8);
  const op = (ops: typeof whole, name: string) => ops.find((o) => o.name === name)!;
  it('per-token GEMMs run N/8 tokens; the self-attention keeps every token for 5 of 40 heads; cross-attention its own queries', () => {
    expect(op(part, 'block.qkv').m).toBe(op(whole, 'block.qkv').m! / 8);
    expect(op(part, 'block.attn').flops).toBeCloseTo(op(whole, 'block.attn').flops / 8, -3);
    expect(op(part, 'block.attn').attn).toEqual(op(whole, 'block.attn').attn); // 75,600 × 75,600 tiles
    expect(op(part, 'block.cross.attn').flops).toBeCloseTo(op(whole, 'block.cross.attn').flops / 8, -3);
    expect(op(part, 'block.cross.kv').flops).toBe(op(whole, 'block.cross.kv').flops); // the caption on every device
  });
  it('four all-to-alls per layer of the device token share (2 · 9,450 tokens × 5120 × 2 B), one latent all-gather', () => {
    const a2a = op(part, 'block.attn.ulysses_a2a');
    expect(a2a.count).toBe(4 * 40);
    expect(a2a.comm).toEqual({ kind: 'alltoall', bytes: 2 * 9450 * 5120 * 2, group: 8, scope: 'scale_up' });
    expect(part.filter((o) => o.kind === 'collective').map((o) => o.name)).toEqual(['block.attn.ulysses_a2a', 'ulysses_gather']);
    expect(whole.some((o) => o.kind === 'collective')).toBe(false);
  });
});

describe('simulate: a DiT pipeline on --tp 8', () => {
  const one = run('wan-2.1-t2v-14b', 'b200');
  const eight = run('wan-2.1-t2v-14b', 'b200', { tp: '8' });
  it('one video on 8 devices: faster than 1/8 of one device plus nothing, slower than 1/8 (the exchange is exposed)', () => {
    expect(eight.tp).toBe(8);
    expect(eight.devices).toBe(8);
    expect(eight.replicas).toBe(1);
    expect(eight.latency_s!).toBeGreaterThan(one.latency_s! / 8);
    expect(eight.latency_s!).toBeLessThan(one.latency_s! / 6);
    expect(eight.phases.some((p) => p.comm_s > 0)).toBe(true);
    expect(eight.warnings.filter((w) => /parallelism is not modelled/.test(w))).toEqual([]);
  });
  it('the replica does the same work: energy per video within a few % of one device (all 8 devices counted)', () => {
    const e1 = one.energy_j_per_run!, e8 = eight.energy_j_per_run!;
    expect(e8 / e1).toBeGreaterThan(0.97);
    expect(e8 / e1).toBeLessThan(1.15);
    expect(eight.work!.devices).toBe(8);
  });
  it('the VAE decodes patch parallel on the same devices', () => {
    const vae = (r: typeof one) => r.stages!.find((s) => s.model === 'wan-2.1-vae')!.latency_s!;
    expect(vae(eight)).toBeLessThan(vae(one) / 4);
    expect(vae(eight)).toBeGreaterThanOrEqual(vae(one) / 8);
  });
  it('more devices than one group are replicas; a --devices that is not a multiple is refused', () => {
    const sixteen = run('wan-2.1-t2v-14b', 'b200', { tp: '8', devices: '16' });
    expect(sixteen.replicas).toBe(2);
    expect(sixteen.latency_s).toBeCloseTo(eight.latency_s!, 9);
    // two groups make two videos at once: the pipeline's throughput counts its replicas (as a bare DiT's does)
    expect(sixteen.images_per_s!).toBeCloseTo(2 * eight.images_per_s!, 9);
    const dp2 = run('wan-2.1-t2v-14b', 'b200', { devices: '2' });
    expect(dp2.images_per_s!).toBeCloseTo(2 * one.images_per_s!, 9);
    expect(() => run('wan-2.1-t2v-14b', 'b200', { tp: '8', devices: '12' })).toThrow(/not a multiple of --tp 8/);
  });
  it('a --tp that does not divide the heads stays data parallel and says why', () => {
    const three = run('wan-2.1-t2v-14b', 'b200', { tp: '3' });
    expect(three.tp).toBe(1);
    expect(three.latency_s).toBeCloseTo(one.latency_s!, 9);
    expect(three.warnings.some((w) => /needs --tp to divide the 40 heads/.test(w))).toBe(true);
  });
  it('an MMDiT (Flux, 24 heads) splits too: image tokens sharded, text on every device', () => {
    const f1 = run('flux.1-dev', 'h100-sxm', { resolution: '1024', frames: '1', steps: '28', dtype: 'bf16' });
    const f4 = run('flux.1-dev', 'h100-sxm', { resolution: '1024', frames: '1', steps: '28', dtype: 'bf16', tp: '4' });
    expect(f4.tp).toBe(4);
    expect(f4.latency_s!).toBeLessThan(f1.latency_s! / 2);
    expect(f4.latency_s!).toBeGreaterThan(f1.latency_s! / 4);
  });
});

describe('attention_by_dtype: AITER fp8 / MXFP4 FMHA on gfx950 (ROCm/aiter PR #3495)', () => {
  const hw = lib.hardware['mi355x']!;
  const attn = (dtype: 'bf16' | 'fp8' | 'fp4') => ({ name: 'a', kind: 'attention' as const, flops: 4 * 5 * 75_600 * 75_600 * 128, bytes: 1e8, weightBytes: 0, dtype, count: 1, attn: { q: 75_600, kv: 75_600, headDim: 128 } });
  const rate = (dtype: 'bf16' | 'fp8' | 'fp4') => attn(dtype).flops / opCost(attn(dtype), hw).computeS;
  it('MXFP4 runs at 0.219 of the fp4 peak (2.2 PFLOP/s: the row\'s 6.626 ms), fp8 at 0.406, bf16 keeps 0.50', () => {
    expect(rate('fp4') / matrixPeak(hw, 'fp4').flopPerS).toBeCloseTo(0.219, 2);
    expect(rate('fp8') / matrixPeak(hw, 'fp8').flopPerS).toBeCloseTo(0.406, 2);
    expect(rate('bf16') / matrixPeak(hw, 'bf16').flopPerS).toBeCloseTo(0.5, 2);
    expect(rate('fp4') / rate('bf16')).toBeLessThan(2); // not the 4x of the peaks
  });
});
