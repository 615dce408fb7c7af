// The binned base M4 (8 of the die's 10 GPU cores: MacBook Air M4 base, iMac M4 base) is its own part, apple-m4-8c:
// the same memory system as apple-m4 and 0.8x its GPU FLOP/s. The openquack lightning-whisper-mlx rows (N7110-N7113)
// ran on it (their host table: 'Apple M4 | 8-core').
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { request } from './helpers/nondecoder-fixtures.js';
import { simulate } from '../src/sim/simulate.js';

const lib = getLibrary();

describe('apple-m4-8c (the 8-core-GPU M4)', () => {
  it('has 8 GPU cores at apple-m4 per-core rate and apple-m4 memory', () => {
    const a = lib.hardware['apple-m4']!, b = lib.hardware['apple-m4-8c']!;
    expect(b.units).toBe(8);
    expect(b.matrixFlopPerS.fp16! / a.matrixFlopPerS.fp16!).toBeCloseTo(0.8, 6);
    expect(b.memory.bandwidthBytePerS).toBe(a.memory.bandwidthBytePerS);
    expect(b.efficiency.gemm).toEqual(a.efficiency.gemm);
  });
  it('prices a compute-bound Whisper encoder slower than the 10-core part, by at most the core ratio', () => {
    const run = (id: string) => simulate(request('whisper-medium', bindRuntime(lib.hardware[id]!, libraryRuntime('mlx')), { audioSeconds: 7.26, batch: 1, outputTokens: 28, dtype: 'fp16' }));
    const ten = run('apple-m4'), eight = run('apple-m4-8c');
    expect(eight.encoder_s! / ten.encoder_s!).toBeGreaterThan(1.1);
    expect(eight.encoder_s! / ten.encoder_s!).toBeLessThanOrEqual(1.25 + 1e-9);
  });
});
