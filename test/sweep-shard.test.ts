// sweep --shard I/N + hwperf merge: the shards, run as separate processes the way the Slurm job array and the
// Kubernetes Indexed Job in examples/ run them, merge into the bytes of the single run (CSV and Pareto file).
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseShard, shardRange, mergeShards } from '../src/sweep/shard.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'hwperf-shard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sweepFile = join(root, 'examples/sweep-small.yaml');

// `hwperf` on PATH, as the scripts expect it installed
const bin = join(tmp, 'bin');
mkdirSync(bin);
symlinkSync(join(root, 'bin/run.js'), join(bin, 'hwperf'));
const env = (extra: Record<string, string>) => ({ ...process.env, PATH: `${bin}:${process.env.PATH}`, ...extra });

async function limited<T>(tasks: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < tasks.length; i += width) out.push(...(await Promise.all(tasks.slice(i, i + width).map((t) => t()))));
  return out;
}

// the three Pareto files beside a CSV: whole system, per device, per dollar
const fronts = (csv: string) => ['pareto', 'pareto-per-device', 'pareto-per-dollar'].map((k) => readFileSync(csv.replace(/\.csv$/, `.${k}.csv`), 'utf8')).join('\n---\n');
let single: { csv: string; pareto: string } | undefined;
async function singleRun() {
  if (!single) {
    await run(join(bin, 'hwperf'), ['sweep', sweepFile, '--out', join(tmp, 'single.csv')], { env: env({}) });
    single = { csv: readFileSync(join(tmp, 'single.csv'), 'utf8'), pareto: fronts(join(tmp, 'single.csv')) };
  }
  return single;
}

async function mergeDir(dir: string, out: string) {
  const shards = readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => join(dir, f));
  await run(join(bin, 'hwperf'), ['merge', ...shards, '--out', out], { env: env({}) });
  return { csv: readFileSync(out, 'utf8'), pareto: fronts(out) };
}

describe('shards', () => {
  it('I/N is 1-based, and the blocks cover every row once', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, of: 8 });
    for (const bad of ['0/8', '9/8', '3', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(/expected I\/N with 1 ≤ I ≤ N/);
    for (const [size, n] of [[216, 8], [5, 8], [1000003, 7], [0, 3]]) {
      let next = 0;
      for (let i = 1; i <= n!; i++) {
        const [s, e] = shardRange(size!, { index: i, of: n! });
        expect(s).toBe(next);
        next = e;
      }
      expect(next).toBe(size);
    }
  });
});

describe('examples run the shards as separate processes; merge gives the single run byte for byte', () => {
  it('examples/sweep-slurm.sh as a 3-task job array (0-based task ids)', async () => {
    const dir = join(tmp, 'slurm');
    const script = join(root, 'examples/sweep-slurm.sh');
    expect(readFileSync(script, 'utf8')).toMatch(/^#SBATCH --array=0-7$/m);
    await limited(
      [0, 1, 2].map((id) => () =>
        run('bash', [script], { env: env({ SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_COUNT: '3', SLURM_CPUS_PER_TASK: id === 1 ? '2' : '1', SWEEP: sweepFile, RESULTS: dir }) }),
      ),
    );
    expect(readdirSync(dir).sort()).toEqual(['shard-1-of-3.csv', 'shard-2-of-3.csv', 'shard-3-of-3.csv']);
    const merged = await mergeDir(dir, join(tmp, 'slurm-merged.csv'));
    const one = await singleRun();
    expect(merged.csv).toBe(one.csv);
    expect(merged.pareto).toBe(one.pareto);
  }, 120_000);

  it('examples/sweep-k8s.yaml as an Indexed Job (JOB_COMPLETION_INDEX 0..completions−1)', async () => {
    const job = parse(readFileSync(join(root, 'examples/sweep-k8s.yaml'), 'utf8'));
    expect(job.spec.completionMode).toBe('Indexed');
    const container = job.spec.template.spec.containers[0];
    const manifestEnv = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(Number(manifestEnv.SHARDS)).toBe(job.spec.completions);
    const [cmd, ...args] = container.command as string[];
    const dir = join(tmp, 'k8s');
    // the manifest's 8 pods, scaled to 4 here to keep the test quick (completions and SHARDS move together)
    const completions = 4;
    await limited(
      Array.from({ length: completions }, (_, i) => () =>
        run(cmd!, args, { env: env({ ...manifestEnv, SHARDS: String(completions), JOB_COMPLETION_INDEX: String(i), SWEEP: sweepFile, RESULTS: dir }) }),
      ),
    );
    expect(readdirSync(dir).sort()).toEqual([1, 2, 3, 4].map((i) => `shard-${i}-of-4.csv`));
    const merged = await mergeDir(dir, join(tmp, 'k8s-merged.csv'));
    const one = await singleRun();
    expect(merged.csv).toBe(one.csv);
    expect(merged.pareto).toBe(one.pareto);
  }, 120_000);
});

describe('merge refuses what would not give the whole sweep', () => {
  const dir = join(tmp, 'slurm');
  const shard = (i: number) => join(dir, `shard-${i}-of-3.csv`);
  it.each([
    ['a missing shard', () => [shard(1), shard(3)], /missing shard 2\/3/],
    ['a shard named twice', () => [shard(1), shard(2), shard(2), shard(3)], /shard 2\/3 is also in/],
    ['a file that is not a shard', () => [shard(1), shard(2), join(tmp, 'single.csv')], /not a sweep shard/],
  ])('%s', (_name, files, message) => {
    expect(() => mergeShards(files(), join(tmp, 'x.csv'))).toThrow(message);
  });
  it('a cut-off shard', () => {
    const text = readFileSync(shard(2), 'utf8').split('\n');
    const cut = join(tmp, 'cut.csv');
    writeFileSync(cut, [...text.slice(0, 3), text.at(-2), ''].join('\n'));
    expect(() => mergeShards([shard(1), cut, shard(3)], join(tmp, 'y.csv'))).toThrow(/holds 2 rows, its trailer says \d+/);
  });
  it('a shard of another sweep', () => {
    const other = join(tmp, 'other.yaml');
    writeFileSync(other, readFileSync(sweepFile, 'utf8').replace('batch: [1, 8, 32, 64, 128, max]', 'batch: [1, 8, 32, 64, 128, 256]'));
    return run(join(bin, 'hwperf'), ['sweep', other, '--shard', '2/3', '--out', join(tmp, 'other-2.csv')], { env: env({}) }).then(() => {
      expect(() => mergeShards([shard(1), join(tmp, 'other-2.csv'), shard(3)], join(tmp, 'z.csv'))).toThrow(/shard of a different sweep/);
    });
  });
  it('an existing output without --force', () => {
    writeFileSync(join(tmp, 'exists.csv'), 'x');
    expect(() => mergeShards([shard(1), shard(2), shard(3)], join(tmp, 'exists.csv'))).toThrow(/exists[:;] pass --force/);
  });
});
