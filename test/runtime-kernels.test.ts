// Kernel-selection thresholds and kernel rates are runtime facts (runtimes/*.yaml `kernels.*`), read through the spec
// layer: the matrix-vector limit, grouped-GEMM M tiles and llama.cpp's GGUF matmul rate per SM/CU and clock.
import { describe, expect, it } from 'vitest';
import { runCommand } from '@oclif/test';
import { join } from 'node:path';
import { getLibrary, libraryRuntime } from '../src/spec/library.js';
import { bindRuntime, resolveRuntime } from '../src/runtime/resolve.js';
import { DEFAULT_KERNEL_PHYSICS, kernelPhysics } from '../src/sim/kernel-physics.js';
import { MMQ_REFERENCE_FLOP, ggufGemmPeak } from '../src/hardware/efficiency.js';
import { opCost } from '../src/sim/roofline.js';
import type { Op } from '../src/model/op.js';
import { useScratchDir } from './helpers/scratch.js';

const root = new URL('..', import.meta.url).pathname;
const lib = getLibrary();
const scratch = useScratchDir('hwperf-rtk-');
const write = scratch.write;

const ENGINE = `id: tiny-engine
name: Tiny engine
kind: runtime
role: local
kernels:
  gemv_max_rows: 4
  moe_min_tile_rows: 32
  mma_tile_rows: 128
  gguf_rate: 40 TFLOP/s
  source: "kernel micro-benchmark of my engine"
sources: [test]
`;

describe('runtime kernel fields flow from YAML to the cost model', () => {
  it('a runtime file sets the matrix-vector limit, the MoE tiles and a measured GGUF rate', async () => {
    const rt = await resolveRuntime(write('tiny.yaml', ENGINE));
    const hw = bindRuntime(lib.hardware['h100-sxm']!, rt);
    expect(kernelPhysics(hw)).toMatchObject({ gemvMaxRows: 4, moeMinTileRows: 32, mmaTileRows: 128 });
    expect(ggufGemmPeak(hw)).toBe(40e12);
    // 6 rows: a matrix-vector kernel under the defaults (≤ 8), a tiled GEMM under this engine (≤ 4)
    const op: Op = { name: 'g', kind: 'gemm', m: 6, flops: 2 * 6 * 4096 * 4096, bytes: 4096 * 4096 * 2, weightBytes: 4096 * 4096 * 2, dtype: 'bf16', count: 1 };
    const plain = lib.hardware['h100-sxm']!;
    expect(kernelPhysics(plain).gemvMaxRows).toBe(DEFAULT_KERNEL_PHYSICS.gemvMaxRows);
    expect(opCost(op, hw).computeS).toBeGreaterThan(opCost(op, plain).computeS);
  });
  it('a bad kernel field is one line naming file and field, exit 1', async () => {
    for (const [bad, field] of [
      [ENGINE.replace('gemv_max_rows: 4', 'gemv_max_rows: -1'), 'kernels.gemv_max_rows'],
      [ENGINE.replace('moe_min_tile_rows: 32', 'moe_min_tile_rows: 256'), 'kernels.moe_min_tile_rows'],
      [ENGINE.replace('gguf_rate: 40 TFLOP/s', 'gguf_rate: 40 GB'), 'kernels.gguf_rate'],
    ] as const) {
      const r = await runCommand(['validate', write('bad.yaml', bad)], { root });
      expect(r.stderr.trim().split('\n'), bad).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`bad\\.yaml:\\d+:\\d+\\s+${field.replace('.', '\\.')}`));
      expect(process.exitCode).toBe(1);
      process.exitCode = 0;
    }
  });
  it('show runtime --json prints the kernel fields (null where the runtime leaves the default)', async () => {
    const r = await runCommand(['show', 'runtime', 'llama.cpp', '--hardware', 'rtx-4090', '--json'], { root });
    const k = JSON.parse(r.stdout).kernels;
    expect(k.gemv_max_rows).toBe(8);
    expect(k.gguf_flop_per_unit_clock).toBe(524);
    expect(k.moe_min_tile_rows).toBeNull();
  });
});

describe("llama.cpp's GGUF matmul rate is the runtime's, per SM/CU and clock", () => {
  it('NVIDIA parts: 524 FLOP per SM per clock (PR #7676), from runtimes/llama.cpp.yaml', () => {
    for (const id of ['rtx-4090', 'h100-sxm', 'h100-pcie', 'a100-sxm4-80gb']) {
      const hw = bindRuntime(lib.hardware[id]!, libraryRuntime('llama.cpp'));
      expect(ggufGemmPeak(hw), id).toBeCloseTo(524 * hw.units! * hw.clockHz!, -6);
    }
  });
  it('H100 PCIe has SM count and clock, so its GGUF prompt pass runs at the MMQ rate, not the fp16 tensor peak', () => {
    const hw = bindRuntime(lib.hardware['h100-pcie']!, libraryRuntime('llama.cpp'));
    const op: Op = { name: 'ffn_up', kind: 'gemm', flops: MMQ_REFERENCE_FLOP, bytes: 1e6, weightBytes: 1e6, dtype: 'fp16', count: 1, gguf: true };
    expect(opCost(op, hw).computeS).toBeCloseTo(MMQ_REFERENCE_FLOP / (524 * 114 * 1.62e9), 9);
  });
  it('MI300X under llama.cpp: the CDNA3 MFMA MMQ entry (bounded below by the measured hipBLAS path, 55.6 TFLOP/s)', () => {
    const hw = bindRuntime(lib.hardware['mi300x']!, libraryRuntime('llama.cpp'));
    const peak = ggufGemmPeak(hw)!;
    expect(peak).toBeCloseTo(524 * 304 * 2.1e9, -6);
    expect(peak).toBeGreaterThanOrEqual(55.61e12);
    // far below the fp16 matrix peak the FP16 tables would use (1307 TFLOP/s)
    expect(peak).toBeLessThan(hw.matrixFlopPerS.fp16! / 3);
  });
  it('AMD consumer parts without a kernel measurement have no GGUF rate (the FP16 tables stand); Strix Halo has its measured one', () => {
    expect(ggufGemmPeak(bindRuntime(lib.hardware['radeon-ai-pro-r9700']!, libraryRuntime('llama.cpp')))).toBeUndefined();
    // ROCm/ROCm issue #4748: test-backend-ops MUL_MAT 4096x512x14336 q4_0 on gfx1151, far below the 59.4 TFLOP/s WMMA peak
    expect(ggufGemmPeak(bindRuntime(lib.hardware['ryzen-ai-max-plus-395']!, libraryRuntime('llama.cpp-hip-2025')))).toBe(4.66e12);
  });
});
