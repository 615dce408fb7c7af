// The kill campaign (test/fuzz/kill.ts) runs only when asked: `npm run fuzz -- --kill --seed S --cases N`
// (its process timings are the machine's, so it is a campaign, not a unit test; the recovery it relies on is
// tested deterministically in test/fuzz-findings.test.ts).
import { describe, expect, it } from 'vitest';
import { killCampaign } from './fuzz/kill.js';

const cases = Number(process.env.FUZZ_KILL_CASES ?? 0);
const seed = Number(process.env.FUZZ_KILL_SEED ?? 1);

describe.skipIf(cases === 0)('fuzz: killed writes', () => {
  it(`seed ${seed}, ${cases} cases: all old or all new after a kill, no temp files after SIGTERM/SIGINT, a re-run works`, async () => {
    const failures = await killCampaign(seed, cases, (s) => process.stderr.write(s + '\n'));
    expect(failures.map((f) => `case ${f.index}: ${f.what}`)).toEqual([]);
  }, 3_600_000);
});
