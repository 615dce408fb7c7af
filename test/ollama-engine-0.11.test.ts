// Ollama's Go engine of v0.11.0-v0.11.4 (runtimes/ollama-engine-0.11.yaml): gpt-oss's attention written out as ggml ops
// (f32 scores through scale, mask add, concat of the sinks, softmax and pad: 48 bytes a score), the prompt in 512-token
// graphs each against the cache view so far, every node of the Go graph its own Metal dispatch (vendored ggml-metal
// de4c07f9 fuses nothing).
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { ggmlKernelCounts } from '../src/sim/ggml-kernels.js';
import { writtenPrefillAttention, ubatchedWrittenPairs } from '../src/sim/written-prefill-attention.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';
import { bound } from './helpers/bound.js';

const HW = 'apple-m3-ultra';
const p = resolvePrecision('q4_0', undefined, undefined, undefined);
const gptoss = libraryModel('gpt-oss-20b') as DecoderModel;
const pass = (prefillLen: number, decodeSeqs: number) =>
  buildDecoderPass(gptoss, buildLayout(gptoss, 1, 1, 1, 1, false), p, { prefillSeqs: decodeSeqs ? 0 : 1, prefillLen, decodeSeqs });
const run = (rt: string, input: number, output = 64) =>
  simulate(buildRequest({ model: 'gpt-oss-20b', hardware: HW, dtype: 'q4_0', 'input-tokens': input, 'output-tokens': output, batch: 1 }, gptoss, bound(HW, rt), libraryModel));

describe('ollama-engine-0.11 (Go engine before flash attention for gpt-oss)', () => {
  it('a prompt in 512-token batches computes each batch against every cell before it plus its own', () => {
    expect(ubatchedWrittenPairs(1024, 512)).toBe(512 * 512 + 512 * 1024);
    expect(ubatchedWrittenPairs(1100, 512)).toBe(512 * 512 + 512 * 1024 + 76 * 1100);
    // a sliding-window layer: the window's cells before the batch plus the batch
    expect(ubatchedWrittenPairs(1536, 512, 128)).toBe(512 * 512 + 2 * 512 * 640);
    // the closed form against the batch-by-batch sum it stands for
    const loop = (L: number, u: number, w?: number) => {
      let s = 0;
      for (let done = 0; done < L; done += u) {
        const q = Math.min(u, L - done);
        s += q * ((w !== undefined ? Math.min(done, w) : done) + q);
      }
      return s;
    };
    for (const L of [1, 511, 512, 513, 1100, 4096, 8014])
      for (const w of [undefined, 128, 512, 700, 4096]) expect(ubatchedWrittenPairs(L, 512, w)).toBe(loop(L, 512, w));
    // between the causal half and the whole square
    const L = 8014;
    expect(ubatchedWrittenPairs(L, 512)).toBeGreaterThan((L * (L + 1)) / 2);
    expect(ubatchedWrittenPairs(L, 512)).toBeLessThan(L * L);
  });
  it('prices the written prompt scores per batch (48 bytes a score) and adds 48 bytes per cached token and query head to a decode step', () => {
    const hw = bound(HW, 'ollama-engine-0.11');
    const L = 4096;
    const fused = pass(L, 0).filter((o) => o.prefill);
    const w = writtenPrefillAttention(pass(L, 0), hw, 512).filter((o) => o.prefill);
    expect(w.length).toBe(fused.length);
    for (let i = 0; i < w.length; i++) {
      const pairs = ubatchedWrittenPairs(L, 512, fused[i]!.prefill!.window);
      expect(w[i]!.prefill!.pairs).toBe(pairs);
      expect(w[i]!.flops / fused[i]!.flops).toBeCloseTo(pairs / fused[i]!.prefill!.pairs, 9);
      const scores = w[i]!.flops / (2 * fused[i]!.prefill!.width!);
      expect(w[i]!.bytes - fused[i]!.bytes).toBeCloseTo(48 * scores, -3);
      expect(w[i]!.kernels).toBe(13);
    }
    const d0 = pass(1, 1).filter((o) => o.kind === 'attention');
    const d1 = writtenPrefillAttention(pass(1, 1), hw).filter((o) => o.kind === 'attention');
    expect(d0.length).toBeGreaterThan(0);
    for (let i = 0; i < d0.length; i++) expect(d1[i]!.bytesPerCtx - d0[i]!.bytesPerCtx).toBeCloseTo(gptoss.heads * 48, 9);
    // a runtime without written scores leaves both as built
    const fa = bound(HW, 'ollama-engine');
    expect(writtenPrefillAttention(pass(L, 0), fa, 512).filter((o) => o.prefill).map((o) => o.flops)).toEqual(fused.map((o) => o.flops));
  });
  it('every node of the Go gpt-oss graph is a Metal dispatch: 48 kernels a layer', () => {
    const perLayer = (rt: string) =>
      ggmlKernelCounts(pass(1, 1), bound(HW, rt)).filter((o) => o.count === gptoss.layers || o.name.startsWith('attention')).reduce((s, o) => s + (o.kernels ?? 1) * o.count, 0) / gptoss.layers;
    expect(perLayer('ollama-engine-0.11')).toBe(48);
  });
  it('end to end: a longer prompt costs more per token and decode slows faster with context than under flash attention', () => {
    const a = run('ollama-engine-0.11', 2048), b = run('ollama-engine-0.11', 8192);
    const fa2 = run('ollama-engine', 2048), fa8 = run('ollama-engine', 8192);
    expect(b.ttft_s / 8192).toBeGreaterThan(a.ttft_s / 2048);
    expect(b.ttft_s).toBeGreaterThan(fa8.ttft_s);
    expect(b.tpot_s! - a.tpot_s!).toBeGreaterThan(fa8.tpot_s! - fa2.tpot_s!);
  });
});
