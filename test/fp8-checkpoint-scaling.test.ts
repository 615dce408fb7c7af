// Which FP8 GEMMs a checkpoint runs follows its own quantization_config, not its family's: RedHatAI's Llama 3.1 8B
// FP8-block release is an llm-compressor FP8_BLOCK checkpoint (128 x 128 weight blocks), so its projections are block-FP8
// GEMMs where llama-3.1-8b at --dtype fp8 (per-tensor / per-channel) runs none; RedHatAI's Qwen3 14B FP8-dynamic is an
// FP8_DYNAMIC checkpoint (per-channel weights), so it runs none where qwen3-14b (Qwen's own block-scaled release) runs
// them (vllm-project/compressed-tensors quant_scheme.py FP8_BLOCK / FP8_DYNAMIC; models/llama/llama-3.1-8b-fp8-block.yaml,
// models/qwen/qwen3-14b-fp8-dynamic.yaml).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { buildDecoderPass } from '../src/model/decoder-graph.js';
import { weightBytes } from '../src/sim/memory.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const fp8 = resolvePrecision('fp8');
const blockGemms = (id: string) => {
  const m = lib.models[id] as DecoderModel;
  const ops = buildDecoderPass(m, buildLayout(m, 1, 1, undefined, 1), fp8, { prefillSeqs: 0, prefillLen: 0, decodeSeqs: 8 });
  const gemms = ops.filter((o) => o.kind === 'gemm' && !o.head);
  return { all: gemms.length, block: gemms.filter((o) => o.fp8Block).length };
};

describe('FP8 checkpoints take their scaling from their own release', () => {
  it('the FP8-block Llama 3.1 8B runs every projection as a block-FP8 GEMM; the plain model at fp8 runs none', () => {
    const blk = blockGemms('llama-3.1-8b-fp8-block');
    expect(blk.all).toBeGreaterThan(0);
    expect(blk.block).toBe(blk.all);
    expect(blockGemms('llama-3.1-8b').block).toBe(0);
  });
  it('the FP8-dynamic Qwen3 14B runs none where Qwen3 14B (block-scaled) runs them all', () => {
    expect(blockGemms('qwen3-14b-fp8-dynamic').block).toBe(0);
    const q = blockGemms('qwen3-14b');
    expect(q.block).toBe(q.all);
  });
  it('the variants keep their parents\' shapes and weights, and ship FP8 (default dtype)', () => {
    for (const [v, p] of [['llama-3.1-8b-fp8-block', 'llama-3.1-8b'], ['qwen3-14b-fp8-dynamic', 'qwen3-14b']] as const) {
      const mv = lib.models[v] as DecoderModel;
      const mp = lib.models[p] as DecoderModel;
      expect(mv.dtype).toBe('fp8');
      expect(weightBytes(mv, buildLayout(mv, 1, 1, undefined, 1), fp8).perDevice).toBe(weightBytes(mp, buildLayout(mp, 1, 1, undefined, 1), fp8).perDevice);
    }
  });
});
