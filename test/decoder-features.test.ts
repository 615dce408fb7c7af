// Decoder family features of the second-round library: sliding-window and chunked attention (KV cache, prefill
// pairs, decode attention over the attended context), attention sinks, QK-norm, Gemma's sandwich norms and
// interleaved MoE. Counts are pinned against the released checkpoints in test/params-second-round.test.ts.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { costPass } from '../src/sim/decoder.js';
import { kvBytesForContext, kvBytesPerToken } from '../src/sim/memory.js';
import { contextPieces, layerAttentionCounts, moeLayerCount, prefillPairs, type LocalWindow } from '../src/model/layer-kinds.js';
import { countParams } from '../src/model/params.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const model = (id: string) => lib.models[id] as DecoderModel;
const h100 = lib.hardware['h100-sxm']!;
const bf16 = resolvePrecision('bf16');
// the same model with every layer attending fully (what the window features change)
const fullAttention = (m: DecoderModel): DecoderModel => ({ ...m, attention: m.attention ? { ...m.attention, layer_types: undefined } : undefined });

describe('layer kinds', () => {
  it('gpt-oss alternates sliding and full layers from layer 0; Gemma 3 has 5 local : 1 global; Llama 4 3 chunked : 1 global', () => {
    expect(layerAttentionCounts(model('gpt-oss-120b'))).toEqual({ full: 18, sliding: 18, chunked: 0 });
    expect(layerAttentionCounts(model('gpt-oss-20b'))).toEqual({ full: 12, sliding: 12, chunked: 0 });
    // 62 layers: 10 full groups of 6 (50 local, 10 global) + layers 60, 61 local
    expect(layerAttentionCounts(model('gemma-3-27b'))).toEqual({ full: 10, sliding: 52, chunked: 0 });
    expect(layerAttentionCounts(model('llama-4-scout'))).toEqual({ full: 12, sliding: 0, chunked: 36 });
    expect(layerAttentionCounts(model('llama-3.1-8b'))).toEqual({ full: 32, sliding: 0, chunked: 0 });
  });

  it('interleaved MoE: Maverick has 24 MoE layers (1, 3, …, 47), Scout 48, DeepSeek-V3 58 after 3 dense', () => {
    expect(moeLayerCount(model('llama-4-maverick'))).toBe(24);
    expect(moeLayerCount(model('llama-4-scout'))).toBe(48);
    expect(moeLayerCount(model('deepseek-v3'))).toBe(58);
    expect(moeLayerCount(model('kimi-k2'))).toBe(60);
    // brute force of HF's rule: layer i is MoE iff i ≥ dense_layers and (i + 1) % every == 0
    const brute = (layers: number, first: number, every: number) => Array.from({ length: layers }, (_, i) => i).filter((i) => i >= first && (i + 1) % every === 0).length;
    for (const [layers, first, every] of [[48, 0, 2], [61, 3, 1], [10, 3, 2], [7, 0, 3], [9, 4, 4]] as const) {
      const m = { ...model('llama-4-maverick'), layers, moe: { ...model('llama-4-maverick').moe!, dense_layers: first, every } };
      expect(moeLayerCount(m), `${layers}/${first}/${every}`).toBe(brute(layers, first, every));
    }
  });

  it('prefill pairs match a brute-force count of the causal (windowed / chunked) mask', () => {
    const brute = (w: LocalWindow | undefined, L: number) => {
      let n = 0;
      for (let i = 0; i < L; i++) for (let j = 0; j <= i; j++) {
        if (!w) n++;
        else if (w.kind === 'sliding' ? i - j < w.size : Math.floor(i / w.size) === Math.floor(j / w.size)) n++;
      }
      return n;
    };
    for (const w of [undefined, { kind: 'sliding', size: 7 }, { kind: 'chunked', size: 5 }] as (LocalWindow | undefined)[]) {
      for (const L of [1, 3, 5, 7, 8, 13, 40]) expect(prefillPairs(w, L), `${w?.kind} ${L}`).toBe(brute(w, L));
    }
  });

  it('context pieces give the exact mean attended context over [c0, c1] (sliding min(c, W), chunked c mod C)', () => {
    const mean = (w: LocalWindow, c0: number, c1: number) => contextPieces(w, c0, c1).reduce((s, q) => s + q.weight * (q.e0 + (q.e0 + q.slope * (q.b - q.a))) / 2, 0);
    const numeric = (f: (c: number) => number, c0: number, c1: number) => {
      const n = 400000;
      let s = 0;
      for (let i = 0; i < n; i++) s += f(c0 + ((i + 0.5) / n) * (c1 - c0));
      return s / n;
    };
    const cases: [number, number][] = [[0, 100], [50, 5000], [200, 300], [10, 60000], [8192, 8192 * 3], [9000, 9100]];
    for (const [c0, c1] of cases) {
      expect(mean({ kind: 'sliding', size: 128 }, c0, c1)).toBeCloseTo(numeric((c) => Math.min(c, 128), c0, c1), 2);
      expect(mean({ kind: 'chunked', size: 8192 }, c0, c1) / numeric((c) => c % 8192, c0, c1)).toBeCloseTo(1, 4);
    }
  });
});

describe('sliding-window and chunked attention change KV bytes and decode attention', () => {
  it('gpt-oss-120b KV cache at 32k context: 18 full layers × 32768 + 18 sliding layers × 128 tokens', () => {
    const m = model('gpt-oss-120b');
    const L = buildLayout(m, 1, 1, undefined, undefined);
    const perLayerToken = 2 * 8 * 64 * 2; // K and V, 8 KV heads × 64 dims, bf16
    expect(kvBytesForContext(m, L, bf16, 32768)).toBe(perLayerToken * (18 * 32768 + 18 * 128));
    // full attention everywhere would hold every token in every layer
    expect(kvBytesForContext(fullAttention(m), L, bf16, 32768)).toBe(kvBytesPerToken(m, L, bf16) * 32768);
    // below the window the two agree
    expect(kvBytesForContext(m, L, bf16, 100)).toBe(kvBytesPerToken(m, L, bf16) * 100);
  });

  it('Llama 4 chunked layers hold at most one 8192-token block; Gemma 3 local layers 1024 tokens', () => {
    const s = model('llama-4-scout');
    const Ls = buildLayout(s, 1, 1, undefined, undefined);
    const per = 2 * 8 * 128 * 2;
    expect(kvBytesForContext(s, Ls, bf16, 100000)).toBe(per * (12 * 100000 + 36 * 8192));
    const g = model('gemma-3-27b');
    const Lg = buildLayout(g, 1, 1, undefined, undefined);
    expect(kvBytesForContext(g, Lg, bf16, 65536)).toBe(2 * 16 * 128 * 2 * (10 * 65536 + 52 * 1024));
  });

  it('decode at long context: local layers cost a constant, full layers grow; the step is cheaper than all-full', () => {
    const m = model('gpt-oss-120b');
    const L = buildLayout(m, 1, 1, undefined, undefined);
    const shape = { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 64 };
    const ops = buildDecoderPass(m, L, bf16, shape);
    const names = ops.filter((o) => o.kind === 'attention').map((o) => o.name);
    expect(names).toEqual(['attention_decode', 'attention_decode_sliding']);
    const at = (c: number, mm: DecoderModel) => costPass(buildDecoderPass(mm, L, bf16, shape), h100, c, c, 'decode', undefined, true).rows!;
    const slidingBytes = (c: number) => at(c, m).find((r) => r.name === 'attention_decode_sliding')!.bytes;
    // sliding layers read 128 tokens of KV whatever the context beyond the window
    expect(slidingBytes(4096)).toBe(slidingBytes(60000));
    expect(slidingBytes(100)).toBeLessThan(slidingBytes(128));
    const total = (rows: { seconds: number }[]) => rows.reduce((s, r) => s + r.seconds, 0);
    expect(total(at(60000, m))).toBeLessThan(total(at(60000, fullAttention(m))));
    // equal where the window covers the whole context
    expect(total(at(64, m))).toBeCloseTo(total(at(64, fullAttention(m))), 12);
  });

  it('an integrated decode range equals the mean of point costs for the windowed op (sawtooth of chunked layers)', () => {
    const m = model('llama-4-scout');
    const L = buildLayout(m, 1, 1, undefined, undefined);
    const ops = () => buildDecoderPass(m, L, bf16, { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 256 }).filter((o) => o.name === 'attention_decode_chunked');
    const c0 = 1000, c1 = 30000;
    const range = costPass(ops(), h100, c0, c1, 'decode').seconds;
    let s = 0;
    const n = 3000;
    for (let i = 0; i < n; i++) s += costPass(ops(), h100, c0 + ((i + 0.5) / n) * (c1 - c0), c0 + ((i + 0.5) / n) * (c1 - c0), 'decode').seconds;
    expect(range / (s / n)).toBeCloseTo(1, 2);
  });

  it('prefill attention FLOPs of sliding layers grow linearly past the window (gpt-oss, 16k prompt)', () => {
    const m = model('gpt-oss-20b');
    const L = buildLayout(m, 1, 1, undefined, undefined);
    const pass = (len: number) => buildDecoderPass(m, L, bf16, { prefillSeqs: 1, prefillLen: len, decodeSeqs: 0 });
    const fl = (len: number, name: string) => pass(len).find((o) => o.name === name)!.flops;
    const ratioSliding = fl(16384, 'attention_prefill_sliding') / fl(8192, 'attention_prefill_sliding');
    const ratioFull = fl(16384, 'attention_prefill') / fl(8192, 'attention_prefill');
    expect(ratioSliding).toBeCloseTo((128 * 129 / 2 + (16384 - 128) * 128) / (128 * 129 / 2 + (8192 - 128) * 128), 9);
    expect(ratioFull).toBeCloseTo((16384 * 16385) / (8192 * 8193), 9);
  });

  it('simulate: gpt-oss-120b on one B200 serves more requests at 32k context than the same model with full attention', () => {
    const b200 = lib.hardware['b200']!;
    const flags = { model: 'gpt-oss-120b', hardware: 'b200', dtype: 'fp8', 'input-tokens': 30000, 'output-tokens': 2000, batch: 'max' };
    const real = simulate(buildRequest(flags, model('gpt-oss-120b'), b200, (id) => lib.models[id]!));
    const full = simulate(buildRequest(flags, fullAttention(model('gpt-oss-120b')), b200, (id) => lib.models[id]!));
    expect(real.memory.kv_cache_bytes / real.batch).toBeLessThan(0.51 * (full.memory.kv_cache_bytes / full.batch));
    expect(real.batch).toBeGreaterThan(full.batch);
    expect(real.throughput_tok_s!).toBeGreaterThan(full.throughput_tok_s!);
  });
});

describe('small parameter groups of the new features', () => {
  const p = (id: string) => countParams(lib.models[id]!, (x) => lib.models[x]!);
  it('attention sinks: one logit per head per layer (gpt-oss-120b: 36 × 64)', () => {
    const m = model('gpt-oss-120b');
    const without = countParams({ ...m, attention: { ...m.attention!, sinks: false } });
    expect(p('gpt-oss-120b').total - without.total).toBe(36 * 64);
  });
  it('QK-norm: 2 × head_dim RMSNorm weights per layer (Qwen3-8B: 36 × 256); Llama 4 L2 norm has none', () => {
    const m = model('qwen3-8b');
    expect(p('qwen3-8b').total - countParams({ ...m, attention: undefined }).total).toBe(36 * 256);
    const s = model('llama-4-scout');
    expect(countParams({ ...s, attention: { ...s.attention!, qk_norm: 'none' } }).total).toBe(p('llama-4-scout').total);
  });
  it("Gemma's sandwich norms: two more RMSNorms per layer (62 × 2 × 5376); tied embeddings add no head", () => {
    const g = model('gemma-3-27b');
    expect(p('gemma-3-27b').total - countParams({ ...g, post_norms: false }).total).toBe(62 * 2 * 5376);
    expect(p('gemma-3-27b').breakdown.lm_head).toBeUndefined();
  });
  it('router bias: one per expert per MoE layer (gpt-oss-20b: 24 × 32)', () => {
    const m = model('gpt-oss-20b');
    expect(p('gpt-oss-20b').total - countParams({ ...m, moe: { ...m.moe!, router_bias: false } }).total).toBe(24 * 32);
  });
});

describe('bad feature input is one line naming the field', () => {
  it('sliding layers without a window, chunked layers without a chunk, an mmdit without text tokens, a unet without depths', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadSpecFile } = await import('../src/spec/load.js');
    const { formatIssue } = await import('../src/spec/errors.js');
    const dir = mkdtempSync(join(tmpdir(), 'hwperf-features-'));
    const base = 'id: t\nname: T\nfamily: decoder\nhidden: 256\nlayers: 4\nheads: 8\nkv_heads: 2\nffn: {kind: gated, intermediate: 1024}\nvocab: 1000\nsources: [test]\n';
    const cases: [string, string, RegExp][] = [
      ['a.yaml', base + 'attention: {kind: gqa, layer_types: [sliding, full]}\n', /attention\.layer_types.*sliding_window/],
      ['b.yaml', base + 'attention: {kind: gqa, layer_types: [chunked, full]}\n', /attention\.layer_types.*attention\.chunk/],
      ['c.yaml', base + 'attention: {kind: gqa, layer_types: [local]}\n', /attention\.layer_types/],
      ['d.yaml', base + 'moe: {experts: 4, active: 1, every: 0}\n', /moe\.every.*(≥ 1|between 1 and)/],
      ['g.yaml', base + 'moe: {experts: 8, active: 2, expert_groups: 4}\n', /moe\.expert_groups without moe\.topk_groups/],
      ['h.yaml', base + 'moe: {experts: 8, active: 2, expert_groups: 4, topk_groups: 5}\n', /moe\.topk_groups.*exceeds expert_groups/],
      ['i.yaml', base + 'moe: {experts: 8, active: 2, expert_groups: 3, topk_groups: 2}\n', /moe\.expert_groups.*does not divide the 8 experts/],
      ['e.yaml', 'id: e\nname: E\nfamily: dit\narchitecture: mmdit\nhidden: 64\nlayers: 2\nheads: 4\npatch: 2\nsources: [test]\n', /cross_attention/],
      ['f.yaml', 'id: f\nname: F\nfamily: dit\narchitecture: unet\nunet: {channels: [32, 64], transformer_depth: [1]}\nsources: [test]\n', /unet\.transformer_depth/],
    ];
    for (const [name, text, re] of cases) {
      const p = join(dir, name);
      writeFileSync(p, text);
      const lines = (await loadSpecFile(p)).errors.map(formatIssue);
      expect(lines.length, `${name}: ${lines.join(' | ')}`).toBeGreaterThan(0);
      expect(lines.join('\n'), name).toMatch(re);
      for (const l of lines) expect(l, name).not.toMatch(/\n|NaN|undefined/);
    }
  });
});
