// A fault campaign on writes (issue 15 item 4): hwperf processes (bin/run.js, real processes) that replace an
// existing output with --force are killed at a random moment with SIGKILL, SIGTERM or SIGINT. What must hold:
//   - right after the kill, a set of outputs that belong together (a sweep CSV and its three Pareto files, a
//     report folder, a timeline CSV and its chart) is all old or all new — or, after a SIGKILL only, a commit
//     journal is there that the next run finishes;
//   - after SIGTERM/SIGINT no temporary file is left;
//   - a re-run (with --force) succeeds, leaves the new outputs complete and no temporary file or folder.
// The kill moments come from the seed; the process timings do not, so this runs as `npm run fuzz -- --kill`
// (a campaign), not in npm test (test/fuzz-findings.test.ts checks the journal recovery deterministically).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pick, rng } from './fuzz.js';
import { sampleCc } from '../fixtures/bench-sample.js';

const BIN = new URL('../../bin/run.js', import.meta.url).pathname;

interface Target {
  name: string;
  args: (v: 'old' | 'new', out: string) => string[];
  /** which version the outputs at `out` are, or 'mixed' / 'missing' */
  version: (out: string) => 'old' | 'new' | 'mixed' | 'missing';
}

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
}

const TEMP = /^\..*\.\d+(\.\d+)?\.(tmp|partial|old|commit)$/;

function targets(dir: string): Target[] {
  writeFileSync(join(dir, 'old.yaml'), 'sweep:\n  model: [llama-3.2-1b, llama-3.1-8b]\n  hardware: [h100-sxm, l4]\n  batch: [1, 8]\n  input_tokens: 512\n');
  writeFileSync(join(dir, 'new.yaml'), 'sweep:\n  model: [llama-3.2-1b, llama-3.1-8b]\n  hardware: [h100-sxm, l4, mi300x]\n  batch: [1, 8, 32]\n  input_tokens: 1024\n');
  const refs: Record<string, string> = {};
  const refChart = (v: 'old' | 'new') => {
    const f = join(dir, `ref-${v}.svg`);
    if (!refs[v]) {
      cli(['roofline', '--model', v === 'old' ? 'llama-3.2-1b' : 'qwen2.5-7b', '--hardware', 'l4', '--out', f, '--force'], dir);
      refs[v] = readFileSync(f, 'utf8');
    }
    return refs[v]!;
  };
  // shards of the two grids, for merge
  for (const v of ['old', 'new']) for (const i of [1, 2]) cli(['sweep', join(dir, `${v}.yaml`), '--shard', `${i}/2`, '--out', join(dir, `${v}-shard-${i}.csv`), '--force'], dir);
  const sweepFiles = (out: string) => [out, out.replace(/\.csv$/, '.pareto.csv'), out.replace(/\.csv$/, '.pareto-per-device.csv'), out.replace(/\.csv$/, '.pareto-per-dollar.csv')];
  // a sweep's or a merge's CSV and its three Pareto files: all or none, one version, every Pareto row a row of the CSV
  const sweepVersion = (out: string): 'old' | 'new' | 'mixed' | 'missing' => {
    const files = sweepFiles(out);
    const present = files.filter((f) => existsSync(f));
    if (present.length === 0) return 'missing';
    if (present.length !== files.length) return 'mixed';
    const main = readFileSync(files[0]!, 'utf8');
    for (const f of files.slice(1)) for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) if (line && !main.includes(line)) return 'mixed';
    return /,1024,/.test(main.split('\n')[1] ?? '') ? 'new' : 'old';
  };
  // one-file outputs of the fifth round: calibrate's spec, import hf's YAML, a sweep shard (and its journal)
  writeFileSync(join(dir, 'bench.json'), JSON.stringify(sampleCc()));
  const hfDir = new URL('../fixtures/hf/', import.meta.url).pathname;
  const oneFile = (ext: string, oldMark: RegExp, newMark: RegExp) => (out: string): 'old' | 'new' | 'mixed' | 'missing' => {
    const f = out.replace(/\.csv$/, ext);
    if (!existsSync(f)) return 'missing';
    const text = readFileSync(f, 'utf8');
    const o = oldMark.test(text), n = newMark.test(text);
    return o === n ? 'mixed' : o ? 'old' : 'new';
  };
  return [
    {
      name: 'calibrate',
      args: (v, out) => ['calibrate', join(dir, 'bench.json'), '--hardware', v === 'old' ? 'l4' : 'h100-sxm', '--out', out.replace(/\.csv$/, '.yaml'), '--force'],
      version: oneFile('.yaml', /^extends: l4$/m, /^extends: h100-sxm$/m),
    },
    {
      name: 'import',
      args: (v, out) => ['import', 'hf', join(hfDir, v === 'old' ? 'llama' : 'mistral', 'config.json'), '--out', out.replace(/\.csv$/, '.yaml'), '--force'],
      version: (out) => {
        const f = out.replace(/\.csv$/, '.yaml');
        if (!existsSync(f)) return 'missing';
        const text = readFileSync(f, 'utf8');
        // complete: the file ends with its sources list
        if (!/sources:\n {2}- .*\n?$/.test(text)) return 'mixed';
        return /^# Imported .*MistralForCausalLM/m.test(text) ? 'new' : /^# Imported .*LlamaForCausalLM/m.test(text) ? 'old' : 'mixed';
      },
    },
    {
      name: 'shard',
      args: (v, out) => ['sweep', join(dir, `${v}.yaml`), '--shard', '1/2', '--out', out, '--force'],
      version: (out) => {
        if (!existsSync(out)) return 'missing';
        const text = readFileSync(out, 'utf8');
        if (!/\n# hwperf-shard \{.*\}\n?$/.test(text)) return 'mixed';
        return /,1024,/.test(text.split('\n')[1] ?? '') ? 'new' : 'old';
      },
    },
    {
      name: 'sweep',
      args: (v, out) => ['sweep', join(dir, `${v}.yaml`), '--out', out, '--force'],
      version: sweepVersion,
    },
    {
      name: 'compare',
      args: (v, out) => ['compare', '--models', v === 'old' ? 'llama-3.2-1b' : 'qwen2.5-7b', '--hardware', 'l4', '--out', out, '--force'],
      version: (out) => {
        if (!existsSync(out)) return 'missing';
        const names = readdirSync(out);
        const text = names.filter((n) => /\.(md|html|csv)$/.test(n)).map((n) => readFileSync(join(out, n), 'utf8')).join('\n');
        const hasOld = /llama-3\.2-1b/.test(text);
        const hasNew = /qwen2\.5-7b/.test(text);
        if (!['report.md', 'report.html', 'results.csv'].every((n) => names.includes(n))) return 'mixed';
        return hasOld && hasNew ? 'mixed' : hasOld ? 'old' : hasNew ? 'new' : 'mixed';
      },
    },
    {
      // a chart file (one file, written to a temporary sibling and renamed)
      name: 'roofline',
      args: (v, out) => ['roofline', '--model', v === 'old' ? 'llama-3.2-1b' : 'qwen2.5-7b', '--hardware', 'l4', '--out', out.replace(/\.csv$/, '.svg'), '--force'],
      version: (out) => {
        // the chart draws its text as paths: judged against the two charts made once (runs are byte-identical)
        const svg = out.replace(/\.csv$/, '.svg');
        if (!existsSync(svg)) return 'missing';
        const text = readFileSync(svg, 'utf8');
        return text === refChart('new') ? 'new' : text === refChart('old') ? 'old' : 'mixed';
      },
    },
    {
      // a merge of shards: the CSV and its three Pareto files replaced together
      name: 'merge',
      args: (v, out) => ['merge', ...[1, 2].map((i) => join(dir, `${v}-shard-${i}.csv`)), '--out', out, '--force'],
      version: sweepVersion,
    },
    {
      name: 'timeline',
      args: (v, out) => ['serve', '--model', v === 'old' ? 'llama-3.2-1b' : 'qwen2.5-7b', '--hardware', 'l4', '--rate', '2', '--requests', v === 'old' ? '20' : '40', '--timeline', out],
      version: (out) => {
        const png = out.replace(/\.csv$/, '.png');
        if (!existsSync(out) && !existsSync(png)) return 'missing';
        if (!existsSync(out) || !existsSync(png)) return 'mixed';
        // the chart's bytes carry no version: the pair is judged by the journal and the CSV (see campaign)
        return readFileSync(out, 'utf8').split('\n').length > 0 ? 'new' : 'mixed';
      },
    },
  ];
}

export interface KillFailure {
  seed: number;
  index: number;
  what: string;
}

/** Run `cases` kill cases from `seed` (each a few real processes). */
export async function killCampaign(seed: number, cases: number, log?: (s: string) => void): Promise<KillFailure[]> {
  const r = rng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'hwperf-kill-'));
  const ts = targets(dir);
  // each target's run time here, measured once: a kill lands at a random moment inside a run (a fixed 0.1–3 s
  // window missed every run that ends in half a second: the kill came after the exit)
  const runMs = new Map<string, number>();
  let killedMidRun = 0;
  let finishedFirst = 0;
  for (const t of ts) {
    const sub = join(dir, `time-${t.name}`);
    mkdirSync(sub);
    const t0 = performance.now();
    cli(t.args('new', join(sub, t.name === 'compare' ? 'report' : 'out.csv')), sub);
    runMs.set(t.name, performance.now() - t0);
    rmSync(sub, { recursive: true, force: true });
  }
  const failures: KillFailure[] = [];
  for (let i = 0; i < cases; i++) {
    const t = pick(r, ts);
    // SIGTERM then SIGKILL while the first one's clean-up runs (a supervisor that loses patience): judged as a SIGKILL
    const sig0 = pick(r, ['SIGKILL', 'SIGKILL', 'SIGTERM', 'SIGINT', 'SIGTERM+SIGKILL'] as const);
    const sig = sig0 === 'SIGTERM+SIGKILL' ? 'SIGKILL' : sig0;
    const kill = (child: ReturnType<typeof spawn>) => {
      if (sig0 !== 'SIGTERM+SIGKILL') return child.kill(sig);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5 + Math.floor(r() * 100));
      return true;
    };
    const delay = 10 + Math.floor(r() * 1.1 * (runMs.get(t.name) ?? 3000));
    const sub = join(dir, `case-${i}`);
    mkdirSync(sub);
    const out = join(sub, t.name === 'compare' ? 'report' : 'out.csv');
    const fail = (what: string) => {
      failures.push({ seed, index: i, what: `${t.name}, ${sig} after ${delay} ms: ${what}` });
      log?.(`FAIL kill seed ${seed} case ${i}: ${t.name}, ${sig} after ${delay} ms: ${what}`);
    };
    // one case in eight races two writers of the same output (old and new, both --force) and kills neither: the
    // output is then one of the two, whole, with no temporary file left and each run's exit clean
    if (r() < 0.125) {
      if (cli(t.args('old', out), sub).status !== 0) {
        fail('the first run failed');
        continue;
      }
      const runs = await Promise.all((['new', 'old'] as const).map((v) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...t.args(v, out)], { cwd: sub, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code, stderr }));
      })));
      for (const x of runs) {
        if (x.code === null || ![0, 1, 2].includes(x.code)) fail(`race: exit ${x.code}: ${x.stderr.slice(0, 300)}`);
        else if (x.code !== 0 && (/internal error|at .*\.js:\d+/.test(x.stderr) || x.stderr.trim().split('\n').length > 1)) fail(`race: ${x.stderr.slice(0, 300)}`);
      }
      const v = t.version(out);
      if (v !== 'old' && v !== 'new') fail(`race of two writers left the outputs ${v} (${readdirSync(sub).join(', ')})`);
      const left = readdirSync(sub).filter((n) => TEMP.test(n));
      if (left.length) fail(`race: temporary files left: ${left.join(', ')}`);
      rmSync(sub, { recursive: true, force: true });
      continue;
    }
    // one case in four kills a first write (no --force, nothing there yet): what it leaves must let a plain re-run
    // write (a half-made report folder that the re-run then refused was issue 15's finding)
    if (r() < 0.25) {
      const args = t.args('old', out).filter((x) => x !== '--force');
      const child = spawn(process.execPath, [BIN, ...args], { cwd: sub, stdio: ['ignore', 'pipe', 'pipe'] });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => kill(child), delay);
        child.on('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const v = t.version(out);
      if (v === 'mixed' && !(sig === 'SIGKILL' && readdirSync(sub).some((n) => n.endsWith('.commit')))) fail(`a killed first write left a partial output (${readdirSync(sub).join(', ')})`);
      if (sig !== 'SIGKILL' && readdirSync(sub).some((n) => TEMP.test(n))) fail(`temporary files after ${sig} of a first write: ${readdirSync(sub).join(', ')}`);
      if (v === 'missing' || v === 'mixed') {
        const again = cli(args, sub);
        if (again.status !== 0) fail(`a plain re-run after a killed first write failed (${again.status}): ${again.stderr.slice(0, 300)}`);
        else if (['missing', 'mixed'].includes(t.version(out))) fail(`after the re-run of a killed first write the outputs are ${t.version(out)}`);
        const after = readdirSync(sub).filter((n) => TEMP.test(n));
        if (after.length) fail(`temporary files after the re-run of a killed first write: ${after.join(', ')}`);
      }
      rmSync(sub, { recursive: true, force: true });
      continue;
    }
    const first = cli(t.args('old', out), sub);
    if (first.status !== 0) {
      fail(`the first run failed: ${first.stderr.slice(0, 300)}`);
      continue;
    }
    // the new run, killed
    const child = spawn(process.execPath, [BIN, ...t.args('new', out)], { cwd: sub, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      const timer = setTimeout(() => kill(child), delay);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
    // killed mid-run (a signal, or the 128+n exit of a handler), or finished before the kill came
    if (exit.signal || (exit.code !== null && exit.code > 128)) killedMidRun++;
    else finishedFirst++;
    const left = readdirSync(sub).filter((n) => TEMP.test(n));
    const journal = left.some((n) => n.endsWith('.commit'));
    const v = t.version(out);
    if (exit.code !== null && ![0, 1, 2, 128 + 2, 128 + 15].includes(exit.code)) fail(`exit code ${exit.code}: ${stderr.slice(0, 300)}`);
    if (/internal error|at .*\.js:\d+/.test(stderr)) fail(`stderr: ${stderr.slice(0, 300)}`);
    if (v === 'mixed' && !(sig === 'SIGKILL' && journal)) fail(`outputs are a mix of old and new after the kill (${readdirSync(sub).join(', ')})`);
    if (v === 'missing' && !(sig === 'SIGKILL' && left.some((n) => n.endsWith('.old')))) fail(`the old outputs are gone after the kill (${readdirSync(sub).join(', ')})`);
    if (sig !== 'SIGKILL' && left.length) fail(`temporary files after ${sig}: ${left.join(', ')}`);
    // the re-run
    const again = cli(t.args('new', out), sub);
    if (again.status !== 0) fail(`the re-run failed (${again.status}): ${again.stderr.slice(0, 300)}`);
    const after = readdirSync(sub).filter((n) => TEMP.test(n));
    if (after.length) fail(`temporary files after the re-run: ${after.join(', ')}`);
    if (t.version(out) !== 'new') fail(`after the re-run the outputs are ${t.version(out)}`);
    if (t.name === 'compare' && readdirSync(out).some((n) => n.startsWith('.'))) fail('hidden files in the report folder');
    rmSync(sub, { recursive: true, force: true });
  }
  rmSync(dir, { recursive: true, force: true });
  log?.(`kill seed ${seed}: ${cases} cases; of the replacing runs, ${killedMidRun} killed mid-run, ${finishedFirst} finished before the kill`);
  return failures;
}
