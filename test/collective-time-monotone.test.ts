// A collective of more bytes never finishes sooner, on any part, group or kind: measured sweeps can climb faster than
// their sizes between two points (A100's all-reduce sweep: x16.75 efficiency for x16 size at 16 KiB), so the spec loader
// caps each table point's time at the last one's (src/spec/normalize-hardware.ts table); found by the DiT --tp property
// (a Ulysses all-to-all of a bigger batch priced cheaper on 4 A100s).
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { commSeconds } from '../src/sim/parallel.js';

const lib = getLibrary();

describe('collective time in message size', () => {
  it('never falls as the message grows (every part, kind, group 2-8, 1 KiB to 256 MiB)', () => {
    const bad: string[] = [];
    for (const [id, hw] of Object.entries(lib.hardware)) {
      for (const kind of ['allreduce', 'allgather', 'reducescatter', 'alltoall'] as const) {
        for (const group of [2, 4, 8]) {
          let prev = 0;
          for (let b = 1024; b < 2.7e8; b *= 1.07) {
            const s = commSeconds(hw, kind, b, group);
            if (s < prev * (1 - 1e-9)) { bad.push(`${id} ${kind} x${group} at ${Math.round(b)} B: ${prev} -> ${s}`); break; }
            prev = s;
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("the A100 sweep's 16 KiB point keeps the 1 KiB point's time (its measured efficiency climbs x16.75 for x16 size)", () => {
    const t = lib.hardware['a100-sxm4-80gb']!.efficiency.collectiveBySize!;
    for (let i = 1; i < t.sizes.length; i++) expect(t.sizes[i]! / t.values[i]!).toBeGreaterThanOrEqual((t.sizes[i - 1]! / t.values[i - 1]!) * (1 - 1e-12));
  });
});
