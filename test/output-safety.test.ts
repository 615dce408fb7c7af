// Output paths are checked before any work (one `--out PATH: …` line), and writes are all-or-nothing:
// report folders and CSVs appear complete or not at all, --force never mixes old and new files, and what a
// killed run leaves behind does not stop the next one (issue 15).
import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../bin/run.js', import.meta.url).pathname;
let dir: string;
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
const PAIR = ['--models', 'llama-3.1-8b', '--hardware', 'h100-sxm'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwperf-out-'));
  writeFileSync(join(dir, 'afile'), 'x');
});

describe('bad output paths: one line, exit 2, before any work', () => {
  const cases: [string[], RegExp][] = [
    [['compare', ...PAIR, '--out', '/proc/x'], /^hwperf: --out \/proc\/x: cannot write under \/proc/],
    [['compare', ...PAIR, '--out', 'afile/sub'], /^hwperf: --out afile\/sub: .*afile is a file, not a folder/],
    [['compare', ...PAIR, '--out', 'afile'], /^hwperf: --out afile: exists and is not a folder/],
    [['compare', ...PAIR, '--out', '/dev/null'], /^hwperf: --out \/dev\/null: exists and is not a folder/],
    [['roofline', '-m', 'llama-3.1-8b', '-H', 'h100-sxm', '--out', 'afile/x.png'], /^hwperf: --out .*afile is a file, not a folder/],
    [['roofline', '-m', 'llama-3.1-8b', '-H', 'h100-sxm', '--out', '/proc/self/x.png'], /^hwperf: --out .*(system folder|not writable)/],
  ];
  for (const [args, re] of cases) {
    it(args.join(' '), () => {
      const r = cli(args);
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(re);
      expect(r.stderr).not.toMatch(/ENOTDIR|EISDIR|EACCES|at .*\.js/);
    });
  }
  it('a sweep grid\'s out: stays inside the grid\'s folder unless --out says otherwise', () => {
    mkdirSync(join(dir, 'grids'));
    for (const [out, re] of [['../escape.csv', /grid\.yaml:1:6 {2}out {2}"\.\.\/escape\.csv" is not a file inside/], ['/tmp/abs.csv', /grid\.yaml:1:6 {2}out {2}must be a path relative/]] as const) {
      writeFileSync(join(dir, 'grids', 'grid.yaml'), `out: ${out}\nsweep: {model: [llama-3.1-8b], hardware: [h100-sxm]}\n`);
      const r = cli(['sweep', 'grids/grid.yaml']);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(re);
      expect(existsSync(join(dir, 'escape.csv'))).toBe(false);
    }
    const ok = cli(['sweep', 'grids/grid.yaml', '--out', join(dir, 'elsewhere.csv')]);
    expect(ok.status).toBe(0);
    expect(existsSync(join(dir, 'elsewhere.csv'))).toBe(true);
  });
});

describe('all-or-nothing writes', () => {
  it('--force replaces a report folder whole (no old file survives) and leaves no temporary folder', () => {
    const out = join(dir, 'rep');
    mkdirSync(out);
    writeFileSync(join(out, 'old-only.txt'), 'old');
    expect(cli(['compare', ...PAIR, '--out', out]).status).toBe(2); // not empty, no --force
    const r = cli(['compare', ...PAIR, '--out', out, '--force']);
    expect(r.status).toBe(0);
    expect(readdirSync(out)).not.toContain('old-only.txt');
    expect(readdirSync(out)).toContain('report.html');
    expect(readdirSync(dir).filter((n) => n.startsWith('.rep.'))).toEqual([]);
  });
  it('a re-run after a killed run works: stale temporaries of dead processes are cleared', () => {
    const dead = 2 ** 22 + 12345; // above the default pid_max: never a live process
    mkdirSync(join(dir, `.rep2.${dead}.partial`));
    writeFileSync(join(dir, `.rep2.${dead}.partial`, 'report.md'), 'half');
    writeFileSync(join(dir, `.out.csv.${dead}.tmp`), 'half');
    writeFileSync(join(dir, 'g.yaml'), 'sweep: {model: [llama-3.1-8b], hardware: [h100-sxm]}\n');
    expect(cli(['compare', ...PAIR, '--out', 'rep2']).status).toBe(0);
    expect(cli(['sweep', 'g.yaml', '--out', 'out.csv']).status).toBe(0);
    expect(readdirSync(dir).filter((n) => n.includes(String(dead)))).toEqual([]);
  });
  it('SIGTERM mid-sweep leaves neither the CSV nor a temporary file', async () => {
    const sub = join(dir, 'kill');
    mkdirSync(sub);
    writeFileSync(
      join(sub, 'big.yaml'),
      'sweep:\n  model: [llama-3.1-8b, llama-3.1-70b, mixtral-8x7b]\n  hardware: [h100-sxm, h200-sxm, mi300x, b200]\n  batch: [1, 2, 4, 8, 16, 32, 64, 128]\n  input_tokens: [128, 256, 512, 1024, 2048, 4096, 8192, 16384]\n  output_tokens: [64, 128, 256, 512, 1024, 2048, 4096, 8192]\n  tp: [1, 2, 4, 8]\n  dtype: [bf16, fp8, int4, fp16]\n',
    );
    const child = spawn(process.execPath, [BIN, 'sweep', 'big.yaml', '--workers', '1'], { cwd: sub, stdio: 'ignore' });
    // wait until the temporary CSV exists (the sweep is writing), then stop it
    for (let i = 0; i < 400 && !readdirSync(sub).some((n) => n.endsWith('.tmp')); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const left = readdirSync(sub).filter((n) => n !== 'big.yaml');
    // finished before the signal (or the signal came after the last rename, before the exit): every file whole
    const all = ['big.csv', 'big.pareto-per-device.csv', 'big.pareto-per-dollar.csv', 'big.pareto.csv'];
    if (code === 0 || left.length === all.length) expect(left.sort()).toEqual(all);
    else expect(left).toEqual([]);
  });
});
