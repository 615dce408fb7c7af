// npm run fuzz -- [--cli|--kill|--both|--edges|--bounds|--hostile] --seed N --cases M [--seeds K]: the fuzz suites at any size, through
// vitest so that the TypeScript sources run as they do in npm test. Without a suite flag: mutated specs, flags and
// grids in-process (test/fuzz/fuzz.ts); --cli: every command with hostile flags, files and output paths
// (test/fuzz/cli.ts); --edges: every numeric flag of every engine command at each edge value (no seed); --kill: hwperf processes killed while they replace outputs (test/fuzz/kill.ts); --bounds: specs, --set and flags at
// the edges of their stated ranges, answers checked for accounting too (test/fuzz/bounds.ts); --hostile: one change to
// a working command judged against its answer, hostile bench files, traces, config.json, YAML bytes, grids, device
// inputs (test/fuzz/hostile.ts; the heap is capped at 4 GB so that a memory blow-up fails the run); --both:
// spec and cli. Exit 1 when any case fails. FUZZ_TRACE=FILE logs each CLI case before it runs (for a hang).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seed = opt('seed', Date.now() % 1e9);
const cases = opt('cases', 5000);
const seeds = opt('seeds', 1);
const suites = args.includes('--both') ? ['spec', 'cli'] : args.includes('--cli') ? ['cli'] : args.includes('--kill') ? ['kill'] : args.includes('--edges') ? ['edges'] : args.includes('--bounds') ? ['bounds'] : args.includes('--hostile') ? ['hostile'] : ['spec'];
const FILES = { spec: 'test/fuzz.test.ts', cli: 'test/fuzz-cli.test.ts', kill: 'test/fuzz-kill.test.ts', edges: 'test/fuzz-edges.test.ts', bounds: 'test/fuzz-bounds.test.ts', hostile: 'test/fuzz-hostile.test.ts' };
const ENV = { spec: ['FUZZ_SEED', 'FUZZ_CASES'], cli: ['FUZZ_CLI_SEED', 'FUZZ_CLI_CASES'], kill: ['FUZZ_KILL_SEED', 'FUZZ_KILL_CASES'], edges: ['FUZZ_EDGES_SEED', 'FUZZ_EDGES'], bounds: ['FUZZ_BOUNDS_SEED', 'FUZZ_BOUNDS_CASES'], hostile: ['FUZZ_HOSTILE_SEED', 'FUZZ_HOSTILE_CASES'] };
let failed = 0;
for (let s = seed; s < seed + seeds; s++) {
  for (const suite of suites) {
    console.log(`fuzz ${suite}: seed ${s}, ${cases} cases`);
    const [seedVar, casesVar] = ENV[suite];
    // a hang that blocks the event loop (a loop that never ends) stops the in-process harness's own clock too: a
    // watchdog kills the run (vitest and its workers: GNU timeout signals its whole process group) after
    // FUZZ_TIMEOUT_S and names the case it was in (the last FUZZ_TRACE line)
    const trace = process.env.FUZZ_TRACE ?? join(mkdtempSync(join(tmpdir(), 'hwperf-fuzz-trace-')), 'cases.log');
    const limit = String(Number(process.env.FUZZ_TIMEOUT_S ?? 1800));
    const cmd = ['npx', 'vitest', 'run', FILES[suite], '--reporter', 'dot'];
    const watched = spawnSync('timeout', ['--version']).status === 0 ? ['timeout', '-s', 'KILL', limit, ...cmd] : cmd;
    const r = spawnSync(watched[0], watched.slice(1), {
      stdio: 'inherit',
      env: {
        FUZZ_TRACE: trace, ...process.env, [seedVar]: String(s), [casesVar]: String(cases), ...(suite === 'hostile' ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=4096`.trim() } : {}) },
    });
    if (r.error || r.signal || r.status === 137 || r.status === 124) {
      const last = existsSync(trace) ? readFileSync(trace, 'utf8').trim().split('\n').at(-1) : '(no case traced)';
      console.log(`fuzz ${suite}: seed ${s} did not finish (${r.error?.code ?? r.signal}): a hang in the case it was running: ${last}`);
    }
    if (r.status !== 0) failed++;
  }
}
process.exit(failed ? 1 : 0);
