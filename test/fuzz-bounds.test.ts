// The boundary fuzz corpus (test/fuzz/bounds.ts): specs and --set at the edges of their stated ranges, valid flags
// over each command's whole range, judged by cli.ts's oracle and the accounting relations, at the size npm test
// affords (20 cases; the CLI suite gave up 50 of its 150 for them); `npm run fuzz -- --bounds --seed S --cases N`
// runs it longer, and FUZZ_BOUNDS_SEED / FUZZ_BOUNDS_CASES replay a failure it printed.
import { describe, expect, it } from 'vitest';
import { fuzzBounds } from './fuzz/bounds.js';

const seed = Number(process.env.FUZZ_BOUNDS_SEED ?? 4001);
const cases = Number(process.env.FUZZ_BOUNDS_CASES ?? 20);

describe('fuzz: specs, --set and flags at the edges of their ranges', () => {
  it(`seed ${seed}, ${cases} cases: valid edges answer with finite, non-negative, self-consistent numbers`, async () => {
    const { failures, counts, ok } = await fuzzBounds(seed, cases, (s) => process.stderr.write(s + '\n'));
    process.stderr.write(`bounds fuzz seed ${seed}: cases ${JSON.stringify(counts)}\n  answered ${JSON.stringify(ok)}\n`);
    expect(failures.map((f) => `case ${f.index} [${f.family}]: ${f.what}\n  hwperf ${f.argv.join(' ')}`)).toEqual([]);
  }, 3_600_000);
});
