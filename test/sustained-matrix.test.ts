// A part held at its power limit by sustained compute runs its matrix units below the rate a burst benchmark measures
// (efficiency.sustained_matrix; b200: 0.853, flashinfer-ai/flashinfer PR #2899). Workloads pay it, `op gemm` does not.
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
const burst = (hw: NormalizedHardware): NormalizedHardware => ({ ...hw, efficiency: { ...hw.efficiency, sustainedMatrix: undefined } });

describe('sustained-load matrix rate', () => {
  it('b200 carries the measured 0.853 (1237 / 1450 TFLOP/s); parts without a measurement keep their burst rate', () => {
    expect(lib.hardware.b200!.efficiency.sustainedMatrix).toBe(0.853);
    for (const id of ['h100-sxm', 'h200-sxm', 'gb200', 'gb300', 'mi300x']) expect(sustainedMatrix(lib.hardware[id]!)).toBe(1);
  });

  it('a compute-bound GEMM and a fused prefill attention take 1 / 0.853 of their burst time; a memory-bound op is unchanged', () => {
    const b200 = lib.hardware.b200!;
    const big = linear('ffn_up', 8192, 57344, 8192, 'fp4', 0.5625, 2);
    const s = opCost(big, b200), b = opCost(big, burst(b200));
    expect(s.bound).toBe('compute');
    expect(s.computeS).toBeCloseTo(b.computeS / 0.853, 15);
    expect(s.seconds).toBeGreaterThan(b.seconds);
    const triad = elementwise('residual', 1e9, 1, 6, 'bf16');
    expect(opCost(triad, b200).seconds).toBe(opCost(triad, burst(b200)).seconds);
  });

  it('op gemm is a burst benchmark: priced without the sustained factor (the MAMF row E020 is checked against it)', () => {
    const b200 = lib.hardware.b200!;
    expect(opGemm(b200, 8192, 8192, 8192, 'fp4').seconds).toBe(opGemm(burst(b200), 8192, 8192, 8192, 'fp4').seconds);
  });

  it('is validated as a fraction, with file, line and field', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sus-')), 'bad.yaml');
    writeFileSync(file, 'id: gpu\nname: GPU\ncompute:\n  matrix: {bf16: 100 TFLOP/s}\nmemory: {capacity: 16 GB, bandwidth: 1 TB/s}\nefficiency:\n  sustained_matrix: 1.2\nsources: [test]\n');
    const p = (await loadSpecFile(file)).errors.map(formatIssue);
    expect(p[0]).toMatch(/bad\.yaml:\d+:\d+ {2}efficiency\.sustained_matrix {2}efficiency must be a fraction/);
  });
});
