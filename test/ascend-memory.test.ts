// HBM streaming on the Ascend 910B (hardware/huawei/ascend-910b.yaml efficiency.memory): torch_npu copy_ of fp32 arrays
// of 160-224 MiB on a 910B2 runs at 1.250-1.258 TB/s read + write (Kirrito-k423/GroundUpScale issue-29 observation v2),
// and torch.exp over fp32 tensors on another 910B at 642 GB/s counting the input only = 1.284 TB/s (gameofdimension/
// limulidae README). The class default (0.85 of HBM peak) priced a stream at 1.36 TB/s.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { opStream } from '../src/sim/ops.js';

const npu = getLibrary().hardware['ascend-910b']!;
// [array bytes, median ns] of three of the 910B2 copy sizes (41943040 / 50331648 / 58720256 fp32 elements); each copy
// reads and writes the array
const COPIES: [number, number][] = [
  [41943040 * 4, 267789],
  [50331648 * 4, 320018],
  [58720256 * 4, 373944],
];

describe('ascend-910b HBM streaming', () => {
  it('prices a large stream at the 910B2 copy rate within 3% (a fixed per-kernel cost included)', () => {
    for (const [array, ns] of COPIES) {
      const measured = (2 * array) / (ns * 1e-9);
      const priced = opStream(npu, 2 * array);
      expect(priced.achieved_bytes_per_s / measured).toBeGreaterThan(0.97);
      expect(priced.achieved_bytes_per_s / measured).toBeLessThan(1.02);
    }
  });
  it('stays within 4% of the second 910B\'s torch.exp rate (642 GB/s of input = 1.284 TB/s read + write)', () => {
    const priced = opStream(npu, 8e9).achieved_bytes_per_s;
    expect(Math.abs(priced / 1.284e12 - 1)).toBeLessThan(0.04);
  });
});
