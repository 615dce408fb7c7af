// A part held at its power limit by sustained compute runs its matrix units below the rate a burst benchmark measures
// (efficiency.sustained_matrix: b200/gb200 0.83, MSMF / MAMF of stas00/ml-engineering compute/accelerator/README.md
// @0359db89). A dtype whose table was measured under sustained load (Azure's fp8 cuBLASLt sweep after 10,000 warmups)
// keeps 1 (sustained_matrix_by_dtype). Hopper and MI300X tables already hold the power-limited clock: no factor.
// The 70 W Tesla T4: 0.63 (cuBLAS fp16 4096^3 run back to back ~24 TFLOP/s against its burst table's 38.1).
// Workloads pay it, `op gemm` does not.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLibrary } from '../src/spec/library.js';
import { linear, elementwise } from '../src/model/op.js';
import { opCost, sustainedMatrix } from '../src/sim/roofline.js';
import { opGemm } from '../src/sim/ops.js';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';
import type { NormalizedHardware } from '../src/spec/types.js';

const lib = getLibrary();
const burst = (hw: NormalizedHardware): NormalizedHardware => ({
  ...hw, efficiency: { ...hw.efficiency, sustainedMatrix: undefined, sustainedMatrixByDtype: undefined },
});

describe('sustained-load matrix rate', () => {
  it('Blackwell burst tables pay MSMF / MAMF 0.83; their sustained fp8 sweep and the Hopper / MI300X tables keep 1', () => {
    for (const id of ['b200', 'gb200', 'gb300']) {
      const hw = lib.hardware[id]!;
      expect(sustainedMatrix(hw)).toBe(0.83);
      expect(sustainedMatrix(hw, 'bf16')).toBe(0.83);
      expect(sustainedMatrix(hw, 'fp4')).toBe(0.83);
      expect(sustainedMatrix(hw, 'fp8')).toBe(1);
    }
    for (const id of ['h100-sxm', 'h200-sxm', 'gh200', 'mi300x']) {
      for (const d of [undefined, 'bf16', 'fp8'] as const) expect(sustainedMatrix(lib.hardware[id]!, d)).toBe(1);
    }
  });

  it('the sustained large-GEMM rates meet the measured MSMF (best shape held 4 s at the power limit, @0359db89)', () => {
    const rate = (id: string, d: 'bf16' | 'fp8' | 'fp4', peak: number) => {
      const hw = lib.hardware[id]!;
      const t = d === 'bf16' ? hw.efficiency.gemm : hw.efficiency.gemmByDtype![d]!;
      return peak * t.values.at(-1)! * sustainedMatrix(hw, d);
    };
    expect(rate('b200', 'bf16', 2250) / 1439).toBeCloseTo(1, 1); // 1449
    expect(rate('h200-sxm', 'fp8', 1979) / 1354).toBeCloseTo(1, 1); // 1358
    expect(rate('a100-pcie-80gb', 'bf16', 312) / 258).toBeCloseTo(1, 1); // 256.5
    // layer-shaped NVFP4 GEMMs (the fp4 table) sustain below the best shape's MSMF 5627, as H200's layer shapes (0.69 of
    // peak) sit below its bf16 MSMF (755)
    expect(rate('b200', 'fp4', 9000)).toBeLessThan(5627);
    expect(rate('b200', 'fp4', 9000)).toBeGreaterThan(0.85 * 5627);
  });

  it('gb200 bf16 GEMMs run at its own MAMF fraction (1822 / 2500), not the B200 one', () => {
    expect(lib.hardware.gb200!.efficiency.gemm.values.at(-1)).toBe(0.729);
    expect(lib.hardware.b200!.efficiency.gemm.values.at(-1)).toBe(0.776);
  });

  it('a compute-bound fp4 GEMM and a fused attention take 1 / 0.83 of their burst time; fp8 and memory-bound ops do not', () => {
    const b200 = lib.hardware.b200!;
    const big = linear('ffn_up', 8192, 57344, 8192, 'fp4', 0.5625, 2);
    const s = opCost(big, b200), b = opCost(big, burst(b200));
    expect(s.bound).toBe('compute');
    expect(s.computeS).toBeCloseTo(b.computeS / 0.83, 15);
    const attn = { ...linear('attn', 8192, 8192, 8192, 'fp8', 1, 2), kind: 'attention' as const };
    expect(opCost(attn, b200).computeS).toBeCloseTo(opCost(attn, burst(b200)).computeS / 0.83, 15);
    const fp8 = linear('ffn_up', 8192, 57344, 8192, 'fp8', 1, 2);
    expect(opCost(fp8, b200).bound).toBe('compute');
    expect(opCost(fp8, b200).computeS).toBe(opCost(fp8, burst(b200)).computeS);
    const triad = elementwise('residual', 1e9, 1, 6, 'bf16');
    expect(opCost(triad, b200).seconds).toBe(opCost(triad, burst(b200)).seconds);
  });

  it('the 70 W T4 sustains ~24 TFLOP/s on back-to-back fp16 4096^3 cuBLAS GEMMs (NVIDIA forum t/264462), not its 38 TFLOP/s burst', () => {
    const t4 = lib.hardware['tesla-t4']!;
    expect(sustainedMatrix(t4, 'fp16')).toBe(0.63);
    const g = linear('gemm', 4096, 4096, 4096, 'fp16', 2, 2);
    const s = opCost(g, t4), b = opCost(g, burst(t4));
    expect(s.bound).toBe('compute');
    expect(g.flops / s.computeS / 1e12).toBeGreaterThan(22);
    expect(g.flops / s.computeS / 1e12).toBeLessThan(26);
    expect(g.flops / b.computeS / 1e12).toBeGreaterThan(36); // the burst table (PyTorch sweep, 42.3 TFLOP/s best)
    // memory-bound work keeps its rate (the memory clock does not move), and `op gemm` stays a burst
    const copy = elementwise('residual', 1e9, 1, 6, 'fp16');
    expect(opCost(copy, t4).seconds).toBe(opCost(copy, burst(t4)).seconds);
    expect(opGemm(t4, 4096, 4096, 4096, 'fp16').seconds).toBe(opGemm(burst(t4), 4096, 4096, 4096, 'fp16').seconds);
  });

  it('op gemm is a burst benchmark: priced without either sustained factor (the MAMF row E020 is checked against it)', () => {
    const b200 = lib.hardware.b200!;
    for (const d of ['fp4', 'fp8', 'bf16'] as const) {
      expect(opGemm(b200, 8192, 8192, 8192, d).seconds).toBe(opGemm(burst(b200), 8192, 8192, 8192, d).seconds);
    }
  });

  it('is validated as a fraction (and by dtype name), with file, line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sus-'));
    const head = 'id: gpu\nname: GPU\ncompute:\n  matrix: {bf16: 100 TFLOP/s}\nmemory: {capacity: 16 GB, bandwidth: 1 TB/s}\nefficiency:\n';
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, head + '  sustained_matrix: 1.2\nsources: [test]\n');
    expect((await loadSpecFile(bad)).errors.map(formatIssue)[0]).toMatch(/bad\.yaml:\d+:\d+ {2}efficiency\.sustained_matrix {2}efficiency must be a fraction/);
    const badD = join(dir, 'bad-dtype.yaml');
    writeFileSync(badD, head + '  sustained_matrix_by_dtype: {fp8: 1.5}\nsources: [test]\n');
    expect((await loadSpecFile(badD)).errors.map(formatIssue)[0]).toMatch(/efficiency\.sustained_matrix_by_dtype\.fp8 {2}efficiency must be a fraction/);
    const badN = join(dir, 'bad-name.yaml');
    writeFileSync(badN, head + '  sustained_matrix_by_dtype: {fp9: 1}\nsources: [test]\n');
    expect((await loadSpecFile(badN)).errors.length).toBeGreaterThan(0);
  });
});
