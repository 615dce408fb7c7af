// Under tensor parallelism the LM head is split over the vocabulary (each rank makes [seqs, vocab/tp] logits), and the
// sampler needs the whole row: the engines gather the slices once a step, in the model dtype, before sampling (vLLM
// LogitsProcessor._gather_logits, SGLang LogitsProcessor, DeepSpeed-FastGen _forward_unembed, TensorRT-LLM's lm_head
// ColumnLinear(gather_output=True)). src/model/decoder-graph.ts prices it as one all-gather of seqs x vocab x the
// activation bytes over the tp ranks; none at tp 1 or where attention is data-parallel (each rank keeps its whole head).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { collectiveSeconds, costPass } from '../src/sim/decoder.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const llama = lib.models['llama-2-70b'] as DecoderModel;
const qwen = lib.models['qwen3-235b-a22b'] as DecoderModel;
const pass = (m: DecoderModel, tp: number, decodeSeqs: number, attentionDp = false) =>
  buildDecoderPass(m, buildLayout(m, tp, 1, undefined, undefined, attentionDp), resolvePrecision('bf16'), { prefillSeqs: 0, prefillLen: 0, decodeSeqs });

describe('the logits gather of a tensor-parallel head', () => {
  it('one all-gather a step of seqs x vocab x 2 bytes over the tp ranks, after the head and before sampling', () => {
    for (const [tp, seqs] of [[2, 1], [8, 256]] as const) {
      const o = pass(llama, tp, seqs);
      const g = o.find((x) => x.name === 'logits_gather')!;
      expect(g.kind).toBe('collective');
      expect(g.count).toBe(1);
      expect(g.comm).toEqual({ kind: 'allgather', bytes: seqs * llama.vocab * 2, group: tp, scope: 'scale_up' });
      const names = o.map((x) => x.name);
      expect(names.indexOf('lm_head')).toBeLessThan(names.indexOf('logits_gather'));
      expect(names.indexOf('logits_gather')).toBeLessThan(names.indexOf('sampling'));
    }
  });
  it('none on one device, none where attention is data-parallel (the head is whole on each rank)', () => {
    expect(pass(llama, 1, 256).some((x) => x.name === 'logits_gather')).toBe(false);
    expect(pass(qwen, 8, 256, true).some((x) => x.name === 'logits_gather')).toBe(false);
    expect(pass(qwen, 8, 256).some((x) => x.name === 'logits_gather')).toBe(true);
  });
  it('a captured decode step grows by its collective time: grows with the batch, ~0.1 ms at 256 rows of a 32K vocabulary on 8 A100s', () => {
    const a100 = bindRuntime(lib.hardware['a100-sxm4-80gb']!, libraryRuntime('vllm-0.5'));
    const t = (seqs: number) => collectiveSeconds(a100, 'allgather', seqs * llama.vocab * 2, 8);
    expect(t(256)).toBeGreaterThan(t(16));
    expect(t(256)).toBeGreaterThan(50e-6);
    expect(t(256)).toBeLessThan(300e-6);
    const o = pass(llama, 8, 256);
    const without = o.filter((x) => x.name !== 'logits_gather');
    const d = costPass(o, a100, 0, 0, 'decode').seconds - costPass(without, a100, 0, 0, 'decode').seconds;
    expect(d).toBeCloseTo(t(256), 9);
  });
});
