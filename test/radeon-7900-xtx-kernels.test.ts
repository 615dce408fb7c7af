// RX 7900 XTX: its own DRAM and 16-bit GEMM efficiencies from micro-benchmarks of the card (hardware/amd/
// radeon-rx-7900-xtx.yaml), replacing the GDDR and consumer class defaults:
//  - DRAM: PyTorch large-tensor copy 792 GB/s (chsasank/device-benchmarks README.md @7ccc883);
//  - GEMM: torch.mm square sweeps on three cards, bf16 and fp16 (zzc0721/torch-performance-test-data issues #58, #68,
//    #103), the median of the six at each size.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import { defaultEfficiency } from '../src/hardware/efficiency.js';
import { denseGemmOp } from './helpers/gemm-op.js';

const xtx = getLibrary().hardware['radeon-rx-7900-xtx']!;

describe('RX 7900 XTX DRAM (PyTorch copy, chsasank/device-benchmarks)', () => {
  it('streams at the measured 792 GB/s, below the GDDR class default', () => {
    expect((xtx.memory.bandwidthBytePerS * xtx.efficiency.memory) / 1e9).toBeCloseTo(792, 0);
    expect(xtx.efficiency.memory).toBeLessThan(defaultEfficiency('gddr6', 'consumer', 'amd').memory);
  });
});

describe('RX 7900 XTX 16-bit GEMMs (torch.mm sweeps on three cards)', () => {
  // median of bf16 and fp16 on the three cards at each square size, TFLOP/s
  const median: [number, number][] = [[1024, 25.19], [2048, 61.59], [4096, 96.44], [8192, 92.68], [10240, 90.6]];
  it('prices each square size at the median measured rate within 5% (3.3% is the pooled fall past 4096³)', () => {
    for (const [n, tf] of median) {
      for (const d of ['bf16', 'fp16'] as const) {
        const op = { ...denseGemmOp(n, n, n, 'bf16'), dtype: d };
        const kernelS = opCost(op, xtx).seconds - xtx.efficiency.kernelOverheadS + 2e-6;
        const ratio = kernelS / (op.flops / (tf * 1e12));
        expect(ratio, `${d} ${n}^3`).toBeGreaterThan(0.95);
        expect(ratio, `${d} ${n}^3`).toBeLessThan(1.05);
      }
    }
  });
  it('is slower than the class shape at 17 GFLOP (0.505 vs 0.62) and faster from 137 GFLOP (0.76 vs 0.68)', () => {
    const cls = defaultEfficiency('gddr6', 'consumer', 'amd').gemm;
    const at = (t: { sizes: number[]; values: number[] }, s: number) => t.values[t.sizes.indexOf(s)]!;
    const own = xtx.efficiency.gemm;
    expect(at(own, 1.72e10)).toBeLessThan(at(cls, 1.72e10) - 0.1);
    expect(at(own, 1.37e11)).toBeGreaterThan(at(cls, 1.37e11) + 0.05);
  });
});
