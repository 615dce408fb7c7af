// Physics at the edges (issue 11 item 3): small-M GEMMs below the ridge point, fp8 without fp8 tensor cores,
// MoE grouped-GEMM tiles at small token counts per expert.
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { linear, type Op } from '../src/model/op.js';
import { opCost, gemmEfficiency, matrixPeak, largeGemmEfficiency, memoryEfficiency, sustainedMatrix } from '../src/sim/roofline.js';
import { DEFAULT_KERNEL_PHYSICS, attentionTileShare, fallbackWarning, paddedGroupRows, weightOnlyFallback } from '../src/sim/kernel-physics.js';
import type { Dtype, NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const run = (flags: Record<string, string | number | boolean>) =>
  simulate(buildRequest(flags, libraryModel(String(flags.model)), lib.hardware[String(flags.hardware)]!, libraryModel));

// the achievable ridge point of a part in a dtype: FLOP per byte where large-GEMM compute (at the sustained-load clock)
// meets STREAM bandwidth
const ridge = (hw: NormalizedHardware, d: Dtype) => {
  const p = matrixPeak(hw, d);
  return (p.flopPerS * largeGemmEfficiency(hw, p.dtype) * sustainedMatrix(hw, p.dtype)) / (hw.memory.bandwidthBytePerS * hw.efficiency.memory);
};

describe('a GEMM below the ridge point is never slower than its bytes at the achieved bandwidth plus launch cost', () => {
  const shapes: [number, number, number][] = [[1, 4096, 4096], [4, 8192, 28672], [8, 1536, 4096], [2, 65536, 6144], [8, 256, 256]];
  const dtypes: [Dtype, number][] = [['bf16', 2], ['fp8', 1], ['int4', 0.5625]];
  for (const hw of Object.values(lib.hardware)) {
    it(`${hw.id}: every matrix-vector shape (m ≤ ${DEFAULT_KERNEL_PHYSICS.gemvMaxRows}), dense and grouped`, () => {
      let checked = 0;
      for (const [m, n, k] of shapes) {
        for (const [d, wb] of dtypes) {
          for (const groups of [undefined, 8]) {
            const op: Op = linear('g', m, n, k, d, wb, 2);
            if (groups) { op.groups = groups; op.flops *= groups; op.bytes *= groups; }
            if (op.flops / op.bytes >= ridge(hw, d)) continue;
            const c = opCost(op, hw);
            const bytesAtBw = op.bytes / (hw.memory.bandwidthBytePerS * memoryEfficiency(op, hw));
            expect(c.seconds).toBeLessThanOrEqual(bytesAtBw + hw.efficiency.kernelOverheadS + 1e-15);
            expect(c.bound === 'memory' || c.bound === 'overhead').toBe(true);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});

describe('batch-1 MoE decode streams the touched experts (memory-bound where its intensity says so)', () => {
  it('Qwen3-235B-A22B q4_0 on apple-m3-ultra: decode memory-bound, near its bytes at the achieved bandwidth', () => {
    const hw = lib.hardware['apple-m3-ultra']!;
    const r = run({ model: 'qwen3-235b-a22b', hardware: 'apple-m3-ultra', dtype: 'q4_0', batch: 1 });
    const dec = r.phases.find((p) => p.name === 'decode')!;
    expect(dec.bound).toBe('memory');
    expect(dec.compute_s).toBeLessThan(dec.memory_s / 5);
    // bytes of one step (≈ 22B active params at 4.5 bits + KV) at 0.8 × 819 GB/s, plus one launch per kernel
    const streamS = dec.bytes / (hw.memory.bandwidthBytePerS * hw.efficiency.memory);
    expect(dec.memory_s).toBeCloseTo(streamS, 6);
    expect(r.tpot_s!).toBeLessThan(2 * streamS); // was 385 ms (compute-bound, 20× the stream)
    expect(dec.bytes).toBeGreaterThan(11e9);
    expect(dec.bytes).toBeLessThan(16e9);
  });
  it('Grok-1 fp8 on 8× h100-sxm at batch 1: expert GEMMs memory-bound, decode not compute-bound', () => {
    const r = run({ model: 'grok-1', hardware: 'h100-sxm', tp: 8, dtype: 'fp8', batch: 1, verbose: true });
    const dec = r.phases.find((p) => p.name === 'decode')!;
    expect(dec.bound).not.toBe('compute');
    expect(dec.compute_s).toBeLessThan(dec.memory_s / 10);
    const experts = r.ops!.filter((o) => o.phase === 'decode' && o.kind === 'gemm' && o.name.startsWith('experts_'));
    expect(experts.length).toBe(2);
    for (const o of experts) expect(o.bound).toBe('memory');
  });
});

describe('grouped GEMM tiles follow the rows per expert (vLLM fused_moe BLOCK_SIZE_M)', () => {
  it('tile = 2·rows from 16 to 64 (vLLM: 8 rows → 16, 16 → 32, 32 → 64), the last tile half full on average', () => {
    const k = DEFAULT_KERNEL_PHYSICS;
    expect([1, 8, 9, 16, 17, 32, 33, 64, 100].map((m) => paddedGroupRows(m, k))).toEqual([16, 16, 18, 32, 34, 64, 65, 96, 132]);
    // continuous, and never less padded work per row as the rows grow (issue 12: throughput fell as batch grew)
    let prev = 0, prevPerRow = Infinity;
    for (let m = 0.5; m < 300; m += 0.25) {
      const p = paddedGroupRows(m, k);
      expect(p).toBeGreaterThanOrEqual(prev);
      expect(p / m).toBeLessThanOrEqual(prevPerRow + 1e-12);
      prev = p;
      prevPerRow = p / m;
    }
  });
  it('above the matrix-vector limit a grouped GEMM pays its tile padding and the knee', () => {
    const hw = lib.hardware['h100-sxm']!;
    const op: Op = linear('g', 12, 4096, 4096, 'bf16', 2, 2);
    op.groups = 8; op.flops *= 8; op.bytes *= 8;
    const c = op.flops / (matrixPeak(hw, 'bf16').flopPerS * gemmEfficiency(hw, 'bf16', op.flops * 2) * (12 / 24)); // 12 rows cost what 24 do (tile 24, half-full last tile)
    const mem = op.bytes / (hw.memory.bandwidthBytePerS * hw.efficiency.memory);
    expect(opCost(op, hw).seconds).toBeCloseTo(Math.hypot(c, mem) + hw.efficiency.kernelOverheadS, 15);
  });
});

describe('fp8 and fp4 without fp8 tensor cores run weight-only at the 16-bit rate', () => {
  for (const id of ['a100-sxm4-80gb', 'v100-sxm2', 'mi250x']) {
    for (const dtype of ['fp8', 'fp4']) {
      it(`${dtype} prefill on ${id} never exceeds the 16-bit peak, and says weight-only`, () => {
        const hw = lib.hardware[id]!;
        const r = run({ model: 'llama-3.1-8b', hardware: id, dtype, batch: 4, 'input-tokens': 2048, 'output-tokens': 1 });
        const pre = r.phases.find((p) => p.name === 'prefill')!;
        const peak16 = matrixPeak(hw, 'bf16').flopPerS;
        expect(pre.flops / pre.seconds).toBeLessThan(peak16);
        expect(r.warnings.join(' ')).toMatch(new RegExp(`no native ${dtype} tensor cores: ${dtype} GEMMs run weight-only`));
      });
    }
  }
  it('a runtime without an fp8 path there says so (kernels.fp8Fallback none)', () => {
    const a100 = lib.hardware['a100-sxm4-80gb']!;
    const trt = { ...a100, runtime: { ...(a100.runtime ?? {}), id: 'tensorrt-llm', kernels: { fp8Fallback: 'none' } } } as NormalizedHardware;
    expect(fallbackWarning(a100.id, 'fp8', 'fp16', trt)).toMatch(/tensorrt-llm has no fp8 path/);
    expect(fallbackWarning(a100.id, 'fp8', 'fp16', a100)).not.toMatch(/no fp8 path/);
  });
  it('fp8 on a part with fp8 tensor cores runs at fp8; int8 never stands in for a narrow float', () => {
    expect(matrixPeak(lib.hardware['h100-sxm']!, 'fp8').dtype).toBe('fp8');
    expect(matrixPeak(lib.hardware['a100-sxm4-80gb']!, 'fp8').dtype).not.toBe('int8');
    expect(weightOnlyFallback('fp8', 'bf16')).toBe(true);
    expect(weightOnlyFallback('fp4', 'fp8')).toBe(false);
    expect(weightOnlyFallback('int4', 'int8')).toBe(false);
  });
  it('fp4 on parts with fp8 but no fp4 tensor cores (Hopper, Ada, MI300X) runs weight-only at the 16-bit rate, not at fp8', () => {
    for (const id of ['h100-sxm', 'h200-sxm', 'mi300x']) {
      const hw = lib.hardware[id]!;
      expect(matrixPeak(hw, 'fp8').dtype).toBe('fp8');
      const p = matrixPeak(hw, 'fp4');
      expect(['bf16', 'fp16']).toContain(p.dtype);
      expect(p.flopPerS).toBe(matrixPeak(hw, p.dtype).flopPerS);
      const r = run({ model: 'llama-3.1-8b', hardware: id, dtype: 'fp4', batch: 4, 'input-tokens': 2048, 'output-tokens': 1 });
      expect(r.warnings.join(' ')).toMatch(/no native fp4 tensor cores: fp4 GEMMs run weight-only/);
    }
    // Blackwell has fp4 tensor cores: fp4 runs at fp4
    expect(matrixPeak(lib.hardware['b200']!, 'fp4').dtype).toBe('fp4');
  });
});

describe('small attention calls pay whole FlashAttention tiles; eager ops pay a launch per kernel', () => {
  it('tile share: 128 query rows × 64 keys, head dims rounded up to a compiled kernel', () => {
    expect(attentionTileShare(1536, 1536, 64)).toBe(1);
    expect(attentionTileShare(197, 197, 64)).toBeCloseTo((197 * 197) / (256 * 256), 12); // ViT-B/16 at 224 px
    expect(attentionTileShare(16, 16, 72)).toBeCloseTo((16 * 16 * 72) / (128 * 64 * 96), 12); // STDiT temporal
  });
  it('opCost: a fused attention over 16 frames costs its padded tiles; decode-sized queries do not', () => {
    const hw = lib.hardware['h100-sxm']!;
    const base: Op = { name: 'a', kind: 'attention', flops: 4 * 7200 * 16 * 16 * 16 * 72, bytes: 1e3, weightBytes: 0, dtype: 'bf16', count: 1 };
    const plain = opCost(base, hw);
    const tiled = opCost({ ...base, attn: { q: 16, kv: 16, headDim: 72 } }, hw);
    expect(tiled.computeS).toBeCloseTo(plain.computeS / attentionTileShare(16, 16, 72), 15);
    const decode = opCost({ ...base, attn: { q: 1, kv: 4096, headDim: 128 } }, hw);
    expect(decode.computeS).toBeCloseTo(plain.computeS, 15);
  });
  it('an op of k kernels pays k launches', () => {
    const hw = lib.hardware['h100-sxm']!;
    const op: Op = { name: 'mod', kind: 'elementwise', flops: 10, bytes: 10, weightBytes: 0, dtype: 'bf16', count: 1 };
    expect(opCost({ ...op, kernels: 2 }, hw).seconds - opCost(op, hw).seconds).toBeCloseTo(hw.efficiency.kernelOverheadS, 15);
  });
});
