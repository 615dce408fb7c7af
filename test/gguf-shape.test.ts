// llama.cpp's MMQ rate below its reference shape (src/sim/gguf-shape.ts): on Strix Halo (gfx1151) the runtime's own
// q4_K MMQ timings at n = 128 (AMD-Ecosystem/llama.cpp PR #80) replace the part's hipBLASLt fp16 GEMM table's fall-off,
// which put a 1024x128x4096 GEMM at 0.29 of the reference rate where the kernel runs 0.53.
import { describe, expect, it } from 'vitest';
import { bound, ffnUp, run, withKernels } from './helpers/llama2-q4.js';
import { ggufShapeFraction } from '../src/sim/gguf-shape.js';
import { MMQ_REFERENCE_FLOP } from '../src/hardware/efficiency.js';
import { opCost } from '../src/sim/roofline.js';
import { useScratchDir } from './helpers/scratch.js';
import { expectOneIssueEach } from './helpers/spec-issues.js';

const HW = 'ryzen-ai-max-plus-395';
const TABLE = { sizes: [1e9, 4e9, 8e9], values: [0.5, 0.8, 1] };
// a GEMM table rising linearly in log(size), 0.1 at 1e8 to 0.5 at 1e11
const gemmEff = (s: number) => 0.1 + 0.4 * Math.log10(s / 1e8) / 3;

describe('ggufShapeFraction', () => {
  it('without a table (or with "class"), the part\'s GEMM table relative to the reference shape, never above 1', () => {
    for (const t of [undefined, 'class'] as const) {
      expect(ggufShapeFraction(t, 1e9, gemmEff(1e9), gemmEff)).toBeCloseTo(gemmEff(1e9) / gemmEff(MMQ_REFERENCE_FLOP), 12);
      expect(ggufShapeFraction(t, 1e12, gemmEff(1e12), gemmEff)).toBe(1);
    }
  });
  it('with a table, its points, interpolated in log(FLOP), held at 1 past the last', () => {
    expect(ggufShapeFraction(TABLE, 1e9, gemmEff(1e9), gemmEff)).toBeCloseTo(0.5, 12);
    expect(ggufShapeFraction(TABLE, 2e9, gemmEff(2e9), gemmEff)).toBeCloseTo(0.65, 12);
    expect(ggufShapeFraction(TABLE, 6e10, gemmEff(6e10), gemmEff)).toBe(1);
  });
  it('below the table, the GEMM table\'s fall-off continues from its first point (smaller GEMMs never faster)', () => {
    const at = ggufShapeFraction(TABLE, 1e8, gemmEff(1e8), gemmEff);
    expect(at).toBeCloseTo(0.5 * gemmEff(1e8) / gemmEff(1e9), 12);
    let prev = 0;
    for (let s = 1e8; s < 1e11; s *= 1.7) {
      const f = ggufShapeFraction(TABLE, s, gemmEff(s), gemmEff);
      expect(s / f).toBeGreaterThanOrEqual(prev);
      prev = s / f;
    }
  });
  it('tile padding or a cap the op\'s efficiency carries scales the table\'s fraction alike', () => {
    expect(ggufShapeFraction(TABLE, 4e9, 0.5 * gemmEff(4e9), gemmEff)).toBeCloseTo(0.4, 12);
  });
});

describe('llama.cpp MMQ on Strix Halo follows its measured shape table', () => {
  it('the current runtime carries the table; the Vulkan and 2025 rocBLAS runtimes, on other kernels, take the part\'s GEMM table', () => {
    expect(bound(HW, 'llama.cpp').runtime?.kernels?.ggufShape).toMatchObject({ sizes: [1073741824, 2818572288, 4294967296, 8589934592] });
    for (const rt of ['llama.cpp-vulkan', 'llama.cpp-hip-2025', 'llama.cpp-hipblaslt']) expect(bound(HW, rt).runtime?.kernels?.ggufShape).toBe('class');
    expect(bound('radeon-rx-7900-xtx', 'llama.cpp').runtime?.kernels?.ggufShape).toBeUndefined();
  });
  it('a 32-token ffn gate+up GEMM (5.8 GFLOP) runs at ~0.9 of the measured rate, not the GEMM table\'s ~0.6', () => {
    const hw = bound(HW, 'llama.cpp');
    const up = ffnUp(hw, 32);
    const withTable = opCost(up, hw).computeS;
    const withClass = opCost(up, withKernels(hw, { ggufShape: 'class' })).computeS;
    expect(withClass / withTable).toBeGreaterThan(1.3);
    expect(up.flops / withTable).toBeLessThanOrEqual(17.1e12 * 1.0001);
  });
  it('prompts speed up where the GEMMs are small, and the reference-size GEMMs keep the measured rate', () => {
    const hw = bound(HW, 'llama.cpp');
    const up = ffnUp(hw, 512);
    expect(opCost(up, hw).computeS).toBeCloseTo(opCost(up, withKernels(hw, { ggufShape: 'class' })).computeS, 12);
    expect(run('llama.cpp', HW, 128).prefill_tok_s!).toBeGreaterThan(run('llama.cpp', HW, 512).prefill_tok_s! * 0.8);
  });
  const scratch = useScratchDir('hwperf-gguf-shape-');
  it('a table whose FLOP and values differ in length, or whose FLOP do not increase, is one line naming the field', async () => {
    const base = `id: gs\nname: gs\nkind: runtime\nrole: local\nkernels:\n  gguf_shape:\n    flops: FLOPS\n    values: [0.5, 1]\n  source: "test"\nsources: [test]\n`;
    await expectOneIssueEach((n, t) => scratch.write(n, t), base, 'FLOPS', [['[1000, 2000, 4000]', /kernels\.gguf_shape\s+flops \(3\) and values \(2\) differ/], ['[4000, 1000]', /kernels\.gguf_shape\.flops\s+must increase/]] as const);
  });
});
