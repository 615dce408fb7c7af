// Open-Sora STDiT3's residual stream stays in the patch conv's channels-first layout (PatchEmbed3D's
// flatten(2).transpose(1, 2) view, kept by every `x = x + …`): each LayerNorm on it copies it first and the
// cross-attention's q_linear runs matmul of a copy plus a separate bias add (aten layer_norm_cuda expect_contiguous;
// aten linear's addmm path needs a contiguous 3-D input). A model without the flag has none of these ops.
import { describe, expect, it } from 'vitest';
import { buildDitGraph } from '../src/model/dit-graph.js';
import type { DitModel } from '../src/spec/types.js';
import { libraryModel } from './helpers/library-models.js';

const P = { compute: 'bf16' as const, weightBytes: 2, actBytes: 2, kvBytes: 2 };
const shape = { batch: 2, height: 720, width: 1280, frames: 51 };

describe('channels_first_stream', () => {
  const m = libraryModel('stdit3-xl-2') as DitModel;
  const ops = buildDitGraph(m, shape, P, true);
  const E = 2 * 3600 * 15 * 1152; // tokens × hidden of the CFG batch at 720p, 51 frames (15 latent frames)
  const op = (n: string) => ops.find((o) => o.name === n);
  it('STDiT3 copies x before norm1 and norm2 (twice each under the frame mask) and before cross.q, then adds the bias', () => {
    expect(m.channels_first_stream).toBe(true);
    for (const kind of ['spatial', 'temporal']) {
      for (const n of ['norm1', 'norm2']) {
        const c = op(`${kind}.${n}.contiguous`)!;
        expect(c.bytes).toBe(2 * E * 2 * 2); // two calls (t and t0 paths), each reads and writes [tokens, hidden] in bf16
        expect(c.kernels).toBe(2);
        expect(c.count).toBe(28);
      }
      expect(op(`${kind}.cross.q.contiguous`)!.bytes).toBe(E * 2 * 2);
      expect(op(`${kind}.cross.q.bias`)!.bytes).toBe(E * 2 * 2);
    }
    expect(op('final.norm.contiguous')!.bytes).toBe(2 * E * 2 * 2);
  });
  it('without the flag the same model has no such copies and moves fewer bytes', () => {
    const plain = buildDitGraph({ ...m, channels_first_stream: false }, shape, P, true);
    expect(plain.some((o) => o.name.endsWith('.contiguous') || o.name.endsWith('.q.bias'))).toBe(false);
    const bytes = (l: typeof ops) => l.reduce((s, o) => s + o.bytes * o.count, 0);
    expect(bytes(ops) - bytes(plain)).toBe(28 * 2 * (2 * (2 * E * 2 * 2) + 2 * (E * 2 * 2)) + 2 * E * 2 * 2);
  });
});
