import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opAllreduce, opGemm, opStream } from '../src/sim/ops.js';

const hw = (id: string) => getLibrary().hardware[id]!;

describe('op gemm / stream / allreduce', () => {
  it('gemm: 2mnk FLOPs, compute-bound when large, achieved = flops / seconds', () => {
    const r = opGemm(hw('h100-sxm'), 8192, 8192, 8192, 'bf16');
    expect(r.flops).toBe(2 * 8192 ** 3);
    expect(r.bound).toBe('compute');
    expect(r.achieved_flops_per_s!).toBeCloseTo(r.flops / r.seconds, 0);
    expect(r.achieved_flops_per_s!).toBeLessThan(989.4e12);
  });
  it('gemm: a skinny GEMV is memory-bound', () => {
    expect(opGemm(hw('h100-sxm'), 1, 8192, 8192, 'bf16').bound).toBe('memory');
  });
  it('gemm: missing dtype falls back with a warning', () => {
    const r = opGemm(hw('a100-sxm4-80gb'), 4096, 4096, 4096, 'fp8');
    expect(r.dtype).not.toBe('fp8');
    expect(r.warnings[0]).toMatch(/no native fp8/);
  });
  it('stream: achieved bandwidth = spec × memory efficiency for large transfers', () => {
    const h = hw('h100-sxm');
    const r = opStream(h, 8e9);
    expect(r.achieved_bytes_per_s! / (h.memory.bandwidthBytePerS * h.efficiency.memory)).toBeCloseTo(1, 2);
  });
  it('allreduce reproduces each spec\'s own nccl-tests sweep at 8 GiB, whether it measured NVLS or a ring', () => {
    // Azure ND H100 v5: NVLS, 8 GPUs, 478.87 GB/s busbw (row E014); ND GB200 v6: "NCCL AllReduce (Ring algorithm)",
    // 4 GPUs, 679.61 GB/s (Azure_Results/ND_GB200_v6_results.md @2a370be)
    expect(opAllreduce(hw('h100-sxm'), 2 ** 33, 8).bus_bandwidth_bytes_per_s! / 478.87e9).toBeCloseTo(1, 2);
    expect(opAllreduce(hw('gb200'), 2 ** 33, 4).bus_bandwidth_bytes_per_s! / 679.61e9).toBeCloseTo(1, 2);
  });
  it('allreduce: busbw = algbw × 2(n−1)/n (nccl-tests convention)', () => {
    const r = opAllreduce(hw('a100-sxm4-80gb'), 8e9, 8);
    expect(r.bus_bandwidth_bytes_per_s!).toBeCloseTo((r.achieved_bytes_per_s! * 2 * 7) / 8, 0);
    // ring: busbw ≈ link × collective efficiency
    const h = hw('a100-sxm4-80gb');
    expect(r.bus_bandwidth_bytes_per_s! / (h.scaleUp!.bandwidthBytePerS * h.efficiency.collective)).toBeCloseTo(1, 2);
  });
  it('allreduce below the smallest swept message is latency-bound: no faster than that message', () => {
    // Both the spec's own sweep (h100-sxm: NVLS, from 1 KiB) and the common shape (a100-pcie-80gb has none: its
    // large-message fraction × COLLECTIVE_SHAPE, from 1 KiB) are flat in time below their first size.
    for (const id of ['h100-sxm', 'a100-pcie-80gb']) {
      const at1k = opAllreduce(hw(id), 1024, 8).seconds;
      for (const b of [8, 128, 1000]) expect(opAllreduce(hw(id), b, 8).seconds, `${id} ${b} B`).toBeCloseTo(at1k, 12);
      expect(opAllreduce(hw(id), 4096, 8).seconds).toBeGreaterThanOrEqual(at1k);
    }
  });
  it('rejects bad input', () => {
    expect(() => opGemm(hw('h100-sxm'), 0, 1, 1, 'bf16')).toThrow(/--m/);
    expect(() => opAllreduce(hw('h100-sxm'), 1e9, 1)).toThrow(/--devices/);
  });
});

describe('op --bytes takes units', () => {
  it('parses numbers and byte units, and rejects the rest in one line', async () => {
    const { bytesFlag } = await import('../src/cli/parse.js');
    expect(bytesFlag('--bytes', '8e9')).toBe(8e9);
    expect(bytesFlag('--bytes', '64MB')).toBe(64e6);
    expect(bytesFlag('--bytes', '256 MiB')).toBe(256 * 2 ** 20);
    expect(() => bytesFlag('--bytes', '64XB')).toThrow(/--bytes: expected a byte count such as 8e9, 64MB or 256MiB, found "64XB"/);
  });
});
