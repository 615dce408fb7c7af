// L40S DRAM: its own stream efficiency from cuda-stream on an L40 (the same AD102 board memory system: 48 GB GDDR6, 384
// bits at 18 Gbit/s = 864 GB/s), replacing the GDDR class default (hardware/nvidia/l40s.yaml):
//  - triad A = B*D + C over 2 GiB fp64 arrays 830 GB/s, read 845 GB/s (RRZE-HPC/gpu-benches @1038c5d gpu-stream/l40.txt);
//  - L2 capacity 96 MB (gpu-l2-cache/l40.txt: L2 rate up to a 91.6 MB data set, DRAM rate from 145 MB).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opCost } from '../src/sim/roofline.js';
import { defaultEfficiency } from '../src/hardware/efficiency.js';
import type { Op } from '../src/model/op.js';

const l40s = getLibrary().hardware['l40s']!;
const GiB = 2 ** 30;

describe('L40S DRAM (cuda-stream on an L40, RRZE-HPC/gpu-benches)', () => {
  it('prices a 2 GiB-array triad (two arrays read, one written) at the measured 830 GB/s within 1%', () => {
    const triad: Op = { name: 'triad', kind: 'elementwise', flops: 2 * (2 * GiB) / 8, bytes: 3 * 2 * GiB, weightBytes: 0, dtype: 'fp32', count: 1 };
    const kernelS = opCost(triad, l40s).seconds - l40s.efficiency.kernelOverheadS;
    // the first 96 MB (the L2's worth) priced at the L2 rate the part states (on_chip.l2_bandwidth, src/sim/l2-resident.ts)
    const l2 = l40s.onChip.l2Bytes!;
    const measuredS = (3 * 2 * GiB - l2) / 830e9 + l2 / l40s.onChip.l2BandwidthBytePerS!;
    expect(kernelS / measuredS).toBeGreaterThan(0.99);
    expect(kernelS / measuredS).toBeLessThan(1.01);
  });
  it('streams weights no faster than the measured pure read (845 GB/s) and faster than the GDDR class default', () => {
    const bw = l40s.memory.bandwidthBytePerS * l40s.efficiency.memory;
    expect(bw).toBeLessThanOrEqual(845e9);
    expect(l40s.efficiency.memory).toBeGreaterThan(defaultEfficiency('gddr6', 'datacenter', 'nvidia').memory);
  });
});
