// The fuzz suite at the size npm test affords (a few hundred cases, seconds); `npm run fuzz -- --seed S --cases N`
// runs it longer. FUZZ_SEED / FUZZ_CASES replay a failure printed by either.
import { describe, expect, it } from 'vitest';
import { fuzz } from './fuzz/fuzz.js';

const seed = Number(process.env.FUZZ_SEED ?? 20261203);
const cases = Number(process.env.FUZZ_CASES ?? 1500);

describe('fuzz: mutated specs, flags, grids and hostile paths', () => {
  it(`seed ${seed}, ${cases} cases: no crash, NaN, negative fitting number, hang, blow-up or read outside the tree`, async () => {
    const { failures, counts } = await fuzz(seed, cases, undefined, (s) => process.stderr.write(s + '\n'));
    if (process.env.FUZZ_CASES) process.stderr.write(`fuzz seed ${seed}: ${JSON.stringify(counts)}\n`);
    expect(failures.map((f) => `case ${f.index} (${f.kind}): ${f.what}\n${f.input.slice(0, 3000)}`)).toEqual([]);
    expect(counts['spec-valid']).toBeGreaterThan(0); // some mutants are valid and reach the engine
  }, 600_000);
});
