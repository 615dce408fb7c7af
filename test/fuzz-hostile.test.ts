// The fifth fuzz round (test/fuzz/hostile.ts: one change to a working command judged against its answer, hostile
// bench files, traces, config.json, YAML bytes, grids at their edges, device and /proc inputs) at the size npm
// test affords; `npm run fuzz -- --hostile --seed S --cases N` runs it longer (FUZZ_HOSTILE_SEED /
// FUZZ_HOSTILE_CASES replay a failure printed by either).
import { describe, expect, it } from 'vitest';
import { makeCliTree } from './fuzz/cli.js';
import { rng } from './fuzz/fuzz.js';
import { fuzzHostile } from './fuzz/hostile.js';

const seed = Number(process.env.FUZZ_HOSTILE_SEED ?? 20261205);
const cases = Number(process.env.FUZZ_HOSTILE_CASES ?? 40);

describe('fuzz: one change to a working command, hostile files and bytes', () => {
  it(`seed ${seed}, ${cases} cases: the cli oracle, plus no absurd magnitudes, no number turned null while the result fits, one line per failure`, async () => {
    const tree = await makeCliTree();
    const { failures, counts } = await fuzzHostile(seed, cases, tree, rng, (s) => process.stderr.write(s + '\n'));
    if (process.env.FUZZ_HOSTILE_CASES) process.stderr.write(`hostile fuzz seed ${seed}: ${JSON.stringify(counts)}\n`);
    expect(failures.map((f) => `case ${f.index} (${f.kind}): ${f.what}\n  hwperf ${f.argv.map((x) => (x.length > 200 ? `${x.slice(0, 40)}…` : x)).join(' ')}`)).toEqual([]);
  }, 900_000);
});
