// npm run fuzz -- --seed N --cases M [--seeds K]: the fuzz suite (test/fuzz/fuzz.ts) at any size, through vitest
// so that the TypeScript sources run as they do in npm test. Exit 1 when any case fails.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seed = opt('seed', Date.now() % 1e9);
const cases = opt('cases', 5000);
const seeds = opt('seeds', 1);
let failed = 0;
for (let s = seed; s < seed + seeds; s++) {
  console.log(`fuzz: seed ${s}, ${cases} cases`);
  const r = spawnSync('npx', ['vitest', 'run', 'test/fuzz.test.ts', '--reporter', 'dot'], {
    stdio: 'inherit',
    env: { ...process.env, FUZZ_SEED: String(s), FUZZ_CASES: String(cases) },
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
