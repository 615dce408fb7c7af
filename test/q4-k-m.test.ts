// llama.cpp's Q4_K_M mixture (src/model/q4-k-m.ts): Q4_K blocks, Q6_K for the LM head and for half of the layers'
// attn_v and ffn_down. The bytes it gives a model are checked against published GGUF file sizes, which the mixture
// rules were not fitted to (they are llama-quant.cpp's).
import { describe, expect, it } from 'vitest';
import { libraryModel } from '../src/spec/library.js';
import { resolvePrecision } from '../src/model/quant.js';
import { Q4_K_M_FFN_BITS, q4kmAttentionBits } from '../src/model/q4-k-m.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { bound } from './helpers/bound.js';
import type { DecoderModel } from '../src/spec/types.js';

const run = (model: string, dtype: string, hw = 'rtx-4090') =>
  simulate(buildRequest({ model, hardware: hw, dtype, 'input-tokens': 1, 'output-tokens': 128, batch: 1 }, libraryModel(model), bound(hw, 'llama.cpp'), libraryModel));
const GiB = 2 ** 30;

describe('Q4_K_M weight bytes', () => {
  it('matches published file sizes to within 1%', () => {
    // TheBloke/Llama-2-7B-GGUF llama-2-7b.Q4_K_M.gguf 4.08 GB; llama-bench "size" of the rows' files (GiB):
    // Llama-3.3-70B 39.59 GiB (row N451), Llama-3.2-3B 1.87 GiB (N426), Qwen2.5-7B 4.36 GiB (N954)
    const cases: [string, number][] = [['llama-2-7b', 4.08e9], ['llama-3.3-70b', 39.59 * GiB], ['llama-3.2-3b', 1.87 * GiB], ['qwen2.5-7b', 4.36 * GiB]];
    for (const [model, bytes] of cases) {
      const w = run(model, 'q4_k_m', 'apple-m3-ultra').memory.weights_bytes;
      expect(Math.abs(w / bytes - 1), model).toBeLessThan(0.01);
    }
  });

  it('is 4.84 bits per FFN weight, with a 6.5625-bit Q6_K head, and wider attention where v is a larger share', () => {
    expect(Q4_K_M_FFN_BITS).toBeCloseTo((4.5 + 4.5 + (6.5625 + 4.5) / 2) / 3, 10);
    expect(resolvePrecision('q4_k_m').headBits).toBe(6.5625);
    const mha = q4kmAttentionBits(libraryModel('llama-2-7b') as DecoderModel);
    const gqa = q4kmAttentionBits(libraryModel('llama-3.1-8b') as DecoderModel);
    expect(mha).toBeGreaterThan(gqa);
    expect(gqa).toBeGreaterThan(4.5);
  });

  it('makes batch-1 decode slower than q4_0 by about the extra bytes, never faster', () => {
    const a = run('llama-2-7b', 'q4_0').tpot_s!;
    const b = run('llama-2-7b', 'q4_k_m').tpot_s!;
    expect(b).toBeGreaterThan(a);
    expect(b / a).toBeLessThan(4.08 / 3.83 + 0.02);
  });

  it('is a weight format, not a KV-cache type', () => {
    expect(() => resolvePrecision('q4_0', undefined, undefined, 'q4_k_m')).toThrow(/not a KV-cache type/);
    expect(resolvePrecision('q4_k_m').kvCache).toBe('fp16');
    expect(resolvePrecision('q4_k_m').gguf).toBe(true);
  });
});
