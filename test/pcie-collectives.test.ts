// Collectives among GPUs with no scale-up fabric run NCCL over PCIe: α–β with NCCL's measured start-up per ring step
// (src/sim/pcie-collectives.ts), not an NVLink-shaped size sweep read against the PCIe link.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { commSeconds } from '../src/sim/parallel.js';
import { PCIE_NCCL_STEP_S, overPcie } from '../src/sim/pcie-collectives.js';
import { expectLinkShape } from './helpers/collective-shape.js';

const hw = (id: string) => getLibrary().hardware[id]!;

describe('NCCL over PCIe', () => {
  it('a small all-reduce over 8 PCIe cards takes tens of µs, as nccl-tests measures (24-54 µs up to 64 KiB)', () => {
    for (const id of ['rtx-4090', 'a10g', 'l40s', 'rtx-pro-6000']) {
      const h = hw(id);
      expect(overPcie(h, h.host)).toBe(true);
      for (const bytes of [256, 16384, 65536]) {
        const t = commSeconds(h, 'allreduce', bytes, 8);
        expect(t).toBeGreaterThan(20e-6);
        expect(t).toBeLessThan(60e-6);
      }
    }
    expect(commSeconds(hw('rtx-4090'), 'allreduce', 8, 8)).toBeCloseTo(14 * PCIE_NCCL_STEP_S, 7);
  });
  it('large messages run at the part\'s large-message fraction of the link; time grows with the message and the group', () => {
    const h = hw('rtx-pro-6000');
    expectLinkShape(h, h.host!.bandwidthBytePerS, 8, 2, 1);
  });
  it('parts with a scale-up fabric keep their sweeps', () => {
    const h = hw('h100-sxm');
    expect(overPcie(h, h.host)).toBe(false);
    expect(commSeconds(h, 'allreduce', 16384, 8)).not.toBeCloseTo(14 * PCIE_NCCL_STEP_S, 7);
  });
});
