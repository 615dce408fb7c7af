// Apple M3 Max / M3 Ultra / M4 Max DRAM: PyTorch MPS large-tensor copy (a.copy_(b), float32, 2^26.5 elements = 380 MB a
// tensor; bandwidth = 2 x bytes / wall time), chsasank/device-benchmarks README.md @7ccc883 and benchmark.py:
//  - "Apple M3 Max GPU (40 Core)" 318 GB/s (the 16-core CPU bin, 409.6 GB/s); the M3 Ultra takes the M3 Max's fraction
//    (two M3 Max memory systems: ASSUMPTION, as the M1 / M2 Ultra files share their Max's);
//  - "Apple M4 Max GPU (16C,40C,128G)" 396 GB/s (the 546 GB/s bin).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import { defaultMemoryEfficiency } from '../src/hardware/efficiency.js';
import type { Op } from '../src/model/op.js';

const TENSOR_BYTES = Math.floor(2 ** 26.5) * 4;

describe('Apple GPU DRAM from the PyTorch MPS copy (chsasank/device-benchmarks)', () => {
  for (const [part, measuredGBs, peakGBs] of [['apple-m3-max', 318, 409.6], ['apple-m4-max', 396, 546]] as const) {
    it(`${part}: a 380 MB tensor copy (read + write) takes the measured time at ${measuredGBs} GB/s within 1%`, () => {
      const hw = getLibrary().hardware[part]!;
      const copy: Op = { name: 'copy', kind: 'elementwise', flops: 0, bytes: 2 * TENSOR_BYTES, weightBytes: 0, dtype: 'fp32', count: 1 };
      const kernelS = opCost(copy, hw).seconds - hw.efficiency.kernelOverheadS;
      const measuredS = (2 * TENSOR_BYTES) / (measuredGBs * 1e9);
      expect(kernelS / measuredS).toBeGreaterThan(0.99);
      expect(kernelS / measuredS).toBeLessThan(1.01);
      expect(hw.memory.bandwidthBytePerS).toBeCloseTo(peakGBs * 1e9, -7);
      expect(hw.efficiency.memory).toBeLessThan(defaultMemoryEfficiency(hw.memory.technology));
    });
  }
  it('apple-m3-ultra streams at the M3 Max fraction of its own peak', () => {
    const lib = getLibrary().hardware;
    expect(lib['apple-m3-ultra']!.efficiency.memory).toBe(lib['apple-m3-max']!.efficiency.memory);
  });
});
