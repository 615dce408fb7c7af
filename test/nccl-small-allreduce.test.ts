import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { commSeconds } from '../src/sim/parallel.js';
import { ncclSmallAllreduceSeconds } from '../src/sim/nccl-small-allreduce.js';

const hw = (id: string) => getLibrary().hardware[id]!;

// src/sim/nccl-small-allreduce.ts: an engine's NCCL all-reduce on a Hopper NVSwitch node at the framework-measured
// time (torch.distributed on 8x H100, ByteDance-Seed/Triton-distributed issue #57), not nccl-tests' ~33 µs floor.
describe('small-message NCCL all-reduce in engines (Hopper NVSwitch)', () => {
  it('8 ranks, 1-16 KiB: ~19.5-20.7 µs, not the nccl-tests-shaped ~30-35 µs', () => {
    for (const id of ['h100-sxm', 'h200-sxm']) {
      const h = hw(id);
      expect(commSeconds(h, 'allreduce', 1024, 8)).toBeCloseTo(19.5e-6, 7);
      expect(commSeconds(h, 'allreduce', 16384, 8)).toBeCloseTo(20.71e-6, 7);
      expect(commSeconds(h, 'allreduce', 524288, 8)).toBeLessThanOrEqual(25.24e-6 + 1e-12);
    }
  });

  it('nccl-tests reproduction (inSwitch, op allreduce / calibrate) keeps the spec sweep', () => {
    const h = hw('h100-sxm');
    expect(commSeconds(h, 'allreduce', 16384, 8, true)).toBeGreaterThan(25e-6);
  });

  it('never slower than the ring model, monotone in size, and smaller groups no slower', () => {
    const h = hw('h100-sxm');
    let last = 0;
    for (let b = 64; b <= 1 << 26; b *= 2) {
      const s = commSeconds(h, 'allreduce', b, 8);
      expect(Number.isFinite(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(last);
      last = s;
      expect(commSeconds(h, 'allreduce', b, 2)).toBeLessThanOrEqual(s);
    }
    expect(ncclSmallAllreduceSeconds(1 << 25)).toBeUndefined();
  });

  it('other fabrics are unchanged (no kernel-level table): A100 NVLink3 keeps the ring model', () => {
    const h = hw('a100-sxm4-80gb');
    expect(commSeconds(h, 'allreduce', 16384, 8)).toBeGreaterThan(25e-6);
  });
});
