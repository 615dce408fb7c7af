// passWarnings (src/sim/decoder.ts) gives a pass's precision warnings without costing it: the same texts, in the same
// order, as preparePass's, over models, accelerators without native fp8/int4, GGUF and prefill, mixed and decode shapes.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { passOps, passWarnings, preparePass } from '../src/sim/decoder.js';
import { withDefaultRuntime } from '../src/runtime/resolve.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import type { DecoderModel } from '../src/spec/types.js';
import type { PassShape } from '../src/model/decoder-graph.js';

const lib = getLibrary();

describe('passWarnings', () => {
  it("is preparePass's warnings, pass for pass", () => {
    const shapes: [PassShape, string][] = [
      [{ prefillSeqs: 8, prefillLen: 1024, decodeSeqs: 0 }, 'prefill'],
      [{ prefillSeqs: 1, prefillLen: 300, decodeSeqs: 63 }, 'decode'],
      [{ prefillSeqs: 2.5, prefillLen: 4096, decodeSeqs: 253.5 }, 'decode'],
      [{ prefillSeqs: 0, prefillLen: 1, decodeSeqs: 1 }, 'decode'],
    ];
    let warned = 0;
    let gguf = 0;
    for (const model of ['llama-3.1-8b', 'mixtral-8x7b', 'gemma-3-27b', 'qwen3-30b-a3b'])
      for (const hwId of ['h100-sxm', 'a100-sxm4-80gb', 'mi300x', 'gaudi3', 'l40s', 'rtx-4090', 'snapdragon-8-elite'])
        for (const dtype of ['bf16', 'fp8', 'int4', 'int8', 'q4_0', 'q8_0']) {
          const m = lib.models[model] as DecoderModel | undefined;
          const bare = lib.hardware[hwId];
          if (!m || !bare) continue;
          let hw;
          try {
            hw = withDefaultRuntime(bare, m);
          } catch {
            continue;
          }
          const L = buildLayout(m, 1, 1, undefined, undefined, false);
          const p = resolvePrecision(dtype);
          for (const [s, phase] of shapes) {
            const ops = passOps(m, hw, L, p, s);
            const want = preparePass(ops, hw, phase).warn;
            expect(passWarnings(ops, hw, phase), `${model} ${hwId} ${dtype} ${JSON.stringify(s)}`).toEqual(want);
            if (want.length) warned++;
            if (ops.some((o) => o.gguf)) gguf++;
          }
        }
    expect(warned).toBeGreaterThan(20); // the comparison covers passes that warn
    expect(gguf).toBeGreaterThan(0);
  });
});
