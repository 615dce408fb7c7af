// SGLang's DeepSeek model code runs q_a_proj + kv_a_proj_with_mqa as one GEMM (fused_qkv_a_proj_with_mqa) and, on
// NVIDIA (and gfx942 / gfx950) without expert parallelism, the shared expert as expert 256 of the routed MoE kernel (runtimes/sglang.yaml,
// src/sim/runtime-fusions.ts); the early-2025 releases (sglang-0.4) ran both apart.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { passOps } from '../src/sim/decoder.js';
import { opCost } from '../src/sim/roofline.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const lib = getLibrary();

function ops(id: string, hwId: string, runtime: string, T: number, opts: { ep?: number; attentionDp?: boolean } = {}) {
  const m = lib.models[id] as DecoderModel;
  const L = buildLayout(m, 8, 1, opts.ep, 8, opts.attentionDp ?? false);
  const p = resolvePrecision('fp8');
  const s = { prefillSeqs: 0, prefillLen: 1, decodeSeqs: T };
  return { fused: passOps(m, bound(hwId, runtime), L, p, s), graph: buildDecoderPass(m, L, p, s), hw: bound(hwId, runtime) };
}
const find = (os: { name: string }[], n: string) => os.find((o) => o.name === n);

describe('SGLang fuses the MLA A-projections and the shared expert of DeepSeek-V3', () => {
  it('q_a_proj and kv_a_proj run as one GEMM over the concatenated weights, on every vendor', () => {
    for (const hw of ['b200', 'mi300x']) {
      const { fused, graph } = ops('deepseek-v3', hw, 'sglang', 1);
      const q = find(fused, 'q_a_proj') as (typeof fused)[number];
      expect(find(fused, 'kv_a_proj')).toBeUndefined();
      expect(q.n).toBe(1536 + 512 + 64);
      const q0 = find(graph, 'q_a_proj')!;
      const kv0 = find(graph, 'kv_a_proj')!;
      expect(q.weightBytes).toBe(q0.weightBytes + kv0.weightBytes);
      expect(q.flops).toBe(q0.flops + kv0.flops);
      // the input row is read once, not twice
      expect(q.bytes).toBeLessThan(q0.bytes + kv0.bytes);
    }
  });

  it('the shared expert joins the routed grouped GEMMs as one more group with every token as its rows (NVIDIA, ep 1)', () => {
    for (const T of [1, 16, 100]) {
      const { fused, graph } = ops('deepseek-v3', 'b200', 'sglang', T);
      expect(find(fused, 'shared_up')).toBeUndefined();
      expect(find(fused, 'shared_down')).toBeUndefined();
      const up = find(fused, 'experts_up') as (typeof fused)[number];
      const up0 = find(graph, 'experts_up')!;
      const su0 = find(graph, 'shared_up')!;
      expect(up.groups).toBe(up0.groups! + 1);
      expect(up.flops).toBeCloseTo(up0.flops + su0.flops, 0);
      expect(up.weightBytes).toBeCloseTo(up0.weightBytes + su0.weightBytes, 0);
      expect(up.m! * up.groups!).toBeCloseTo(up0.m! * up0.groups! + T, 6);
    }
  });

  it('at one token the fused shared expert costs less than the two GEMMs it replaces on B200 (strip-per-CTA MoE)', () => {
    const { fused, graph, hw } = ops('deepseek-v3', 'b200', 'sglang', 1);
    const cost = (os: typeof fused, names: string[]) => os.filter((o) => names.includes(o.name)).reduce((s, o) => s + opCost(o, hw, 'decode').seconds, 0);
    const moe = ['experts_up', 'experts_down', 'shared_up', 'shared_down'];
    const before = cost(graph, moe);
    const after = cost(fused, moe);
    expect(after).toBeLessThan(before);
    // never cheaper than the routed experts alone
    expect(after).toBeGreaterThanOrEqual(cost(graph, ['experts_up', 'experts_down']) - 1e-12);
  });

  it('no shared-expert fusion under expert parallelism, on CDNA 2, for 384 routed experts (Kimi K2), or on sglang-0.4', () => {
    expect(find(ops('deepseek-v3', 'b200', 'sglang', 8, { ep: 8, attentionDp: true }).fused, 'shared_up')).toBeDefined();
    expect(find(ops('deepseek-v3', 'mi250x', 'sglang', 8).fused, 'shared_up')).toBeDefined();
    expect(find(ops('kimi-k2', 'b200', 'sglang', 8).fused, 'shared_up')).toBeDefined();
    const old = ops('deepseek-v3', 'b200', 'sglang-0.4', 8).fused;
    expect(find(old, 'shared_up')).toBeDefined();
    expect(find(old, 'kv_a_proj')).toBeDefined();
  });

  it('gfx942 / gfx950 fuse it too (sglang PR #12201: HIP capability >= (9, 4)); the 0.4 releases did not', () => {
    for (const hw of ['mi300x', 'mi325x', 'mi355x']) {
      const { fused, graph } = ops('deepseek-v3', hw, 'sglang', 8);
      expect(find(fused, 'shared_up'), hw).toBeUndefined();
      expect(find(fused, 'experts_up')!.groups, hw).toBe(find(graph, 'experts_up')!.groups! + 1);
      expect(find(ops('deepseek-v3', hw, 'sglang-0.4', 8).fused, 'shared_up'), hw).toBeDefined();
      expect(find(ops('deepseek-v3', hw, 'sglang-0.4.5', 8).fused, 'shared_up'), hw).toBeDefined();
      expect(find(ops('deepseek-v3', hw, 'sglang-0.4.10', 8).fused, 'shared_up'), hw).toBeDefined();
    }
  });

  it('other runtimes keep the graph as built', () => {
    const { fused, graph } = ops('deepseek-v3', 'b200', 'tensorrt-llm', 4);
    expect(fused.map((o) => o.name)).toEqual(graph.map((o) => o.name));
  });
});
