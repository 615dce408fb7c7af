// A low-bit checkpoint that quantizes only some weights (gpt-oss: MXFP4 experts; attention, router, embeddings and LM
// head bf16 per its HF quantization_config.modules_to_not_convert) is priced with those weights 16-bit under fp4/int4
// and q8_0 under the GGUF q4_0 (llama.cpp's gpt-oss-20b-mxfp4.gguf: 98 q8_0 tensors = 24 × q/k/v/o + token_embd +
// output), in the decode pass and in the weight memory; 8-bit and wider runs, and models without the list, are unchanged.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getLibrary } from '../src/spec/library.js';
import { buildLayout } from '../src/sim/parallel.js';
import { weightBytes } from '../src/sim/memory.js';
import { moduleBits, resolvePrecision } from '../src/model/quant.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { convertHfConfig } from '../src/spec/hf/convert.js';
import { unquantizedModules } from '../src/spec/hf/quantization.js';
import { simulate } from '../src/sim/simulate.js';
import { buildRequest } from '../src/sim/request.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const oss = lib.models['gpt-oss-20b'] as DecoderModel;
const plain: DecoderModel = { ...oss, unquantized: undefined }; // the same model, every weight at the requested bits
const L = buildLayout(oss, 1, 1, 1, 1);
// attention projections of gpt-oss-20b: 24 layers × 2880 × (64·64 q + 64·64 o + 2·8·64 k/v) = 637,009,920
const ATTN = 24 * 2880 * (64 * 64 * 2 + 2 * 8 * 64);
const VOCAB_D = 201088 * 2880; // embedding table; the untied LM head is as large

describe('weights a low-bit checkpoint leaves unquantized', () => {
  it('gpt-oss names attention, router, embeddings and lm_head (its HF modules_to_not_convert)', () => {
    expect(oss.unquantized).toEqual(['attention', 'router', 'embeddings', 'lm_head']);
    expect((lib.models['gpt-oss-120b'] as DecoderModel).unquantized).toEqual(['attention', 'router', 'embeddings', 'lm_head']);
  });

  it('fp4: attention weights 16-bit (the LM head is 16-bit under fp4 anyway); q4_0: attention, embeddings and head q8_0', () => {
    const fp4 = resolvePrecision('fp4');
    expect(moduleBits(oss, fp4)).toEqual({ attnBits: 16, attnDtype: 'bf16', embBits: 16, headBits: 16, headDtype: 'bf16', ffnBits: 4.5 });
    expect(weightBytes(oss, L, fp4).perDevice - weightBytes(plain, L, fp4).perDevice).toBeCloseTo((ATTN * (16 - 4.5)) / 8, 0);
    const q4 = resolvePrecision('q4_0');
    expect(moduleBits(oss, q4)).toEqual({ attnBits: 8.5, attnDtype: 'fp16', embBits: 8.5, headBits: 8.5, headDtype: 'fp16', ffnBits: 4.5 });
    expect(weightBytes(oss, L, q4).perDevice - weightBytes(plain, L, q4).perDevice).toBeCloseTo(((ATTN + 2 * VOCAB_D) * (8.5 - 4.5)) / 8, 0);
    // int4 (AWQ-style, not GGUF): 16-bit
    expect(moduleBits(oss, resolvePrecision('int4')).attnBits).toBe(16);
  });

  it('the decode pass reads 16-bit attention weights in bf16 GEMMs while the experts stay fp4', () => {
    const ops = buildDecoderPass(oss, L, resolvePrecision('fp4'), { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 1 });
    const by = (n: string) => ops.find((o) => o.name === n)!;
    expect(by('qkv_proj').dtype).toBe('bf16');
    expect(by('qkv_proj').weightBytes).toBe((2880 * (64 + 16) * 64 * 16) / 8);
    expect(by('o_proj').dtype).toBe('bf16');
    expect(by('experts_up').dtype).toBe('fp4');
    const gguf = buildDecoderPass(oss, L, resolvePrecision('q4_0'), { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 1 });
    const q = gguf.find((o) => o.name === 'qkv_proj')!;
    expect([q.gguf, q.weightBytes]).toEqual([true, (2880 * 80 * 64 * 8.5) / 8]);
    expect(gguf.find((o) => o.name === 'lm_head')!.weightBytes).toBeCloseTo((VOCAB_D * 8.5) / 8, 0);
  });

  it('8-bit and wider weights, and models without the list, are unchanged', () => {
    for (const d of ['bf16', 'fp8', 'int8', 'q8_0']) {
      const p = resolvePrecision(d);
      expect(weightBytes(oss, L, p).perDevice).toBe(weightBytes(plain, L, p).perDevice);
    }
    const llama = lib.models['llama-3.1-8b'] as DecoderModel;
    const p = resolvePrecision('fp4');
    expect(moduleBits(llama, p)).toEqual({ attnBits: 4.5, attnDtype: 'fp4', embBits: 16, headBits: 16, headDtype: 'bf16', ffnBits: 4.5 });
  });

  it('batch-1 decode of gpt-oss-20b fp4 reads more bytes than an all-4-bit model would: slower, never faster', () => {
    const hw = lib.hardware['h100-sxm']!;
    const run = (m: DecoderModel) => simulate(buildRequest({ dtype: 'fp4', batch: 1, 'input-tokens': 128, 'output-tokens': 128 }, m, hw, (id) => lib.models[id]!));
    const a = run(oss);
    const b = run(plain);
    expect(a.tpot_s!).toBeGreaterThan(b.tpot_s!);
    expect(a.memory.weights_bytes).toBeGreaterThan(b.memory.weights_bytes);
  });
});

describe('gpt-oss-120b-full-mxfp4: the DGX Spark vLLM forks re-quantize QKV/O (and the head) to MXFP4', () => {
  // models/gpt-oss/gpt-oss-120b-full-mxfp4.yaml: `--mxfp4-layers moe,qkv,o,lm_head` (spark-vllm-mxfp4-docker README
  // 'Full MXFP4 Quantization Stack'); the stock checkpoint keeps attention bf16.
  const stock = lib.models['gpt-oss-120b'] as DecoderModel;
  const full = lib.models['gpt-oss-120b-full-mxfp4'] as DecoderModel;
  // 36 layers × 2880 × (64·64 q + 64·64 o + 2·8·64 k/v)
  const ATTN120 = 36 * 2880 * (64 * 64 * 2 + 2 * 8 * 64);
  it('keeps only router and embeddings 16-bit: attention projections at the experts\' bits, the head still 16-bit (known gap)', () => {
    expect(full.unquantized).toEqual(['router', 'embeddings']);
    expect(moduleBits(full, resolvePrecision('fp4'))).toEqual({ attnBits: 4.5, attnDtype: 'fp4', embBits: 16, headBits: 16, headDtype: 'bf16', ffnBits: 4.5 });
    const L120 = buildLayout(stock, 1, 1, 1, 1);
    const fp4 = resolvePrecision('fp4');
    expect(weightBytes(stock, L120, fp4).perDevice - weightBytes(full, L120, fp4).perDevice).toBeCloseTo((ATTN120 * (16 - 4.5)) / 8, 0);
  });
  it('batch-1 decode on a DGX Spark is faster than the stock checkpoint by the attention bytes alone, and no faster than all-4-bit', () => {
    const hw = lib.hardware['dgx-spark']!;
    const run = (m: DecoderModel) => simulate(buildRequest({ dtype: 'fp4', batch: 1, 'input-tokens': 1024, 'output-tokens': 128 }, m, hw, (id) => lib.models[id]!));
    const [a, b, c] = [run(stock), run(full), run({ ...stock, unquantized: undefined })];
    expect(b.tpot_s!).toBeLessThan(0.85 * a.tpot_s!);
    expect(b.tpot_s!).toBeGreaterThanOrEqual(c.tpot_s!);
  });
});

describe('import hf reads modules_to_not_convert', () => {
  it('gpt-oss config.json → unquantized: [attention, router, embeddings, lm_head]', () => {
    const cfg = JSON.parse(readFileSync(join(new URL('..', import.meta.url).pathname, 'test/fixtures/hf/gpt-oss/config.json'), 'utf8'));
    const s = Object.fromEntries(convertHfConfig(cfg, 'config.json').fields.map(([k, v]) => [k, v]));
    expect([s.dtype, s.unquantized]).toEqual(['fp4', ['attention', 'router', 'embeddings', 'lm_head']]);
  });
  it('maps the usual patterns, lists the rest, and is empty without the key', () => {
    expect(unquantizedModules({ modules_to_not_convert: ['lm_head', 'model.embed_tokens', 'model.layers.*.mlp.gate'] }).modules).toEqual(['router', 'embeddings', 'lm_head']);
    const u = unquantizedModules({ modules_to_not_convert: ['model.vision_tower', 'lm_head'] });
    expect(u).toEqual({ modules: ['lm_head'], other: ['model.vision_tower'] });
    expect(unquantizedModules({ quant_method: 'awq', modules_to_not_convert: null })).toEqual({ modules: [], other: [] });
    // gate_proj is an FFN projection, not the router
    expect(unquantizedModules({ modules_to_not_convert: ['model.layers.0.mlp.gate_proj'] }).modules).toEqual([]);
  });
});
