// Dense serving-batch GEMMs at the knee (issue 11, full-load serving): a layer GEMM whose rows are the tokens of a
// serving batch overlaps its weight stream and its MMA work imperfectly, as grouped GEMMs do: (c² + m²)^½, not max(c, m)
// (DeepGEMM dense 64 / 128 × 4096 × 7168 FP8 kernels at 1.28 / 1.34× max(), src/sim/roofline.ts groupedGemmBody).
import { describe, expect, it } from 'vitest';
import { getLibrary, libraryModel } from '../src/spec/library.js';
import { buildRequest } from '../src/sim/request.js';
import { simulate } from '../src/sim/simulate.js';
import { linear, type Op } from '../src/model/op.js';
import { gemmEfficiency, kneeGemm, matrixPeak, opCost } from '../src/sim/roofline.js';

const lib = getLibrary();
const h200 = lib.hardware['h200-sxm']!;

describe('dense serving-batch GEMMs are costed at the knee', () => {
  // Llama-2-70B ffn_up at a mid serving batch: 306 rows (84 decodes + one 222-token prompt), n 57344, k 8192, fp8
  const m = 306, n = 57344, k = 8192;
  const bare: Op = linear('ffn_up', m, n, k, 'fp8', 1, 1);
  const serving: Op = { ...bare, batchRows: true };
  const c = bare.flops / (matrixPeak(h200, 'fp8').flopPerS * gemmEfficiency(h200, 'fp8', bare.flops));
  const mem = bare.bytes / (h200.memory.bandwidthBytePerS * h200.efficiency.memory);

  it('a serving-batch GEMM pays (c² + m²)^½ plus its launch; a bare GEMM (op gemm) keeps max(c, m)', () => {
    expect(kneeGemm(serving, false)).toBe(true);
    expect(kneeGemm(bare, false)).toBe(false);
    expect(kneeGemm(serving, true)).toBe(false); // a matrix-vector kernel streams and multiplies at once
    expect(opCost(serving, h200, 'decode').seconds).toBeCloseTo(Math.hypot(c, mem) + h200.efficiency.kernelOverheadS, 12);
    expect(opCost(bare, h200).seconds).toBeCloseTo(Math.max(c, mem) + h200.efficiency.kernelOverheadS, 12);
    // at this size both sides are within 2× of each other: the knee costs ≥ 10% over max()
    expect(Math.min(c, mem) / Math.max(c, mem)).toBeGreaterThan(0.45);
    expect(opCost(serving, h200, 'decode').seconds / opCost(bare, h200).seconds).toBeGreaterThan(1.1);
  });

  it('far from the knee (a long prompt, compute-bound) the rule tends to max()', () => {
    const big: Op = { ...linear('ffn_up', 16384, n, k, 'fp8', 1, 1), batchRows: true };
    const plain = linear('ffn_up', 16384, n, k, 'fp8', 1, 1);
    expect(opCost(big, h200, 'prefill').seconds / opCost(plain, h200, 'prefill').seconds).toBeLessThan(1.01);
  });

  it('a mid-batch MLPerf-style decode step (Llama-2-70B fp8, batch 84, h200) is slower than under max() and stays monotone in batch', () => {
    const run = (batch: number) =>
      simulate(buildRequest({ model: 'llama-2-70b', hardware: 'h200-sxm', tp: 1, dtype: 'fp8', 'input-tokens': 222, 'output-tokens': 292, batch, runtime: 'tensorrt-llm' }, libraryModel('llama-2-70b'), h200, libraryModel));
    const r84 = run(84);
    const dec = r84.phases.find((p) => p.name === 'decode')!;
    // the knee charges its loss to the bounding side: the step is slower than max(compute, memory) would give
    expect(dec.seconds).toBeGreaterThan(Math.max(dec.compute_s, dec.memory_s) * 0.999);
    let prev = 0;
    for (const b of [1, 8, 32, 84, 160, 255, 512]) {
      const t = run(b).throughput_tok_s!;
      expect(t).toBeGreaterThan(prev);
      prev = t;
    }
  });
});
