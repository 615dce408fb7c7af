// Training attention on sliding-window layers computes only the pairs inside the window (fused kernels skip the
// masked-out key blocks: FlashAttention window_size, TE/cuDNN fused attention with window_size as Megatron-Core passes
// it for gpt-oss). Source: src/sim/training/shapes.ts attentionPairShare, src/sim/training/layer-cost.ts.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { attentionPairShare, decoderShape } from '../src/sim/training/shapes.js';
import { prefillPairs } from '../src/model/layer-kinds.js';
import type { DecoderModel } from '../src/spec/types.js';
import { libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildTrainRequest, simulateTraining } from '../src/sim/training/train.js';

const lib = getLibrary();
const oss = lib.models['gpt-oss-120b']! as DecoderModel;

describe('training attention over sliding-window layers', () => {
  it('gpt-oss (half the layers sliding over 128 tokens) computes (1 + W-window pairs / causal pairs) / 2 of full attention', () => {
    const S = 4096;
    const causal = (S * (S + 1)) / 2;
    const sliding = prefillPairs({ kind: 'sliding', size: 128 }, S);
    expect(sliding).toBe((128 * 129) / 2 + (S - 128) * 128);
    expect(attentionPairShare(decoderShape(oss), S)).toBeCloseTo((1 + sliding / causal) / 2, 12);
    expect(attentionPairShare(decoderShape(oss), S)).toBeLessThan(0.54);
  });

  it('full-attention models keep the whole causal count, and a sequence inside the window is unchanged', () => {
    expect(attentionPairShare(decoderShape(lib.models['llama-3.1-8b']! as DecoderModel), 8192)).toBe(1);
    expect(attentionPairShare(decoderShape(oss), 128)).toBeCloseTo(1, 12);
    expect(attentionPairShare(decoderShape(oss), 64)).toBeCloseTo(1, 12);
  });

  it('the share falls as the sequence grows past the window (monotone), never below the full layers\' share', () => {
    let prev = 1;
    for (const S of [256, 1024, 4096, 16384, 65536]) {
      const x = attentionPairShare(decoderShape(oss), S);
      expect(x).toBeLessThanOrEqual(prev);
      expect(x).toBeGreaterThan(0.5);
      prev = x;
    }
  });

  it('a train step of gpt-oss is faster than the same model with every layer full, by less than its attention share', () => {
    const hw = bindRuntime(lib.hardware['b200']!, libraryRuntime('nemo'));
    const full = { ...oss, id: 'gpt-oss-120b-full', attention: { ...oss.attention!, layer_types: undefined } } as DecoderModel;
    const run = (m: DecoderModel) => simulateTraining(buildTrainRequest(m, hw, { devices: 8, ep: 8, seqLen: 4096, globalBatch: 256, microBatch: 4, recompute: 'none', dtype: 'bf16' }));
    const a = run(oss), b = run(full);
    expect(a.tokens_per_s!).toBeGreaterThan(b.tokens_per_s!);
    expect(a.tokens_per_s! / b.tokens_per_s!).toBeLessThan(1.5);
  });
  it('prices the windowed layers as their own kernel, as long as the window (2W for a sliding window of W), the full ones over the shard', async () => {
    const { attentionParts } = await import('../src/sim/training/shapes.js');
    const parts = attentionParts(decoderShape(oss), 4096);
    expect(parts).toHaveLength(2);
    const full = parts.find((x) => x.kernelLen === undefined)!, win = parts.find((x) => x.kernelLen !== undefined)!;
    expect(full.layers + win.layers).toBeCloseTo(1, 12);
    expect(win.kernelLen).toBe(256);
    expect(full.pairs + win.pairs).toBeCloseTo(attentionPairShare(decoderShape(oss), 4096), 12);
  });
});

