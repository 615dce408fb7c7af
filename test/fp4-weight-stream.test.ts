// Block-scaled NVFP4 GEMMs on Blackwell stream their weights below STREAM (efficiency.gemm_memory_by_dtype.fp4, measured
// on B300 in flashinfer PR #2303): a skinny fp4 GEMM is priced at that rate, other dtypes and other parts are not.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { linear } from '../src/model/op.js';
import { memoryEfficiency, opCost } from '../src/sim/roofline.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecFile } from '../src/spec/load.js';
import { formatIssue } from '../src/spec/errors.js';

const lib = getLibrary();

describe('NVFP4 weight streaming below the ridge point', () => {
  it('b200, gb200 and gb300 carry the measured fraction; other parts and dtypes keep STREAM', () => {
    for (const id of ['b200', 'gb200', 'gb300']) expect(lib.hardware[id]!.efficiency.gemmMemoryByDtype?.fp4).toBe(0.66);
    const h100 = lib.hardware['h100-sxm']!;
    expect(h100.efficiency.gemmMemoryByDtype).toBeUndefined();
    const b200 = lib.hardware.b200!;
    expect(memoryEfficiency(linear('g', 64, 8192, 8192, 'int8', 1, 2), b200)).toBe(b200.efficiency.memory);
    expect(memoryEfficiency(linear('g', 64, 8192, 8192, 'fp4', 0.5625, 2), b200)).toBe(0.66);
    // attention and elementwise ops keep their own rates
    expect(memoryEfficiency({ ...linear('a', 64, 8192, 8192, 'fp4', 0.5625, 2), kind: 'attention' }, b200)).toBe(b200.efficiency.memory);
  });

  it('a skinny fp4 GEMM on gb300 takes its bytes at 0.66 of 8 TB/s plus the per-kernel overhead (the B300 kernel: ~29 µs)', () => {
    const gb300 = lib.hardware.gb300!;
    // Llama-3.1-70B down projection at M = 32: 133 MB of 4.5-bit weights
    const op = linear('down', 32, 8192, 28672, 'fp4', 0.5625, 2);
    const c = opCost(op, gb300, 'decode');
    expect(c.bound).toBe('memory');
    const expected = op.bytes / (gb300.memory.bandwidthBytePerS * 0.66) + gb300.efficiency.kernelOverheadS;
    expect(c.seconds).toBeCloseTo(expected, 12);
    // measured 29.0 µs (PR #2303, 519.3 TFLOP/s at M = 32)
    expect(c.seconds * 1e6).toBeGreaterThan(27);
    expect(c.seconds * 1e6).toBeLessThan(31);
  });

  it('never above STREAM, and a compute-bound fp4 GEMM is unchanged', () => {
    const b200 = lib.hardware.b200!;
    const fast = { ...b200, efficiency: { ...b200.efficiency, gemmMemoryByDtype: { fp4: 0.99 } } };
    expect(memoryEfficiency(linear('g', 16, 8192, 8192, 'fp4', 0.5625, 2), fast)).toBe(b200.efficiency.memory);
    const big = linear('g', 8192, 8192, 8192, 'fp4', 0.5625, 2);
    const noFix = { ...b200, efficiency: { ...b200.efficiency, gemmMemoryByDtype: undefined } };
    expect(opCost(big, b200).seconds).toBe(opCost(big, noFix).seconds);
    expect(opCost(big, b200).bound).toBe('compute');
  });

  it('the field is validated as a fraction, with file, line and field', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fp4-')), 'bad.yaml');
    writeFileSync(file, 'id: gpu\nname: GPU\ncompute:\n  matrix: {bf16: 100 TFLOP/s, fp4: 400 TFLOP/s}\nmemory: {capacity: 16 GB, bandwidth: 1 TB/s}\nefficiency:\n  gemm_memory_by_dtype: {fp4: 1.5}\nsources: [test]\n');
    const p = (await loadSpecFile(file)).errors.map(formatIssue);
    expect(p[0]).toMatch(/bad\.yaml:\d+:\d+ {2}efficiency\.gemm_memory_by_dtype\.fp4 {2}efficiency must be a fraction from 0\.000001 to 1/);
  });

  it('a dtype key no GEMM has (gemm_memory_by_dtype, gemm_by_dtype) is an error naming the field, not a table never read', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fp4-')), 'typo.yaml');
    writeFileSync(file, 'id: gpu\nname: GPU\ncompute:\n  matrix: {bf16: 100 TFLOP/s, fp4: 400 TFLOP/s}\nmemory: {capacity: 16 GB, bandwidth: 1 TB/s}\nefficiency:\n  gemm_memory_by_dtype: {nvfp4: 0.6}\n  gemm_by_dtype:\n    bf17: {sizes: [1e6, 1e9], values: [0.1, 0.5]}\nsources: [test]\n');
    const p = (await loadSpecFile(file)).errors.map(formatIssue);
    expect(p).toHaveLength(2);
    expect(p.join('\n')).toMatch(/typo\.yaml:7:\d+ {2}efficiency\.gemm_memory_by_dtype {2}must be one of fp64, .*fp4, int4/);
    expect(p.join('\n')).toMatch(/typo\.yaml:9:\d+ {2}efficiency\.gemm_by_dtype {2}must be one of/);
  });
});

describe('Blackwell Ultra NVFP4 GEMM level (gb300)', () => {
  it('the measured B300 kernel (M 256, N 8192, K 28672: 31.1 µs) is met within 5% (a kernel benchmark: burst clock)', () => {
    const gb300 = lib.hardware.gb300!;
    const burst = { ...gb300, efficiency: { ...gb300.efficiency, sustainedMatrix: undefined, sustainedMatrixByDtype: undefined } };
    const c = opCost(linear('down', 256, 8192, 28672, 'fp4', 0.5, 2), burst);
    expect(Math.abs(c.seconds * 1e6 - 31.06) / 31.06).toBeLessThan(0.05);
  });
  it('never slower than gb200 at any GEMM size (monotone in hardware), and below its own 1.5x peak ratio', () => {
    const gb200 = lib.hardware.gb200!, gb300 = lib.hardware.gb300!;
    for (const m of [16, 64, 256, 1024, 4096, 16384]) {
      const op = linear('g', m, 8192, 8192, 'fp4', 0.5625, 2);
      const a = opCost(op, gb200).seconds, b = opCost(op, gb300).seconds;
      expect(b).toBeLessThanOrEqual(a * (1 + 1e-12));
      expect(a / b).toBeLessThan(1.5);
    }
  });
});
