// H100 PCIe (350 W): dense tensor-core kernels measured on PCIe cards run far below the spec peaks, and below the
// SXM part's fractions for the same kernels. Sources and arithmetic: hardware/nvidia/h100-pcie.yaml.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import type { Op } from '../src/model/op.js';
import { denseGemmOp } from './helpers/gemm-op.js';

const lib = getLibrary();
const pcie = lib.hardware['h100-pcie']!;
const sxm = lib.hardware['h100-sxm']!;

const gemm = denseGemmOp;
const tflops = (op: Op, hw = pcie) => op.flops / (opCost(op, hw).seconds - hw.efficiency.kernelOverheadS) / 1e12;

describe('H100 PCIe tensor throughput under its 350 W cap', () => {
  it('fp8 CUTLASS GEMM 8192×4096×8192: 690.1 TFLOP/s measured (NVIDIA/cutlass #3168)', () => {
    const t = tflops(gemm(8192, 4096, 8192, 'fp8'));
    expect(t / 690.1).toBeGreaterThan(0.97);
    expect(t / 690.1).toBeLessThan(1.03);
  });

  it('bf16 large square GEMM: at most the 495.9 TFLOP/s best shape of the torch.matmul sweep (torch-performance-test-data #95)', () => {
    const t = tflops(gemm(16384, 16384, 16384, 'bf16'));
    expect(t).toBeLessThanOrEqual(496);
    expect(t).toBeGreaterThan(480);
  });

  it('fp8 buys 1.4×, not 2×, over bf16 at the same large shape (the power cap), where the SXM part keeps more', () => {
    const big = (d: 'bf16' | 'fp8') => gemm(8192, 8192, 8192, d);
    const pcieRatio = tflops(big('fp8')) / tflops(big('bf16'));
    expect(pcieRatio).toBeGreaterThan(1.3);
    expect(pcieRatio).toBeLessThan(1.6);
    expect(tflops(big('fp8'), sxm) / tflops(big('bf16'), sxm)).toBeGreaterThan(pcieRatio);
  });

  it('fp8 prefill attention, head dim 128, long sequence: FA3 fp8 619 TFLOP/s on a PCIe H100 (flash-attention PR #1075)', () => {
    const s = 8448;
    const heads = 16;
    const op: Op = {
      name: 'attention_prefill', kind: 'attention', flops: 4 * 2 * heads * s * s * 128, bytes: 4 * 2 * s * heads * 128, weightBytes: 0,
      dtype: 'fp8', count: 1, attn: { q: s, kv: s, headDim: 128 },
    };
    const t = tflops(op);
    expect(t / 618.05).toBeGreaterThan(0.97);
    expect(t / 618.05).toBeLessThan(1.03);
  });
});
