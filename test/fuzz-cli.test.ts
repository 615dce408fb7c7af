// The command-line fuzz suite at the size npm test affords; `npm run fuzz -- --cli --seed S --cases N` runs it
// longer. FUZZ_CLI_SEED / FUZZ_CLI_CASES replay a failure printed by either.
import { describe, expect, it } from 'vitest';
import { fuzzCli } from './fuzz/cli.js';

const seed = Number(process.env.FUZZ_CLI_SEED ?? 20261204);
const cases = Number(process.env.FUZZ_CLI_CASES ?? 100);

describe('fuzz: every command with hostile flags, files and output paths', () => {
  it(`seed ${seed}, ${cases} cases: exit 0/1/2, one-line errors, no NaN/undefined, finite non-negative fitting JSON, no temp files, nothing from outside the tree`, async () => {
    const { failures, counts } = await fuzzCli(seed, cases, (s) => process.stderr.write(s + '\n'));
    if (process.env.FUZZ_CLI_CASES) process.stderr.write(`cli fuzz seed ${seed}: ${JSON.stringify(counts)}\n`);
    expect(failures.map((f) => `case ${f.index}: ${f.what}\n  hwperf ${f.argv.map((x) => (x.length > 200 ? `${x.slice(0, 40)}…` : x)).join(' ')}`)).toEqual([]);
  }, 900_000);
});
