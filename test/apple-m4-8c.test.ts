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
  it('prices a bandwidth-bound batch-1 decode the same as the 10-core part (same memory system)', () => {
    const run = (id: string) => simulate(request('whisper-medium', bindRuntime(lib.hardware[id]!, libraryRuntime('mlx')), { audioSeconds: 7.26, batch: 1, outputTokens: 28, dtype: 'fp16' }));
    const dec = (id: string) => run(id).phases.find((p) => p.name === 'decode')!;
    expect(dec('apple-m4-8c').bound).toBe('memory');
    expect(dec('apple-m4-8c').seconds / dec('apple-m4').seconds).toBeCloseTo(1, 2);
  });
  it('prices a compute-bound Whisper encoder slower than the 10-core part, by at most the core ratio', () => {
    const run = (id: string) => simulate(request('whisper-medium', bindRuntime(lib.hardware[id]!, libraryRuntime('mlx')), { audioSeconds: 7.26, batch: 1, outputTokens: 28, dtype: 'fp16' }));
    const ten = run('apple-m4'), eight = run('apple-m4-8c');
    expect(eight.encoder_s! / ten.encoder_s!).toBeGreaterThan(1.2);
    expect(eight.encoder_s! / ten.encoder_s!).toBeLessThanOrEqual(1.25 + 1e-9);
  });
});
