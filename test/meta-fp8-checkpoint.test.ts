// Meta's FP8 release of Llama 3.1 405B (fp8_mixed, HF fbgemm_fp8) quantizes only the FFN of layers 1..n-2
// (meta-llama/llama-models models/llama3/quantization/loader.py): attention, embeddings, LM head and the first and last
// FFN stay bf16. The model llama-3.1-405b-meta-fp8 says so (unquantized, dtype: fp8), so an fp8 run keeps
// them 16-bit, in the graph and in the weight memory. Check against the engine's own log (not an input): vLLM 0.6.3
// printed "Loading model weights took 56.7677 GB" (GiB) per GPU for this checkpoint at TP 8 (dstackai/benchmarks
// gpu-usage.md).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildLayout } from '../src/sim/parallel.js';
import { weightBytes } from '../src/sim/memory.js';
import { moduleBits, resolvePrecision } from '../src/model/quant.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const meta = lib.models['llama-3.1-405b-meta-fp8'] as DecoderModel;
const all = lib.models['llama-3.1-405b'] as DecoderModel;
const fp8 = resolvePrecision('fp8');
const L8 = buildLayout(meta, 8, 1, undefined, 8);

describe("Meta's FP8 Llama 3.1 405B checkpoint (fp8_mixed)", () => {
  it('keeps attention, embeddings, LM head and the two edge FFNs bf16 under fp8', () => {
    const mb = moduleBits(meta, fp8);
    expect([mb.attnBits, mb.attnDtype, mb.embBits, mb.headBits]).toEqual([16, 'bf16', 16, 16]);
    expect(mb.ffnBits).toBeCloseTo((8 * 124 + 16 * 2) / 126, 12);
    // the all-FP8 model (neuralmagic / ModelOpt / Quark checkpoints) quantizes every linear of every block
    expect(moduleBits(all, fp8).attnBits).toBe(8);
    expect(moduleBits(all, fp8).ffnBits).toBe(8);
  });

  it("weights per GPU at TP 8 come within 0.5% of the 56.7677 GiB vLLM logged for it", () => {
    const gib = weightBytes(meta, L8, fp8).perDevice / 2 ** 30;
    expect(Math.abs(gib / 56.7677 - 1)).toBeLessThan(0.005);
    expect(weightBytes(all, L8, fp8).perDevice / 2 ** 30).toBeLessThan(48); // the all-FP8 pricing it replaces
  });

  it('the decode pass runs attention in bf16 GEMMs over 16-bit weights and the FFN in fp8', () => {
    const ops = buildDecoderPass(meta, L8, fp8, { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 4 });
    const by = (n: string) => ops.find((o) => o.name === n)!;
    expect(by('qkv_proj').dtype).toBe('bf16');
    expect(by('o_proj').dtype).toBe('bf16');
    expect(by('ffn_up').dtype).toBe('fp8');
    const plainOps = buildDecoderPass(all, L8, fp8, { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 4 });
    const up = plainOps.find((o) => o.name === 'ffn_up')!;
    expect(by('ffn_up').weightBytes / up.weightBytes).toBeCloseTo((8 * 124 + 16 * 2) / 126 / 8, 12);
  });

  it('at bf16 it is the plain model; other checkpoints with an unquantized list stay unchanged at 8 bits', () => {
    const bf16 = resolvePrecision('bf16');
    expect(weightBytes(meta, L8, bf16).perDevice).toBe(weightBytes(all, L8, bf16).perDevice);
    const oss = lib.models['gpt-oss-20b'] as DecoderModel;
    expect(moduleBits(oss, fp8).attnBits).toBe(8); // an MXFP4 release re-quantized to fp8 quantizes as the flag says
  });
});
