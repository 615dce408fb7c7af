// npm run fuzz -- [--cli] --seed N --cases M [--seeds K]: the fuzz suites at any size, through vitest so that the
// TypeScript sources run as they do in npm test. Without --cli: mutated specs, flags and grids in-process
// (test/fuzz/fuzz.ts); with --cli: every command with hostile flags, files and output paths (test/fuzz/cli.ts);
// --both runs the two. Exit 1 when any case fails. FUZZ_TRACE=FILE logs each CLI case before it runs (for a hang).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seed = opt('seed', Date.now() % 1e9);
const cases = opt('cases', 5000);
const seeds = opt('seeds', 1);
const suites = args.includes('--both') ? ['spec', 'cli'] : args.includes('--cli') ? ['cli'] : ['spec'];
let failed = 0;
for (let s = seed; s < seed + seeds; s++) {
  for (const suite of suites) {
    console.log(`fuzz ${suite}: seed ${s}, ${cases} cases`);
    const cli = suite === 'cli';
    const r = spawnSync('npx', ['vitest', 'run', cli ? 'test/fuzz-cli.test.ts' : 'test/fuzz.test.ts', '--reporter', 'dot'], {
      stdio: 'inherit',
      env: { ...process.env, ...(cli ? { FUZZ_CLI_SEED: String(s), FUZZ_CLI_CASES: String(cases) } : { FUZZ_SEED: String(s), FUZZ_CASES: String(cases) }) },
    });
    if (r.status !== 0) failed++;
  }
}
process.exit(failed ? 1 : 0);
