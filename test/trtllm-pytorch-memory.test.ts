// TensorRT-LLM's PyTorch backend (runtimes/tensorrt-llm-pytorch.yaml): the KV cache comes from a profiled peak and the
// default TorchSampler keeps ~0.2 KB a slot, so none of the C++ executor's per-slot buffers (memory.slot) are charged.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { slotBytes } from '../src/sim/memory.js';
import { kvCapacity } from '../src/serve/kv.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const m70 = lib.models['llama-3.1-70b']! as DecoderModel;
const L2 = buildLayout(m70, 2, 1, undefined, undefined);

describe('the PyTorch backend prices no C++-executor slot buffers', () => {
  const engine = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('tensorrt-llm')!);
  const torch = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('tensorrt-llm-pytorch')!);
  const fp8 = resolvePrecision('fp8', undefined, undefined, 'fp8', engine.runtime?.kernels);

  it('zero bytes a slot, and the rest of the engine file kept (share, reserves, scheduler)', () => {
    expect(torch.runtime!.memory.slot).toEqual({ perSeqToken: 0, perVocab: 0 });
    expect(slotBytes(torch, m70, L2, 2048, 8192)).toBe(0);
    expect(torch.runtime!.memory.share).toBe(engine.runtime!.memory.share);
    expect(torch.runtime!.memory.reserveByTp).toEqual(engine.runtime!.memory.reserveByTp);
    expect(torch.runtime!.scheduler.maxNumSeqs).toBe(engine.runtime!.scheduler.maxNumSeqs);
  });

  it('so its KV cache is larger by 0.9 of the engine flow\'s slot bytes, growing with max_batch_size', () => {
    const bytes = (rt: typeof engine, slots: number) => {
      const k = kvCapacity(m70, rt, L2, fp8, 8192, slots, 0, 0, 8192);
      return k.tokens * k.bytesPerTokenDevice;
    };
    const gain = bytes(torch, 2048) - bytes(engine, 2048);
    // slotBytes replaces the generic [batch, vocab] fp32 / tp logits term, which the PyTorch file's zero replaces too
    expect(gain / (0.9 * slotBytes(engine, m70, L2, 2048, 8192)!)).toBeCloseTo(1, 2);
    expect(bytes(torch, 2048)).toBeCloseTo(bytes(torch, 256), -7); // no longer a function of the slots
    expect(bytes(engine, 2048)).toBeLessThan(bytes(engine, 256));
  });
});

describe('rows priced under the PyTorch backend', () => {
  it('are the TensorRT-LLM rows whose software column says PyTorch backend / flow', () => {
    const text = readFileSync(new URL('../validation/public-measurements.csv', import.meta.url), 'utf8');
    const lines = text.split('\n').filter((l) => /^[A-Z]+\d+,/.test(l));
    const torch = lines.filter((l) => l.includes('--runtime tensorrt-llm-pytorch '));
    expect(torch.length).toBeGreaterThanOrEqual(70);
    for (const l of torch) expect(l, l.slice(0, 12)).toMatch(/PyTorch[ -](backend|flow)/);
  });
});
