// Every numeric flag of every engine command at each edge value (0, −0, −1, 1e308, 5e-324, 1e-300, 2^53+1, …),
// one at a time over a valid command: `npm run fuzz -- --edges` (about 1,500 runs, a few minutes; not in npm test).
import { describe, expect, it } from 'vitest';
import { fuzzEdges } from './fuzz/cli.js';

describe.skipIf(!process.env.FUZZ_EDGES)('fuzz: every numeric flag at its edges', () => {
  it('no crash, NaN, negative fitting number, hang or stray output', async () => {
    const { failures, cases } = await fuzzEdges((s) => process.stderr.write(s + '\n'));
    process.stderr.write(`edge cases: ${cases}\n`);
    expect(failures.map((f) => `${f.what}\n  hwperf ${f.argv.join(' ')}`)).toEqual([]);
  }, 3_600_000);
});
