// TensorRT-LLM's per-slot buffers (runtimes/tensorrt-llm.yaml memory.slot): the decoder state and runtime buffers the
// C++ executor allocates for every sequence slot of max_batch_size before it sizes the KV cache from what is left.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { buildLayout } from '../src/sim/parallel.js';
import { resolvePrecision } from '../src/model/quant.js';
import { reserveAtTp, slotBytes } from '../src/sim/memory.js';
import { kvCapacity } from '../src/serve/kv.js';
import type { DecoderModel } from '../src/spec/types.js';

const lib = getLibrary();
const GiB = 1024 ** 3;
const m70 = lib.models['llama-3.1-70b']! as DecoderModel;
const trt = bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('tensorrt-llm')!);
const L8 = buildLayout(m70, 8, 1, undefined, undefined);
const fp8 = resolvePrecision('fp8', undefined, undefined, 'fp8', trt.runtime?.kernels);

describe('TensorRT-LLM per-slot buffers before the KV cache', () => {
  it('grow with max_batch_size x (max_seq_len, padded vocabulary), on every rank whole', () => {
    const s = trt.runtime!.memory.slot!;
    expect(s).toEqual({ perSeqToken: 24, perVocab: 16 });
    const a = slotBytes(trt, m70, L8, 2048, 8192)!;
    expect(a).toBe(2048 * (24 * 8192 + 16 * 128256));
    expect(slotBytes(trt, m70, L8, 4096, 8192)).toBe(2 * a); // linear in slots
    expect(slotBytes(trt, m70, L8, 2048, 16384)! - a).toBe(2048 * 24 * 8192); // and in max_seq_len
    // not divided by tp: the same bytes at tp 1 (the vocabulary padded to a multiple of tp is 128256 either way)
    expect(slotBytes(trt, m70, buildLayout(m70, 1, 1, undefined, undefined), 2048, 8192)).toBe(a);
    // a runtime that states none (vLLM) keeps the generic logits term
    expect(slotBytes(bindRuntime(lib.hardware['h100-sxm']!, libraryRuntime('vllm')!), m70, L8, 2048, 8192)).toBeUndefined();
  });

  it('takes 0.9 of their bytes out of the KV cache, which shrinks with max_batch_size', () => {
    const k256 = kvCapacity(m70, trt, L8, fp8, 8192, 256, 0, 0, 25000);
    const k2048 = kvCapacity(m70, trt, L8, fp8, 8192, 2048, 0, 0, 25000);
    const lost = (k256.tokens - k2048.tokens) * k2048.bytesPerTokenDevice;
    const slots = slotBytes(trt, m70, L8, 2048, 25000)! - slotBytes(trt, m70, L8, 256, 25000)!;
    expect(lost / (0.9 * slots)).toBeCloseTo(1, 2);
  });

  it('prices the 0.16 log of N5085 within 5% (runtime buffers 1.63 GB + decoder 3.30 GB, max batch 2048, max_seq_len 25000)', () => {
    // shaamil101-etched/trtllm-benchmarks results/result_4096_4096_400.txt @aeec9f29: the two [MemUsageChange] lines, in
    // GiB (TensorRT-LLM's MemoryCounters::bytesToString divides by 1024 and prints "GB"). Without the sampling layers'
    // runtime logits (DecodingLayerWorkspace, 4 B per vocabulary entry a slot) the formula priced 83% of it
    const ours = slotBytes(trt, m70, L8, 2048, 25000)!;
    expect(ours / ((1.63 + 3.3) * GiB)).toBeGreaterThan(1);
    expect(ours / ((1.63 + 3.3) * GiB)).toBeLessThan(1.05);
    expect((ours - 2048 * 4 * 128256) / ((1.63 + 3.3) * GiB)).toBeLessThan(0.85);
    // the KV cache per rank against the log's binding rank, 52.08 GiB = 2,730,752 tokens (0.9 of 57.87 GiB available;
    // the other ranks had 61.4 GiB, ~6% more): still above it, rank 0's own 3.5 GiB more in use (the benchmark leader on
    // its GPU) being unpriced (the other ranks' 3.07 GiB is reserve_by_tp, below). Pinned to today's ratio.
    const kv = kvCapacity(m70, trt, L8, fp8, 8192, 2048, 0, 0, 25000);
    expect(kv.tokens / 2730752).toBeCloseTo(1.08, 1);
  });
});

describe('the max_seq_len the slot buffers are sized for', () => {
  it("is a ShareGPT run's longest row, not the model's whole context", async () => {
    const { longestLength, parseLength } = await import('../src/serve/lengths.js');
    const inL = longestLength(parseLength('input-tokens', 'sharegpt', 1, 1))!;
    const outL = longestLength(parseLength('output-tokens', 'sharegpt', 1, 1))!;
    expect(inL).toBeGreaterThan(100);
    expect(inL + outL).toBeLessThan(m70.context / 4); // a few thousand tokens, against Llama 3.1's 131072
    expect(longestLength(parseLength('input-tokens', 'uniform:10,900', 1, 1))).toBe(900);
    expect(longestLength(parseLength('input-tokens', 'normal:500,100', 1, 1))).toBeUndefined(); // unbounded: the context
  });
});

describe('non-KV memory of a TP group on an HGX Hopper board (memory.reserve_by_tp)', () => {
  // the runtime logs' residual: total - engine - execution context - runtime buffers - decoder - available, in GiB
  const residual = (total: number, parts: number[], available: number) => total - parts.reduce((a, b) => a + b, 0) - available;

  it('is ~0.75 GiB on one H100 and ~3.1 GiB on each TP-8 rank, so 1 GB below tp 4 and 3 GiB from it', () => {
    // docs/source/reference/memory.md's example log (one H100) and ranks 1-7 of N5085's trtllm-bench 0.16 log
    const one = residual(79.1, [6695 / 1024, 1134.01 / 1024, 43.29 / 1024, 180.3 / 1024], 70.48);
    const tp8 = residual(79.1, [8925 / 1024, 1013 / 1024, 1.63, 3.3], 61.4);
    expect(one).toBeCloseTo(0.76, 1);
    expect(tp8).toBeCloseTo(3.07, 1);
    for (const id of ['h100-sxm', 'h200-sxm']) {
      const m = bindRuntime(lib.hardware[id]!, libraryRuntime('tensorrt-llm')!).runtime!.memory;
      expect(reserveAtTp(m, 1)).toBe(1e9);
      expect(reserveAtTp(m, 2)).toBe(1e9);
      expect(reserveAtTp(m, 4)).toBe(3 * GiB);
      expect(Math.abs(reserveAtTp(m, 8) / GiB - tp8)).toBeLessThan(0.1);
      expect(m.slot).toEqual({ perSeqToken: 24, perVocab: 16 }); // the by_hardware block keeps the top-level memory fields
    }
    // parts without a log keep the top-level reserve at every tp
    const a100 = bindRuntime(lib.hardware['a100-sxm4-80gb']!, libraryRuntime('tensorrt-llm')!).runtime!.memory;
    expect(reserveAtTp(a100, 8)).toBe(1e9);
  });

  it('takes 0.9 of the extra reserve out of every TP-8 rank\'s KV cache', () => {
    const k8 = kvCapacity(m70, trt, L8, fp8, 8192, 2048, 0, 0, 25000);
    const flat = bindRuntime(lib.hardware['a100-sxm4-80gb']!, libraryRuntime('tensorrt-llm')!); // a part that keeps 1 GB
    expect(flat.runtime!.memory.reserveByTp).toBeUndefined();
    const lostGiB = ((3 * GiB - 1e9) * 0.9) / GiB;
    // against the log's binding rank (rank 0: 2,730,752 tokens) the KV is now within ~5%; rank 0's own extra
    // 3.5 GiB (the benchmark leader on its GPU) is not priced
    expect(lostGiB).toBeGreaterThan(1.8);
    expect(k8.tokens / 2730752).toBeGreaterThan(1);
    expect(k8.tokens / 2730752).toBeLessThan(1.1);
  });
});
