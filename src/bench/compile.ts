// Build the shipped C kernels (src/bench/kernels/*.c) at run time with the host's compiler, as the
// Empirical Roofline Toolkit does: `cc -O3 -march=native -fopenmp`, falling back without OpenMP (one
// thread) or without -march=native where the compiler refuses them. Binaries are cached per source hash,
// compiler and flags, in $HWPERF_CACHE, $XDG_CACHE_HOME/hwperf or ~/.cache/hwperf.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../spec/paths.js';

// Kernels ship as sources in the package (package.json "files": src/bench/kernels), wherever the code runs from.
export function kernelsDir(): string {
  const d = join(PACKAGE_ROOT, 'src', 'bench', 'kernels');
  if (existsSync(join(d, 'common.h'))) return d;
  throw new Error(`hwperf: the C kernels (src/bench/kernels) are missing from ${PACKAGE_ROOT}`);
}

export function findCompiler(): string | undefined {
  const candidates = [process.env.CC, 'cc', 'gcc', 'clang'].filter((c): c is string => !!c);
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return c;
  }
  return undefined;
}

export function cacheDir(): string {
  const base = process.env.HWPERF_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir() || tmpdir(), '.cache'), 'hwperf');
  return join(base, 'kernels');
}

export interface Built {
  exe: string;
  compiler: string;
  flags: string[];
  openmp: boolean;
}

const FLAG_SETS = [
  ['-O3', '-march=native', '-fopenmp'],
  ['-O3', '-mcpu=native', '-fopenmp'],
  ['-O3', '-march=native'],
  ['-O3', '-mcpu=native'],
  ['-O3'],
];

// Compile kernels/<name>.c (with every header of the folder in the hash) into the cache; reuse it when built.
export function buildKernel(name: string, compiler = findCompiler()): Built {
  if (!compiler) throw new Error('no C compiler found (set CC, or install cc/gcc/clang)');
  const dir = kernelsDir();
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.h') || f === `${name}.c`).sort()) {
    hash.update(f).update(readFileSync(join(dir, f)));
  }
  const version = execFileSync(compiler, ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  hash.update(compiler).update(version);
  const key = hash.digest('hex').slice(0, 16);
  const out = join(cacheDir(), `${name}-${key}`);
  mkdirSync(cacheDir(), { recursive: true });
  const errors: string[] = [];
  for (const flags of FLAG_SETS) {
    const exe = `${out}-${flags.join('').replace(/[^a-z0-9]/gi, '')}`;
    const built = { exe, compiler, flags, openmp: flags.includes('-fopenmp') };
    if (existsSync(exe)) return built;
    const tmp = `${exe}.${process.pid}.tmp`;
    const r = spawnSync(compiler, [...flags, '-o', tmp, join(dir, `${name}.c`), '-lm'], { encoding: 'utf8' });
    if (r.status === 0) {
      renameSync(tmp, exe);
      return built;
    }
    errors.push(`${compiler} ${flags.join(' ')}: ${(r.stderr || r.error?.message || '').split('\n').slice(0, 3).join(' ')}`);
  }
  throw new Error(`cannot compile ${name}.c:\n${errors.join('\n')}`);
}

// Run a built kernel and parse the one JSON object it prints.
export function runKernel<T>(built: Built, args: (string | number)[], env: Record<string, string> = {}): T {
  const r = spawnSync(built.exe, args.map(String), { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 16 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${built.exe} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
