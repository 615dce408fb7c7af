// The decode-step cache copies of Hugging Face transformers' generate() (src/sim/cache-copies.ts): DynamicCache grows
// by torch.cat (kernels.kv_append: copy, a read and a write of every layer's cache per step), and transformers 4.46's
// Qwen2 FlashAttention2 expands the cache to every query head with repeat_kv before the attention call
// (kernels.kv_repeat: materialized, runtimes/transformers-4.46.yaml): n_rep copies written and read per step.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { passOps } from '../src/sim/decoder.js';
import { simulate } from '../src/sim/simulate.js';
import type { DecoderModel, NormalizedHardware } from '../src/spec/types.js';
import type { GraphOp, PassShape } from '../src/model/decoder-graph.js';
import { bound } from './helpers/bound.js';
import { request } from './helpers/nondecoder-fixtures.js';

const lib = getLibrary();
const qwen = lib.models['qwen2.5-7b'] as DecoderModel; // 28 query heads over 4 KV heads: n_rep 7
const DECODE: PassShape = { prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 };

function ops(hw: NormalizedHardware): GraphOp[] {
  return passOps(qwen, hw, buildLayout(qwen, 1, 1, undefined, 1), resolvePrecision('bf16'), DECODE);
}
const find = (o: GraphOp[], n: string) => o.find((x) => x.name === n);

describe('transformers decode-step cache copies', () => {
  it('kv_append copy: a torch.cat of K and V before each decode attention, twice the bytes the attention reads per context token', () => {
    const o = ops(bound('a100-sxm4-80gb', 'transformers'));
    const attn = find(o, 'attention_decode')!;
    const cat = find(o, 'kv_append')!;
    expect(cat.bytesPerCtx).toBeCloseTo(2 * attn.bytesPerCtx, 6);
    expect(cat.count).toBe(attn.count);
    expect(cat.kernels).toBe(2);
    expect(find(o, 'kv_repeat')).toBeUndefined();
    expect(attn.queriesPerKv).toBe(7);
    // a serving runtime appends in place: no copy
    expect(find(ops(bound('a100-sxm4-80gb', 'vllm-0.6')), 'kv_append')).toBeUndefined();
  });

  it('kv_repeat materialized: n_rep copies written, the attention reading them as multi-head attention', () => {
    const plain = find(ops(bound('a100-sxm4-80gb', 'transformers')), 'attention_decode')!;
    const o = ops(bound('a100-sxm4-80gb', 'transformers-4.46'));
    const rep = find(o, 'kv_repeat')!;
    const attn = find(o, 'attention_decode')!;
    expect(rep.bytesPerCtx).toBeCloseTo(8 * plain.bytesPerCtx, 6); // read once, 7 copies written
    expect(attn.bytesPerCtx).toBeCloseTo(7 * plain.bytesPerCtx, 6);
    expect(attn.queriesPerKv).toBe(1);
    const names = o.map((x) => x.name);
    expect(names.indexOf('kv_append')).toBeLessThan(names.indexOf('kv_repeat'));
    expect(names.indexOf('kv_repeat')).toBe(names.indexOf('attention_decode') - 1);
  });

  it('the repeat costs in proportion to the context: a 30k-token prompt slows every decode step, a 1-token one does not', () => {
    const run = (rt: string, input: number) =>
      simulate(request('qwen2.5-7b', bound('a100-sxm4-80gb', rt), { inputTokens: input, outputTokens: 2048 }));
    const shortNew = run('transformers-4.46', 1).e2e_s!;
    const shortOld = run('transformers', 1).e2e_s!;
    const longNew = run('transformers-4.46', 30720).e2e_s!;
    const longOld = run('transformers', 30720).e2e_s!;
    expect(shortNew).toBeCloseTo(shortOld, 3);
    // per decode step: ~1.8 GB of cache at 31k tokens, 7 copies written and read (~26 GB) on a 2 TB/s part
    expect((longNew - longOld) / 2048).toBeGreaterThan(0.008);
    expect((longNew - longOld) / 2048).toBeLessThan(0.03);
  });
});
